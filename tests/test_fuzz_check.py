"""Fuzzing of the vectorised NIK check: any column gives one flagged row per input row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st

from fuzzkit import (
    ANY_SIXTEEN,
    bug_check_niks_unhashable_record_field,
    call,
    hits_known_bug,
    nik_series,
    series_of,
    weird_scalars,
)
from nikmatch.check import check_niks
from nikmatch.nik import validate_nik

REFERENCE = dt.date(2024, 6, 1)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    niks = draw(nik_series())
    n = len(niks)
    columns: dict[str, object] = {"nik": niks.tolist()}
    if draw(st.booleans()):
        columns["tanggal_lahir"] = draw(st.lists(weird_scalars(), min_size=n, max_size=n))
    if draw(st.booleans()):
        columns["jenis_kelamin"] = draw(st.lists(weird_scalars(), min_size=n, max_size=n))
    frame = pd.DataFrame(columns, index=niks.index)
    frame["nik"] = niks
    return frame


def _assert_one_row_per_input(out: pd.DataFrame, index: pd.Index) -> None:
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(index)
    assert len(out) == len(index)
    assert out["is_valid"].dtype == bool
    for column in out.columns:
        text = out[column].astype(str)
        assert not text.str.contains(r"\d{16}", regex=True).any() or column == "nik"


@given(nik_series())
def test_check_niks_on_any_series(values: pd.Series) -> None:
    assume(not hits_known_bug(values))
    out = call("check_niks", check_niks, values, reference_date=REFERENCE)
    assert out is not None, "check_niks flags bad values instead of raising"
    _assert_one_row_per_input(out, values.index)


@given(frames())
def test_check_niks_on_any_frame(frame: pd.DataFrame) -> None:
    assume(not hits_known_bug(frame["nik"]))
    assume(not bug_check_niks_unhashable_record_field(frame))
    out = call("check_niks", check_niks, frame, reference_date=REFERENCE)
    if out is not None:
        _assert_one_row_per_input(out, frame.index)


@given(series_of(weird_scalars(), max_size=8))
def test_check_niks_agrees_with_validate_nik_row_by_row(values: pd.Series) -> None:
    assume(not hits_known_bug(values))
    out = check_niks(values, reference_date=REFERENCE)
    for raw, (_, row) in zip(values.tolist(), out.iterrows(), strict=True):
        report = validate_nik(raw, reference_date=REFERENCE)
        assert row["is_valid"] == report.is_valid, raw
        assert row["problems"] == ";".join(report.problems), raw


def test_check_niks_rejects_non_tabular_input_clearly() -> None:
    for bad in (None, 5, "1871015708450001", [1, 2], b"x"):
        assert call("check_niks", check_niks, bad) is None


def test_reports_never_show_a_full_nik() -> None:
    out = check_niks(pd.Series(["1871015708450001", "x"]), reference_date=REFERENCE)
    assert not ANY_SIXTEEN.search(repr(out.drop(columns="nik")))
