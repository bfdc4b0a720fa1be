"""Reading and writing tables as text: CSV, XLSX (python-calamine), Parquet (nikmatch.tables)."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from nikmatch.export import write_xlsx
from nikmatch.tables import InputFileError, cell_text, read_table, write_table

FRAME = pd.DataFrame(
    {
        "nik": ["0012345678901234", "1871015708450001", ""],
        "nama": ["SITI", "=cmd|' /C calc'!A0", "BUDI"],
        "skor": [1.5, -2.0, math.nan],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_round_trip_keeps_identifiers_as_text(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"t{suffix}"
    write_table(FRAME, path)
    back = read_table(path)
    assert back["nik"].tolist() == FRAME["nik"].tolist()
    assert list(back.index) == [1, 2, 3]
    assert back.index.name == "row"
    assert back["skor"].tolist()[:2] == ["1.5", "-2"] or back["skor"].tolist()[:2] == [
        "1.5",
        "-2.0",
    ]
    if suffix != ".parquet":  # spreadsheets and CSV get the formula neutralised
        assert back.loc[2, "nama"].startswith("'=")


def test_typed_spreadsheet_cells_are_read_as_the_text_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    for j, name in enumerate(["nik", "tanggal_lahir", "rt", "aktif"]):
        sheet.write_string(0, j, name)
    sheet.write_number(1, 0, 1871015708450000)  # a NIK typed as a number (15 digits kept)
    sheet.write_datetime(1, 1, dt.datetime(1945, 8, 17), date_format)
    sheet.write_number(1, 2, 3)
    sheet.write_boolean(1, 3, True)
    sheet.write_blank(2, 0, None)
    book.close()
    back = read_table(path)
    assert back.to_dict("records") == [
        {"nik": "1871015708450000", "tanggal_lahir": "1945-08-17", "rt": "3", "aktif": "TRUE"}
    ]  # the trailing empty row is formatting, not a record


def test_bad_files_raise_one_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match="empty"):
        read_table(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"nik,nama\n1,\xe9\xff\n")
    with pytest.raises(InputFileError, match="--encoding"):
        read_table(latin)
    assert read_table(latin, encoding="cp1252").loc[1, "nama"] == "éÿ"
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot read"):
        read_table(fake)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 no")
    with pytest.raises(InputFileError, match="Parquet"):
        read_table(broken)
    with pytest.raises(InputFileError, match="not found"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(InputFileError, match="must end in"):
        write_table(FRAME, tmp_path / "out.txt")


def test_a_sheet_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    write_xlsx(pd.DataFrame({"nik": ["1"]}), path, sheet_name="data")
    assert read_table(path, sheet="data")["nik"].tolist() == ["1"]
    with pytest.raises(InputFileError, match="no sheet 'other'"):
        read_table(path, sheet="other")


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[int] = []
    write_table(FRAME, tmp_path / "p.csv", progress=seen.append)
    assert seen[-1] == len(FRAME)


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_cell_text_of_whole_numbers_has_no_decimal_point(value: int) -> None:
    assert cell_text(value) == str(value)
    if abs(value) < 2**53:
        assert cell_text(float(value)) == str(value)


@given(st.dates(min_value=dt.date(1900, 1, 1)))
def test_cell_text_of_dates_is_iso(day: dt.date) -> None:
    assert cell_text(day) == day.isoformat()
    assert cell_text(dt.datetime(day.year, day.month, day.day)) == day.isoformat()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.text("0123456789", min_size=16, max_size=16), min_size=1, max_size=5))
def test_niks_round_trip_as_text_through_xlsx_and_parquet(niks: list[str]) -> None:
    frame = pd.DataFrame({"nik": niks, "no_kk": list(reversed(niks))})
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".xlsx", ".parquet", ".csv"):
            path = Path(folder) / f"n{suffix}"
            write_table(frame, path)
            back = read_table(path)
            assert back["nik"].tolist() == niks, suffix
            assert back["no_kk"].tolist() == list(reversed(niks)), suffix
