"""KK (Kartu Keluarga) numbers: parsing, validation, masking."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nikmatch.errors import InvalidKKError
from nikmatch.kk import KK, KKReport, parse_kk, validate_kk
from nikmatch.regions import Regions

REF = dt.date(2025, 6, 30)
SIXTEEN = re.compile(r"\d{16}")


def test_parse_kk_fields() -> None:
    kk = parse_kk("1871011203150007", reference_date=REF)
    assert (kk.province, kk.regency, kk.district) == ("18", "1871", "187101")
    assert kk.issue_date == dt.date(2015, 3, 12)
    assert kk.serial == "0007"
    assert repr(kk) == "KK('187101********07')"


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("1871011203150007", ()),
        ("'1871 0112 0315 0007", ()),
        ("1871015203150007", ("date_invalid",)),  # no +40 on a KK
        ("1871011203150000", ("serial_zero",)),
        ("9901011203150007", ("province_unknown",)),
        ("9101011203150007", ("region_unknown",)),
        ("187101120315", ("length",)),
        ("1.87101120315E+15", ("excel_precision_lost",)),
        (None, ("missing",)),
    ],
)
def test_validate_kk_golden(value: object, problems: tuple[str, ...]) -> None:
    report = validate_kk(value, reference_date=REF)
    assert report.problems == problems
    assert (report.kk is None) == bool(report.errors)


def test_issue_year_not_after_reference() -> None:
    assert parse_kk("1871011206250007", reference_date=REF).issue_date == dt.date(2025, 6, 12)
    assert parse_kk("1871011207250007", reference_date=REF).issue_date == dt.date(1925, 7, 12)


def test_historic_region() -> None:
    old = Regions.from_mapping({"91": "PAPUA", "91.01": "KAB. MERAUKE", "91.01.01": "MERAUKE"})
    regions = Regions.default().with_historic(old)
    assert validate_kk("9101011203150007", regions=regions).problems == ("region_historic",)


def test_parse_kk_raises_masked() -> None:
    with pytest.raises(InvalidKKError) as info:
        parse_kk("1871011203150000")
    assert info.value.problems == ("serial_zero",)
    assert isinstance(info.value, ValueError)
    assert not SIXTEEN.search(str(info.value))


@given(st.one_of(st.text(), st.from_regex(r"[0-9]{16}", fullmatch=True), st.none(),
                 st.integers(), st.floats()))
def test_any_input_gives_report_or_invalid_kk_error(value: object) -> None:
    report = validate_kk(value, reference_date=REF)
    assert isinstance(report, KKReport)
    assert not SIXTEEN.search(repr(report) + report.explain())
    try:
        kk = parse_kk(value, reference_date=REF)
    except InvalidKKError:
        assert not report.is_valid
    else:
        assert isinstance(kk, KK)
        assert report.is_valid
