"""The classifier half of ``oracle.py``; runs in the peers' venv (``benchmarks/.venv-baselines``).

    benchmarks/.venv-baselines/bin/python benchmarks/_oracle_fit.py --job JOB.json --out RESULT.json

``JOB.json`` lists rows ``{"train": [npz, ...], "test": npz}``, the target precision and the
seed; each ``.npz`` holds one data set's candidate pairs as ``oracle.py`` wrote them (``gamma``
levels, ``gamma_names``, ``match_weight``, ``match_probability``, ``truth``, ``n_true``, the
richer features ``rich`` with ``rich_names`` and ``rich_categorical``, and ``group``: the person
of each pair's first record).  For each row and each feature set (:data:`FEATURE_SETS`: the
gamma levels as categorical features plus the match weight, then those plus the richer
features) a scikit-learn ``HistGradientBoostingClassifier`` is trained on the pooled training
pairs; 5-fold out-of-fold scores on the training pairs (folds split by person) choose the
classifier's settings among :data:`SETTINGS` and the threshold reaching the target precision
there, and the model refitted on all training pairs scores the test pairs.  Only metrics (and
the names of the features that matter most) are written, never records.

The threshold helpers below need numpy alone: ``oracle.py`` imports them in the main venv to
score Fellegi-Sunter probabilities the same way.  scikit-learn is imported inside :func:`fit`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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

#: Feature sets, each fitted and scored separately: ``gamma`` is what the FS model itself sees
#: (today's comparison vectors), ``rich`` adds the richer features of ``_oracle_features.py``.
FEATURE_SETS = ("gamma", "rich")
#: Features reported per row, by permutation importance on the test pairs (rich set only).
TOP_FEATURES = 8


def features(data: dict[str, Any], which: str = "gamma") -> tuple[np.ndarray, list[bool],
                                                                   list[str]]:
    """The feature matrix, which columns are categorical, and their names.  ``gamma``: the
    gamma levels shifted to codes >= 0 (a missing value's level -1 becomes 0), then the match
    weight; ``rich``: those, then the richer pair features (``NaN`` where missing)."""
    gamma = data["gamma"].astype(np.int64) + 1
    columns = [gamma, data["match_weight"][:, None]]
    categorical = [True] * gamma.shape[1] + [False]
    names = [*data["gamma_names"], "match_weight"]
    if which == "rich":
        columns.append(data["rich"])
        categorical += [bool(c) for c in data["rich_categorical"]]
        names += list(data["rich_names"])
    elif which != "gamma":
        raise ValueError(f"unknown feature set {which!r}; one of {FEATURE_SETS}")
    return np.column_stack(columns).astype(np.float64), categorical, names


def _load(paths: list[str]) -> dict[str, Any]:
    parts = [dict(np.load(path)) for path in paths]
    names = [(tuple(p["gamma_names"].tolist()), tuple(p["rich_names"].tolist())) for p in parts]
    if len(set(names)) != 1:
        raise ValueError(f"pooled data sets compare different fields: {sorted(set(names))}")
    groups, offset = [], 0
    for p in parts:  # person codes of pooled registers kept apart
        groups.append(p["group"] + offset)
        offset += int(p["group"].max()) + 1 if len(p["group"]) else 0
    return {
        "gamma_names": names[0][0],
        "rich_names": names[0][1],
        "rich_categorical": parts[0]["rich_categorical"],
        "gamma": np.concatenate([p["gamma"] for p in parts]),
        "match_weight": np.concatenate([p["match_weight"] for p in parts]),
        "rich": np.concatenate([p["rich"] for p in parts]),
        "group": np.concatenate(groups),
        "truth": np.concatenate([p["truth"] for p in parts]).astype(bool),
        "n_true": int(sum(int(p["n_true"]) for p in parts)),
    }


def person_folds(group: np.ndarray, seed: int, folds: int = FOLDS) -> np.ndarray:
    """A fold per pair such that all pairs of one person (``group``) share it.

    >>> fold = person_folds(np.array([7, 3, 7, 9, 3]), seed=0, folds=2)
    >>> bool(fold[0] == fold[2] and fold[1] == fold[4]), sorted(set(fold.tolist()))
    (True, [0, 1])
    """
    persons, inverse = np.unique(group, return_inverse=True)
    fold_of_person = np.random.default_rng(seed).permutation(len(persons)) % folds
    out: np.ndarray = fold_of_person[inverse.ravel()]
    return out


#: Classifier settings tried per row and feature set; the one with the most out-of-fold recall
#: at the target precision on the *training* pairs is kept (ties: the first).  scikit-learn's
#: default stops early on a held-out tenth once a training set exceeds 10,000 pairs, which
#: stopped the richer fits too soon on 100k registers.
SETTINGS: dict[str, dict[str, Any]] = {
    "default": {},
    "slow": {"learning_rate": 0.05, "max_iter": 400, "early_stopping": False},
    "slow, regularised": {"learning_rate": 0.05, "max_iter": 400, "early_stopping": False,
                          "l2_regularization": 1.0, "min_samples_leaf": 10},
}


def _fit_one(train: dict[str, Any], test: dict[str, Any], which: str, *, seed: int,
             precision: float) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x_train, categorical, names = features(train, which)
    y_train = train["truth"]
    fold = person_folds(train["group"], seed)

    def model(setting: str) -> Any:
        return HistGradientBoostingClassifier(categorical_features=categorical,
                                              random_state=seed, **SETTINGS[setting])

    chosen, chosen_recall, threshold = "", -1.0, float("inf")
    for setting in SETTINGS:
        out_of_fold = np.zeros(len(y_train))
        for k in range(FOLDS):
            inside = fold == k
            fold_model = model(setting).fit(x_train[~inside], y_train[~inside])
            out_of_fold[inside] = fold_model.predict_proba(x_train[inside])[:, 1]
        at = best_threshold(out_of_fold, y_train, precision)
        recall = precision_recall_at(out_of_fold, y_train, at, train["n_true"])["recall"]
        if recall > chosen_recall:
            chosen, chosen_recall, threshold = setting, recall, at
    final = model(chosen).fit(x_train, y_train)
    x_test, y_test = features(test, which)[0], test["truth"]
    score = final.predict_proba(x_test)[:, 1]
    out = {
        "setting": chosen,
        "out_of_fold_recall": chosen_recall,
        "at_train_threshold": precision_recall_at(score, y_test, threshold, test["n_true"]),
        "best": precision_recall_at(score, y_test, best_threshold(score, y_test, precision),
                                    test["n_true"]),
    }
    if which == "rich":
        out["importance"] = _importance(final, x_test, y_test, names, seed=seed)
    return out


def _importance(model: Any, x: np.ndarray, y: np.ndarray, names: list[str], *,
                seed: int) -> list[tuple[str, float]]:
    """The features whose shuffling costs the most average precision on the test pairs."""
    from sklearn.inspection import permutation_importance

    found = permutation_importance(model, x, y, scoring="average_precision", n_repeats=3,
                                   random_state=seed)
    order = np.argsort(-found.importances_mean)[:TOP_FEATURES]
    return [(names[i], round(float(found.importances_mean[i]), 4)) for i in order]


def fit(train_paths: list[str], test_path: str, *, seed: int,
        precision: float = TARGET_PRECISION) -> dict[str, Any]:
    """Train on the pooled training pairs, choose settings and threshold out of fold (folds
    split by person), score the test; once per feature set."""
    train = _load(train_paths)
    test = _load([test_path])
    if (train["gamma_names"], train["rich_names"]) != (test["gamma_names"], test["rich_names"]):
        raise ValueError(f"train compares {train['gamma_names']}, test {test['gamma_names']}")
    out: dict[str, Any] = {"train_pairs": len(train["truth"]),
                           "train_true": int(train["truth"].sum())}
    for which in FEATURE_SETS:
        started = time.perf_counter()
        out[which] = _fit_one(train, test, which, seed=seed, precision=precision)
        out[which]["seconds"] = round(time.perf_counter() - started, 1)
    return out


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
