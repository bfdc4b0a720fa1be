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
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.blocking import (
    BlockingRule,
    BlockOn,
    GivenPairs,
    SortedNeighbourhood,
    WordBlock,
    affordable_rules,
    blocking_diagnostics,
    iter_block_pairs,
)
from nikmatch.cluster import Clustering, cluster_matches
from nikmatch.comparisons import (
    Comparison,
    DateComparison,
    NameComparison,
    NIKComparison,
    compare,
    default_comparisons,
    name_respelt_rarely,
)
from nikmatch.dates import MISSING_DAY
from nikmatch.errors import ModelError, SchemaError
from nikmatch.explain import Explanation, explain_pair
from nikmatch.model import Model, estimate_lambda, remove_matches_from_u, train
from nikmatch.prepare import Prepared, link_prepared, prepare, prepare_link
from nikmatch.privacy import mask_nik, mask_text
from nikmatch.schema import ColumnMapping
from nikmatch.strata import stratum_pair_totals

__all__ = [
    "DEFAULT_THRESHOLD",
    "DedupeResult",
    "LinkResult",
    "default_blocking_rules",
    "find_duplicates",
    "link",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Default match-probability threshold: precision first (a wrong merge can cost a real person
#: their NIK), so only pairs the model is at least 99% sure of are proposed as matches.
DEFAULT_THRESHOLD = 0.99
#: Threads scoring candidate chunks (results are combined in chunk order: deterministic).
SCORING_THREADS = 2
#: Pairs whose probability is below this are not kept in ``pairs`` at all.
KEEP_PROBABILITY = 0.001
#: Pairs in a stratum are scored against their stratum's prior, known once all are scored:
#: while scoring they are kept with evidence down to this many bits below the usual bar.
STRATUM_KEEP_BITS = 12.0


#: Coarse rules (a birth date, a kelurahan, a surname or a given name alone) join the default
#: rules where they are cheap: together at most this many pairs per record (per list record
#: when linking) ...
FALLBACK_PAIRS_PER_RECORD = 20
#: ... and at most this many pairs in all, whatever the size.
FALLBACK_MAX_PAIRS = 2_000_000
#: A KK or a dwelling with more records than this is an institution or a placeholder: not
#: blocked on as a household.
HOUSEHOLD_BLOCK = 40
#: A word shared by more records than this in one birth year (or on one birthday) says
#: little: such blocks are skipped.
WORD_BLOCK = 40


def default_blocking_rules(
    prepared: Prepared, keys: Mapping[str, I64] | None = None
) -> list[BlockingRule]:
    """Blocking rules for the fields present, strongest first.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Budi"], "tanggal_lahir": ["1990-01-01"]}))
    >>> [r.name for r in default_blocking_rules(p)]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['nama_key & tanggal_lahir', 'given_key & tanggal_lahir', 'last_key & tanggal_lahir',
     'tanggal_lahir & initial', 'sorted neighbourhood on nama_key_dob (window 2)',
     'a word of nama', 'a word of nama & birth_day']

    Each rule earns its place by the true pairs it alone finds on generated registers
    (``benchmarks/``); rules that found none there (name key with birth year, name key with
    kelurahan) cost millions of pairs at a million records and are used only when birth dates
    are missing.

    Where the data is small, coarse rules follow (:func:`~nikmatch.blocking.affordable_rules`):
    a birth date, a kelurahan, a postal code, the last or the first word's key alone, each
    while the pairs they add stay within :data:`FALLBACK_PAIRS_PER_RECORD` per record (per list
    record when linking) and :data:`FALLBACK_MAX_PAIRS` in all.  They find the duplicate
    whose name *and* other keys were all changed (FEBRL3 pairs completeness 0.991 -> 0.998) and
    never fire on a city register, where a birth date alone makes tens of millions of pairs.

    >>> small = prepare(pd.DataFrame({"nama": ["Budi Santoso", "Budi Hartono", "Ani Santoso"],
    ...                               "tanggal_lahir": ["1990-01-01", "1991-02-03", "1992-03-04"]}))
    >>> [r.name for r in default_blocking_rules(small)][5:7]
    ['last_key', 'given_key']
    """
    has = prepared.has
    rules: list[BlockingRule] = []
    if has("nik"):
        rules.append(BlockOn("nik"))
    if has("no_identitas"):
        rules.append(BlockOn("no_identitas"))
    if has("tanggal_lahir"):
        rules += [
            BlockOn("nama_key", "tanggal_lahir"),
            BlockOn("given_key", "tanggal_lahir"),
            BlockOn("last_key", "tanggal_lahir"),
        ]
        by_sex = ("jenis_kelamin",) if bool((prepared.sex > 0).any()) else ()
        rules.append(BlockOn("tanggal_lahir", "initial", *by_sex))
        if has("nama_ibu"):
            rules.append(BlockOn("nama_ibu_key", "tanggal_lahir"))
        elif has("kecamatan"):
            # no mother's name: a name changed beyond its keys has no other way in; the
            # kecamatan keeps the blocks small (FEBRL3 F1 +0.006; 1.4 pairs a record at 1M)
            rules.append(BlockOn("tanggal_lahir", "kecamatan"))
    if has("nama_ibu"):
        rules.append(BlockOn("nama_key", "nama_ibu_key"))
        if has("tanggal_lahir"):
            # a mistyped birth date and a changed name at once: the mother, the year and the
            # name's first letter remain (without the letter: 10 million pairs at 1M records)
            rules.append(BlockOn("nama_ibu_key", "birth_year", "initial"))
            # ... or the birthday without its year: the year retyped and the name changed
            # beyond its keys at once (a word dropped, a slip in the first letters); blocks
            # are a mother's children of one sex born on one day of the year (generated
            # registers at a million records: +1.2 million pairs, blocking recall +1.5 to
            # +3.6 points)
            sex = ("jenis_kelamin",) if bool((prepared.sex > 0).any()) else ()
            rules.append(BlockOn("nama_ibu_key", "birth_day", *sex))
    if has("nama_ayah") and has("tanggal_lahir"):
        # the same name and birthday, the year mistyped and a parent's name slipped: with the
        # father's name to tell namesakes apart (+30 true pairs, no false one at a million
        # records; without it, +18 true and 5 false: namesakes, so not used there); 0.6 new
        # pairs a record at a million
        rules.append(BlockOn("nama_key", "birth_day"))
        # the father's name with the birth date: a changed name and no mother's name at once
        # (+0.1 point of recall, ~0.03 pairs a record; name key with the father's key found
        # twice as many but cost 1.3 pairs a record and some precision at a million records)
        rules.append(BlockOn("nama_ayah_key", "tanggal_lahir"))
    if has("nama_ayah") and has("nama_ibu"):
        # both parents and the name's first letter: a mistyped birth date and a name slip at
        # once (recall +0.4 point at 100,000 records with the father's name; the blocks are
        # the siblings who share an initial: 0.06 pairs a record at 100,000, 0.7 at a million)
        rules.append(BlockOn("nama_ibu_key", "nama_ayah_key", "initial"))
        if has("tanggal_lahir"):
            # ... or the birth year instead of the initial: a name whose first letters were
            # swapped or whose words were reordered (Icndy / Cindy, Novi Susanti / Susanti
            # Novi) with a mistyped date (0.08 new pairs a record at a million)
            rules.append(BlockOn("nama_ibu_key", "nama_ayah_key", "birth_year"))
            rules.append(BlockOn("nama_ibu_key", "nama_ayah_key", "birth_day"))
    if has("no_kk"):
        rules.append(BlockOn("no_kk", "given_key"))
        # not the whole family card: with the dwelling rules below it found 1 and 21 true
        # pairs no other rule found, for 0.7 million pairs, at a million records (two
        # generators); the household stratum counts the card's pairs itself
    if has("alamat") and has("kelurahan"):
        # one dwelling (address, RT/RW, kelurahan) and the name's first letter: a resident
        # entered again at home with another birth date and no mother's name (households are
        # small, so this stays near one pair per record at a million records)
        at_home = [f for f in ("alamat", "rt", "rw", "kelurahan") if has(f)]
        rules.append(BlockOn(*at_home, "initial"))
        if not has("no_kk"):
            # the whole dwelling stands in for the family card where there is none (with one,
            # it added 0.9 million pairs at a million records and next to no true pair)
            rules.append(BlockOn(*at_home, max_block_size=HOUSEHOLD_BLOCK))
        if has("tanggal_lahir"):  # the same story at home (0.01 new pairs a record at 1M)
            rules.append(BlockOn(*at_home, "birth_year"))
            rules.append(BlockOn(*at_home, "birth_day"))
    if has("no_identitas"):
        # a typing slip in the other identifier (two sorted orders, each ~2 pairs a record)
        rules.append(SortedNeighbourhood("no_identitas_sorted", window=2))
        rules.append(SortedNeighbourhood("no_identitas_reversed", window=2))
    if has("tanggal_lahir"):
        rules.append(SortedNeighbourhood("nama_key_dob", window=2))
    else:
        if has("kelurahan"):
            rules.append(BlockOn("nama_key", "kelurahan", max_block_size=500))
        rules.append(BlockOn("nama_key", max_block_size=500))
    rules += _fallback_rules(prepared, prepared.keys() if keys is None else keys)
    # a rare word of the name, or of the address, shared: whatever else was retyped (blocks
    # of the rarest words first, at most one pair a record each)
    rules.append(WordBlock("nama", (), max_block_size=WORD_BLOCK))
    if has("alamat"):
        rules.append(WordBlock("alamat", (), max_block_size=WORD_BLOCK))
    if has("tanggal_lahir"):
        # a word of the name with the birth year and month, or with the birthday: a typing
        # slip in another word, a word left out or words reordered, and a date retyped, at
        # once (with the sex where known: it halves the blocks)
        sex = ("jenis_kelamin",) if bool((prepared.sex > 0).any()) else ()
        rules.append(WordBlock("nama", ("birth_day", *sex), max_block_size=WORD_BLOCK))
    return rules


def _fallback_rules(prepared: Prepared, keys: Mapping[str, I64]) -> list[BlockingRule]:
    """The coarse rules that are cheap on this data (see :func:`default_blocking_rules`)."""
    has = prepared.has
    candidates = []
    if has("tanggal_lahir"):
        candidates.append(BlockOn("tanggal_lahir"))
    if has("kelurahan"):
        candidates.append(BlockOn("kelurahan"))
    if has("kode_pos"):
        candidates.append(BlockOn("kode_pos"))
    if has("nama"):
        candidates += [BlockOn("last_key"), BlockOn("given_key")]
    # a pair involves two records of a register, one record of a list: per record involved,
    # a list is allowed twice the pairs
    per = prepared.n if prepared.source is None else 2 * int((prepared.source == 0).sum())
    budget = min(FALLBACK_PAIRS_PER_RECORD * per, FALLBACK_MAX_PAIRS)
    return list(affordable_rules(candidates, keys, budget=budget, source=prepared.source))


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
        extras: dict[str, tuple[F64, I64]] = {}
        levels = compare(model.comparisons, prepared, left, right, extras=extras)
        parts, which = model.evidence(
            prepared, levels, left, right, tf_source=tf_source, extras=extras
        )
        bw = parts.sum(axis=1)
        # a stratum's own prior may be high (twins or one person): its pairs are kept with
        # weaker evidence
        keep = bw >= np.where(which > 0, keep_bayes_weight - STRATUM_KEEP_BITS, keep_bayes_weight)
        return (
            rule_idx,
            len(left),
            left[keep],
            right[keep],
            bw[keep],
            levels[keep],
            which[keep].astype(np.int8),
            np.bincount(which, minlength=n_strata + 1)[: n_strata + 1],
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


def _probability(weight: F64) -> F64:
    return np.asarray(1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60))), dtype=np.float64)


def _pair_priors(model: Model, stratum: npt.NDArray[np.int8]) -> F64:
    """Each pair's prior: its stratum's, else the model's."""
    priors = np.array(
        [model.prior_weight, *(f.prior_weight for f in model.strata)], dtype=np.float64
    )
    out: F64 = priors[stratum.astype(np.int64)]
    return out


def _pairs_frame(
    prepared: Prepared,
    model: Model,
    scored: _Scored,
    rules: Sequence[BlockingRule],
    keep_probability: float,
) -> pd.DataFrame:
    weight = scored.bayes_weight + _pair_priors(model, scored.stratum)
    prob = _probability(weight)
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
            alike = bool(_sound_alike(self.model, held[hit], self.prepared).any())
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
        levels = compare(self.model.comparisons, self.prepared, left, right)
        out = self.model.score_levels(self.prepared, levels, left, right, tf_source=self._tf_source)
        if self.prepared.source is not None and self.model.strata:
            same = np.flatnonzero(self.prepared.source[left] == self.prepared.source[right])
            if len(same):
                out[same] = self.model.within_register().score_levels(
                    self.prepared, levels[same], left[same], right[same], tf_source=self._tf_source
                )
        return out


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


#: The note on the explanation of an ambiguous pair (see :attr:`_ResultBase.ambiguous`).
AMBIGUOUS_NOTE = (
    "not a match although above the threshold: one of the two records matches, about as "
    "strongly, another record that the model holds apart from the other one (twins, say); "
    "which of the two people it is, a person decides"
)

#: The note on a pair above the threshold whose records clustering kept in two clusters.
KEPT_APART_NOTE = (
    "not a match although above the threshold: one of the two records matches another record "
    "more strongly, and the model holds that record apart from the other one (twins, say); the "
    "weaker match was not joined, so review both"
)

#: The note on a pair of one household, born on one day, whose names are spelt differently
#: but sound alike (:func:`_sound_alike`): kept out of the matches, in the review list.
SOUND_ALIKE_NOTE = (
    "not a match although above the threshold: one household, one birth date, two names that "
    "sound alike (nayla / naila): twins are sometimes named so, and one person entered twice "
    "looks the same; no field tells them apart, so check the family card (KK)"
)

#: Added to the recommendation of a record with a match that clustering kept apart.
KEPT_APART = (
    "also matches a record kept in another cluster (joining them would put two people the "
    "model holds apart, such as twins, in one): review both"
)


#: Added to the recommendation of both records of a match that siblings can look like.
POSSIBLE_SIBLINGS = (
    "on one KK with another record of this cluster whose name has a word more or less and whose "
    "birth date differs: two siblings can look like this; check the family card (KK)"
)


def _add_note(rec: npt.NDArray[np.object_], rows: I64, note: str) -> None:
    """Append ``note`` to the recommendation of each record in ``rows`` (once per record)."""
    for i in np.unique(rows).tolist():
        rec[i] = f"{rec[i]}; {note}" if rec[i] else note[0].upper() + note[1:]


def _note_kept_apart(rec: npt.NDArray[np.object_], labels: I64, matches: pd.DataFrame) -> None:
    """Tell the reviewer where a match at or above the threshold joins two clusters."""
    left = matches["row_l"].to_numpy(dtype=np.int64)
    right = matches["row_r"].to_numpy(dtype=np.int64)
    apart = labels[left] != labels[right]
    _add_note(rec, np.concatenate([left[apart], right[apart]]), KEPT_APART)


def _note_possible_siblings(
    rec: npt.NDArray[np.object_], labels: I64, result: DedupeResult
) -> None:
    """Tell the reviewer about matches that siblings can look like: on one KK, one name fits
    in the other with a word omitted (no initial), birth dates not equal.  Measured on a
    generated register of 1,000,000 records, half such matches were two siblings (brothers
    sharing a first name and a birthday, years one digit apart); the rest one person."""
    prepared, pairs = result.prepared, result.matches
    gamma = {
        (type(c), getattr(c, "column", None)): f"gamma_{c.name}" for c in result.model.comparisons
    }
    name_col = gamma.get((NameComparison, "nama"))
    date_col = gamma.get((DateComparison, "tanggal_lahir"))
    if (
        not len(pairs)
        or "no_kk" not in prepared.codes
        or "nama" not in prepared.codes
        or name_col not in pairs.columns
        or date_col not in pairs.columns
    ):
        return
    left = pairs["row_l"].to_numpy(dtype=np.int64)
    right = pairs["row_r"].to_numpy(dtype=np.int64)
    kk, names = prepared.codes["no_kk"], prepared.codes["nama"]
    nested = (
        (kk[left] >= 0)
        & (kk[left] == kk[right])
        & (labels[left] == labels[right])
        & (pairs[name_col].to_numpy() == NameComparison.INITIALS)
        & (pairs[date_col].to_numpy() < DateComparison.EXACT_DEFAULT)
    )
    if not nested.any():
        return
    # an initial on either side is the abbreviation story, not a word omitted
    codes = np.unique(np.concatenate([names[left[nested]], names[right[nested]]]))
    values = prepared.values["nama"]
    initial = np.zeros(len(values), dtype=bool)
    initial[codes] = [any(len(w) == 1 for w in str(values[c]).split()) for c in codes.tolist()]
    nested &= ~initial[names[left]] & ~initial[names[right]]
    _add_note(rec, np.concatenate([left[nested], right[nested]]), POSSIBLE_SIBLINGS)


def _survivors(
    prepared: Prepared, labels: I64
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    n = prepared.n
    sizes = np.bincount(labels)[labels]
    report = prepared.nik_report
    if report is not None:
        severity = (
            report["severity"].astype(str).to_numpy()
            if "severity" in report.columns
            else np.full(n, "ok")
        )
        problems = (
            report["problems"].astype(str).to_numpy()
            if "problems" in report.columns
            else np.full(n, "")
        )
    else:
        severity = np.full(n, "missing", dtype=object)
        problems = np.full(n, "", dtype=object)
    # a structurally valid (cleaned, 16-digit) NIK is exactly a record with a NIK code
    nik_codes = prepared.codes.get("nik", np.full(n, -1, dtype=np.int32))
    nik_values = prepared.values.get("nik", np.zeros(0, dtype=object))
    has_nik = nik_codes >= 0
    err = (severity == "error") | ~has_nik
    warn = severity == "warning"
    completeness = np.zeros(n, dtype=np.int64)
    for column in prepared.columns:  # the input's own columns, not derived keys
        if column in prepared.codes:
            completeness += prepared.codes[column] >= 0
        elif column == "tanggal_lahir":
            completeness += prepared.dob != MISSING_DAY
        elif column == "jenis_kelamin":
            completeness += prepared.sex > 0
    # rank: no error, no warning, most complete, smallest NIK text (deterministic)
    # the NIK's rank in text order (one sort of the distinct NIKs; records without one last)
    rank_of_code = np.empty(len(nik_values), dtype=np.int64)
    rank_of_code[np.argsort(nik_values.astype(str), kind="stable")] = np.arange(len(nik_values))
    nik_rank = np.where(
        has_nik, rank_of_code[np.maximum(nik_codes, 0)] if len(nik_values) else 0, len(nik_values)
    )
    order = np.lexsort((nik_rank, -completeness, warn.astype(int), err.astype(int), labels))
    first = np.ones(n, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    survivor = np.zeros(n, dtype=bool)
    survivor[order[first]] = True
    survivor &= sizes > 1
    surv_pos = np.full(int(labels.max()) + 1 if n else 0, -1, dtype=np.int64)
    surv_pos[labels[survivor]] = np.flatnonzero(survivor)
    rec = np.full(n, "", dtype=object)
    multi = np.flatnonzero(sizes > 1)
    for i in multi:
        s = surv_pos[labels[i]]
        if i == s:
            why = []
            why.append("NIK valid" if not err[i] else "no valid NIK in the cluster")
            if not err[i]:
                why.append(
                    "NIK agrees with birth date/sex/region"
                    if not warn[i]
                    else f"NIK warnings: {problems[i]}"
                )
            why.append(f"most complete record ({completeness[i]} fields)")
            rec[i] = (
                "keep (recommended surviving NIK): " + "; ".join(why) + ". Verify in the field."
            )
        else:
            other = mask_nik(str(nik_values[nik_codes[s]])) if has_nik[s] else "the survivor"
            rec[i] = (
                f"possible second record of the same person as {other}: verify in the field; "
                "if confirmed, update this record and propose it for deletion to the kecamatan "
                "(nikmatch deletes nothing)"
            )
    return survivor, rec


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


def _cluster_above(result: _ResultBase) -> tuple[pd.DataFrame, Clustering]:
    """Cluster the pairs at or above the threshold and mark the ambiguous ones in ``pairs``
    (in place); returns those pairs and the clustering.  In a link, a cluster is a list record
    with its register matches: one matching two register records held apart about equally well
    (or one register record two such list records) is ambiguous there too."""
    pairs = result.pairs
    above = pairs["match_probability"].to_numpy() >= result.threshold
    alike = above & _sound_alike(result.model, pairs, result.prepared)
    matches = pairs[above & ~alike]
    left = matches["row_l"].to_numpy(dtype=np.int64)
    found = cluster_matches(
        result.prepared.n,
        left,
        matches["row_r"].to_numpy(dtype=np.int64),
        matches["match_weight"].to_numpy(dtype=np.float64),
        scorer=result.score_positions,
        parts=_parts(result, matches, left),
    )
    apart = found.kept_apart if found.kept_apart is not None else np.zeros(len(matches), bool)
    pairs.loc[above & ~alike, "ambiguous"] = found.ambiguous | apart
    pairs.loc[above & ~alike, "kept_apart"] = apart
    pairs.loc[alike, "ambiguous"] = True
    pairs.loc[alike, "sound_alike"] = True
    return matches, found


def _sound_alike(model: Model, pairs: pd.DataFrame, prepared: Prepared) -> npt.NDArray[np.bool_]:
    """Pairs of one household born on one day whose names are spelt differently but have
    one phonetic key (``nayla`` / ``naila``, ``farel`` / ``farrel``): twins are sometimes named
    so, and nothing in the records tells them from one person entered twice.  The model
    weighs them as it weighs the rest; they are kept out of the matches and flagged for the
    family card to decide (:data:`SOUND_ALIKE_NOTE`).  A spelling no one else in the register
    has and no lexicon knows, made as a keyboard slips (``dirggantara`` for ``dirgantara``),
    is no name parents gave: such a pair is one person mistyped, and stays a match."""
    names = {f"gamma_{c.name}": c for c in model.comparisons}
    columns = {
        getattr(c, "column", ""): k
        for k, c in names.items()
        if isinstance(c, NameComparison | DateComparison)
    }
    name, date = columns.get("nama"), columns.get("tanggal_lahir")
    if name is None or date is None or "stratum" not in pairs.columns:
        return np.zeros(len(pairs), dtype=bool)
    # one household only: the same spelling pair with one mother's name, out of the home, is
    # far likelier one person who moved (flagging those cost 4 to 8 points of recall on
    # generated registers to keep two twin pairs apart)
    out: npt.NDArray[np.bool_] = (
        (pairs["stratum"].to_numpy() == "household")
        & (pairs[name].to_numpy() == NameComparison.KEY)
        & (pairs[date].to_numpy() >= DateComparison.EXACT_DEFAULT)
    )
    nik = next((k for k, c in names.items() if isinstance(c, NIKComparison)), None)
    if nik is not None:  # one NIK is one registration: a listed resident's own record
        out &= pairs[nik].to_numpy() != NIKComparison.IDENTICAL
    rows = np.flatnonzero(out)
    if len(rows) and {"row_l", "row_r"} <= set(pairs.columns):
        left = pairs["row_l"].to_numpy(dtype=np.int64)[rows]
        right = pairs["row_r"].to_numpy(dtype=np.int64)[rows]
        out[rows] = ~name_respelt_rarely(prepared, "nama", left, right)
    return out


def _parts(result: _ResultBase, pairs: pd.DataFrame, left: I64) -> F64 | None:
    """Each comparison's contribution to the weights of ``pairs``, ``NaN`` where a value is
    missing (level 0); ``None`` when ``pairs`` lacks a comparison's levels."""
    columns = [f"gamma_{name}" for name in result.model.names]
    if not set(columns) <= set(pairs.columns):
        return None
    levels = pairs[columns].to_numpy(dtype=np.int8)
    right = pairs["row_r"].to_numpy(dtype=np.int64)
    parts = result.model.contributions(
        result.prepared, levels, left, right, tf_source=result._tf_source
    )
    parts[levels == 0] = np.nan
    return parts


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
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        clock = now

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

    def totals(result: _Scored) -> list[float]:
        # the household's pairs are counted from its blocks (KK and dwelling); another
        # stratum's are those among the candidates
        return [
            max(
                float(result.stratum_candidates[k]),
                counted if f.stratum.name == "household" else 1.0,
            )
            for k, (f, counted) in enumerate(zip(fitted.strata, counted_totals, strict=True), 1)
        ]

    def prior(result: _Scored) -> float:
        if lambda_ is not None:
            return float(lambda_)
        outside = max(total_pairs - sum(totals(result)), 1.0)
        return estimate_lambda(result.bayes_weight[result.stratum == 0], outside)

    def stratum_priors(result: _Scored, current: Model) -> list[float]:
        if lambda_ is not None:  # a fixed prior keeps the model's strata priors too
            return [f.lambda_ for f in current.strata]
        return [
            estimate_lambda(result.bayes_weight[result.stratum == k], total, max_lambda=0.95)
            for k, total in enumerate(totals(result), start=1)
        ]

    scored = score_all(fitted)
    lap("block_and_score")
    stratum_totals = totals(scored)
    outside = max(total_pairs - sum(stratum_totals), 1.0)
    lam = prior(scored)
    if model is None and 0.0 < lam < 1.0:
        # u was counted on random pairs, a share λ of which are matches: take them out, and
        # score again when that moves a weight (small duplicate-dense tables; never at 1M)
        cleaned, change = remove_matches_from_u(fitted, lam)
        if change > 0.05:
            fitted = cleaned
            scored = score_all(fitted)
            lam = prior(scored)
            lap("rescore")
    try:
        fitted = Model(
            fitted.comparisons,
            fitted.m,
            fitted.u,
            lambda_=lam,
            fixed=fitted.fixed,
            info=dict(fitted.info),
            strata=[
                f.with_lambda(lam_s)
                for f, lam_s in zip(fitted.strata, stratum_priors(scored, fitted), strict=True)
            ],
        )
    except ModelError as exc:
        raise ModelError(f"could not set the prior: {mask_text(str(exc))}") from exc
    fitted.info["lambda_estimated"] = lambda_ is None
    fitted.info["expected_matching_pairs"] = lam * outside + sum(
        f.lambda_ * t for f, t in zip(fitted.strata, stratum_totals, strict=True)
    )
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
        _cluster_above(link_result)  # marks the ambiguous pairs (a list record, two people)
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
    matches, found = _cluster_above(result)
    labels = found.labels
    lap("cluster")
    sizes = np.bincount(labels)[labels] if prepared.n else np.zeros(0, np.int64)
    survivor, rec = (
        _survivors(prepared, labels) if prepared.n else (np.zeros(0, bool), np.zeros(0, object))
    )
    _note_kept_apart(rec, labels, matches)
    _note_possible_siblings(rec, labels, result)
    result.clusters = pd.DataFrame(
        {
            "cluster_id": labels,
            "cluster_size": sizes.astype(np.int64),
            "survivor": survivor,
            "recommendation": rec,
            "flags": prepared.flags.to_numpy(dtype=object),
        },
        index=prepared.index,
    )
    return result
