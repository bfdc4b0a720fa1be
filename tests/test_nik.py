"""NIK cleaning, parsing and validation: golden cases, problem codes, masking."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

import nikmatch.nik as nk
from nikmatch.errors import InvalidNIKError
from nikmatch.nik import (
    PROBLEMS,
    clean_nik,
    compose_nik,
    parse_nik,
    validate_nik,
)

REF = dt.date(2025, 6, 30)
SIXTEEN = re.compile(r"\d{16}")


def test_issue_example_kedaton() -> None:
    nik = parse_nik("1871015708450001")
    assert (nik.province, nik.regency, nik.district) == ("18", "1871", "187101")
    assert nik.birth_date == dt.date(1945, 8, 17)
    assert nik.sex == "P"
    assert nik.serial == "0001"
    assert nik.value == "1871015708450001"


def test_masked_repr_and_str() -> None:
    nik = parse_nik("1871015708450001")
    assert repr(nik) == "NIK('187101********01')"
    assert str(nik) == "187101********01"
    report = validate_nik("1871015708450001")
    for text in (repr(nik), str(nik), repr(report), report.explain()):
        assert not SIXTEEN.search(text)


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("1871015708450001", ()),
        ("1871011708450001", ()),
        ("187101570845000", ("length",)),
        ("18710157084500011", ("length",)),
        ("18710157O8450001", ("non_digit",)),
        ("", ("missing",)),
        (None, ("missing",)),
        (float("nan"), ("missing",)),
        ("1871013208450001", ("date_invalid",)),  # day 32
        ("1871017208450001", ("date_invalid",)),  # day 72 = 32 + 40
        ("1871010013450001", ("date_invalid",)),  # day 00, month 13
        ("1871012902010001", ("date_invalid",)),  # 29 Feb 2001
        ("1871012902000001", ()),  # 29 Feb 2000 (leap)
        ("1871015708450000", ("serial_zero",)),
        ("9901015708450001", ("province_unknown",)),
        ("9101011708450001", ("region_unknown",)),  # Merauke, before the 2022 split
        ("1800015708450001", ("region_unknown",)),  # regency 00
        ("1.87101570845E+15", ("excel_precision_lost",)),
        (1871015708450010.0, ("excel_precision_suspect",)),
        (9101011708450001.0, ("excel_precision_lost",)),
    ],
)
def test_golden_problems(value: object, problems: tuple[str, ...]) -> None:
    report = validate_nik(value, reference_date=REF)
    assert report.problems == problems
    assert report.is_valid == (not report.errors)
    assert (report.nik is None) == bool(report.errors)
    assert set(report.errors) | set(report.warnings) == set(problems)


def test_problem_table_is_complete_and_documented() -> None:
    assert list(PROBLEMS) == [p.code for p in nk._PROBLEM_LIST]
    for code, problem in PROBLEMS.items():
        assert problem.code == code
        assert problem.severity in ("error", "warning")
        assert problem.description
    errors = {c for c, p in PROBLEMS.items() if p.severity == "error"}
    assert errors == {"missing", "non_digit", "length", "excel_precision_lost",
                      "province_unknown", "date_invalid", "serial_zero"}
    assert len(PROBLEMS) <= 16  # masks fit in 16 bits (check_niks relies on it)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("1871 0157 0845 0001", "1871015708450001"),
        ("1871.0157.0845.0001", "1871015708450001"),
        ("1871-0157-0845-0001", "1871015708450001"),
        ("'1871015708450001", "1871015708450001"),
        ("\u20181871015708450001\u2019", "1871015708450001"),
        ("1871015708450001.0", "1871015708450001"),
        ("1871015708450001,00", "1871015708450001"),
        ("1.871015708450001E+15", "1871015708450001"),
        ("1,871015708450001e15", "1871015708450001"),
        ("\u00a01871015708450001\t", "1871015708450001"),
        (1871015708450001, "1871015708450001"),
        (np.int64(1871015708450001), "1871015708450001"),
        (1871015708450001.0, "1871015708450001"),
        ("1.87101570845E+15", "1.87101570845E+15"),  # 12 significant digits survive: no guessing
        ("1,8710157E+15", "1.8710157E+15"),
    ],
)
def test_cleaning(raw: object, cleaned: str) -> None:
    assert clean_nik(raw) == cleaned
    assert clean_nik(cleaned) == cleaned


def test_excel_damage_never_invents_a_digit() -> None:
    report = validate_nik("1,87101570845E+15")
    assert report.problems == ("excel_precision_lost",)
    assert report.nik is None
    assert report.cleaned == "1.87101570845E+15"
    assert "0000" not in report.cleaned


def test_century_rule_without_record_date() -> None:
    # latest year not after the reference date
    assert parse_nik("1871011706250001", reference_date=REF).birth_date == dt.date(2025, 6, 17)
    assert parse_nik("1871011707250001", reference_date=REF).birth_date == dt.date(1925, 7, 17)
    assert parse_nik("1871010101000001", reference_date=REF).birth_date == dt.date(2000, 1, 1)
    assert parse_nik("1871010101990001", reference_date=REF).birth_date == dt.date(1999, 1, 1)


def test_century_from_record_birth_date() -> None:
    nik = parse_nik("1871011707250001", birth_date=dt.date(2025, 7, 17), reference_date=REF)
    assert nik.birth_date == dt.date(2025, 7, 17)
    report = validate_nik("1871011707250001", birth_date="2025-07-17", reference_date=REF)
    assert report.problems == ("birth_date_future",)
    old = validate_nik("1871011707100001", birth_date="17-07-1910", reference_date=REF)
    assert old.problems == ("age_implausible",)
    assert old.nik is not None
    assert old.nik.birth_date == dt.date(1910, 7, 17)


def test_mismatches_are_warnings() -> None:
    report = validate_nik(
        "1871015708450001", birth_date="1945-08-18", sex="LAKI-LAKI", reference_date=REF
    )
    assert report.problems == ("birth_date_mismatch", "sex_mismatch")
    assert report.is_valid
    assert report.severity == "warning"
    for sex in ("P", "PEREMPUAN", "perempuan", 2, "2", 2.0):
        assert validate_nik("1871015708450001", sex=sex).problems == ()
    for sex in ("L", "LAKI-LAKI", 1, "1"):
        assert validate_nik("1871015708450001", sex=sex).problems == ("sex_mismatch",)


def test_unreadable_record_fields_are_reported() -> None:
    report = validate_nik("1871015708450001", birth_date="kemarin", sex="X", reference_date=REF)
    assert report.problems == ("record_birth_date_unreadable", "record_sex_unreadable")
    assert report.is_valid


@pytest.mark.parametrize("value", [dt.date(1945, 8, 17), dt.datetime(1945, 8, 17, 10),
                                   np.datetime64("1945-08-17"), "17/08/1945", "19450817",
                                   "17-08-1945", "1945-08-17 00:00:00"])
def test_record_birth_date_formats(value: object) -> None:
    assert validate_nik("1871015708450001", birth_date=value).problems == ()


def test_parse_nik_raises_masked_errors() -> None:
    with pytest.raises(InvalidNIKError) as info:
        parse_nik("1871015708450000")
    assert info.value.problems == ("serial_zero",)
    assert "187101********00" in str(info.value)
    assert not SIXTEEN.search(str(info.value))
    with pytest.raises(ValueError, match="length"):
        parse_nik("12345678901234567")
    # warnings do not raise
    assert parse_nik("9101011708450001").district == "910101"


def test_explain_lists_every_problem() -> None:
    text = validate_nik("1871017208450000").explain()
    assert "invalid" in text
    assert "date_invalid (error)" in text
    assert "serial_zero (error)" in text
    assert not SIXTEEN.search(text)
    assert "valid" in validate_nik("1871015708450001").explain()


def test_compose_nik_round_trip() -> None:
    for day, sex in ((dt.date(1945, 8, 17), "P"), (dt.date(2003, 2, 1), "L")):
        nik = compose_nik("18.71.01", day, sex, 7)
        parsed = parse_nik(nik, reference_date=REF)
        assert (parsed.birth_date, parsed.sex, parsed.serial) == (day, sex, "0007")
    with pytest.raises(InvalidNIKError):
        compose_nik("1871", dt.date(2000, 1, 1), "L", 1)
    with pytest.raises(InvalidNIKError):
        compose_nik("187101", dt.date(2000, 1, 1), "X", 1)
    with pytest.raises(InvalidNIKError):
        compose_nik("187101", dt.date(2000, 1, 1), "L", 0)


def test_historic_region_with_user_table() -> None:
    from nikmatch.regions import Regions

    old = Regions.from_mapping({"91": "PAPUA", "91.01": "KAB. MERAUKE", "91.01.01": "MERAUKE"},
                               edition="2020")
    regions = Regions.default().with_historic(old)
    report = validate_nik("9101011708450001", regions=regions)
    assert report.problems == ("region_historic",)
    assert report.is_valid


def test_ancient_or_far_future_record_dates_are_unreadable() -> None:
    report = validate_nik("1100000101000001", birth_date=dt.date(50, 1, 1), reference_date=REF)
    assert "record_birth_date_unreadable" in report.problems
    assert validate_nik("1871015708450001", birth_date="01-01-2300").problems == (
        "record_birth_date_unreadable",
    )
    # a reference date in antiquity never crashes either
    assert validate_nik("1871015708450001", reference_date=dt.date(1, 1, 1)).problems
