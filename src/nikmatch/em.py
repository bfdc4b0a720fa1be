"""Expectation–maximisation for the Fellegi–Sunter model, over distinct comparison patterns.

Pairs that share the same levels on every comparison are identical to the model, so EM runs on
the distinct *patterns* with their counts (fastLink's trick): a million pairs usually collapse
to a few thousand patterns, and each iteration costs microseconds per pattern.

Here ``u`` (level frequencies among non-matches) is held fixed — it is estimated from random
record pairs, which are almost all non-matches — and EM estimates ``m`` (level frequencies among
matches) and ``λ`` (the share of matches among the training pairs).  Level 0 ("missing") never
contributes.

>>> import numpy as np
>>> patterns = np.array([[2, 2], [1, 1], [2, 1], [1, 2]], dtype=np.int8)
>>> counts = np.array([90, 900, 5, 5])
>>> u = [np.array([0.0, 0.99, 0.01]), np.array([0.0, 0.99, 0.01])]
>>> m0 = [np.array([0.0, 0.5, 0.5]), np.array([0.0, 0.5, 0.5])]
>>> fit = fit_em(patterns, counts, m0, u, learn=[True, True])
>>> round(fit.lambda_, 2), fit.m[0].round(2).tolist()
(0.09, [0.0, 0.05, 0.95])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EMResult", "fit_em", "pattern_counts"]

F64 = npt.NDArray[np.float64]


@dataclass
class EMResult:
    """Estimated ``m`` per comparison, ``λ``, and how the run went."""

    m: list[F64]
    lambda_: float
    iterations: int
    converged: bool
    n_patterns: int
    n_pairs: int


def pattern_counts(
    levels: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """Distinct rows of a level matrix and how often each occurs.

    >>> import numpy as np
    >>> p, c = pattern_counts(np.array([[1, 2], [1, 2], [0, 1]], dtype=np.int8))
    >>> p.tolist(), c.tolist()
    ([[0, 1], [1, 2]], [1, 2])
    """
    if len(levels) == 0:
        return levels.reshape(0, levels.shape[1] if levels.ndim == 2 else 0), np.zeros(0, np.int64)
    ncol = levels.shape[1]
    if ncol == 0:
        return np.zeros((1, 0), np.int8), np.array([len(levels)], np.int64)
    # pack up to 15 comparisons of < 16 levels into one int64 (4 bits each); else fall back
    if ncol <= 15 and int(levels.max()) < 16:
        code = np.zeros(len(levels), dtype=np.int64)
        for j in range(ncol):
            code = (code << 4) | levels[:, j].astype(np.int64)
        uniq, counts = np.unique(code, return_counts=True)
        pats = np.zeros((len(uniq), ncol), dtype=np.int8)
        rest = uniq.copy()
        for j in range(ncol - 1, -1, -1):
            pats[:, j] = (rest & 15).astype(np.int8)
            rest >>= 4
        return pats, counts.astype(np.int64)
    pats, counts = np.unique(levels, axis=0, return_counts=True)
    return pats.astype(np.int8), counts.astype(np.int64)


def _log_likelihood(
    patterns: npt.NDArray[np.int8], probs: Sequence[F64], use: Sequence[bool]
) -> F64:
    total = np.zeros(len(patterns), dtype=np.float64)
    for j, p in enumerate(probs):
        if not use[j]:
            continue
        logp = np.log(np.maximum(p, 1e-300))
        logp[0] = 0.0  # missing level: no evidence
        total += logp[patterns[:, j]]
    return total


def fit_em(
    patterns: npt.NDArray[np.int8],
    counts: npt.NDArray[np.int64],
    m_init: Sequence[F64],
    u: Sequence[F64],
    *,
    learn: Sequence[bool],
    lambda_init: float = 0.01,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    m_floor: float = 1e-6,
) -> EMResult:
    """Estimate ``m`` (for comparisons with ``learn[j]``) and ``λ`` with ``u`` fixed.

    Comparisons with ``learn[j]`` False are ignored entirely (excluded from this training run,
    or fixed-weight comparisons).  ``m`` values never drop below ``m_floor``.
    """
    w = counts.astype(np.float64)
    m = [np.asarray(x, dtype=np.float64).copy() for x in m_init]
    lam = float(lambda_init)
    converged = False
    it = 0
    if len(patterns) == 0 or w.sum() == 0:
        return EMResult(m=m, lambda_=lam, iterations=0, converged=False, n_patterns=0, n_pairs=0)
    ll_u = _log_likelihood(patterns, u, learn)
    for it in range(1, max_iterations + 1):
        ll_m = _log_likelihood(patterns, m, learn)
        logit = np.log(lam) - np.log1p(-lam) + ll_m - ll_u
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        wp = w * post
        new_lam = float(wp.sum() / w.sum())
        new_lam = min(max(new_lam, 1e-9), 1 - 1e-9)
        delta = abs(new_lam - lam)
        new_m: list[F64] = []
        for j, old in enumerate(m):
            if not learn[j]:
                new_m.append(old)
                continue
            k = len(old)
            sums = np.bincount(patterns[:, j], weights=wp, minlength=k)[:k]
            sums[0] = 0.0
            tot = sums.sum()
            if tot <= 0:
                new_m.append(old)
                continue
            est = np.maximum(sums / tot, m_floor)
            est[0] = 0.0
            est[1:] /= est[1:].sum()
            delta = max(delta, float(np.abs(est - old).max()))
            new_m.append(est)
        m, lam = new_m, new_lam
        if delta < tolerance:
            converged = True
            break
    return EMResult(
        m=m,
        lambda_=lam,
        iterations=it,
        converged=converged,
        n_patterns=len(patterns),
        n_pairs=int(w.sum()),
    )
