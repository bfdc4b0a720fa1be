"""nikmatch through its public contract (``nm.find_duplicates`` / ``nm.link``), main venv.

Predicted pairs are ``result.matches``; the candidate pairs are ``result.pairs`` (every blocked
pair the matcher kept with some evidence), and ``result.info["candidate_pairs"]``, when present,
is the number of pairs blocking produced (used for the reduction ratio).  FEBRL columns are
mapped onto the canonical ones with ``columns=...``; the generated data already uses them.

    python benchmarks/systems/nikmatch_system.py --spec SPEC.json --out DIR
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _protocol import Output, Spec, as_pair_array, main

#: FEBRL column -> canonical mapping (kept in step with benchmarks/datasets.py FEBRL_COLUMNS).
FEBRL_COLUMNS: dict[str, str | list[str]] = {
    "nama": ["given_name", "surname"],
    "tanggal_lahir": "date_of_birth",
    "alamat": ["street_number", "address_1", "address_2"],
    "kelurahan": "suburb",
    "kecamatan": "state",
    "kode_pos": "postcode",
    "no_identitas": "soc_sec_id",
}


def available() -> bool:
    """True once the matcher is part of the public API."""
    import nikmatch

    return hasattr(nikmatch, "find_duplicates") and hasattr(nikmatch, "link")


def run(spec: Spec, variant: str) -> Output:
    """Run nikmatch with its defaults; return matches and kept candidate pairs."""
    import nikmatch as nm

    columns: dict[str, Any] | None = FEBRL_COLUMNS if spec.schema == "febrl" else None
    if spec.kind == "dedup":
        result = nm.find_duplicates(spec.left, columns=columns)
    else:
        assert spec.right is not None
        result = nm.link(spec.left, spec.right, columns=columns, register_columns=columns)
    matches = result.matches
    pairs = result.pairs
    info = dict(getattr(result, "info", {}) or {})
    notes: dict[str, Any] = {"system": f"nikmatch {nm.__version__}"}
    if "candidate_pairs" in info:
        notes["n_candidates_total"] = int(info["candidate_pairs"])
    clusters = None
    if spec.kind == "dedup":  # the persons found: what a registry office acts on
        clusters = result.clusters["cluster_id"].reindex(spec.left.index).to_numpy(dtype="int64")
    return Output(
        predicted=as_pair_array(matches["id_l"], matches["id_r"]),
        candidates=as_pair_array(pairs["id_l"], pairs["id_r"]),
        notes=notes,
        clusters=clusters,
    )


if __name__ == "__main__":
    main(run, ("default",))
