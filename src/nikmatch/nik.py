"""NIK (Nomor Induk Kependudukan): cleaning, parsing and validation that explains itself.

A NIK has 16 digits ``PP KK CC DDMMYY SSSS``: province, regency/city, kecamatan of first
registration (Kemendagri codes, see :mod:`nikmatch.regions`), birth date with 40 added to the day
for women, and a serial from ``0001``.  A NIK never changes, so a date or sex that disagrees with
the record is a *warning*; only a value that cannot be a NIK at all is an *error*.

>>> nik = parse_nik("1871015708450001")
>>> nik
NIK('187101********01')
>>> nik.district, nik.birth_date, nik.sex, nik.serial
('187101', datetime.date(1945, 8, 17), 'P', '0001')
>>> validate_nik("1871015708450001", sex="L").problems
('sex_mismatch',)
>>> clean_nik(" '1871.0157-0845 0001 ")
'1871015708450001'

The vectorised core (:func:`decode_digits`) is shared with :func:`nikmatch.check.check_niks`, so a
column check and a single-value check always agree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.errors import InvalidNIKError
from nikmatch.privacy import mask_nik, mask_text
from nikmatch.regions import Regions, undot

__all__ = [
    "MAX_AGE",
    "NIK",
    "PROBLEMS",
    "NIKReport",
    "Problem",
    "clean_nik",
    "compose_nik",
    "parse_nik",
    "validate_nik",
]

Severity = Literal["error", "warning"]

#: Ages above this many years (NIK birth date to reference date) get ``age_implausible``.
MAX_AGE = 110


@dataclass(frozen=True)
class Problem:
    """One problem code with its severity and a one-line meaning.

    >>> PROBLEMS["length"]
    Problem(code='length', severity='error', description='not 16 digits after cleaning')
    """

    code: str
    severity: Severity
    description: str


_PROBLEM_LIST: tuple[Problem, ...] = (
    Problem("missing", "error", "empty or missing value"),
    Problem("non_digit", "error", "characters other than digits remain after cleaning"),
    Problem("length", "error", "not 16 digits after cleaning"),
    Problem(
        "excel_precision_lost",
        "error",
        "stored as a number with fewer than 16 significant digits (Excel keeps 15): "
        "digits are lost and are never guessed",
    ),
    Problem("province_unknown", "error", "province code in no region table"),
    Problem("date_invalid", "error", "day (after removing +40 for women) or month impossible"),
    Problem("serial_zero", "error", "serial 0000 (serials start at 0001)"),
    Problem(
        "region_unknown",
        "warning",
        "regency or kecamatan not in the current table (may predate a split)",
    ),
    Problem(
        "region_historic",
        "warning",
        "regency or kecamatan found only in an older edition supplied by the user",
    ),
    Problem("birth_date_future", "warning", "birth date in the NIK is after the reference date"),
    Problem("age_implausible", "warning", f"age from the NIK above {MAX_AGE} years"),
    Problem(
        "excel_precision_suspect",
        "warning",
        "arrived as a number whose 16th digit is 0: Excel may have rounded it; check the source",
    ),
    Problem("birth_date_mismatch", "warning", "record's birth date differs from the NIK's"),
    Problem("sex_mismatch", "warning", "record's sex differs from the NIK's (+40 on the day)"),
    Problem("record_birth_date_unreadable", "warning", "record's birth date could not be read"),
    Problem("record_sex_unreadable", "warning", "record's sex could not be read"),
)

#: Every problem code, in a stable order, with severity and meaning (see docs/guide/nik.md).
PROBLEMS: Mapping[str, Problem] = MappingProxyType({p.code: p for p in _PROBLEM_LIST})

#: Bit of each problem code in the masks used by the vectorised core.
BIT: Mapping[str, int] = MappingProxyType({p.code: 1 << i for i, p in enumerate(_PROBLEM_LIST)})
ERROR_BITS = sum(BIT[p.code] for p in _PROBLEM_LIST if p.severity == "error")
WARNING_BITS = sum(BIT[p.code] for p in _PROBLEM_LIST if p.severity == "warning")


def problem_codes(mask: int) -> tuple[str, ...]:
    """Problem codes set in a bit mask, in table order.

    >>> problem_codes(BIT["length"] | BIT["missing"])
    ('missing', 'length')
    """
    return tuple(p.code for p in _PROBLEM_LIST if mask & BIT[p.code])


# --------------------------------------------------------------------------- cleaning
_FLOAT_EXACT_LIMIT = 2**53
_APOSTROPHES = "'\u2018\u2019`\u00b4\""
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f.\-\u2010-\u2015\u2212_]+")
_STRIP = " \t\n\r\x0b\x0c\x00\u00a0\u2007\u202f\ufeff"
_TRAILING_ZERO_FRACTION = re.compile(r"^(\d+)[.,]0+$")
# a ".0"/",00" suffix after a 16-digit number written with separators
_ZERO_SUFFIX = re.compile(r"^(.*[0-9])[.,]0+$", re.DOTALL)
_SCIENTIFIC = re.compile(r"^([0-9]+(?:[.,][0-9]*)?)[eE]\+?([0-9]{1,2})$")
_DIGITS16 = re.compile(r"^[0-9]{16}$")


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT


def _clean_float(value: float) -> tuple[str, int]:
    if not math.isfinite(value) or value != int(value) or value < 0:
        return _clean_text(repr(value))
    text = str(int(value))
    if len(text) == 16 and int(value) >= _FLOAT_EXACT_LIMIT:
        # A float this large cannot hold every integer: keep the 15 digits Excel would keep.
        return _scientific(f"{text[0]}.{text[1:15]}E+15"), BIT["excel_precision_lost"]
    if len(text) == 16 and text.endswith("0"):
        return text, BIT["excel_precision_suspect"]
    return _check_digits(text)


def _scientific(text: str) -> str:
    mantissa, exponent = text.upper().split("E")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E+{int(exponent)}"


def _clean_scientific(text: str) -> tuple[str, int] | None:
    sci = _SCIENTIFIC.match(text.replace(" ", ""))
    if not sci:
        return None
    mantissa = sci.group(1).replace(",", ".")
    number = Decimal(mantissa).scaleb(int(sci.group(2)))
    if number != number.to_integral_value():
        return text, BIT["non_digit"]
    whole = str(int(number))
    digits = mantissa.replace(".", "").lstrip("0").rstrip("0")
    if len(whole) == 16 and len(digits) < 16:
        return _scientific(f"{mantissa}E{sci.group(2)}"), BIT["excel_precision_lost"]
    return _check_digits(whole)


def _check_digits(text: str) -> tuple[str, int]:
    if not text:
        return "", BIT["missing"]
    if not (text.isascii() and text.isdigit()):
        return text, BIT["non_digit"]
    if len(text) != 16:
        return text, BIT["length"]
    return text, 0


def _clean_text(text: str) -> tuple[str, int]:
    if len(text) == 16 and text.isascii() and text.isdigit():
        return text, 0
    # Repeat until nothing changes, so that cleaning is idempotent.
    while True:
        step = text.strip(_STRIP).strip(_APOSTROPHES).strip(_STRIP)
        match = _TRAILING_ZERO_FRACTION.match(step) or _ZERO_SUFFIX.match(step)
        if match and (
            match.re is _TRAILING_ZERO_FRACTION
            or _DIGITS16.match(_SEPARATORS.sub("", match.group(1)))
        ):
            step = match.group(1)
        scientific = _clean_scientific(step)
        if scientific is not None:
            return scientific
        step = _SEPARATORS.sub("", step)
        if step == text:
            return _check_digits(text)
        text = step


def clean_value(value: object) -> tuple[str, int]:
    """Clean one raw value: the cleaned text and a bit mask of cleaning problems.

    The mask is 0 exactly when the text is 16 ASCII digits that can be trusted.

    >>> clean_value("1.87101570845E+15")
    ('1.87101570845E+15', 8)
    >>> clean_value(1871015708450001)
    ('1871015708450001', 0)
    """
    if _is_missing(value):
        return "", BIT["missing"]
    if isinstance(value, bool):
        return _clean_text(str(value))
    if isinstance(value, (float, np.floating)):
        return _clean_float(float(value))
    if isinstance(value, (int, np.integer)):
        return _clean_text(str(int(value)))
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return _clean_text(str(value))


def clean_nik(value: object) -> str:
    """Clean a raw NIK: strip spaces, dots, dashes, a leading apostrophe, a trailing ``.0``.

    Scientific notation is expanded when it still carries all 16 digits; when Excel has cut the
    number to 15 significant digits the (normalised) scientific text is returned unchanged, since
    a lost digit is never invented (:func:`validate_nik` reports ``excel_precision_lost``).
    Missing values give ``''``.  Cleaning is idempotent.

    >>> clean_nik("'1871 0157 0845 0001")
    '1871015708450001'
    >>> clean_nik("1871015708450001.0"), clean_nik("1.871015708450001e+15")
    ('1871015708450001', '1871015708450001')
    >>> clean_nik("1,87101570845E+15"), clean_nik(None)
    ('1.87101570845E+15', '')
    """
    return clean_value(value)[0]


# --------------------------------------------------------------------------- record fields
_SEX_CODES: Mapping[str, int] = MappingProxyType(
    {
        "L": 1,
        "LK": 1,
        "LAKI-LAKI": 1,
        "LAKI LAKI": 1,
        "LAKILAKI": 1,
        "LAKI": 1,
        "1": 1,
        "P": 2,
        "PR": 2,
        "PEREMPUAN": 2,
        "WANITA": 2,
        "2": 2,
    }
)
SEX_LABELS = ("", "L", "P")


def sex_code(value: object) -> int:
    """Sex as 1 (laki-laki), 2 (perempuan), 0 (missing) or -1 (unreadable).

    >>> [sex_code(v) for v in ("LAKI-LAKI", "p", 2, 1.0, None, "X")]
    [1, 2, 2, 1, 0, -1]
    """
    if _is_missing(value):
        return 0
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value).strip().upper()
    if not text:
        return 0
    return _SEX_CODES.get(text, -1)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d", "%d%m%Y")


def date_ymd(value: object) -> int:
    """A record's birth date as an integer ``YYYYMMDD``: 0 when missing, -1 when unreadable.

    Accepts ``date``/``datetime``/``Timestamp``/``datetime64`` and text (``YYYY-MM-DD``,
    ``DD-MM-YYYY``, ``DD/MM/YYYY``, ``YYYYMMDD``; day first, as in Indonesian exports).

    Dates outside 1800-2199 count as unreadable.

    >>> date_ymd("17-08-1945"), date_ymd(dt.date(1945, 8, 17)), date_ymd(None), date_ymd("x")
    (19450817, 19450817, 0, -1)
    >>> date_ymd(dt.date(50, 1, 1))
    -1
    """
    if _is_missing(value):
        return 0
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return 0
        value = value.astype("datetime64[D]").item()
    if isinstance(value, dt.date):  # datetime and pandas Timestamp are dates too
        return _plausible_ymd(value.year * 10000 + value.month * 100 + value.day)
    text = str(value).strip()
    if not text:
        return 0
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _plausible_ymd(parsed.year * 10000 + parsed.month * 100 + parsed.day)
    return -1


def _plausible_ymd(ymd: int) -> int:
    """Birth dates outside 1800-2199 cannot be a resident's: treated as unreadable (-1)."""
    return ymd if 18000101 <= ymd <= 21991231 else -1


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


# --------------------------------------------------------------------------- vectorised core
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


@dataclass(frozen=True)
class Decoded:
    """Fields decoded from an ``(n, 16)`` digit matrix (see :func:`decode_digits`)."""

    district: npt.NDArray[np.int32]
    year: npt.NDArray[np.int32]
    month: npt.NDArray[np.int32]
    day: npt.NDArray[np.int32]
    date_ok: npt.NDArray[np.bool_]
    sex: npt.NDArray[np.int8]
    serial: npt.NDArray[np.int32]
    mask: npt.NDArray[np.uint32]


def _region_outcome(regions: Regions, district: int) -> int:
    code = f"{district:06d}"
    province, regency = code[:2], code[:4]
    if not (regions.is_current(province) or regions.is_historic(province)):
        return BIT["province_unknown"]
    if regions.is_current(regency) and regions.is_current(code):
        return 0
    known = [regions.is_current(c) or regions.is_historic(c) for c in (regency, code)]
    return BIT["region_historic"] if all(known) else BIT["region_unknown"]


_OUTCOMES: weakref.WeakKeyDictionary[Regions, dict[int, int]] = weakref.WeakKeyDictionary()


def region_masks(districts: npt.NDArray[np.int32], regions: Regions) -> npt.NDArray[np.uint32]:
    """Problem bits from the region table for each 6-digit district code (one lookup per code).

    >>> region_masks(np.array([187101, 187101, 999999], dtype=np.int32), Regions.default()).tolist()
    [0, 0, 16]
    """
    if districts.size == 0:
        return np.zeros(0, dtype=np.uint32)
    memo = _OUTCOMES.setdefault(regions, {})

    def outcome(district: int) -> int:
        found = memo.get(district)
        if found is None:
            found = memo[district] = _region_outcome(regions, district)
        return found

    if districts.size < 4096:
        small, inverse = np.unique(districts, return_inverse=True)
        found = np.array([outcome(int(u)) for u in small], dtype=np.uint32)
        return found[inverse.reshape(-1)]
    present = np.zeros(1_000_000, dtype=np.bool_)
    present[districts] = True
    uniques = np.flatnonzero(present)
    table = np.zeros(1_000_000, dtype=np.uint32)
    table[uniques] = [outcome(int(u)) for u in uniques]
    out: npt.NDArray[np.uint32] = table[districts]
    return out


def decode_digits(
    digits: npt.NDArray[np.uint8],
    *,
    reference_ymd: int,
    regions: Regions,
    record_ymd: npt.NDArray[np.int64] | None = None,
    record_sex: npt.NDArray[np.int8] | None = None,
) -> Decoded:
    """Decode and check an ``(n, 16)`` matrix of digit values 0-9, all at once.

    ``record_ymd`` holds the records' birth dates as ``YYYYMMDD`` (0 missing, -1 unreadable),
    ``record_sex`` their sex (0 missing, 1 L, 2 P, -1 unreadable).

    >>> d = np.frombuffer(b"1871015708450001", dtype=np.uint8).reshape(1, 16) - 48
    >>> out = decode_digits(d, reference_ymd=20250101, regions=Regions.default())
    >>> int(out.year[0]), int(out.month[0]), int(out.day[0]), int(out.sex[0]), int(out.mask[0])
    (1945, 8, 17, 2, 0)
    """
    n = digits.shape[0]

    def pair(col: int) -> npt.NDArray[np.int16]:
        out: npt.NDArray[np.int16] = digits[:, col].astype(np.int16) * 10 + digits[:, col + 1]
        return out

    district = (pair(0).astype(np.int32) * 10000 + pair(2).astype(np.int32) * 100 + pair(4)).astype(
        np.int32
    )
    raw_day, month, yy = pair(6), pair(8), pair(10)
    serial = (pair(12).astype(np.int32) * 100 + pair(14)).astype(np.int32)

    female = raw_day > 40
    day = raw_day - female.astype(np.int16) * 40
    sex = female.astype(np.int8) + 1

    ref_year = reference_ymd // 10000
    partial = (month * 100 + day).astype(np.int32)
    year = yy.astype(np.int32) + ref_year // 100 * 100
    year -= ((year * 10000 + partial) > reference_ymd).astype(np.int32) * 100
    mask = np.zeros(n, dtype=np.uint32)

    def flag(code: str, where: npt.NDArray[np.bool_]) -> None:
        np.bitwise_or(mask, np.uint32(BIT[code]), out=mask, where=where)

    if record_ymd is not None:
        rec_year = (record_ymd // 10000).astype(np.int32)
        readable = record_ymd > 0
        by_record = rec_year // 100 * 100 + yy
        by_record -= (by_record - rec_year > 50).astype(np.int32) * 100
        by_record += (rec_year - by_record > 50).astype(np.int32) * 100
        year = np.where(readable, by_record, year).astype(np.int32)
        flag("record_birth_date_unreadable", record_ymd < 0)

    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    date_ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim) & (year >= 1)
    ymd = year * 10000 + partial

    mask |= region_masks(district, regions)
    flag("date_invalid", ~date_ok)
    flag("serial_zero", serial == 0)
    flag("birth_date_future", date_ok & (ymd > reference_ymd))
    flag("age_implausible", date_ok & ((reference_ymd - ymd) // 10000 > MAX_AGE))
    if record_ymd is not None:
        flag("birth_date_mismatch", date_ok & (record_ymd > 0) & (ymd != record_ymd))
    if record_sex is not None:
        flag("sex_mismatch", date_ok & (record_sex > 0) & (sex != record_sex))
        flag("record_sex_unreadable", record_sex < 0)
    sex = np.where(date_ok, sex, 0).astype(np.int8)
    return Decoded(
        district, year, month.astype(np.int32), day.astype(np.int32), date_ok, sex, serial, mask
    )


# --------------------------------------------------------------------------- public objects
@dataclass(frozen=True, repr=False)
class NIK:
    """A parsed NIK.  ``repr``/``str`` mask the middle digits; ``.value`` holds all 16.

    >>> nik = parse_nik("1871015708450001")
    >>> str(nik), nik.province, nik.regency, nik.value == "1871015708450001"
    ('187101********01', '18', '1871', True)
    """

    value: str
    province: str
    regency: str
    district: str
    birth_date: dt.date
    sex: Literal["L", "P"]
    serial: str

    def __repr__(self) -> str:
        """Masked: ``NIK('187101********01')``."""
        return f"NIK({mask_nik(self.value)!r})"

    def __str__(self) -> str:
        """Masked value."""
        return mask_nik(self.value)


@dataclass(frozen=True, repr=False)
class NIKReport:
    """The outcome of :func:`validate_nik`: problem codes, the cleaned value, the parsed NIK.

    ``nik`` is ``None`` exactly when there is an error.  ``repr`` and :meth:`explain` mask the
    value.

    >>> report = validate_nik("1871015708450001", birth_date="1945-08-18")
    >>> report.is_valid, report.problems, report.warnings
    (True, ('birth_date_mismatch',), ('birth_date_mismatch',))
    >>> report
    NIKReport('187101********01', is_valid=True, problems=('birth_date_mismatch',))
    """

    cleaned: str
    problems: tuple[str, ...]
    nik: NIK | None

    @property
    def errors(self) -> tuple[str, ...]:
        """Problem codes of severity ``error``."""
        return tuple(p for p in self.problems if PROBLEMS[p].severity == "error")

    @property
    def warnings(self) -> tuple[str, ...]:
        """Problem codes of severity ``warning``."""
        return tuple(p for p in self.problems if PROBLEMS[p].severity == "warning")

    @property
    def is_valid(self) -> bool:
        """True when no problem is an error (warnings allowed)."""
        return not self.errors

    @property
    def severity(self) -> Literal["ok", "warning", "error"]:
        """``'error'`` if any error, else ``'warning'`` if any warning, else ``'ok'``."""
        if self.errors:
            return "error"
        return "warning" if self.problems else "ok"

    def explain(self) -> str:
        """A readable, masked explanation, one line per problem.

        >>> print(validate_nik("1871019908450001").explain())
        NIK 187101********01: invalid
          - date_invalid (error): day (after removing +40 for women) or month impossible
        """
        verdict = {"ok": "valid", "warning": "valid, with warnings", "error": "invalid"}
        lines = [
            f"NIK {mask_nik(self.cleaned) if self.cleaned else '<empty>'}: {verdict[self.severity]}"
        ]
        lines += [
            f"  - {code} ({PROBLEMS[code].severity}): {PROBLEMS[code].description}"
            for code in self.problems
        ]
        return mask_text("\n".join(lines))

    def __repr__(self) -> str:
        """Masked summary."""
        return (
            f"NIKReport({mask_nik(self.cleaned)!r}, is_valid={self.is_valid}, "
            f"problems={self.problems!r})"
        )


def _reference_ymd(reference_date: dt.date | None) -> int:
    return _ymd(reference_date if reference_date is not None else dt.date.today())


def validate_nik(
    value: object,
    *,
    birth_date: object = None,
    sex: object = None,
    reference_date: dt.date | None = None,
    regions: Regions | None = None,
) -> NIKReport:
    """Check one NIK and report every problem (never raises for any input value).

    ``birth_date`` and ``sex`` are the record's own fields, when known: they resolve the century
    and are compared with what the NIK encodes (a mismatch is a warning).  ``reference_date``
    (default: today) anchors the century rule and the age checks; ``regions`` defaults to
    :meth:`Regions.default`.

    >>> validate_nik("1871015708450001").is_valid
    True
    >>> validate_nik("18710157084500").problems
    ('length',)
    >>> validate_nik("9101011708450001").problems   # Merauke before the 2022 split
    ('region_unknown',)
    """
    cleaned, mask = clean_value(value)
    regions = regions if regions is not None else Regions.default()
    rec_ymd = np.array([date_ymd(birth_date)], dtype=np.int64)
    rec_sex = np.array([sex_code(sex)], dtype=np.int8)
    if mask & ERROR_BITS:
        # The record's own fields are still reported when unreadable.
        mask |= BIT["record_birth_date_unreadable"] if rec_ymd[0] < 0 else 0
        mask |= BIT["record_sex_unreadable"] if rec_sex[0] < 0 else 0
        return NIKReport(cleaned, problem_codes(mask), None)
    digits = (np.frombuffer(cleaned.encode("ascii"), dtype=np.uint8) - 48).reshape(1, 16)
    out = decode_digits(
        digits,
        reference_ymd=_reference_ymd(reference_date),
        regions=regions,
        record_ymd=rec_ymd,
        record_sex=rec_sex,
    )
    mask |= int(out.mask[0])
    problems = problem_codes(mask)
    nik = None
    if not mask & ERROR_BITS:
        nik = NIK(
            value=cleaned,
            province=cleaned[:2],
            regency=cleaned[:4],
            district=cleaned[:6],
            birth_date=dt.date(int(out.year[0]), int(out.month[0]), int(out.day[0])),
            sex="P" if out.sex[0] == 2 else "L",
            serial=cleaned[12:],
        )
    return NIKReport(cleaned, problems, nik)


def parse_nik(
    value: object,
    *,
    birth_date: object = None,
    reference_date: dt.date | None = None,
    regions: Regions | None = None,
) -> NIK:
    """Parse a NIK, raising :class:`~nikmatch.errors.InvalidNIKError` when it has an error.

    Warnings (unknown or historic region, implausible age...) do not raise; use
    :func:`validate_nik` to see them.  ``birth_date`` only resolves the century.  The exception
    carries the problem codes in ``.problems``; its message is masked.

    >>> parse_nik("1871015708450001").birth_date
    datetime.date(1945, 8, 17)
    >>> parse_nik("1871013208450001")
    Traceback (most recent call last):
    ...
    nikmatch.errors.InvalidNIKError: not a valid NIK (187101********01): date_invalid
    """
    report = validate_nik(
        value, birth_date=birth_date, reference_date=reference_date, regions=regions
    )
    if report.nik is None:
        shown = mask_nik(report.cleaned) if report.cleaned else "<empty>"
        masked = mask_text(f"not a valid NIK ({shown}): {', '.join(report.errors)}")
        raise InvalidNIKError(masked, problems=report.errors)
    return report.nik


def compose_nik(district: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (for generated data and tests).

    >>> compose_nik("18.71.01", dt.date(1945, 8, 17), "P", 1)
    '1871015708450001'
    >>> compose_nik("187101", dt.date(1990, 1, 2), "L", 12)
    '1871010201900012'
    """
    code = undot(district)
    if code is None or len(code) != 6:
        raise InvalidNIKError(
            f"district must be a 6-digit Kemendagri code, got {mask_text(repr(district))}"
        )
    if sex not in ("L", "P"):
        raise InvalidNIKError(f"sex must be 'L' or 'P', got {mask_text(repr(sex))}")
    if not 1 <= serial <= 9999:
        raise InvalidNIKError(f"serial must be in 1..9999, got {mask_text(repr(serial))}")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
