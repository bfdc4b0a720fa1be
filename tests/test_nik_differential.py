"""Differential tests against python-stdnum and lokal-id.

Where nikmatch and another validator disagree on a well-formed 16-digit value, the reason must be
one of this documented list (also in docs/guide/nik.md):

python-stdnum (``stdnum.id.nik``)
  * ``stdnum_region_table``: stdnum checks only the first four digits (regency) against its own,
    older table; it has no kecamatan level and no knowledge of some current or historic codes.
    nikmatch errors only on an unknown *province* and warns on an unknown regency/kecamatan.
  * ``stdnum_day_modulo``: stdnum takes the day modulo 40, so it accepts days 81-99 (and reads
    them as 1-19); nikmatch rejects a day above 71.
  * ``serial_zero``: stdnum does not check the serial; nikmatch rejects 0000.
  * (birth dates) stdnum tries 19xx first and 20xx only when 19xx is not a date; nikmatch uses
    the latest year not after the reference date.

lokal-id (``lokal.parse_nik``)
  * ``lokal_zero_region``: lokal-id rejects regency or kecamatan code ``00``; nikmatch warns
    (``region_unknown``), since region codes are checked against the table, not by shape.
  * ``lokal_no_historic``: lokal-id knows only current provinces; nikmatch also accepts a
    province found in a user-supplied older edition (not exercised here: none was removed).
  * (birth dates) lokal-id resolves the century by the reference *year*
    (``20yy`` if ``yy <= ref.year % 100``), nikmatch by the reference *date*: they differ only for
    a birth day later in the reference year.
  * lokal-id validates per value and has no KK number.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from lokal import parse_nik as lokal_parse_nik
from stdnum import numdb
from stdnum.id import nik as stdnum_nik

from nikmatch.nik import validate_nik
from nikmatch.regions import Regions

REF = dt.date(2025, 6, 30)
REGIONS = Regions.default()
DISTRICTS = sorted(
    c for p in REGIONS.provinces() for r in REGIONS.children(p) for c in REGIONS.children(r)
)
OTHER = ["910101", "940101", "990101", "110001", "180100", "000000", "123456"]

niks = st.builds(
    lambda d, day, month, yy, serial: f"{d}{day:02d}{month:02d}{yy:02d}{serial:04d}",
    st.one_of(st.sampled_from(DISTRICTS), st.sampled_from(OTHER),
              st.from_regex(r"[0-9]{6}", fullmatch=True)),
    st.one_of(st.integers(1, 31), st.integers(41, 71), st.integers(0, 99)),
    st.one_of(st.integers(1, 12), st.integers(0, 99)),
    st.integers(0, 99),
    st.one_of(st.integers(1, 9999), st.just(0)),
)


def stdnum_reasons(nik: str) -> set[str]:
    reasons = set()
    known = bool(numdb.get("id/loc").info(nik[:4])[0][1])
    if known != (REGIONS.is_current(nik[:4]) and REGIONS.is_current(nik[:6])):
        reasons.add("stdnum_region_table")
    if known != REGIONS.is_current(nik[:2]):
        reasons.add("stdnum_region_table")
    if int(nik[6:8]) > 71:
        reasons.add("stdnum_day_modulo")
    if nik[12:] == "0000":
        reasons.add("serial_zero")
    return reasons


@settings(max_examples=400)
@given(niks)
def test_disagreements_with_stdnum_are_documented(nik: str) -> None:
    ours = validate_nik(nik, reference_date=REF)
    theirs = stdnum_nik.is_valid(nik)
    if ours.is_valid != theirs:
        assert stdnum_reasons(nik), (ours.problems, theirs)
    if ours.is_valid and theirs:
        born = stdnum_nik.get_birth_date(nik)
        assert ours.nik is not None
        assert (born.month, born.day, born.year % 100) == (
            ours.nik.birth_date.month, ours.nik.birth_date.day, ours.nik.birth_date.year % 100
        )


def lokal_reasons(nik: str) -> set[str]:
    reasons = set()
    if nik[2:4] == "00" or nik[4:6] == "00":
        reasons.add("lokal_zero_region")
    return reasons


@settings(max_examples=400)
@given(niks)
def test_disagreements_with_lokal_id_are_documented(nik: str) -> None:
    ours = validate_nik(nik, reference_date=REF)
    theirs = lokal_parse_nik(nik, reference_date=REF)
    if ours.is_valid != theirs.valid:
        assert lokal_reasons(nik), (ours.problems, theirs.errors)
    if ours.nik is not None and theirs.valid:
        assert theirs.gender == ours.nik.sex
        assert theirs.serial == ours.nik.serial
        born = dt.date.fromisoformat(theirs.birth_date)
        if born > REF:  # lokal-id's year rule; ours keeps the date not after the reference
            assert ours.nik.birth_date == born.replace(year=born.year - 100)
        else:
            assert ours.nik.birth_date == born
        # region warnings agree with lokal-id's wilayah_unknown when names are looked up
        assert theirs.province_code == ours.nik.province


def test_known_examples() -> None:
    # Day 81 reads as the 1st for stdnum (day % 40), invalid for nikmatch and lokal-id.
    nik = "1871018108450001"
    assert stdnum_nik.is_valid(nik)
    assert not validate_nik(nik).is_valid
    assert not lokal_parse_nik(nik).valid
    # Serial 0000: stdnum accepts, lokal-id and nikmatch reject.
    nik = "1871015708450000"
    assert stdnum_nik.is_valid(nik)
    assert validate_nik(nik).problems == ("serial_zero",)
    assert not lokal_parse_nik(nik).valid
    # A kecamatan code missing from the current table: stdnum and lokal-id (without lookup)
    # accept; nikmatch accepts with a warning.
    nik = "1871995708450001"
    assert stdnum_nik.is_valid(nik)
    assert lokal_parse_nik(nik).valid
    assert validate_nik(nik).problems == ("region_unknown",)
