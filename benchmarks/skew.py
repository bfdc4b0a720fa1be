"""Skew benchmark: many records share a default birth date and a common name.

    .venv/bin/python benchmarks/skew.py              # 500,000 records, 60% skewed
    .venv/bin/python benchmarks/skew.py --n 200k --share 0.8

A generated register in which a ``--share`` of the records are moved to 1 January 1980 and
given one of two very common names (the worst case of a register whose unknown dates were
filled with a default).  Printed: run time, peak resident memory (this process), candidate
pairs, the blocking warnings (which blocks were skipped, how many pairs that avoided), and the
same figures for the unskewed register of the same size in the same run, as a ratio.  Times
and memory are printed, never asserted (the machines are shared).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CHILD = r"""
import resource, sys, time, warnings
import nikmatch as nm
from nikmatch.synth import generate_population
n, share, skew = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1"
register, _ = generate_population(n, seed=4)
if skew:
    k = int(share * n)
    rows = register.index[:k]
    register.loc[rows, "tanggal_lahir"] = "1980-01-01"
    register.loc[rows[: k // 2], "nama"] = "MUHAMMAD RIZKI"
    register.loc[rows[k // 2 :], "nama"] = "SITI AMINAH"
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = nm.find_duplicates(register)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
skipped = int(result.blocking["skipped_pairs"].sum())
print(f"{seconds:.1f}\t{peak / 1024:.0f}\t{(peak - base) / 1024:.0f}\t"
      f"{result.info['candidate_pairs']}\t{len(caught)}\t{skipped}")
"""


def _size(text: str) -> int:
    text = text.lower().replace("_", "")
    factor = 1_000_000 if text.endswith("m") else 1_000 if text.endswith("k") else 1
    return int(float(text.rstrip("mk")) * factor)


def _run(n: int, share: float, skew: bool) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), str(share), "1" if skew else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1].split("\t")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="500k", help="register size, e.g. 500k, 1m")
    parser.add_argument("--share", type=float, default=0.6, help="share of skewed records")
    args = parser.parse_args()
    n = _size(args.n)
    plain = _run(n, args.share, skew=False)
    skewed = _run(n, args.share, skew=True)
    print(f"skew benchmark: {n:,} records, {args.share:.0%} on 1 Jan 1980 with two common names")
    print("| register | seconds | peak MB | MB for the job | candidate pairs | warnings | "
          "pairs skipped by the guard |")
    print("|---|---|---|---|---|---|---|")
    for label, row in (("plain", plain), ("skewed", skewed)):
        print(f"| {label} | " + " | ".join(row) + " |")
    ratio = float(skewed[2]) / max(float(plain[2]), 1.0)
    print(f"memory of the skewed run / plain run: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
