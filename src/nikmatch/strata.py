"""Strata: record pairs inside one household, weighed as members of one family are.

The Fellegi–Sunter model takes the comparisons of a pair to be independent given match status.
Inside a household they are not: two members of one family card share the KK, the address, the
mother's name and often the place of birth, and twins share the birth date.  Counted as
independent evidence, these agreements outvote a different name (twins look like one person
entered twice), and a fixed veto that no evidence can overturn throws away the residents entered
twice on one card, a common source of double NIKs.

A *stratum* is the honest model of such pairs.  A pair is in the household stratum by the
comparison that *defines* it (:func:`stratum_of`: the same KK, or the same address in the same
kelurahan).  Inside it:

* the prior is the stratum's own, ``λ_s``: the share of its pairs that are one person (1 in a
  few hundred pairs on one KK), estimated for each job from the scored pairs exactly as the
  global ``λ`` is (:func:`~nikmatch.model.estimate_lambda`); the defining comparison adds
  nothing more (its agreement *is* the stratum);
* every other comparison is weighed against ``u`` estimated *among the household's pairs that
  are two people* (not among random pairs): the same mother's name is no evidence there, a
  shared birth date is weak (twins), a name one letter from another name in use is what
  twins are given, and a word no one else is called is what a typing slip makes; against
  ``u`` among members born on one day for pairs born on one day (twins share a birthplace, a
  NIK region); and against ``m`` among the household's pairs that are one person (a second
  record on one card was issued in the same kecamatan: the NIK's region agrees);
* the name and the birth date are weighed *jointly*, from a table of their level combinations
  among family members (twins agree on the date *and* carry similar names).

The ``u`` and ``m`` are estimated on the register itself (:func:`estimate_strata`): every pair
on one KK or at one address is enumerated and its levels counted; see :func:`_fit_stratum` for
how one person's pairs are kept apart from the family's.  The result is part of the fitted
:class:`~nikmatch.model.Model` (saved with it, shipped to Spark workers with it).

A second stratum for *families living apart* (a rarely held mother's name and one birth date:
twins who left home) was built and measured: it cost 1.8 points of recall on two generated
registers and kept two twin pairs apart; it is not used (``docs/guide/model.md``).

>>> [s.name for s in DEFAULT_STRATA]
['household']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nikmatch.blocking import BlockOn, block_pairs, rule_pair_count
from nikmatch.comparisons import (
    Comparison,
    DateComparison,
    DomicileComparison,
    NameComparison,
    compare_in_parts,
)
from nikmatch.em import pattern_counts
from nikmatch.prepare import Prepared

if TYPE_CHECKING:  # pragma: no cover - typing only
    from nikmatch.model import Model

__all__ = [
    "DEFAULT_STRATA",
    "HOUSEHOLD",
    "Stratum",
    "StratumModel",
    "StratumSample",
    "estimate_strata",
    "fit_strata",
    "stratum_of",
    "stratum_pair_totals",
    "stratum_samples",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
I8 = npt.NDArray[np.int8]

#: Households (KKs, addresses) larger than this are institutions or placeholders: not sampled.
HOUSEHOLD_MAX_RECORDS = 40
#: Pairs of a stratum estimated at most (sampled beyond: a million records make ~3 million).
MAX_STRATUM_PAIRS = 600_000
#: A stratum needs at least this many pairs of two people to be estimated (else no stratum).
MIN_STRATUM_PAIRS = 300.0
#: ... and at most this share of its pairs in one person's corner: where same addresses make
#: mostly one person's pairs (no families in the data: FEBRL), there is no household to model.
MAX_CORNER_SHARE = 0.1
#: Weight, in pairs, of the product of the stratum's marginal shares in the cells of the joint
#: name-and-date table (cells seen rarely fall back to it rather than to zero).
JOINT_SMOOTHING = 20.0
#: Weight, in pairs, of the random-pair ``u`` (or of the global ``m``) in each share of a
#: stratum.
MARGINAL_SMOOTHING = 2.0
#: Weight, in pairs, of the global ``m`` in the stratum's ``m``.
M_SMOOTHING = 20.0
#: Weight, in pairs, of the stratum's ``u`` in its ``u`` among members born on nearly the same
#: date (twins: a few hundred pairs in a register of 50,000).
NEAR_SMOOTHING = 20.0
#: Share of a stratum's pairs taken to behave like random pairs (lodgers at one address, a
#: KK number mistyped into another's): every share of its ``u`` is at least this share of the
#: random pairs' ``u``, so a combination its sample never shows is not taken as impossible.
STRANGER_SHARE = 0.1


@dataclass(frozen=True)
class Stratum:
    """A kind of pair weighed apart: ``defining`` are the comparisons whose agreement puts a
    pair in it; ``joint`` the two comparisons weighed together; ``corner`` where one person's
    records lie in their table (see :func:`_fit_stratum`).

    >>> HOUSEHOLD.defining, HOUSEHOLD.joint
    (('domisili',), ('nama', 'tanggal_lahir'))
    """

    name: str
    label: str
    defining: tuple[str, ...]
    joint: tuple[str, str] = ("nama", "tanggal_lahir")

    @staticmethod
    def in_corner(name: npt.NDArray[np.integer[Any]], date: npt.NDArray[np.integer[Any]]) -> (
        npt.NDArray[np.bool_]
    ):
        """One person's corner of the name-and-date table: very similar names or better
        (a mistyped word, a word left out) on birth dates one slip apart or equal, or the same
        words (up to a mistyped one) within a year.

        >>> Stratum.in_corner(np.array([10, 10, 5, 4]), np.array([3, 1, 6, 6])).tolist()
        [True, False, True, False]
        """
        Name, Date = NameComparison, DateComparison
        near = (name >= Name.VERY_SIMILAR) & (date >= Date.ONE_DIGIT)
        same = (name >= Name.SLIP) & (date >= Date.WITHIN_YEAR)
        out: npt.NDArray[np.bool_] = near | same
        return out

    @staticmethod
    def near_dates(date: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        """Birth dates equal or one slip apart (twins' dates, or one person's)."""
        out: npt.NDArray[np.bool_] = date >= DateComparison.ONE_DIGIT
        return out

    @staticmethod
    def two_names(name: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        """Name levels that say "two names" (partly the same at most)."""
        out: npt.NDArray[np.bool_] = name <= NameComparison.PARTLY
        return out

    @staticmethod
    def two_dates(date: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        """Date levels that say "two birth dates" (different)."""
        out: npt.NDArray[np.bool_] = date <= DateComparison.DIFFERENT
        return out


HOUSEHOLD = Stratum(
    "household",
    "one household (the same KK, or the same address)",
    ("domisili",),
)
DEFAULT_STRATA: tuple[Stratum, ...] = (HOUSEHOLD,)
_BY_NAME = {s.name: s for s in DEFAULT_STRATA}


def _floats(values: F64 | None) -> list[float] | None:
    return None if values is None else [float(x) for x in values]


@dataclass
class StratumModel:
    """One fitted stratum: ``u`` and ``m`` per comparison (``None`` for the defining
    comparisons, which add nothing inside the stratum, and for fixed-weight ones; an ``m`` of
    ``None`` uses the model's), the ``joint`` table of the two joint comparisons' levels among
    two people, the prior ``lambda_`` (share of the stratum's pairs that are one person,
    re-estimated per job), and ``info`` (pairs counted)."""

    stratum: Stratum
    u: list[F64 | None]
    m: list[F64 | None]
    joint: F64 | None
    lambda_: float = 1e-3
    info: dict[str, Any] = field(default_factory=dict)
    #: ``u`` of the comparisons outside the joint pair among members born on nearly the same
    #: date (twins share a birthplace, a NIK region, often the sex): used for such pairs
    u_near: list[F64 | None] = field(default_factory=list)
    #: the share of one person among the *register's own* pairs of the stratum, estimated when
    #: the model was trained and kept: the prior of two register records of one household
    #: compared while linking a list (whose own pairs have a prior of their own)
    register_lambda: float = 1e-3

    @property
    def prior_weight(self) -> float:
        """``log2(λ_s / (1 - λ_s))``: the weight of a pair in this stratum before any
        comparison."""
        return math.log2(self.lambda_ / (1.0 - self.lambda_))

    def with_lambda(self, lambda_: float) -> StratumModel:
        """A copy with another prior."""
        return StratumModel(
            self.stratum,
            self.u,
            self.m,
            self.joint,
            float(lambda_),
            dict(self.info),
            self.u_near,
            self.register_lambda,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "stratum": self.stratum.name,
            "lambda": self.lambda_,
            "register_lambda": self.register_lambda,
            "u": [_floats(u) for u in self.u],
            "u_near": [_floats(u) for u in self.u_near],
            "m": [_floats(m) for m in self.m],
            "joint": None if self.joint is None else [[float(x) for x in r] for r in self.joint],
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StratumModel:
        """Rebuild from :meth:`to_dict`."""
        name = str(data["stratum"])
        if name not in _BY_NAME:
            raise ValueError(f"unknown stratum {name!r}")
        joint = data.get("joint")

        def arrays(key: str) -> list[F64 | None]:
            return [None if x is None else np.asarray(x, dtype=np.float64) for x in data[key]]

        return cls(
            _BY_NAME[name],
            arrays("u"),
            arrays("m"),
            None if joint is None else np.asarray(joint, dtype=np.float64),
            float(data["lambda"]),
            dict(data.get("info", {})),
            arrays("u_near") if "u_near" in data else [],
            float(data.get("register_lambda", data["lambda"])),
        )


def stratum_of(
    strata: Sequence[Stratum],
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    levels: npt.NDArray[np.int8],
    left: I64,
) -> I8:
    """Per pair: ``k`` (1-based) of the first stratum in ``strata`` it belongs to, else 0.

    *household*: the domicile comparison says same KK or same address (in the same
    kelurahan).
    """
    names = [c.name for c in comparisons]
    out = np.zeros(len(left), dtype=np.int8)
    for k in range(len(strata), 0, -1):  # the first stratum that applies wins
        stratum = strata[k - 1]
        if stratum.name == "household" and "domisili" in names:
            j = names.index("domisili")
            out[levels[:, j] >= DomicileComparison.SAME_ADDRESS] = k
    return out


def _rules(prepared: Prepared, stratum: Stratum) -> list[BlockOn]:
    """Blocking rules that enumerate a stratum's pairs (whole households)."""
    if stratum.name == "household":
        rules = []
        if prepared.has("no_kk"):
            rules.append(BlockOn("no_kk", max_block_size=HOUSEHOLD_MAX_RECORDS))
        if prepared.has("alamat") and prepared.has("kelurahan"):
            rules.append(BlockOn("alamat", "kelurahan", max_block_size=HOUSEHOLD_MAX_RECORDS))
        return rules
    return []


def stratum_pair_totals(prepared: Prepared, strata: Sequence[Stratum]) -> list[float]:
    """About how many record pairs of this job (a register's pairs, or a list's pairs with
    the register) each stratum holds, from block sizes alone: the denominator of its ``λ_s``.

    The union of a stratum's blocks is counted as the sum of its rules' pairs less the pairs
    the first two share (pairs in none of the blocks, such as addresses one slip apart, are
    left out: a few percent)."""
    keys = prepared.keys()
    out: list[float] = []
    for stratum in strata:
        rules = _rules(prepared, stratum)
        total = 0.0
        for rule in rules:
            total += rule_pair_count(
                rule.fields, keys, source=prepared.source, max_block_size=rule.max_block_size
            )[0]
        if len(rules) >= 2:
            both = tuple(dict.fromkeys((*rules[0].fields, *rules[1].fields)))
            total -= rule_pair_count(
                both, keys, source=prepared.source, max_block_size=rules[0].max_block_size
            )[0]
        out.append(max(total, 1.0))
    return out


def _stratum_pairs(prepared: Prepared, strata: Sequence[Stratum], seed: int) -> tuple[I64, I64]:
    """Every pair on one KK or at one address, on the register's side when linking;
    sampled down to :data:`MAX_STRATUM_PAIRS`."""
    keys = dict(prepared.keys())
    if prepared.source is not None:  # the register's households
        register = prepared.source == 1
        keys = {k: np.where(register, v, -1) for k, v in keys.items() if len(v) == len(register)}
    rules = [r for s in strata for r in _rules(prepared, s)]
    if not rules:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    left, right = block_pairs(rules, keys, prepared.n, warn=False)
    if len(left) > MAX_STRATUM_PAIRS:
        rank = prepared.content_rank()
        # the same sample whatever the order of the input rows
        order = np.lexsort((rank[np.maximum(left, right)], rank[np.minimum(left, right)]))
        rng = np.random.default_rng(seed)
        pick = np.sort(rng.choice(len(left), size=MAX_STRATUM_PAIRS, replace=False))
        left, right = left[order][pick], right[order][pick]
    return left, right


def _shares(levels: I8, weights: F64, n_levels: int, prior: F64, strength: float) -> F64:
    counted = np.bincount(levels, weights=weights, minlength=n_levels)[:n_levels]
    counts = counted.astype(np.float64) + strength * prior
    counts[0] = 0.0
    total = counts.sum()
    out = counts / total if total > 0 else prior.copy()
    out[0] = 0.0
    return np.asarray(out, dtype=np.float64)


def _joint_table(la: I8, lb: I8, weights: F64, ua: F64, ub: F64) -> F64:
    """Shares of the (a, b) level combinations, both present, smoothed toward ``ua x ub``."""
    na, nb = len(ua), len(ub)
    both = (la > 0) & (lb > 0)
    counts = np.bincount(
        la[both].astype(np.int64) * nb + lb[both], weights=weights[both], minlength=na * nb
    )[: na * nb].reshape(na, nb)
    prior = np.outer(ua, ub)
    prior[0, :] = 0.0
    prior[:, 0] = 0.0
    prior /= max(float(prior.sum()), 1e-300)
    table = counts + JOINT_SMOOTHING * prior
    table[0, :] = 0.0
    table[:, 0] = 0.0
    out: F64 = table / max(float(table.sum()), 1e-300)
    return out


def _fit_stratum(
    model: Model, stratum: Stratum, patterns: npt.NDArray[np.int8], counts: F64
) -> StratumModel | None:
    """The ``u``, ``m`` and joint table of one stratum from the pairs of the register that
    fall in it (``None`` when they are too few).

    Nearly all of them are two people, except in one corner: the same name (up to a mistyped
    word, words reordered) on nearby birth dates, where a household's second records of one
    person lie and members of one family almost never are.  There the data cannot tell the
    two apart without labels, so that corner of the name-and-date table is not counted among
    two people: its shares are those the two comparisons have apart (the name's among family
    members born on different dates, the date's among members with different names),
    multiplied.  Every other share of ``u`` is counted as it is (a few second records outside
    the corner count as family members: a small cost).  The corner's pairs, nearly all one
    person, give the stratum's ``m`` of the other comparisons (smoothed toward the model's).
    """
    names = model.names
    learn = [
        not model.fixed[j] and c.name not in stratum.defining
        for j, c in enumerate(model.comparisons)
    ]
    joint_idx = (
        (names.index(stratum.joint[0]), names.index(stratum.joint[1]))
        if all(n in names for n in stratum.joint)
        and all(learn[names.index(n)] for n in stratum.joint)
        else None
    )
    corner = np.zeros(len(patterns), dtype=bool)
    if joint_idx is not None:
        corner = stratum.in_corner(patterns[:, joint_idx[0]], patterns[:, joint_idx[1]])
    apart = counts * ~corner
    one = counts * corner
    if float(apart.sum()) < MIN_STRATUM_PAIRS or float(one.sum()) > MAX_CORNER_SHARE * float(
        counts.sum()
    ):
        return None
    near = (
        stratum.near_dates(patterns[:, joint_idx[1]])
        if joint_idx is not None
        else np.zeros(len(patterns), dtype=bool)
    )
    u_all: list[F64 | None] = []
    u_near: list[F64 | None] = []
    m_all: list[F64 | None] = []
    for j, comp in enumerate(model.comparisons):
        in_joint = joint_idx is not None and j in joint_idx
        if not learn[j]:
            u_all.append(None)
            u_near.append(None)
            m_all.append(None)
            continue
        counted = _shares(patterns[:, j], apart, comp.n_levels, model.u[j], MARGINAL_SMOOTHING)
        u_all.append((1.0 - STRANGER_SHARE) * counted + STRANGER_SHARE * model.u[j])
        if in_joint:
            u_near.append(None)
        else:
            twins = _shares(patterns[:, j], apart * near, comp.n_levels, counted, NEAR_SMOOTHING)
            u_near.append((1.0 - STRANGER_SHARE) * twins + STRANGER_SHARE * model.u[j])
        m_all.append(
            None
            if in_joint
            else _shares(patterns[:, j], one, comp.n_levels, model.m[j], M_SMOOTHING)
        )
    joint = None
    one_person_share = 1e-3
    n_apart = float(apart.sum())
    if joint_idx is not None:
        a, b = joint_idx
        la, lb = patterns[:, a], patterns[:, b]
        na, nb = model.comparisons[a].n_levels, model.comparisons[b].n_levels
        # each comparison's shares where the other says "two people": the name's among
        # members born on different dates, the date's among members with different names
        name_apart = _shares(
            la, apart * stratum.two_dates(lb), na, model.u[a], MARGINAL_SMOOTHING
        )
        date_apart = _shares(
            lb, apart * stratum.two_names(la), nb, model.u[b], MARGINAL_SMOOTHING
        )
        ua, ub = u_all[a], u_all[b]
        if ua is None or ub is None:  # pragma: no cover - both learned above
            return None
        table = _joint_table(la, lb, apart, ua, ub) * n_apart
        grid_a, grid_b = np.meshgrid(np.arange(na), np.arange(nb), indexing="ij")
        in_corner = stratum.in_corner(grid_a, grid_b)
        table = np.where(in_corner, np.outer(name_apart, date_apart) * n_apart, table)
        table[0, :] = 0.0
        table[:, 0] = 0.0
        strangers = np.outer(model.u[a], model.u[b])
        strangers[0, :] = 0.0
        strangers[:, 0] = 0.0
        joint = (1.0 - STRANGER_SHARE) * table / max(float(table.sum()), 1e-300)
        joint += STRANGER_SHARE * strangers / max(float(strangers.sum()), 1e-300)
        # a first prior: the corner's pairs over the share of one person's pairs that fall in
        # it, among all pairs (each job estimates its own)
        in_corner_m = float(
            np.outer(model.m[a], model.m[b])[in_corner].sum()
            / max(float(np.outer(model.m[a], model.m[b])[1:, 1:].sum()), 1e-300)
        )
        found = float(one.sum()) / max(in_corner_m, 1e-3)
        one_person_share = min(max(found / float(counts.sum()), 1e-6), 0.5)
    return StratumModel(
        stratum,
        u_all,
        m_all,
        joint,
        one_person_share,
        {
            "pairs": int(counts.sum()),
            "pairs_in_corner": round(float(one.sum())),
            "pairs_born_together": round(float((apart * near).sum())),
            "joint": list(stratum.joint) if joint_idx is not None else None,
        },
        u_near,
        one_person_share,
    )


@dataclass(frozen=True)
class StratumSample:
    """The level patterns (and their counts) of one stratum's pairs in a register."""

    stratum: Stratum
    patterns: npt.NDArray[np.int8]
    counts: F64


def stratum_samples(
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    *,
    strata: Sequence[Stratum] = DEFAULT_STRATA,
    seed: int = 0,
) -> list[StratumSample]:
    """The pairs of each stratum in the register (its own households and families), as
    level patterns with counts; strata with too few pairs are left out."""
    left, right = _stratum_pairs(prepared, strata, seed)
    if not len(left):
        return []
    levels = compare_in_parts(comparisons, prepared, left, right)
    which = stratum_of(strata, comparisons, prepared, levels, left)
    out: list[StratumSample] = []
    for k, stratum in enumerate(strata, start=1):
        rows = which == k
        if rows.sum() < MIN_STRATUM_PAIRS:
            continue
        patterns, counts = pattern_counts(levels[rows])
        out.append(StratumSample(stratum, patterns, counts.astype(np.float64)))
    return out


def fit_strata(
    model: Model,
    samples: Sequence[StratumSample],
    wanted: Sequence[Stratum] = DEFAULT_STRATA,
) -> list[StratumModel]:
    """Fit each sampled stratum (:func:`_fit_stratum`); those that do not hold (too few
    pairs of two people, or mostly one person's pairs, as where addresses are shared by no
    family) are left out: their pairs are weighed like any other."""
    out: list[StratumModel] = []
    for sample in samples:
        fitted = _fit_stratum(model, sample.stratum, sample.patterns, sample.counts)
        if fitted is not None:
            out.append(fitted)
    return [f for f in out if f.stratum in wanted]


def estimate_strata(
    model: Model,
    prepared: Prepared,
    *,
    strata: Sequence[Stratum] = DEFAULT_STRATA,
    seed: int = 0,
) -> list[StratumModel]:
    """Fit each stratum on the register's own households and families (see the module
    docstring and :func:`fit_strata`)."""
    return fit_strata(
        model, stratum_samples(model.comparisons, prepared, strata=strata, seed=seed), strata
    )
