"""recordlinkage 0.16 as a baseline: block + compare + ECMClassifier (unsupervised).

Runs in ``benchmarks/.venv-baselines`` (recordlinkage pins pandas<3).  Two variants:

* ``docs``: the pipeline of recordlinkage's documentation (FEBRL examples): block on given
  name; exact/Jaro-Winkler/Levenshtein comparisons at 0.85 giving binary features; the
  ECM classifier.
* ``multipass``: a stronger setup: the union of several blocking passes (each identifying
  field, plus a sorted neighbourhood on the name) and comparisons on every field, still
  unsupervised (ECM).

For the generated SIAK-style data the same recipes are applied to the canonical columns
after a generic clean (lower case, punctuation to spaces, ISO dates).

    python benchmarks/systems/recordlinkage_system.py --spec SPEC.json --out DIR --variant multipass
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _protocol import Output, Spec, as_pair_array, main
from _standardise import standardise

VARIANTS = ("docs", "multipass")


def _plan(schema: str, variant: str, columns: set[str]) -> tuple[list[tuple[str, ...]], list[tuple[str, str, str]]]:
    """(blocking passes, comparisons) where a pass is ("block", col) or ("sorted", col) and a
    comparison is (kind, column, method)."""
    if schema == "febrl":
        if variant == "docs":
            return [("block", "given_name")], [
                ("exact", "given_name", ""),
                ("string", "surname", "jarowinkler"),
                ("exact", "date_of_birth", ""),
                ("exact", "suburb", ""),
                ("exact", "state", ""),
                ("string", "address_1", "levenshtein"),
            ]
        return [
            ("block", "given_name"),
            ("block", "surname"),
            ("block", "date_of_birth"),
            ("block", "soc_sec_id"),
            ("block", "postcode"),
            ("sorted", "surname"),
        ], [
            ("string", "given_name", "jarowinkler"),
            ("string", "surname", "jarowinkler"),
            ("string", "date_of_birth", "levenshtein"),
            ("string", "soc_sec_id", "levenshtein"),
            ("exact", "street_number", ""),
            ("string", "address_1", "jarowinkler"),
            ("string", "suburb", "jarowinkler"),
            ("exact", "postcode", ""),
            ("exact", "state", ""),
        ]
    # siak
    if variant == "docs":
        plan_blocks: list[tuple[str, ...]] = [("block", "nama")]
        plan_compare = [
            ("string", "nama", "jarowinkler"),
            ("exact", "tanggal_lahir", ""),
            ("exact", "kelurahan", ""),
            ("exact", "kecamatan", ""),
            ("string", "alamat", "levenshtein"),
        ]
    else:
        plan_blocks = [("block", "nama"), ("block", "tanggal_lahir"), ("sorted", "nama")]
        if "nik" in columns:
            plan_blocks.insert(0, ("block", "nik"))
        plan_compare = [
            ("string", "nik", "levenshtein"),
            ("string", "nama", "jarowinkler"),
            ("string", "tanggal_lahir", "levenshtein"),
            ("exact", "jenis_kelamin", ""),
            ("string", "nama_ibu", "jarowinkler"),
            ("string", "tempat_lahir", "jarowinkler"),
            ("exact", "no_kk", ""),
            ("string", "alamat", "jarowinkler"),
            ("exact", "kelurahan", ""),
        ]
    return plan_blocks, [c for c in plan_compare if c[1] in columns]


def run(spec: Spec, variant: str) -> Output:
    """Index, compare, classify with ECM; returns predictions and the candidate pairs."""
    import recordlinkage as rl

    left = spec.left
    right = spec.right
    if spec.schema == "siak":
        left = standardise(left, date_columns=("tanggal_lahir",))
        right = standardise(right, date_columns=("tanggal_lahir",)) if right is not None else None
    blocks, comparisons = _plan(spec.schema, variant, set(left.columns))
    indexer = rl.Index()
    for kind, column in blocks:
        if kind == "block":
            indexer.block(column)
        else:
            indexer.sortedneighbourhood(column, window=5)
    candidates = indexer.index(left) if right is None else indexer.index(left, right)
    compare = rl.Compare()
    for kind, column, method in comparisons:
        if kind == "exact":
            compare.exact(column, column, label=column)
        else:
            compare.string(column, column, method=method, threshold=0.85, label=column)
    features = compare.compute(candidates, left) if right is None else compare.compute(candidates, left, right)
    classifier = rl.ECMClassifier(binarize=None)
    matches = classifier.fit_predict(features)
    return Output(
        predicted=_pairs(matches),
        candidates=_pairs(candidates),
        notes={"system": f"recordlinkage {rl.__version__} ({variant})", "variant": variant},
    )


def _pairs(index: pd.MultiIndex) -> object:
    return as_pair_array(index.get_level_values(0), index.get_level_values(1))


if __name__ == "__main__":
    main(run, VARIANTS)
