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
    """Base class of every error nikmatch raises on purpose.

    The message is masked here, once for every subclass (:func:`nikmatch.privacy.mask_text`):
    a column list of a file whose first row of NIKs was read as its header, a value quoted in
    a schema error, never shows a whole NIK.

    >>> import nikmatch as nm
    >>> try:
    ...     nm.parse_nik("12")
    ... except nm.NikmatchError as exc:
    ...     type(exc).__name__
    'InvalidNIKError'
    >>> str(SchemaError("columns are: 1871015708450001, nama"))
    'columns are: 187101********01, nama'
    """

    def __init__(self, message: object = "", *args: object) -> None:
        from nikmatch.privacy import mask_text  # privacy imports this module

        super().__init__(mask_text(str(message)), *args)


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
    """A value cannot be read as a Nomor Kartu Keluarga (message masks the value).

    >>> import nikmatch as nm
    >>> try:
    ...     nm.parse_kk("abc")
    ... except nm.InvalidKKError as exc:
    ...     isinstance(exc, ValueError)
    True
    """

    def __init__(self, message: str, *, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class SchemaError(NikmatchError, ValueError):
    """Input columns are missing, ambiguous or unusable; the message lists which and why.

    >>> import pandas as pd, nikmatch as nm
    >>> try:
    ...     nm.find_duplicates(pd.DataFrame({"alamat": ["Jl. Mawar"]}))
    ... except nm.SchemaError as exc:
    ...     str(exc).startswith("missing required column(s): nama")
    True
    """


class ModelError(NikmatchError, ValueError):
    """A model file or parameter set is invalid, incompatible or not yet trained.

    >>> import nikmatch as nm
    >>> try:
    ...     nm.Model.from_json('{"format": "something else"}')
    ... except nm.ModelError as exc:
    ...     str(exc)
    "not a nikmatch model (missing 'format': 'nikmatch-model')"
    """
