"""Golden table of name pairs (tests/data/name_pairs.csv): the rule each pair exercises and the
expected outcome are columns of the table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nikmatch.names import (
    FUZZY_HIGH,
    FUZZY_LOW,
    INITIALS,
    KEY,
    NONE,
    REORDERED,
    name_agreement,
    name_key,
    normalize_name,
    normalize_names,
)

with (Path(__file__).parent / "data" / "name_pairs.csv").open(encoding="utf-8") as fh:
    PAIRS = list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_table_size_and_columns() -> None:
    assert len(PAIRS) >= 300
    assert {r["same_person"] for r in PAIRS} == {"yes", "no"}
    assert sum(r["same_person"] == "no" for r in PAIRS) >= 60
    assert all(r["rule"] and r["expect"] for r in PAIRS)
    assert len({r["rule"] for r in PAIRS}) >= 35
    assert len({(r["name_a"], r["name_b"]) for r in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize(
    "row", PAIRS, ids=[f'{r["rule"]}: {r["name_a"]} ~ {r["name_b"]}' for r in PAIRS]
)
def test_golden_pair(row: dict[str, str]) -> None:
    a, b, expect = row["name_a"], row["name_b"], row["expect"]
    na, nb = normalize_name(a), normalize_name(b)
    level = int(name_agreement([na], [nb])[0])
    assert level == int(name_agreement([nb], [na])[0]), "agreement must be symmetric"
    same_key = name_key(a) == name_key(b)
    if expect == "exact":
        assert na == nb
    elif expect == "key":
        assert same_key
        assert level >= KEY
    elif expect == "reordered":
        assert level >= REORDERED
    elif expect == "initials":
        assert level >= INITIALS
    elif expect == "apart":
        assert not same_key
        assert level <= FUZZY_HIGH
    elif expect == "none":
        assert not same_key
        assert level == NONE
    elif expect == "similar":  # a fit by initials with one slipped word: below INITIALS
        assert level == FUZZY_HIGH
    elif expect == "weak":
        assert not same_key
        assert level <= FUZZY_LOW
    else:  # pragma: no cover - a typo in the table
        pytest.fail(f"unknown expectation {expect!r}")
    if row["same_person"] == "yes":
        assert level >= (FUZZY_HIGH if expect == "similar" else INITIALS)
    else:
        assert level < INITIALS


def test_whole_table_in_one_vectorised_call_matches_row_by_row() -> None:
    import pandas as pd

    a = normalize_names(pd.Series([r["name_a"] for r in PAIRS]))
    b = normalize_names(pd.Series([r["name_b"] for r in PAIRS]))
    levels = name_agreement(a.tolist(), b.tolist())
    single = [int(name_agreement([x], [y])[0]) for x, y in zip(a, b, strict=True)]
    assert levels.tolist() == single
