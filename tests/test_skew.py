"""Skewed registers (a default birth date and a common name on most records) stay bounded.

Times and memory are measured in ``benchmarks/skew.py``; here the deterministic part: the guard
warns, names what it skipped, and the candidate pairs stay a small multiple of the records
instead of the ~10^8 pairs of the skewed blocks.
"""

from __future__ import annotations

import warnings

import nikmatch as nm
from nikmatch.blocking import BlockingWarning
from nikmatch.synth import generate_population


def test_skewed_register_warns_and_stays_bounded() -> None:
    register, _ = generate_population(20_000, seed=4)
    rows = register.index[:14_000]
    register.loc[rows, "tanggal_lahir"] = "1980-01-01"
    register.loc[rows[:7_000], "nama"] = "MUHAMMAD RIZKI"
    register.loc[rows[7_000:], "nama"] = "SITI AMINAH"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = nm.find_duplicates(register)
    blocking = [w for w in caught if issubclass(w.category, BlockingWarning)]
    assert blocking, "skipping a huge block must warn"
    assert "skipped blocks larger than" in str(blocking[0].message)
    assert int(result.blocking["skipped_pairs"].sum()) > 10_000_000
    assert result.info["candidate_pairs"] < 60 * len(register)
    assert result.clusters.index.equals(register.index)
    assert result.clusters["cluster_size"].max() <= 20
