"""Masking of identifiers in everything people read: reprs, logs, warnings and errors.

A NIK or KK number is personal data under UU 27/2022.  Only the region part (first six digits)
and the last two digits of a 16-digit number are shown; everything between becomes ``*``.

>>> mask_nik("1871015708450001")
'187101********01'
>>> mask_text("duplicate of 1871015708450001 and 1871014101900002")
'duplicate of 187101********01 and 187101********02'
>>> mask_nik("12")
'**'
"""

from __future__ import annotations

import re

__all__ = ["mask_nik", "mask_text"]

# Any run of 9 or more digits (optionally broken by spaces, dots or dashes) could be an
# identifier or the damaged remains of one; mask it.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[\d .\-]{7,}\d)(?!\d)")


def mask_nik(value: object) -> str:
    """Mask a NIK/KK-like value for display: keep the first 6 and the last 2 digits.

    Values shorter than 10 characters are masked completely, since they would otherwise leak
    most of their digits.

    >>> mask_nik("1871015708450001")
    '187101********01'
    >>> mask_nik(None)
    '<missing>'
    >>> mask_nik("abc")
    '***'
    """
    if value is None:
        return "<missing>"
    text = str(value)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 8) + text[-2:]


def mask_text(text: str) -> str:
    """Mask every long run of digits inside free text (for log lines and error messages).

    >>> mask_text("NIK '1871015708450001' has serial 0000")
    "NIK '187101********01' has serial 0000"
    >>> mask_text("1.871.015.708.450.001")
    '1.871.*************01'
    """
    return _DIGIT_RUN.sub(lambda m: mask_nik(m.group(0)), text)
