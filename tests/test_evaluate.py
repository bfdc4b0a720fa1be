"""nikmatch.evaluate: hand-checked cases and properties of the accuracy metrics."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nikmatch.errors import SchemaError
from nikmatch.evaluate import (
    Metrics,
    blocking_metrics,
    cluster_metrics,
    hard_negative_merges,
    pair_keys,
    pairwise_metrics,
)


def pairs(*items: tuple[object, object]) -> pd.DataFrame:
    return pd.DataFrame(list(items), columns=["id_l", "id_r"])


# --- hand-checked cases -------------------------------------------------------------------


def test_pairwise_dedup_is_order_insensitive_and_ignores_duplicates_and_self_pairs() -> None:
    true = pairs((1, 2), (3, 4), (5, 6))
    predicted = pairs((2, 1), (1, 2), (4, 3), (7, 7), (8, 9))
    m = pairwise_metrics(predicted, true)
    assert m == Metrics(tp=2, fp=1, fn=1)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)


def test_pairwise_link_keeps_direction_and_separate_id_spaces() -> None:
    # list id 1 and register id 1 are different records; (1, 1) is a real link pair.
    true = pairs((1, 1), (2, 5))
    predicted = pairs((1, 1), (5, 2))
    assert pairwise_metrics(predicted, true, link=True) == Metrics(tp=1, fp=1, fn=1)


def test_pairwise_with_string_ids_and_extra_columns() -> None:
    true = pd.DataFrame({"id_l": ["a", "b"], "id_r": ["c", "d"], "weight": [1.0, 2.0]})
    predicted = pd.DataFrame({"id_l": ["c"], "id_r": ["a"], "match_probability": [0.9]})
    assert pairwise_metrics(predicted, true) == Metrics(tp=1, fp=0, fn=1)


def test_mixed_int_and_string_ids_do_not_collide() -> None:
    assert pairwise_metrics(pairs((1, 2)), pairs(("1", "2"))) == Metrics(tp=0, fp=1, fn=1)


def test_empty_sets_follow_documented_conventions() -> None:
    empty = pairs()
    assert pairwise_metrics(empty, empty).f1 == 1.0
    nothing_predicted = pairwise_metrics(empty, pairs((1, 2)))
    assert (nothing_predicted.precision, nothing_predicted.recall, nothing_predicted.f1) == (
        1.0,
        0.0,
        0.0,
    )
    nothing_to_find = pairwise_metrics(pairs((1, 2)), empty)
    assert (nothing_to_find.precision, nothing_to_find.recall) == (0.0, 1.0)


def test_missing_columns_and_missing_ids_raise_schema_error() -> None:
    with pytest.raises(SchemaError, match="id_r"):
        pairwise_metrics(pd.DataFrame({"id_l": [1]}), pairs((1, 2)))
    with pytest.raises(SchemaError, match="missing"):
        pairwise_metrics(pairs(("a", None)), pairs(("a", "b")))


def test_cluster_metrics_counts_pairs_from_contingency() -> None:
    # clusters {0,1,2} {3,4} {5}; persons {0,1} {2,3,4} {5}
    clusters = pd.Series([10, 10, 10, 20, 20, 30], index=list("abcdef"))
    person = pd.Series(["p", "p", "q", "q", "q", "r"], index=list("abcdef"))
    # predicted pairs: ab ac bc de (4); true pairs: ab cd ce de (4); common: ab de
    assert cluster_metrics(clusters, person) == Metrics(tp=2, fp=2, fn=2)


def test_cluster_metrics_aligns_on_index_and_treats_missing_as_singletons() -> None:
    clusters = pd.Series([1.0, 1.0, np.nan, np.nan], index=[0, 1, 2, 3])
    person = pd.Series(["x", "y", "z", "z"], index=[3, 2, 1, 0])  # same labels, other order
    # predicted: (0,1); true: (0,1) [both "z"] -> perfect
    assert cluster_metrics(clusters, person) == Metrics(tp=1, fp=0, fn=0)
    with pytest.raises(SchemaError, match="same records"):
        cluster_metrics(clusters, person.iloc[:3])


def test_cluster_metrics_handles_one_huge_cluster_without_enumerating_pairs() -> None:
    n = 200_000
    m = cluster_metrics(pd.Series(np.zeros(n, dtype=np.int64)), pd.Series(np.arange(n) % 2))
    all_pairs = n * (n - 1) // 2
    same_person = 2 * ((n // 2) * (n // 2 - 1) // 2)
    assert m == Metrics(tp=same_person, fp=all_pairs - same_person, fn=0)


def test_blocking_metrics_dedup_and_link() -> None:
    candidates = pairs((0, 1), (1, 0), (0, 2), (2, 3))
    true = pairs((1, 0), (2, 4))
    dedup = blocking_metrics(candidates, true, n_left=5)
    assert (dedup.n_candidates, dedup.n_true, dedup.n_true_found, dedup.n_possible) == (3, 2, 1, 10)
    assert dedup.pairs_completeness == 0.5
    assert dedup.reduction_ratio == pytest.approx(0.7)
    link = blocking_metrics(candidates, true, n_left=3, n_right=5)
    assert (link.n_candidates, link.n_true_found, link.n_possible) == (4, 1, 15)


def test_hard_negative_merges_reports_every_kind() -> None:
    hard = pd.DataFrame(
        {
            "id_l": [1, 3, 5, 7],
            "id_r": [2, 4, 6, 8],
            "kind": ["twins", "twins", "family", "common_name"],
        }
    )
    predicted = pairs((2, 1), (4, 3), (8, 7), (9, 10))
    assert hard_negative_merges(predicted, hard) == {"common_name": 1, "family": 0, "twins": 2}
    with pytest.raises(SchemaError, match="kind"):
        hard_negative_merges(predicted, hard.drop(columns="kind"))


def test_pair_keys_link_mode_keeps_direction() -> None:
    forward, backward = pair_keys([pairs((1, 2)), pairs((2, 1))], link=True)
    assert forward.tolist() != backward.tolist()


# --- properties -----------------------------------------------------------------------------

ids = st.integers(min_value=0, max_value=12)
pair_lists = st.lists(st.tuples(ids, ids), max_size=40)


@given(predicted=pair_lists, true=pair_lists, link=st.booleans())
def test_scores_lie_in_unit_interval_and_counts_add_up(
    predicted: list[tuple[int, int]], true: list[tuple[int, int]], link: bool
) -> None:
    m = pairwise_metrics(pairs(*predicted), pairs(*true), link=link)
    for score in (m.precision, m.recall, m.f1):
        assert 0.0 <= score <= 1.0
    assert min(m.tp, m.fp, m.fn) >= 0
    n_true = len(set(true)) if link else len({frozenset(p) for p in true if p[0] != p[1]})
    assert m.tp + m.fn == n_true


@given(predicted=pair_lists, true=pair_lists)
def test_dedup_metrics_ignore_the_order_within_each_pair(
    predicted: list[tuple[int, int]], true: list[tuple[int, int]]
) -> None:
    flipped = [(b, a) for a, b in predicted]
    assert pairwise_metrics(pairs(*predicted), pairs(*true)) == pairwise_metrics(
        pairs(*flipped), pairs(*true)
    )


@given(true=pair_lists, link=st.booleans())
def test_perfect_prediction_scores_one(true: list[tuple[int, int]], link: bool) -> None:
    m = pairwise_metrics(pairs(*reversed(true)), pairs(*true), link=link)
    assert (m.precision, m.recall, m.f1, m.fp, m.fn) == (1.0, 1.0, 1.0, 0, 0)


@given(predicted=pair_lists, true=pair_lists)
def test_pairwise_matches_a_set_based_reference(
    predicted: list[tuple[int, int]], true: list[tuple[int, int]]
) -> None:
    p = {frozenset(x) for x in predicted if x[0] != x[1]}
    t = {frozenset(x) for x in true if x[0] != x[1]}
    expected = Metrics(tp=len(p & t), fp=len(p - t), fn=len(t - p))
    assert pairwise_metrics(pairs(*predicted), pairs(*true)) == expected


@settings(max_examples=60)
@given(
    clusters=st.lists(st.integers(0, 5), min_size=1, max_size=30),
    data=st.data(),
)
def test_cluster_metrics_equal_pairwise_metrics_on_enumerated_pairs(
    clusters: list[int], data: st.DataObject
) -> None:
    person = data.draw(st.lists(st.integers(0, 5), min_size=len(clusters), max_size=len(clusters)))

    def within(labels: list[int]) -> pd.DataFrame:
        items = [(i, j) for i, j in itertools.combinations(range(len(labels)), 2)]
        same = [(i, j) for i, j in items if labels[i] == labels[j]]
        return pairs(*same)

    expected = pairwise_metrics(within(clusters), within(person))
    assert cluster_metrics(pd.Series(clusters), pd.Series(person)) == expected


@given(candidates=pair_lists, true=pair_lists, n=st.integers(13, 40))
def test_blocking_ratios_lie_in_unit_interval(
    candidates: list[tuple[int, int]], true: list[tuple[int, int]], n: int
) -> None:
    b = blocking_metrics(pairs(*candidates), pairs(*true), n_left=n)
    assert 0.0 <= b.pairs_completeness <= 1.0
    assert 0.0 <= b.reduction_ratio <= 1.0
