"""No lost records: every input row appears exactly once in every per-record output."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
from hypothesis import assume, given

from fuzzkit import hits_known_bug, nik_series
from nikmatch.check import check_niks
from nikmatch.nik import compose_nik, validate_nik

REFERENCE = dt.date(2024, 6, 1)


def mixed_column(n: int, seed: int) -> list[object]:
    """Generated NIKs mixed with every kind of damage and garbage real files contain."""
    rng = random.Random(seed)
    junk: list[object] = [None, "", "   ", "abc", "1234", float("nan"), "18.71.01.5708450001",
                          "'1871015708450001", 1.87101570845e15, "1871015708450001.0",
                          "٠١٢٣", "1871013208450001", "0000000000000000", pd.NA]
    out: list[object] = []
    for i in range(n):
        if i % 3 == 0:
            out.append(rng.choice(junk))
        else:
            born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(33_000))
            out.append(compose_nik(rng.choice(["187101", "317101", "327301"]), born,
                                   rng.choice("LP"), rng.randrange(1, 10_000)))
    return out


def test_check_niks_keeps_every_row_once_including_unparseable_ones() -> None:
    values = mixed_column(600, seed=1)
    index = pd.Index([f"rec{i:04d}" for i in range(len(values))])
    out = check_niks(pd.Series(values, index=index, dtype=object), reference_date=REFERENCE)
    assert out.index.equals(index)
    assert out.index.is_unique
    expected_invalid = sum(not validate_nik(v, reference_date=REFERENCE).is_valid for v in values)
    assert expected_invalid > 100
    assert (~out["is_valid"]).sum() == expected_invalid  # the garbage rows are there, flagged
    assert (out.loc[~out["is_valid"], "problems"] != "").all()


def test_check_niks_keeps_duplicate_labels_and_order() -> None:
    values = mixed_column(90, seed=2)
    index = pd.Index([i % 7 for i in range(len(values))])
    out = check_niks(pd.Series(values, index=index, dtype=object), reference_date=REFERENCE)
    assert out.index.equals(index)
    assert out.index.tolist() == index.tolist()


def test_check_niks_all_identical_and_one_row_and_empty() -> None:
    same = pd.Series(["1871015708450001"] * 50)
    assert len(check_niks(same, reference_date=REFERENCE)) == 50
    one = check_niks(pd.Series([None], index=["x"]), reference_date=REFERENCE)
    assert one.index.tolist() == ["x"]
    assert not one.loc["x", "is_valid"]
    empty = check_niks(pd.Series([], dtype=object), reference_date=REFERENCE)
    assert len(empty) == 0
    assert "is_valid" in empty.columns


@given(nik_series())
def test_check_niks_row_count_and_index_invariant(values: pd.Series) -> None:
    assume(not hits_known_bug(values))
    out = check_niks(values, reference_date=REFERENCE)
    assert out.index.equals(values.index)
    assert out["is_valid"].notna().all()
    assert out["problems"].notna().all()
