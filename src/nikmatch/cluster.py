"""Clusters of records that are one person, with a guard against chains of weak links.

Clusters are connected components of the match graph (scipy's compiled
``connected_components``).  A chain ``A~B~C`` can join two records ``A`` and ``C`` that the
model, asked directly, says are different people (twins linked through a shared misspelled
record, say).  :func:`cluster_pairs` therefore re-scores every pair inside each component of
three or more records (one vectorised call) and rebuilds the components where some pair is held
apart (direct weight below ``min_internal_weight``) or that are too large, from their strongest
matches down, joining two groups only while no pair inside is held apart and no cluster exceeds
``max_cluster_size``.  Only those (rare) components are visited in Python.  A record matching two
records held apart about equally well joins neither; :func:`cluster_matches` also says which
matches were such ambiguous ones.

>>> import numpy as np
>>> left, right = np.array([0, 1, 3]), np.array([1, 2, 4])
>>> w = np.array([20.0, 20.0, 20.0])
>>> cluster_pairs(6, left, right, w).tolist()
[0, 0, 0, 1, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["Clustering", "PairScorer", "cluster_matches", "cluster_pairs"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
#: A function giving the direct match weight of record pairs (positions).
PairScorer = Callable[[I64, I64], F64]


def _components(n: int, left: I64, right: I64) -> I64:
    if n == 0:
        return np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    out: I64 = np.asarray(labels, dtype=np.int64)
    return out


def _dense_by_first(labels: I64) -> I64:
    """Relabel so cluster ids are 0.. in order of each cluster's first record."""
    dense, _ = pd.factorize(labels)  # codes in order of first appearance
    out: I64 = dense.astype(np.int64)
    return out


#: Two records whose direct match weight is below this many bits are *held apart*: the model
#: finds them at least twice as likely two people as one (twins on one KK weigh -2 to -10
#: bits).  Measured on two generated registers (100,000 and 50,000 records) against -3 and 0:
#: -1 kept 4 and 8 false pairs out of clusters for 2 and 9 true ones.
HELD_APART_BITS = -1.0

#: Components larger than this are cut by size only (their direct pairs are not all scored).
_MAX_CHECKED_SIZE = 200


@dataclass(frozen=True)
class Clustering:
    """What :func:`cluster_matches` found: ``labels``, the cluster id per record (0..k-1, in
    order of each cluster's first record), and ``ambiguous``, per matched pair given: whether
    one of its records matches, about as strongly (within :data:`AMBIGUITY_BITS`), a record the
    model holds apart from the pair's other record (twins, say).  Such a pair joins no cluster
    and is not a match to act on: which of the two people the record is, a person decides.
    ``kept_apart``, per matched pair: not ambiguous, yet its two records ended in two clusters,
    since joining them would have put two records the model holds apart in one person (the
    record matches one twin more strongly than the other); not a match to act on either.
    """

    labels: I64
    ambiguous: npt.NDArray[np.bool_]
    kept_apart: npt.NDArray[np.bool_] | None = None


def cluster_pairs(
    n: int,
    left: I64,
    right: I64,
    weights: F64,
    *,
    scorer: PairScorer | None = None,
    min_internal_weight: float = HELD_APART_BITS,
    max_cluster_size: int = 20,
) -> I64:
    """Cluster id per record (0..k-1, in order of first record) from matched pairs.

    ``left``/``right``/``weights`` are the *matched* pairs.  ``scorer`` gives direct weights of
    arbitrary pairs; when given, components of 3+ records are checked and split as described in
    the module docstring.  (:func:`cluster_matches` also says which pairs were ambiguous.)

    >>> import numpy as np
    >>> # 0~1 and 1~2 match, but 0 and 2 are directly very different: the chain is cut
    >>> scorer = lambda l, r: np.where((l == 0) & (r == 2), -30.0, 20.0)
    >>> left, right, weight = np.array([0, 1]), np.array([1, 2]), np.array([25.0, 15.0])
    >>> cluster_pairs(3, left, right, weight, scorer=scorer).tolist()
    [0, 0, 1]
    """
    return cluster_matches(
        n,
        left,
        right,
        weights,
        scorer=scorer,
        min_internal_weight=min_internal_weight,
        max_cluster_size=max_cluster_size,
    ).labels


def cluster_matches(
    n: int,
    left: I64,
    right: I64,
    weights: F64,
    *,
    scorer: PairScorer | None = None,
    min_internal_weight: float = HELD_APART_BITS,
    max_cluster_size: int = 20,
    parts: F64 | None = None,
) -> Clustering:
    """Clusters of the matched pairs, and which pairs were too ambiguous to join (see
    :class:`Clustering`); arguments as for :func:`cluster_pairs`.

    ``parts`` (optional, one row per matched pair): each comparison's contribution to the
    pair's weight, ``NaN`` where a value is missing.  With it, a record's two matches are
    compared on the fields present in both (a parent's name missing on one twin's record does
    not decide which twin a record is); without it, on their whole weights.

    >>> import numpy as np
    >>> # record 0 matches 1 and 2 equally well, and 1 and 2 are two people (twins)
    >>> scorer = lambda l, r: np.where((l == 1) & (r == 2), -30.0, 20.0)
    >>> found = cluster_matches(
    ...     3, np.array([0, 0]), np.array([1, 2]), np.array([20.0, 20.0]), scorer=scorer
    ... )
    >>> found.labels.tolist(), found.ambiguous.tolist()
    ([0, 1, 2], [True, True])
    >>> # ... more strongly to 1: it joins 1, and its match to 2 is kept apart
    >>> found = cluster_matches(
    ...     3, np.array([0, 0]), np.array([1, 2]), np.array([30.0, 20.0]), scorer=scorer
    ... )
    >>> found.labels.tolist(), found.ambiguous.tolist(), found.kept_apart.tolist()
    ([0, 0, 1], [False, False], [False, True])
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    labels = _components(n, left, right)
    ambiguous = np.zeros(len(left), dtype=bool)
    kept_apart = np.zeros(len(left), dtype=bool)
    if n == 0:
        return Clustering(labels, ambiguous, kept_apart)
    sizes = np.bincount(labels)
    suspicious = (
        np.flatnonzero(sizes >= 3)
        if scorer is not None
        else np.flatnonzero(sizes > max_cluster_size)
    )
    if len(suspicious):
        next_label = int(labels.max()) + 1
        # members and edges of every component at once (no per-component scan of all records)
        by_label = np.argsort(labels, kind="stable")
        starts = np.searchsorted(labels[by_label], suspicious, side="left")
        edge_comp = labels[left]
        edge_order = np.argsort(edge_comp, kind="stable")
        e_starts = np.searchsorted(edge_comp[edge_order], suspicious, side="left")
        e_ends = np.searchsorted(edge_comp[edge_order], suspicious, side="right")
        groups = [by_label[st : st + sizes[c]] for st, c in zip(starts, suspicious, strict=True)]
        direct: list[F64 | None] = [None] * len(groups)
        # a component with no pair held apart and not too large stays as it is
        visit = np.array([len(g) > max_cluster_size for g in groups], dtype=bool)
        if scorer is not None:
            # one scorer call for the direct weights of all pairs inside all checked components
            checked = [i for i, g in enumerate(groups) if len(g) <= _MAX_CHECKED_SIZE]
            if checked:
                tri_of = {k: np.triu_indices(k, 1) for k in {len(groups[i]) for i in checked}}
                tri = [tri_of[len(groups[i])] for i in checked]
                all_l = np.concatenate(
                    [groups[i][iu] for i, (iu, _) in zip(checked, tri, strict=True)]
                )
                all_r = np.concatenate(
                    [groups[i][ju] for i, (_, ju) in zip(checked, tri, strict=True)]
                )
                scores = np.asarray(scorer(all_l, all_r), dtype=np.float64)
                counts = np.array([len(iu) for iu, _ in tri], dtype=np.int64)
                offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
                held_apart = np.minimum.reduceat(scores, offsets) < min_internal_weight
                visit[np.asarray(checked)[held_apart]] = True
                for i, start, count in zip(checked, offsets.tolist(), counts.tolist(), strict=True):
                    direct[i] = scores[start : start + count]
        for g in np.flatnonzero(visit).tolist():
            members = groups[g]
            in_comp = edge_order[e_starts[g] : e_ends[g]]
            new_labels, unsure, apart = _split_component(
                members,
                left[in_comp],
                right[in_comp],
                weights[in_comp],
                direct[g],
                min_internal_weight,
                max_cluster_size,
                None if parts is None else parts[in_comp],
            )
            ambiguous[in_comp] = unsure
            kept_apart[in_comp] = apart
            # new_labels: 0..k-1 per member; keep 0 as the old label
            for k in range(1, int(new_labels.max()) + 1):
                labels[members[new_labels == k]] = next_label
                next_label += 1
    return Clustering(_dense_by_first(labels), ambiguous, kept_apart)


def _split_component(
    members: I64,
    left: I64,
    right: I64,
    weights: F64,
    direct: F64 | None,
    min_internal_weight: float,
    max_cluster_size: int,
    parts: F64 | None = None,
) -> tuple[I64, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Rebuild the component from its strongest matches down (Kruskal's order), joining two
    groups only when no two of their members have a very negative direct weight (the ``triu``
    order of ``direct``) and the joined group is not too large.

    Cutting the weakest edges instead (until the constraints hold) also cuts every edge weaker
    than the last one it needs: a record matching two twins equally well took one twin's
    other, strong, links with it.  Joining from the strongest keeps each of those links unless
    it would join two people the model holds apart.  A record that matches two such people
    about equally well (within :data:`AMBIGUITY_BITS`) joins neither: which of the two it is
    is for a person to decide, not for the order of two equal weights.

    Returns the new labels (0..k-1 per member) and, per edge, whether it was ambiguous and
    whether it was left out as it would have joined two people held apart (groups only grow,
    so such an edge stays between two clusters).
    """
    k = len(members)
    order_m = np.argsort(members)
    el = order_m[np.searchsorted(members[order_m], left)]
    er = order_m[np.searchsorted(members[order_m], right)]
    bad = np.zeros((k, k), dtype=bool)
    if direct is not None:
        iu, ju = np.triu_indices(k, 1)
        neg = direct < min_internal_weight
        bad[iu[neg], ju[neg]] = True
        bad |= bad.T
    has_bad = bool(bad.any())
    ambiguous = (
        _ambiguous_edges(el, er, weights, bad, parts) if has_bad else np.zeros(len(el), bool)
    )
    apart = np.zeros(len(el), dtype=bool)
    group = list(range(k))  # each member's group
    held: dict[int, list[int]] = {i: [i] for i in range(k)}  # each group's members
    for e in np.argsort(-weights, kind="stable").tolist():  # strongest first
        if ambiguous[e]:
            continue
        a, b = group[int(el[e])], group[int(er[e])]
        if a == b:
            continue
        in_a, in_b = held[a], held[b]
        if len(in_a) + len(in_b) > max_cluster_size:
            continue
        if has_bad and bad[np.ix_(in_a, in_b)].any():
            apart[e] = True
            continue  # would put two records the model holds apart in one person
        if len(in_a) < len(in_b):  # the smaller group joins the larger one
            a, b, in_a, in_b = b, a, in_b, in_a
        for x in in_b:
            group[x] = a
        in_a.extend(in_b)
        del held[b]
    dense, _ = pd.factorize(np.asarray(group, dtype=np.int64))
    out: I64 = dense.astype(np.int64)
    return out, ambiguous, apart


#: A record whose matches to two people the model holds apart are within this many bits of
#: each other is left to itself (see :func:`_split_component`).
AMBIGUITY_BITS = 1.0


def _ambiguous_edges(
    el: I64, er: I64, weights: F64, bad: npt.NDArray[np.bool_], parts: F64 | None = None
) -> npt.NDArray[np.bool_]:
    """Per edge: whether its record has another match, about as strong, to a record that the
    model holds apart from this edge's other record.  With ``parts`` (per edge and comparison,
    ``NaN`` where missing) two matches are compared on the comparisons present in both.

    >>> bad = np.zeros((3, 3), bool); bad[1, 2] = bad[2, 1] = True
    >>> _ambiguous_edges(np.array([0, 0]), np.array([1, 2]), np.array([14.0, 14.5]), bad).tolist()
    [True, True]
    >>> _ambiguous_edges(np.array([0, 0]), np.array([1, 2]), np.array([14.0, 20.0]), bad).tolist()
    [False, False]
    >>> # 6 bits apart only through a field missing on one side: compared on the others, a tie
    >>> parts = np.array([[8.0, 6.0], [8.0, np.nan]])
    >>> _ambiguous_edges(np.array([0, 0]), np.array([1, 2]), np.array([14.0, 8.0]), bad,
    ...                  parts).tolist()
    [True, True]
    """
    out = np.zeros(len(el), dtype=bool)
    ends = np.concatenate([el, er])
    others = np.concatenate([er, el])
    edge = np.concatenate([np.arange(len(el)), np.arange(len(el))])
    w = np.concatenate([weights, weights])
    order = np.argsort(ends, kind="stable")
    starts = np.flatnonzero(np.r_[True, ends[order][1:] != ends[order][:-1]])
    for lo, hi in zip(starts.tolist(), [*starts[1:].tolist(), len(order)], strict=True):
        if hi - lo < 2:
            continue
        mine = order[lo:hi]  # the edges of one record
        partner = others[mine]
        if parts is None:
            strength = w[mine]
            gap = np.abs(strength[:, None] - strength[None, :])
        else:
            mine_parts = parts[edge[mine]]
            both = ~np.isnan(mine_parts)[:, None, :] & ~np.isnan(mine_parts)[None, :, :]
            delta = np.nan_to_num(mine_parts[:, None, :] - mine_parts[None, :, :])
            gap = np.abs(np.where(both, delta, 0.0).sum(axis=2))
        clash = bad[np.ix_(partner, partner)] & (gap <= AMBIGUITY_BITS)
        out[edge[mine[clash.any(axis=1)]]] = True
    return out
