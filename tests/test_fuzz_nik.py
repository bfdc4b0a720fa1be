"""Fuzzing of the single-value NIK functions: any input gives a report or a documented error."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fuzzkit import (
    ANY_SIXTEEN,
    Unexpected,
    call,
    damaged_niks,
    hits_known_bug,
    niks,
    weird_scalars,
)
from nikmatch.errors import InvalidNIKError
from nikmatch.nik import PROBLEMS, NIKReport, clean_nik, parse_nik, validate_nik

reference_dates = st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1),
                                                max_value=dt.date(2100, 12, 31)))
inputs = st.one_of(weird_scalars(), niks(), damaged_niks())


@given(inputs, weird_scalars(), weird_scalars(), reference_dates)
def test_validate_nik_reports_for_any_input(value: object, birth_date: object, sex: object,
                                            reference: dt.date | None) -> None:
    assume(not hits_known_bug(value))
    report = call("validate_nik", validate_nik, value, birth_date=birth_date, sex=sex,
                  reference_date=reference)
    if report is None:
        raise Unexpected("validate_nik is documented never to raise")
    assert isinstance(report, NIKReport)
    assert isinstance(report.is_valid, bool)
    assert all(code in PROBLEMS for code in report.problems)
    assert report.is_valid == (report.nik is not None)
    assert not ANY_SIXTEEN.search(repr(report))
    assert isinstance(report.explain(), str)
    assert not ANY_SIXTEEN.search(report.explain())


@given(inputs, reference_dates)
def test_parse_nik_returns_a_nik_or_raises_invalid_nik_error(value: object,
                                                              reference: dt.date | None) -> None:
    assume(not hits_known_bug(value))
    report = validate_nik(value, reference_date=reference)
    nik = call("parse_nik", parse_nik, value, reference_date=reference)
    if report.is_valid:
        assert nik is not None
        assert nik == report.nik
        assert not ANY_SIXTEEN.search(repr(nik))
    else:
        assert nik is None
        with pytest.raises(InvalidNIKError) as info:
            parse_nik(value, reference_date=reference)
        assert info.value.problems == report.errors
        assert info.value.problems


@given(inputs)
def test_clean_nik_is_total_and_idempotent(value: object) -> None:
    assume(not hits_known_bug(value))
    cleaned = call("clean_nik", clean_nik, value)
    assert isinstance(cleaned, str)
    assert clean_nik(cleaned) == cleaned


@given(niks())
def test_generated_niks_are_valid_and_round_trip(nik: str) -> None:
    parsed = parse_nik(nik, reference_date=dt.date(2024, 1, 1))
    assert parsed.district == nik[:6]
    assert str(parsed) != nik or not ANY_SIXTEEN.search(repr(parsed))
