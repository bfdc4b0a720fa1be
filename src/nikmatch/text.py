"""Folding of free text (addresses, places, region names) once per distinct value.

Lower-case ASCII, punctuation to spaces, common address abbreviations expanded, whitespace
collapsed.  Names of people are *not* handled here: see :mod:`nikmatch.names`.

>>> fold_text("JL. P. Diponegoro No.12, Gg. Mawar")
'jalan pangeran diponegoro nomor 12 gang mawar'
>>> fold_text(None)
''
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["factorize_folded", "fold_text", "fold_texts"]

_ABBREVIATIONS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "no": "nomor",
    "nmr": "nomor",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "kp": "kampung",
    "kmp": "kampung",
    "dsn": "dusun",
    "perum": "perumahan",
    "blk": "blok",
    "ds": "desa",
    "p": "pangeran",
    "tlk": "teluk",
}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_text(value: object) -> str:
    """Fold one text value (see module docstring); missing values give ``''``.

    >>> fold_text("  Kedaton  ")
    'kedaton'
    >>> fold_text(float("nan"))
    ''
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    tokens = _NON_ALNUM.sub(" ", text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(t, t) for t in tokens)


def fold_texts(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fold_text`: folds each distinct value once, same index.

    >>> fold_texts(pd.Series(["Jl. Mawar", "Jl. Mawar", None])).tolist()
    ['jalan mawar', 'jalan mawar', '']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    folded = np.array(
        [fold_text(u) for u in np.asarray(uniques, dtype=object)] + [""], dtype=object
    )
    out: pd.Series = pd.Series(folded[codes], index=values.index, dtype=object)
    return out


def factorize_folded(
    values: pd.Series | npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.object_]]:
    """Integer codes (``-1`` for empty) and the distinct non-empty strings, in first-seen order.

    >>> codes, uniq = factorize_folded(pd.Series(["a", "", "b", "a"]))
    >>> codes.tolist(), uniq.tolist()
    ([0, -1, 1, 0], ['a', 'b'])
    """
    arr = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniq = np.asarray(uniques, dtype=object)
    # empty strings are dropped from the distinct values (the rest keep their order)
    empty = np.asarray([u == "" for u in uniq.tolist()], dtype=bool)
    if not empty.any():
        return codes.astype(np.int32), uniq
    new_code = np.cumsum(~empty) - 1
    new_code[empty] = -1
    remap = np.append(new_code, -1).astype(np.int32)  # code -1 (missing) stays -1
    return remap[codes], uniq[~empty]


#: ``pandas.api.types.infer_dtype`` kinds of columns that hold only plain values.
PLAIN_KINDS = frozenset(
    {
        "string",
        "empty",
        "integer",
        "floating",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "datetime64",
        "datetime",
        "date",
        "timedelta",
    }
)


def unusable_cells(values: pd.Series | npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Cells that hold no value of a column at all (a list, dict, set, tuple or bytes), to be
    treated as missing and flagged; checked in C first, so plain columns cost no Python loop.

    >>> unusable_cells(pd.Series(["a", [1, 2], b"x", None], dtype=object)).tolist()
    [False, True, True, False]
    """
    arr = np.asarray(values, dtype=object)
    if len(arr) == 0 or pd.api.types.infer_dtype(arr, skipna=True) in PLAIN_KINDS:
        return np.zeros(len(arr), dtype=bool)
    odd = (list, dict, set, tuple, bytes, bytearray)
    return np.fromiter((isinstance(v, odd) for v in arr), dtype=bool, count=len(arr))
