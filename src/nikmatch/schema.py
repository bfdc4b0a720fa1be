"""Canonical columns and the header spellings real SIAK exports use.

Every job works on the canonical column names of DESIGN §3.  :func:`resolve_columns` maps the
columns of a user's frame onto them, by an explicit mapping, by auto-detection of known header
spellings (``NAMA_LENGKAP``, ``TGL_LHR``, ``JENIS_KLMIN``, ``NAMA_LGKP_IBU``, ``NO_KK``...), or
both, and fails with one clear :class:`~nikmatch.errors.SchemaError` listing what is missing.

>>> import pandas as pd
>>> df = pd.DataFrame(columns=["NIK", "NAMA_LENGKAP", "TGL_LHR", "JENIS_KLMIN"])
>>> resolve_columns(df)
{'nik': 'NIK', 'nama': 'NAMA_LENGKAP', 'tanggal_lahir': 'TGL_LHR', 'jenis_kelamin': 'JENIS_KLMIN'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from nikmatch.errors import SchemaError

__all__ = [
    "CANONICAL_COLUMNS",
    "HEADER_ALIASES",
    "OPTIONAL_COLUMNS",
    "ColumnMapping",
    "canonical_frame",
    "resolve_columns",
]

#: The canonical columns, in SIAK export order.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "nama_ibu",
    "alamat",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
)
#: Optional extra columns that are recognised (used by reports, not by the default model).
#: ``no_identitas`` is any other identifier the office holds for a person (a BPJS, passport or
#: social-security number): compared as an identifier, and a blocking key.
#: ``kode_pos`` is the postal code of the address (a kelurahan has its own in most of
#: Indonesia): where the kelurahan is missing or written differently, the same postal code still
#: places two records in one neighbourhood.
OPTIONAL_COLUMNS: tuple[str, ...] = ("agama", "pekerjaan", "nama_ayah", "no_identitas", "kode_pos")

#: Known header spellings (folded: lower case, non-alphanumerics as ``_``) per canonical column.
HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "nik": ("nik", "no_nik", "nomor_nik", "nomor_induk_kependudukan"),
    "no_kk": ("no_kk", "nkk", "nomor_kk", "kk", "no_kartu_keluarga", "nomor_kartu_keluarga"),
    "nama": ("nama", "nama_lengkap", "nama_lgkp", "nama_penduduk", "nama_lkp"),
    "tempat_lahir": ("tempat_lahir", "tmpt_lhr", "tmp_lahir", "tempat_lhr", "tmpt_lahir"),
    "tanggal_lahir": ("tanggal_lahir", "tgl_lhr", "tgl_lahir", "tanggal_lhr", "tgl_lhir"),
    "jenis_kelamin": ("jenis_kelamin", "jenis_klmin", "jk", "kelamin", "sex", "jns_kelamin"),
    "nama_ibu": ("nama_ibu", "nama_lgkp_ibu", "nama_ibu_kandung", "nama_lengkap_ibu"),
    "alamat": ("alamat", "alamat_lengkap", "jalan"),
    "rt": ("rt", "no_rt"),
    "rw": ("rw", "no_rw"),
    "kelurahan": ("kelurahan", "desa", "kel", "nama_kel", "desa_kelurahan", "kel_desa"),
    "kecamatan": ("kecamatan", "kec", "nama_kec"),
    "agama": ("agama",),
    "pekerjaan": ("pekerjaan", "jenis_pkrjn", "jenis_pekerjaan"),
    "nama_ayah": ("nama_ayah", "nama_lgkp_ayah", "nama_lengkap_ayah"),
    "no_identitas": ("no_identitas", "nomor_identitas", "no_bpjs", "no_paspor"),
    "kode_pos": ("kode_pos", "kodepos", "kd_pos", "kode_pos_alamat", "postcode"),
}

#: A user mapping: canonical name -> source column, or a list of columns joined with a space.
ColumnMapping = Mapping[str, str | Sequence[str]]

_FOLD = re.compile(r"[^0-9a-z]+")


def _fold(header: object) -> str:
    return _FOLD.sub("_", str(header).strip().lower()).strip("_")


def resolve_columns(
    df: pd.DataFrame,
    columns: ColumnMapping | None = None,
    *,
    require_name: bool = True,
) -> dict[str, str | list[str]]:
    """Map canonical column names to the frame's columns.

    An explicit ``columns`` mapping wins; other canonical columns are auto-detected from
    :data:`HEADER_ALIASES`.  ``nama`` and one of ``nik`` / ``tanggal_lahir`` are required.

    Raises :class:`SchemaError` listing every problem at once: missing required columns, mapped
    columns that do not exist, and headers that match two canonical names.

    >>> import pandas as pd
    >>> df = pd.DataFrame(columns=["Nama Lengkap", "NIK", "alamat"])
    >>> resolve_columns(df)
    {'nik': 'NIK', 'nama': 'Nama Lengkap', 'alamat': 'alamat'}
    >>> resolve_columns(pd.DataFrame(columns=["x"]))
    Traceback (most recent call last):
    ...
    nikmatch.errors.SchemaError: missing required column(s): nama; and one of ...
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame, got {type(df).__name__}")
    problems: list[str] = []
    result: dict[str, str | list[str]] = {}
    known = set(CANONICAL_COLUMNS) | set(OPTIONAL_COLUMNS)
    explicit = dict(columns or {})
    for canon, source in explicit.items():
        if canon not in known:
            problems.append(f"unknown canonical column {canon!r} in mapping")
            continue
        sources = [source] if isinstance(source, str) else list(source)
        absent = [s for s in sources if s not in df.columns]
        if absent:
            problems.append(f"mapped column(s) {absent} for {canon!r} not in the frame")
            continue
        result[canon] = source if isinstance(source, str) else sources
    used = {s for v in result.values() for s in ([v] if isinstance(v, str) else v)}
    folded: dict[str, list[str]] = {}
    for col in df.columns:
        if col in used:
            continue
        folded.setdefault(_fold(col), []).append(str(col))
    for canon in (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS):
        if canon in result:
            continue
        hits = [c for alias in HEADER_ALIASES[canon] for c in folded.get(alias, [])]
        if len(hits) > 1:
            problems.append(f"ambiguous columns for {canon!r}: {hits}; pass columns={{...}}")
        elif hits:
            result[canon] = hits[0]
    if require_name:
        missing = []
        if "nama" not in result:
            missing.append("nama")
        if "nik" not in result and "tanggal_lahir" not in result:
            missing.append(
                "one of nik / tanggal_lahir" if not missing else "and one of nik / tanggal_lahir"
            )
        if missing:
            problems.insert(
                0,
                "missing required column(s): "
                + "; ".join(missing)
                + f" (frame has {[str(c) for c in df.columns][:20]}; "
                "pass columns={'nama': 'YOUR_HEADER', ...})",
            )
    if problems:
        raise SchemaError("; ".join(problems))
    return {c: result[c] for c in (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS) if c in result}


def canonical_frame(df: pd.DataFrame, columns: ColumnMapping | None = None) -> pd.DataFrame:
    """Return a frame with canonical column names (joined where a mapping lists several columns).

    The index is kept as it is; values are not cleaned here (that is :mod:`nikmatch.prepare`).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"NAMA_LENGKAP": ["SITI AMINAH"], "TGL_LHR": ["01-07-1980"]})
    >>> list(canonical_frame(df).columns)
    ['nama', 'tanggal_lahir']
    >>> df2 = pd.DataFrame({"given": ["budi"], "surname": ["santoso"], "dob": ["19800101"]})
    >>> canonical_frame(df2, {"nama": ["given", "surname"], "tanggal_lahir": "dob"})["nama"].iloc[0]
    'budi santoso'
    """
    mapping = resolve_columns(df, columns)
    out: dict[str, pd.Series] = {}
    for canon, source in mapping.items():
        if isinstance(source, str):
            out[canon] = df[source]
        else:
            parts = [df[s].astype("string").fillna("") for s in source]
            joined = parts[0]
            for p in parts[1:]:
                joined = joined.str.cat(p, sep=" ")
            stripped = joined.str.strip()
            out[canon] = stripped.mask(stripped == "")
    # no copy: later steps replace columns, never write into them
    frame: pd.DataFrame = pd.DataFrame(out, index=df.index, copy=False)
    return frame
