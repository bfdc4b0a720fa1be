"""Nomor Kartu Keluarga (KK, the family-card number): cleaning, parsing and validation.

A KK number has 16 digits ``PP KK CC DDMMYY SSSS``: the Kemendagri code of the issuing kecamatan,
the issue date (``DDMMYY``, with **no** +40: a family card has no sex), and a serial.  Cleaning
is that of :func:`nikmatch.nik.clean_nik`, the problem codes are those of
:data:`nikmatch.nik.PROBLEMS` (``date_invalid`` here means the issue date; ``birth_date_future``
means an issue date after the reference date).  The year is the latest one not after the
reference date.

>>> kk = parse_kk("1871011203150007")
>>> kk
KK('187101********07')
>>> kk.district, kk.issue_date, kk.serial
('187101', datetime.date(2015, 3, 12), '0007')
>>> validate_kk("1871015203150007").problems   # day 52: a NIK, not a KK
('date_invalid',)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nikmatch.errors import InvalidKKError
from nikmatch.nik import BIT, ERROR_BITS, PROBLEMS, clean_value, problem_codes, region_masks
from nikmatch.privacy import mask_nik, mask_text
from nikmatch.regions import Regions

__all__ = ["KK", "KKReport", "parse_kk", "validate_kk"]


@dataclass(frozen=True, repr=False)
class KK:
    """A parsed KK number; ``repr``/``str`` are masked, ``.value`` holds all 16 digits.

    >>> str(parse_kk("1871011203150007")), parse_kk("1871011203150007").regency
    ('187101********07', '1871')
    """

    value: str
    province: str
    regency: str
    district: str
    issue_date: dt.date
    serial: str

    def __repr__(self) -> str:
        """Masked: ``KK('187101********07')``."""
        return f"KK({mask_nik(self.value)!r})"

    def __str__(self) -> str:
        """Masked value."""
        return mask_nik(self.value)


@dataclass(frozen=True, repr=False)
class KKReport:
    """The outcome of :func:`validate_kk` (``kk`` is ``None`` exactly when there is an error).

    >>> validate_kk("18710112031500")
    KKReport('187101******00', is_valid=False, problems=('length',))
    """

    cleaned: str
    problems: tuple[str, ...]
    kk: KK | None

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
        """True when no problem is an error."""
        return not self.errors

    @property
    def severity(self) -> Literal["ok", "warning", "error"]:
        """``'error'``, ``'warning'`` or ``'ok'``."""
        if self.errors:
            return "error"
        return "warning" if self.problems else "ok"

    def explain(self) -> str:
        """A readable, masked explanation.

        >>> print(validate_kk("1871010000150007").explain())
        KK 187101********07: invalid
          - date_invalid (error): issue date impossible
        """
        verdict = {"ok": "valid", "warning": "valid, with warnings", "error": "invalid"}
        shown = mask_nik(self.cleaned) if self.cleaned else "<empty>"
        lines = [f"KK {shown}: {verdict[self.severity]}"]
        for code in self.problems:
            meaning = _KK_MEANINGS.get(code, PROBLEMS[code].description)
            lines.append(f"  - {code} ({PROBLEMS[code].severity}): {meaning}")
        return mask_text("\n".join(lines))

    def __repr__(self) -> str:
        """Masked summary."""
        return (
            f"KKReport({mask_nik(self.cleaned)!r}, is_valid={self.is_valid}, "
            f"problems={self.problems!r})"
        )


_KK_MEANINGS = {
    "date_invalid": "issue date impossible",
    "birth_date_future": "issue date after the reference date",
}


def validate_kk(
    value: object,
    *,
    reference_date: dt.date | None = None,
    regions: Regions | None = None,
) -> KKReport:
    """Check one KK number and report every problem (never raises for any input value).

    >>> validate_kk("1871011203150007").is_valid
    True
    >>> validate_kk("9101011203150007").problems
    ('region_unknown',)
    >>> validate_kk("1871011203150000").problems
    ('serial_zero',)
    """
    cleaned, mask = clean_value(value)
    if mask & ERROR_BITS:
        return KKReport(cleaned, problem_codes(mask), None)
    regions = regions if regions is not None else Regions.default()
    ref = reference_date if reference_date is not None else dt.date.today()
    day, month, yy = int(cleaned[6:8]), int(cleaned[8:10]), int(cleaned[10:12])
    year = ref.year // 100 * 100 + yy
    if (year, month, day) > (ref.year, ref.month, ref.day):
        year -= 100
    mask |= int(region_masks(np.array([int(cleaned[:6])], dtype=np.int32), regions)[0])
    issued: dt.date | None
    try:
        issued = dt.date(year, month, day)
    except ValueError:
        issued = None
        mask |= BIT["date_invalid"]
    if cleaned[12:] == "0000":
        mask |= BIT["serial_zero"]
    kk = None
    if issued is not None and not mask & ERROR_BITS:
        kk = KK(cleaned, cleaned[:2], cleaned[:4], cleaned[:6], issued, cleaned[12:])
    return KKReport(cleaned, problem_codes(mask), kk)


def parse_kk(
    value: object,
    *,
    reference_date: dt.date | None = None,
    regions: Regions | None = None,
) -> KK:
    """Parse a KK number, raising :class:`~nikmatch.errors.InvalidKKError` on any error.

    >>> parse_kk("1871013203150007")
    Traceback (most recent call last):
    ...
    nikmatch.errors.InvalidKKError: not a valid KK number (187101********07): date_invalid
    """
    report = validate_kk(value, reference_date=reference_date, regions=regions)
    if report.kk is None:
        shown = mask_nik(report.cleaned) if report.cleaned else "<empty>"
        masked = mask_text(f"not a valid KK number ({shown}): {', '.join(report.errors)}")
        raise InvalidKKError(masked, problems=report.errors)
    return report.kk
