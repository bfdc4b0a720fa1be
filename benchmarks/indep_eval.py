"""nikmatch on a register from the independent generator (benchmarks/indepgen).

Runs ``nikmatch.find_duplicates(register)`` with every default (or ``--threshold``) and prints
precision, recall and F1 of the matches, the curve at 0.99 / 0.9 / 0.5 from the scored pairs,
twin and other hard-negative pairs merged, recall per scenario and per kind of difference,
time and peak memory.

    python benchmarks/indep_eval.py indep-50k-s1
    python benchmarks/indep_eval.py indep-200k-s1 --json benchmarks/out/indep-200k-s1.json
    python benchmarks/indep_eval.py indep-50k-s1 --min-precision 0.994 --min-recall 0.8436 \
        --max-twins 0                                # the CI gate (exit 1 below a floor)

The gate is deterministic (the register is generated from its seed; the matcher is
deterministic): a floor that fails is a change in what nikmatch finds, not noise.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from indepgen.datasets import dataset  # noqa: E402
from nikmatch.evaluate import cluster_metrics, hard_negative_merges, pairwise_metrics  # noqa: E402

CURVE = (0.99, 0.9, 0.5)


class PeakRSS:
    """Peak resident memory of this process while the block runs (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self.base = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> PeakRSS:
        self.base = self.peak = self.rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def _keys(a: ArrayLike, b: ArrayLike, n: int) -> np.ndarray:
    left, right = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    return np.asarray(np.minimum(left, right) * n + np.maximum(left, right))


def pair_labels(true: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Scenario and kinds of difference of every true pair."""
    scen = truth["scenario"].to_numpy(dtype=object)
    sl, sr = scen[true["id_l"].to_numpy()], scen[true["id_r"].to_numpy()]
    scenario = np.where(sl == "original", sr, np.where(sr == "original", sl, "two_extra_records"))
    corr = truth["corruptions"].to_numpy(dtype=object)
    kinds = [
        sorted({k for k in f"{corr[a]};{corr[b]}".split(";") if k})
        for a, b in zip(true["id_l"].tolist(), true["id_r"].tolist(), strict=True)
    ]
    return pd.DataFrame({"scenario": scenario, "kinds": kinds, "n_kinds": [len(k) for k in kinds]})


def recall_table(found: np.ndarray, labels: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"label": labels.to_numpy(), "found": found})
    out = frame.groupby("label")["found"].agg(pairs="size", recall="mean")
    return out.sort_values("pairs", ascending=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", default="indep-50k-s1")
    parser.add_argument("--threshold", type=float, default=None, help="passed to find_duplicates")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--no-cache", action="store_true", help="generate again, do not pickle")
    parser.add_argument("--show-missed", type=int, default=0, help="print N missed true pairs")
    parser.add_argument("--min-precision", type=float, default=None, help="gate: exit 1 below")
    parser.add_argument("--min-recall", type=float, default=None, help="gate: exit 1 below")
    parser.add_argument("--max-twins", type=int, default=None,
                        help="gate: exit 1 when more twin pairs are merged")
    args = parser.parse_args(argv)

    import nikmatch

    t0 = time.perf_counter()
    ds = dataset(args.name, cache=not args.no_cache)
    truth = ds.truth
    register = ds.left
    n = len(register)
    print(f"{ds.describe()}; generated/loaded in {time.perf_counter() - t0:.1f} s")

    kwargs: dict[str, Any] = {}
    if args.threshold is not None:
        kwargs["threshold"] = args.threshold
    with PeakRSS() as memory:
        t1 = time.perf_counter()
        result = nikmatch.find_duplicates(register, **kwargs)
        seconds = time.perf_counter() - t1
    matches, pairs = result.matches, result.pairs

    true = ds.true_pairs
    m = pairwise_metrics(matches, true)
    hard = ds.hard_negatives
    merged = hard_negative_merges(matches, hard) if hard is not None else {}
    n_hard = hard["kind"].value_counts().to_dict() if hard is not None else {}
    clusters = cluster_metrics(result.clusters["cluster_id"], ds.person_id.set_axis(result.clusters.index))
    curve = {}
    for t in CURVE:
        chosen = pairs.loc[pairs["match_probability"] >= t, ["id_l", "id_r"]]
        mt = pairwise_metrics(chosen, true)
        twins = hard_negative_merges(chosen, hard).get("twins", 0) if hard is not None else 0
        curve[str(t)] = {**mt.as_dict(), "twins_merged": twins}

    found = np.isin(_keys(true["id_l"], true["id_r"], n), _keys(matches["id_l"], matches["id_r"], n))
    scored = np.isin(_keys(true["id_l"], true["id_r"], n), _keys(pairs["id_l"], pairs["id_r"], n))
    labels = pair_labels(true, truth)
    by_scenario = recall_table(found, labels["scenario"])
    exploded = labels[["kinds"]].assign(found=found).explode("kinds")
    exploded["kinds"] = exploded["kinds"].fillna("(none)")
    by_kind = recall_table(exploded["found"].to_numpy(dtype=bool), exploded["kinds"])
    by_count = recall_table(found, labels["n_kinds"].clip(upper=4).astype(str).replace({"4": "4+"}))

    print(f"\nfind_duplicates: {seconds:.1f} s, peak RSS {memory.peak / 2**30:.2f} GiB "
          f"(+{(memory.peak - memory.base) / 2**30:.2f} GiB during the call); "
          f"{len(pairs):,} scored pairs, {len(matches):,} matches, "
          f"{len(getattr(result, 'ambiguous', [])):,} ambiguous")
    print(f"matches{' at ' + str(args.threshold) if args.threshold is not None else ' (defaults)'}: "
          f"precision {m.precision:.4f}  recall {m.recall:.4f}  F1 {m.f1:.4f}  "
          f"(tp {m.tp:,}, fp {m.fp:,}, fn {m.fn:,})")
    print("hard negatives merged: " + ", ".join(f"{k} {merged.get(k, 0)} of {n_hard.get(k, 0)}" for k in sorted(n_hard)))
    print(f"clusters: precision {clusters.precision:.4f}  recall {clusters.recall:.4f}  F1 {clusters.f1:.4f}")
    print(f"true pairs present in result.pairs at any probability: {scored.mean():.4f}")
    print("\nscored pairs at a threshold:")
    for t, row in curve.items():
        print(f"  >= {t:<5} precision {row['precision']:.4f}  recall {row['recall']:.4f}  "
              f"F1 {row['f1']:.4f}  twins merged {row['twins_merged']}")
    print("\nrecall of the matches by scenario:")
    print(by_scenario.to_string(float_format=lambda x: f"{x:.3f}"))
    print("\nrecall of the matches by kind of difference (a pair counts under every kind it has):")
    print(by_kind.to_string(float_format=lambda x: f"{x:.3f}"))
    print("\nrecall by number of differences:")
    print(by_count.sort_index().to_string(float_format=lambda x: f"{x:.3f}"))

    if args.show_missed:
        missed = true[~found].head(args.show_missed)
        cols = ["nama", "tanggal_lahir", "nama_ibu", "no_kk", "kecamatan"]
        prob = pairs.set_index(["id_l", "id_r"])["match_probability"]
        for a, b in zip(missed["id_l"], missed["id_r"], strict=True):
            p = prob.get((a, b), prob.get((b, a), float("nan")))
            print(f"\n  p={p:.3g}  {truth.at[a, 'scenario']} [{truth.at[a, 'corruptions']}] / "
                  f"{truth.at[b, 'scenario']} [{truth.at[b, 'corruptions']}]")
            print("   ", " | ".join(str(register.at[a, c]) for c in cols))
            print("   ", " | ".join(str(register.at[b, c]) for c in cols))

    if args.json:
        out = {
            "dataset": args.name, "records": n, "true_pairs": len(true),
            "nikmatch_version": getattr(nikmatch, "__version__", "?"), "python": platform.python_version(),
            "threshold": args.threshold, "seconds": seconds, "peak_rss_bytes": memory.peak,
            "rss_increase_bytes": memory.peak - memory.base,
            "matches": m.as_dict(), "clusters": clusters.as_dict(), "curve": curve,
            "hard_negatives": {k: {"merged": merged.get(k, 0), "pairs": v} for k, v in n_hard.items()},
            "scored_true_pairs": float(scored.mean()),
            "recall_by_scenario": by_scenario.reset_index().to_dict("records"),
            "recall_by_kind": by_kind.reset_index().to_dict("records"),
            "recall_by_count": by_count.reset_index().to_dict("records"),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2, default=float))
        print(f"\nwrote {args.json}")
    failed = []
    if args.min_precision is not None and m.precision < args.min_precision:
        failed.append(f"precision {m.precision:.4f} < {args.min_precision}")
    if args.min_recall is not None and m.recall < args.min_recall:
        failed.append(f"recall {m.recall:.4f} < {args.min_recall}")
    if args.max_twins is not None and merged.get("twins", 0) > args.max_twins:
        failed.append(f"twin pairs merged {merged.get('twins', 0)} > {args.max_twins}")
    for line in failed:
        print(f"BELOW THRESHOLD: {args.name}: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
