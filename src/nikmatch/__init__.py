"""nikmatch: find Indonesian residents who hold more than one NIK.

The public API (see ``docs/``) is re-exported here; everything else lives in one module per
concept.

>>> import nikmatch as nm
>>> nm.mask_nik("1871015708450001")
'187101********01'
"""

from __future__ import annotations

from nikmatch._version import __version__
from nikmatch.errors import (
    InvalidKKError,
    InvalidNIKError,
    ModelError,
    NikmatchError,
    SchemaError,
)
from nikmatch.privacy import mask_nik, mask_text

__all__ = [
    "InvalidKKError",
    "InvalidNIKError",
    "ModelError",
    "NikmatchError",
    "SchemaError",
    "__version__",
    "mask_nik",
    "mask_text",
]
