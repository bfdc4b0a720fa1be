"""Property tests: cleaning is idempotent, any input gives a report, parse never misbehaves."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nikmatch.errors import InvalidNIKError
from nikmatch.nik import NIK, PROBLEMS, NIKReport, clean_nik, compose_nik, parse_nik, validate_nik
from nikmatch.regions import Regions

REF = dt.date(2025, 6, 30)
SIXTEEN = re.compile(r"\d{16}")
DISTRICTS = [c for c in Regions.default().children("1871")] + ["910101", "990101", "110101"]

digits16 = st.from_regex(r"[0-9]{16}", fullmatch=True)
noisy = st.builds(
    lambda nik, sep, pre, post: pre + sep.join([nik[:6], nik[6:12], nik[12:]]) + post,
    digits16,
    st.sampled_from(["", " ", ".", "-", " . "]),
    st.sampled_from(["", "'", " ", "\u2019"]),
    st.sampled_from(["", ".0", " ", ",00"]),
)
anything = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .-'eE+,", max_size=30),
    noisy,
    digits16,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.binary(max_size=20),
)


@given(anything)
def test_cleaning_is_idempotent(value: object) -> None:
    once = clean_nik(value)
    assert clean_nik(once) == once


@given(anything)
def test_validate_never_raises_and_masks(value: object) -> None:
    report = validate_nik(value, reference_date=REF)
    assert isinstance(report, NIKReport)
    assert all(code in PROBLEMS for code in report.problems)
    assert report.is_valid == (report.nik is not None)
    assert not SIXTEEN.search(repr(report))
    assert not SIXTEEN.search(report.explain())


@given(anything)
def test_parse_returns_nik_or_raises_invalid_nik_error(value: object) -> None:
    error: InvalidNIKError | None = None
    try:
        nik = parse_nik(value, reference_date=REF)
    except InvalidNIKError as exc:
        error = exc
    if error is not None:
        assert isinstance(error, ValueError)
        assert error.problems
        assert not SIXTEEN.search(str(error))
    else:
        assert isinstance(nik, NIK)
        assert len(nik.value) == 16
        assert not SIXTEEN.search(repr(nik))


@given(noisy)
def test_noise_around_digits_is_removed(value: str) -> None:
    cleaned = clean_nik(value)
    assert re.fullmatch(r"[0-9]{16}", cleaned)


@settings(max_examples=200)
@given(
    st.sampled_from(DISTRICTS),
    st.dates(min_value=dt.date(1926, 7, 1), max_value=REF),
    st.sampled_from(["L", "P"]),
    st.integers(1, 9999),
)
def test_compose_then_parse_round_trips(district: str, born: dt.date, sex: str,
                                        serial: int) -> None:
    nik = compose_nik(district, born, sex, serial)
    report = validate_nik(nik, reference_date=REF)
    if district == "990101":
        assert report.problems == ("province_unknown",)
        return
    assert report.nik is not None
    assert report.nik.birth_date == born
    assert report.nik.sex == sex
    assert int(report.nik.serial) == serial
    assert report.nik.district == district
    # the record's own date and sex agree, so no mismatch
    same = validate_nik(nik, birth_date=born, sex=sex, reference_date=REF)
    assert "birth_date_mismatch" not in same.problems
    assert "sex_mismatch" not in same.problems
