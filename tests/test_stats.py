"""A part of a job weighs a pair as the whole does (the base of the Spark engine, issue 18).

:func:`nikmatch.stats.partition` makes a table of some records that knows the whole job
(:class:`nikmatch.prepare.GlobalStats` and the records' people counts): every comparison
level and every weight of a pair computed in it must equal the whole table's, bit for bit,
for deduplication and for a link.  These run without Spark.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import nikmatch as nm
from nikmatch.blocking import block_pairs
from nikmatch.comparisons import compare
from nikmatch.prepare import Prepared, prepare
from nikmatch.stages import default_blocking_rules
from nikmatch.stats import compute_stats, partition
from nikmatch.synth import generate_population, generate_unrecorded_list


def _check_parts(result: nm.DedupeResult | nm.LinkResult, tf_source: int | None) -> None:
    p, model = result.prepared, result.model
    stats, people = compute_stats(p, model.comparisons, tf_source=tf_source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        left, right = block_pairs(default_blocking_rules(p), p.keys(), p.n, source=p.source)
    rng = np.random.default_rng(0)
    pick = rng.choice(len(left), size=min(len(left), 2_000), replace=False)
    left = np.concatenate([result.pairs["row_l"].to_numpy(np.int64), left[pick]])
    right = np.concatenate([result.pairs["row_r"].to_numpy(np.int64), right[pick]])
    # three random parts, each holding its pairs' records and nothing else of the register
    for part_pairs in np.array_split(rng.permutation(len(left)), 3):
        pl, pr = left[part_pairs], right[part_pairs]
        rows = np.unique(np.concatenate([pl, pr]))
        part = partition(p, rows, stats, people)
        ll, lr = np.searchsorted(rows, pl), np.searchsorted(rows, pr)
        whole = compare(model.comparisons, p, pl, pr)
        local = compare(model.comparisons, part, ll, lr)
        assert np.array_equal(whole, local)
        ew, sw = model.evidence(p, whole, pl, pr, tf_source=tf_source)
        el, sl = model.evidence(part, local, ll, lr, tf_source=tf_source)
        assert np.array_equal(sw, sl)
        assert np.abs(ew - el).max(initial=0.0) == 0.0


def test_a_part_of_a_register_weighs_pairs_as_the_whole() -> None:
    register, _ = generate_population(2_500, seed=21)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = nm.find_duplicates(register)
    _check_parts(result, None)


def test_a_part_of_a_link_weighs_pairs_as_the_whole() -> None:
    register, truth = generate_population(2_500, seed=22)
    listed, _ = generate_unrecorded_list(register, truth, n=250, seed=22)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = nm.link(listed, register)
    _check_parts(result, 1)


def test_frame_round_trip_keeps_every_value() -> None:
    register, _ = generate_population(500, seed=23)
    p = prepare(register)
    q = Prepared.from_frame(p.to_frame(), columns=p.columns)
    assert set(q.codes) == set(p.codes)
    for name in p.codes:
        a = pd.Series(p.values[name], dtype=object).reindex(p.codes[name]).to_numpy()
        b = pd.Series(q.values[name], dtype=object).reindex(q.codes[name]).to_numpy()
        assert a.tolist() == b.tolist(), name
    assert np.array_equal(p.dob, q.dob)
    assert np.array_equal(p.sex, q.sex)
    assert np.array_equal(p.nik_digits[p.codes["nik"][p.codes["nik"] >= 0]],
                          q.nik_digits[q.codes["nik"][q.codes["nik"] >= 0]])


@pytest.mark.parametrize("column", ["nama", "nama_ibu"])
def test_word_counts_by_key_are_the_registers(column: str) -> None:
    register, _ = generate_population(2_000, seed=24)
    p = prepare(register)
    stats, _ = compute_stats(p, [])
    assert stats.key_counts[column].sum() >= stats.word_counts[column].sum() * 0.99
    assert stats.word_records[column] == int((p.codes[column] >= 0).sum())
