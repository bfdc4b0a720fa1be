"""Speed of ``nikmatch.check_niks`` against a per-value loop of ``stdnum.id.nik.is_valid``.

Generates N well-formed NIKs (kecamatan codes from the bundled region table, random birth dates,
both sexes, random serials; a few damaged values), then times, in the same run:

* ``check_niks`` over the whole column (best of ``--repeat`` runs);
* ``stdnum.id.nik.is_valid`` in a Python loop over a sample (``--baseline-sample``, default the
  whole column), reported per NIK and extrapolated to N.

Prints both and the per-NIK speed ratio.  Usage::

    python benchmarks/nik_speed.py            # 1,000,000 NIKs
    python benchmarks/nik_speed.py -n 100000 --baseline-sample 50000
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import time

import numpy as np
import pandas as pd

import nikmatch
from nikmatch.check import check_niks
from nikmatch.regions import Regions


def generate(n: int, seed: int = 0) -> pd.Series:
    """N generated NIKs as text (0.5% damaged: spaces, apostrophes, wrong length)."""
    rng = np.random.default_rng(seed)
    regions = Regions.default()
    districts = np.array([c for p in regions.provinces() for r in regions.children(p)
                          for c in regions.children(r)])
    district = districts[rng.integers(0, len(districts), n)]
    born = np.datetime64("1940-01-01") + rng.integers(0, 365 * 84, n).astype("timedelta64[D]")
    ymd = pd.DatetimeIndex(born)
    day = ymd.day.to_numpy() + 40 * rng.integers(0, 2, n)
    serial = rng.integers(1, 400, n)
    text = [
        f"{d}{dd:02d}{m:02d}{y % 100:02d}{s:04d}"
        for d, dd, m, y, s in zip(district, day, ymd.month, ymd.year, serial, strict=True)
    ]
    damaged = rng.random(n) < 0.005
    for i in np.flatnonzero(damaged):
        text[i] = ["'" + text[i], text[i][:8] + " " + text[i][8:], text[i][:15]][i % 3]
    return pd.Series(text, name="nik")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-sample", type=int, default=None)
    args = parser.parse_args()

    from stdnum.id import nik as stdnum_nik

    niks = generate(args.n)
    reference = dt.date(2025, 6, 30)
    Regions.default().children("11")  # load the table outside the timings
    check_niks(niks.head(1000), reference_date=reference)  # warm-up

    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = check_niks(niks, reference_date=reference)
        timings.append(time.perf_counter() - start)
    ours = min(timings)
    assert len(out) == len(niks)
    assert out.index.equals(niks.index)

    sample = niks.to_list()[: args.baseline_sample or args.n]
    start = time.perf_counter()
    valid = sum(stdnum_nik.is_valid(v) for v in sample)
    baseline = time.perf_counter() - start
    per_ours = ours / args.n * 1e6
    per_base = baseline / len(sample) * 1e6

    print(f"nikmatch {nikmatch.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"python {platform.python_version()}")
    print(f"NIKs: {args.n:,} ({int(out['is_valid'].sum()):,} valid by nikmatch, "
          f"{valid:,}/{len(sample):,} by stdnum)")
    print(f"check_niks:           {ours:8.3f} s  ({per_ours:.3f} us/NIK; runs: "
          f"{', '.join(f'{t:.3f}' for t in timings)})")
    print(f"stdnum is_valid loop: {baseline:8.3f} s over {len(sample):,}  ({per_base:.3f} us/NIK; "
          f"{per_base * args.n / 1e6:.1f} s extrapolated to {args.n:,})")
    print(f"speed-up per NIK: {per_base / per_ours:.1f}x")


if __name__ == "__main__":
    main()
