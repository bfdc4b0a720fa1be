"""Exceptions raised by nikmatch.

Every exception the library raises on purpose derives from :class:`NikmatchError`, so callers can
catch one class.  Messages never contain a full NIK or KK number: they go through
:func:`nikmatch.privacy.mask_nik` first.

>>> issubclass(InvalidNIKError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "InvalidKKError",
    "InvalidNIKError",
    "ModelError",
    "NikmatchError",
    "SchemaError",
]


class NikmatchError(Exception):
    """Base class of every error nikmatch raises on purpose."""


class InvalidNIKError(NikmatchError, ValueError):
    """A value cannot be read as a NIK at all (message masks the value).

    >>> raise InvalidNIKError("length: expected 16 digits, got 3 ('123')")
    Traceback (most recent call last):
    ...
    nikmatch.errors.InvalidNIKError: length: expected 16 digits, got 3 ('123')
    """

    def __init__(self, message: str, *, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class InvalidKKError(NikmatchError, ValueError):
    """A value cannot be read as a Nomor Kartu Keluarga (message masks the value)."""

    def __init__(self, message: str, *, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class SchemaError(NikmatchError, ValueError):
    """Input columns are missing, ambiguous or unusable; the message lists which and why."""


class ModelError(NikmatchError, ValueError):
    """A model file or parameter set is invalid, incompatible or not yet trained."""
