"""nikmatch: find Indonesian residents who hold more than one NIK.

The public API (see ``docs/``) is re-exported here; everything else lives in one module per
concept: :mod:`nikmatch.nik` and :mod:`nikmatch.check` (NIK validation), :mod:`nikmatch.kk`,
:mod:`nikmatch.regions`, :mod:`nikmatch.names`, :mod:`nikmatch.prepare`,
:mod:`nikmatch.blocking`, :mod:`nikmatch.comparisons`, :mod:`nikmatch.em`,
:mod:`nikmatch.model`, :mod:`nikmatch.cluster`, :mod:`nikmatch.explain`,
:mod:`nikmatch.linker` (the two jobs), :mod:`nikmatch.synth`, :mod:`nikmatch.evaluate`,
:mod:`nikmatch.privacy` and :mod:`nikmatch.export`; for the office workflow :mod:`nikmatch.tables`
(CSV, Excel, Parquet as text), :mod:`nikmatch.review` (workbooks per kecamatan, decisions back),
:mod:`nikmatch.report` (the HTML report) and :mod:`nikmatch.cli` (the ``nikmatch`` command).

>>> import nikmatch as nm
>>> nm.mask_nik("1871015708450001")
'187101********01'
>>> nm.validate_nik("1871015708450001").is_valid
True
"""

from __future__ import annotations

from nikmatch._version import __version__
from nikmatch.blocking import BlockOn, GivenPairs, SortedNeighbourhood, blocking_diagnostics
from nikmatch.check import check_niks
from nikmatch.comparisons import (
    DateComparison,
    DomicileComparison,
    ExactComparison,
    HouseholdComparison,
    IdentifierComparison,
    NameComparison,
    NIKComparison,
    TextComparison,
    WilayahComparison,
    default_comparisons,
)
from nikmatch.errors import (
    InvalidKKError,
    InvalidNIKError,
    ModelError,
    NikmatchError,
    SchemaError,
)
from nikmatch.evaluate import pairwise_metrics
from nikmatch.explain import Explanation
from nikmatch.export import safe_cell, write_csv, write_xlsx
from nikmatch.features import comparison_features
from nikmatch.kk import KK, KKReport, parse_kk, validate_kk
from nikmatch.linker import DEFAULT_THRESHOLD, DedupeResult, LinkResult, find_duplicates, link
from nikmatch.model import Model, train
from nikmatch.names import name_agreement, name_key, name_keys, normalize_name, normalize_names
from nikmatch.nik import NIK, PROBLEMS, NIKReport, clean_nik, compose_nik, parse_nik, validate_nik
from nikmatch.prepare import Prepared, prepare
from nikmatch.privacy import mask_nik, mask_text, pseudonymize, pseudonymize_frame
from nikmatch.regions import Regions
from nikmatch.report import Coverage, write_report
from nikmatch.review import (
    ReviewFileError,
    ReviewOutcome,
    apply_review,
    read_review_workbooks,
    review_table,
    write_review_workbooks,
)
from nikmatch.tables import InputFileError, read_table, write_table

__all__ = [
    "DEFAULT_THRESHOLD",
    "KK",
    "NIK",
    "PROBLEMS",
    "BlockOn",
    "Coverage",
    "DateComparison",
    "DedupeResult",
    "DomicileComparison",
    "ExactComparison",
    "Explanation",
    "GivenPairs",
    "HouseholdComparison",
    "IdentifierComparison",
    "InputFileError",
    "InvalidKKError",
    "InvalidNIKError",
    "KKReport",
    "LinkResult",
    "Model",
    "ModelError",
    "NIKComparison",
    "NIKReport",
    "NameComparison",
    "NikmatchError",
    "Prepared",
    "Regions",
    "ReviewFileError",
    "ReviewOutcome",
    "SchemaError",
    "SortedNeighbourhood",
    "TextComparison",
    "WilayahComparison",
    "__version__",
    "apply_review",
    "blocking_diagnostics",
    "check_niks",
    "clean_nik",
    "comparison_features",
    "compose_nik",
    "default_comparisons",
    "find_duplicates",
    "link",
    "mask_nik",
    "mask_text",
    "name_agreement",
    "name_key",
    "name_keys",
    "normalize_name",
    "normalize_names",
    "pairwise_metrics",
    "parse_kk",
    "parse_nik",
    "prepare",
    "pseudonymize",
    "pseudonymize_frame",
    "read_review_workbooks",
    "read_table",
    "review_table",
    "safe_cell",
    "train",
    "validate_kk",
    "validate_nik",
    "write_csv",
    "write_report",
    "write_review_workbooks",
    "write_table",
    "write_xlsx",
]
