"""The Fellegi–Sunter model: parameters, training, scoring, and JSON persistence.

For each comparison and level the model holds ``m`` (how often true matches show this level)
and ``u`` (how often non-matches do); the level's *weight* is ``log2(m/u)`` bits.  A pair's match
weight is the prior ``log2(λ/(1-λ))`` plus the weights of its levels, plus term-frequency
adjustments for agreement on rare or common values.  Training:

1. ``u`` from random record pairs (:func:`estimate_u`), which are almost all non-matches;
2. ``m`` by EM (:mod:`nikmatch.em`) over sampled pairs of a few *training blocks*; the comparisons
   a training block forces to agree are excluded from that block's EM run, and each ``m`` is the
   average over the runs that estimated it;
3. ``λ`` (the probability two random records are one person) by maximum likelihood over the
   scored candidate pairs (:func:`estimate_lambda`), or fixed by the user.

A fitted :class:`Model` is small and serialisable (:meth:`Model.to_json`), so an office trains
once and reuses it, and a Spark job ships it to every partition.

>>> import numpy as np
>>> from nikmatch.comparisons import ExactComparison
>>> model = Model([ExactComparison("no_kk")], m=[np.array([0, 0.1, 0.9])],
...               u=[np.array([0, 0.999, 0.001])], lambda_=1e-4)
>>> model.level_weights()[0].round(2).tolist()
[0.0, -3.32, 9.81]
>>> Model.from_json(model.to_json()).lambda_
0.0001
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nikmatch._version import __version__
from nikmatch.blocking import BlockOn, sample_block_pairs
from nikmatch.comparisons import (
    Comparison,
    ExactComparison,
    NameComparison,
    compare,
    compare_in_parts,
    comparison_from_dict,
    name_word_agreement,
    word_reference,
)
from nikmatch.em import fit_em, pattern_counts
from nikmatch.errors import ModelError
from nikmatch.prepare import Prepared, joint_tf, tf_reference, tf_table
from nikmatch.privacy import mask_text
from nikmatch.strata import (
    DEFAULT_STRATA,
    Stratum,
    StratumModel,
    fit_strata,
    stratum_of,
    stratum_samples,
)

__all__ = [
    "MODEL_FORMAT_VERSION",
    "Model",
    "TrainingBlock",
    "estimate_lambda",
    "estimate_u",
    "remove_matches_from_u",
    "train",
]

MODEL_FORMAT_VERSION = 2
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Bounds of a term-frequency adjustment in bits (down-weighting common values may go far;
#: up-weighting rare values is capped so that one rare name cannot carry a pair alone).
TF_ADJUSTMENT_BOUNDS = (-12.0, 4.0)


#: Smallest ``m`` a trained level may get: a level EM never saw among matches (a sex recorded
#: wrongly, names in another order) is rare, not impossible; without a floor one such pair
#: would carry a weight of -20 bits.
M_FLOOR = 1e-3
#: Weight (in matched pairs) of the generic prior on ``m``: agreement likelier than
#: disagreement among matches.  Negligible with thousands of training matches; it keeps EM
#: from fitting ``m`` to a handful of pairs in a small register.
M_PRIOR_STRENGTH = 10.0


@dataclass(frozen=True)
class TrainingBlock:
    """A blocking rule used to sample training pairs, and the comparisons it excludes.

    >>> TrainingBlock(BlockOn("nama_key"), exclude=("nama",)).rule.name
    'nama_key'
    """

    rule: BlockOn
    exclude: tuple[str, ...]


#: ``m`` and ``u`` given to a level added since a model was saved: equal, so its weight is 0
ADDED_LEVEL_SHARE = 1e-6


def _with_added_levels(
    comp: Comparison, saved: list[str], m: F64, u: F64
) -> tuple[F64, F64]:
    """``m`` and ``u`` of a model saved before levels were added to ``comp``: the saved levels
    keep their values, each added level gets :data:`ADDED_LEVEL_SHARE` in both (a weight of 0:
    no evidence until the model is trained again), with a warning.  Any other change of
    levels is a :class:`~nikmatch.errors.ModelError`.

    >>> from nikmatch.comparisons import TextComparison
    >>> comp = TextComparison("alamat")
    >>> old = [label for label in comp.level_labels if not label.startswith("partly")]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     m, u = _with_added_levels(
    ...         comp, old, np.array([0, 0.1, 0.2, 0.7]), np.array([0, 0.9, 0.09, 0.01])
    ...     )
    >>> m.round(6).tolist(), u.round(6).tolist(), len(caught)
    ([0.0, 0.1, 1e-06, 0.2, 0.7], [0.0, 0.9, 1e-06, 0.09, 0.01], 1)
    """
    current = list(comp.level_labels)
    positions = [current.index(label) if label in current else -1 for label in saved]
    if (
        -1 in positions
        or positions != sorted(positions)
        or len(m) != len(saved)
        or len(u) != len(saved)
    ):
        raise ModelError(f"comparison {comp.name!r}: levels differ from this nikmatch version")
    new_m = np.full(len(current), ADDED_LEVEL_SHARE)
    new_u = np.full(len(current), ADDED_LEVEL_SHARE)
    new_m[positions], new_u[positions] = m, u
    new_m[0] = new_u[0] = 0.0
    added = [label for label in current if label not in saved]
    warnings.warn(
        f"comparison {comp.name!r}: level(s) {added} were added since this model was saved; "
        "they carry no weight until the model is trained again",
        UserWarning,
        stacklevel=4,
    )
    return new_m, new_u


def _default_m(n_levels: int) -> F64:
    raw = np.array([0.0] + [4.0**k for k in range(n_levels - 1)], dtype=np.float64)
    raw[1:] /= raw[1:].sum()
    return raw


def _prior_m(comp: Comparison) -> F64:
    """The comparison's ``m_prior`` (normalised), else agreement-likelier default."""
    if comp.m_prior is not None and len(comp.m_prior) == comp.n_levels:
        raw = np.array(comp.m_prior, dtype=np.float64)
        raw[0] = 0.0
        raw[1:] /= raw[1:].sum()
        return raw
    return _default_m(comp.n_levels)


@dataclass
class Model:
    """A Fellegi–Sunter model: comparisons with ``m``/``u`` per level and the prior ``λ``.

    ``m[j][k]`` / ``u[j][k]``: probability of level ``k`` of comparison ``j`` among matches /
    non-matches (level 0, "missing", is ignored).  ``lambda_``: probability that two random
    records are the same person.  ``fixed``: per comparison, whether its parameters are fixed
    (not changed by training).  ``info``: training diagnostics (JSON-ready).

    >>> import numpy as np
    >>> from nikmatch.comparisons import ExactComparison
    >>> model = Model([ExactComparison("no_kk")], m=[np.array([0, 0.1, 0.9])],
    ...               u=[np.array([0, 0.99, 0.01])], lambda_=0.001)
    >>> [round(float(w), 2) for w in model.level_weights()[0]], round(model.prior_weight, 2)
    ([0.0, -3.31, 6.49], -9.96)
    >>> Model.from_json(model.to_json()).m[0].tolist()
    [0.0, 0.1, 0.9]
    """

    comparisons: list[Comparison]
    m: list[F64]
    u: list[F64]
    lambda_: float = 1e-6
    fixed: list[bool] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    #: pairs in one household or family, weighed against ``u`` among family members
    #: (:mod:`nikmatch.strata`); empty: every pair is weighed alike
    strata: list[StratumModel] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.fixed:
            self.fixed = [c.fixed_weights is not None for c in self.comparisons]
        if not (len(self.comparisons) == len(self.m) == len(self.u) == len(self.fixed)):
            raise ModelError("comparisons, m, u and fixed must have the same length")
        for comp, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            if len(m) != comp.n_levels or len(u) != comp.n_levels:
                raise ModelError(f"comparison {comp.name!r}: expected {comp.n_levels} levels")
        if not 0.0 < self.lambda_ < 1.0:
            raise ModelError(f"lambda_ must be in (0, 1), got {self.lambda_}")

    @property
    def names(self) -> list[str]:
        """Comparison names, in order."""
        return [c.name for c in self.comparisons]

    @property
    def prior_weight(self) -> float:
        """``log2(λ / (1 - λ))``: the weight of a pair before any comparison."""
        return math.log2(self.lambda_ / (1.0 - self.lambda_))

    def level_weights(self) -> list[F64]:
        """``log2(m/u)`` per comparison and level (0 for "missing"; fixed weights as given)."""
        out: list[F64] = []
        for comp, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            if comp.fixed_weights is not None:
                w = np.array(
                    [comp.fixed_weights.get(k, 0.0) for k in range(comp.n_levels)], dtype=np.float64
                )
            else:
                w = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
                w[0] = 0.0
            out.append(w)
        return out

    # ---- scoring -------------------------------------------------------------------------
    def tf_adjustments(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        right: I64 | None = None,
        *,
        tf_source: int | None = None,
        extras: Mapping[str, tuple[F64, I64]] | None = None,
    ) -> F64:
        """Term-frequency adjustments (bits), shape ``(n_pairs, n_comparisons)``.

        Exact (and same-key) agreement is adjusted by the frequency of the agreeing value;
        with ``right`` given, partial name agreement too (a word left out, a word in common,
        a mistyped word, words reordered) by the frequency of the agreeing *words*
        (:func:`~nikmatch.comparisons.name_word_agreement`)."""
        adj = np.zeros(levels.shape, dtype=np.float64)
        if right is not None:
            self._word_adjustments(prepared, levels, left, right, adj, extras)
        for j, comp in enumerate(self.comparisons):
            for level, tf_field in comp.tf_levels.items():
                if tf_field not in prepared.codes:
                    continue
                hit = levels[:, j] == level
                if not hit.any():
                    continue
                # the chance that a *different* person holds the value (see tf_table), against
                # that chance on average over the records the level applies to
                others = level not in comp.tf_placeholder_levels
                tf = tf_table(prepared, tf_field, source=tf_source, others=others)
                codes = prepared.codes[tf_field][left[hit]]
                values_tf = np.maximum(tf[np.maximum(codes, 0)], 1e-300)
                reference = tf_reference(
                    prepared, tf_field, comp.tf_scope(prepared, level), source=tf_source,
                    others=others, scope_name=comp.tf_scope_name(level),
                )
                a = np.log2(max(reference, 1e-12) / values_tf)
                adj[hit, j] = np.clip(a, *TF_ADJUSTMENT_BOUNDS)
        self._joint_name_correction(prepared, levels, left, adj, tf_source)
        return adj

    def _word_adjustments(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        right: I64,
        adj: F64,
        extras: Mapping[str, tuple[F64, I64]] | None = None,
    ) -> None:
        """The term-frequency adjustment of partial name agreement (see
        :meth:`tf_adjustments`).  Where all words agree (a mistyped word, another order) the
        agreeing words' share is set against the exact level's chance agreement, as for an
        exact name; where some agree (a word left out, a word in common) against the share of
        the word two random names share on average (:func:`word_reference`), once per
        agreeing word."""
        for j, comp in enumerate(self.comparisons):
            if not isinstance(comp, NameComparison) or comp.column not in prepared.codes:
                continue
            full = np.isin(levels[:, j], list(comp.FULL_WORD_TF_LEVELS))
            part = np.isin(levels[:, j], list(comp.PART_WORD_TF_LEVELS))
            hit = np.flatnonzero(full | part)
            if not len(hit):
                continue
            known = None if extras is None else extras.get(f"words:{comp.column}")
            if known is not None:  # looked at while comparing
                log_share, agreeing = known[0][hit], known[1][hit]
            else:
                log_share, agreeing = name_word_agreement(
                    prepared, comp.column, left[hit], right[hit]
                )
            exact_ref = math.log2(max(float(self.u[j][comp.EXACT]), 1e-12))
            word_ref = word_reference(prepared, comp.column)
            ref = np.where(full[hit], exact_ref, word_ref * agreeing)
            value = np.clip(ref - log_share, *TF_ADJUSTMENT_BOUNDS)
            adj[hit, j] = np.where(agreeing > 0, value, 0.0)

    def _joint_name_correction(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        adj: F64,
        tf_source: int | None,
    ) -> None:
        """When both the name and a parent's name agree exactly, the two term-frequency
        adjustments assume the names were chosen independently; a child's name and the
        parents' names come from one tradition (``ngatini`` / ``waginem``; a Batak marga in
        both), so the pair of names is often commoner than the product of their
        frequencies.  The parent's-name adjustment (mother's, and father's) gets
        ``log2(f(name) * f(parent) / f(name, parent))`` (never positive) when the combination
        is seen on three or more birth dates (fewer may be one person, whose second record
        carries a mistyped date)."""
        names = [c.name for c in self.comparisons]
        if "nama" not in names or "nama" not in prepared.codes:
            return
        jn = names.index("nama")
        exact = NameComparison.EXACT
        for parent in ("nama_ibu", "nama_ayah"):
            if parent not in names or parent not in prepared.codes:
                continue
            jm = names.index(parent)
            if not (
                isinstance(self.comparisons[jn], NameComparison)
                and isinstance(self.comparisons[jm], NameComparison)
            ):
                continue
            hit = (levels[:, jn] == exact) & (levels[:, jm] == exact)
            if not hit.any():
                continue
            rows = left[hit]
            f_n = tf_table(prepared, "nama", source=tf_source)[prepared.codes["nama"][rows]]
            f_m = tf_table(prepared, parent, source=tf_source)[prepared.codes[parent][rows]]
            codes, f_nm, count = joint_tf(prepared, "nama", parent, source=tf_source)
            joint = f_nm[codes[rows]]
            # a combination seen on fewer than three birth dates may be one person (whose
            # second record has a mistyped date): nothing to correct
            seen_twice = count[codes[rows]] >= 3
            correction = np.where(seen_twice, np.minimum(np.log2(f_n * f_m / joint), 0.0), 0.0)
            adj[hit, jm] += np.maximum(correction, TF_ADJUSTMENT_BOUNDS[0])

    def score_levels(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        right: I64 | None = None,
        *,
        tf_source: int | None = None,
    ) -> F64:
        """Match weights (bits, including the prior) of pairs with the given levels
        (``right``: see :meth:`contributions`)."""
        parts = self.contributions(prepared, levels, left, right, tf_source=tf_source)
        total: F64 = self.prior_weight + parts.sum(axis=1)
        return total

    def contributions(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        right: I64 | None = None,
        *,
        tf_source: int | None = None,
        extras: Mapping[str, tuple[F64, I64]] | None = None,
    ) -> F64:
        """Each comparison's contribution (bits: level weight plus term-frequency adjustment),
        shape ``(n_pairs, n_comparisons)``; ``prior_weight`` plus a row's sum is the pair's
        match weight (:meth:`score_levels`).  A pair in a stratum (one household, one family:
        :mod:`nikmatch.strata`) is weighed as the stratum says: its first defining comparison
        carries the stratum's prior less the global one.  ``right`` (the pairs' second
        records) is needed for the word-frequency adjustment of partial name agreement;
        without it that adjustment is left out."""
        out, which = self.evidence(
            prepared, levels, left, right, tf_source=tf_source, extras=extras
        )
        names = self.names
        for k, fitted in enumerate(self.strata, start=1):
            rows = np.flatnonzero(which == k)
            if not len(rows):
                continue
            present = [names.index(n) for n in fitted.stratum.defining if n in names]
            out[rows, present[0]] += fitted.prior_weight - self.prior_weight
        return out

    def evidence(
        self,
        prepared: Prepared,
        levels: npt.NDArray[np.int8],
        left: I64,
        right: I64 | None = None,
        *,
        tf_source: int | None = None,
        extras: Mapping[str, tuple[F64, I64]] | None = None,
    ) -> tuple[F64, I64]:
        """Each comparison's evidence (bits, no prior) and each pair's stratum (1-based
        index into :attr:`strata`, 0 for none).  A pair's match weight is its stratum's prior
        (or the global :attr:`prior_weight`) plus its row's sum."""
        out = (
            self.tf_adjustments(
                prepared, levels, left, right, tf_source=tf_source, extras=extras
            )
            if len(levels)
            else np.zeros(levels.shape, dtype=np.float64)
        )
        for j, w in enumerate(self.level_weights()):
            out[:, j] += w[levels[:, j]]
        which = np.zeros(len(levels), dtype=np.int64)
        if self.strata and len(levels):
            which = self.stratum_of(prepared, levels, left)
            self._stratum_evidence(levels, which, out)
        return out, which

    def within_register(self) -> Model:
        """The model for two records of the *register* of a link (the held-apart check of
        clustering): each stratum's prior is the one of the register's own pairs
        (:attr:`~nikmatch.strata.StratumModel.register_lambda`), not the list's."""
        if not self.strata:
            return self
        return Model(
            self.comparisons,
            self.m,
            self.u,
            lambda_=self.lambda_,
            fixed=self.fixed,
            info=self.info,
            strata=[f.with_lambda(f.register_lambda) for f in self.strata],
        )

    def stratum_of(self, prepared: Prepared, levels: npt.NDArray[np.int8], left: I64) -> I64:
        """Per pair: 1-based index into :attr:`strata` of the stratum it is weighed in, 0
        for none."""
        specs = [s.stratum for s in self.strata]
        return stratum_of(specs, self.comparisons, prepared, levels, left).astype(np.int64)

    def stratum_weights(
        self,
    ) -> list[list[tuple[F64, F64] | None]]:
        """Per stratum, per comparison: ``log2(m/u)`` of each level inside the stratum, for
        pairs born apart and for pairs born on nearly the same date (``None`` where the
        model's own weights apply; the defining comparisons weigh 0)."""
        out: list[list[tuple[F64, F64] | None]] = []
        for fitted in self.strata:
            row: list[tuple[F64, F64] | None] = []
            for j, comp in enumerate(self.comparisons):
                if comp.name in fitted.stratum.defining:
                    zero = np.zeros(comp.n_levels)
                    row.append((zero, zero))
                    continue
                u = fitted.u[j]
                if u is None:
                    row.append(None)
                    continue
                m = fitted.m[j] if fitted.m[j] is not None else self.m[j]
                near = fitted.u_near[j] if j < len(fitted.u_near) else None
                pair = []
                for uu in (u, u if near is None else near):
                    w = np.log2(np.maximum(m, 1e-12) / np.maximum(uu, 1e-12))  # type: ignore[arg-type]
                    w[0] = 0.0
                    pair.append(w)
                row.append((pair[0], pair[1]))
            out.append(row)
        return out

    def _stratum_evidence(self, levels: npt.NDArray[np.int8], which: I64, out: F64) -> None:
        names = self.names
        for k, (fitted, weights) in enumerate(
            zip(self.strata, self.stratum_weights(), strict=True), start=1
        ):
            rows = np.flatnonzero(which == k)
            if not len(rows):
                continue
            lv = levels[rows]
            joint = fitted.joint is not None and all(n in names for n in fitted.stratum.joint)
            near = (
                fitted.stratum.near_dates(lv[:, names.index(fitted.stratum.joint[1])])
                if joint
                else np.zeros(len(rows), dtype=bool)
            )
            for j, w in enumerate(weights):
                if w is not None:
                    out[rows, j] = np.where(near, w[1][lv[:, j]], w[0][lv[:, j]])
            if not joint or fitted.joint is None:
                continue
            a, b = names.index(fitted.stratum.joint[0]), names.index(fitted.stratum.joint[1])
            both = (lv[:, a] > 0) & (lv[:, b] > 0)
            if not both.any():
                continue
            la, lb = lv[both, a], lv[both, b]
            together = np.log2(
                np.maximum(self.m[a][la] * self.m[b][lb], 1e-300)
                / np.maximum(fitted.joint[la, lb], 1e-300)
            )

            # shown apart: the date as it weighs alone, the name as what the pair adds
            out[rows[both], a] = together - out[rows[both], b]

    # ---- persistence ---------------------------------------------------------------------
    def update_from_labels(
        self,
        prepared: Prepared,
        left: I64,
        right: I64,
        is_match: npt.ArrayLike,
        *,
        strength: float = 50.0,
    ) -> Model:
        """A copy whose ``m`` is re-estimated from pairs a person has confirmed.

        ``left``/``right`` are record positions in ``prepared`` (``result.prepared``; a
        result's ``pairs`` carry them as ``row_l``/``row_r``) and ``is_match`` the verdicts
        from the field.  Each learned comparison's ``m`` becomes the level frequencies among
        the confirmed matches, with the current ``m`` counting as ``strength`` pairs (a few
        dozen verdicts refine the model; they do not replace it).  ``u`` (random pairs, almost
        all non-matches) and fixed comparisons are kept; confirmed non-matches are used by
        :mod:`nikmatch.evaluate`, not here.

        >>> import numpy as np, pandas as pd
        >>> from nikmatch.comparisons import ExactComparison
        >>> from nikmatch.prepare import prepare
        >>> p = prepare(pd.DataFrame({"nama": ["Ani", "Ani", "Budi", "Budi"],
        ...                           "tanggal_lahir": ["1990-01-01"] * 4}))
        >>> m = Model([ExactComparison("nama")], m=[np.array([0, 0.5, 0.5])],
        ...           u=[np.array([0, 0.9, 0.1])])
        >>> new = m.update_from_labels(p, np.array([0, 2]), np.array([1, 3]), [True, True],
        ...                            strength=2.0)
        >>> new.m[0].round(2).tolist()
        [0.0, 0.25, 0.75]
        """
        verdict = np.asarray(is_match, dtype=bool)
        left = np.asarray(left, dtype=np.int64)[verdict]
        right = np.asarray(right, dtype=np.int64)[verdict]
        levels = compare(self.comparisons, prepared, left, right)
        new_m: list[F64] = []
        for j, comp in enumerate(self.comparisons):
            if self.fixed[j]:
                new_m.append(self.m[j].copy())
                continue
            counts = np.bincount(levels[:, j], minlength=comp.n_levels)[: comp.n_levels]
            counts = counts.astype(np.float64)
            counts[0] = 0.0
            est = counts + strength * self.m[j]
            est[0] = 0.0
            est[1:] = np.maximum(est[1:], M_FLOOR * max(float(est.sum()), 1.0))
            new_m.append(est / est.sum())
        info = dict(self.info)
        info["labelled_matches"] = int(verdict.sum())
        return Model(
            self.comparisons,
            new_m,
            [u.copy() for u in self.u],
            lambda_=self.lambda_,
            fixed=list(self.fixed),
            info=info,
            strata=list(self.strata),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (stable, versioned format)."""
        return {
            "format": "nikmatch-model",
            "format_version": MODEL_FORMAT_VERSION,
            "nikmatch_version": __version__,
            "lambda": self.lambda_,
            "comparisons": [
                {
                    **c.to_dict(),
                    "levels": list(c.level_labels),
                    "m": [float(x) for x in m],
                    "u": [float(x) for x in u],
                    "fixed": bool(f),
                    **(
                        {
                            "fixed_weights": [
                                float(c.fixed_weights.get(k, 0.0)) for k in range(c.n_levels)
                            ]
                        }
                        if c.fixed_weights is not None
                        else {}
                    ),
                }
                for c, m, u, f in zip(self.comparisons, self.m, self.u, self.fixed, strict=True)
            ],
            "strata": [fitted.to_dict() for fitted in self.strata],
            "info": self.info,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The model as a JSON string (see :meth:`from_json`)."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """Rebuild a model from :meth:`to_dict`; raises :class:`~nikmatch.errors.ModelError`."""
        if data.get("format") != "nikmatch-model":
            raise ModelError("not a nikmatch model (missing 'format': 'nikmatch-model')")
        version = data.get("format_version")
        if version != MODEL_FORMAT_VERSION:
            raise ModelError(
                f"model format version {version} is not supported (expected {MODEL_FORMAT_VERSION})"
            )
        comps: list[Comparison] = []
        ms: list[F64] = []
        us: list[F64] = []
        fixed: list[bool] = []
        try:
            for entry in data["comparisons"]:
                spec = {
                    k: v
                    for k, v in entry.items()
                    if k not in ("levels", "m", "u", "fixed", "fixed_weights")
                }
                comp = comparison_from_dict(spec)
                m_saved = np.asarray(entry["m"], dtype=np.float64)
                u_saved = np.asarray(entry["u"], dtype=np.float64)
                if list(entry["levels"]) != list(comp.level_labels):
                    m_saved, u_saved = _with_added_levels(
                        comp, [str(x) for x in entry["levels"]], m_saved, u_saved
                    )
                saved = entry.get("fixed_weights")
                if saved is not None and comp.fixed_weights is not None:
                    current = [float(comp.fixed_weights.get(k, 0.0)) for k in range(comp.n_levels)]
                    if [float(x) for x in saved] != current:
                        raise ModelError(
                            f"comparison {comp.name!r}: the model was saved with fixed weights "
                            f"{saved}, this nikmatch version uses {current}; train it again"
                        )
                comps.append(comp)
                ms.append(m_saved)
                us.append(u_saved)
                fixed.append(bool(entry.get("fixed", False)))
            strata = [StratumModel.from_dict(entry) for entry in data.get("strata", [])]
            for fitted in strata:
                if len(fitted.u) != len(comps) or any(
                    u is not None and len(u) != c.n_levels
                    for u, c in zip(fitted.u, comps, strict=True)
                ):
                    raise ModelError(f"stratum {fitted.stratum.name!r} does not fit the model")
            return cls(
                comps,
                ms,
                us,
                lambda_=float(data["lambda"]),
                fixed=fixed,
                info=dict(data.get("info", {})),
                strata=strata,
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"invalid model description: {mask_text(str(exc))}") from exc

    @classmethod
    def from_json(cls, text: str) -> Model:
        """Rebuild a model from :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"model file is not valid JSON: {mask_text(str(exc))}") from exc
        return cls.from_dict(data)

    def save(self, path: str | Path) -> None:
        """Write the model as JSON to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """Read a model written by :meth:`save`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def summary(self) -> str:
        """A readable table of comparisons, levels, m, u and weights.

        >>> import numpy as np
        >>> from nikmatch.comparisons import ExactComparison
        >>> m = Model([ExactComparison("no_kk")], m=[np.array([0, 0.1, 0.9])],
        ...           u=[np.array([0, 0.99, 0.01])])
        >>> print(m.summary().splitlines()[2])
          no_kk          same                          m=0.9      u=0.01     weight=+6.49
        """
        lines = [f"prior λ={self.lambda_:.3g} (weight {self.prior_weight:+.2f} bits)", ""]
        for comp, m, u, w in zip(
            self.comparisons, self.m, self.u, self.level_weights(), strict=True
        ):
            for k in range(comp.n_levels - 1, 0, -1):
                mu = (
                    f"{'fixed (not learned)':<21}"
                    if comp.fixed_weights is not None
                    else f"m={m[k]:<8.3g} u={u[k]:<8.3g}"
                )
                lines.append(
                    f"  {comp.name:<14} {comp.level_labels[k][:29]:<29} {mu} weight={w[k]:+.2f}"
                )
        return "\n".join(lines)


# ---- training ------------------------------------------------------------------------------


def _random_pairs(prepared: Prepared, n_pairs: int, rng: np.random.Generator) -> tuple[I64, I64]:
    """Random record pairs, drawn over the records in :meth:`Prepared.content_rank` order so
    that the same records are drawn whatever the order of the input rows."""
    by_content = np.argsort(prepared.content_rank(), kind="stable")
    if prepared.source is None:
        n = prepared.n
        if n < 2:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        total = n * (n - 1) // 2
        k = int(min(n_pairs, total))
        a = rng.integers(0, n, size=k)
        b = rng.integers(0, n - 1, size=k)
        b = np.where(b >= a, b + 1, b)
        a, b = by_content[a], by_content[b]
        return np.minimum(a, b), np.maximum(a, b)
    side = prepared.source[by_content]
    left_pos = by_content[side == 0]
    right_pos = by_content[side == 1]
    if len(left_pos) == 0 or len(right_pos) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    k = int(min(n_pairs, len(left_pos) * len(right_pos)))
    return left_pos[rng.integers(0, len(left_pos), size=k)], right_pos[
        rng.integers(0, len(right_pos), size=k)
    ]


def estimate_u(
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    *,
    n_pairs: int = 1_000_000,
    seed: int = 0,
) -> list[F64]:
    """``u`` per comparison from random record pairs (add-half smoothing, level 0 ignored);
    same/different comparisons (:class:`ExactComparison`) exactly from value counts."""
    rng = np.random.default_rng(seed)
    left, right = _random_pairs(prepared, n_pairs, rng)
    levels = compare_in_parts(comparisons, prepared, left, right)
    out: list[F64] = []
    for j, comp in enumerate(comparisons):
        counts = np.bincount(levels[:, j], minlength=comp.n_levels)[: comp.n_levels].astype(
            np.float64
        )
        counts[0] = 0.0
        counts[1:] += 0.5
        u = counts / counts.sum()
        u[0] = 0.0
        exact = _exact_u(comp, prepared)
        out.append(exact if exact is not None else u)
    return out


def _exact_u(comp: Comparison, prepared: Prepared) -> F64 | None:
    """``u`` of a same/different comparison computed from value counts, not sampled: the share
    of present-present record pairs that agree is ``sum c(c-1) / (P(P-1))`` (list x register:
    ``sum cL cR / (PL PR)``).  Exact, and the same on pseudonymised data."""
    if not isinstance(comp, ExactComparison):
        return None
    if comp.column == "jenis_kelamin":
        codes = np.where(prepared.sex > 0, prepared.sex.astype(np.int64), -1)
    elif comp.column in prepared.codes:
        codes = prepared.codes[comp.column].astype(np.int64)
    else:
        return None
    present = codes >= 0
    if prepared.source is None:
        c = np.bincount(codes[present]).astype(np.float64)
        p = float(present.sum())
        if p < 2:
            return None
        agree = float((c * (c - 1)).sum()) / (p * (p - 1))
    else:
        left = present & (prepared.source == 0)
        right = present & (prepared.source == 1)
        size = int(codes.max(initial=-1)) + 1
        cl = np.bincount(codes[left], minlength=size).astype(np.float64)
        cr = np.bincount(codes[right], minlength=size).astype(np.float64)
        pl, pr = float(left.sum()), float(right.sum())
        if pl < 1 or pr < 1:
            return None
        agree = float((cl * cr).sum()) / (pl * pr)
    agree = min(max(agree, 1e-9), 1.0 - 1e-9)
    return np.array([0.0, 1.0 - agree, agree], dtype=np.float64)


#: Identity fields used for training blocks, with the comparisons each one stands for.
#: A name key excludes sex too: people who share a name nearly always share its sex, so
#: inside a name block "same sex" is no longer the coin toss that random pairs (``u``) say
#: it is, and EM would pull namesakes into the match class to explain it.
_IDENTITY_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nama_key", ("nama", "jenis_kelamin")),
    ("tanggal_lahir", ("tanggal_lahir",)),
    ("nama_ibu_key", ("nama_ibu",)),
)


def default_training_blocks(prepared: Prepared) -> list[TrainingBlock]:
    """Training blocks for the available identity fields (name key, birth date, mother's name
    key): every *pair* of them when three are present, else each one alone.

    Each block excludes the comparisons of its own fields (their agreement is forced by the
    block, so it says nothing about ``m``).  Two agreeing identity fields make true matches a
    large share of a block's pairs, so EM finds *the same person*, not *the same household* or
    *the same common name*: on a single bare field (a name key shared by thousands, or the
    1 January birth date) EM can settle on another grouping of the pairs and its ``m`` values
    collapse.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Budi", "Ani"], "tanggal_lahir": ["1990-01-01", ""],
    ...                           "nama_ibu": ["Siti", "Sri"]}))
    >>> [b.rule.name for b in default_training_blocks(p)]
    ['nama_key & tanggal_lahir', 'nama_key & nama_ibu_key', 'tanggal_lahir & nama_ibu_key']
    """
    fields = [(f, ex) for f, ex in _IDENTITY_FIELDS if prepared.has(f)]
    blocks: list[TrainingBlock] = []
    if len(fields) >= 3:
        for i in range(len(fields)):
            for j in range(i + 1, len(fields)):
                (fa, ea), (fb, eb) = fields[i], fields[j]
                blocks.append(TrainingBlock(BlockOn(fa, fb), exclude=ea + eb))
    else:
        for f, ex in fields:
            blocks.append(TrainingBlock(BlockOn(f), exclude=ex))
    return blocks


def train(
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    *,
    training_blocks: Sequence[TrainingBlock] | None = None,
    u_pairs: int = 1_000_000,
    pairs_per_block: int = 1_000_000,
    seed: int = 0,
    fixed: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    strata: Sequence[Stratum] = DEFAULT_STRATA,
) -> Model:
    """Train ``u`` by random sampling and ``m`` by EM on sampled training-block pairs, then
    the ``u`` of each stratum (pairs in one household or family, :mod:`nikmatch.strata`) on
    the register's own households; ``strata=()`` weighs every pair alike.  Training pairs in a
    stratum are left out of EM: their agreements are not independent evidence.

    ``fixed`` maps comparison names to user-given ``(m, u)`` that training leaves alone.
    ``λ`` is left at a placeholder; :func:`estimate_lambda` sets it from scored candidates.

    >>> from nikmatch.comparisons import default_comparisons
    >>> from nikmatch.prepare import prepare
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=1)
    >>> p = prepare(register)
    >>> model = train(default_comparisons(p), p)
    >>> model.names[:3], [run["rule"] for run in model.info["training_runs"]][:1]
    (['nama', 'tanggal_lahir', 'nik'], ['nama_key & tanggal_lahir'])
    """
    comps = list(comparisons)
    if not comps:
        raise ModelError("no comparisons: the data has none of the compared columns")
    u = estimate_u(comps, prepared, n_pairs=u_pairs, seed=seed)
    fixed = dict(fixed or {})
    is_fixed = [c.fixed_weights is not None or c.name in fixed for c in comps]
    m_sum = [np.zeros(c.n_levels) for c in comps]
    m_runs = [0] * len(comps)
    runs_info: list[dict[str, Any]] = []
    blocks = (
        list(training_blocks) if training_blocks is not None else default_training_blocks(prepared)
    )
    # the strata this register holds (households, families): found before EM, whose
    # training pairs in them are left out, and fitted after it (their m needs the model's)
    samples = stratum_samples(comps, prepared, strata=strata, seed=seed) if strata else []
    provisional = Model(comps, [_prior_m(c) for c in comps], u, fixed=is_fixed)
    held = [f.stratum for f in fit_strata(provisional, samples, strata)]
    samples = [sample for sample in samples if sample.stratum in held]
    for i, block in enumerate(blocks):
        left, right = sample_block_pairs(
            block.rule,
            prepared.keys(),
            pairs_per_block,
            source=prepared.source,
            seed=seed + 101 * (i + 1),
            rank=prepared.content_rank(),
        )
        if prepared.source is not None and "nik" in prepared.codes:
            # linking: a listed resident's own register record (the same NIK) is the easy
            # match and would teach EM that matches share NIK and KK; the job is the *other* NIK
            nk = prepared.codes["nik"]
            other = ~((nk[left] >= 0) & (nk[left] == nk[right]))
            left, right = left[other], right[other]
        if len(left) == 0:
            runs_info.append({"rule": block.rule.name, "pairs": 0})
            continue
        levels = compare_in_parts(comps, prepared, left, right)
        if held:  # one household or family: not independent evidence, weighed apart
            apart = stratum_of(held, comps, prepared, levels, left) == 0
            levels = levels[apart]
        patterns, counts = pattern_counts(levels)
        learn = [not is_fixed[j] and comps[j].name not in block.exclude for j in range(len(comps))]
        offset = np.zeros(len(patterns), dtype=np.float64)
        for j, comp in enumerate(comps):
            if comp.fixed_weights is not None:
                w = np.array([comp.fixed_weights.get(k, 0.0) for k in range(comp.n_levels)])
                offset += w[patterns[:, j]] * np.log(2.0)
        fit = fit_em(
            patterns,
            counts,
            [_prior_m(c) for c in comps],
            u,
            learn=learn,
            m_floor=M_FLOOR,
            offset=offset,
            learn_u=True,
            prior_strength=M_PRIOR_STRENGTH,
        )
        runs_info.append(
            {
                "rule": block.rule.name,
                "pairs": len(left),
                "patterns": fit.n_patterns,
                "iterations": fit.iterations,
                "converged": fit.converged,
                "lambda_in_block": fit.lambda_,
            }
        )
        for j in range(len(comps)):
            if learn[j]:
                m_sum[j] += fit.m[j]
                m_runs[j] += 1
    m: list[F64] = []
    for j, comp in enumerate(comps):
        if comp.name in fixed:
            m.append(np.asarray(fixed[comp.name][0], dtype=np.float64))
            u[j] = np.asarray(fixed[comp.name][1], dtype=np.float64)
        elif m_runs[j]:
            m.append(m_sum[j] / m_runs[j])
        else:
            m.append(_default_m(comp.n_levels))
    info = {
        "n_records": prepared.n,
        "u_pairs": int(min(u_pairs, max(prepared.n * (prepared.n - 1) // 2, 0))),
        "training_runs": runs_info,
        "untrained": [c.name for j, c in enumerate(comps) if not m_runs[j] and not is_fixed[j]],
        "seed": seed,
    }
    model = Model(comps, m, u, lambda_=1e-6, fixed=is_fixed, info=info)
    if samples:
        model.strata = fit_strata(model, samples, strata)
        model.info["strata"] = {f.stratum.name: f.info for f in model.strata}
    return model


def remove_matches_from_u(model: Model, lambda_: float) -> tuple[Model, float]:
    """``u`` without the matches among the random pairs it was counted on.

    Random record pairs are a mixture: a share ``λ`` of them are one person, so the level
    shares ``r`` they show are ``λ·m + (1 - λ)·u`` and ``u = (r - λ·m) / (1 - λ)``.  In a
    register the correction is negligible (``λ`` ~ 10⁻⁷ at a million records), but in a small,
    duplicate-dense table it is not: with ``λ`` = 5·10⁻⁴, half the random pairs that share an
    identifier are matches, and uncorrected ``u`` halves the weight of that agreement.  A
    level is never pushed below the resolution of the sample (half a pair) or raised, and a
    level whose agreement the expected matches explain (within two Poisson standard
    deviations) gets that resolution: an identifier shared by 199 of a million random pairs,
    where the matches among them account for 185, shows no chance agreement the sample can
    tell from zero (FEBRL4: +4.7 bits for an identical identifier).  Fixed comparisons are
    left alone.  Returns the corrected model and the largest change of a
    level's weight, in bits (the matcher re-scores only when it matters).

    >>> from nikmatch.comparisons import IdentifierComparison
    >>> model = Model([IdentifierComparison("no_identitas")], m=[np.array([0, 0.1, 0.0, 0.9])],
    ...               u=[np.array([0, 0.999, 0.0005, 0.0005])], lambda_=0.0005,
    ...               info={"u_pairs": 1_000_000})
    >>> fixed, change = remove_matches_from_u(model, 0.0005)
    >>> bool(fixed.u[0][3] < model.u[0][3] / 5), change > 3
    (True, True)
    """
    n_random = int(model.info.get("u_pairs", 1_000_000) or 1_000_000)
    floor = 0.5 / max(n_random, 1)
    new_u: list[F64] = []
    change = 0.0
    for j, (m, u) in enumerate(zip(model.m, model.u, strict=True)):
        if model.fixed[j]:
            new_u.append(u)
            continue
        corrected = (u - lambda_ * m) / (1.0 - lambda_)
        # a level whose agreement among the random pairs the matches among them explain, within
        # two standard deviations of a Poisson count, shows no chance agreement the sample can
        # resolve: it gets the sample's resolution, not the noise left after the subtraction
        expected = lambda_ * m * n_random
        explained = (expected >= 1.0) & (u * n_random <= expected + 2.0 * np.sqrt(expected))
        corrected = np.where(explained, floor, corrected)
        corrected = np.minimum(np.maximum(corrected, np.minimum(u, floor)), u)
        corrected[0] = 0.0
        total = corrected[1:].sum()
        if total > 0:
            corrected[1:] = corrected[1:] / total
        seen = (u[1:] > 0) & (corrected[1:] > 0)
        if seen.any():
            change = max(change, float(np.abs(np.log2(corrected[1:][seen] / u[1:][seen])).max()))
        new_u.append(corrected)
    info = dict(model.info)
    info["u_matches_removed"] = lambda_
    return (
        Model(
            model.comparisons,
            model.m,
            new_u,
            lambda_=lambda_,
            fixed=model.fixed,
            info=info,
            strata=model.strata,
        ),
        change,
    )


def estimate_lambda(
    bayes_weights: F64, total_pairs: float, *, iterations: int = 100, max_lambda: float = 0.5
) -> float:
    """Maximum-likelihood ``λ`` given the Bayes-factor weights (bits, without prior) of the
    candidate pairs, assuming pairs outside the candidates are non-matches.

    >>> import numpy as np
    >>> w = np.array([30.0] * 10 + [-10.0] * 1000)
    >>> round(estimate_lambda(w, 1e6) * 1e6, 1)
    10.0
    """
    if total_pairs <= 0 or len(bayes_weights) == 0:
        return 1.0 / max(total_pairs, 2.0)
    bf = np.exp2(np.clip(bayes_weights, -60, 60))
    lam = max(float((bayes_weights > 10).sum()), 1.0) / total_pairs
    for _ in range(iterations):
        post = lam * bf / (1.0 - lam + lam * bf)
        new = max(float(post.sum()), 0.5) / total_pairs
        if abs(new - lam) <= 1e-9 * lam:
            lam = new
            break
        lam = new
    return min(max(lam, 1e-15), max_lambda)
