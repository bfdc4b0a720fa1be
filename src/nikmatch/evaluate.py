"""Accuracy of a matcher against ground truth: pairwise, cluster, blocking and hard negatives.

Every function works for both jobs of nikmatch:

* **dedup** (``link=False``, the default): both ids come from one table, a pair is unordered
  (``(a, b)`` and ``(b, a)`` are the same pair) and self pairs ``(a, a)`` are ignored;
* **link** (``link=True``): ``id_l`` comes from the list and ``id_r`` from the register, so a pair
  is ordered and ``id_l == id_r`` is a real pair (the two tables have their own id spaces).

Pairs are given as DataFrames with the columns ``id_l`` and ``id_r`` (other columns are
ignored; duplicate rows count once).  Ids may be any hashable labels (ints, strings).  All work
is vectorised: ids are factorised once, each pair becomes one ``int64`` key, and sets of keys
are compared with sorted-array operations, so ten million pairs take about a second.

>>> import pandas as pd
>>> true = pd.DataFrame({"id_l": [1, 3], "id_r": [2, 4]})
>>> predicted = pd.DataFrame({"id_l": [2, 5], "id_r": [1, 6]})
>>> m = pairwise_metrics(predicted, true)
>>> (m.tp, m.fp, m.fn, m.precision, m.recall)
(1, 1, 1, 0.5, 0.5)

Conventions for empty sets (so every score lies in ``[0, 1]`` and a perfect prediction scores 1):
precision is 1.0 when nothing is predicted, recall is 1.0 when there is nothing to find, and F1
is ``2·tp / (2·tp + fp + fn)``, which is 1.0 when both sets are empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.errors import SchemaError

__all__ = [
    "BlockingMetrics",
    "Metrics",
    "blocking_metrics",
    "cluster_metrics",
    "hard_negative_merges",
    "pair_keys",
    "pairwise_metrics",
]

Int64Array = npt.NDArray[np.int64]
_ID_COLUMNS = ("id_l", "id_r")


@dataclass(frozen=True)
class Metrics:
    """Counts of a prediction against the truth, with precision, recall and F1 derived from them.

    >>> m = Metrics(tp=8, fp=2, fn=8)
    >>> (m.precision, m.recall, round(m.f1, 4))
    (0.8, 0.5, 0.6154)
    >>> Metrics(tp=0, fp=0, fn=0).f1
    1.0
    """

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are true (1.0 when nothing was predicted)."""
        predicted = self.tp + self.fp
        return 1.0 if predicted == 0 else self.tp / predicted

    @property
    def recall(self) -> float:
        """Share of true pairs that were predicted (1.0 when there was nothing to find)."""
        actual = self.tp + self.fn
        return 1.0 if actual == 0 else self.tp / actual

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, ``2·tp / (2·tp + fp + fn)``."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 1.0 if denominator == 0 else 2 * self.tp / denominator

    def as_dict(self) -> dict[str, float]:
        """The counts and the three scores as one flat dict (for tables and JSON).

        >>> Metrics(tp=1, fp=0, fn=1).as_dict()
        {'tp': 1, 'fp': 0, 'fn': 1, 'precision': 1.0, 'recall': 0.5, 'f1': 0.6666666666666666}
        """
        out: dict[str, float] = dict(asdict(self))
        out.update(precision=self.precision, recall=self.recall, f1=self.f1)
        return out


@dataclass(frozen=True)
class BlockingMetrics:
    """How well a set of candidate pairs keeps the true pairs while discarding the rest.

    ``pairs_completeness`` is the share of true pairs among the candidates (the recall ceiling
    of everything that follows blocking); ``reduction_ratio`` is ``1 - candidates / all
    possible pairs``.

    >>> b = BlockingMetrics(n_candidates=10, n_true=4, n_true_found=3, n_possible=100)
    >>> (b.pairs_completeness, b.reduction_ratio)
    (0.75, 0.9)
    """

    n_candidates: int
    n_true: int
    n_true_found: int
    n_possible: int

    @property
    def pairs_completeness(self) -> float:
        """Share of true pairs that survive blocking (1.0 when there are no true pairs)."""
        return 1.0 if self.n_true == 0 else self.n_true_found / self.n_true

    @property
    def reduction_ratio(self) -> float:
        """``1 - n_candidates / n_possible`` (0.0 when no pair is possible)."""
        return 0.0 if self.n_possible == 0 else 1.0 - self.n_candidates / self.n_possible

    def as_dict(self) -> dict[str, float]:
        """The counts and both ratios as one flat dict.

        >>> BlockingMetrics(2, 1, 1, 4).as_dict()["reduction_ratio"]
        0.5
        """
        out: dict[str, float] = dict(asdict(self))
        out.update(pairs_completeness=self.pairs_completeness, reduction_ratio=self.reduction_ratio)
        return out


def _id_columns(frame: pd.DataFrame, what: str) -> tuple[pd.Series, pd.Series]:
    missing = [c for c in _ID_COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{what}: missing column(s) {missing}; expected a DataFrame with 'id_l' and 'id_r', "
            f"got columns {list(map(str, frame.columns))[:10]}"
        )
    return frame["id_l"], frame["id_r"]


def _factorize(values: Sequence[pd.Series]) -> tuple[list[Int64Array], int]:
    """Codes of several Series in one shared id space, and the size of that space.

    Integer ids in a moderate range are used as they are (shifted to start at 0), which skips
    hashing; any other labels are factorised together.
    """
    if not values:
        return [], 0
    sizes = [len(v) for v in values]
    if all(pd.api.types.is_integer_dtype(v.dtype) for v in values):
        arrays = [v.to_numpy(dtype=np.int64) for v in values]
        non_empty = [a for a in arrays if a.size]
        if not non_empty:
            return arrays, 0
        low = min(int(a.min()) for a in non_empty)
        high = max(int(a.max()) for a in non_empty)
        if high - low < 2**31:
            return [a - low for a in arrays], high - low + 1
    parts = [v.reset_index(drop=True) for v in values if len(v)]
    combined = pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)
    if combined.isna().any():
        raise SchemaError("pair ids must not be missing (found NaN/None in id_l or id_r)")
    codes, uniques = pd.factorize(combined, sort=False)
    codes64 = codes.astype(np.int64, copy=False)
    bounds = np.cumsum([0, *sizes])
    return [codes64[bounds[i] : bounds[i + 1]] for i in range(len(sizes))], len(uniques)


def _sorted_unique(keys: Int64Array) -> Int64Array:
    """``np.unique`` by sort + adjacent compare (several times faster on large int arrays)."""
    ordered = np.sort(keys)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _count_common(a: Int64Array, b: Int64Array) -> int:
    """Number of keys present in both sorted unique arrays."""
    if a.size == 0 or b.size == 0:
        return 0
    position = np.searchsorted(a, b).clip(max=a.size - 1)
    return int(np.count_nonzero(a[position] == b))


def pair_keys(frames: Sequence[pd.DataFrame], *, link: bool = False) -> list[Int64Array]:
    """Encode the pairs of several frames as sorted unique ``int64`` keys in one shared space.

    Keys of different frames are comparable, so set operations on pairs become
    sorted-array lookups on integers.  In dedup mode a pair is unordered and self
    pairs are dropped; in link mode ``id_l`` and ``id_r`` have separate id spaces.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"id_l": ["x", "y", "x"], "id_r": ["y", "x", "x"]})
    >>> b = pd.DataFrame({"id_l": ["y"], "id_r": ["x"]})
    >>> ka, kb = pair_keys([a, b])
    >>> (len(ka), bool((ka == kb).all()))
    (1, True)
    >>> [len(k) for k in pair_keys([a, b], link=True)]
    [3, 1]
    """
    columns = [_id_columns(f, f"frame {i}") for i, f in enumerate(frames)]
    if link:
        left_codes, _ = _factorize([c[0] for c in columns])
        right_codes, n_right = _factorize([c[1] for c in columns])
        width = max(n_right, 1)
        return [
            _sorted_unique(lc * width + rc) for lc, rc in zip(left_codes, right_codes, strict=True)
        ]
    flat = [s for c in columns for s in c]
    codes, n_ids = _factorize(flat)
    width = max(n_ids, 1)
    keys: list[Int64Array] = []
    for i in range(len(frames)):
        left, right = codes[2 * i], codes[2 * i + 1]
        low, high = np.minimum(left, right), np.maximum(left, right)
        keep = low != high
        keys.append(_sorted_unique(low[keep] * width + high[keep]))
    return keys


def pairwise_metrics(predicted: pd.DataFrame, true: pd.DataFrame, *, link: bool = False) -> Metrics:
    """Pairwise true/false positives and negatives of ``predicted`` against ``true`` pairs.

    In dedup mode (default) a pair is unordered: ``(1, 2)`` predicted matches ``(2, 1)`` true.

    >>> import pandas as pd
    >>> true = pd.DataFrame({"id_l": ["a", "c"], "id_r": ["b", "d"]})
    >>> pairwise_metrics(pd.DataFrame({"id_l": ["b"], "id_r": ["a"]}), true)
    Metrics(tp=1, fp=0, fn=1)
    >>> pairwise_metrics(pd.DataFrame({"id_l": ["b"], "id_r": ["a"]}), true, link=True)
    Metrics(tp=0, fp=1, fn=2)
    """
    predicted_keys, true_keys = pair_keys([predicted, true], link=link)
    tp = _count_common(predicted_keys, true_keys)
    return Metrics(tp=tp, fp=int(predicted_keys.size) - tp, fn=int(true_keys.size) - tp)


def _codes_with_singletons(labels: pd.Series) -> Int64Array:
    """Factorise labels; each missing label becomes its own singleton group."""
    codes = pd.factorize(labels, sort=False)[0].astype(np.int64, copy=False)
    missing = codes < 0
    if missing.any():
        start = int(codes.max(initial=-1)) + 1
        codes = codes.copy()
        codes[missing] = start + np.arange(int(missing.sum()), dtype=np.int64)
    return codes


def _pairs_within(counts: Int64Array) -> int:
    return int((counts * (counts - 1) // 2).sum())


def cluster_metrics(clusters: pd.Series, person_id: pd.Series) -> Metrics:
    """Pairwise metrics of a clustering against the true person of each record.

    Counts pairs from the contingency table (records per cluster × person), so a cluster of a
    million records costs no more than a small one.  Both Series are aligned on their index; a
    missing cluster id or person id makes that record a singleton.

    >>> import pandas as pd
    >>> clusters = pd.Series([1, 1, 1, 2, 3])
    >>> person = pd.Series(["p", "p", "q", "q", "r"])
    >>> cluster_metrics(clusters, person)   # cluster 1 has pairs (0,1) ok, (0,2), (1,2) wrong
    Metrics(tp=1, fp=2, fn=1)
    """
    if not clusters.index.equals(person_id.index):
        same_records = (
            len(clusters) == len(person_id)
            and clusters.index.is_unique
            and clusters.index.sort_values().equals(person_id.index.sort_values())
        )
        if not same_records:
            raise SchemaError(
                "cluster_metrics: clusters and person_id must describe the same records "
                f"(same index labels); got {len(clusters)} and {len(person_id)} rows"
            )
        person_id = person_id.reindex(clusters.index)
    cluster_codes = _codes_with_singletons(clusters)
    person_codes = _codes_with_singletons(person_id)
    n_persons = int(person_codes.max(initial=-1)) + 1
    cell_keys = np.sort(cluster_codes * max(n_persons, 1) + person_codes)
    starts = np.flatnonzero(np.r_[True, cell_keys[1:] != cell_keys[:-1]])
    cells = np.diff(np.r_[starts, cell_keys.size])
    predicted = _pairs_within(np.bincount(cluster_codes).astype(np.int64))
    actual = _pairs_within(np.bincount(person_codes).astype(np.int64))
    tp = _pairs_within(cells.astype(np.int64))
    return Metrics(tp=tp, fp=predicted - tp, fn=actual - tp)


def blocking_metrics(
    candidate_pairs: pd.DataFrame,
    true_pairs: pd.DataFrame,
    n_left: int,
    n_right: int | None = None,
) -> BlockingMetrics:
    """Pairs completeness and reduction ratio of candidate pairs (blocking output).

    Give ``n_left`` alone for dedup (``n·(n-1)/2`` possible pairs, unordered) and both sizes
    for link (``n_left·n_right`` possible pairs, ordered: list id, register id).

    >>> import pandas as pd
    >>> cands = pd.DataFrame({"id_l": [0, 0, 2], "id_r": [1, 2, 3]})
    >>> true = pd.DataFrame({"id_l": [1, 2], "id_r": [0, 4]})
    >>> b = blocking_metrics(cands, true, n_left=5)
    >>> (b.n_candidates, b.pairs_completeness, b.reduction_ratio)
    (3, 0.5, 0.7)
    >>> blocking_metrics(cands, true, n_left=3, n_right=5).n_possible
    15
    """
    link = n_right is not None
    candidate_keys, true_keys = pair_keys([candidate_pairs, true_pairs], link=link)
    found = _count_common(candidate_keys, true_keys)
    possible = n_left * n_right if n_right is not None else n_left * (n_left - 1) // 2
    return BlockingMetrics(
        n_candidates=int(candidate_keys.size),
        n_true=int(true_keys.size),
        n_true_found=found,
        n_possible=int(possible),
    )


def hard_negative_merges(
    predicted: pd.DataFrame,
    hard_negative_pairs: pd.DataFrame,
    *,
    link: bool = False,
    kind_column: str = "kind",
) -> dict[str, int]:
    """Count predicted pairs that are known *different* people, per kind of hard negative.

    ``hard_negative_pairs`` has ``id_l``, ``id_r`` and a ``kind`` column (e.g. ``twins``,
    ``family``, ``common_name``).  Every kind present is reported, with 0 when never merged.

    >>> import pandas as pd
    >>> hard = pd.DataFrame({"id_l": [1, 3, 5], "id_r": [2, 4, 6],
    ...                      "kind": ["twins", "twins", "family"]})
    >>> predicted = pd.DataFrame({"id_l": [2, 7], "id_r": [1, 8]})
    >>> hard_negative_merges(predicted, hard)
    {'family': 0, 'twins': 1}
    """
    if kind_column not in hard_negative_pairs.columns:
        raise SchemaError(f"hard_negative_pairs: missing the {kind_column!r} column")
    kinds = hard_negative_pairs[kind_column].astype(str)
    out: dict[str, int] = {}
    for kind in sorted(kinds.unique()):  # loop over a handful of kinds, never over pairs
        subset = hard_negative_pairs.loc[(kinds == kind).to_numpy(), list(_ID_COLUMNS)]
        predicted_keys, hard_keys = pair_keys([predicted, subset], link=link)
        out[str(kind)] = _count_common(predicted_keys, hard_keys)
    return out
