"""The ``nikmatch`` command: ``demo``, ``check``, ``dedupe`` and ``link``.

* ``nikmatch demo`` -- generate a small register with known truth, deduplicate it, link a
  "belum rekam" list to it and print how well both went (no files needed);
* ``nikmatch check FILE`` -- check every NIK of a CSV/XLSX file (``--sample N``: of a generated
  register), print counts per problem code, write the per-row report;
* ``nikmatch dedupe FILE --output OUT.csv`` -- find records of a register that are likely the
  same person, write one row per record with its cluster and a recommendation;
* ``nikmatch link LIST REGISTER --output OUT.csv`` -- for each listed resident, the register
  record that is likely the same person.

Input files are read with every column as text (NIKs keep their 16 digits).  Output files hold
what the input held, written through :func:`nikmatch.export.write_csv` /
:func:`~nikmatch.export.write_xlsx` (no formula injection, identifiers as text); everything
printed to the terminal has its NIK and KK numbers masked.  Errors (missing file or column,
unreadable file, bad model) print one line to stderr and exit with status 2, never a traceback
(set ``NIKMATCH_TRACEBACK=1`` to see one).

>>> main(["--version"])  # doctest: +ELLIPSIS
nikmatch ...
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np
import pandas as pd

from nikmatch._version import __version__
from nikmatch.check import check_niks
from nikmatch.errors import NikmatchError, SchemaError
from nikmatch.evaluate import hard_negative_merges, pairwise_metrics
from nikmatch.export import write_csv, write_xlsx
from nikmatch.linker import DEFAULT_THRESHOLD, DedupeResult, LinkResult, find_duplicates, link
from nikmatch.model import Model
from nikmatch.nik import PROBLEMS
from nikmatch.privacy import mask_nik, mask_text
from nikmatch.schema import HEADER_ALIASES, resolve_columns

__all__ = ["UsageError", "build_parser", "main", "read_table"]

PROG = "nikmatch"
_OUTPUT_SUFFIXES = (".csv", ".xlsx")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_FOLD = re.compile(r"[^0-9a-z]+")
_NIK_LIKE = re.compile(r"[\s'\d.,eE+\-]+")
_LONG_DIGITS = re.compile(r"\d{10,}")
_SHOWN_COLUMNS = ("nik", "nama", "tanggal_lahir")  # copied next to pair ids in pair files


class UsageError(Exception):
    """A problem with the command line or the input files: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------------------ argument types


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {mask_text(repr(text))}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"must be a probability between 0 and 1, got {mask_text(text)}"
        )
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {mask_text(repr(text))}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {mask_text(str(value))}")
    return value


def _mapping(text: str) -> tuple[str, str]:
    canonical, sep, header = text.partition("=")
    if not sep or not canonical.strip() or not header:
        raise argparse.ArgumentTypeError(
            f"expected CANONICAL=HEADER, e.g. nama=NAMA_LGKP, got {mask_text(repr(text))}"
        )
    return canonical.strip(), header


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date YYYY-MM-DD: {mask_text(repr(text))}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nikmatch`` command (one sub-parser per command).

    >>> args = build_parser().parse_args(["check", "--sample", "50"])
    >>> args.command, args.file, args.sample
    ('check', None, 50)
    >>> build_parser().parse_args(["dedupe", "reg.csv", "-o", "out.csv"]).threshold
    0.99
    """
    parser = _Parser(
        prog=PROG,
        description="Find Indonesian residents who hold more than one NIK. "
        "NIK and KK numbers printed are masked; output files are formula-safe.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run deduplication and list linking on generated data (no files needed)",
        description="Generate a register with known truth, deduplicate it, link a 'belum rekam' "
        "list to it, and print precision/recall against the truth.",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument(
        "--size",
        type=_positive_int,
        default=None,
        help="records to generate (default 2000, at least 200)",
    )
    demo.set_defaults(func=_cmd_demo)

    check = sub.add_parser(
        "check",
        help="check the NIKs of a CSV/XLSX file",
        description="Check every NIK of a file (cross-checked with the record's birth date and "
        "sex when those columns are present); print counts per problem; write the per-row report.",
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="input .csv or .xlsx")
    check.add_argument(
        "--column",
        default=None,
        help="NIK column (default: detect nik / NIK / no_nik / ...)",
    )
    check.add_argument("-o", "--output", default=None, help="write the report (.csv or .xlsx)")
    check.add_argument(
        "--reference-date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date for age and future-date checks (default today)",
    )
    check.add_argument(
        "--sample",
        type=_positive_int,
        default=None,
        metavar="N",
        help="check a generated register of N records instead of FILE",
    )
    check.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    _add_reading_options(check)
    check.set_defaults(func=_cmd_check)

    dedupe = sub.add_parser(
        "dedupe",
        help="find records of one register that are likely the same person",
        description="Deduplicate a register: write every record with its cluster, the "
        "recommended surviving NIK and what to verify. Nothing is deleted.",
    )
    dedupe.add_argument("file", metavar="FILE", help="register (.csv or .xlsx)")
    _add_job_options(dedupe)
    dedupe.add_argument(
        "--save-model", default=None, metavar="MODEL.json", help="save the trained model"
    )
    dedupe.set_defaults(func=_cmd_dedupe)

    linker = sub.add_parser(
        "link",
        help="find, for each record of a list, the register records of the same person",
        description="Link a list (e.g. residents without KTP-el recording) to a register: "
        "write every list record with its best register match.",
    )
    linker.add_argument("list_file", metavar="LIST", help="list (.csv or .xlsx)")
    linker.add_argument("register_file", metavar="REGISTER", help="register (.csv or .xlsx)")
    _add_job_options(linker)
    linker.add_argument(
        "--register-map",
        action="append",
        type=_mapping,
        default=[],
        metavar="CANONICAL=HEADER",
        help="as --map, for the register (repeatable)",
    )
    linker.add_argument(
        "--one-to-one", action="store_true", help="match each list and register record at most once"
    )
    linker.set_defaults(func=_cmd_link)
    return parser


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding", default="utf-8-sig", help="CSV text encoding (default utf-8; e.g. cp1252)"
    )
    parser.add_argument(
        "--sep", default=None, help="CSV field separator (default: detect , ; tab |)"
    )


def _add_job_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="output file (.csv or .xlsx)")
    parser.add_argument(
        "--pairs",
        default=None,
        metavar="PAIRS.csv",
        help="also write the matching pairs with their probability",
    )
    parser.add_argument(
        "--threshold",
        type=_probability,
        default=DEFAULT_THRESHOLD,
        metavar="P",
        help=f"match probability threshold (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--map",
        action="append",
        type=_mapping,
        default=[],
        metavar="CANONICAL=HEADER",
        help="name a column whose header is not detected, e.g. nama=NAMA_PENDUDUK (repeatable)",
    )
    parser.add_argument(
        "--model",
        default=None,
        metavar="MODEL.json",
        help="use a saved model instead of training one",
    )
    parser.add_argument(
        "--reference-date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date for age checks (default today)",
    )
    _add_reading_options(parser)


# ------------------------------------------------------------------------------ entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nikmatch`` command with ``argv`` (default ``sys.argv[1:]``); return the exit
    status: 0 on success, 2 on any error (one line on stderr, never a traceback).

    >>> main(["check", "--column"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    func: Callable[[argparse.Namespace], int] = args.func
    debug = os.environ.get("NIKMATCH_TRACEBACK", "") not in ("", "0")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return func(args)
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:  # e.g. `nikmatch demo | head`
        _quiet_stdout()
        return 0
    except Exception as exc:  # one readable line, never a traceback
        if debug:
            raise
        _fail(_describe(exc))
        return 2


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UsageError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"cannot decode the file as {exc.encoding} (byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}); pass --encoding, e.g. --encoding cp1252"
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return f"cannot access{where}: {reason}"
    if isinstance(exc, (NikmatchError, ValueError, ImportError, pd.errors.ParserError)):
        return f"{type(exc).__name__}: {exc}"
    return (
        f"unexpected {type(exc).__name__}: {exc} -- this is a bug in nikmatch, please report "
        "it (NIKMATCH_TRACEBACK=1 shows where)"
    )


def _printable(text: str) -> str:
    r"""Escape control and other non-printable characters (data must not drive the terminal);
    line breaks stay.

    >>> print(_printable("SITI\x1b[2J AMINAH\nBUDI"))
    SITI\x1b[2J AMINAH
    BUDI
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else ascii(ch)[1:-1] for ch in text)


def _one_line(text: str) -> str:
    return _printable(" ".join(mask_text(text).split()))


def _fail(message: str) -> None:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"{PROG}: warning: {_one_line(str(message))}", file=sys.stderr)


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def _mask_runs(text: str) -> str:
    """Mask every run of 10 or more digits (a NIK/KK or what is left of one); dates stay.

    >>> _mask_runs("NIK 1871015708450001 born 1945-08-17, 1.871015708450001e+15")
    'NIK 187101********01 born 1945-08-17, 1.871015*******01e+15'
    """
    return _LONG_DIGITS.sub(lambda m: mask_nik(m.group(0)), text)


def _say(text: str = "") -> None:
    """Print to the terminal with every NIK/KK-like digit run masked."""
    print(_printable(_mask_runs(text)))


# ------------------------------------------------------------------------------ files


def _fold(header: object) -> str:
    return _FOLD.sub("_", str(header).strip().lower()).strip("_")


def _detect_separator(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _input_path(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise UsageError(f"file not found: {name}")
    if path.is_dir():
        raise UsageError(f"{name} is a directory, not a file")
    return path


def read_table(
    name: str, *, encoding: str = "utf-8-sig", sep: str | None = None, header: bool = True
) -> pd.DataFrame:
    """Read a CSV or Excel file with every column as text, empty cells as ``""``.

    A blank line is a record with empty cells (one output row per input line).  Rows are
    labelled 1, 2, ... (the n-th record of the file), the labels pair files use.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "a.csv"
    ...     _ = path.write_text("nik;nama\\n0012;SITI\\n\\n")
    ...     frame = read_table(str(path))
    >>> frame.to_dict("list"), list(frame.index)
    ({'nik': ['0012', ''], 'nama': ['SITI', '']}, [1, 2])
    """
    path = _input_path(name)
    suffix = path.suffix.lower()
    try:
        if suffix in _EXCEL_SUFFIXES:
            try:
                frame = pd.read_excel(
                    path, dtype=str, keep_default_na=False, header=0 if header else None
                )
            except ImportError as exc:
                raise UsageError(
                    f"cannot read {name}: {mask_text(str(exc))} (or save the sheet as CSV)"
                ) from None
        else:
            separator = sep if sep else _detect_separator(path, encoding)
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding=encoding,
                sep=separator,
                header=0 if header else None,
                skip_blank_lines=False,
            )
    except pd.errors.EmptyDataError:
        raise UsageError(f"{name} is empty (no header row)") from None
    except pd.errors.ParserError as exc:
        raise UsageError(f"cannot parse {name}: {mask_text(str(exc))}") from None
    if not header:
        frame.columns = pd.Index([f"column_{j + 1}" for j in range(frame.shape[1])])
    frame.columns = pd.Index([str(c) for c in frame.columns])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def _output_path(name: str, *, inputs: Sequence[str] = ()) -> Path:
    """Check an output path before any work is done: known suffix, existing folder, and not
    one of the input files (the office's data is never overwritten)."""
    path = Path(name)
    if path.suffix.lower() not in _OUTPUT_SUFFIXES:
        raise UsageError(f"output {name} must end in .csv or .xlsx")
    if not path.parent.exists():
        raise UsageError(f"folder of the output {name} does not exist")
    if path.is_dir():
        raise UsageError(f"output {name} is a directory")
    for other in inputs:
        if Path(other).exists() and path.exists() and path.resolve() == Path(other).resolve():
            raise UsageError(f"output {name} is also an input file: choose another name")
    return path


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() == ".xlsx":
        write_xlsx(frame, path)
    else:
        write_csv(frame, path)


def _append_columns(original: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Original columns, then ``extra`` (row by row); an extra column whose name is taken
    gets a ``nikmatch_`` prefix."""
    taken = set(original.columns)
    renamed = {c: (f"nikmatch_{c}" if c in taken else str(c)) for c in extra.columns}
    extra = extra.rename(columns=renamed).set_axis(original.index, axis=0)
    return pd.concat([original, extra], axis=1)


# ------------------------------------------------------------------------------ check


def _alias_column(frame: pd.DataFrame, canonical: str) -> str | None:
    aliases = HEADER_ALIASES[canonical]
    if canonical in frame.columns:
        return canonical
    for alias in aliases:
        for column in frame.columns:
            if _fold(column) == alias:
                return str(column)
    return None


def _looks_like_nik(text: str) -> bool:
    return bool(_NIK_LIKE.fullmatch(text)) and sum(ch.isdigit() for ch in text) >= 10


def _damage_niks(niks: pd.Series, rng: np.random.Generator) -> pd.Series:
    """About 10% of NIKs damaged the way real files damage them (for ``check --sample``)."""
    values = niks.astype(object).to_numpy(dtype=object)
    kinds = rng.choice(8, size=len(values), p=[0.9, 0.02, 0.02, 0.015, 0.015, 0.01, 0.01, 0.01])
    out = values.copy()
    for i in np.flatnonzero(kinds).tolist():
        v = str(values[i])
        kind = int(kinds[i])
        if kind == 1:
            out[i] = format(float(v), ".14E")  # Excel: 15 significant digits, shown as 1.8E+15
        elif kind == 2:
            out[i] = v + ".0"
        elif kind == 3:
            out[i] = "'" + v
        elif kind == 4:
            out[i] = f"{v[:2]}.{v[2:4]}.{v[4:6]} {v[6:12]} {v[12:]}"
        elif kind == 5:
            out[i] = v[:15] + "0"
        elif kind == 6:
            out[i] = v[:-1]
        else:
            out[i] = ""
    damaged: pd.Series = pd.Series(out, index=niks.index, dtype=object)
    return damaged


def _sample_register(n: int, seed: int) -> pd.DataFrame:
    from nikmatch.synth import generate_population

    generated, _ = generate_population(n, seed=seed, as_strings=True)
    register: pd.DataFrame = generated.astype(object).where(generated.notna(), "")
    register["nik"] = _damage_niks(register["nik"], np.random.default_rng([seed, 0xC4EC]))
    register.index = pd.RangeIndex(1, len(register) + 1, name="row")
    return register


def _check_report(frame: pd.DataFrame, nik_column: str, reference: dt.date | None) -> pd.DataFrame:
    birth = _alias_column(frame, "tanggal_lahir")
    sex = _alias_column(frame, "jenis_kelamin")
    checked = check_niks(
        frame, column=nik_column, birth_date=birth, sex=sex, reference_date=reference
    )
    report: pd.DataFrame = checked.rename(columns={"nik": "nik_clean"})
    report["birth_date"] = report["birth_date"].dt.strftime("%Y-%m-%d")
    return report


def _print_check_table(frame: pd.DataFrame, report: pd.DataFrame, nik_column: str) -> None:
    n = len(report)

    def share(k: int) -> str:
        return f"{100 * k / n:5.1f}%" if n else "-"

    severities = report["severity"].astype(str).value_counts()
    _say(f"{'severity':<10} {'rows':>9} {'share':>7}")
    for level in ("ok", "warning", "error"):
        k = int(severities.get(level, 0))
        _say(f"{level:<10} {k:>9,} {share(k):>7}")
    per_code: dict[str, int] = {}
    for label, k in report["problems"].astype(str).value_counts().items():
        for code in str(label).split(";"):
            if code:
                per_code[code] = per_code.get(code, 0) + int(k)
    _say()
    if not per_code:
        _say("no problems found")
        return
    _say(f"{'problem':<26} {'severity':<8} {'rows':>9}  meaning")
    order = list(PROBLEMS)
    for code in sorted(per_code, key=lambda c: (order.index(c) if c in order else 99, c)):
        problem = PROBLEMS.get(code)
        level = problem.severity if problem else "?"
        meaning = problem.description if problem else ""
        _say(f"{code:<26} {level:<8} {per_code[code]:>9,}  {meaning}")
    errors = report.index[report["severity"].astype(str) == "error"][:5]
    if len(errors):
        _say()
        _say("first rows with errors (values masked):")
        for label in errors:
            raw = frame.at[label, nik_column]
            shown = mask_nik(raw) if isinstance(raw, str) and raw else repr(raw)
            problems = str(report.at[label, "problems"])
            _say(f"  row {_plain(label)!s}: {shown:<24} {problems}")


def _cmd_check(args: argparse.Namespace) -> int:
    if args.file is None and args.sample is None:
        raise UsageError("give a FILE to check, or --sample N for a generated register")
    if args.file is not None and args.sample is not None:
        raise UsageError("give either a FILE or --sample N, not both")
    output = (
        _output_path(args.output, inputs=[args.file] if args.file else []) if args.output else None
    )
    if args.sample is not None:
        frame = _sample_register(args.sample, args.seed)
        source = f"generated register of {args.sample:,} records (seed {args.seed})"
    else:
        frame = read_table(args.file, encoding=args.encoding, sep=args.sep)
        source = args.file
    nik_column = args.column or _alias_column(frame, "nik")
    if nik_column is None and args.file is not None and frame.shape[1] == 1:
        only = str(frame.columns[0])
        if _looks_like_nik(only):  # a list of NIKs without a header row
            frame = read_table(args.file, encoding=args.encoding, sep=args.sep, header=False)
        nik_column = str(frame.columns[0])
    if nik_column is None:
        raise UsageError(
            f"no NIK column in {source}: expected one of {', '.join(HEADER_ALIASES['nik'])} "
            f"(columns are: {', '.join(map(str, frame.columns[:20]))}); name it with --column"
        )
    report = _check_report(frame, nik_column, args.reference_date)
    reference = args.reference_date or dt.date.today()
    _say(
        f"NIK check of {source}: {len(report):,} rows, column {nik_column!r}, "
        f"reference date {reference.isoformat()}"
    )
    _say()
    _print_check_table(frame, report, nik_column)
    if output is not None:
        _write(_append_columns(frame, report), output)
        _say()
        _say(f"wrote {len(report):,} rows to {output}")
    return 0


# ------------------------------------------------------------------------------ dedupe & link


def _load_model(name: str | None) -> Model | None:
    if name is None:
        return None
    path = _input_path(name)
    try:
        return Model.load(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"cannot load the model {name}: {type(exc).__name__}: {mask_text(str(exc))}"
        ) from None


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (readable reprs in explanations)."""
    return value.item() if isinstance(value, np.generic) else value


def _shown_columns(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> dict[str, str]:
    """Canonical name -> column of ``frame`` for the few columns copied into pair files."""
    try:
        mapping = resolve_columns(frame, columns, require_name=False)
    except NikmatchError:
        return {}
    return {c: s for c, s in mapping.items() if c in _SHOWN_COLUMNS and isinstance(s, str)}


def _pairs_table(
    result: DedupeResult | LinkResult,
    left: pd.DataFrame,
    shown_l: dict[str, str],
    right: pd.DataFrame,
    shown_r: dict[str, str],
) -> pd.DataFrame:
    """The matching pairs and the ambiguous ones (flagged, for review): row numbers,
    probability, weight, a few values of both records and the agreement level of every
    comparison, in words."""
    pairs = pd.concat([result.matches, result.ambiguous]).sort_values(
        ["match_weight", "row_l", "row_r"], ascending=[False, True, True], kind="stable"
    )
    out: pd.DataFrame = pairs[
        ["id_l", "id_r", "match_probability", "match_weight", "ambiguous"]
    ].reset_index(drop=True)
    for side, frame, shown, ids in (
        ("l", left, shown_l, out["id_l"]),
        ("r", right, shown_r, out["id_r"]),
    ):
        for canon, column in shown.items():
            out[f"{canon}_{side}"] = frame[column].reindex(ids.to_numpy()).to_numpy(dtype=object)
    for comparison in result.model.comparisons:
        gamma = f"gamma_{comparison.name}"
        if gamma in pairs.columns:
            labels = np.asarray(comparison.level_labels, dtype=object)
            levels = pairs[gamma].to_numpy(dtype=np.int64)
            out[f"level_{comparison.name}"] = labels[np.clip(levels, 0, len(labels) - 1)]
    return out


def _pairs_written(result: DedupeResult | LinkResult) -> str:
    """``"1,234 matching pairs"``, and the ambiguous ones when there are any."""
    text = f"{len(result.matches):,} matching pairs"
    if len(result.ambiguous):
        text += (
            f" and {len(result.ambiguous):,} ambiguous ones (column ambiguous: a record matching "
            "two people the model holds apart about equally; a person decides)"
        )
    return text


def _print_top_pairs(
    pairs: pd.DataFrame,
    frame_l: pd.DataFrame,
    nik_l: str | None,
    frame_r: pd.DataFrame,
    nik_r: str | None,
    k: int = 5,
) -> None:
    if not len(pairs):
        return
    _say(f"strongest pairs (of {len(pairs):,}; row = record number in the file, NIKs masked):")
    for row in pairs.head(k).itertuples(index=False):
        left = mask_nik(frame_l.at[row.id_l, nik_l]) if nik_l else ""
        right = mask_nik(frame_r.at[row.id_r, nik_r]) if nik_r else ""
        _say(
            f"  row {_plain(row.id_l)} ~ row {_plain(row.id_r)}  "
            f"p={row.match_probability:.4f}  {left} / {right}"
        )


def _schema_hint(exc: NikmatchError) -> UsageError:
    return UsageError(
        f"{type(exc).__name__}: {exc} -- on the command line: --map nama=YOUR_HEADER (repeatable)"
    )


def _cmd_dedupe(args: argparse.Namespace) -> int:
    output = _output_path(args.output, inputs=[args.file])
    pairs_out = _output_path(args.pairs, inputs=[args.file]) if args.pairs else None
    if args.save_model and not Path(args.save_model).parent.exists():
        raise UsageError(f"folder of {args.save_model} does not exist")
    frame = read_table(args.file, encoding=args.encoding, sep=args.sep)
    columns = dict(args.map) or None
    model = _load_model(args.model)

    def job(data: pd.DataFrame, mapping: dict[str, str] | None) -> DedupeResult:
        return find_duplicates(
            data,
            columns=mapping,
            model=model,
            threshold=args.threshold,
            reference_date=args.reference_date,
        )

    started = time.perf_counter()
    try:
        result = job(frame, columns)
    except SchemaError as exc:
        raise _schema_hint(exc) from None
    elapsed = time.perf_counter() - started
    _say(f"{args.file}: {result.summary()} ({elapsed:.1f} s)")
    clusters = result.clusters[
        ["cluster_id", "cluster_size", "survivor", "recommendation", "flags"]
    ]
    _write(_append_columns(frame, clusters), output)
    _say(f"wrote {len(frame):,} rows to {output}")
    shown = _shown_columns(frame, columns)
    if pairs_out is not None:
        _write(_pairs_table(result, frame, shown, frame, shown), pairs_out)
        _say(f"wrote {_pairs_written(result)} to {pairs_out}")
    if args.save_model:
        result.model.save(args.save_model)
        _say(f"saved the model to {args.save_model}")
    _print_top_pairs(result.matches, frame, shown.get("nik"), frame, shown.get("nik"))
    return 0


def _link_table(
    result: LinkResult, list_frame: pd.DataFrame, register: pd.DataFrame, shown: dict[str, str]
) -> pd.DataFrame:
    """One row per list record: its best register match (row number, probability, a few values),
    how many register records match it and how many it matches ambiguously (for review)."""
    clusters = result.clusters
    best = pd.to_numeric(clusters["best_id"], errors="coerce").astype("Int64").array
    out: pd.DataFrame = pd.DataFrame(
        {
            "best_id": best,
            "best_probability": clusters["best_probability"].to_numpy(dtype=np.float64),
            "n_matches": clusters["n_matches"].to_numpy(dtype=np.int64),
            "n_ambiguous": clusters["n_ambiguous"].to_numpy(dtype=np.int64),
        },
        index=list_frame.index,
    )
    found = np.asarray(~pd.isna(best), dtype=bool)
    ids = np.asarray(best[found], dtype=np.int64)
    for canon, column in shown.items():
        values = np.full(len(out), None, dtype=object)
        values[found] = register[column].reindex(ids).to_numpy(dtype=object)
        out[f"best_{canon}"] = values
    return out


def _cmd_link(args: argparse.Namespace) -> int:
    inputs = [args.list_file, args.register_file]
    output = _output_path(args.output, inputs=inputs)
    pairs_out = _output_path(args.pairs, inputs=inputs) if args.pairs else None
    list_frame = read_table(args.list_file, encoding=args.encoding, sep=args.sep)
    register = read_table(args.register_file, encoding=args.encoding, sep=args.sep)
    columns = dict(args.map) or None
    register_columns = dict(args.register_map) or None
    model = _load_model(args.model)

    def job(
        left: pd.DataFrame,
        left_map: dict[str, str] | None,
        right: pd.DataFrame,
        right_map: dict[str, str] | None,
    ) -> LinkResult:
        return link(
            left,
            right,
            columns=left_map,
            register_columns=right_map,
            model=model,
            threshold=args.threshold,
            one_to_one=args.one_to_one,
            reference_date=args.reference_date,
        )

    started = time.perf_counter()
    try:
        result = job(list_frame, columns, register, register_columns)
    except SchemaError as exc:
        raise _schema_hint(exc) from None
    elapsed = time.perf_counter() - started
    found = int((result.clusters["n_matches"] > 0).sum())
    _say(
        f"{args.list_file} -> {args.register_file}: {len(list_frame):,} list records, "
        f"{len(register):,} register records, {len(result.matches):,} matching pairs at "
        f"p>={args.threshold}; {found:,} list records have at least one match ({elapsed:.1f} s)"
    )
    unsure = int((result.clusters["n_ambiguous"] > 0).sum())
    if unsure:
        _say(
            f"{unsure:,} list records match two register records the model holds apart (such "
            "as twins) about equally: column n_ambiguous; review them"
        )
    shown_l = _shown_columns(list_frame, columns)
    shown_r = _shown_columns(register, register_columns)
    _write(_append_columns(list_frame, _link_table(result, list_frame, register, shown_r)), output)
    _say(f"wrote {len(list_frame):,} rows to {output}")
    if pairs_out is not None:
        _write(_pairs_table(result, list_frame, shown_l, register, shown_r), pairs_out)
        _say(f"wrote {_pairs_written(result)} to {pairs_out}")
    _print_top_pairs(result.matches, list_frame, shown_l.get("nik"), register, shown_r.get("nik"))
    return 0


# ------------------------------------------------------------------------------ demo


def _metrics_line(m: Any) -> str:
    return (
        f"precision {m.precision:.3f}, recall {m.recall:.3f}, F1 {m.f1:.3f} "
        f"(tp {m.tp}, fp {m.fp}, fn {m.fn})"
    )


def _demo_dedupe(register: pd.DataFrame, truth: pd.DataFrame) -> DedupeResult:
    from nikmatch.synth import hard_negative_pairs, true_pairs

    started = time.perf_counter()
    result = find_duplicates(register)
    elapsed = time.perf_counter() - started
    pairs = true_pairs(truth)
    _say(f"1. Deduplication ({elapsed:.1f} s)")
    _say(f"   {result.summary()}")
    _say(
        f"   against the truth ({len(pairs)} pairs of records of one person): "
        f"{_metrics_line(pairwise_metrics(result.matches, pairs))}"
    )
    hard = hard_negative_pairs(truth)
    merged = hard_negative_merges(result.matches, hard)
    detail = ", ".join(f"{kind} {k}" for kind, k in merged.items())
    _say(
        f"   hard negatives (twins, father and son, common names: different people who look "
        f"alike): {len(hard)} pairs, {sum(merged.values())} merged ({detail})"
    )
    top = result.matches.head(2)
    if len(top):
        _say()
        _say(
            f"   Why the top {len(top)} proposed pairs match (weights in bits; "
            "a field officer confirms every pair):"
        )
        for row in top.itertuples(index=False):
            _say()
            _say(str(result.explain(_plain(row.id_l), _plain(row.id_r))))
    return result


def _demo_link(register: pd.DataFrame, truth: pd.DataFrame, seed: int) -> None:
    from nikmatch.synth import generate_unrecorded_list, true_links

    n_list = max(1, len(register) // 5)
    listed, list_truth = generate_unrecorded_list(register, truth, n=n_list, seed=seed)
    started = time.perf_counter()
    result = link(listed, register)
    elapsed = time.perf_counter() - started
    links = true_links(list_truth, truth)
    matches = result.matches
    found = int((result.clusters["n_matches"] > 0).sum())
    _say(
        f"2. Belum rekam: {len(listed):,} residents without KTP-el recording linked to the "
        f"register ({elapsed:.1f} s)"
    )
    _say(
        f"   list rows with at least one match: {found:,} of {len(listed):,} "
        "(truth: every listed resident has a record)"
    )
    # residents holding another NIK: was a record other than the one whose NIK they carry found?
    own = list_truth["own_record_id"]
    other = links[links["id_r"].to_numpy() != own.reindex(links["id_l"]).to_numpy()]
    hit = matches[["id_l", "id_r"]].astype(np.int64).merge(other, on=["id_l", "id_r"])
    holders = int(list_truth["has_other_nik"].sum())
    _say(
        f"   residents holding another NIK (truth): {holders:,}; "
        f"found with their other record: {hit['id_l'].nunique():,}"
    )
    _say(
        f"   pairs against the truth ({len(links):,} list-register pairs): "
        f"{_metrics_line(pairwise_metrics(matches, links, link=True))}"
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    from nikmatch.synth import generate_population, small_population

    if args.size is not None and args.size < 200:
        raise UsageError(f"--size must be at least 200, got {args.size}")
    started = time.perf_counter()
    if args.size is None:
        register, truth = small_population(args.seed)
    else:
        register, truth = generate_population(args.size, seed=args.seed)
    n_people = truth["person_id"].nunique()
    _say(
        f"nikmatch demo: a generated register of {len(register):,} records (seed {args.seed}), "
        f"{n_people:,} people; {len(register) - n_people:,} records are a second or third "
        "record of someone. Every value is generated."
    )
    _say()
    _demo_dedupe(register, truth)
    _say()
    _demo_link(register, truth, args.seed)
    _say()
    _say(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
