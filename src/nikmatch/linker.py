"""The two jobs: deduplicate a register (:func:`find_duplicates`) and link a list to a register
(:func:`link`), with their results.

Both run the same pipeline (DESIGN §4): prepare → block → compare → train (EM) → score →
cluster.  Every stage is a function over arrays (see :mod:`nikmatch.prepare`,
:mod:`nikmatch.blocking`, :mod:`nikmatch.comparisons`, :mod:`nikmatch.model`,
:mod:`nikmatch.cluster`), so the same functions can run per partition on Spark.  Pairs are
scored in chunks, and only pairs with some evidence of a match are kept, so memory is bounded by
the chunk size, not by the number of candidate pairs.

The library *proposes*: results carry reasons and a recommended surviving NIK per cluster, for a
person to confirm in the field.  Nothing is deleted or changed in the input.

>>> import nikmatch as nm
>>> from nikmatch.synth import small_population
>>> register, truth = small_population(seed=1)
>>> result = nm.find_duplicates(register)
>>> set(result.pairs.columns) >= {"id_l", "id_r", "match_weight", "match_probability"}
True
>>> len(result.clusters) == len(register)
True
"""

from __future__ import annotations

import datetime as dt
import math
import time
import warnings
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.blocking import (
    BlockingRule,
    GivenPairs,
    blocking_diagnostics,
    iter_block_pairs,
)
from nikmatch.comparisons import Comparison, default_comparisons
from nikmatch.errors import ModelError, SchemaError
from nikmatch.explain import Explanation, explain_pair
from nikmatch.model import Model, remove_matches_from_u, train
from nikmatch.prepare import Prepared, link_prepared, prepare, prepare_link
from nikmatch.privacy import mask_text
from nikmatch.schema import ColumnMapping
from nikmatch.stages import (
    AMBIGUOUS_NOTE,
    DEFAULT_THRESHOLD,
    FALLBACK_MAX_PAIRS,
    FALLBACK_PAIRS_PER_RECORD,
    HOUSEHOLD_BLOCK,
    KEEP_PROBABILITY,
    KEPT_APART,
    KEPT_APART_NOTE,
    POSSIBLE_SIBLINGS,
    SOUND_ALIKE_NOTE,
    STRATUM_KEEP_BITS,
    WORD_BLOCK,
    ClusterOutcome,
    JobPriors,
    ScoredChunk,
    Stopwatch,
    _note_kept_apart,
    _sound_alike,
    cluster_stage,
    default_blocking_rules,
    final_weights,
    job_priors,
    score_chunk,
    score_positions,
    sound_alike,
)
from nikmatch.strata import stratum_pair_totals

__all__ = [
    "AMBIGUOUS_NOTE",
    "DEFAULT_THRESHOLD",
    "FALLBACK_MAX_PAIRS",
    "FALLBACK_PAIRS_PER_RECORD",
    "HOUSEHOLD_BLOCK",
    "KEEP_PROBABILITY",
    "KEPT_APART",
    "KEPT_APART_NOTE",
    "POSSIBLE_SIBLINGS",
    "SOUND_ALIKE_NOTE",
    "STRATUM_KEEP_BITS",
    "WORD_BLOCK",
    "DedupeResult",
    "LinkResult",
    "default_blocking_rules",
    "find_duplicates",
    "link",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Threads scoring candidate chunks (results are combined in chunk order: deterministic).
SCORING_THREADS = 2

#: the names tests and notebooks imported from here before the stages moved out
_PRIVATE_NAMES = (_note_kept_apart, _sound_alike, ClusterOutcome)


@dataclass
class _Scored:
    left: I64
    right: I64
    bayes_weight: F64  # evidence in bits, without the prior (global or the stratum's)
    levels: npt.NDArray[np.int8]
    rule: npt.NDArray[np.int16]
    n_candidates: int
    per_rule: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    #: per pair: 1-based index of the model's stratum it is weighed in, 0 for none
    stratum: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    #: candidate pairs (kept or not) in no stratum and in each stratum
    stratum_candidates: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))


#: One scored chunk: rule index, candidates in it, and the kept pairs' positions, evidence,
#: levels and strata.
_Chunk = tuple[
    int, int, I64, I64, F64, npt.NDArray[np.int8], npt.NDArray[np.int8], npt.NDArray[np.int64]
]


def _score_candidates(
    model: Model,
    prepared: Prepared,
    rules: Sequence[BlockingRule],
    *,
    keep_bayes_weight: float,
    tf_source: int | None,
    chunk_pairs: int,
    keys: dict[str, I64] | None = None,
    blocks_cache: dict[str, object] | None = None,
) -> _Scored:
    keys = prepared.keys() if keys is None else keys
    lefts, rights, ws, lvls, rule_ids, strata = [], [], [], [], [], []
    n_candidates = 0
    per_rule = np.zeros(len(rules), dtype=np.int64)
    n_strata = len(model.strata)
    in_strata = np.zeros(n_strata + 1, dtype=np.int64)

    def score(chunk: tuple[int, I64, I64]) -> _Chunk:
        rule_idx, left, right = chunk
        scored: ScoredChunk = score_chunk(
            model, prepared, left, right, keep_bayes_weight=keep_bayes_weight,
            tf_source=tf_source,
        )
        return (
            rule_idx,
            len(left),
            scored.left,
            scored.right,
            scored.bayes_weight,
            scored.levels,
            scored.stratum,
            scored.stratum_candidates,
        )

    chunks = iter_block_pairs(
        rules,
        keys,
        prepared.n,
        source=prepared.source,
        chunk_pairs=chunk_pairs,
        blocks_cache=blocks_cache,
    )
    first = next(chunks, None)
    results: Iterable[_Chunk] = []
    if first is not None:
        # the first chunk alone builds the shared caches (name indexes, term frequencies);
        # the rest are scored two at a time: numpy and rapidfuzz release the GIL
        done = [score(first)]
        with ThreadPoolExecutor(max_workers=SCORING_THREADS) as pool:
            in_flight: deque[Future[_Chunk]] = deque()
            for chunk in chunks:  # at most SCORING_THREADS + 1 chunks in memory at once
                in_flight.append(pool.submit(score, chunk))
                if len(in_flight) > SCORING_THREADS:
                    done.append(in_flight.popleft().result())
            done.extend(f.result() for f in in_flight)
        results = done
    for rule_idx, n_chunk, kl, kr, kw, klv, kst, counted in results:
        n_candidates += n_chunk
        in_strata += counted
        per_rule[rule_idx] += n_chunk
        lefts.append(kl)
        rights.append(kr)
        ws.append(kw)
        lvls.append(klv)
        strata.append(kst)
        rule_ids.append(np.full(len(kl), rule_idx, dtype=np.int16))
    if not lefts:
        empty = np.zeros(0, np.int64)
        return _Scored(
            empty,
            empty,
            np.zeros(0),
            np.zeros((0, len(model.comparisons)), np.int8),
            np.zeros(0, np.int16),
            0,
            per_rule,
            np.zeros(0, np.int8),
            in_strata,
        )
    return _Scored(
        np.concatenate(lefts),
        np.concatenate(rights),
        np.concatenate(ws),
        np.concatenate(lvls),
        np.concatenate(rule_ids),
        n_candidates,
        per_rule,
        np.concatenate(strata),
        in_strata,
    )


def _pairs_frame(
    prepared: Prepared,
    model: Model,
    scored: _Scored,
    rules: Sequence[BlockingRule],
    keep_probability: float,
) -> pd.DataFrame:
    weight, prob = final_weights(scored.bayes_weight, scored.stratum, model)
    keep = prob >= keep_probability
    order = np.lexsort((scored.right[keep], scored.left[keep], -weight[keep]))
    left = scored.left[keep][order]
    right = scored.right[keep][order]
    data: dict[str, Any] = {
        "id_l": prepared.labels(left),
        "id_r": prepared.labels(right),
        "match_weight": weight[keep][order],
        "match_probability": prob[keep][order],
    }
    for j, name in enumerate(model.names):
        data[f"gamma_{name}"] = scored.levels[keep][order, j]
    rule_names = np.array([r.name for r in rules], dtype=object)
    data["blocking_rule"] = (
        rule_names[scored.rule[keep][order]] if len(rules) else np.array([], dtype=object)
    )
    names = np.array(["", *(f.stratum.name for f in model.strata)], dtype=object)
    data["stratum"] = names[scored.stratum[keep][order].astype(np.int64)]
    data["row_l"] = left
    data["row_r"] = right
    data["ambiguous"] = np.zeros(len(left), dtype=bool)  # set by clustering (see DedupeResult)
    data["sound_alike"] = np.zeros(len(left), dtype=bool)  # ... and why (see _sound_alike)
    data["kept_apart"] = np.zeros(len(left), dtype=bool)  # ... or kept apart by clustering
    frame: pd.DataFrame = pd.DataFrame(data)
    return frame


def _ambiguous_mask(pairs: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """The ``ambiguous`` column as booleans (all false for a pairs frame without it)."""
    if "ambiguous" not in pairs.columns:
        return np.zeros(len(pairs), dtype=bool)
    out: npt.NDArray[np.bool_] = pairs["ambiguous"].to_numpy(dtype=bool)
    return out


@dataclass
class _ResultBase:
    pairs: pd.DataFrame
    model: Model
    prepared: Prepared
    threshold: float
    blocking: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)
    _tf_source: int | None = None

    @property
    def matches(self) -> pd.DataFrame:
        """The pairs at or above the threshold (most certain first), except ``ambiguous`` ones."""
        pairs = self.pairs
        keep = (pairs["match_probability"].to_numpy() >= self.threshold) & ~_ambiguous_mask(pairs)
        out: pd.DataFrame = pairs[keep]
        return out

    @property
    def ambiguous(self) -> pd.DataFrame:
        """Pairs at or above the threshold left out of :attr:`matches`: one record matches,
        about as strongly, a record the model holds apart from the other (twins, say).  Which
        of the two people it is, a person decides: these belong in the review list."""
        out: pd.DataFrame = self.pairs[_ambiguous_mask(self.pairs)]
        return out

    def _positions(self, id_l: Any, id_r: Any) -> tuple[int, int]:
        rows = self.pairs[(self.pairs["id_l"] == id_l) & (self.pairs["id_r"] == id_r)]
        if len(rows) == 0 and self.prepared.source is None:
            rows = self.pairs[(self.pairs["id_l"] == id_r) & (self.pairs["id_r"] == id_l)]
        if len(rows):
            return int(rows["row_l"].iloc[0]), int(rows["row_r"].iloc[0])
        return self._locate(id_l, id_r)

    def _locate(self, id_l: Any, id_r: Any) -> tuple[int, int]:
        index = np.asarray(self.prepared.index)
        left_ok = right_ok = np.ones(len(index), dtype=bool)
        if self.prepared.source is not None:  # link: id_l is a list record, id_r a register one
            left_ok = self.prepared.source == 0
            right_ok = self.prepared.source == 1
        pl = np.flatnonzero((index == id_l) & left_ok)
        pr = np.flatnonzero((index == id_r) & right_ok)
        if len(pl) != 1 or len(pr) != 1:
            raise KeyError(
                f"cannot find exactly one record for ids {mask_text(str(id_l))} / "
                f"{mask_text(str(id_r))} (unknown or duplicate index labels)"
            )
        return int(pl[0]), int(pr[0])

    def explain(self, id_l: Any, id_r: Any) -> Explanation:
        """Per-comparison weights for a pair (any two records, candidate or not).

        The explanation adds up to the pair's ``match_weight``; print it, or call
        ``.waterfall()`` on it in a notebook.
        """
        pl, pr = self._positions(id_l, id_r)
        explanation = explain_pair(
            self.model, self.prepared, pl, pr, id_l=id_l, id_r=id_r, tf_source=self._tf_source
        )
        held = self.ambiguous
        lo, hi = min(pl, pr), max(pl, pr)
        rows_l, rows_r = held["row_l"].to_numpy(), held["row_r"].to_numpy()
        hit = (np.minimum(rows_l, rows_r) == lo) & (np.maximum(rows_l, rows_r) == hi)
        if bool(hit.any()):
            alike = bool(sound_alike(self.model, held[hit], self.prepared).any())
            apart = "kept_apart" in held.columns and bool(held.loc[hit, "kept_apart"].any())
            note = SOUND_ALIKE_NOTE if alike else KEPT_APART_NOTE if apart else AMBIGUOUS_NOTE
            explanation = replace(explanation, notes=(*explanation.notes, note))
        return explanation

    def contributions(self, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
        """Each comparison's contribution (bits, with term-frequency adjustments and the
        stratum's prior where a pair is in one) to the match weight of rows of
        :attr:`pairs` (all of them by default): what :meth:`explain` shows, for many pairs at
        once.  Same index as ``pairs``, one column per comparison; ``NaN`` where ``pairs``
        lacks a comparison's ``gamma_`` column.  The model's ``prior_weight`` plus a row's sum
        is the pair's ``match_weight``.

        >>> import nikmatch as nm
        >>> from nikmatch.synth import small_population
        >>> result = nm.find_duplicates(small_population(seed=0)[0])
        >>> top = result.matches.head(1)
        >>> total = result.model.prior_weight + result.contributions(top).sum(axis=1)
        >>> bool(abs(total.iloc[0] - top["match_weight"].iloc[0]) < 1e-9)
        True
        """
        rows = self.pairs if pairs is None else pairs
        names = self.model.names
        levels = np.zeros((len(rows), len(names)), dtype=np.int8)
        present = np.zeros(len(names), dtype=bool)
        for j, name in enumerate(names):
            if f"gamma_{name}" in rows.columns:
                levels[:, j] = rows[f"gamma_{name}"].to_numpy(dtype=np.int8)
                present[j] = True
        parts = self.model.contributions(
            self.prepared,
            levels,
            rows["row_l"].to_numpy(dtype=np.int64),
            rows["row_r"].to_numpy(dtype=np.int64),
            tf_source=self._tf_source,
        )
        parts[:, ~present] = np.nan
        out: pd.DataFrame = pd.DataFrame(parts, index=rows.index, columns=names)
        return out

    def score_positions(self, left: I64, right: I64) -> F64:
        """Match weights (bits, with prior) of arbitrary record-position pairs (in a link,
        two records of one side are weighed with the register's own household prior)."""
        return score_positions(self.model, self.prepared, left, right, tf_source=self._tf_source)


@dataclass
class DedupeResult(_ResultBase):
    """Result of :func:`find_duplicates`.

    ``pairs``: candidate pairs with some evidence (probability >= 0.001): ``id_l``, ``id_r``
    (labels of the input index), ``match_weight`` (bits), ``match_probability``,
    ``gamma_<comparison>`` (levels), ``blocking_rule``, ``row_l``/``row_r`` (positions),
    ``ambiguous`` (at or above the threshold, but one record matches about as strongly a record
    the model holds apart from the other, such as its twin: see :attr:`ambiguous`).
    ``matches``: pairs at or above the threshold that are not ambiguous.  ``clusters``: one row
    per input record, same
    index: ``cluster_id``, ``cluster_size``, ``survivor`` (this record holds the recommended
    surviving NIK), ``recommendation`` (what to verify; it says so when a match of this
    record was kept out of its cluster because it would join two people the model holds apart,
    and when siblings could look like its match: one KK, a name word more, another date),
    ``flags`` (unusable values found in this record).

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=0)
    >>> result = nm.find_duplicates(register)
    >>> ok = bool(result.matches["match_probability"].min() >= 0.99)
    >>> result.clusters.index.equals(register.index), ok
    (True, True)
    >>> result.clusters.columns.tolist()
    ['cluster_id', 'cluster_size', 'survivor', 'recommendation', 'flags']
    """

    clusters: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> str:
        """A short readable summary."""
        multi = self.clusters[self.clusters["cluster_size"] > 1]
        return (
            f"{self.prepared.n} records, {self.info.get('candidate_pairs', 0)} candidate pairs, "
            f"{len(self.matches)} matching pairs at p>={self.threshold}, "
            f"{multi['cluster_id'].nunique()} persons with more than one record "
            f"({len(multi)} records)"
            + (
                f"; {len(self.ambiguous)} ambiguous pairs to review (a record matching two "
                "people the model holds apart)"
                if len(self.ambiguous)
                else ""
            )
        )


@dataclass
class LinkResult(_ResultBase):
    """Result of :func:`link`: ``pairs``/``matches`` as for deduplication with ``id_l`` from the
    list and ``id_r`` from the register; ``clusters``: one row per *list* record (same index):
    ``best_id``, ``best_probability``, ``n_matches``, ``n_ambiguous`` (register records this one
    matches about equally well while the model holds them apart, such as twins: none of them is
    its ``best_id``; a person decides), ``cluster_id``, ``cluster_size``.

    >>> import nikmatch as nm
    >>> from nikmatch.synth import generate_unrecorded_list, small_population
    >>> register, truth = small_population(seed=2)
    >>> listed, _ = generate_unrecorded_list(register, truth, n=20, seed=2)
    >>> result = nm.link(listed, register)
    >>> result.clusters.columns.tolist()
    ['best_id', 'best_probability', 'n_matches', 'n_ambiguous', 'cluster_id', 'cluster_size']
    """

    clusters: pd.DataFrame = field(default_factory=pd.DataFrame)


def _resolve_model(
    prepared: Prepared, model: Model | None, comparisons: Sequence[Comparison] | None, seed: int
) -> Model:
    if model is not None:
        missing = [c.name for c in model.comparisons if not c.available(prepared)]
        if missing:
            warnings.warn(
                f"model comparisons without data here (weight 0): {missing}",
                UserWarning,
                stacklevel=3,
            )
        return model
    comps = list(comparisons) if comparisons is not None else default_comparisons(prepared)
    if not comps:
        raise SchemaError(
            "no comparable columns: need at least nama plus one of tanggal_lahir / nik"
        )
    return train(comps, prepared, seed=seed)


def find_duplicates(
    df: pd.DataFrame,
    *,
    columns: ColumnMapping | None = None,
    model: Model | None = None,
    comparisons: Sequence[Comparison] | None = None,
    blocking_rules: Sequence[BlockingRule] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    lambda_: float | None = None,
    seed: int = 0,
    keep_probability: float = KEEP_PROBABILITY,
    chunk_pairs: int = 4_000_000,
    reference_date: dt.date | None = None,
    candidate_pairs: pd.MultiIndex | pd.DataFrame | None = None,
) -> DedupeResult:
    """Find records of a register that are likely the same person (see module docstring).

    ``df`` has one row per record with canonical columns (or ``columns`` mapping them; SIAK
    header spellings are detected).  Without ``model`` one is trained on ``df`` (unsupervised);
    with ``model`` (e.g. :meth:`Model.load`) its parameters are used and only ``λ`` is
    re-estimated for this data, unless ``lambda_`` fixes it.

    ``candidate_pairs`` (index labels, as a ``MultiIndex`` such as recordlinkage's indexers
    return, or a frame with ``id_l``/``id_r``) are scored instead of the default blocking, or
    after ``blocking_rules`` when both are given.

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, truth = small_population(seed=0)
    >>> result = nm.find_duplicates(register)
    >>> top = result.matches.iloc[0]
    >>> bool(truth.loc[top["id_l"], "person_id"] == truth.loc[top["id_r"], "person_id"])
    True
    >>> again = nm.find_duplicates(register, model=result.model)  # reuse: no training
    >>> len(again.matches) == len(result.matches)
    True
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a probability in (0, 1), got {threshold}")
    started = time.perf_counter()
    prepared = prepare(df, columns, reference_date=reference_date)
    prepare_seconds = round(time.perf_counter() - started, 3)
    if candidate_pairs is not None:
        given = _given_pairs(candidate_pairs, df.index, df.index, offset=0)
        blocking_rules = [*(blocking_rules or []), given]
    result = _run(
        prepared,
        model=model,
        comparisons=comparisons,
        blocking_rules=blocking_rules,
        threshold=threshold,
        lambda_=lambda_,
        seed=seed,
        keep_probability=keep_probability,
        chunk_pairs=chunk_pairs,
        n_list=None,
    )
    if not isinstance(result, DedupeResult):  # pragma: no cover - internal invariant
        raise TypeError("internal error: find_duplicates produced a link result")
    result.info["seconds"] = {"prepare": prepare_seconds, **result.info["seconds"]}
    return result


def link(
    list_df: pd.DataFrame,
    register_df: pd.DataFrame | Prepared,
    *,
    columns: ColumnMapping | None = None,
    register_columns: ColumnMapping | None = None,
    model: Model | None = None,
    comparisons: Sequence[Comparison] | None = None,
    blocking_rules: Sequence[BlockingRule] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    one_to_one: bool = False,
    lambda_: float | None = None,
    seed: int = 0,
    keep_probability: float = KEEP_PROBABILITY,
    chunk_pairs: int = 4_000_000,
    reference_date: dt.date | None = None,
    candidate_pairs: pd.MultiIndex | pd.DataFrame | None = None,
) -> LinkResult:
    """Find, for each record of ``list_df``, the ``register_df`` records that are likely the
    same person (the "belum rekam" job).  ``id_l`` labels come from ``list_df``, ``id_r`` from
    ``register_df``.  With ``one_to_one`` each list and register record is matched at most once
    (greedy, strongest pairs first).

    ``register_df`` may also be the register prepared once with :func:`nikmatch.prepare`
    (``register_columns`` then unused): a million-record register is then normalised once for
    many lists, and with a saved ``model`` a 16,000-record list links in seconds.
    ``candidate_pairs`` (list label, register label) are scored as in :func:`find_duplicates`.

    >>> import nikmatch as nm
    >>> from nikmatch.synth import generate_unrecorded_list, small_population
    >>> register, truth = small_population(seed=0)
    >>> listed, _ = generate_unrecorded_list(register, truth, n=50, seed=1)
    >>> result = nm.link(listed, register)
    >>> found = int((result.clusters["n_matches"] > 0).sum())
    >>> result.clusters.index.equals(listed.index), found > 40
    (True, True)
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a probability in (0, 1), got {threshold}")
    if isinstance(register_df, Prepared):
        prepared, n_list = link_prepared(
            prepare(list_df, columns, reference_date=reference_date), register_df
        )
    else:
        prepared, n_list = prepare_link(
            list_df, register_df, columns, register_columns, reference_date=reference_date
        )
    if candidate_pairs is not None:
        register_index = prepared.index[n_list:]
        given = _given_pairs(candidate_pairs, list_df.index, register_index, offset=n_list)
        blocking_rules = [*(blocking_rules or []), given]
    result = _run(
        prepared,
        model=model,
        comparisons=comparisons,
        blocking_rules=blocking_rules,
        threshold=threshold,
        lambda_=lambda_,
        seed=seed,
        keep_probability=keep_probability,
        chunk_pairs=chunk_pairs,
        n_list=n_list,
    )
    if not isinstance(result, LinkResult):  # pragma: no cover - internal invariant
        raise TypeError("internal error: link produced a dedupe result")
    if one_to_one:
        result.pairs = _one_to_one(result.pairs, threshold)
        result.clusters = _link_clusters(result, list_df.index, n_list)
    return result


def _given_pairs(
    pairs: pd.MultiIndex | pd.DataFrame, left_index: pd.Index, right_index: Any, *, offset: int
) -> GivenPairs:
    """Index labels of candidate pairs -> record positions (clear errors, nothing dropped)."""
    if isinstance(pairs, pd.MultiIndex):
        if pairs.nlevels != 2:
            raise ValueError("candidate_pairs: a MultiIndex of two levels (left, right) expected")
        labels_l, labels_r = pairs.get_level_values(0), pairs.get_level_values(1)
    elif isinstance(pairs, pd.DataFrame) and {"id_l", "id_r"} <= set(pairs.columns):
        labels_l, labels_r = pd.Index(pairs["id_l"]), pd.Index(pairs["id_r"])
    else:
        raise ValueError("candidate_pairs: a MultiIndex or a frame with id_l and id_r expected")
    left_index, right_index = pd.Index(left_index), pd.Index(right_index)
    if not left_index.is_unique or not right_index.is_unique:
        raise ValueError("candidate_pairs need unique index labels in the input frames")
    pl, pr = left_index.get_indexer(labels_l), right_index.get_indexer(labels_r)
    unknown = int(((pl < 0) | (pr < 0)).sum())
    if unknown:
        raise KeyError(f"candidate_pairs: {unknown} pair(s) name records not in the input")
    # deduplication: a record is never its own candidate
    keep = (pl != pr) if offset == 0 else np.ones(len(pl), dtype=bool)
    return GivenPairs(pl[keep].astype(np.int64), (pr[keep] + offset).astype(np.int64))


def _one_to_one(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Greedy one-to-one among matches: strongest first, each side used once (vectorised rounds).
    Ambiguous pairs take no part (they stay in the frame, flagged)."""
    candidate = (pairs["match_probability"].to_numpy() >= threshold) & ~_ambiguous_mask(pairs)
    matched = pairs[candidate].sort_values(
        ["match_weight", "row_l", "row_r"], ascending=[False, True, True], kind="stable"
    )
    chosen = []
    remaining = matched
    while len(remaining):
        best_l = ~remaining["row_l"].duplicated()
        best_r = ~remaining["row_r"].duplicated()
        take = remaining[best_l & best_r]
        if len(take) == 0:
            take = remaining.iloc[:1]
        chosen.append(take)
        used_l = set(take["row_l"].tolist())
        used_r = set(take["row_r"].tolist())
        remaining = remaining[~remaining["row_l"].isin(used_l) & ~remaining["row_r"].isin(used_r)]
    kept = pd.concat(chosen) if chosen else matched.iloc[:0]
    others = pairs[~candidate]
    out: pd.DataFrame = (
        pd.concat([kept, others])
        .sort_values(
            ["match_weight", "row_l", "row_r"], ascending=[False, True, True], kind="stable"
        )
        .reset_index(drop=True)
    )
    return out


def _cluster_above(result: _ResultBase, *, survivors: bool) -> ClusterOutcome:
    """Cluster the pairs at or above the threshold (:func:`~nikmatch.stages.cluster_stage`)
    and mark the ambiguous ones in ``pairs`` (in place).  In a link, a cluster is a list
    record with its register matches: one matching two register records held apart about
    equally well (or one register record two such list records) is ambiguous there too."""
    pairs = result.pairs
    above = pairs["match_probability"].to_numpy() >= result.threshold
    alike = above & sound_alike(result.model, pairs, result.prepared)
    matches = pairs[above & ~alike]
    found = cluster_stage(
        result.model, result.prepared, matches, tf_source=result._tf_source, survivors=survivors
    )
    apart = found.kept_apart if found.kept_apart is not None else np.zeros(len(matches), bool)
    pairs.loc[above & ~alike, "ambiguous"] = found.ambiguous | apart
    pairs.loc[above & ~alike, "kept_apart"] = apart
    pairs.loc[alike, "ambiguous"] = True
    pairs.loc[alike, "sound_alike"] = True
    return found


def _link_clusters(result: _ResultBase, list_index: pd.Index, n_list: int) -> pd.DataFrame:
    matches = result.matches
    best = matches.drop_duplicates("row_l", keep="first").set_index("row_l")
    rows = np.arange(n_list)
    best_id = best["id_r"].reindex(rows)
    best_p = best["match_probability"].reindex(rows)
    n_matches = np.bincount(matches["row_l"].to_numpy(dtype=np.int64), minlength=n_list)
    n_ambiguous = np.bincount(result.ambiguous["row_l"].to_numpy(dtype=np.int64), minlength=n_list)
    frame: pd.DataFrame = pd.DataFrame(
        {
            "best_id": best_id.to_numpy(dtype=object),
            "best_probability": best_p.to_numpy(dtype=np.float64),
            "n_matches": n_matches.astype(np.int64),
            "n_ambiguous": n_ambiguous.astype(np.int64),
            "cluster_id": rows,
            "cluster_size": n_matches + 1,
        },
        index=list_index,
    )
    return frame


def with_priors(model: Model, priors: JobPriors, *, lambda_estimated: bool) -> Model:
    """``model`` with a job's priors (:func:`~nikmatch.stages.job_priors`) set."""
    try:
        fitted = Model(
            model.comparisons,
            model.m,
            model.u,
            lambda_=priors.lambda_,
            fixed=model.fixed,
            info=dict(model.info),
            strata=[
                f.with_lambda(lam_s) for f, lam_s in zip(model.strata, priors.strata, strict=True)
            ],
        )
    except ModelError as exc:
        raise ModelError(f"could not set the prior: {mask_text(str(exc))}") from exc
    fitted.info["lambda_estimated"] = lambda_estimated
    fitted.info["expected_matching_pairs"] = priors.expected_matching_pairs
    return fitted


def _run(
    prepared: Prepared,
    *,
    model: Model | None,
    comparisons: Sequence[Comparison] | None,
    blocking_rules: Sequence[BlockingRule] | None,
    threshold: float,
    lambda_: float | None,
    seed: int,
    keep_probability: float,
    chunk_pairs: int,
    n_list: int | None,
) -> DedupeResult | LinkResult:
    watch = Stopwatch()
    seconds, lap = watch.seconds, watch.lap

    fitted = _resolve_model(prepared, model, comparisons, seed)
    lap("train")
    keys = prepared.keys()
    rules = (
        list(blocking_rules)
        if blocking_rules is not None
        else default_blocking_rules(prepared, keys)
    )
    tf_source = None if n_list is None else 1
    if n_list is None:
        total_pairs = prepared.n * (prepared.n - 1) / 2
    else:
        total_pairs = float(n_list) * float(prepared.n - n_list)
    blocks_cache: dict[str, object] = {}  # blocks sorted once for diagnostics and scoring
    diagnostics = blocking_diagnostics(
        rules, keys, prepared.n, source=prepared.source, count_new=False, blocks_cache=blocks_cache
    )
    lap("blocking_diagnostics")

    def score_all(scoring_model: Model) -> _Scored:
        # keep anything with positive evidence; the prior is applied once λ is known
        result = _score_candidates(
            scoring_model,
            prepared,
            rules,
            keep_bayes_weight=0.0,
            tf_source=tf_source,
            chunk_pairs=chunk_pairs,
            keys=keys,
            blocks_cache=blocks_cache,
        )
        if len(diagnostics):  # the pairs each rule added, counted while scoring
            diagnostics["new_pairs"] = result.per_rule
        return result

    # pairs of this job in each stratum (one household): their prior's denominator
    counted_totals = stratum_pair_totals(prepared, [f.stratum for f in fitted.strata])

    def priors(result: _Scored, current: Model) -> JobPriors:
        return job_priors(
            current,
            result.bayes_weight,
            result.stratum,
            result.stratum_candidates,
            counted_totals,
            total_pairs,
            lambda_=lambda_,
        )

    scored = score_all(fitted)
    lap("block_and_score")
    found = priors(scored, fitted)
    lam = found.lambda_
    if model is None and 0.0 < lam < 1.0:
        # u was counted on random pairs, a share λ of which are matches: take them out, and
        # score again when that moves a weight (small duplicate-dense tables; never at 1M)
        cleaned, change = remove_matches_from_u(fitted, lam)
        if change > 0.05:
            fitted = cleaned
            scored = score_all(fitted)
            found = priors(scored, fitted)
            lap("rescore")
    fitted = with_priors(fitted, found, lambda_estimated=lambda_ is None)
    lam = found.lambda_
    stratum_totals = found.stratum_totals
    pairs = _pairs_frame(prepared, fitted, scored, rules, keep_probability)
    info = {
        "candidate_pairs": scored.n_candidates,
        "kept_pairs": len(pairs),
        "total_pairs": total_pairs,
        "lambda": lam,
        "prior_weight": math.log2(lam / (1 - lam)),
        "strata": {
            f.stratum.name: {"pairs": t, "lambda": f.lambda_, "prior_weight": f.prior_weight}
            for f, t in zip(fitted.strata, stratum_totals, strict=True)
        },
        "seconds": seconds,
    }
    if n_list is not None:
        link_result = LinkResult(
            pairs=pairs,
            model=fitted,
            prepared=prepared,
            threshold=threshold,
            blocking=diagnostics,
            info=info,
            _tf_source=tf_source,
        )
        # marks the ambiguous pairs (a list record, two people)
        _cluster_above(link_result, survivors=False)
        lap("cluster")
        index = prepared.index[:n_list]
        link_result.clusters = _link_clusters(link_result, pd.Index(index), n_list)
        return link_result
    result = DedupeResult(
        pairs=pairs,
        model=fitted,
        prepared=prepared,
        threshold=threshold,
        blocking=diagnostics,
        info=info,
    )
    outcome = _cluster_above(result, survivors=True)
    labels = outcome.labels
    lap("cluster")
    sizes = np.bincount(labels)[labels] if prepared.n else np.zeros(0, np.int64)
    result.clusters = pd.DataFrame(
        {
            "cluster_id": labels,
            "cluster_size": sizes.astype(np.int64),
            "survivor": outcome.survivor,
            "recommendation": outcome.recommendation,
            "flags": prepared.flags.to_numpy(dtype=object),
        },
        index=prepared.index,
    )
    return result
