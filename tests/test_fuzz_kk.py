"""Fuzzing of the KK functions: any input gives a report or a documented InvalidKKError."""

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
from nikmatch.errors import InvalidKKError
from nikmatch.kk import KKReport, parse_kk, validate_kk
from nikmatch.nik import PROBLEMS

reference_dates = st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1),
                                                max_value=dt.date(2100, 12, 31)))
inputs = st.one_of(weird_scalars(), niks(), damaged_niks())


@given(inputs, reference_dates)
def test_validate_kk_reports_for_any_input(value: object, reference: dt.date | None) -> None:
    assume(not hits_known_bug(value))
    report = call("validate_kk", validate_kk, value, reference_date=reference)
    if report is None:
        raise Unexpected("validate_kk is documented never to raise")
    assert isinstance(report, KKReport)
    assert all(code in PROBLEMS for code in report.problems)
    assert report.is_valid == (report.kk is not None)
    for text in (repr(report), report.explain()):
        assert not ANY_SIXTEEN.search(text)


@given(inputs, reference_dates)
def test_parse_kk_returns_a_kk_or_raises_invalid_kk_error(value: object,
                                                          reference: dt.date | None) -> None:
    assume(not hits_known_bug(value))
    report = validate_kk(value, reference_date=reference)
    kk = call("parse_kk", parse_kk, value, reference_date=reference)
    if report.is_valid:
        assert kk == report.kk
        assert not ANY_SIXTEEN.search(repr(kk))
        assert not ANY_SIXTEEN.search(str(kk))
    else:
        assert kk is None
        with pytest.raises(InvalidKKError) as info:
            parse_kk(value, reference_date=reference)
        assert not ANY_SIXTEEN.search(str(info.value))
