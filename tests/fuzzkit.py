"""Shared pieces of the fuzz, invariant and no-leak tests (and of ``benchmarks/fuzz.py``).

* hypothesis strategies for hostile input: random unicode, wrong types, damaged NIKs, huge
  names, frames with duplicate index labels, all-identical and all-unique records;
* :func:`call` runs one public entry point and accepts only the allowed outcomes: a return
  value, a :class:`~nikmatch.errors.NikmatchError`, or a ``TypeError``/``ValueError`` raised
  *on purpose by nikmatch code* (its raising frame lies in ``src/nikmatch``) with a message
  that names what is wrong and leaks no 16-digit number.  An exception raised deep inside
  pandas, numpy or the standard library is a bug;
* :data:`CALLS` counts the examples tried per entry point (reported by ``benchmarks/fuzz.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import nikmatch
from nikmatch.errors import NikmatchError

T = TypeVar("T")

#: Examples tried per public entry point (name -> count), filled by :func:`call`.
CALLS: Counter[str] = Counter()
#: Outcomes per entry point: ("parse_nik", "InvalidNIKError") -> count.
OUTCOMES: Counter[tuple[str, str]] = Counter()

SRC = Path(nikmatch.__file__).resolve().parent
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
ANY_SIXTEEN = re.compile(r"\d{16}")

# Kemendagri kecamatan codes used for generated NIKs (public codes; the NIKs are synthetic).
DISTRICTS = ("187101", "317101", "327301", "357801", "110101", "917101", "530101", "647201")


class Unexpected(AssertionError):
    """A public function failed in a way the API does not allow."""


def _raised_in_nikmatch(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return False
    origin = Path(frames[-1].filename).resolve()
    return SRC in origin.parents


def call(name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run ``fn`` and return its value, or ``None`` after an allowed exception."""
    CALLS[name] += 1
    try:
        value = fn(*args, **kwargs)
    except NikmatchError as exc:
        _check_message(name, exc)
        OUTCOMES[name, type(exc).__name__] += 1
        return None
    except (TypeError, ValueError) as exc:
        if not _raised_in_nikmatch(exc):
            raise Unexpected(
                f"{name} raised {type(exc).__name__} from outside nikmatch (a crash deep "
                f"inside a dependency, not a documented error): {exc}"
            ) from exc
        _check_message(name, exc)
        OUTCOMES[name, type(exc).__name__] += 1
        return None
    OUTCOMES[name, "ok"] += 1
    return value


def _check_message(name: str, exc: BaseException) -> None:
    message = str(exc)
    if not message.strip():
        raise Unexpected(f"{name} raised {type(exc).__name__} with an empty message") from exc
    if ANY_SIXTEEN.search(message):
        raise Unexpected(f"{name}: exception message leaks a 16-digit number") from exc


# --------------------------------------------------------------------------- strategies


@st.composite
def niks(draw: st.DrawFn) -> str:
    """A well-formed generated NIK (valid date, sex, serial; districts from :data:`DISTRICTS`)."""
    from nikmatch.nik import compose_nik

    district = draw(st.sampled_from(DISTRICTS))
    born = draw(st.dates(min_value=dt.date(1925, 1, 1), max_value=dt.date(2023, 12, 31)))
    sex = draw(st.sampled_from("LP"))
    serial = draw(st.integers(min_value=1, max_value=9999))
    return compose_nik(district, born, sex, serial)


@st.composite
def damaged_niks(draw: st.DrawFn) -> object:
    """A generated NIK as real files damage it: separators, apostrophes, floats, cut digits."""
    nik = draw(niks())
    how = draw(st.sampled_from(
        ["plain", "spaces", "dots", "apostrophe", "dot_zero", "float", "sci", "int", "cut",
         "extra", "letter", "fullwidth", "excel15"]
    ))
    if how == "spaces":
        return " ".join(nik[i:i + 4] for i in range(0, 16, 4))
    if how == "dots":
        return f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}.{nik[6:]}"
    if how == "apostrophe":
        return "'" + nik
    if how == "dot_zero":
        return nik + ".0"
    if how == "float":
        return float(nik)
    if how == "sci":
        return f"{float(nik):.14E}"
    if how == "int":
        return int(nik)
    if how == "cut":
        return nik[: draw(st.integers(min_value=0, max_value=15))]
    if how == "extra":
        return nik + draw(st.text(alphabet="0123456789", min_size=1, max_size=3))
    if how == "letter":
        pos = draw(st.integers(min_value=0, max_value=15))
        return nik[:pos] + draw(st.sampled_from("OlIoS")) + nik[pos + 1:]
    if how == "fullwidth":
        return "".join(chr(ord(c) - ord("0") + 0xFF10) for c in nik)
    if how == "excel15":
        return float(f"{float(nik):.14E}")
    return nik


def huge_names() -> st.SearchStrategy[str]:
    """Names of ~10,000 characters."""
    return st.builds(lambda word, n: (word + " ") * n, st.sampled_from(["SITI", "Muh.", "ñ"]),
                     st.integers(min_value=2000, max_value=2500))


def weird_scalars() -> st.SearchStrategy[object]:
    """Anything a column cell may hold, valid or not."""
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet="0123456789 .-'", max_size=24),
        niks(),
        damaged_niks(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.just(math.nan),
        st.just(pd.NA),
        st.just(pd.NaT),
        st.binary(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.just(""),
        st.dates().map(lambda d: d),
        st.sampled_from(["=1+1", "@SUM(A1)", "-", "\t", "LAKI-LAKI", "P", "2", "17-08-1945"]),
    )


def name_scalars() -> st.SearchStrategy[object]:
    """Values a name column may hold: Indonesian-looking names, unicode, junk and huge names."""
    names = st.lists(
        st.sampled_from(["H.", "Hj.", "MOCH.", "Muhammad", "DJOKO", "Soesilo", "Siti", "Nur",
                         "Abd.", "Rahman", "binti", "I", "Gusti", "Putu", "S.H.", "Dra.", ",",
                         "Nurhayati", "Achmad", "oe", "Tjahjo", "St.", "Yusuf", "M.", "Rizki"]),
        min_size=0, max_size=6,
    ).map(" ".join)
    return st.one_of(names, st.text(max_size=30), huge_names(), weird_scalars())


def series_of(
    elements: st.SearchStrategy[object], *, max_size: int = 12
) -> st.SearchStrategy[pd.Series]:
    """Series of ``elements`` in assorted dtypes, sometimes with duplicate index labels."""

    @st.composite
    def build(draw: st.DrawFn) -> pd.Series:
        values = draw(st.lists(elements, min_size=0, max_size=max_size))
        shape = draw(st.sampled_from(["unique", "identical", "plain"]))
        if shape == "identical" and values:
            values = [values[0]] * len(values)
        index_kind = draw(st.sampled_from(["range", "duplicate", "strings", "shifted"]))
        n = len(values)
        if index_kind == "duplicate":
            index: pd.Index = pd.Index([i // 2 for i in range(n)])
        elif index_kind == "strings":
            index = pd.Index([f"r{i}" for i in range(n)], dtype=object)
        elif index_kind == "shifted":
            index = pd.Index(range(100, 100 + n))
        else:
            index = pd.RangeIndex(n)
        return pd.Series(values, index=index, dtype=object)

    return build()


def nik_series() -> st.SearchStrategy[pd.Series]:
    """NIK columns: object columns of anything, float columns, int columns, string columns."""
    floats = st.lists(st.one_of(damaged_niks().filter(lambda v: isinstance(v, float)),
                                st.floats(allow_nan=True)), max_size=10).map(
        lambda xs: pd.Series(xs, dtype="float64"))
    ints = st.lists(st.integers(min_value=0, max_value=9_999_999_999_999_999), max_size=10).map(
        lambda xs: pd.Series(xs, dtype="int64"))
    strings = st.lists(st.one_of(niks(), damaged_niks().map(str), st.none()), max_size=10).map(
        lambda xs: pd.Series(xs, dtype="string"))
    return st.one_of(series_of(weird_scalars()), floats, ints, strings,
                     st.just(pd.Series([], dtype=object)), st.just(pd.Series([], dtype="float64")))


def as_frame_column(series: pd.Series, name: str) -> pd.DataFrame:
    """One-column frame that keeps the series' index."""
    return pd.DataFrame({name: series}, index=series.index)


def equal_or_both_missing(a: object, b: object) -> bool:
    """Cell equality where NaN, None, NA and NaT count as equal to each other."""
    def missing(x: object) -> bool:
        return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))

    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


# --------------------------------------------------------------------------- known bugs
# Reported to the owners with reproducers; the fuzz tests steer around them (``assume``) so CI
# stays green while everything else is still fuzzed.  Delete an entry once its bug is fixed:
# the fuzz tests then cover that input again.


# Fixed and removed: validate_nik(0.0) crashed in numpy reshape; clean_nik(9999999999999996.0)
# was not idempotent; validate_nik(..., birth_date=date(50, 1, 1)) raised 'year 0'.
KNOWN_BUGS: dict[str, Callable[[object], bool]] = {}


def hits_known_bug(*values: object) -> bool:
    """Whether any value (or any cell of a Series) triggers a reported, unfixed bug."""
    for value in values:
        cells = value.tolist() if isinstance(value, pd.Series) else [value]
        for cell in cells:
            if any(check(cell) for check in KNOWN_BUGS.values()):
                return True
    return False


def bug_check_niks_unhashable_record_field(frame: pd.DataFrame) -> bool:
    """Fixed: ``check_niks`` with a list in ``jenis_kelamin``/``tanggal_lahir`` raised a pandas
    TypeError; such cells are now missing.  Kept so old imports work; never excludes a case."""
    return False
