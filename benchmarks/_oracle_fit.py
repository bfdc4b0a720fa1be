"""The classifier half of ``oracle.py``; runs in the peers' venv (``benchmarks/.venv-baselines``).

    benchmarks/.venv-baselines/bin/python benchmarks/_oracle_fit.py --job JOB.json --out RESULT.json

``JOB.json`` lists rows ``{"train": [npz, ...], "test": npz}``, the target precision and the
seed; each ``.npz`` holds one data set's candidate pairs as ``oracle.py`` wrote them (``gamma``
levels, ``gamma_names``, ``match_weight``, ``match_probability``, ``truth``, ``n_true``).  For
each row a scikit-learn ``HistGradientBoostingClassifier`` (gamma levels as categorical features
plus the match weight) is trained on the pooled training pairs; 5-fold out-of-fold scores on the
training pairs choose the threshold reaching the target precision there, and the model refitted
on all training pairs scores the test pairs.  Only metrics are written, never records.

The threshold helpers below need numpy alone: ``oracle.py`` imports them in the main venv to
score Fellegi-Sunter probabilities the same way.  scikit-learn is imported inside :func:`fit`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

#: Precision the threshold has to reach (on the training pairs, or on the test pairs for "best").
TARGET_PRECISION = 0.995
FOLDS = 5


# --- thresholds (numpy only) ----------------------------------------------------------------


def curve(score: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative true and false positives when selecting ``score >= t``, for each distinct ``t``.

    >>> t, tp, fp = curve(np.array([0.9, 0.5, 0.9, 0.1]), np.array([True, False, True, True]))
    >>> t.tolist(), tp.tolist(), fp.tolist()
    ([0.9, 0.5, 0.1], [2, 2, 3], [0, 1, 1])
    """
    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    hit = truth[order].astype(bool)
    tp = np.cumsum(hit)
    fp = np.cumsum(~hit)
    last = np.r_[ranked[1:] != ranked[:-1], True]  # the end of each block of tied scores
    return ranked[last], tp[last], fp[last]


def best_threshold(score: np.ndarray, truth: np.ndarray,
                   precision: float = TARGET_PRECISION) -> float:
    """The threshold with the most true positives among those reaching ``precision``
    (``inf``, selecting nothing, when none does)."""
    t, tp, fp = curve(score, truth)
    ok = tp / np.maximum(tp + fp, 1) >= precision
    if not ok.any():
        return float("inf")
    return float(t[np.flatnonzero(ok)[np.argmax(tp[ok])]])


def precision_recall_at(score: np.ndarray, truth: np.ndarray, threshold: float,
                        n_true: int) -> dict[str, float]:
    """Precision and recall of ``score >= threshold``; recall over ``n_true`` (all true pairs,
    also those blocking never proposed)."""
    chosen = score >= threshold
    tp = int(truth[chosen].sum())
    fp = int(chosen.sum()) - tp
    return {"threshold": float(threshold), "tp": tp, "fp": fp,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / n_true if n_true else float("nan")}


# --- the classifier (scikit-learn) ----------------------------------------------------------


def features(data: dict[str, np.ndarray]) -> np.ndarray:
    """Gamma levels shifted to codes >= 0 (a missing value's level -1 becomes 0), then the match
    weight as one numeric column."""
    gamma = data["gamma"].astype(np.int64) + 1
    return np.column_stack([gamma, data["match_weight"]]).astype(np.float64)


def _load(paths: list[str]) -> dict[str, Any]:
    parts = [dict(np.load(path)) for path in paths]
    names = [tuple(p["gamma_names"].tolist()) for p in parts]
    if len(set(names)) != 1:
        raise ValueError(f"pooled data sets compare different fields: {sorted(set(names))}")
    return {
        "gamma_names": names[0],
        "gamma": np.concatenate([p["gamma"] for p in parts]),
        "match_weight": np.concatenate([p["match_weight"] for p in parts]),
        "truth": np.concatenate([p["truth"] for p in parts]).astype(bool),
        "n_true": int(sum(int(p["n_true"]) for p in parts)),
    }


def fit(train_paths: list[str], test_path: str, *, seed: int,
        precision: float = TARGET_PRECISION) -> dict[str, Any]:
    """Train on the pooled training pairs, choose the threshold out of fold, score the test."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold

    train = _load(train_paths)
    test = _load([test_path])
    if train["gamma_names"] != test["gamma_names"]:
        raise ValueError(f"train compares {train['gamma_names']}, test {test['gamma_names']}")
    x_train, y_train = features(train), train["truth"]
    categorical = [True] * len(train["gamma_names"]) + [False]

    def model() -> Any:
        return HistGradientBoostingClassifier(categorical_features=categorical,
                                              random_state=seed)

    out_of_fold = np.zeros(len(y_train))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    for fold_train, fold_test in folds.split(x_train, y_train):
        fold_model = model().fit(x_train[fold_train], y_train[fold_train])
        out_of_fold[fold_test] = fold_model.predict_proba(x_train[fold_test])[:, 1]
    threshold = best_threshold(out_of_fold, y_train, precision)
    final = model().fit(x_train, y_train)
    score = final.predict_proba(features(test))[:, 1]
    y_test = test["truth"]
    return {
        "train_pairs": len(y_train),
        "at_train_threshold": precision_recall_at(score, y_test, threshold, test["n_true"]),
        "best": precision_recall_at(score, y_test, best_threshold(score, y_test, precision),
                                    test["n_true"]),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: read the job, write one result per row."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--job", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    job = json.loads(args.job.read_text())
    results = [fit(row["train"], row["test"], seed=job["seed"], precision=job["precision"])
               for row in job["rows"]]
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
