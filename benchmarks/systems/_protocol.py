"""The file protocol between the benchmark harness and one system run (any venv, any pandas).

The harness writes a data set once to ``benchmarks/.cache/<dataset>/`` as CSV (every column a
string, plus ``rid``: the record's position, 0..n-1) and a ``spec.json``; it then starts
``python benchmarks/systems/<system>.py --spec spec.json --out DIR`` in the interpreter that
system needs.  The system writes to ``DIR``:

* ``predicted.npy``  int64 array (k, 2): predicted matching pairs as (rid_l, rid_r);
* ``candidates.npy`` int64 array (m, 2): the pairs its blocking produced (may be omitted);
* ``clusters.npy``   int64 array (n,): deduplication only, the person (cluster) each record
  was put in, by ``rid`` (may be omitted);
* ``result.json``    seconds (fit + predict, data already in memory), peak RSS, notes.

For a link data set ``rid_l`` indexes the list (``left.csv``) and ``rid_r`` the register
(``right.csv``).  Only numpy, pandas and the standard library are used here, so this module
imports under pandas 2 (baseline venv) and pandas 3 (main venv) alike.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Spec:
    """One data set as a system sees it."""

    name: str
    kind: str  # "dedup" or "link"
    schema: str  # "febrl" or "siak": which column layout (selects each system's config)
    left: pd.DataFrame
    right: pd.DataFrame | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Output:
    """What a system returns: predicted pairs, optional candidate pairs, notes."""

    predicted: np.ndarray
    candidates: np.ndarray | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    clusters: np.ndarray | None = None  # dedup: a cluster id per record, in rid order


def read_records(path: Path) -> pd.DataFrame:
    """Read a records CSV: ``rid`` as the index, every other column as text (NaN = missing)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame.index = pd.Index(frame.pop("rid").astype(np.int64), name="rid")
    return frame


def load_spec(path: Path) -> Spec:
    """Load ``spec.json`` and the CSV files it names (paths relative to the spec)."""
    raw = json.loads(path.read_text())
    base = path.parent
    right = read_records(base / raw["right"]) if raw.get("right") else None
    return Spec(
        name=raw["name"],
        kind=raw["kind"],
        schema=raw["schema"],
        left=read_records(base / raw["left"]),
        right=right,
        options=dict(raw.get("options", {})),
    )


def as_pair_array(left: Any, right: Any) -> np.ndarray:
    """Stack two id sequences into an int64 (k, 2) array."""
    return np.column_stack(
        [np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)]
    ).reshape(-1, 2)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (VmHWM; ru_maxrss where /proc is absent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(run: Callable[[Spec, str], Output], variants: tuple[str, ...]) -> None:
    """Command line of every system module: ``--spec``, ``--out``, ``--variant``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--variant", choices=variants, default=variants[0])
    args = parser.parse_args()
    spec = load_spec(args.spec)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    output = run(spec, args.variant)
    seconds = time.perf_counter() - start
    np.save(args.out / "predicted.npy", output.predicted.astype(np.int64))
    if output.candidates is not None:
        np.save(args.out / "candidates.npy", output.candidates.astype(np.int64))
    if output.clusters is not None:
        np.save(args.out / "clusters.npy", output.clusters.astype(np.int64))
    result = {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "n_predicted": len(output.predicted),
        "n_candidates": None if output.candidates is None else len(output.candidates),
        "pandas": pd.__version__,
        **output.notes,
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=2, default=str))
