"""Protection of personal data: masking for display, keyed pseudonymisation for sharing.

A NIK or KK number is personal data under UU 27/2022.  Two tools live here:

* **Masking** (:func:`mask_nik`, :func:`mask_text`) for everything people read: reprs, logs,
  warnings and errors.  Only the region part (first six digits) and the last two digits of a
  16-digit number are shown; everything between becomes ``*``.
* **Keyed pseudonymisation** (:func:`pseudonymize`, :func:`pseudonymize_frame`): HMAC-SHA256 with
  a secret key shared by two offices, over the *cleaned* value, so both offices can link their
  files on tokens without exchanging raw NIKs, KK numbers or names.  Without the key a token
  cannot be reversed or checked against a guessed NIK.

>>> mask_nik("1871015708450001")
'187101********01'
>>> mask_text("duplicate of 1871015708450001 and 1871014101900002")
'duplicate of 187101********01 and 187101********02'
>>> mask_nik("12")
'**'
>>> import pandas as pd
>>> key = b"a shared secret of 16+ bytes"
>>> tokens = pseudonymize(pd.Series(["1871015708450001", "'1871 0157 0845 0001"]), key, kind="nik")
>>> tokens[0] == tokens[1], len(tokens[0])
(True, 64)
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from numbers import Number
from typing import Literal, cast

import pandas as pd

from nikmatch.errors import SchemaError

__all__ = [
    "DEFAULT_PSEUDONYM_COLUMNS",
    "MIN_KEY_BYTES",
    "PseudonymKind",
    "mask_nik",
    "mask_text",
    "pseudonymize",
    "pseudonymize_frame",
]

# Any run of 9 or more digits (optionally broken by spaces, dots or dashes) could be an
# identifier or the damaged remains of one; mask it.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[\d .\-]{7,}\d)(?!\d)")

#: What a pseudonymised column holds; selects the cleaning applied before hashing.
PseudonymKind = Literal["nik", "kk", "name"]

#: The shortest key :func:`pseudonymize` accepts (128 bits).
MIN_KEY_BYTES = 16

#: Columns :func:`pseudonymize_frame` replaces when ``columns`` is not given (canonical names).
DEFAULT_PSEUDONYM_COLUMNS: Mapping[str, PseudonymKind] = {
    "nik": "nik",
    "no_kk": "kk",
    "nama": "name",
    "nama_ibu": "name",
    "nama_ayah": "name",
}

_KINDS: tuple[str, ...] = ("nik", "kk", "name")
# Domain separation: the same digits in a NIK column and a KK column give unrelated tokens.
_DOMAIN = {
    "nik": b"nikmatch/v1/nik\x1f",
    "kk": b"nikmatch/v1/kk\x1f",
    "name": b"nikmatch/v1/name\x1f",
    "name_key": b"nikmatch/v1/name_key\x1f",
}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


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


# --------------------------------------------------------------------------- pseudonymisation


def _check_key(key: object) -> bytes:
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(
            f"pseudonymisation key must be bytes (at least {MIN_KEY_BYTES} of them), "
            f"got {type(key).__name__}; e.g. key = secrets.token_bytes(32)"
        )
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"pseudonymisation key is too short: {len(key)} bytes, need at least "
            f"{MIN_KEY_BYTES}; e.g. key = secrets.token_bytes(32)"
        )
    return bytes(key)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _name_text(value: object) -> str:
    """Text of one non-missing name value (bytes decoded as UTF-8, numbers as digits)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_ids(values: list[object]) -> list[str]:
    """Cleaned NIK/KK text per value, exactly as :func:`nikmatch.nik.clean_nik` cleans it."""
    from nikmatch.nik import clean_nik

    return [clean_nik(v) for v in values]


def _fallback_normalize_name(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_ALNUM.sub(" ", folded.lower()).split())


def _names_function(name: str) -> Callable[[pd.Series], pd.Series] | None:
    """A vectorised function of :mod:`nikmatch.names`, or ``None`` while it is unavailable."""
    try:
        module = importlib.import_module("nikmatch.names")
    except ImportError:  # pragma: no cover - nikmatch.names ships with the package
        return None
    function = getattr(module, name, None)
    return cast("Callable[[pd.Series], pd.Series] | None", function)


def _normalize_name_values(texts: list[str]) -> list[str]:
    normalize_names = _names_function("normalize_names")
    if normalize_names is None:  # pragma: no cover - nikmatch.names ships with the package
        return [_fallback_normalize_name(t) for t in texts]
    out = normalize_names(pd.Series(texts, dtype=object))
    return ["" if _is_missing(v) else str(v) for v in out.tolist()]


def _name_key_values(normalised: list[str]) -> list[str]:
    name_keys = _names_function("name_keys")
    if name_keys is None:
        raise ImportError("keep_phonetic=True needs nikmatch.names.name_keys")
    out = name_keys(pd.Series(normalised, dtype=object))
    return ["" if _is_missing(v) else str(v) for v in out.tolist()]


def _token(key: bytes, domain: str, cleaned: str) -> str:
    return hmac.new(key, _DOMAIN[domain] + cleaned.encode("utf-8"), hashlib.sha256).hexdigest()


def _uniques(values: pd.Series, what: str) -> tuple[list[int], list[object]]:
    """Codes per row and the distinct values; ``1``, ``1.0`` and ``True`` stay distinct."""
    objects = values.astype(object)
    try:
        codes, uniques = pd.factorize(objects, use_na_sentinel=True)
        distinct = list(uniques)
        numeric_types = {t for t in set(map(type, objects.tolist())) if issubclass(t, Number)}
        if len(numeric_types) > 1:
            # Equal-hashing values of different types (1, 1.0, True) would otherwise merge and
            # the token would depend on which came first.
            tagged = pd.Series(
                [v if _is_missing(v) else (type(v).__name__, v) for v in objects.tolist()],
                dtype=object,
            )
            codes, tagged_uniques = pd.factorize(tagged, use_na_sentinel=True)
            distinct = [u[1] for u in tagged_uniques]
    except TypeError:
        raise TypeError(
            f"pseudonymize: {what} values must be strings or numbers (or missing); "
            "found an unhashable value such as a list"
        ) from None
    return [int(c) for c in codes], distinct


def _cleaned_uniques(uniques: list[object], kind: str) -> list[str]:
    """Cleaned text per distinct value ('' = missing after cleaning)."""
    if kind != "name":
        return _clean_ids(uniques)
    return _normalize_name_values(["" if _is_missing(u) else _name_text(u) for u in uniques])


def _series_from_tokens(codes: list[int], tokens: list[str | None], index: pd.Index) -> pd.Series:
    data = [tokens[c] if c >= 0 else None for c in codes]
    return pd.Series(data, index=index, dtype="string")


def pseudonymize(values: pd.Series, key: bytes, *, kind: PseudonymKind) -> pd.Series:
    """Replace each value by a keyed token: HMAC-SHA256 of the cleaned value, as 64 hex digits.

    NIK and KK numbers are cleaned first (spaces, dots, a leading apostrophe, ``.0`` suffixes
    and Excel's scientific notation removed, as :func:`nikmatch.nik.clean_nik` does), names
    are normalised (:func:`nikmatch.names.normalize_names`: titles, old spellings, Muhammad
    variants...), so the same person written two ways gets the same token.  Missing values
    (and values that are empty after cleaning) stay missing: they never agree with each other.
    Each distinct value is hashed once.  The result has the input's index and order, dtype
    ``string``.

    Tokens only support *exact* agreement: see ``docs/guide/privacy.md`` for what fuzzy
    comparisons lose.  ``TypeError`` for values that are not strings or numbers (lists,
    bytes, booleans...) and for a key that is not bytes; ``ValueError`` for a key shorter
    than :data:`MIN_KEY_BYTES`.

    >>> import pandas as pd
    >>> key = b"0123456789abcdef"
    >>> t = pseudonymize(pd.Series(["1871015708450001", "1871.0157.0845.0001", None]), key,
    ...                  kind="nik")
    >>> t[0] == t[1], t[2] is pd.NA, t[0][:12]
    (True, True, '2ec824fe070c')
    >>> pseudonymize(pd.Series(["1871015708450001"]), b"short", kind="nik")
    Traceback (most recent call last):
    ...
    ValueError: pseudonymisation key is too short: 5 bytes, need at least 16; ...
    """
    secret = _check_key(key)
    if kind not in _KINDS:
        raise ValueError(f"pseudonymize: kind must be one of {_KINDS}, got {kind!r}")
    if not isinstance(values, pd.Series):
        raise TypeError(
            f"pseudonymize: values must be a pandas Series, got {type(values).__name__}"
        )
    codes, uniques = _uniques(values, kind)
    cleaned = _cleaned_uniques(uniques, kind)
    tokens: list[str | None] = [_token(secret, kind, c) if c else None for c in cleaned]
    return _series_from_tokens(codes, tokens, values.index)


def _pseudonymize_name_key(values: pd.Series, key: bytes) -> pd.Series:
    codes, uniques = _uniques(values, "name")
    normalised = _cleaned_uniques(uniques, "name")
    keys = _name_key_values(normalised)
    tokens: list[str | None] = [_token(key, "name_key", k) if k else None for k in keys]
    return _series_from_tokens(codes, tokens, values.index)


def pseudonymize_frame(
    df: pd.DataFrame,
    key: bytes,
    *,
    columns: Mapping[str, PseudonymKind] | None = None,
    keep_phonetic: bool = False,
) -> pd.DataFrame:
    """Return a copy of ``df`` with NIK, KK and name columns replaced by keyed tokens.

    ``columns`` maps column name to kind (``"nik"``, ``"kk"`` or ``"name"``); by default the
    canonical columns present among :data:`DEFAULT_PSEUDONYM_COLUMNS` (``nik``, ``no_kk``,
    ``nama``, ``nama_ibu``, ``nama_ayah``).  Every other column is copied unchanged: birth
    date, sex and address still identify people, so share only the columns the linkage needs.

    With ``keep_phonetic=True`` every name column ``c`` also gets ``c + "_key"``: the token of
    the name's phonetic key (:func:`nikmatch.names.name_key`), so *phonetic* agreement
    (Djoko/Joko, Yusuf/Jusuf) survives pseudonymisation.  The trade-off: a phonetic key is
    coarser than the name, so its token is shared by more people; agreement on it is weaker
    evidence and frequency analysis of the tokens reveals a little more.  Edit distances
    and initials (``M. Rizki`` vs ``Muhammad Rizki``) are lost either way.

    Same index, same row order, same columns (plus the ``_key`` columns).  ``SchemaError``
    when a requested column is missing or when no default column is present.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"nik": ["1871015708450001"], "nama": ["Siti Aminah"], "rt": ["003"]})
    >>> out = pseudonymize_frame(df, b"0123456789abcdef")
    >>> list(out.columns), out.loc[0, "rt"], len(out.loc[0, "nik"])
    (['nik', 'nama', 'rt'], '003', 64)
    """
    secret = _check_key(key)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"pseudonymize_frame: df must be a DataFrame, got {type(df).__name__}")
    if columns is None:
        chosen = {c: k for c, k in DEFAULT_PSEUDONYM_COLUMNS.items() if c in df.columns}
        if not chosen:
            raise SchemaError(
                "pseudonymize_frame: none of the default columns "
                f"{sorted(DEFAULT_PSEUDONYM_COLUMNS)} is present; pass columns={{name: kind}}"
            )
    else:
        chosen = dict(columns)
        missing = [c for c in chosen if c not in df.columns]
        if missing:
            raise SchemaError(mask_text(f"pseudonymize_frame: columns not in the frame: {missing}"))
    if not df.columns.is_unique:
        raise SchemaError("pseudonymize_frame: column names must be unique")
    out: pd.DataFrame = df.copy()
    for column, kind in chosen.items():
        out[column] = pseudonymize(df[column], secret, kind=kind)
    if keep_phonetic:
        for column, kind in chosen.items():
            if kind == "name":
                out[f"{column}_key"] = _pseudonymize_name_key(df[column], secret)
    return out
