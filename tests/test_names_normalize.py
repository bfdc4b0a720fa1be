"""normalize_name / parse_name / given_name: golden outputs, structure, tables, vectorised forms."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nikmatch.names import (
    ParsedName,
    given_name,
    given_names,
    load_tables,
    normalize_name,
    normalize_names,
    parse_name,
)

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


GOLDEN = _rows("name_normalize.csv")


def test_golden_table_is_large_and_documented() -> None:
    assert len(GOLDEN) >= 45
    assert all(row["rule"] for row in GOLDEN)


@pytest.mark.parametrize("row", GOLDEN, ids=[r["rule"] for r in GOLDEN])
def test_golden_normalize(row: dict[str, str]) -> None:
    assert normalize_name(row["input"]) == row["expected"]


@pytest.mark.parametrize(
    "value", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float32("nan"), ""]
)
def test_missing_values_give_empty(value: object) -> None:
    assert normalize_name(value) == ""
    assert parse_name(value) == ParsedName("", (), (), "", (), "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(b"SITI AMINAH", "siti aminah"), (12345, ""), (["Budi"], "budi"), (3.5, "")],
)
def test_non_text_values_never_raise(value: object, expected: str) -> None:
    assert normalize_name(value) == expected


def test_object_whose_str_fails_is_empty() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no text")

    assert normalize_name(Broken()) == ""


def test_parse_name_parts() -> None:
    p = parse_name("Drs. H. I Made Sudarma bin Wayan Oka, M.Si.")
    assert p.normalized == "i made sudarma bin wayan oka"
    assert p.titles == ("drs", "h", "msi")
    assert p.patronymic == "wayan oka"
    assert p.low_information == (True, True, False, True, True, False)
    assert p.given == "sudarma"


def test_low_information_phrases_and_articles_need_context() -> None:
    assert parse_name("Ida Bagus Putu Oka").low_information == (True, True, True, False)
    # "Ida" alone is a common given name; "i" inside a name is an initial
    assert parse_name("Ida Farida").low_information == (False, False)
    assert parse_name("Budi I Santoso").low_information == (False, False, False)
    assert parse_name("Ida Farida").given == "ida"


@pytest.mark.parametrize(
    ("value", "given"),
    [
        ("Siti Aminah", "aminah"),
        ("Muhammad Rizki Saputra", "rizki"),
        ("M. Rizki", "rizki"),
        ("I Wayan Sudarma", "sudarma"),
        ("Ni Luh Putu Ayu Lestari", "ayu"),
        ("Raden Ajeng Sri Lestari", "sri"),
        ("A. Budi", "budi"),
        ("Muhammad", "muhammad"),
        ("Ahmad bin Yusuf", "ahmad"),
        ("", ""),
    ],
)
def test_given_name(value: str, given: str) -> None:
    assert given_name(value) == given


def test_vectorised_forms_match_scalar_and_keep_index() -> None:
    values = pd.Series(
        ["Moch. Yusup", None, "MOCH. YUSUP", "Siti Aminah", float("nan"), "Siti Aminah"],
        index=[10, 11, 12, 13, 14, 15],
        name="nama",
    )
    out = normalize_names(values)
    assert out.index.tolist() == values.index.tolist()
    assert out.name == "nama"
    assert out.tolist() == [normalize_name(v) for v in values]
    assert given_names(values).tolist() == [given_name(v) for v in values]


def test_vectorised_accepts_string_dtype_and_empty_series() -> None:
    values = pd.Series(["Hj. Siti Aminah", None], dtype="string")
    assert normalize_names(values).tolist() == ["siti aminah", ""]
    assert normalize_names(pd.Series([], dtype=object)).tolist() == []


def test_extra_tables() -> None:
    rules = load_tables(
        extra_titles=["S.Tr.Kes."],
        extra_variants={"Mukhlis": "Muhlis"},
        extra_low_information=["Kanjeng"],
    )
    assert normalize_name("Kanjeng Mukhlis, S.Tr.Kes.", rules=rules) == "kanjeng muhlis"
    assert normalize_name("Mukhlis S.Tr.Kes.") == "mukhlis s tr kes"
    assert parse_name("Kanjeng Mukhlis", rules=rules).given == "muhlis"


def test_tables_from_own_csv(tmp_path: Path) -> None:
    titles = tmp_path / "titles.csv"
    titles.write_text("title,position,bare,kind,meaning\nkapt,prefix,yes,rank,Kapten\n")
    rules = load_tables(titles_csv=titles)
    assert normalize_name("Kapt Budi Santoso", rules=rules) == "budi santoso"
    assert normalize_name("H. Budi", rules=rules) == "h budi"  # the shipped titles are replaced


def test_shipped_canonical_forms_are_fixed_points() -> None:
    rules = load_tables()
    for targets in list(rules.variants.values()) + list(rules.first_variants.values()):
        text = " ".join(targets)
        assert normalize_name(text) == text
