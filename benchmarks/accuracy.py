"""Accuracy benchmark: every system on every data set, judged the same way, in ONE table.

    .venv/bin/python benchmarks/accuracy.py               # default data sets, all systems
    .venv/bin/python benchmarks/accuracy.py --ci          # small gate: nikmatch vs thresholds.json
    .venv/bin/python benchmarks/accuracy.py --full --out  # more seeds/sizes; write benchmarks/out/
    .venv/bin/python benchmarks/accuracy.py --systems splink,recordlinkage-multipass --datasets febrl3

Each system runs as a subprocess (nikmatch in this interpreter's venv; the baselines in
``benchmarks/.venv-baselines``, created on first use) and returns its predicted and candidate
pairs as files; this script scores all of them with :mod:`nikmatch.evaluate`.  Columns:
pairwise precision / recall / F1, false merges among known hard negatives (twins, family,
common name) where the data set records them, pairs completeness (PC) and reduction ratio (RR)
of blocking, the system's own time (fit + predict, data in memory) and its peak memory.

On generated data sets the true pairs are also broken down by the generator's truth, printed
and written to ``accuracy.md`` as more tables after the main one: recall at the system's
threshold by how the extra record came about (a pair counts toward the scenario of each of its
records that is not a first record; in a list link, the pair of a listed resident and the
register record of its own NIK is "(own record)"), by kind of difference (toward each kind applied to either
record), by number of differences (of both records together), and the twin pairs merged by how
the twins' names relate (``synth.TWIN_NAME_KINDS``; names that sound alike cannot be told from
one person entered twice).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import datasets  # noqa: E402
from nikmatch.evaluate import (  # noqa: E402
    blocking_metrics,
    cluster_metrics,
    hard_negative_merges,
    pairwise_metrics,
)

SYSTEMS_DIR = HERE / "systems"
THRESHOLDS = HERE / "thresholds.json"
OUT = HERE / "out"
REQUIREMENTS = HERE / "requirements-baselines.txt"


@dataclass(frozen=True)
class System:
    """How to run one system: its module, variant and which interpreter it needs."""

    name: str
    module: str
    variant: str
    baseline: bool


SYSTEMS: dict[str, System] = {
    s.name: s
    for s in (
        System("nikmatch", "nikmatch_system.py", "default", baseline=False),
        System("recordlinkage-docs", "recordlinkage_system.py", "docs", baseline=True),
        System("recordlinkage-multipass", "recordlinkage_system.py", "multipass", baseline=True),
        System("splink", "splink_system.py", "docs", baseline=True),
    )
}


@dataclass
class Row:
    """One line of the table."""

    dataset: str
    system: str
    status: str = "ok"
    metrics: dict[str, Any] = field(default_factory=dict)


# --- environments ---------------------------------------------------------------------------


def baseline_python() -> Path:
    """The baseline venv's interpreter, creating the venv on first use."""
    venv = datasets.BASELINE_VENV
    python = venv / "bin" / "python"
    marker = venv / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"setting up {venv.relative_to(HERE.parent)} (pandas<3, recordlinkage, splink) ...",
          file=sys.stderr)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
                   check=True)
    marker.write_text(wanted)
    return python


def nikmatch_available() -> bool:
    import nikmatch

    return hasattr(nikmatch, "find_duplicates") and hasattr(nikmatch, "link")


# --- running and scoring --------------------------------------------------------------------


def run_system(system: System, spec: Path, timeout: float) -> tuple[dict[str, Any], Path]:
    """Run one system on one spec in its interpreter; return its result.json and output dir."""
    out = spec.parent / system.name
    for stale in ("predicted.npy", "candidates.npy", "result.json"):
        (out / stale).unlink(missing_ok=True)
    python = baseline_python() if system.baseline else Path(sys.executable)
    command = [str(python), str(SYSTEMS_DIR / system.module), "--spec", str(spec),
               "--out", str(out), "--variant", system.variant]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{system.name} failed (exit {proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads((out / "result.json").read_text())
    result["wall_seconds"] = time.perf_counter() - started
    return result, out


def _frame(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    array = np.load(path)
    return pd.DataFrame({"id_l": array[:, 0], "id_r": array[:, 1]})


def score(dataset: datasets.Dataset, result: dict[str, Any], out: Path) -> dict[str, Any]:
    """All metrics of one system's output on one data set."""
    link = dataset.kind == "link"
    predicted = _frame(out / "predicted.npy")
    assert predicted is not None
    metrics: dict[str, Any] = pairwise_metrics(predicted, dataset.true_pairs, link=link).as_dict()
    candidates = _frame(out / "candidates.npy")
    if candidates is not None:
        blocking = blocking_metrics(candidates, dataset.true_pairs, dataset.n_left, dataset.n_right)
        metrics["pairs_completeness"] = blocking.pairs_completeness
        total = result.get("n_candidates_total") or blocking.n_candidates
        metrics["n_candidates"] = int(total)
        metrics["reduction_ratio"] = 1.0 - total / blocking.n_possible if blocking.n_possible else 0.0
    elif result.get("n_candidates_total") is not None:
        metrics["n_candidates"] = int(result["n_candidates_total"])
    if dataset.hard_negatives is not None:
        merged = hard_negative_merges(predicted, dataset.hard_negatives, link=link)
        totals = dataset.hard_negatives["kind"].astype(str).value_counts().to_dict()
        metrics["hard_negatives"] = {k: [int(merged.get(k, 0)), int(v)] for k, v in totals.items()}
    clusters_path = out / "clusters.npy"
    if clusters_path.exists() and dataset.person_id is not None:
        # the persons found (pairs inside clusters), and hard negatives put in one cluster
        labels = np.load(clusters_path)
        person = pd.Series(np.asarray(dataset.person_id), index=pd.RangeIndex(len(labels)))
        found = cluster_metrics(pd.Series(labels, index=person.index), person)
        metrics["cluster_precision"] = found.precision
        metrics["cluster_recall"] = found.recall
        if dataset.hard_negatives is not None:
            hn = dataset.hard_negatives
            together = labels[hn["id_l"].to_numpy()] == labels[hn["id_r"].to_numpy()]
            kinds = hn["kind"].astype(str).to_numpy()
            metrics["hard_negatives_clustered"] = {
                k: int(together[kinds == k].sum()) for k in sorted(set(kinds.tolist()))
            }
    if dataset.truth is not None:
        metrics.update(breakdowns(dataset, predicted))
    metrics["seconds"] = result["seconds"]
    metrics["peak_rss_mb"] = result.get("peak_rss_mb")
    metrics["version"] = result.get("system", "")
    return metrics


# --- recall by story -------------------------------------------------------------------------


def _found(true: pd.DataFrame, predicted: pd.DataFrame, *, link: bool) -> np.ndarray:
    """Whether each true pair is among the predicted pairs."""
    def keys(frame: pd.DataFrame, size: int) -> np.ndarray:
        a = frame["id_l"].to_numpy(dtype=np.int64)
        b = frame["id_r"].to_numpy(dtype=np.int64)
        if not link:
            a, b = np.minimum(a, b), np.maximum(a, b)
        return a * size + b

    size = int(max(true[["id_l", "id_r"]].to_numpy().max(initial=0),
                   predicted[["id_l", "id_r"]].to_numpy().max(initial=0))) + 1
    return np.isin(keys(true, size), keys(predicted, size))


def _count(labels: list[list[str]], found: np.ndarray) -> dict[str, list[int]]:
    """[found, total] per label; a pair counts toward each of its labels."""
    out: dict[str, list[int]] = {}
    for pair_labels, hit in zip(labels, found.tolist(), strict=True):
        for label in pair_labels:
            cell = out.setdefault(label, [0, 0])
            cell[0] += int(hit)
            cell[1] += 1
    return out


def breakdowns(dataset: datasets.Dataset, predicted: pd.DataFrame) -> dict[str, Any]:
    """Recall by scenario, by difference kind and by number of differences, and twin pairs
    merged by how their names relate (generated data sets, whose truth is known)."""
    assert dataset.truth is not None
    link = dataset.kind == "link"
    left = dataset.truth
    right = dataset.truth_right if dataset.truth_right is not None else left
    true = dataset.true_pairs
    a, b = true["id_l"].to_numpy(), true["id_r"].to_numpy()
    found = _found(true, predicted, link=link)
    scen_l, scen_r = left["scenario"].to_numpy()[a], right["scenario"].to_numpy()[b]
    scenario = [
        sorted({x, y} - {"original"}) or ["original"] for x, y in zip(scen_l, scen_r, strict=True)
    ]
    if link and "own_record" in left.columns:  # a listed resident and the record of its NIK
        own = left["own_record"].to_numpy()[a] == b
        scenario = [["(own record)"] if o else s for o, s in zip(own, scenario, strict=True)]
    kinds_l, kinds_r = left["corruptions"].to_numpy()[a], right["corruptions"].to_numpy()[b]
    kinds = [
        sorted({k for k in f"{x};{y}".split(";") if k}) or ["(none)"]
        for x, y in zip(kinds_l, kinds_r, strict=True)
    ]
    total = left["differences"].to_numpy()[a] + right["differences"].to_numpy()[b]
    number = [[str(int(t)) if t < 4 else "4+"] for t in total]
    out: dict[str, Any] = {
        "recall_by_scenario": _count(scenario, found),
        "recall_by_difference": _count(kinds, found),
        "recall_by_n_differences": _count(number, found),
    }
    hard = dataset.hard_negatives
    if hard is not None and "twin_names" in left.columns and not link:
        twins = hard[hard["kind"].astype(str) == "twins"]
        names = left["twin_names"].to_numpy()
        x, y = names[twins["id_l"].to_numpy()], names[twins["id_r"].to_numpy()]
        label = [[str(p) if p == q else "(triplets)"] for p, q in zip(x, y, strict=True)]
        merged = _found(twins, predicted, link=False)
        out["twins_merged_by_names"] = _count(label, merged)
    return out


#: The breakdown tables: metric key, title, first column, order of rows, whether cells are
#: recall (found / total) or merges (merged / total).
BREAKDOWNS = (
    ("recall_by_scenario", "Recall by how the extra record came about", "scenario", True),
    ("recall_by_n_differences", "Recall by number of differences (both records)", "differences",
     True),
    ("recall_by_difference", "Recall by kind of difference (either record)", "difference", True),
    ("twins_merged_by_names", "Twin pairs merged, by how the twins' names relate", "twin names",
     False),
)


def _order(key: str, labels: set[str]) -> list[str]:
    if key == "recall_by_scenario":
        known = [s for s in ("original", *_synth_scenarios()) if s in labels]
        return known + sorted(labels - set(known))
    if key == "recall_by_n_differences":
        return sorted(labels, key=lambda x: (len(x), x))
    return sorted(labels)


def _synth_scenarios() -> tuple[str, ...]:
    from nikmatch.synth import SCENARIOS

    return tuple(SCENARIOS)


def breakdown_lines(rows: list[Row]) -> list[str]:
    """The breakdown tables (one column per data set and system) as markdown lines."""
    lines: list[str] = []
    for key, title, first, is_recall in BREAKDOWNS:
        cols = [r for r in rows if r.status == "ok" and r.metrics.get(key)]
        if not cols:
            continue
        labels = _order(key, {label for r in cols for label in r.metrics[key]})
        header = [first, *(f"{r.dataset} {r.system}" for r in cols)]
        what = "recall (true pairs)" if is_recall else "merged / twin pairs"
        lines += ["", f"**{title}**: {what}", "",
                  "| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        for label in labels:
            cells = [label]
            for r in cols:
                found, total = r.metrics[key].get(label, [0, 0])
                if not total:
                    cells.append("–")
                elif is_recall:
                    cells.append(f"{found / total:.3f} ({total})")
                else:
                    cells.append(f"{found} / {total}")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- table ----------------------------------------------------------------------------------

HEADER = ("data set", "system", "precision", "recall", "F1", "false merges (hard neg.)",
          "persons: P / R (twins in one)", "PC", "RR", "time s", "peak MB")


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _hard(metrics: dict[str, Any]) -> str:
    hard = metrics.get("hard_negatives")
    if not hard:
        return "–"
    return ", ".join(f"{kind} {m}/{n}" for kind, (m, n) in sorted(hard.items()))


def _persons(metrics: dict[str, Any]) -> str:
    """Pairs inside the system's clusters against the true persons, and twins in one cluster."""
    if metrics.get("cluster_precision") is None:
        return "–"
    twins = (metrics.get("hard_negatives_clustered") or {}).get("twins")
    tail = "" if twins is None else f" ({twins})"
    return f"{metrics['cluster_precision']:.4f} / {metrics['cluster_recall']:.4f}{tail}"


def table_lines(rows: list[Row]) -> list[str]:
    """The table as markdown lines (also readable as plain text)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for row in rows:
        m = row.metrics
        if row.status != "ok":
            cells = [row.dataset, row.system, row.status, *[""] * (len(HEADER) - 3)]
        else:
            cells = [
                row.dataset, row.system, _fmt(m.get("precision")), _fmt(m.get("recall")),
                _fmt(m.get("f1")), _hard(m), _persons(m), _fmt(m.get("pairs_completeness")),
                _fmt(m.get("reduction_ratio"), 5), _fmt(m.get("seconds"), 1),
                _fmt(m.get("peak_rss_mb"), 0),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- thresholds -----------------------------------------------------------------------------


def check_thresholds(rows: list[Row], path: Path = THRESHOLDS) -> list[str]:
    """Failures of nikmatch against ``thresholds.json`` (minimums, and maximum false merges)."""
    limits: dict[str, dict[str, float]] = json.loads(path.read_text())["nikmatch"]
    found = {r.dataset: r for r in rows if r.system == "nikmatch"}
    failures: list[str] = []
    for name, limit in limits.items():
        row = found.get(name)
        if row is None:
            continue
        if row.status != "ok":
            failures.append(f"{name}: nikmatch did not run ({row.status})")
            continue
        for metric, minimum in limit.items():
            if metric.startswith("max_clustered_"):  # hard negatives put in one cluster
                kind = metric.removeprefix("max_clustered_")
                together = row.metrics.get("hard_negatives_clustered", {}).get(kind, 0)
                if together > minimum:
                    failures.append(f"{name}: {kind} in one cluster {together} > {minimum:g}")
            elif metric.startswith("max_"):
                kind = metric.removeprefix("max_merges_")
                merged = row.metrics.get("hard_negatives", {}).get(kind, [0, 0])[0]
                if merged > minimum:
                    failures.append(f"{name}: {kind} false merges {merged} > {minimum:g}")
            elif row.metrics.get(metric, 0.0) < minimum:
                failures.append(f"{name}: {metric} {row.metrics.get(metric, 0.0):.4f} < {minimum}")
    return failures


def update_thresholds(rows: list[Row], margin: float, path: Path = THRESHOLDS) -> None:
    """Record nikmatch's current figures minus ``margin`` as the new minimums; a minimum is
    never lowered (a drop is a regression to fix or to explain in CHANGELOG.md by hand)."""
    data = json.loads(path.read_text()) if path.exists() else {}
    limits = data.setdefault("nikmatch", {})
    for row in rows:
        if row.system != "nikmatch" or row.status != "ok":
            continue
        old = limits.get(row.dataset, {})
        kept = {  # hard-negative limits (max_*) are policy, not measurements: kept
            k: v for k, v in old.items() if k.startswith("max_")
        }
        measured = (
            "precision", "recall", "f1", "pairs_completeness", "cluster_precision", "cluster_recall"
        )
        limits[row.dataset] = {
            k: max(round(max(0.0, row.metrics[k] - margin), 4), float(old.get(k, 0.0)))
            for k in measured
            if row.metrics.get(k) is not None
        } | kept
    path.write_text(json.dumps(data, indent=2) + "\n")


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit code (1 when ``--ci`` finds nikmatch below thresholds)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ci", action="store_true",
                        help="small gate: nikmatch only on " + ", ".join(datasets.CI)
                        + "; exit 1 below thresholds.json")
    parser.add_argument("--full", action="store_true", help="more seeds and sizes")
    parser.add_argument("--systems", help="comma list of " + ", ".join(SYSTEMS))
    parser.add_argument("--datasets", help="comma list, e.g. febrl3,gen-20k-s1,rekam-2k-20k-s1")
    parser.add_argument("--out", nargs="?", const=str(OUT), default=None,
                        help="write accuracy.md and accuracy.json (default folder benchmarks/out)")
    parser.add_argument("--setup", action="store_true",
                        help="create the baseline venv and fetch FEBRL, then exit")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per system run")
    parser.add_argument("--update-thresholds", type=float, metavar="MARGIN", default=None,
                        help="write nikmatch's figures minus MARGIN to thresholds.json")
    args = parser.parse_args(argv)

    if args.setup:
        baseline_python()
        print("FEBRL files in", datasets.febrl_folder())
        return 0
    names = (args.datasets.split(",") if args.datasets
             else datasets.CI if args.ci else datasets.FULL if args.full else datasets.DEFAULT)
    system_names = (args.systems.split(",") if args.systems
                    else ["nikmatch"] if args.ci else list(SYSTEMS))
    unknown = [s for s in system_names if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s) {unknown}; known: {', '.join(SYSTEMS)}")
    if "nikmatch" in system_names and not nikmatch_available():
        print("nikmatch: skipped (nikmatch.find_duplicates / nikmatch.link not available yet)")
        system_names.remove("nikmatch")
        if args.ci:
            print("--ci: nothing to gate without the matcher", file=sys.stderr)
            return 1

    rows: list[Row] = []
    for name in names:
        started = time.perf_counter()
        dataset = datasets.load(name)
        spec = datasets.write_for_systems(dataset)
        print(f"# {dataset.describe()} (prepared in {time.perf_counter() - started:.1f}s)",
              file=sys.stderr)
        for system_name in system_names:
            system = SYSTEMS[system_name]
            try:
                result, out = run_system(system, spec, args.timeout)
                row = Row(dataset.name, system.name, metrics=score(dataset, result, out))
                print(f"  {system.name}: F1 {row.metrics['f1']:.4f} in {result['seconds']:.1f}s",
                      file=sys.stderr)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"  {system.name}: FAILED\n{exc}", file=sys.stderr)
                row = Row(dataset.name, system.name, status="failed")
            rows.append(row)

    lines = table_lines(rows) + breakdown_lines(rows)
    print("\n".join(lines))
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "accuracy.md").write_text("\n".join(lines) + "\n")
        payload = [{"dataset": r.dataset, "system": r.system, "status": r.status, **r.metrics}
                   for r in rows]
        (folder / "accuracy.json").write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {folder / 'accuracy.md'} and accuracy.json", file=sys.stderr)
    if args.update_thresholds is not None:
        update_thresholds(rows, args.update_thresholds)
    if args.ci:
        failures = check_thresholds(rows)
        for failure in failures:
            print("BELOW THRESHOLD:", failure)
        if failures or any(r.status != "ok" for r in rows):
            return 1
        print("accuracy gate: nikmatch meets every threshold in benchmarks/thresholds.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
