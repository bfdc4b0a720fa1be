"""The ``nikmatch`` command: the whole office workflow without writing Python.

* ``nikmatch demo`` -- a generated Bandar-Lampung-like register and a belum-rekam list; check,
  deduplicate, link, write the review workbooks and the HTML report into one folder;
* ``nikmatch check FILE`` -- check every NIK of a file, print counts per problem code, write the
  per-row report;
* ``nikmatch dedupe FILE -o OUT`` -- records of a register that are likely the same person;
* ``nikmatch link LIST REGISTER -o OUT`` -- for each listed resident, the register records of
  the same person;
* ``nikmatch train FILE -o MODEL.json`` -- fit a model once, reuse it with ``--model``;
* ``nikmatch review REGISTER --pairs PAIRS --out DIR`` -- one workbook per kecamatan for the
  field officers (:mod:`nikmatch.review`);
* ``nikmatch apply-review WORKBOOK... --out DIR`` -- read the filled workbooks back: confirmed
  list, open pairs, accuracy of the proposals, optionally an updated model;
* ``nikmatch report REGISTER -o REPORT.html`` -- the HTML report (:mod:`nikmatch.report`).

Input files (CSV, Excel, Parquet) are read with every column as text (NIKs keep their 16
digits, :func:`nikmatch.tables.read_table`).  Output files hold what the input held, written
formula-safe with identifiers as text.  Everything printed has its NIK and KK numbers masked.
Progress is drawn on stderr when it is a terminal; ``--quiet`` prints nothing but errors.
Exit status (:data:`EXIT_CODES`): 0 success, 1 a problem with an input file or its content, 2 a
problem with the command line (or a missing optional package), 3 an output that cannot be
written, 4 an unexpected error (a bug), 130 interrupted; errors are one line each on stderr,
never a traceback (``NIKMATCH_TRACEBACK=1`` shows one).

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
from nikmatch.export import MissingOptionalDependency
from nikmatch.linker import DEFAULT_THRESHOLD, DedupeResult, LinkResult, find_duplicates, link
from nikmatch.model import Model
from nikmatch.nik import PROBLEMS
from nikmatch.privacy import mask_nik, mask_text
from nikmatch.progress import Steps
from nikmatch.schema import HEADER_ALIASES, resolve_columns
from nikmatch.tables import OUTPUT_SUFFIXES, InputFileError, write_table
from nikmatch.tables import read_table as _read_table

__all__ = [
    "EXIT_BUG",
    "EXIT_CODES",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "OutputError",
    "UsageError",
    "build_parser",
    "check_identifiers",
    "main",
    "read_table",
]

PROG = "nikmatch"
EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
EXIT_BUG = 4
EXIT_INTERRUPTED = 130
#: Exit status -> meaning (``docs/guide/cli.md``).
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_INPUT: "an input file or its content cannot be used (missing, empty, undecodable, "
    "columns missing, a review workbook that does not validate, a bad model file)",
    EXIT_USAGE: "the command line is wrong (unknown option, bad value, output name) or an "
    "optional package is missing",
    EXIT_OUTPUT: "an output file or folder cannot be written",
    EXIT_BUG: "an unexpected error: a bug in nikmatch, please report it",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
_OUTPUT_SUFFIXES = OUTPUT_SUFFIXES
_FOLD = re.compile(r"[^0-9a-z]+")
_NIK_LIKE = re.compile(r"[\s'\d.,eE+\-]+")
_LONG_DIGITS = re.compile(r"\d{10,}")
_SHOWN_COLUMNS = ("nik", "nama", "tanggal_lahir")  # copied next to pair ids in pair files


class UsageError(Exception):
    """A problem with the command line: printed as one line, exit status 2."""


class OutputError(Exception):
    """An output cannot be written: printed as one line, exit status 3."""


class _State:
    """What every command shares: ``--quiet`` and the progress lines."""

    quiet = False
    steps = Steps(enabled=False)


STATE = _State()


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


def _non_negative_int(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {mask_text(repr(text))}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {mask_text(str(value))}")
    return value


def _sub(
    sub: Any, name: str, help_text: str, description: str, func: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=description)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (no summary, no progress)",
    )
    parser.set_defaults(func=func)
    return parser


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    """A command of :mod:`nikmatch.cli_office`, imported when it runs."""

    def run(args: argparse.Namespace) -> int:
        from nikmatch import cli_office

        command: Callable[[argparse.Namespace], int] = getattr(cli_office, name)
        return command(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nikmatch`` command (one sub-parser per command).

    >>> args = build_parser().parse_args(["check", "--sample", "50"])
    >>> args.command, args.file, args.sample
    ('check', None, 50)
    >>> build_parser().parse_args(["dedupe", "reg.csv", "-o", "out.csv"]).threshold
    0.99
    >>> build_parser().parse_args(["demo"]).size
    200000
    """
    parser = _Parser(
        prog=PROG,
        description="Find Indonesian residents who hold more than one NIK. "
        "NIK and KK numbers printed are masked; output files are formula-safe. Exit status: "
        + "; ".join(f"{code} {text.split(' (')[0]}" for code, text in EXIT_CODES.items()),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _sub(
        sub,
        "demo",
        "the whole workflow on a generated register, written to a folder (no files needed)",
        "Generate a Bandar-Lampung-like register (region 1871) and a belum-rekam list; check the "
        "NIKs, deduplicate, link the list, write the review workbooks and the HTML report into "
        "--out, and print how well it went against the known truth.",
        _lazy("cmd_demo"),
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument(
        "--size",
        type=_positive_int,
        default=200_000,
        help="records to generate (default 200000, at least 200)",
    )
    demo.add_argument(
        "--out",
        default="nikmatch-demo",
        metavar="DIR",
        help="folder for every file the demo writes (default ./nikmatch-demo; created)",
    )

    check = _sub(
        sub,
        "check",
        "check the NIKs of a CSV/XLSX/Parquet file",
        "Check every NIK of a file (cross-checked with the record's birth date and sex when "
        "those columns are present); print counts per problem; write the per-row report.",
        _cmd_check,
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="input .csv, .xlsx or .parquet")
    check.add_argument(
        "--column",
        default=None,
        help="NIK column (default: detect nik / NIK / no_nik / ...)",
    )
    check.add_argument(
        "-o", "--output", default=None, help="write the report (.csv, .xlsx or .parquet)"
    )
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

    dedupe = _sub(
        sub,
        "dedupe",
        "find records of one register that are likely the same person",
        "Deduplicate a register: write every record with its cluster, the recommended "
        "surviving NIK and what to verify. Nothing is deleted.",
        _cmd_dedupe,
    )
    dedupe.add_argument("file", metavar="FILE", help="register (.csv, .xlsx or .parquet)")
    _add_job_options(dedupe)
    dedupe.add_argument(
        "--save-model", default=None, metavar="MODEL.json", help="save the trained model"
    )

    linker = _sub(
        sub,
        "link",
        "find, for each record of a list, the register records of the same person",
        "Link a list (e.g. residents without KTP-el recording) to a register: "
        "write every list record with its best register match.",
        _cmd_link,
    )
    linker.add_argument("list_file", metavar="LIST", help="list (.csv, .xlsx or .parquet)")
    linker.add_argument("register_file", metavar="REGISTER", help="register (.csv, .xlsx, ...)")
    _add_job_options(linker)
    _add_register_map(linker)
    linker.add_argument(
        "--one-to-one", action="store_true", help="match each list and register record at most once"
    )

    trainer = _sub(
        sub,
        "train",
        "fit a model on a register and save it (reuse it with --model)",
        "Train the matching model on a register (unsupervised EM, as dedupe does) and save it "
        "as JSON; print its parameters.",
        _cmd_train,
    )
    trainer.add_argument("file", metavar="FILE", help="register (.csv, .xlsx or .parquet)")
    trainer.add_argument(
        "-o", "--output", required=True, metavar="MODEL.json", help="the model file to write"
    )
    trainer.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    _add_map(trainer)
    _add_reference_date(trainer)
    _add_reading_options(trainer)

    review = _sub(
        sub,
        "review",
        "write one review workbook per kecamatan for the field officers",
        "From the files of `nikmatch dedupe` (its -o output or the register, and --pairs) or "
        "`nikmatch link` (--list, the register and --pairs): one XLSX workbook per kecamatan "
        "with every proposed pair side by side, the reasons, the recommended surviving NIK and "
        "columns for the officer's decision.",
        _lazy("cmd_review"),
    )
    review.add_argument(
        "register_file",
        metavar="REGISTER",
        help="the register (best: the -o output of dedupe, with its clusters)",
    )
    review.add_argument(
        "--pairs", required=True, metavar="PAIRS", help="the --pairs file of dedupe or link"
    )
    review.add_argument(
        "--list", dest="list_file", default=None, metavar="LIST", help="the list, for a link"
    )
    review.add_argument("--out", required=True, metavar="DIR", help="folder for the workbooks")
    review.add_argument(
        "--mask-nik",
        action="store_true",
        help="mask NIK and KK numbers (187101********01) in workbooks that leave the office",
    )
    _add_map(review)
    _add_register_map(review)
    _add_reading_options(review)

    apply = _sub(
        sub,
        "apply-review",
        "read filled review workbooks back: confirmed list, open pairs, accuracy",
        "Validate filled review workbooks (any subset, any order; applying again gives the "
        "same result) and write the confirmed list (which NIK survives, which record to "
        "retire, who confirmed and when), every decision, the pairs still open and the "
        "accuracy of the proposals. Nothing is deleted.",
        _lazy("cmd_apply_review"),
    )
    apply.add_argument(
        "workbooks", nargs="+", metavar="WORKBOOK", help="filled workbooks, or folders of them"
    )
    apply.add_argument("--out", required=True, metavar="DIR", help="folder for the results")
    apply.add_argument(
        "--format",
        choices=("csv", "xlsx", "parquet"),
        default="csv",
        help="format of the result files (default csv)",
    )
    apply.add_argument(
        "--register",
        dest="register_file",
        default=None,
        metavar="REGISTER",
        help="the register the review was made from: full NIKs for masked workbooks (checked), "
        "and needed by --update-model",
    )
    apply.add_argument(
        "--list", dest="list_file", default=None, metavar="LIST", help="the list, for a link"
    )
    apply.add_argument(
        "--model", default=None, metavar="MODEL.json", help="the model to update from the labels"
    )
    apply.add_argument(
        "--update-model",
        default=None,
        metavar="OUT.json",
        help="write the model updated with the confirmed pairs (needs --model and --register)",
    )
    _add_map(apply)
    _add_register_map(apply)
    _add_reading_options(apply)

    report = _sub(
        sub,
        "report",
        "write the HTML report (one self-contained file that opens offline)",
        "Deduplicate a register (and link a belum-rekam list) and write one HTML file: the "
        "distribution of match weights, example pairs, duplicates per kecamatan, NIK problems, "
        "KTP-el recording coverage and the model's parameters.",
        _lazy("cmd_report"),
    )
    report.add_argument("file", metavar="REGISTER", help="register (.csv, .xlsx or .parquet)")
    report.add_argument(
        "-o", "--output", required=True, metavar="REPORT.html", help="the HTML file to write"
    )
    report.add_argument(
        "--list", dest="list_file", default=None, metavar="LIST", help="a belum-rekam list"
    )
    report.add_argument(
        "--wajib-ktp",
        type=_non_negative_int,
        default=None,
        metavar="N",
        help="residents who must hold a KTP-el (default: register records aged 17 or more)",
    )
    report.add_argument(
        "--belum-rekam",
        type=_non_negative_int,
        default=None,
        metavar="N",
        help="residents who have not recorded their KTP-el (default: the rows of --list)",
    )
    report.add_argument(
        "--threshold",
        type=_probability,
        default=DEFAULT_THRESHOLD,
        metavar="P",
        help=f"match probability threshold (default {DEFAULT_THRESHOLD})",
    )
    report.add_argument("--model", default=None, metavar="MODEL.json", help="use a saved model")
    _add_map(report)
    _add_reference_date(report)
    _add_reading_options(report)
    return parser


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoding", default="utf-8-sig", help="CSV text encoding (default utf-8; e.g. cp1252)"
    )
    parser.add_argument(
        "--sep", default=None, help="CSV field separator (default: detect , ; tab |)"
    )


def _add_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        action="append",
        type=_mapping,
        default=[],
        metavar="CANONICAL=HEADER",
        help="name a column whose header is not detected, e.g. nama=NAMA_PENDUDUK (repeatable)",
    )


def _add_register_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--register-map",
        action="append",
        type=_mapping,
        default=[],
        metavar="CANONICAL=HEADER",
        help="as --map, for the register of a link (repeatable)",
    )


def _add_reference_date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reference-date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date for age checks (default today)",
    )


def _add_job_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", required=True, help="output file (.csv, .xlsx or .parquet)"
    )
    parser.add_argument(
        "--pairs",
        default=None,
        metavar="PAIRS.csv",
        help="also write the matching pairs with their probability (input of `nikmatch review`)",
    )
    parser.add_argument(
        "--threshold",
        type=_probability,
        default=DEFAULT_THRESHOLD,
        metavar="P",
        help=f"match probability threshold (default {DEFAULT_THRESHOLD})",
    )
    _add_map(parser)
    parser.add_argument(
        "--model",
        default=None,
        metavar="MODEL.json",
        help="use a saved model instead of training one",
    )
    _add_reference_date(parser)
    _add_reading_options(parser)


# ------------------------------------------------------------------------------ entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nikmatch`` command with ``argv`` (default ``sys.argv[1:]``); return the exit
    status (:data:`EXIT_CODES`): errors are one line each on stderr, never a traceback.

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
    STATE.quiet = bool(getattr(args, "quiet", False))
    STATE.steps = Steps(enabled=not STATE.quiet)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return func(args)
    except KeyboardInterrupt:
        _fail("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `nikmatch demo | head`
        _quiet_stdout()
        return EXIT_OK
    except Exception as exc:  # readable lines, never a traceback
        if debug:
            raise
        from nikmatch.review_workbook import ReviewFileError

        if isinstance(exc, ReviewFileError):
            shown = exc.problems[:50]
            for problem in shown:
                _fail(problem)
            if len(exc.problems) > len(shown):
                _fail(f"... and {len(exc.problems) - len(shown)} more problems")
            return EXIT_INPUT
        code, message = _describe(exc)
        _fail(message)
        return code
    finally:
        STATE.quiet = False
        STATE.steps = Steps(enabled=False)


def _describe(exc: BaseException) -> tuple[int, str]:
    """The exit status and the one-line message of an error."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT, str(exc)
    if isinstance(exc, MissingOptionalDependency):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, InputFileError):
        return EXIT_INPUT, str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return EXIT_INPUT, (
            f"cannot decode the file as {exc.encoding} (byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}); pass --encoding, e.g. --encoding cp1252"
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return EXIT_INPUT, f"cannot access{where}: {reason}"
    if isinstance(exc, (NikmatchError, ValueError, ImportError, pd.errors.ParserError)):
        return EXIT_INPUT, f"{type(exc).__name__}: {mask_text(str(exc))}"
    return EXIT_BUG, (
        f"unexpected {type(exc).__name__}: {mask_text(str(exc))} -- this is a bug in nikmatch, "
        "please report it (NIKMATCH_TRACEBACK=1 shows where)"
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
    print(f"{PROG}: warning: {_one_line(mask_text(str(message)))}", file=sys.stderr)


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
    """Print to the terminal with every NIK/KK-like digit run masked (nothing with --quiet)."""
    if not STATE.quiet:
        print(_printable(_mask_runs(text)), flush=True)


# ------------------------------------------------------------------------------ files


def _fold(header: object) -> str:
    return _FOLD.sub("_", str(header).strip().lower()).strip("_")


def _input_path(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise InputFileError(f"file not found: {name}")
    if path.is_dir():
        raise InputFileError(f"{name} is a directory, not a file")
    return path


def read_table(
    name: str, *, encoding: str = "utf-8-sig", sep: str | None = None, header: bool = True
) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file with every column as text, empty cells as ``""``
    (:func:`nikmatch.tables.read_table`), with a progress line.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "a.csv"
    ...     _ = path.write_text("nik;nama\\n0012;SITI\\n\\n")
    ...     frame = read_table(str(path))
    >>> frame.to_dict("list"), list(frame.index)
    ({'nik': ['0012', ''], 'nama': ['SITI', '']}, [1, 2])
    """
    path = _input_path(name)
    with STATE.steps.step(f"reading {path.name}"):
        return _read_table(path, encoding=encoding, sep=sep, header=header)


def _output_path(name: str, *, inputs: Sequence[str] = (), suffixes: Sequence[str] = ()) -> Path:
    """Check an output path before any work is done: known suffix, existing folder, and not
    one of the input files (the office's data is never overwritten)."""
    path = Path(name)
    allowed = tuple(suffixes) or _OUTPUT_SUFFIXES
    if path.suffix.lower() not in allowed:
        raise UsageError(f"output {name} must end in {' or '.join(allowed)}")
    if not path.parent.exists():
        raise UsageError(f"folder of the output {name} does not exist")
    if path.is_dir():
        raise UsageError(f"output {name} is a directory")
    for other in inputs:
        if Path(other).exists() and path.exists() and path.resolve() == Path(other).resolve():
            raise UsageError(f"output {name} is also an input file: choose another name")
    return path


def _write(frame: pd.DataFrame, path: Path, *, what: str = "rows") -> None:
    """Write a table (format from the suffix) with a progress bar; exit status 3 on failure."""
    try:
        with STATE.steps.step(f"writing {path.name}", total=len(frame)) as advance:
            write_table(frame, path, progress=advance)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


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
        raise InputFileError(
            f"no NIK column in {source}: expected one of {', '.join(HEADER_ALIASES['nik'])} "
            f"(columns are: {', '.join(map(str, frame.columns[:20]))}); name it with --column"
        )
    with STATE.steps.step(f"checking {len(frame):,} NIKs"):
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
        raise InputFileError(
            f"cannot load the model {name}: {type(exc).__name__}: {mask_text(str(exc))}"
        ) from None


def check_identifiers(frame: pd.DataFrame, columns: dict[str, str] | None, source: str) -> None:
    """Refuse a file whose NIK column holds values but not one usable NIK: the wrong column
    was taken for the NIK (or the file is damaged beyond what cleaning repairs).

    >>> bad = pd.DataFrame({"nik": ["abc", "12", ""], "nama": ["A", "B", "C"]})
    >>> check_identifiers(bad, None, "x.csv")
    Traceback (most recent call last):
    ...
    nikmatch.tables.InputFileError: x.csv: none of the 2 values in column 'nik' is a usable NIK ...
    """
    try:
        mapping = resolve_columns(frame, columns, require_name=False)
    except NikmatchError:
        return  # the matcher says what is missing
    column = mapping.get("nik")
    if not isinstance(column, str) or column not in frame.columns:
        return
    values = frame[column].astype(str).str.strip()
    filled = values[values != ""]
    if not len(filled):
        return
    cleaned = check_niks(filled.reset_index(drop=True))["nik"].astype(str)
    if (cleaned.str.len() == 16).any():
        return
    example = mask_text(repr(str(filled.iloc[0])[:20]))
    raise InputFileError(
        f"{source}: none of the {len(filled):,} values in column {column!r} is a usable NIK "
        f"(first: {example}); is it the NIK column? name the right one with --map nik=HEADER"
    )


def _save_model(model: Model, path: Path) -> None:
    try:
        model.save(path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    _say(f"saved the model to {path}")


def _cmd_train(args: argparse.Namespace) -> int:
    output = _output_path(args.output, inputs=[args.file], suffixes=(".json",))
    frame = read_table(args.file, encoding=args.encoding, sep=args.sep)
    columns = dict(args.map) or None
    check_identifiers(frame, columns, args.file)
    started = time.perf_counter()
    try:
        with STATE.steps.step(f"training on {len(frame):,} records"):
            result = find_duplicates(
                frame, columns=columns, seed=args.seed, reference_date=args.reference_date
            )
    except SchemaError as exc:
        raise _schema_hint(exc) from None
    _say(f"{args.file}: trained on {len(frame):,} records ({time.perf_counter() - started:.1f} s)")
    _say(result.model.summary())
    _save_model(result.model, output)
    _say(f"reuse it: {PROG} dedupe FILE -o OUT.csv --model {output}")
    return EXIT_OK


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
        ["id_l", "id_r", "match_probability", "match_weight", "ambiguous", "sound_alike",
         "kept_apart"]
    ].reset_index(drop=True)
    out["stratum"] = pairs["stratum"].to_numpy(dtype=object)
    for side, frame, shown, ids in (
        ("l", left, shown_l, out["id_l"]),
        ("r", right, shown_r, out["id_r"]),
    ):
        for canon, column in shown.items():
            out[f"{canon}_{side}"] = frame[column].reindex(ids.to_numpy()).to_numpy(dtype=object)
    from nikmatch.review import comparison_contributions

    _, parts = comparison_contributions(result, pairs)
    for comparison in result.model.comparisons:
        gamma = f"gamma_{comparison.name}"
        if gamma in pairs.columns:
            labels = np.asarray(comparison.level_labels, dtype=object)
            levels = pairs[gamma].to_numpy(dtype=np.int64)
            out[f"level_{comparison.name}"] = labels[np.clip(levels, 0, len(labels) - 1)]
    for j, comparison in enumerate(result.model.comparisons):
        if f"gamma_{comparison.name}" in pairs.columns:
            out[f"weight_{comparison.name}"] = np.round(parts[:, j], 4)
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


def _schema_hint(exc: NikmatchError) -> InputFileError:
    return InputFileError(
        f"{type(exc).__name__}: {exc} -- on the command line: --map nama=YOUR_HEADER (repeatable)"
    )


def _cmd_dedupe(args: argparse.Namespace) -> int:
    output = _output_path(args.output, inputs=[args.file])
    pairs_out = _output_path(args.pairs, inputs=[args.file]) if args.pairs else None
    if args.save_model and not Path(args.save_model).parent.exists():
        raise UsageError(f"folder of {args.save_model} does not exist")
    frame = read_table(args.file, encoding=args.encoding, sep=args.sep)
    columns = dict(args.map) or None
    check_identifiers(frame, columns, args.file)
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
        with STATE.steps.step(f"finding duplicates among {len(frame):,} records"):
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
        _save_model(result.model, Path(args.save_model))
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
    check_identifiers(list_frame, columns, args.list_file)
    check_identifiers(register, register_columns, args.register_file)
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
        with STATE.steps.step(
            f"linking {len(list_frame):,} list records to {len(register):,} register records"
        ):
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
