"""Speed benchmark: nikmatch vs Splink (DuckDB) on the same generated register, end to end.

    .venv/bin/python benchmarks/speed.py                 # 1,000,000-record register + 16k list
    .venv/bin/python benchmarks/speed.py --n 100k        # quicker
    .venv/bin/python benchmarks/speed.py --n 50k --list-n 2k --systems splink

The register (and the "belum rekam" list) is generated once with :mod:`nikmatch.synth` and
cached as CSV under ``benchmarks/.cache/runs/`` (the exchange format every system reads).
Each system runs in its own subprocess (nikmatch in this venv, Splink in
``benchmarks/.venv-baselines``), so its peak resident memory (VmHWM) is its own.  Printed:
the system's own time (prepare + train + score + cluster, data already in memory), the wall
time of the subprocess (adds interpreter start and reading the CSV), peak memory, F1 against
the generated truth, and Splink / nikmatch ratios.  Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import accuracy  # noqa: E402
import datasets  # noqa: E402


def _prepare(name: str) -> tuple[datasets.Dataset, Path]:
    started = time.perf_counter()
    dataset = datasets.load(name)
    spec = datasets.write_for_systems(dataset, options={"no_candidates": True})
    print(f"# {dataset.describe()}: generated and written in {time.perf_counter() - started:.1f}s",
          file=sys.stderr)
    return dataset, spec


def _measure(dataset: datasets.Dataset, spec: Path, systems: list[str],
             timeout: float) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for name in systems:
        system = accuracy.SYSTEMS[name]
        print(f"  running {name} ...", file=sys.stderr)
        try:
            result, out = accuracy.run_system(system, spec, timeout)
        except (RuntimeError, accuracy.subprocess.TimeoutExpired) as exc:
            print(f"  {name}: FAILED\n{exc}", file=sys.stderr)
            continue
        metrics = accuracy.score(dataset, result, out)
        metrics["wall_seconds"] = result["wall_seconds"]
        figures[name] = metrics
    return figures


def _lines(title: str, figures: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"## {title}", "",
             "| system | time s | wall s | peak MB | precision | recall | F1 | candidate pairs |",
             "|---|---|---|---|---|---|---|---|"]
    for name, m in figures.items():
        lines.append(
            f"| {name} | {m['seconds']:.1f} | {m['wall_seconds']:.1f} | {m['peak_rss_mb']:.0f} | "
            f"{m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} | "
            f"{m.get('n_candidates', 0):,} |"
        )
    if "nikmatch" in figures and "splink" in figures:
        n, s = figures["nikmatch"], figures["splink"]
        lines.append("")
        lines.append(
            f"Splink / nikmatch: time x{s['seconds'] / n['seconds']:.2f}, "
            f"peak memory x{s['peak_rss_mb'] / n['peak_rss_mb']:.2f}, "
            f"F1 {s['f1']:.4f} vs {n['f1']:.4f}"
        )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    """Command line; always exits 0 unless a system fails to run."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="1m", help="register size, e.g. 1m, 100k, 50000")
    parser.add_argument("--list-n", default="16k", help="size of the belum-rekam list")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--systems", default="nikmatch,splink")
    parser.add_argument("--no-link", action="store_true", help="skip the list-to-register timing")
    parser.add_argument("--timeout", type=float, default=3 * 3600.0)
    parser.add_argument("--out", nargs="?", const=str(accuracy.OUT), default=None,
                        help="also write speed.md (default folder benchmarks/out)")
    args = parser.parse_args(argv)

    systems = args.systems.split(",")
    if "nikmatch" in systems and not accuracy.nikmatch_available():
        print("nikmatch: skipped (nikmatch.find_duplicates / nikmatch.link not available yet)")
        systems.remove("nikmatch")
    n = datasets._parse_size(args.n)
    list_n = datasets._parse_size(args.list_n)

    dedup, spec = _prepare(f"gen-{datasets._size(n)}-s{args.seed}")
    lines = _lines(f"Deduplicate a register of {n:,} records", _measure(dedup, spec, systems,
                                                                         args.timeout))
    if not args.no_link:
        linked, spec = _prepare(f"rekam-{datasets._size(list_n)}-{datasets._size(n)}-s{args.seed}")
        lines += _lines(f"Link a list of {linked.n_left:,} to a register of {n:,}",
                        _measure(linked, spec, systems, args.timeout))
    print("\n".join(lines))
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "speed.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
