"""Day numbers and their calendar parts (:mod:`nikmatch.dates`)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nikmatch.dates import MISSING_DAY, day_parts


def _reference_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day through numpy's own calendar (datetime64 unit conversions)."""
    as_days = days.astype("datetime64[D]")
    years = as_days.astype("datetime64[Y]")
    months = as_days.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = months.astype(np.int64) - years.astype("datetime64[M]").astype(np.int64) + 1
    d = (as_days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.int32, st.integers(0, 200), elements=st.integers(-250_000, 250_000)))
def test_day_parts_agree_with_numpys_calendar(days: np.ndarray) -> None:
    """The integer calendar arithmetic gives numpy's dates, 1285 to 2654, leap days included."""
    y, m, d = day_parts(days)
    ry, rm, rd = _reference_parts(days)
    assert y.tolist() == ry.tolist()
    assert m.tolist() == rm.tolist()
    assert d.tolist() == rd.tolist()


def test_day_parts_of_every_day_around_the_century_leap_rules() -> None:
    """Every day from 1899 to 2101 (1900 and 2100 are no leap years, 2000 is)."""
    days = np.arange(-25_600, 47_500, dtype=np.int32)
    parts = day_parts(days)
    for got, want in zip(parts, _reference_parts(days), strict=True):
        assert np.array_equal(got.astype(np.int64), want)


def test_missing_days_have_no_parts() -> None:
    y, m, d = day_parts(np.array([MISSING_DAY, 0], dtype=np.int32))
    assert (y.tolist(), m.tolist(), d.tolist()) == ([0, 1970], [0, 1], [0, 1])
