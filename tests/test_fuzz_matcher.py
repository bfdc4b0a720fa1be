"""Fuzzing the matcher's entry points: prepare, find_duplicates, link, comparison_features.

Frames of a few rows whose cells are anything (unicode, numbers, bytes, lists, NaN/NaT/NA,
10,000-character names, formula-like text), with duplicate or string index labels, all rows
identical or all distinct.  Allowed outcomes: a result with exactly one row per input record
(same index, same order), or a documented nikmatch error with a message that leaks no NIK.
The long run is ``benchmarks/fuzz.py --only matcher``.
"""

from __future__ import annotations

import warnings

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import nikmatch as nm
from fuzzkit import call, name_scalars, niks, series_of, weird_scalars

COLUMNS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "no_kk", "kelurahan")


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    names = draw(series_of(name_scalars(), max_size=8))
    n = len(names)
    data: dict[str, list[object]] = {"nama": names.tolist()}
    for column in draw(st.lists(st.sampled_from((*COLUMNS[2:], "nik")), unique=True)):
        cells = st.one_of(weird_scalars(), niks()) if column == "nik" else weird_scalars()
        data[column] = draw(st.lists(cells, min_size=n, max_size=n))
    return pd.DataFrame(data, index=names.index)


def _quiet() -> warnings.catch_warnings[list[warnings.WarningMessage]]:
    caught = warnings.catch_warnings(record=True)
    return caught


@given(frames())
def test_find_duplicates_never_crashes_and_keeps_every_row(df: pd.DataFrame) -> None:
    with _quiet():
        warnings.simplefilter("always")
        result = call("find_duplicates", nm.find_duplicates, df)
    if result is not None:
        assert result.clusters.index.equals(df.index)
        assert len(result.clusters) == len(df)
        assert (result.clusters["cluster_size"] >= 1).all()


@given(frames())
def test_prepare_never_crashes_and_flags_instead_of_dropping(df: pd.DataFrame) -> None:
    prepared = call("prepare", nm.prepare, df)
    if prepared is not None:
        assert prepared.n == len(df)
        assert len(prepared.flags) == len(df)


@given(frames(), frames())
def test_link_never_crashes_and_keeps_every_list_row(a: pd.DataFrame, b: pd.DataFrame) -> None:
    with _quiet():
        warnings.simplefilter("always")
        result = call("link", nm.link, a, b)
    if result is not None:
        assert result.clusters.index.equals(a.index)


@given(frames())
def test_comparison_features_never_crash(df: pd.DataFrame) -> None:
    if len(df) < 2 or not df.index.is_unique:
        return
    pairs = pd.MultiIndex.from_tuples([(df.index[0], df.index[1])])
    features = call("comparison_features", nm.comparison_features, df, pairs)
    if features is not None:
        assert len(features) == 1
