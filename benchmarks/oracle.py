"""Labelled ceiling ("oracle"): how far a supervised classifier gets on nikmatch's candidate pairs.

    .venv/bin/python benchmarks/oracle.py                    # default train -> test rows, printed
    .venv/bin/python benchmarks/oracle.py --out              # also write benchmarks/out/oracle.md
    .venv/bin/python benchmarks/oracle.py --pairs gen-100k-s1+gen-100k-s3:gen-100k-s2
    .venv/bin/python benchmarks/oracle.py --pairs indep-50k-s1+indep-50k-s2:indep-200k-s1

nikmatch's Fellegi-Sunter (FS) model is unsupervised: it never sees which pairs are the same
person.  This script asks what its candidate pairs could give a classifier that did.  For each
``TRAIN:TEST`` row it runs ``nm.find_duplicates`` (default settings) on both registers, labels
every candidate pair of ``result.pairs`` with the truth, and trains two scikit-learn
``HistGradientBoostingClassifier`` on the training register's pairs:

* on the *FS vectors*: the gamma levels (categorical) and the FS match weight, what the FS model
  itself sees: the ceiling of today's comparisons;
* on *richer* features (``_oracle_features.py``): those, plus each comparison's contribution in
  bits with term-frequency adjustments, the stratum, the sound-alike and ambiguous flags, and
  cheap pair features the FS model does not use directly (raw name similarities, how common
  each name and its rarest word are, birth-date differences in days and digits, the same KK /
  kelurahan / kecamatan / birthplace, the competition among a record's candidates): the ceiling
  of what the records carry on these candidate pairs.

Each chooses the threshold that reaches precision 0.995 on the training pairs' 5-fold
out-of-fold scores (folds split by person) and applies model and threshold to the test
register's pairs.  ``TRAIN`` may pool several registers with ``+``.  Data sets are
``datasets.load`` names (``gen-100k-s1``, ``gen-100k-s1-ayah``) or the independent generator's
(``indep-50k-s1``, ``indep-200k-s1``: ``benchmarks/indepgen``); train and test must compare the
same fields (no ``gen`` with ``indep``: the latter has ``agama``).

What the oracle is: an upper bound for *these candidate pairs and this classifier family*,
trained with ground-truth labels that a registry office would not have at first.  If even the
richer oracle misses a recall target at the wanted precision, the gap lies in blocking or in
the records, not in the comparisons or the unsupervised estimation; where the richer oracle
clears it and the FS-vector one does not, the comparisons are what is missing.  What it is not:
a target for the library, a bound for other blocking (pairs blocking never proposed are lost to
all), nor a model to ship.  "Best recall" columns choose the threshold on the test pairs
themselves, so they are optimistic for FS and oracle alike.

scikit-learn is not a nikmatch dependency: the classifiers run in a subprocess with the peers'
venv ``benchmarks/.venv-baselines`` (``benchmarks/_oracle_fit.py``; scikit-learn arrives there
with recordlinkage), created by ``.venv/bin/python benchmarks/accuracy.py --setup``.  Candidate
pairs travel as temporary ``.npz`` files of numbers (levels, weights, features, truth labels);
only metrics are printed, never records.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import _oracle_features as richer  # noqa: E402
import _oracle_fit as fitting  # noqa: E402
import accuracy  # noqa: E402
import datasets  # noqa: E402

DEFAULT_PAIRS = ("gen-100k-s1:gen-100k-s2,gen-100k-s1-ayah:gen-100k-s2-ayah,"
                 "indep-50k-s1:indep-50k-s2")
FIT_SCRIPT = HERE / "_oracle_fit.py"
SETUP_COMMAND = ".venv/bin/python benchmarks/accuracy.py --setup"


@dataclass
class Scored:
    """One data set's candidate pairs as nikmatch scored them, labelled with the truth."""

    name: str
    path: Path  # the .npz handed to the classifier
    gamma_names: tuple[str, ...]
    match_probability: np.ndarray
    fs_score: np.ndarray  # match_probability, 0 for ambiguous pairs (never in result.matches)
    truth: np.ndarray
    matched: np.ndarray  # in result.matches (p >= threshold, not ambiguous)
    n_true: int  # all true pairs, unordered and deduplicated


@dataclass
class Row:
    """One ``TRAIN:TEST`` line of the table."""

    train: list[str]
    test: str

    @property
    def label(self) -> str:
        return f"{'+'.join(self.train)} → {self.test}"


# --- environment ----------------------------------------------------------------------------


def classifier_python() -> Path:
    """The peers' interpreter, with scikit-learn; exits with the command to run when missing."""
    python = datasets.BASELINE_VENV / "bin" / "python"
    if not python.exists():
        sys.exit(f"oracle.py needs the peers' venv {python.parent.parent} (scikit-learn runs "
                 f"there, never in the main venv); create it with: {SETUP_COMMAND}")
    python = accuracy.baseline_python()  # refreshes it only if requirements-baselines.txt changed
    probe = subprocess.run([str(python), "-c", "import sklearn"], capture_output=True, text=True,
                           check=False)
    if probe.returncode != 0:
        sys.exit(f"scikit-learn is missing from {python} ({probe.stderr.strip().splitlines()[-1]});"
                 f" it comes with recordlinkage from requirements-baselines.txt: {SETUP_COMMAND}")
    return python


# --- scoring with nikmatch ------------------------------------------------------------------


def load_dataset(name: str) -> datasets.Dataset:
    """``datasets.load`` names (``gen-100k-s1``...) or the independent generator's
    (``indep-50k-s1``, ``indep-200k-s1``...: ``benchmarks/indepgen``, other name pools, other
    corruption model, no father's name unless ``-ayah``)."""
    if name.startswith("indep-"):
        from indepgen.datasets import dataset

        loaded: datasets.Dataset = dataset(name)
        return loaded
    return datasets.load(name)


def _pair_keys(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    low = np.minimum(left, right).astype(np.int64)
    high = np.maximum(left, right).astype(np.int64)
    return low * n + high


def score_dataset(name: str, folder: Path, keep_probability: float | None = None) -> Scored:
    """Run ``nm.find_duplicates`` on one data set and save its labelled pairs to ``folder``
    (``keep_probability``: passed on when given, to keep more of the candidate pairs)."""
    import nikmatch as nm

    started = time.perf_counter()
    dataset = load_dataset(name)
    if dataset.kind != "dedup":
        raise ValueError(f"{name}: the oracle compares deduplication runs, not {dataset.kind}")
    n = dataset.n_left
    true_keys = np.unique(_pair_keys(dataset.true_pairs["id_l"].to_numpy(),
                                     dataset.true_pairs["id_r"].to_numpy(), n))
    from nikmatch.linker import KEEP_PROBABILITY

    keep = KEEP_PROBABILITY if keep_probability is None else keep_probability
    result = nm.find_duplicates(dataset.left, keep_probability=keep)
    pairs = result.pairs
    keys = _pair_keys(pairs["row_l"].to_numpy(), pairs["row_r"].to_numpy(), n)
    if len(np.unique(keys)) != len(keys):
        raise RuntimeError(f"{name}: result.pairs holds a pair twice; the counts would be wrong")
    match_keys = _pair_keys(result.matches["row_l"].to_numpy(),
                            result.matches["row_r"].to_numpy(), n)
    gamma_names = tuple(c for c in pairs.columns if str(c).startswith("gamma_"))
    scored_at = time.perf_counter()
    rich_names, rich = richer.pair_features(result, pairs)
    features_seconds = time.perf_counter() - scored_at
    if dataset.person_id is None:
        raise ValueError(f"{name}: no person per record; the folds are split by person")
    person, _ = pd.factorize(dataset.person_id)
    scored = Scored(
        name=name, path=folder / f"{name}.npz", gamma_names=gamma_names,
        match_probability=pairs["match_probability"].to_numpy(np.float64),
        fs_score=np.where(pairs["ambiguous"].to_numpy(bool), 0.0,
                          pairs["match_probability"].to_numpy(np.float64)),
        truth=np.isin(keys, true_keys), matched=np.isin(keys, match_keys),
        n_true=len(true_keys),
    )
    np.savez(
        scored.path,
        gamma=pairs[list(gamma_names)].to_numpy(np.int16),
        gamma_names=np.array(gamma_names, dtype=str),
        match_weight=pairs["match_weight"].to_numpy(np.float64),
        match_probability=scored.match_probability,
        truth=scored.truth,
        n_true=np.int64(scored.n_true),
        rich=rich,
        rich_names=np.array(rich_names, dtype=str),
        rich_categorical=np.isin(rich_names, richer.CATEGORICAL),
        # folds split by person: a pair goes with its first record's person
        group=person[pairs["row_l"].to_numpy(np.int64)].astype(np.int64),
    )
    print(f"# {dataset.describe()}: {len(pairs):,} candidate pairs, "
          f"{int(scored.truth.sum()):,} of them true; loaded and scored in "
          f"{scored_at - started:.1f}s, {len(rich_names)} richer features in "
          f"{features_seconds:.1f}s", file=sys.stderr)
    del dataset, result, pairs
    gc.collect()
    return scored


# --- metrics --------------------------------------------------------------------------------


def fs_metrics(train: list[Scored], test: Scored,
               precision: float = fitting.TARGET_PRECISION) -> dict[str, Any]:
    """Blocking ceiling and the FS figures on the test pairs (recall over all true pairs)."""
    p_test, y_test = test.fs_score, test.truth
    tp = int(y_test[test.matched].sum())
    fp = int(test.matched.sum()) - tp
    train_p = np.concatenate([s.fs_score for s in train])
    train_y = np.concatenate([s.truth for s in train])
    train_threshold = fitting.best_threshold(train_p, train_y, precision)
    return {
        "ceiling": int(y_test.sum()) / test.n_true,
        "matches": {"precision": tp / (tp + fp) if tp + fp else math.nan,
                    "recall": tp / test.n_true},
        "at_train_threshold": fitting.precision_recall_at(p_test, y_test, train_threshold,
                                                          test.n_true),
        "best": fitting.precision_recall_at(p_test, y_test,
                                            fitting.best_threshold(p_test, y_test, precision),
                                            test.n_true),
    }


def run_classifier(python: Path, rows: list[Row], scored: dict[str, Scored], folder: Path,
                   seed: int, precision: float = fitting.TARGET_PRECISION) -> list[dict[str, Any]]:
    """All rows' classifier fits in one subprocess of the peers' venv."""
    job = {"seed": seed, "precision": precision,
           "rows": [{"train": [str(scored[t].path) for t in row.train],
                     "test": str(scored[row.test].path)} for row in rows]}
    job_path, out_path = folder / "job.json", folder / "result.json"
    job_path.write_text(json.dumps(job))
    # one OpenMP thread: these fits are small, and spinning threads crawl on a busy machine
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([str(python), str(FIT_SCRIPT), "--job", str(job_path),
                           "--out", str(out_path)], capture_output=True, text=True, check=False,
                          env=env)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"the classifier failed (exit {proc.returncode}):\n{tail}")
    results: list[dict[str, Any]] = json.loads(out_path.read_text())
    return results


# --- table ----------------------------------------------------------------------------------

HEADER = ("train → test", "blocking ceiling R", "FS matches P / R", "FS @ train thr. P / R",
          "FS best R", "oracle, FS vectors: @ train thr. P / R", "oracle, FS vectors: best R",
          "oracle, richer: @ train thr. P / R", "oracle, richer: best R")
DETAIL_HEADER = ("train → test", "training pairs (true)", "test pairs (true)",
                 "settings (out-of-fold R on training): FS vectors / richer",
                 "fit s: FS vectors / richer",
                 "richer features that matter most (drop in average precision when shuffled)")


def _pr(m: dict[str, Any]) -> str:
    if math.isnan(m["precision"]):
        return "– (none selected)"
    return f"{m['precision']:.4f} / {m['recall']:.4f}"


def _best(m: dict[str, Any]) -> str:
    return "–" if math.isinf(m["threshold"]) else f"{m['recall']:.4f}"


def _table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(cells) + " |" for cells in rows)]


def table_lines(rows: list[Row], fs: list[dict[str, Any]],
                oracle: list[dict[str, Any]]) -> list[str]:
    """The main table: FS and both oracles per row."""
    cells = []
    for row, f, o in zip(rows, fs, oracle, strict=True):
        g, r = o["gamma"], o["rich"]
        cells.append([row.label, f"{f['ceiling']:.4f}", _pr(f["matches"]),
                      _pr(f["at_train_threshold"]), _best(f["best"]),
                      _pr(g["at_train_threshold"]), _best(g["best"]),
                      _pr(r["at_train_threshold"]), _best(r["best"])])
    return _table(HEADER, cells)


def detail_lines(rows: list[Row], scored: dict[str, Scored],
                 oracle: list[dict[str, Any]]) -> list[str]:
    """Sizes, fit times and the richer classifier's most useful features per row."""
    cells = []
    for row, o in zip(rows, oracle, strict=True):
        test = scored[row.test]
        top = ", ".join(f"`{name}` {drop:.3f}" for name, drop in o["rich"]["importance"])
        cells.append([row.label, f"{o['train_pairs']:,} ({o['train_true']:,})",
                      f"{len(test.truth):,} ({int(test.truth.sum()):,})",
                      " / ".join(f"{o[w]['setting']} ({o[w]['out_of_fold_recall']:.4f})"
                                 for w in ("gamma", "rich")),
                      f"{o['gamma']['seconds']:.0f} / {o['rich']['seconds']:.0f}", top])
    return _table(DETAIL_HEADER, cells)


NOTES = """Recall is over all true pairs of the test register (unordered), also those blocking never
proposed; the blocking ceiling is the share of them among nikmatch's candidate pairs
(`result.pairs`), the most any classifier of those pairs can find. *FS matches*: nikmatch's
`result.matches` (probability ≥ 0.99, ambiguous pairs excluded), as in accuracy.md. *@ train
thr.*: the threshold reaching precision {precision} on the training register's labelled pairs (for
the oracles, on 5-fold out-of-fold scores, folds split by person), applied unchanged to the test
register. *best R*: the most recall any threshold gives at precision ≥ {precision} on the test pairs
themselves (optimistic).

The oracles are scikit-learn HistGradientBoostingClassifiers trained with the generated truth.
*FS vectors*: on what the Fellegi-Sunter model itself sees, the gamma levels and the match
weight: the ceiling of today's comparisons. *richer*: on those plus each comparison's
contribution in bits (with term-frequency adjustments), the stratum the pair was weighed in,
the sound-alike and ambiguous flags, Jaro-Winkler / token-sort / token-set similarity of the
normalised names and Jaro-Winkler of the mothers' names, how many records share each name and
each name's rarest word, words per name, the birth dates' difference in days and in digits (same
day and month, day and month swapped), the same KK, kelurahan, kecamatan and birthplace, and
the competition among candidates (pairs per record, margin in bits over each record's best
other pair): the ceiling of what these records carry on these candidate pairs (blocking
still bounds both). Both are upper bounds with labels an office would not have at first, not
targets for the library and not models to ship."""


def parse_pairs(text: str) -> list[Row]:
    rows: list[Row] = []
    for item in text.split(","):
        train, sep, test = item.strip().partition(":")
        if not sep or not train or not test or "+" in test:
            raise argparse.ArgumentTypeError(f"expected TRAIN[+TRAIN...]:TEST, got {item!r}")
        rows.append(Row(train=train.split("+"), test=test))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line; exits non-zero when the peers' venv or scikit-learn is missing."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=parse_pairs, default=parse_pairs(DEFAULT_PAIRS),
                        help=f"comma list of TRAIN:TEST (TRAIN may be a+b); default {DEFAULT_PAIRS}")
    parser.add_argument("--seed", type=int, default=0, help="random_state of folds and model")
    parser.add_argument("--precision", type=float, default=fitting.TARGET_PRECISION,
                        help="precision the thresholds must reach (default %(default)s)")
    parser.add_argument("--keep-probability", type=float, default=None,
                        help="find_duplicates' keep_probability (default the library's, 0.001):"
                             " lower keeps more of the candidate pairs for both classifiers")
    parser.add_argument("--out", nargs="?", const=str(accuracy.OUT), default=None,
                        help="also write oracle.md (default folder benchmarks/out)")
    args = parser.parse_args(argv)
    rows: list[Row] = args.pairs

    python = classifier_python()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nikmatch-oracle-") as tmp:
        folder = Path(tmp)
        scored: dict[str, Scored] = {}
        for row in rows:
            for name in [*row.train, row.test]:
                if name not in scored:  # each data set is scored once per run
                    scored[name] = score_dataset(name, folder, args.keep_probability)
        for row in rows:
            fields = {scored[name].gamma_names for name in [*row.train, row.test]}
            if len(fields) > 1:
                sys.exit(f"{row.label}: the data sets compare different fields (e.g. one has "
                         "the father's name); train and test on the same kind of register")
        fs = [fs_metrics([scored[t] for t in row.train], scored[row.test], args.precision)
              for row in rows]
        print("# training the classifier ...", file=sys.stderr)
        oracle = run_classifier(python, rows, scored, folder, args.seed, args.precision)
    print(f"# done in {time.perf_counter() - started:.0f}s", file=sys.stderr)

    lines = table_lines(rows, fs, oracle)
    details = detail_lines(rows, scored, oracle)
    print("\n".join([*lines, "", *details]))
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        title = ("## Labelled ceiling: a supervised classifier on nikmatch's comparison vectors "
                 "and on richer pair features")
        spec = ",".join(f"{'+'.join(row.train)}:{row.test}" for row in rows)
        keep = ("" if args.keep_probability is None
                else f" --keep-probability {args.keep_probability:g}")
        if args.precision != fitting.TARGET_PRECISION:
            keep += f" --precision {args.precision:g}"
        command = f"Rows: `benchmarks/oracle.py --pairs {spec} --seed {args.seed}{keep}`."
        (folder / "oracle.md").write_text("\n".join([title, "", *lines, "", NOTES.format(precision=args.precision), "", *details,
                                                      "", command, ""]))
        print(f"wrote {folder / 'oracle.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
