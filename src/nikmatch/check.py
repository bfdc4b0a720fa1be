"""Check a whole column of NIKs (or KK numbers) at once, vectorised with numpy.

One output row per input row, with the same index (duplicate labels included); no row is dropped
or added.  Values that are already 16 ASCII digits go through a pure-numpy path (a
``(n, 16)`` digit matrix); anything else is cleaned once per distinct value.  The checks are
those of :func:`nikmatch.nik.validate_nik` (shared core), so the two always agree.

>>> import pandas as pd
>>> out = check_niks(pd.Series(["1871015708450001", "18710157084500", None], index=[7, 7, 9]))
>>> out[["is_valid", "problems", "severity"]]
   is_valid problems severity
7      True                ok
7     False   length    error
9     False  missing    error
>>> str(out.loc[9, "birth_date"])
'NaT'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.errors import SchemaError
from nikmatch.nik import (
    BIT,
    ERROR_BITS,
    WARNING_BITS,
    Decoded,
    clean_value,
    date_ymd,
    decode_digits,
    problem_codes,
    sex_code,
)
from nikmatch.regions import Regions
from nikmatch.text import unusable_cells

__all__ = ["check_niks"]

_NIK_COLUMNS = ("nik", "NIK", "no_nik", "NO_NIK", "nomor_nik")
_BIRTH_COLUMNS = ("tanggal_lahir", "TANGGAL_LAHIR", "TGL_LHR", "tgl_lahir", "TGL_LAHIR")
_SEX_COLUMNS = ("jenis_kelamin", "JENIS_KELAMIN", "JENIS_KLMIN", "jk", "JK", "sex")
_NO_MASK = 0x7FFFFFFF  # problem masks fit in 16 bits; this marks "not yet computed"

Column = pd.Series | np.ndarray | list[Any] | str | None

# pandas 3 stores text as its ``str`` dtype; pandas 2 as ``object``.
_TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
_SEX_TEXT = np.array([None, "L", "P"], dtype=object)


def _column(
    frame: pd.DataFrame | None,
    spec: Column,
    names: tuple[str, ...],
    n: int,
    what: str,
    *,
    required: bool,
) -> npt.NDArray[np.object_] | None:
    if spec is None and frame is not None:
        spec = next((c for c in names if c in frame.columns), None)
        if spec is None and required:
            raise SchemaError(
                f"no {what} column: expected one of {', '.join(names)} or pass its name; "
                f"columns are: {', '.join(map(str, frame.columns))}"
            )
    if spec is None:
        return None
    if isinstance(spec, str):
        if frame is None:
            raise SchemaError(f"{what}={spec!r} names a column, but the input is not a DataFrame")
        if spec not in frame.columns:
            known = ", ".join(map(str, frame.columns))
            raise SchemaError(f"{what} column {spec!r} not found; columns are: {known}")
        spec = frame[spec]
    values = _raw_values(spec)
    if values.ndim != 1 or len(values) != n:
        raise SchemaError(f"{what} has {len(values)} values for {n} rows")
    if values.dtype == object:
        odd = unusable_cells(values)  # a list or bytes in a cell is no value: missing
        if odd.any():
            values = values.copy()
            values[odd] = None
    return values


def _raw_values(spec: pd.Series | np.ndarray | list[Any]) -> npt.NDArray[Any]:
    """Values as a numpy array: plain int/float columns keep their dtype, the rest are objects."""
    if isinstance(spec, pd.Series):
        if isinstance(spec.dtype, np.dtype) and spec.dtype.kind in "iuf":
            return spec.to_numpy()
        return spec.to_numpy(dtype=object)
    arr = np.asarray(spec)
    return arr if arr.dtype.kind in "iuf" else np.asarray(spec, dtype=object)


def _per_unique(
    values: npt.NDArray[Any], fn: Callable[[object], int], dtype: type[np.generic]
) -> npt.NDArray[Any]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([fn(u) for u in uniques] + [fn(None)], dtype=dtype)
    inverse = np.asarray(codes, dtype=np.intp)
    inverse[inverse < 0] = len(uniques)
    out: npt.NDArray[Any] = table[inverse]
    return out


def _record_dates(
    values: npt.NDArray[Any] | None, original: Column
) -> npt.NDArray[np.int64] | None:
    if values is None:
        return None
    if isinstance(original, pd.Series) and pd.api.types.is_datetime64_any_dtype(original):
        days = original.to_numpy(dtype="datetime64[D]")
        return _ymd_from_days(days)
    return _per_unique(values, date_ymd, np.int64)


def _ymd_from_days(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    nat = np.isnat(days)
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    out: npt.NDArray[np.int64] = year * 10000 + month * 100 + day
    out[nat] = 0
    return out


def _fast_digits(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8], npt.NDArray[np.str_]]:
    """Rows that are exactly 16 ASCII digits (no cleaning needed), their digits and text."""
    n = len(values)
    text = np.zeros(n, dtype="U17")
    try:
        text[:] = values
    except (TypeError, ValueError):  # objects whose str() fails take the careful path
        return np.zeros(n, dtype=np.bool_), np.zeros((n, 16), dtype=np.uint8), text
    points = text.view(np.uint32).reshape(n, 17)
    shifted = points[:, :16] - np.uint32(48)
    fast = (points[:, 16] == 0) & (shifted < 10).all(axis=1)
    # Floats never pass (their text has a '.' or an exponent, or is longer than 16), so Excel
    # damage takes the careful path.  numpy drops trailing NULs, which cleaning removes anyway.
    return fast, shifted.astype(np.uint8), text


def _fast_strings(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8]] | None:
    """The fastest path: every value is a Python ``str``; rows of 16 ASCII digits pass.

    Lengths come from one ``map(len)``, digits from one joined buffer.  Returns ``None`` when
    the values are not all ASCII strings (the general path handles them).
    """
    n = len(values)
    try:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
        sixteen = lengths == 16
        picked = values if sixteen.all() else values[sixteen]
        raw = "".join(picked).encode("ascii")
    except (TypeError, UnicodeEncodeError):
        return None
    block = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16) - np.uint8(48)
    ok = (block < 10).all(axis=1)
    if len(block) == n:
        return ok, block
    digits = np.zeros((n, 16), dtype=np.uint8)
    digits[sixteen] = block
    fast = np.zeros(n, dtype=np.bool_)
    fast[sixteen] = ok
    return fast, digits


def _fast_text(
    values: npt.NDArray[Any], fast: npt.NDArray[np.bool_], text: npt.NDArray[np.str_]
) -> npt.NDArray[Any]:
    """The cleaned text of the fast rows: the input objects themselves when they are plain
    16-character strings (checked in one C-level join), else numpy's copy of them."""
    picked = values[fast]
    try:
        if len("".join(picked)) == 16 * len(picked):
            return picked
    except TypeError:  # not all str (e.g. integers)
        pass
    return text[fast].astype(object)


def _slow_rows(
    values: npt.NDArray[Any],
    rows: npt.NDArray[np.intp],
    digits: npt.NDArray[np.uint8],
    cleaned: npt.NDArray[np.object_],
    mask: npt.NDArray[np.uint32],
) -> npt.NDArray[np.bool_]:
    """Clean the given rows once per distinct value; fill digits/cleaned/mask in place."""
    ok = np.zeros(len(values), dtype=np.bool_)
    cache: dict[object, tuple[str, int]] = {}
    good_rows: list[int] = []
    good_text: list[str] = []
    for row in rows.tolist():
        value = values[row]
        try:
            key: object = (type(value), value)
            found = cache.get(key)
        except TypeError:  # unhashable
            key, found = None, None
        if found is None:
            found = clean_value(value)
            if key is not None:
                cache[key] = found
        text, bits = found
        mask[row] = bits
        if bits & ERROR_BITS == 0:
            good_rows.append(row)
            good_text.append(text)
    if good_rows:
        where = np.array(good_rows, dtype=np.intp)
        raw = np.frombuffer("".join(good_text).encode("ascii"), dtype=np.uint8)
        digits[where] = raw.reshape(-1, 16) - 48
        cleaned[where] = good_text
        ok[where] = True
    return ok


def _categorical(
    codes: npt.NDArray[np.integer[Any]], categories: list[str], index: pd.Index
) -> pd.Series:
    cat = pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(categories))
    out: pd.Series = pd.Series(cat, index=index)
    return out


def _region_columns(
    district: npt.NDArray[np.int32], has: npt.NDArray[np.bool_], index: pd.Index
) -> dict[str, pd.Series]:
    """Province, regency and district codes as categoricals of text (NA where ``has`` is false).

    One pass over the rows; the coarser levels are derived from the distinct districts.
    """
    present = np.zeros(1_000_000, dtype=np.bool_)
    present[district[has]] = True
    uniques = np.flatnonzero(present)
    rank = np.zeros(1_000_000, dtype=np.int32)
    rank[uniques] = np.arange(len(uniques), dtype=np.int32)
    district_codes = np.where(has, rank[district], -1)
    out = {"district": _categorical(district_codes, [f"{u:06d}" for u in uniques], index)}
    for name, divisor, width in (("regency", 100, 4), ("province", 10000, 2)):
        coarse, inverse = np.unique(uniques // divisor, return_inverse=True)
        lookup = np.append(inverse.reshape(-1), -1)  # -1 (missing) maps to -1
        out[name] = _categorical(lookup[district_codes], [f"{c:0{width}d}" for c in coarse], index)
    return {k: out[k] for k in ("province", "regency", "district")}


_FIRST_YEAR, _LAST_YEAR = 1678, 2261  # the range of datetime64[ns]
_YEARS = np.arange(_FIRST_YEAR, _LAST_YEAR + 1)
_YEAR_START = (_YEARS - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
_LEAP = (_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))
_MONTH_START = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30]).astype(np.int64)


def _dates(decoded: Decoded, has: npt.NDArray[np.bool_]) -> npt.NDArray[np.datetime64]:
    """Birth dates as ``datetime64[ns]`` (NaT where not decodable), by table look-ups."""
    year = decoded.year
    ok = has & decoded.date_ok & (year >= _FIRST_YEAR) & (year <= _LAST_YEAR)
    y = np.where(ok, year - _FIRST_YEAR, 0)
    m = np.where(ok, decoded.month - 1, 0)
    days = _YEAR_START[y] + _MONTH_START[m] + (_LEAP[y] & (m >= 2)) + decoded.day - 1
    nanos = np.where(ok, days * 86_400_000_000_000, np.iinfo(np.int64).min)
    out: npt.NDArray[np.datetime64] = nanos.view("datetime64[ns]")
    return out


def _problem_columns(mask: npt.NDArray[np.uint32], index: pd.Index) -> dict[str, Any]:
    present = np.zeros(1 << 16, dtype=np.bool_)
    present[mask] = True
    uniques = np.flatnonzero(present)
    rank = np.zeros(1 << 16, dtype=np.int64)
    rank[uniques] = np.arange(len(uniques))
    labels = [";".join(problem_codes(int(u))) for u in uniques]
    codes = rank[mask]
    # per distinct mask: validity and severity, then one gather per row
    errors = (uniques & ERROR_BITS) != 0
    severity = np.where(errors, 2, np.where((uniques & WARNING_BITS) != 0, 1, 0))
    return {
        "is_valid": pd.Series(~errors[codes], index=index),
        "problems": _categorical(codes, labels, index),
        "severity": _categorical(severity[codes], ["ok", "warning", "error"], index),
    }


def check_niks(
    data: pd.Series | pd.DataFrame,
    *,
    column: str | None = None,
    birth_date: Column = None,
    sex: Column = None,
    reference_date: dt.date | None = None,
    regions: Regions | None = None,
) -> pd.DataFrame:
    """Check a column of NIKs; one output row per input row, same index, same order.

    ``data`` is a Series of NIKs or a DataFrame with a ``nik`` column (or name it with
    ``column``); ``birth_date`` and ``sex`` are column names of that DataFrame, or Series/arrays
    of the same length, or ``None`` (a DataFrame's ``tanggal_lahir`` / ``jenis_kelamin`` columns
    are then used when present).  Sex accepts ``LAKI-LAKI``/``PEREMPUAN``, ``L``/``P``,
    ``1``/``2``.

    Columns: ``nik`` (cleaned 16 digits, NA when unusable), ``is_valid``, ``problems``
    (``;``-joined codes of :data:`nikmatch.nik.PROBLEMS`, ``''`` when none), ``severity``
    (``ok``/``warning``/``error``), ``province``, ``regency``, ``district`` (code text, NA when
    not 16 digits), ``birth_date`` (``datetime64``, NaT when invalid), ``sex`` (``L``/``P``/NA),
    ``serial`` (nullable integer).  ``problems``, ``severity`` and the region codes are
    categoricals (few distinct values); ``nik`` and ``sex`` are plain text.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"nik": ["1871015708450001", "1871011708450002"],
    ...                    "tanggal_lahir": ["1945-08-17", "1945-08-17"],
    ...                    "jenis_kelamin": ["PEREMPUAN", "PEREMPUAN"]})
    >>> check_niks(df)[["problems", "district", "sex", "serial"]]
      problems district sex  serial
    0           187101   P       1
    1  sex_mismatch   187101   L       2
    """
    frame = data if isinstance(data, pd.DataFrame) else None
    if frame is not None:
        nik_values = _column(frame, column, _NIK_COLUMNS, len(frame), "nik", required=True)
        index = frame.index
    elif isinstance(data, pd.Series):
        nik_values = _raw_values(data)
        index = data.index
    else:
        raise SchemaError(f"check_niks expects a Series or a DataFrame, got {type(data).__name__}")
    if nik_values is None:  # pragma: no cover - required=True raises instead
        raise SchemaError("no nik column")
    n = len(index)
    if birth_date is None and frame is not None:
        birth_date = next((c for c in _BIRTH_COLUMNS if c in frame.columns), None)
    birth_values = _column(frame, birth_date, _BIRTH_COLUMNS, n, "birth_date", required=False)
    sex_values = _column(frame, sex, _SEX_COLUMNS, n, "sex", required=False)
    birth_series = (
        frame[birth_date] if isinstance(birth_date, str) and frame is not None else birth_date
    )
    return _check(
        nik_values,
        index,
        record_ymd=_record_dates(birth_values, birth_series),
        record_sex=None if sex_values is None else _per_unique(sex_values, sex_code, np.int8),
        reference_date=reference_date,
        regions=regions if regions is not None else Regions.default(),
    )


def _numeric_rows(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8], npt.NDArray[np.uint32]]:
    """Vectorised cleaning of an integer or float column (same rules as ``clean_value``)."""
    n = len(values)
    mask = np.zeros(n, dtype=np.uint32)
    if values.dtype.kind == "f":
        finite = np.isfinite(values)
        mask[np.isnan(values)] = BIT["missing"]
        safe = np.where(finite, values, 0.0)
        integral = finite & (safe == np.floor(safe)) & (safe >= 0)
        lost = integral & (safe >= 2.0**53) & (safe < 1e16)
        whole = np.where(integral & (safe < 1e16), safe, 0).astype(np.int64)
        suspect = integral & ~lost & (whole >= 10**15) & (whole % 10 == 0)
        mask[lost] = BIT["excel_precision_lost"]
        mask[suspect] = BIT["excel_precision_suspect"]
        # values that are not whole numbers or too large are cleaned as text, per value
        careful = np.isinf(values) | (finite & ~(integral & (safe < 1e16)))
    else:
        whole = values.astype(np.int64)
        careful = whole < 0
        lost = np.zeros(n, dtype=np.bool_)
        finite = np.ones(n, dtype=np.bool_)
    sixteen = finite & ~careful & ~lost & (whole >= 10**15) & (whole < 10**16)
    mask[finite & ~careful & ~lost & ~sixteen] = BIT["length"]
    digits = np.zeros((n, 16), dtype=np.uint8)
    rest = np.where(sixteen, whole, 0)
    for col in range(15, -1, -1):
        digits[:, col] = rest % 10
        rest //= 10
    mask[careful] = _NO_MASK
    return sixteen, digits, mask


def _check(
    values: npt.NDArray[Any],
    index: pd.Index,
    *,
    record_ymd: npt.NDArray[np.int64] | None,
    record_sex: npt.NDArray[np.int8] | None,
    reference_date: dt.date | None,
    regions: Regions,
) -> pd.DataFrame:
    n = len(values)
    cleaned = np.full(n, None, dtype=object)
    if values.dtype.kind in "iuf":
        has, digits, mask = _numeric_rows(values)
        careful = np.flatnonzero(mask == _NO_MASK)
        mask[careful] = 0
        objects = values.astype(object)
        has |= _slow_rows(objects, careful, digits, cleaned, mask)
        if has.any():
            as_bytes = digits[has].astype(np.uint8) + np.uint8(48)
            cleaned[has] = as_bytes.view("S16").ravel().astype("U16").astype(object)
    else:
        mask = np.zeros(n, dtype=np.uint32)
        strings = _fast_strings(values)
        if strings is not None:
            fast, digits = strings
            cleaned = values.copy()
            cleaned[~fast] = None
        else:
            fast, digits, as_text = _fast_digits(values)
            cleaned[fast] = _fast_text(values, fast, as_text)
        has = fast | _slow_rows(values, np.flatnonzero(~fast), digits, cleaned, mask)
    if not has.all():
        digits[~has] = 0
    ref = reference_date if reference_date is not None else dt.date.today()
    # Every row is decoded (rows without 16 usable digits hold zeros and are masked out below):
    # cheaper than selecting and scattering back.
    decoded = decode_digits(
        digits,
        reference_ymd=ref.year * 10000 + ref.month * 100 + ref.day,
        regions=regions,
        record_ymd=record_ymd,
        record_sex=record_sex,
    )
    mask |= np.where(has, decoded.mask, 0).astype(np.uint32)
    if record_ymd is not None:
        mask |= np.where(~has & (record_ymd < 0), BIT["record_birth_date_unreadable"], 0).astype(
            np.uint32
        )
    if record_sex is not None:
        mask |= np.where(~has & (record_sex < 0), BIT["record_sex_unreadable"], 0).astype(np.uint32)
    # Columns are built on positions; the caller's index (duplicates included) is set at the end.
    positional = pd.RangeIndex(len(index))
    columns: dict[str, Any] = {
        "nik": pd.Series(cleaned, index=positional, dtype=_TEXT_DTYPE),
        **_problem_columns(mask, positional),
        **_region_columns(decoded.district, has, positional),
        "birth_date": pd.Series(_dates(decoded, has), index=positional),
        "sex": pd.Series(
            _SEX_TEXT[np.where(has, decoded.sex, 0)], index=positional, dtype=_TEXT_DTYPE
        ),
        "serial": pd.Series(
            pd.arrays.IntegerArray(decoded.serial.astype(np.int16), ~has), index=positional
        ),
    }
    frame: pd.DataFrame = pd.DataFrame(columns, index=positional, copy=False)
    frame.index = index  # set, not aligned: duplicate labels stay row by row
    return frame
