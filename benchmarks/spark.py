"""Speed and memory of the Spark engine in local mode, against the in-memory engine (issue 18).

For each generated register (``gen-1m-s1``, ``gen-5m-s1`` by default, from
:mod:`datasets`, cached; written once as Parquet under ``benchmarks/.cache/spark/``), runs
:func:`nikmatch.spark.find_duplicates` on a local Spark (``local[2]``: this machine's two
cores) and measures its wall time and peak memory: the driver's Python process, the JVM (in
local mode the driver and the executors are one JVM) and the Python workers the executors
start, sampled every half second.  The in-memory engine (:func:`nikmatch.find_duplicates`)
runs on the 1M register in the same run, in a subprocess of its own (its peak memory is that
process's).  The cost per candidate pair (core-seconds per pair) and the candidate pairs per
record are what ``docs/guide/spark.md`` scales to the national register.  Printed, and written
to ``benchmarks/out/spark.md``; nothing is asserted.

    python benchmarks/spark.py                       # 1M and 5M, in-memory on 1M
    python benchmarks/spark.py --sizes 1m --driver-memory 6g
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import datasets  # noqa: E402

CACHE = HERE / ".cache" / "spark"
OUT = HERE / "out" / "spark.md"


class PeakMemory:
    """Peak resident memory of a process and of all its descendants, sampled in a thread:
    the driver (this process), the JVM and the Python workers, apart and together."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak: dict[str, float] = {"driver_python": 0.0, "jvm": 0.0, "python_workers": 0.0,
                                       "total": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            sizes = {"driver_python": 0.0, "jvm": 0.0, "python_workers": 0.0}
            try:
                sizes["driver_python"] = me.memory_info().rss
                for child in me.children(recursive=True):
                    try:
                        name = child.name().lower()
                        rss = child.memory_info().rss
                    except psutil.Error:
                        continue
                    key = "jvm" if "java" in name else "python_workers"
                    sizes[key] += rss
            except psutil.Error:
                pass
            sizes["total"] = sum(sizes.values())
            for k, v in sizes.items():
                self.peak[k] = max(self.peak[k], v)
            self._stop.wait(self.interval)


def gib(value: float) -> str:
    return f"{value / 2**30:.2f} GiB"


def parquet_of(name: str) -> tuple[Path, int]:
    """The register of a generated data set as Parquet (written once), and its size."""
    path = CACHE / f"{name}-{datasets._synth_fingerprint()}.parquet"
    meta = path.with_suffix(".json")
    if not path.exists() or not meta.exists():
        data = datasets.load(name)
        frame = data.left.reset_index(drop=True)
        frame.insert(0, "id", range(len(frame)))
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.astype({c: "string" for c in frame.columns if c != "id"}).to_parquet(
            path, index=False, row_group_size=200_000
        )
        meta.write_text(json.dumps({"records": len(frame)}))
        del data, frame
    return path, int(json.loads(meta.read_text())["records"])


def spark_session(driver_memory: str) -> Any:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("nikmatch-benchmark")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", "64")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.local.dir", str(CACHE / "tmp"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_spark(name: str, driver_memory: str) -> dict[str, Any]:
    from nikmatch import spark as ns

    path, n = parquet_of(name)
    session = spark_session(driver_memory)
    sdf = session.read.parquet(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        with PeakMemory() as peak:
            result = ns.find_duplicates(sdf)
            matches = result.matches.count()
            persons = (
                result.clusters.filter("cluster_size > 1").select("cluster_id").distinct().count()
            )
        seconds = time.perf_counter() - started
    info = result.info
    session.stop()
    candidates = int(info["candidate_pairs"])
    return {
        "engine": "spark local[2]",
        "register": name,
        "records": n,
        "seconds": round(seconds, 1),
        "stages": info["seconds"],
        "candidate_pairs": candidates,
        "pairs_per_record": round(candidates / n, 2),
        "matches": matches,
        "persons_with_duplicates": persons,
        "core_us_per_pair": round(2 * seconds / max(candidates, 1) * 1e6, 2),
        "peak": {k: round(v / 2**30, 2) for k, v in peak.peak.items()},
    }


def run_memory(name: str) -> dict[str, Any]:
    """The in-memory engine on a register, in a subprocess of its own (its peak memory)."""
    code = f"""
import json, resource, sys, time, warnings
sys.path.insert(0, {str(HERE)!r})
import datasets, nikmatch as nm
data = datasets.load({name!r})
started = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    r = nm.find_duplicates(data.left)
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "candidate_pairs": r.info["candidate_pairs"],
                  "matches": len(r.matches), "records": len(data.left),
                  "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "engine": "in memory",
        "register": name,
        "records": got["records"],
        "seconds": round(got["seconds"], 1),
        "candidate_pairs": got["candidate_pairs"],
        "pairs_per_record": round(got["candidate_pairs"] / got["records"], 2),
        "matches": got["matches"],
        "core_us_per_pair": round(2 * got["seconds"] / max(got["candidate_pairs"], 1) * 1e6, 2),
        "peak": {"total": round(got["peak_gib"], 2)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,5m", help="generated register sizes (1m,5m)")
    parser.add_argument("--driver-memory", default="10g", help="Spark driver memory")
    parser.add_argument("--no-memory-engine", action="store_true",
                        help="leave out the in-memory engine on 1M")
    parser.add_argument("--out", type=Path, default=OUT, help="where the table is written")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if not args.no_memory_engine:
        rows.append(run_memory("gen-1m-s1"))
        print(json.dumps(rows[-1]), flush=True)
    for size in sizes:
        rows.append(run_spark(f"gen-{size}-s1", args.driver_memory))
        print(json.dumps(rows[-1]), flush=True)
    lines = [
        "# Spark engine, local mode (2 cores), against the in-memory engine",
        "",
        f"Machine: {os.cpu_count()} cores, {gib(psutil.virtual_memory().total)}; "
        f"driver memory {args.driver_memory}. Generated by `python benchmarks/spark.py`.",
        "",
        "| engine | register | records | wall | candidate pairs | pairs/record | matches "
        "| core-µs per pair | peak memory |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peak = r["peak"]
        mem = (
            f"{peak['total']} GiB (JVM {peak['jvm']}, Python workers {peak['python_workers']}, "
            f"driver Python {peak['driver_python']})"
            if "jvm" in peak
            else f"{peak['total']} GiB"
        )
        lines.append(
            f"| {r['engine']} | {r['register']} | {r['records']:,} | {r['seconds']:.0f} s "
            f"| {r['candidate_pairs']:,} | {r['pairs_per_record']} | {r['matches']:,} "
            f"| {r['core_us_per_pair']} | {mem} |"
        )
    lines += ["", "Stages (seconds) of the Spark runs:", ""]
    for r in rows:
        if "stages" in r:
            lines.append(f"- {r['register']}: {json.dumps(r['stages'])}")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
