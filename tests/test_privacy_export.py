"""Spreadsheet-safe CSV and XLSX writing: no formula injection, NIKs stay text."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzkit import niks
from nikmatch.export import (
    FORMULA_PREFIXES,
    MissingOptionalDependency,
    identifier_columns,
    safe_cell,
    write_csv,
    write_xlsx,
)

DANGEROUS_START = tuple("=+-@\t\r\n")


def _is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_START) or text.lstrip(" ").startswith(tuple("=+-@"))


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and all(c in "0123456789+-.eE" for c in text)


@given(st.text())
def test_safe_cell_text_is_never_a_formula(text: str) -> None:
    out = safe_cell(text)
    assert isinstance(out, str)
    if _is_dangerous(text) and not _plain_number(text):
        assert out == "'" + text
    else:
        assert out == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False)))
def test_numbers_stay_numbers(value: float) -> None:
    assert safe_cell(value) is value


@pytest.mark.parametrize("text", ["-5", "+1.5", "-1e3", "-.5"])
def test_negative_number_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "text", ["=1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =cmd", "-", "=",
             "=HYPERLINK(\"http://example.invalid\",\"x\")", "-1+2"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_every_prefix_is_covered() -> None:
    for prefix in FORMULA_PREFIXES:
        assert safe_cell(prefix + "x") == "'" + prefix + "x"


def test_identifier_columns_are_recognised() -> None:
    assert identifier_columns(["nik", "no_kk", "nik_l", "nik_r", "surviving_nik", "nama",
                               "kkn", "nikah"]) == ["nik", "no_kk", "nik_l", "nik_r",
                                                    "surviving_nik"]


def _read_csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


cell_values = st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True),
                        st.none(), st.booleans())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(niks(), cell_values, st.text(max_size=20)), max_size=15))
def test_csv_cells_are_safe_and_niks_keep_all_digits(tmp_path: Path,
                                                     rows: list[tuple[str, object, str]]) -> None:
    df = pd.DataFrame(rows, columns=["nik", "value", "=nama"])
    df["nik_float"] = [float(r[0]) if int(r[0]) < 2**53 else math.nan for r in rows]
    path = tmp_path / "out.csv"
    write_csv(df, path)
    cells = _read_csv_cells(path)
    assert len(cells) == len(df) + 1  # no lost row
    assert cells[0] == ["nik", "value", "'=nama", "nik_float"]
    for (nik, _, _), row in zip(rows, cells[1:], strict=True):
        assert row[0] == nik
        assert row[3] in (nik, "")  # written as digits, never 1.87e+15 or ...0.0
        for cell in row:
            assert not _is_dangerous(cell) or _plain_number(cell)


def test_csv_bytes_are_deterministic_and_round_trip(tmp_path: Path) -> None:
    df = pd.DataFrame({"nik": ["1871015708450001", "3171014101900002"],
                       "skor": [-1.25, 3.0], "nama": ["@Budi", None]})
    write_csv(df, tmp_path / "a.csv")
    write_csv(df.copy(), tmp_path / "b.csv")
    a, b = (tmp_path / "a.csv").read_bytes(), (tmp_path / "b.csv").read_bytes()
    assert a == b
    assert a == (b'"nik","skor","nama"\n"1871015708450001",-1.25,"\'@Budi"\n'
                 b'"3171014101900002",3.0,""\n')
    back = pd.read_csv(io.BytesIO(a), dtype={"nik": str})
    assert back["nik"].tolist() == df["nik"].tolist()
    assert back["skor"].tolist() == [-1.25, 3.0]


def test_csv_with_index_protects_index_labels(tmp_path: Path) -> None:
    df = pd.DataFrame({"x": [1]}, index=pd.Index(["=evil"], name="id"))
    write_csv(df, tmp_path / "i.csv", index=True)
    assert _read_csv_cells(tmp_path / "i.csv") == [["id", "x"], ["'=evil", "1"]]


# --------------------------------------------------------------------------- xlsx

openpyxl_missing = False


def _xlsx_cells(path: Path) -> tuple[str, str]:
    """The sheet XML and the shared-strings XML of a written workbook."""
    with zipfile.ZipFile(path) as z:
        return (z.read("xl/worksheets/sheet1.xml").decode("utf-8"),
                z.read("xl/sharedStrings.xml").decode("utf-8"))


def test_xlsx_writes_niks_and_text_as_strings_and_numbers_as_numbers(tmp_path: Path) -> None:
    df = pd.DataFrame({"nik": [1871015708450001, 3171014101900002],
                       "nama": ["=1+1", "-Siti"], "skor": [-2.5, 7.0],
                       "big": [1234567890123456789, 1]})
    path = tmp_path / "out.xlsx"
    write_xlsx(df, path)
    sheet, strings = _xlsx_cells(path)
    assert "<f>" not in sheet  # no formula anywhere
    assert "1871015708450001" in strings
    assert "3171014101900002" in strings
    assert "1234567890123456789" in strings
    assert "&apos;=1+1" in strings or "'=1+1" in strings
    assert "'-Siti" in strings or "&apos;-Siti" in strings
    assert "<v>-2.5</v>" in sheet
    assert "<v>7</v>" in sheet


def test_xlsx_bytes_are_deterministic(tmp_path: Path) -> None:
    df = pd.DataFrame({"nik": ["1871015708450001"], "tanggal": [pd.Timestamp("1945-08-17")],
                       "x": [None]})
    write_xlsx(df, tmp_path / "a.xlsx")
    write_xlsx(df, tmp_path / "b.xlsx")
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.xlsx", "b.xlsx")]
    assert digest[0] == digest[1]


def test_xlsx_refuses_text_it_would_truncate(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most 32767"):
        write_xlsx(pd.DataFrame({"nama": ["x" * 40_000]}), tmp_path / "t.xlsx")


def test_missing_xlsxwriter_is_a_clear_import_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "xlsxwriter":
            raise ImportError("No module named 'xlsxwriter'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"nikmatch\[xlsx\]") as info:
        write_xlsx(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")
    assert isinstance(info.value, MissingOptionalDependency)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(st.lists(st.tuples(st.text(max_size=30), st.one_of(st.integers(), st.floats(),
                                                         st.none())), max_size=8))
def test_xlsx_accepts_any_text_and_numbers(tmp_path: Path, rows: list[tuple[str, object]]) -> None:
    df = pd.DataFrame(rows, columns=["teks", "angka"])
    write_xlsx(df, tmp_path / "f.xlsx")
    sheet, _ = _xlsx_cells(tmp_path / "f.xlsx")
    assert "<f>" not in sheet
