"""Data sets ``indep-<size>-s<seed>[-ayah]`` from the independent generator, as ``Dataset``.

>>> # ds = dataset("indep-50k-s1"); ds.truth has scenario and corruptions per record
Names: ``indep-50k-s1``, ``indep-200k-s1``, ``indep-1m-s1``, ``indep-50k-s1-ayah`` (with the
father's name as a column).  Generated sets are pickled under ``benchmarks/.cache/indep/``
(keyed by a hash of this package's sources and the pandas version).
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .generator import generate, hard_negative_pairs, true_pairs

BENCHMARKS = Path(__file__).resolve().parent.parent
CACHE = BENCHMARKS / ".cache" / "indep"
NAME_RE = re.compile(r"indep-(\d+[km]?)-s(\d+)(-ayah)?")


def _bench_datasets():  # type: ignore[no-untyped-def]
    """``benchmarks/datasets.py`` (for its ``Dataset`` class)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    import datasets as bench

    return bench


def parse_size(text: str) -> int:
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(text[:-1] if factor > 1 else text) * factor


def fingerprint() -> str:
    digest = hashlib.sha256(pd.__version__.encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _build(name: str):  # type: ignore[no-untyped-def]
    match = NAME_RE.fullmatch(name)
    if not match:
        raise ValueError(f"unknown data set {name!r}; e.g. indep-50k-s1, indep-1m-s1, indep-50k-s1-ayah")
    n, seed, father = parse_size(match.group(1)), int(match.group(2)), bool(match.group(3))
    register, truth = generate(n, seed, father=father)
    bench = _bench_datasets()
    ds = bench.Dataset(
        name=name, kind="dedup", schema="siak", source="benchmarks/indepgen (independent generator)",
        left=register, right=None, true_pairs=true_pairs(truth),
        hard_negatives=hard_negative_pairs(register, truth),
        person_id=truth["person_id"].rename("person_id"),
    )
    return ds, truth


@lru_cache(maxsize=4)
def load(name: str, *, cache: bool = True):  # type: ignore[no-untyped-def]
    """``(Dataset, truth)`` for a data set name, from the pickle cache when there is one."""
    path = CACHE / f"{name}-{fingerprint()}.pkl"
    if cache and path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache file
    built = _build(name)
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return built


def dataset(name: str, *, cache: bool = True):  # type: ignore[no-untyped-def]
    """The ``datasets.Dataset`` for ``name``, with the truth frame as ``.truth``
    (person_id, scenario, corruptions, household_id, twin_group, ... per record)."""
    ds, truth_frame = load(name, cache=cache)
    ds.truth = truth_frame
    return ds


def truth(name: str, *, cache: bool = True) -> pd.DataFrame:
    """The truth frame of ``name`` (same positional index as the register)."""
    return load(name, cache=cache)[1]
