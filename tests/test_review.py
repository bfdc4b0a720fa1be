"""Review workbooks: written per kecamatan, read back, validated, applied (nikmatch.review)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nikmatch as nm
from nikmatch.review import (
    DECISIONS,
    ReviewFileError,
    apply_review,
    parse_decision,
    parse_review_date,
    read_review_workbooks,
    review_table,
    update_model,
    write_review_workbooks,
)
from nikmatch.review_workbook import GUIDE_SHEET, INFO_SHEET, KEY_SHEET, SHEET
from nikmatch.synth import generate_population

NIK_COLUMNS = ("nik_a", "nik_b", "no_kk_a", "no_kk_b", "nik_dipertahankan_rekomendasi")


@pytest.fixture(scope="module")
def job() -> tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult]:
    register, truth = generate_population(3000, seed=4, as_strings=True)
    register = register.astype(object).where(register.notna(), "")
    labels = pd.RangeIndex(1, len(register) + 1, name="row")
    register.index = labels
    truth.index = labels
    register.loc[register.index[0], "nama"] = '=HYPERLINK("http://x","y")'
    return register, truth, nm.find_duplicates(register)


@pytest.fixture
def books(job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], tmp_path: Path) -> list[Path]:
    register, _, result = job
    return write_review_workbooks(result, register, tmp_path / "review")


def header(sheet: object) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[1]}  # type: ignore[index]


def fill(path: Path, decisions: dict[int, tuple[str, str]], who: str = "Petugas Satu") -> None:
    """Write decisions (sheet row -> (keputusan, dipertahankan)) as an officer would."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    col = header(sheet)
    for row, (decision, keep) in decisions.items():
        sheet.cell(row, col["keputusan"]).value = decision
        sheet.cell(row, col["dipertahankan"]).value = keep
        sheet.cell(row, col["petugas"]).value = who
        sheet.cell(row, col["tanggal_cek"]).value = dt.datetime(2026, 2, 3)
    book.save(path)


def test_one_workbook_per_kecamatan_with_every_proposed_pair(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], books: list[Path]
) -> None:
    register, _, result = job
    table = review_table(result, register)
    assert len(table) == len(result.matches) + len(result.ambiguous)
    assert len(books) == table["kecamatan"].nunique()
    assert all(p.name.startswith("review_") and p.suffix == ".xlsx" for p in books)
    decisions = read_review_workbooks(books)
    assert sorted(decisions["pair_id"]) == sorted(table["pair_id"])
    assert set(decisions["decision"]) == {"belum dicek"}
    row = table.iloc[0]
    assert row["reasons_id"]
    assert row["reasons_en"]
    assert row["recommended_side"] in ("A", "B")
    assert row["recommended_nik"] in (row["nik_a"], row["nik_b"]) or row["cluster_id"]


def test_workbooks_hold_no_formula_and_no_nik_as_number(books: list[Path]) -> None:
    checked = 0
    for path in books:
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == [SHEET, GUIDE_SHEET, KEY_SHEET, INFO_SHEET]
        assert book[KEY_SHEET].sheet_state == "veryHidden"
        assert book[INFO_SHEET].sheet_state == "veryHidden"
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith("="), cell.coordinate
        sheet = book[SHEET]
        col = header(sheet)
        for name in NIK_COLUMNS:
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=col[name], max_col=col[name], max_row=sheet.max_row
            ):
                assert cell.data_type == "s", (path.name, name, cell.coordinate, cell.value)
                assert cell.number_format == "@"
                checked += 1
        assert sheet.freeze_panes == "C2"
        assert sheet.auto_filter.ref
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.protection.sheet
        key_letter = openpyxl.utils.get_column_letter(col["kunci"])
        assert sheet.column_dimensions[key_letter].hidden
        assert sheet.column_dimensions["H"].width  # widths set
        lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
        assert any("sama orang" in str(f) and "belum dicek" in str(f) for f in lists)
        editable = sheet.cell(2, col["keputusan"]).protection.locked
        assert editable is False
        assert sheet.cell(2, col["nik_a"]).protection.locked is not False
    assert checked > 0


def test_a_formula_in_the_data_is_text(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], tmp_path: Path
) -> None:
    register, _, result = job
    table = review_table(result, register).head(1).copy()
    table["nama_a"] = '=HYPERLINK("http://x","y")'
    (path,) = write_review_workbooks(table, None, tmp_path)
    cell = openpyxl.load_workbook(path)[SHEET]["H2"]
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")


def test_masked_workbooks_and_full_niks_back_from_the_register(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], tmp_path: Path
) -> None:
    register, _, result = job
    books = write_review_workbooks(result, register, tmp_path, mask_nik=True)
    sheet = openpyxl.load_workbook(books[0])[SHEET]
    col = header(sheet)
    shown = str(sheet.cell(2, col["nik_a"]).value)
    assert "********" in shown
    assert len(shown) == 16
    fill(books[0], {2: ("sama orang", "A")})
    decisions = read_review_workbooks(books)
    masked = apply_review(decisions)
    assert "********" in masked.confirmed["keep_nik"].iloc[0]
    full = apply_review(decisions, register)
    kept = full.confirmed.iloc[0]
    assert kept["keep_nik"] == register.loc[int(kept["keep_id"]), "nik"]
    assert kept["retire_nik"] == register.loc[int(kept["retire_id"]), "nik"]


def test_decisions_come_back_idempotently_in_any_order(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], books: list[Path]
) -> None:
    register, _, _ = job
    # two workbooks with two pairs or more each (the first and the last such)
    sized = [b for b in books if openpyxl.load_workbook(b)[SHEET].max_row >= 3]
    assert len(sized) >= 2
    fill(sized[0], {2: ("sama orang", "B"), 3: ("beda orang", "A")})
    fill(sized[-1], {2: ("Pindah", ""), 3: ("MENINGGAL", "A")}, who="Petugas Dua")
    one = apply_review(read_review_workbooks(books), register)
    two = apply_review(read_review_workbooks([*reversed(books), books[0]]), register)
    pd.testing.assert_frame_equal(one.confirmed, two.confirmed)
    pd.testing.assert_frame_equal(one.accuracy, two.accuracy)
    assert len(one.decided) == 4
    assert sorted(one.confirmed["decision"]) == ["pindah", "sama orang"]
    assert len(one.open) == len(read_review_workbooks(books)) - 4
    first = one.confirmed[one.confirmed["decision"] == "sama orang"].iloc[0]
    assert first["petugas"] == "Petugas Satu"
    assert first["tanggal"] == "2026-02-03"
    assert first["final_nik"] == first["keep_nik"]
    labels = one.labels()
    assert labels["is_match"].tolist().count(True) == 2
    assert labels["is_match"].tolist().count(False) == 1
    row = one.accuracy[one.accuracy["band"] == "all"].iloc[0]
    assert (row["decided"], row["same_person"], row["precision"]) == (3, 2, 2 / 3)


def test_a_copy_still_open_does_not_undo_a_decision(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], books: list[Path], tmp_path: Path
) -> None:
    untouched = tmp_path / "copy.xlsx"
    shutil.copy(books[0], untouched)
    fill(books[0], {2: ("sama orang", "A")})
    decisions = read_review_workbooks([untouched, books[0]])
    assert (decisions["decision"] != "belum dicek").sum() == 1


def test_two_different_decisions_on_one_pair_are_an_error(
    books: list[Path], tmp_path: Path
) -> None:
    other = tmp_path / "other.xlsx"
    shutil.copy(books[0], other)
    fill(books[0], {2: ("sama orang", "A")})
    fill(other, {2: ("beda orang", "A")})
    with pytest.raises(ReviewFileError, match="decided differently"):
        read_review_workbooks([books[0], other])


def _edit(path: Path, column: str, value: object, row: int = 2) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    sheet.cell(row, header(sheet)[column]).value = value
    book.save(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: _edit(p, "nik_a", "1871015708450009"), "NIK of pair"),
        (lambda p: _edit(p, "nik_b", 1871015708450000), "NIK of pair"),
        (lambda p: _edit(p, "keputusan", "mungkin"), "unknown decision 'mungkin'"),
        (lambda p: _edit(p, "dipertahankan", "C"), "neither A nor B"),
        (lambda p: _edit(p, "tanggal_cek", "kemarin"), "not understood"),
        (lambda p: _edit(p, "keputusan", "sama orang"), "without petugas and tanggal_cek"),
        (lambda p: _edit(p, "kunci", "D999999|0000"), "a row was added"),
    ],
)
def test_a_bad_cell_names_file_sheet_and_row(
    books: list[Path], change: object, message: str
) -> None:
    path = books[0]
    change(path)  # type: ignore[operator]
    with pytest.raises(ReviewFileError) as caught:
        read_review_workbooks([path])
    problem = caught.value.problems[0]
    assert str(path) in problem
    assert f"sheet {SHEET}, row 2" in problem
    assert message in problem
    assert "1871015708450009" not in str(caught.value)  # NIKs masked in messages


def test_a_deleted_or_added_row_a_renamed_sheet_or_column_is_found(books: list[Path]) -> None:
    path = books[0]
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    n_rows = sheet.max_row
    if n_rows < 3:
        pytest.fail("the fixture needs two pairs in the first workbook")
    sheet.delete_rows(3)
    sheet.cell(n_rows + 2, 2).value = "a row an officer added"
    book.save(path)
    with pytest.raises(ReviewFileError) as caught:
        read_review_workbooks([path])
    text = "\n".join(caught.value.problems)
    assert "is missing (a row was deleted)" in text
    assert f"row {n_rows + 2}: not a proposed pair" in text

    book = openpyxl.load_workbook(books[1])
    book[SHEET].title = "Sheet1"
    book.save(books[1])
    with pytest.raises(ReviewFileError, match="no sheet 'Pasangan'"):
        read_review_workbooks([books[1]])

    book = openpyxl.load_workbook(books[2])
    book[SHEET].cell(1, 3).value = "cluster"
    book.save(books[2])
    with pytest.raises(ReviewFileError, match="row 1: the header was changed"):
        read_review_workbooks([books[2]])


def test_workbooks_of_two_runs_are_not_mixed(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], books: list[Path], tmp_path: Path
) -> None:
    register, _, result = job
    table = review_table(result, register).iloc[1:]
    others = write_review_workbooks(table, None, tmp_path / "other")
    with pytest.raises(ReviewFileError, match="different review runs"):
        read_review_workbooks([books[0], others[0]])


def test_confirmed_pairs_update_the_model(
    job: tuple[pd.DataFrame, pd.DataFrame, nm.DedupeResult], books: list[Path]
) -> None:
    register, _, result = job
    for path in books[:3]:
        fill(path, {2: ("sama orang", "A")})
    outcome = apply_review(read_review_workbooks(books), register)
    updated = update_model(result.model, outcome, register, strength=2.0)
    assert updated.info["labelled_matches"] == 3
    changed = [not np.allclose(a, b) for a, b in zip(updated.m, result.model.m, strict=True)]
    assert any(changed)
    assert all(np.allclose(a, b) for a, b in zip(updated.u, result.model.u, strict=True))


def test_chains_and_conflicts_of_confirmed_pairs() -> None:
    base = {
        "mode": "dedupe",
        "kecamatan": "K",
        "file": "w.xlsx",
        "nama_a": "",
        "nama_b": "",
        "probability": 0.999,
        "ambiguous": False,
        "recommended_side": "A",
        "recommended_nik": "",
        "masked": False,
        "decision": "sama orang",
        "keep_side": "A",
        "petugas": "P",
        "tanggal": "2026-01-05",
        "keterangan": "",
    }
    rows = [  # 2 retires into 1, 3 into 2: 3 ends at 1; 4 into 5 and into 6: a conflict
        {"pair_id": "D1", "sheet_row": 2, "id_a": "1", "id_b": "2", "nik_a": "n1", "nik_b": "n2"},
        {"pair_id": "D2", "sheet_row": 3, "id_a": "2", "id_b": "3", "nik_a": "n2", "nik_b": "n3"},
        {"pair_id": "D3", "sheet_row": 4, "id_a": "5", "id_b": "4", "nik_a": "n5", "nik_b": "n4"},
        {"pair_id": "D4", "sheet_row": 5, "id_a": "6", "id_b": "4", "nik_a": "n6", "nik_b": "n4"},
    ]
    confirmed = apply_review(pd.DataFrame([{**base, **r} for r in rows])).confirmed
    final = dict(zip(confirmed["pair_id"], confirmed["final_nik"], strict=True))
    assert final["D1"] == "n1"
    assert final["D2"] == "n1"
    conflict = dict(zip(confirmed["pair_id"], confirmed["conflict"], strict=True))
    assert conflict["D1"] == conflict["D2"] == ""
    assert "two records" in conflict["D3"]
    assert "two records" in conflict["D4"]


# ------------------------------------------------------------------------------ parsers


def _spelled(text: str, draw: st.DrawFn) -> str:
    words = text.split(" ")
    seps = [draw(st.sampled_from([" ", "  ", "_", "-", " _ "])) for _ in words[1:]]
    cased = [draw(st.sampled_from([w, w.upper(), w.title()])) for w in words]
    joined = cased[0] + "".join(s + w for s, w in zip(seps, cased[1:], strict=True))
    return draw(st.sampled_from(["", " ", "\t"])) + joined + draw(st.sampled_from(["", " "]))


@st.composite
def spelled_decisions(draw: st.DrawFn) -> tuple[str, str]:
    decision = draw(st.sampled_from(DECISIONS))
    return decision, _spelled(decision, draw)


@given(spelled_decisions())
def test_parse_decision_reads_any_spelling_of_a_decision(pair: tuple[str, str]) -> None:
    decision, spelled = pair
    assert parse_decision(spelled) == decision


@given(st.text(max_size=30))
def test_parse_decision_gives_a_decision_or_a_value_error(text: str) -> None:
    try:
        decision = parse_decision(text)
    except ValueError as exc:
        message = str(exc)
        assert "unknown decision" in message
    else:
        assert decision in DECISIONS


@settings(max_examples=200)
@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "date", "datetime", "serial"]),
)
def test_parse_review_date_round_trips(day: dt.date, form: str) -> None:
    if form == "date":
        value: object = day
    elif form == "datetime":
        value = dt.datetime(day.year, day.month, day.day)
    elif form == "serial":
        value = float((day - dt.date(1899, 12, 30)).days)
    else:
        value = day.strftime(form)
    assert parse_review_date(value) == day


@given(st.text(max_size=20))
def test_parse_review_date_gives_a_date_none_or_a_value_error(text: str) -> None:
    try:
        day = parse_review_date(text)
    except ValueError as exc:
        message = str(exc)
        assert "not understood" in message
    else:
        assert day is None or dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text("0123456789", min_size=16, max_size=16), min_size=1, max_size=4))
def test_niks_round_trip_as_text_through_a_workbook(niks: list[str]) -> None:
    """Any 16 digits (leading zeros too) are written as text and read back unchanged."""
    import tempfile

    n = len(niks)
    table = pd.DataFrame(
        {
            "pair_id": [f"D{k:06d}" for k in range(1, n + 1)],
            "mode": "dedupe",
            "id_a": [str(k) for k in range(n)],
            "id_b": [str(k + n) for k in range(n)],
            "probability": 0.995,
            "weight": 8.0,
            "ambiguous": False,
            "nik_a": niks,
            "nik_b": list(reversed(niks)),
            "nama_a": "SITI",
            "nama_b": "SITI",
            "reasons_id": "",
            "reasons_en": "",
            "cluster_id": "",
            "recommended_side": "A",
            "recommended_nik": niks,
            "notes_id": "",
            "notes_en": "",
            "kecamatan": "KEDATON",
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = write_review_workbooks(table, None, folder)
        back = read_review_workbooks(paths)
        sheet = openpyxl.load_workbook(paths[0])[SHEET]
        types = {sheet.cell(r, header(sheet)["nik_a"]).data_type for r in range(2, n + 2)}
    assert back.sort_values("pair_id")["nik_a"].tolist() == niks
    assert types == {"s"}
