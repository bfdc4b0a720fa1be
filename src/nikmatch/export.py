"""Writing results to CSV and XLSX safely: no formula injection, no destroyed NIKs.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed
can be run as a formula when a field officer opens the file in a spreadsheet (OWASP "CSV
injection").  :func:`safe_cell` neutralises such text by prefixing an apostrophe; numbers
(negative ones included) and text that is a plain number stay as they are.

NIK and KK numbers have 16 digits, more than the 15 significant digits a spreadsheet keeps in
a number; written as numbers, their last digit becomes 0.  Both writers therefore write
identifier columns (``nik``, ``no_kk`` and any column whose name starts or ends with ``nik``
or ``kk``, e.g. ``nik_l``, ``surviving_nik``) as text, and any integer of 15 digits or more as
text too.

>>> safe_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> safe_cell(-12.5), safe_cell("-12.5"), safe_cell("Siti")
(-12.5, '-12.5', 'Siti')
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import numbers
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from nikmatch.errors import NikmatchError

__all__ = [
    "FORMULA_PREFIXES",
    "MissingOptionalDependency",
    "identifier_columns",
    "safe_cell",
    "write_csv",
    "write_xlsx",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_ID_NAME = re.compile(r"(^|_)(nik|kk|no_kk)($|_)")
_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_COLS = 16_384
_XLSX_MAX_TEXT = 32_767
_BIG_INT = 10**15
_FIXED_CREATED = dt.datetime(2000, 1, 1)  # xlsx metadata: fixed, so output is byte-identical
_PROGRESS_EVERY = 5_000  # rows between two calls of a writer's ``progress`` callback


class MissingOptionalDependency(NikmatchError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def safe_cell(value: object) -> object:
    """Neutralise a cell that a spreadsheet would run as a formula; leave everything else.

    Text starting with one of :data:`FORMULA_PREFIXES` (or with spaces followed by ``=``, ``+``,
    ``-`` or ``@``) gets a leading apostrophe, unless the whole text is a plain number such as
    ``-5`` or ``+1.5e3``.  Numbers, booleans, dates and missing values are returned unchanged;
    other objects (bytes, lists...) are turned into their ``str`` first.

    >>> safe_cell("@SUM(A1:A9)"), safe_cell("+62 812"), safe_cell(" =1+1")
    ("'@SUM(A1:A9)", "'+62 812", "' =1+1")
    >>> safe_cell(-3), safe_cell(None), safe_cell("1871015708450001")
    (-3, None, '1871015708450001')
    """
    if _is_missing(value) or isinstance(value, (bool, numbers.Real, dt.date, dt.time)):
        return value
    text = value if isinstance(value, str) else str(value)
    if not text:
        return text
    stripped = text.lstrip(" ")
    if text[0] in FORMULA_PREFIXES or (stripped and stripped[0] in "=+-@"):
        if _PLAIN_NUMBER.fullmatch(text):
            return text
        return "'" + text
    return text


def identifier_columns(columns: Iterable[object]) -> list[str]:
    """Names among ``columns`` that hold NIK/KK numbers (written as text by the writers).

    >>> identifier_columns(["nik", "NO_KK", "nama", "nik_l", "surviving_nik", "kkn"])
    ['nik', 'NO_KK', 'nik_l', 'surviving_nik']
    """
    return [str(c) for c in columns if _ID_NAME.search(str(c).lower())]


def _identifier_text(value: object) -> object:
    """An identifier cell as text: ``1871015708450001.0`` -> ``'1871015708450001'``."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    return value


def _cell(value: object, as_text: bool) -> object:
    if as_text:
        value = _identifier_text(value)
        if value is not None and not isinstance(value, str):
            value = str(value)
    elif (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and abs(int(value)) >= _BIG_INT
    ):
        value = str(int(value))
    return safe_cell(value)


def _prepared_rows(
    df: pd.DataFrame, index: bool, text_columns: Sequence[str] | None
) -> tuple[list[object], list[list[object]]]:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    frame = df.reset_index() if index else df
    names = [str(c) for c in frame.columns]
    ids = set(identifier_columns(names)) | set(text_columns or ())
    as_text = [name in ids for name in names]
    header = [safe_cell(name) for name in names]
    rows: list[list[object]] = []
    columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
    for i in range(frame.shape[0]):
        rows.append([_cell(columns[j][i], as_text[j]) for j in range(len(columns))])
    return header, rows


def _csv_value(value: object) -> object:
    """A CSV field: Python ``int``/``float`` for numbers (written unquoted), else text."""
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool = False,
    text_columns: Sequence[str] | None = None,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write ``df`` as CSV with every cell passed through :func:`safe_cell`.

    Identifier columns (see :func:`identifier_columns`, plus ``text_columns``) are written as
    their digits (``1871015708450001``, never ``1.871015708450001e+15`` or ``...0001.0``);
    every text cell is quoted, line endings are ``\\n`` and floats use Python's shortest
    round-trip form, so the same frame always gives the same bytes.  A CSV file has no types:
    a spreadsheet opening it may still read a NIK as a number; hand spreadsheets
    :func:`write_xlsx` files instead.  ``progress`` (optional) is called with the number of
    rows written so far, every few thousand rows and at the end.

    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"nik": [1871015708450001.0], "nama": ["=cmd|' /C calc'!A0"]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "out.csv"
    ...     write_csv(df, p)
    ...     print(p.read_text())
    "nik","nama"
    "1871015708450001","'=cmd|' /C calc'!A0"
    <BLANKLINE>
    """
    header, rows = _prepared_rows(df, index, text_columns)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(header)
        for i, row in enumerate(rows, start=1):
            writer.writerow([_csv_value(v) for v in row])
            if progress is not None and i % _PROGRESS_EVERY == 0:
                progress(i)
    if progress is not None:
        progress(len(rows))


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise MissingOptionalDependency(
            "writing an .xlsx workbook needs the optional package xlsxwriter: "
            "pip install 'nikmatch[xlsx]' (or pip install xlsxwriter)"
        ) from None
    return xlsxwriter


def text_workbook(path: str | os.PathLike[str]) -> Any:
    """A new ``xlsxwriter`` workbook at ``path`` that writes every string as text: never as
    a number (a NIK keeps its 16 digits), a formula or a link (a cell that begins with ``=``
    stays a string), with NaN and infinity not turned into errors.  Every workbook nikmatch
    writes is opened here."""
    workbook = _xlsxwriter().Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    return workbook


def write_xlsx(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    sheet_name: str = "nikmatch",
    index: bool = False,
    text_columns: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write ``df`` as an XLSX workbook: strings as strings, identifiers as text, no formulas.

    Every cell goes through :func:`safe_cell`; text is written with ``write_string`` (never
    parsed as a number or formula); identifier columns (see :func:`identifier_columns`, plus
    ``text_columns``) and integers of 15 digits or more are text with the ``@`` (text) number
    format, so a spreadsheet keeps all 16 digits of a NIK.  Finite numbers are numbers; dates
    are dates (``yyyy-mm-dd``).  The workbook's metadata carries a fixed date, so the same
    frame always gives the same bytes.  Needs the optional ``xlsx`` extra (``xlsxwriter``),
    else :class:`MissingOptionalDependency` (an ``ImportError``).  ``ValueError`` when the frame
    does not fit on one sheet (1,048,576 rows, 16,384 columns) or a text cell is longer than
    32,767 characters, rather than silently dropping records or text.  ``progress``
    (optional) is called with the number of rows written so far, every few thousand rows and
    at the end.

    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"nik": ["1871015708450001"], "skor": [-1.5]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_xlsx(df, pathlib.Path(d) / "out.xlsx")
    """
    _xlsxwriter()  # a missing extra is said before any work
    header, rows = _prepared_rows(df, index, text_columns)
    if len(rows) + 1 > _XLSX_MAX_ROWS or len(header) > _XLSX_MAX_COLS:
        raise ValueError(
            f"write_xlsx: {len(rows)} rows x {len(header)} columns do not fit on one sheet "
            f"(at most {_XLSX_MAX_ROWS - 1} rows and {_XLSX_MAX_COLS} columns); "
            "split the frame (e.g. per kecamatan) or use write_csv"
        )
    workbook = text_workbook(path)
    try:
        workbook.set_properties({"created": _FIXED_CREATED})
        text_format = workbook.add_format({"num_format": "@"})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = workbook.add_worksheet(sheet_name)
        for j, name in enumerate(header):
            _write_xlsx_cell(sheet, 0, j, name, text_format, date_format)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                _write_xlsx_cell(sheet, i, j, value, text_format, date_format)
            if progress is not None and i % _PROGRESS_EVERY == 0:
                progress(i)
    finally:
        workbook.close()
    if progress is not None:
        progress(len(rows))


def _write_xlsx_cell(
    sheet: Any, row: int, col: int, value: object, text_format: Any, date_format: Any
) -> None:
    if _is_missing(value):
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, (dt.datetime, dt.date)) and not isinstance(value, pd.Timestamp):
        sheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, pd.Timestamp):
        sheet.write_datetime(row, col, value.to_pydatetime().replace(tzinfo=None), date_format)
    else:
        text = value if isinstance(value, str) else str(value)
        if len(text) > _XLSX_MAX_TEXT:
            raise ValueError(
                f"write_xlsx: a text cell at row {row}, column {col} has {len(text)} characters; "
                f"a spreadsheet cell holds at most {_XLSX_MAX_TEXT}"
            )
        sheet.write_string(row, col, text, text_format)
