"""The stages of a job, shared by the two engines: the in-memory one (:mod:`nikmatch.linker`)
and the cluster one (:mod:`nikmatch.spark`).

A job is: prepare the records (:mod:`nikmatch.prepare`); choose blocking rules
(:func:`default_blocking_rules`); generate the candidate pairs of each block
(:mod:`nikmatch.blocking`) and score them (:func:`score_chunk`: compare, weigh, keep the pairs
with evidence); set the job's priors from the scored pairs (:func:`job_priors`); the final
weights and probabilities (:func:`final_weights`); and cluster the matches, with the surviving
NIK of each cluster (:func:`cluster_stage`).  Every stage is a function over arrays of one
table of records: in memory the whole register, on a cluster one task's records, which know
the whole job through :class:`~nikmatch.prepare.GlobalStats`.  What needs all records at once
(the priors, the pairs already produced by an earlier rule, the statistics) is an aggregate
the engine computes and passes in.

>>> import numpy as np
>>> final_weights(np.array([3.0]), np.array([0], np.int8), [-10.0])[1].round(4).tolist()
[0.0078]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.blocking import (
    BlockingRule,
    BlockOn,
    SortedNeighbourhood,
    WordBlock,
    affordable_rules,
)
from nikmatch.cluster import HELD_APART_BITS, Clustering, cluster_matches
from nikmatch.comparisons import (
    DateComparison,
    NameComparison,
    NIKComparison,
    compare,
    name_respelt_rarely,
)
from nikmatch.dates import MISSING_DAY
from nikmatch.model import Model, estimate_lambda
from nikmatch.prepare import Prepared
from nikmatch.privacy import mask_nik

__all__ = [
    "AMBIGUOUS_NOTE",
    "DEFAULT_THRESHOLD",
    "KEEP_PROBABILITY",
    "KEPT_APART",
    "KEPT_APART_NOTE",
    "POSSIBLE_SIBLINGS",
    "SOUND_ALIKE_NOTE",
    "STRATUM_KEEP_BITS",
    "ClusterOutcome",
    "JobPriors",
    "PreparedView",
    "RecordsView",
    "ScoredChunk",
    "Stopwatch",
    "cluster_stage",
    "contribution_parts",
    "default_blocking_rules",
    "final_weights",
    "job_priors",
    "score_chunk",
    "score_positions",
    "sound_alike",
    "sound_alike_rule",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Default match-probability threshold: precision first (a wrong merge can cost a real person
#: their NIK), so only pairs the model is at least 99% sure of are proposed as matches.
DEFAULT_THRESHOLD = 0.99
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


class Stopwatch:
    """Seconds per stage of a job, in the order the stages ran (``result.info["seconds"]``).

    >>> watch = Stopwatch()
    >>> watch.lap("prepare")
    >>> list(watch.seconds)
    ['prepare']
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Record the seconds since the previous lap (or the start) as ``stage``."""
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._clock, 3)
        self._clock = now


def default_blocking_rules(
    prepared: Prepared | RecordsView, keys: Mapping[str, I64] | None = None
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

    ``prepared`` may also be a :class:`RecordsView`: what a cluster knows of its records
    (which fields they hold, how many pairs a rule makes), so both engines pick the same rules.
    """
    view = PreparedView(prepared, keys) if isinstance(prepared, Prepared) else prepared
    has = view.has
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
        by_sex = ("jenis_kelamin",) if has("jenis_kelamin") else ()
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
            sex = ("jenis_kelamin",) if has("jenis_kelamin") else ()
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
    rules += _fallback_rules(view)
    # a rare word of the name, or of the address, shared: whatever else was retyped (blocks
    # of the rarest words first, at most one pair a record each)
    rules.append(WordBlock("nama", (), max_block_size=WORD_BLOCK))
    if has("alamat"):
        rules.append(WordBlock("alamat", (), max_block_size=WORD_BLOCK))
    if has("tanggal_lahir"):
        # a word of the name with the birth year and month, or with the birthday: a typing
        # slip in another word, a word left out or words reordered, and a date retyped, at
        # once (with the sex where known: it halves the blocks)
        sex = ("jenis_kelamin",) if has("jenis_kelamin") else ()
        rules.append(WordBlock("nama", ("birth_day", *sex), max_block_size=WORD_BLOCK))
    return rules


def _fallback_rules(view: RecordsView) -> list[BlockingRule]:
    """The coarse rules that are cheap on this data (see :func:`default_blocking_rules`)."""
    has = view.has
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
    per = view.n if view.n_list is None else 2 * view.n_list
    budget = min(FALLBACK_PAIRS_PER_RECORD * per, FALLBACK_MAX_PAIRS)
    return list(view.affordable(candidates, budget))


class RecordsView(Protocol):
    """What choosing blocking rules needs to know of a job's records: how many there are
    (``n``; ``n_list``, the list's, when linking), whether a field has a value anywhere, and
    which coarse rules fit a budget of pairs (:func:`~nikmatch.blocking.affordable_rules`).
    :class:`PreparedView` answers from a table in memory; :mod:`nikmatch.spark` from
    aggregates over a cluster's records."""

    @property
    def n(self) -> int:
        """Records of the job."""

    @property
    def n_list(self) -> int | None:
        """Records of the list (linking), else ``None``."""

    def has(self, name: str) -> bool:
        """Whether some record holds a value of the field."""

    def affordable(self, candidates: Sequence[BlockOn], budget: int) -> list[BlockOn]:
        """The ``candidates`` that fit in ``budget`` pairs together, in order."""


@dataclass
class PreparedView:
    """A :class:`RecordsView` of a table prepared in memory (its blocking ``keys``).

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> view = PreparedView(prepare(pd.DataFrame({"nama": ["Budi"], "tanggal_lahir": [None]})))
    >>> view.n, view.n_list, view.has("nama"), view.has("tanggal_lahir")
    (1, None, True, False)
    """

    prepared: Prepared
    keys: Mapping[str, I64] | None = None

    @property
    def n(self) -> int:
        """Records of the job."""
        return self.prepared.n

    @property
    def n_list(self) -> int | None:
        """Records of the list (linking), else ``None``."""
        source = self.prepared.source
        return None if source is None else int((source == 0).sum())

    def has(self, name: str) -> bool:
        """Whether some record holds a value of the field."""
        return self.prepared.has(name)

    def affordable(self, candidates: Sequence[BlockOn], budget: int) -> list[BlockOn]:
        """:func:`~nikmatch.blocking.affordable_rules` over the table's keys."""
        keys = self.prepared.keys() if self.keys is None else self.keys
        return affordable_rules(candidates, keys, budget=budget, source=self.prepared.source)


@dataclass(frozen=True)
class ScoredChunk:
    """Candidate pairs scored (:func:`score_chunk`): the kept pairs' positions, evidence
    (bits, without any prior), levels and strata (1-based into the model's, 0 for none), and
    how many candidates there were in no stratum and in each stratum."""

    left: I64
    right: I64
    bayes_weight: F64
    levels: npt.NDArray[np.int8]
    stratum: npt.NDArray[np.int8]
    stratum_candidates: I64

    @property
    def n_candidates(self) -> int:
        """Candidate pairs scored, kept or not."""
        return int(self.stratum_candidates.sum())


def score_chunk(
    model: Model,
    prepared: Prepared,
    left: I64,
    right: I64,
    *,
    keep_bayes_weight: float = 0.0,
    tf_source: int | None = None,
) -> ScoredChunk:
    """Compare and weigh candidate pairs (positions in ``prepared``) and keep those with
    evidence of at least ``keep_bayes_weight`` bits (:data:`STRATUM_KEEP_BITS` less in a
    stratum, whose own prior may be high).

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> result = nm.find_duplicates(small_population(seed=0)[0])
    >>> top = result.matches.iloc[:3]
    >>> chunk = score_chunk(result.model, result.prepared, top["row_l"].to_numpy(),
    ...                     top["row_r"].to_numpy())
    >>> weights, _ = final_weights(chunk.bayes_weight, chunk.stratum, result.model)
    >>> bool(np.allclose(weights, top["match_weight"].to_numpy()))
    True
    """
    extras: dict[str, tuple[F64, I64]] = {}
    levels = compare(model.comparisons, prepared, left, right, extras=extras)
    parts, which = model.evidence(
        prepared, levels, left, right, tf_source=tf_source, extras=extras
    )
    bw = parts.sum(axis=1)
    n_strata = len(model.strata)
    keep = bw >= np.where(which > 0, keep_bayes_weight - STRATUM_KEEP_BITS, keep_bayes_weight)
    return ScoredChunk(
        left[keep],
        right[keep],
        bw[keep],
        levels[keep],
        which[keep].astype(np.int8),
        np.bincount(which, minlength=n_strata + 1)[: n_strata + 1].astype(np.int64),
    )


def final_weights(
    bayes_weight: F64, stratum: npt.NDArray[np.int8], model: Model | Sequence[float]
) -> tuple[F64, F64]:
    """Match weights (evidence plus each pair's prior: its stratum's, else the model's) and
    probabilities; ``model`` may be the priors themselves (global first, then each
    stratum's)."""
    priors = (
        np.array([model.prior_weight, *(f.prior_weight for f in model.strata)], np.float64)
        if isinstance(model, Model)
        else np.asarray(model, dtype=np.float64)
    )
    weight = np.asarray(bayes_weight, dtype=np.float64) + priors[stratum.astype(np.int64)]
    return weight, probability(weight)


def probability(weight: F64) -> F64:
    """``1 / (1 + 2**-weight)``, clipped at +-60 bits."""
    return np.asarray(1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60))), dtype=np.float64)


@dataclass(frozen=True)
class JobPriors:
    """The priors of a job (:func:`job_priors`): ``lambda_`` for pairs in no stratum,
    ``strata`` one per stratum, with the pairs each prior applies to (``outside``,
    ``stratum_totals``)."""

    lambda_: float
    strata: list[float]
    outside: float
    stratum_totals: list[float]

    @property
    def expected_matching_pairs(self) -> float:
        """Matching pairs the priors expect among all pairs of the job."""
        return self.lambda_ * self.outside + sum(
            lam * t for lam, t in zip(self.strata, self.stratum_totals, strict=True)
        )


def job_priors(
    model: Model,
    bayes_weight: F64,
    stratum: npt.NDArray[np.int8],
    stratum_candidates: I64,
    counted_totals: Sequence[float],
    total_pairs: float,
    *,
    lambda_: float | None = None,
) -> JobPriors:
    """The job's priors from its scored pairs (evidence ``bayes_weight`` of the kept pairs
    and their ``stratum``; candidates per stratum, kept or not): maximum likelihood
    (:func:`~nikmatch.model.estimate_lambda`) over the pairs of each stratum against the
    stratum's pairs (the household's, ``counted_totals``, counted from its blocks; another
    stratum's among the candidates), and over the rest against all other pairs.  A fixed
    ``lambda_`` keeps the model's strata priors.  All a cluster needs to bring together is
    the kept pairs' evidence and a few counts."""
    totals = [
        max(
            float(stratum_candidates[k]),
            counted if f.stratum.name == "household" else 1.0,
        )
        for k, (f, counted) in enumerate(zip(model.strata, counted_totals, strict=True), 1)
    ]
    outside = max(total_pairs - sum(totals), 1.0)
    if lambda_ is not None:
        return JobPriors(float(lambda_), [f.lambda_ for f in model.strata], outside, totals)
    lam = estimate_lambda(bayes_weight[stratum == 0], outside)
    strata = [
        estimate_lambda(bayes_weight[stratum == k], total, max_lambda=0.95)
        for k, total in enumerate(totals, start=1)
    ]
    return JobPriors(lam, strata, outside, totals)


def score_positions(
    model: Model, prepared: Prepared, left: I64, right: I64, *, tf_source: int | None
) -> F64:
    """Match weights (bits, with prior) of arbitrary record-position pairs (in a link, two
    records of one side are weighed with the register's own household prior)."""
    levels = compare(model.comparisons, prepared, left, right)
    out = model.score_levels(prepared, levels, left, right, tf_source=tf_source)
    if prepared.source is not None and model.strata:
        same = np.flatnonzero(prepared.source[left] == prepared.source[right])
        if len(same):
            out[same] = model.within_register().score_levels(
                prepared, levels[same], left[same], right[same], tf_source=tf_source
            )
    return out


@dataclass(frozen=True)
class ClusterOutcome:
    """What :func:`cluster_stage` found: per record ``labels`` (cluster ids, 0.., in order
    of each cluster's first record); per match given, ``ambiguous`` and ``kept_apart``
    (:class:`~nikmatch.cluster.Clustering`); per record (a deduplication only), ``survivor``
    and ``recommendation``."""

    labels: I64
    ambiguous: npt.NDArray[np.bool_]
    survivor: npt.NDArray[np.bool_] | None = None
    recommendation: npt.NDArray[np.object_] | None = None
    kept_apart: npt.NDArray[np.bool_] | None = None


def cluster_stage(
    model: Model,
    prepared: Prepared,
    matches: pd.DataFrame,
    *,
    tf_source: int | None,
    survivors: bool,
    min_internal_weight: float = HELD_APART_BITS,
) -> ClusterOutcome:
    """Cluster the records of ``prepared`` joined by ``matches`` (``row_l``, ``row_r``:
    positions; ``match_weight``; ``gamma_`` levels): :func:`~nikmatch.cluster.cluster_matches`
    with the model as the judge of pairs held apart; with ``survivors``, the surviving NIK
    and what to verify per record.  Works on any set of whole connected components of the
    match graph (the whole register in memory; a group of components on a cluster)."""
    left = matches["row_l"].to_numpy(dtype=np.int64)
    right = matches["row_r"].to_numpy(dtype=np.int64)

    def scorer(a: I64, b: I64) -> F64:
        return score_positions(model, prepared, a, b, tf_source=tf_source)

    found: Clustering = cluster_matches(
        prepared.n,
        left,
        right,
        matches["match_weight"].to_numpy(dtype=np.float64),
        scorer=scorer,
        parts=contribution_parts(model, prepared, matches, tf_source=tf_source),
        min_internal_weight=min_internal_weight,
    )
    if not survivors:
        return ClusterOutcome(found.labels, found.ambiguous, kept_apart=found.kept_apart)
    labels = found.labels
    if prepared.n:
        survivor, rec = _survivors(prepared, labels)
    else:
        survivor, rec = np.zeros(0, bool), np.zeros(0, object)
    _note_kept_apart(rec, labels, matches)
    _note_possible_siblings(rec, labels, model, prepared, matches[~found.ambiguous])
    return ClusterOutcome(labels, found.ambiguous, survivor, rec, found.kept_apart)


def sound_alike(
    model: Model, pairs: pd.DataFrame, prepared: Prepared | None = None
) -> npt.NDArray[np.bool_]:
    """Pairs of one household born on one day whose names are spelt differently but have
    one phonetic key (``nayla`` / ``naila``, ``farel`` / ``farrel``): twins are sometimes named
    so, and nothing in the records tells them from one person entered twice.  The model
    weighs them as it weighs the rest; they are kept out of the matches and flagged for the
    family card to decide (:data:`SOUND_ALIKE_NOTE`).  A spelling no one else in the register
    has and no lexicon knows, made as a keyboard slips (``dirggantara`` for ``dirgantara``),
    is no name parents gave: such a pair is one person mistyped, and stays a match (checked
    when the records, ``prepared``, are given: ``row_l``/``row_r`` are positions in it)."""
    if "stratum" not in pairs.columns:
        return np.zeros(len(pairs), dtype=bool)
    rule = sound_alike_rule(model, lambda column: pairs[column].to_numpy())
    if rule is None:
        return np.zeros(len(pairs), dtype=bool)
    out: npt.NDArray[np.bool_] = np.asarray(rule, dtype=bool)
    rows = np.flatnonzero(out)
    if prepared is not None and len(rows) and {"row_l", "row_r"} <= set(pairs.columns):
        left = pairs["row_l"].to_numpy(dtype=np.int64)[rows]
        right = pairs["row_r"].to_numpy(dtype=np.int64)[rows]
        out[rows] = ~name_respelt_rarely(prepared, "nama", left, right)
    return out


def sound_alike_rule(model: Model, col: Callable[[str], Any]) -> Any:
    """The conditions of :func:`sound_alike` on the columns of a pairs table, read through
    ``col`` (a column name to a numpy array in memory, to a Spark ``Column`` on a cluster):
    one household, one phonetic key of the name but another spelling, one birth date, not one
    NIK.  ``None`` when the model compares no name or no birth date.  The one place both
    engines take the rule from."""
    by_gamma = {f"gamma_{c.name}": c for c in model.comparisons}
    columns = {
        getattr(c, "column", ""): k
        for k, c in by_gamma.items()
        if isinstance(c, NameComparison | DateComparison)
    }
    name, date = columns.get("nama"), columns.get("tanggal_lahir")
    if name is None or date is None:
        return None
    # one household only: the same spelling pair with one mother's name, out of the home, is
    # far likelier one person who moved (flagging those cost 4 to 8 points of recall on
    # generated registers to keep two twin pairs apart)
    out = (
        (col("stratum") == "household")
        & (col(name) == NameComparison.KEY)
        & (col(date) >= DateComparison.EXACT_DEFAULT)
    )
    nik = next((k for k, c in by_gamma.items() if isinstance(c, NIKComparison)), None)
    if nik is not None:  # one NIK is one registration: a listed resident's own record
        out = out & (col(nik) != NIKComparison.IDENTICAL)
    return out


def contribution_parts(
    model: Model, prepared: Prepared, pairs: pd.DataFrame, *, tf_source: int | None
) -> F64 | None:
    """Each comparison's contribution to the weights of ``pairs`` (``row_l``/``row_r``:
    positions in ``prepared``), ``NaN`` where a value is missing (level 0); ``None`` when
    ``pairs`` lacks a comparison's levels."""
    columns = [f"gamma_{name}" for name in model.names]
    if not set(columns) <= set(pairs.columns):
        return None
    levels = pairs[columns].to_numpy(dtype=np.int8)
    left = pairs["row_l"].to_numpy(dtype=np.int64)
    right = pairs["row_r"].to_numpy(dtype=np.int64)
    parts = model.contributions(prepared, levels, left, right, tf_source=tf_source)
    parts[levels == 0] = np.nan
    return parts


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
    rec: npt.NDArray[np.object_],
    labels: I64,
    model: Model,
    prepared: Prepared,
    pairs: pd.DataFrame,
) -> None:
    """Tell the reviewer about matches that siblings can look like: on one KK, one name fits
    in the other with a word omitted (no initial), birth dates not equal.  Measured on a
    generated register of 1,000,000 records, half such matches were two siblings (brothers
    sharing a first name and a birthday, years one digit apart); the rest one person."""
    gamma = {(type(c), getattr(c, "column", None)): f"gamma_{c.name}" for c in model.comparisons}
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




#: the old private names, for code that imported them from :mod:`nikmatch.linker`
_sound_alike = sound_alike
