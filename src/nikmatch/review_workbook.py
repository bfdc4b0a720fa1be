"""The review workbook: its layout, how it is written and how a filled one is read back.

One workbook per kecamatan (see :func:`nikmatch.review.write_review_workbooks`), with sheets:

* ``Pasangan`` -- one row per proposed pair: both records side by side (``_a`` / ``_b``
  columns), the probability, the reasons in Bahasa Indonesia (``alasan``) and English
  (``reasons``), the recommended surviving record (``dipertahankan_rekomendasi``, ``A`` or
  ``B``) and NIK, the notes (``catatan`` / ``notes``), and the officer's columns: ``keputusan``
  (a drop-down of :data:`DECISIONS`), ``dipertahankan`` (``A``/``B``), ``petugas`` (who
  checked), ``tanggal_cek`` (when) and ``keterangan`` (a remark).  The header row and the first
  two columns are frozen, the filter is on, widths are set; the sheet is protected (no password)
  so that only the officer's columns can be edited.  The last column, ``kunci``, is hidden: the
  pair id and a checksum of the pair's record ids and NIKs as shown, so a changed NIK is found
  when the workbook comes back.
* ``Petunjuk`` -- how to fill it in, in Bahasa Indonesia and English.
* ``kunci`` and ``info`` (hidden) -- every pair's key and the workbook's metadata, so a missing
  or added row, a renamed sheet or column, or a workbook of another review run is found.

Every NIK and KK number is written as **text** (never a number: a spreadsheet keeps 15 digits),
every text through :func:`nikmatch.export.safe_cell` and ``write_string`` (never a formula).

>>> parse_decision(" Sama  Orang "), parse_decision(""), parse_decision("different")
('sama orang', 'belum dicek', 'beda orang')
>>> parse_review_date("17-08-2026"), parse_review_date("2026-08-17")
(datetime.date(2026, 8, 17), datetime.date(2026, 8, 17))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from nikmatch._version import __version__
from nikmatch.errors import NikmatchError
from nikmatch.export import safe_cell, text_workbook
from nikmatch.privacy import mask_nik, mask_text

__all__ = [
    "BANDS",
    "DECISIONS",
    "DECISION_MEANINGS",
    "FORMAT",
    "GUIDE_SHEET",
    "INFO_SHEET",
    "KEY_SHEET",
    "NO_KECAMATAN",
    "SHEET",
    "ReviewFileError",
    "pair_checksum",
    "parse_decision",
    "parse_review_date",
    "read_workbook",
    "workbook_name",
    "write_workbook",
]

#: The officer's decision on a pair (the drop-down), in this order; ``belum dicek`` = open.
DECISIONS: tuple[str, ...] = ("sama orang", "beda orang", "pindah", "meninggal", "belum dicek")

#: What each decision means, in Bahasa Indonesia and English (on the ``Petunjuk`` sheet).
DECISION_MEANINGS: dict[str, tuple[str, str]] = {
    "sama orang": (
        "kedua catatan adalah orang yang sama; NIK kolom 'dipertahankan' tetap, catatan lain "
        "diusulkan untuk dinonaktifkan",
        "the two records are one person; the NIK of the 'dipertahankan' side stays, the other "
        "record is proposed for retirement",
    ),
    "beda orang": ("dua orang yang berbeda; tidak ada tindakan", "two different people; no action"),
    "pindah": (
        "orang yang sama yang pindah domisili; catatan lama ditutup lewat proses pindah",
        "one person who moved; the old record is closed through the move procedure",
    ),
    "meninggal": (
        "orang tersebut sudah meninggal; ditutup lewat akta kematian",
        "the person has died; closed through the death registration",
    ),
    "belum dicek": ("belum diperiksa", "not checked yet"),
}

_ALIASES = {
    "same person": "sama orang",
    "same": "sama orang",
    "sama": "sama orang",
    "different people": "beda orang",
    "different person": "beda orang",
    "different": "beda orang",
    "beda": "beda orang",
    "moved": "pindah",
    "deceased": "meninggal",
    "died": "meninggal",
    "not checked": "belum dicek",
    "belum": "belum dicek",
}

#: Probability bands of the accuracy report: (name, lowest probability).
BANDS: tuple[tuple[str, float], ...] = (
    ("p < 0.99", 0.0),
    ("0.99 <= p < 0.999", 0.99),
    ("0.999 <= p < 0.9999", 0.999),
    ("p >= 0.9999", 0.9999),
)

FORMAT = "nikmatch-review/1"
SHEET = "Pasangan"
GUIDE_SHEET = "Petunjuk"
KEY_SHEET = "kunci"
INFO_SHEET = "info"
NO_KECAMATAN = "TANPA KECAMATAN"

_HEAD = ("no", "id_pasangan", "klaster", "probabilitas", "ambigu")
_TAIL = (
    "dipertahankan_rekomendasi",
    "nik_dipertahankan_rekomendasi",
    "alasan",
    "reasons",
    "catatan",
    "notes",
)
_OFFICER = ("keputusan", "dipertahankan", "petugas", "tanggal_cek", "keterangan")
_KEY = "kunci"
_KEY_HEADER = (
    "id_pasangan",
    "kunci",
    "id_a",
    "id_b",
    "probabilitas",
    "ambigu",
    "dipertahankan_rekomendasi",
    "nik_dipertahankan_rekomendasi",
)
_MASKED = ("nik", "no_kk")
_WIDTHS = {
    "no": 5,
    "id_pasangan": 10,
    "klaster": 8,
    "probabilitas": 11,
    "ambigu": 7,
    "baris": 7,
    "nik": 18,
    "no_kk": 18,
    "nama": 24,
    "nama_ibu": 20,
    "nama_ayah": 20,
    "tanggal_lahir": 11,
    "jenis_kelamin": 11,
    "tempat_lahir": 14,
    "alamat": 26,
    "rt": 5,
    "rw": 5,
    "kelurahan": 16,
    "kecamatan": 16,
    "dipertahankan_rekomendasi": 13,
    "nik_dipertahankan_rekomendasi": 18,
    "alasan": 70,
    "reasons": 50,
    "catatan": 40,
    "notes": 30,
    "keputusan": 14,
    "dipertahankan": 13,
    "petugas": 18,
    "tanggal_cek": 12,
    "keterangan": 30,
    _KEY: 30,
}
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%y", "%d/%m/%y")
_SPACES = re.compile(r"[\s_\-]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class ReviewFileError(NikmatchError, ValueError):
    """A review workbook (or the files given with it) cannot be applied; ``problems`` lists
    every problem found, each naming the file, sheet and row."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = [mask_text(p) for p in problems]
        super().__init__("; ".join(self.problems))


# ------------------------------------------------------------------------------ parsers


def parse_decision(value: object) -> str:
    """A decision cell as one of :data:`DECISIONS` (case, spaces, ``_`` and ``-`` ignored;
    English words accepted; empty = ``belum dicek``); ``ValueError`` for anything else.

    >>> parse_decision("BEDA_ORANG"), parse_decision("meninggal"), parse_decision(None)
    ('beda orang', 'meninggal', 'belum dicek')
    >>> parse_decision("mungkin")
    Traceback (most recent call last):
    ...
    ValueError: unknown decision 'mungkin' (expected one of: sama orang, beda orang, ...)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "belum dicek"
    text = _SPACES.sub(" ", str(value)).strip().lower()
    if not text:
        return "belum dicek"
    if text in DECISIONS:
        return text
    if text in _ALIASES:
        return _ALIASES[text]
    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "..."
    raise ValueError(
        f"unknown decision {mask_text(shown)!r} (expected one of: {', '.join(DECISIONS)})"
    )


def parse_review_date(value: object) -> dt.date | None:
    """The ``tanggal_cek`` cell as a date: a date cell, an Excel day number, or text as
    ``DD-MM-YYYY``, ``DD/MM/YYYY``, ``DD.MM.YYYY`` or ``YYYY-MM-DD``; ``None`` when empty;
    ``ValueError`` for anything else (or a date before 2000 or after 2100).

    >>> parse_review_date(dt.datetime(2026, 2, 1, 0, 0)), parse_review_date(46054.0)
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1))
    >>> parse_review_date("") is None
    True
    """
    if value is None or value == "":
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and 36_000 < value < 75_000:  # Excel's serial day numbers
            day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        text = text.split(" ")[0] if re.fullmatch(r"\S+ 00:00(:00)?", text) else text
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValueError(f"date {mask_text(str(value))!r} not understood (write DD-MM-YYYY)")
    return day


def pair_checksum(run_id: str, pair_id: str, id_a: str, id_b: str, nik_a: str, nik_b: str) -> str:
    """16 hex digits over the pair's ids and NIKs as shown (detects an edited NIK cell).

    >>> pair_checksum("r", "D000001", "1", "2", "187101********01", "")
    '4cef42d4aefa7c03'
    """
    text = "|".join((FORMAT, run_id, pair_id, id_a, id_b, nik_a, nik_b))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def workbook_name(kecamatan: str, used: set[str]) -> str:
    """``review_<KECAMATAN>.xlsx`` (letters and digits only; unique within ``used``).

    >>> used: set[str] = set()
    >>> workbook_name("Tanjung Karang Pusat", used), workbook_name("TANJUNG-KARANG PUSAT", used)
    ('review_TANJUNG_KARANG_PUSAT.xlsx', 'review_TANJUNG_KARANG_PUSAT_2.xlsx')
    """
    slug = re.sub(r"[^A-Za-z0-9]+", "_", kecamatan).strip("_").upper() or "TANPA_KECAMATAN"
    name, k = f"review_{slug}.xlsx", 1
    while name.lower() in used:
        k += 1
        name = f"review_{slug}_{k}.xlsx"
    used.add(name.lower())
    return name


# ------------------------------------------------------------------------------ writing


def _fields(table: pd.DataFrame) -> list[str]:
    return [c[:-2] for c in table.columns if c.endswith("_a") and c not in ("id_a",)]


def _headers(fields: Sequence[str]) -> list[str]:
    return [
        *_HEAD,
        "baris_a",
        *(f"{f}_a" for f in fields),
        "baris_b",
        *(f"{f}_b" for f in fields),
        *_TAIL,
        *_OFFICER,
        _KEY,
    ]


def _shown(field: str, value: str, mask: bool) -> str:
    if mask and field in _MASKED and value:
        return mask_nik(value)
    return value


def _width(header: str) -> int:
    base = header[:-2] if header.endswith(("_a", "_b")) else header
    return _WIDTHS.get(base, _WIDTHS.get(header, 14))


def write_workbook(
    table: pd.DataFrame, path: Path, *, kecamatan: str, run_id: str, mask: bool
) -> None:
    """Write the review workbook of one kecamatan (rows of a review table, see
    :func:`nikmatch.review.review_table`)."""
    fields = _fields(table)
    headers = _headers(fields)
    workbook = text_workbook(path)
    try:
        workbook.set_properties(
            {"created": dt.datetime(2000, 1, 1), "title": f"review {kecamatan}"}
        )
        fmt = _formats(workbook)
        sheet = workbook.add_worksheet(SHEET)
        guide = workbook.add_worksheet(GUIDE_SHEET)
        keys = workbook.add_worksheet(KEY_SHEET)
        info = workbook.add_worksheet(INFO_SHEET)
        for j, header in enumerate(headers):
            sheet.write_string(0, j, header, fmt["header"])
            sheet.set_column(j, j, _width(header), None, {"hidden": header == _KEY})
        for j, header in enumerate(_KEY_HEADER):
            keys.write_string(0, j, header)
        n = len(table)
        for i, row in enumerate(table.to_dict("records"), start=1):
            _write_row(sheet, keys, i, row, fields, headers, fmt, run_id, mask)
        col = {h: j for j, h in enumerate(headers)}
        if n:
            sheet.data_validation(
                1,
                col["keputusan"],
                n,
                col["keputusan"],
                {
                    "validate": "list",
                    "source": list(DECISIONS),
                    "input_title": "Keputusan",
                    "input_message": "Pilih: " + ", ".join(DECISIONS),
                    "error_title": "Keputusan tidak dikenal",
                    "error_message": "Pilih salah satu: " + ", ".join(DECISIONS),
                },
            )
            sheet.data_validation(
                1,
                col["dipertahankan"],
                n,
                col["dipertahankan"],
                {
                    "validate": "list",
                    "source": ["A", "B"],
                    "error_message": "A atau B: catatan yang NIK-nya dipertahankan",
                },
            )
            sheet.data_validation(
                1,
                col["tanggal_cek"],
                n,
                col["tanggal_cek"],
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": dt.date(2000, 1, 1),
                    "maximum": dt.date(2100, 12, 31),
                    "error_type": "warning",
                    "input_message": "Tanggal pemeriksaan, DD-MM-YYYY",
                },
            )
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(n, 1), len(headers) - 1)
        sheet.set_row(0, 30)
        sheet.protect(
            "",
            {
                "autofilter": True,
                "sort": True,
                "format_columns": True,
                "format_rows": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
        _write_guide(guide, fmt, kecamatan, n, mask)
        for j, (key, value) in enumerate(
            (
                ("format", FORMAT),
                ("run_id", run_id),
                ("mode", str(table["mode"].iloc[0]) if n else ""),
                ("kecamatan", kecamatan),
                ("masked", "1" if mask else "0"),
                ("pairs", str(n)),
                ("columns", "|".join(headers)),
                ("nikmatch", __version__),
            )
        ):
            info.write_string(j, 0, key)
            info.write_string(j, 1, str(safe_cell(value)))
        keys.protect("")
        info.protect("")
        keys.very_hidden()
        info.very_hidden()
        sheet.activate()
    finally:
        workbook.close()


def _formats(workbook: Any) -> dict[str, Any]:
    base = {"num_format": "@", "valign": "top"}
    return {
        "header": workbook.add_format(
            {
                "bold": True,
                "bg_color": "#264653",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "locked": True,
            }
        ),
        "text": workbook.add_format(base),
        "a": workbook.add_format({**base, "bg_color": "#EEF6F5"}),
        "b": workbook.add_format({**base, "bg_color": "#FDF1EC"}),
        "number": workbook.add_format({"num_format": "0", "valign": "top"}),
        "prob": workbook.add_format({"num_format": "0.0000", "valign": "top"}),
        "edit": workbook.add_format({**base, "locked": False, "bg_color": "#FFF8D6"}),
        "edit_date": workbook.add_format(
            {"num_format": "dd-mm-yyyy", "locked": False, "bg_color": "#FFF8D6", "valign": "top"}
        ),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
    }


def _text_cell(sheet: Any, row: int, col: int, value: object, cell_format: Any) -> None:
    """Text, always as a string cell: never a number, never a formula."""
    text = "" if value is None else str(value)
    shown = safe_cell(text)
    sheet.write_string(row, col, str(shown), cell_format)


def _write_row(
    sheet: Any,
    keys: Any,
    i: int,
    row: dict[Any, Any],
    fields: Sequence[str],
    headers: Sequence[str],
    fmt: dict[str, Any],
    run_id: str,
    mask: bool,
) -> None:
    shown = {f"{f}_{s}": _shown(f, str(row[f"{f}_{s}"]), mask) for f in fields for s in "ab"}
    nik_a = str(safe_cell(shown.get("nik_a", "")))
    nik_b = str(safe_cell(shown.get("nik_b", "")))
    checksum = pair_checksum(run_id, row["pair_id"], row["id_a"], row["id_b"], nik_a, nik_b)
    key = f"{row['pair_id']}|{checksum}"
    recommended_nik = _shown("nik", str(row["recommended_nik"]), mask)
    values: dict[str, tuple[object, str]] = {
        "no": (i, "number"),
        "id_pasangan": (row["pair_id"], "text"),
        "klaster": (row["cluster_id"], "text"),
        "probabilitas": (float(row["probability"]), "prob"),
        "ambigu": ("ya" if row["ambiguous"] else "", "text"),
        "baris_a": (row["id_a"], "a"),
        "baris_b": (row["id_b"], "b"),
        "dipertahankan_rekomendasi": (row["recommended_side"], "text"),
        "nik_dipertahankan_rekomendasi": (recommended_nik, "text"),
        "alasan": (row["reasons_id"], "text"),
        "reasons": (row["reasons_en"], "text"),
        "catatan": (row["notes_id"], "text"),
        "notes": (row["notes_en"], "text"),
        "keputusan": ("belum dicek", "edit"),
        "dipertahankan": (row["recommended_side"], "edit"),
        "petugas": ("", "edit"),
        "tanggal_cek": (None, "edit_date"),
        "keterangan": ("", "edit"),
        _KEY: (key, "text"),
    }
    for name, text in shown.items():
        values[name] = (text, name[-1])
    for j, header in enumerate(headers):
        value, kind = values[header]
        if kind in ("number", "prob"):
            sheet.write_number(i, j, float(str(value)), fmt[kind])
        elif value is None:
            sheet.write_blank(i, j, None, fmt[kind])
        else:
            _text_cell(sheet, i, j, value, fmt[kind])
    for j, value in enumerate(
        (
            row["pair_id"],
            key,
            row["id_a"],
            row["id_b"],
            repr(float(row["probability"])),
            "1" if row["ambiguous"] else "0",
            row["recommended_side"],
            recommended_nik,
        )
    ):
        _text_cell(keys, i, j, value, None)


def _write_guide(sheet: Any, fmt: dict[str, Any], kecamatan: str, n: int, mask: bool) -> None:
    lines = [
        (f"Pemeriksaan lapangan: kemungkinan NIK ganda, Kecamatan {kecamatan}", "title"),
        (f"{n} pasangan catatan yang diusulkan nikmatch. nikmatch tidak menghapus apa pun.", ""),
        ("", ""),
        ("Cara mengisi (lembar 'Pasangan'):", "bold"),
        ("1. Bandingkan catatan A dan B (kolom _a dan _b) dengan KK, KTP-el atau warga.", ""),
        ("2. Pilih 'keputusan' dari daftar:", ""),
        *((f"     {d}: {DECISION_MEANINGS[d][0]}", "") for d in DECISIONS),
        ("3. 'dipertahankan': A atau B, catatan yang NIK-nya tetap (rekomendasi sudah diisi).", ""),
        (
            "4. Isi 'petugas' (nama petugas) dan 'tanggal_cek' (DD-MM-YYYY) untuk tiap keputusan.",
            "",
        ),
        (
            "5. Jangan mengubah kolom lain, jangan menghapus atau menambah baris, jangan mengganti "
            "nama lembar. Kolom tersembunyi 'kunci' memeriksa bahwa NIK tidak diubah.",
            "",
        ),
        ("6. Kembalikan berkas ini ke Disdukcapil (nikmatch apply-review).", ""),
        ("", ""),
        ("How to fill it in (English):", "bold"),
        ("Compare records A and B; choose 'keputusan' from the list:", ""),
        *((f"     {d}: {DECISION_MEANINGS[d][1]}", "") for d in DECISIONS),
        (
            "'dipertahankan': A or B, whose NIK stays. Fill in 'petugas' (who) and 'tanggal_cek' "
            "(when) for every decision. Do not edit other columns, delete or add rows, or rename "
            "sheets: the hidden 'kunci' column detects an edited NIK.",
            "",
        ),
    ]
    if mask:
        lines.append(
            ("NIK dan nomor KK disamarkan (187101********01). / NIK and KK numbers are masked.", "")
        )
    bold = fmt["header"]
    sheet.set_column(0, 0, 120)
    for i, (text, style) in enumerate(lines):
        cell = fmt["title"] if style == "title" else (bold if style == "bold" else fmt["wrap"])
        _text_cell(sheet, i, 0, text, cell)
    sheet.protect("")


# ------------------------------------------------------------------------------ reading


def _cells(path: Path) -> tuple[dict[str, list[list[Any]]], list[str]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ReviewFileError(
            [f"{path}: cannot read it as a workbook ({type(exc).__name__}: {exc})"]
        ) from None
    try:
        names = list(workbook.sheet_names)
        sheets = {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in names
            if name in (SHEET, KEY_SHEET, INFO_SHEET)
        }
    except CalamineError as exc:
        raise ReviewFileError([f"{path}: cannot read it ({mask_text(str(exc))})"]) from None
    finally:
        workbook.close()
    return sheets, names


def _cell_text(value: object) -> str:
    from nikmatch.tables import cell_text

    return cell_text(value).strip()


def read_workbook(path: Path) -> pd.DataFrame:
    """Read and validate one filled review workbook (see
    :func:`nikmatch.review.read_review_workbooks` for the columns); raises
    :class:`ReviewFileError` listing every problem."""
    if not path.exists():
        raise ReviewFileError([f"{path}: file not found"])
    if path.is_dir():
        raise ReviewFileError([f"{path}: a directory, not a workbook"])
    sheets, names = _cells(path)
    missing = [s for s in (SHEET, KEY_SHEET, INFO_SHEET) if s not in sheets]
    if missing:
        raise ReviewFileError(
            [
                f"{path}: no sheet {missing[0]!r} (sheets: {', '.join(names) or 'none'}): not a "
                "nikmatch review workbook, or a sheet was renamed or deleted"
            ]
        )
    info = {_cell_text(r[0]): _cell_text(r[1]) for r in sheets[INFO_SHEET] if len(r) >= 2}
    if info.get("format") != FORMAT:
        raise ReviewFileError(
            [f"{path}, sheet {INFO_SHEET}: format {info.get('format')!r}, expected {FORMAT!r}"]
        )
    expected = info.get("columns", "").split("|")
    rows = sheets[SHEET]
    header = [_cell_text(v) for v in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    if header != expected:
        added = [h for h in header if h not in expected]
        lost = [h for h in expected if h not in header]
        what = (
            f"column(s) missing: {', '.join(lost)}"
            if lost
            else f"column(s) added: {', '.join(added)}"
            if added
            else "columns in another order"
        )
        raise ReviewFileError([f"{path}, sheet {SHEET}, row 1: the header was changed ({what})"])
    run_id, mode, masked = info.get("run_id", ""), info.get("mode", ""), info.get("masked") == "1"
    keys: dict[str, list[str]] = {}
    for key_row in sheets[KEY_SHEET][1:]:
        texts = [_cell_text(v) for v in key_row] + [""] * len(_KEY_HEADER)
        if texts[0]:
            keys[texts[0]] = texts[: len(_KEY_HEADER)]
    col = {h: j for j, h in enumerate(expected)}
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    found: dict[str, int] = {}
    for r, raw in enumerate(rows[1:], start=2):
        cells = list(raw) + [""] * (len(expected) - len(raw))
        if not any(_cell_text(v) for v in cells):
            continue  # an empty row: formatting, not a record
        where = f"{path}, sheet {SHEET}, row {r}"
        key = _cell_text(cells[col[_KEY]])
        pair_id = key.split("|")[0]
        if not key or pair_id not in keys or keys[pair_id][1] != key:
            problems.append(f"{where}: not a proposed pair (no or unknown key): a row was added")
            continue
        if pair_id in found:
            problems.append(f"{where}: pair {pair_id} appears twice (also row {found[pair_id]})")
            continue
        found[pair_id] = r
        _, _, id_a, id_b, probability, ambiguous, rec_side, rec_nik = keys[pair_id]
        nik_a = _cell_text(cells[col["nik_a"]]) if "nik_a" in col else ""
        nik_b = _cell_text(cells[col["nik_b"]]) if "nik_b" in col else ""
        if key.split("|")[-1] != pair_checksum(run_id, pair_id, id_a, id_b, nik_a, nik_b):
            problems.append(
                f"{where}: the NIK of pair {pair_id} was changed (nik_a {mask_nik(nik_a)}, "
                f"nik_b {mask_nik(nik_b)}); NIKs are corrected in SIAK, not in this workbook"
            )
            continue
        try:
            decision = parse_decision(cells[col["keputusan"]])
        except ValueError as exc:
            problems.append(f"{where}, column keputusan: {exc}")
            continue
        keep = _cell_text(cells[col["dipertahankan"]]).upper() or rec_side
        if keep not in ("A", "B"):
            problems.append(f"{where}, column dipertahankan: {keep!r} is neither A nor B")
            continue
        try:
            day = parse_review_date(cells[col["tanggal_cek"]])
        except ValueError as exc:
            problems.append(f"{where}, column tanggal_cek: {exc}")
            continue
        petugas = _cell_text(cells[col["petugas"]])
        if decision != "belum dicek" and (not petugas or day is None):
            lacking = " and ".join(
                n for n, v in (("petugas", petugas), ("tanggal_cek", day)) if not v
            )
            problems.append(
                f"{where}: decision {decision!r} without {lacking}: who checked, and when?"
            )
            continue
        records.append(
            {
                "pair_id": pair_id,
                "run_id": run_id,
                "mode": mode,
                "kecamatan": info.get("kecamatan", ""),
                "file": str(path),
                "sheet_row": r,
                "id_a": id_a,
                "id_b": id_b,
                "nik_a": nik_a,
                "nik_b": nik_b,
                "nama_a": _cell_text(cells[col["nama_a"]]) if "nama_a" in col else "",
                "nama_b": _cell_text(cells[col["nama_b"]]) if "nama_b" in col else "",
                "probability": float(probability),
                "ambiguous": ambiguous == "1",
                "recommended_side": rec_side,
                "recommended_nik": rec_nik,
                "masked": masked,
                "decision": decision,
                "keep_side": keep,
                "petugas": petugas,
                "tanggal": day.isoformat() if day else "",
                "keterangan": _cell_text(cells[col["keterangan"]]),
            }
        )
    for pair_id in keys:
        if pair_id not in found:
            problems.append(
                f"{path}, sheet {SHEET}: pair {pair_id} is missing (a row was deleted); use the "
                "workbook as it was sent"
            )
    if problems:
        raise ReviewFileError(problems)
    decisions: pd.DataFrame = pd.DataFrame(records, columns=_DECISION_COLUMNS)
    return decisions


_DECISION_COLUMNS = [
    "pair_id",
    "run_id",
    "mode",
    "kecamatan",
    "file",
    "sheet_row",
    "id_a",
    "id_b",
    "nik_a",
    "nik_b",
    "nama_a",
    "nama_b",
    "probability",
    "ambiguous",
    "recommended_side",
    "recommended_nik",
    "masked",
    "decision",
    "keep_side",
    "petugas",
    "tanggal",
    "keterangan",
]
