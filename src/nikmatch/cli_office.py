"""The office commands of ``nikmatch``: ``review``, ``apply-review``, ``report`` and ``demo``.

Imported by :mod:`nikmatch.cli` when one of them runs (see there for the rules every command
follows: text input, formula-safe output, masked terminal output, exit status).

>>> from nikmatch.cli import main
>>> main(["apply-review", "--help"])  # doctest: +ELLIPSIS
usage: nikmatch apply-review ...
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nikmatch.cli import (
    EXIT_OK,
    PROG,
    STATE,
    OutputError,
    UsageError,
    _append_columns,
    _check_report,
    _input_path,
    _link_table,
    _load_model,
    _output_path,
    _pairs_table,
    _plain,
    _save_model,
    _say,
    _schema_hint,
    _shown_columns,
    _write,
    check_identifiers,
    read_table,
)
from nikmatch.errors import SchemaError
from nikmatch.evaluate import hard_negative_merges, pairwise_metrics
from nikmatch.export import MissingOptionalDependency
from nikmatch.linker import DedupeResult, LinkResult, find_duplicates, link
from nikmatch.privacy import mask_text
from nikmatch.review import (
    DECISIONS,
    apply_review,
    read_review_workbooks,
    review_table_from_files,
    update_model,
    write_review_workbooks,
)

__all__ = ["cmd_apply_review", "cmd_demo", "cmd_report", "cmd_review"]

#: Bandar Lampung's KTP-el figures the demo scales its belum-rekam list by.
DEMO_WAJIB_KTP = 777_871
DEMO_BELUM_REKAM = 16_000
#: The generated registers' reference date (ages, wajib KTP).
DEMO_REFERENCE_DATE = dt.date(2026, 1, 1)


def _out_dir(name: str) -> Path:
    folder = Path(name)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{name} exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {name}: {exc.strerror or exc}") from None
    return folder


def _maps(args: argparse.Namespace) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    return dict(args.map) or None, dict(getattr(args, "register_map", []) or []) or None


# ------------------------------------------------------------------------------ review


def cmd_review(args: argparse.Namespace) -> int:
    """``nikmatch review``: one workbook per kecamatan from the files of dedupe or link."""
    out_dir = _out_dir(args.out)
    register = read_table(args.register_file, encoding=args.encoding, sep=args.sep)
    pairs = read_table(args.pairs, encoding=args.encoding, sep=args.sep)
    listed = (
        read_table(args.list_file, encoding=args.encoding, sep=args.sep) if args.list_file else None
    )
    columns, register_columns = _maps(args)
    with STATE.steps.step(f"preparing {len(pairs):,} pairs for review"):
        if listed is None:
            table = review_table_from_files(pairs, register, columns=columns)
        else:
            table = review_table_from_files(
                pairs, listed, register, columns=columns, register_columns=register_columns
            )
    return _write_workbooks(table, out_dir, args.mask_nik)


def _write_workbooks(table: pd.DataFrame, out_dir: Path, mask: bool) -> int:
    n_books = int(table["kecamatan"].nunique())
    written: list[Path] = []
    with STATE.steps.step("writing review workbooks", total=n_books) as advance:

        def done(path: Path) -> None:
            written.append(path)
            advance(len(written))

        try:
            write_review_workbooks(table, None, out_dir, mask_nik=mask, progress=done)
        except OSError as exc:
            raise OutputError(f"cannot write into {out_dir}: {exc.strerror or exc}") from None
    counts = table.groupby("kecamatan").size()
    _say(
        f"wrote {len(written)} review workbook(s), {len(table):,} pairs, to {out_dir}"
        + (" (NIK and KK numbers masked)" if mask else "")
    )
    for path, (kecamatan, n) in zip(written, counts.items(), strict=True):
        _say(f"  {path.name:<44} {n:>6,} pairs  {kecamatan}")
    _say(
        f"officers fill in keputusan ({' / '.join(DECISIONS)}), dipertahankan, petugas and "
        f"tanggal_cek; then: {PROG} apply-review {out_dir} --out DIR"
    )
    return EXIT_OK


# ------------------------------------------------------------------------------ apply-review


def _workbook_paths(names: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.xlsx") if not p.name.startswith("~$"))
            if not found:
                raise UsageError(f"no .xlsx workbook in the folder {name}")
            paths.extend(found)
        else:
            paths.append(_input_path(name))
    return paths


def cmd_apply_review(args: argparse.Namespace) -> int:
    """``nikmatch apply-review``: validate filled workbooks, write the confirmed list."""
    if args.update_model and not (args.model and args.register_file):
        raise UsageError("--update-model needs --model (the model to update) and --register")
    suffix = f".{args.format}"
    update_out = _output_path(args.update_model, suffixes=(".json",)) if args.update_model else None
    paths = _workbook_paths(args.workbooks)
    with STATE.steps.step(f"reading {len(paths)} workbook(s)"):
        decisions = read_review_workbooks(paths)
    mode = str(decisions["mode"].iloc[0]) if len(decisions) else "dedupe"
    if mode == "link" and args.register_file and not args.list_file:
        raise UsageError("these workbooks review a link: give --list with --register")
    register = (
        read_table(args.register_file, encoding=args.encoding, sep=args.sep)
        if args.register_file
        else None
    )
    listed = (
        read_table(args.list_file, encoding=args.encoding, sep=args.sep) if args.list_file else None
    )
    left, right = (listed, register) if mode == "link" else (register, None)
    outcome = apply_review(decisions, left, right)
    out_dir = _out_dir(args.out)
    for name, frame in (
        ("confirmed", outcome.confirmed),
        ("decisions", outcome.decided),
        ("open", outcome.open),
        ("accuracy", outcome.accuracy),
    ):
        _write(frame, out_dir / f"{name}{suffix}")
    counts = outcome.decided["decision"].value_counts()
    detail = ", ".join(f"{d} {int(counts.get(d, 0)):,}" for d in DECISIONS[:-1])
    _say(
        f"{len(paths)} workbook(s), {len(decisions):,} pairs: {len(outcome.decided):,} decided "
        f"({detail}), {len(outcome.open):,} still open"
    )
    _say(
        f"wrote {out_dir / ('confirmed' + suffix)} ({len(outcome.confirmed):,} confirmed: which "
        f"NIK stays, which record to retire), decisions{suffix}, open{suffix}, accuracy{suffix}"
    )
    if bool(decisions["masked"].any()) and register is None:
        _say("the workbooks were masked: give --register for the full NIKs in the confirmed list")
    conflicts = int((outcome.confirmed["conflict"] != "").sum())
    if conflicts:
        _say(f"{conflicts} confirmed pair(s) conflict (column conflict): check them")
    _say(
        "accuracy of the proposals among decided pairs (precision = share found to be one person):"
    )
    for row in outcome.accuracy.itertuples(index=False):
        value = float(str(row.precision))
        precision = "-" if np.isnan(value) else f"{value:.3f}"
        _say(
            f"  {row.band:<22} proposed {row.proposed:>6,}  decided {row.decided:>6,}  "
            f"same {row.same_person:>6,}  different {row.different:>5,}  precision {precision}"
        )
    if update_out is not None and register is not None:
        model = _load_model(args.model)
        if model is None:  # pragma: no cover - checked with the options above
            raise UsageError("--update-model needs --model")
        columns, register_columns = _maps(args)
        with STATE.steps.step("updating the model from the confirmed pairs"):
            if mode == "link" and listed is not None:
                updated = update_model(
                    model,
                    outcome,
                    listed,
                    register,
                    columns=columns,
                    register_columns=register_columns,
                )
            else:
                updated = update_model(model, outcome, register, columns=columns)
        _save_model(updated, update_out)
        _say(f"  from {int(outcome.labels()['is_match'].sum()):,} confirmed pairs")
    return EXIT_OK


# ------------------------------------------------------------------------------ report


def cmd_report(args: argparse.Namespace) -> int:
    """``nikmatch report``: deduplicate (and link) and write the HTML report."""
    from nikmatch.report import Coverage, ReportError, wajib_ktp_count, write_report

    inputs = [args.file] + ([args.list_file] if args.list_file else [])
    output = _output_path(args.output, inputs=inputs, suffixes=(".html",))
    register = read_table(args.file, encoding=args.encoding, sep=args.sep)
    listed = (
        read_table(args.list_file, encoding=args.encoding, sep=args.sep) if args.list_file else None
    )
    columns, _ = _maps(args)
    check_identifiers(register, columns, args.file)
    model = _load_model(args.model)
    try:
        with STATE.steps.step(f"finding duplicates among {len(register):,} records"):
            result = find_duplicates(
                register,
                columns=columns,
                model=model,
                threshold=args.threshold,
                reference_date=args.reference_date,
            )
        link_result = None
        if listed is not None:
            with STATE.steps.step(f"linking {len(listed):,} list records"):
                link_result = link(
                    listed,
                    register,
                    register_columns=columns,
                    model=result.model,
                    threshold=args.threshold,
                    reference_date=args.reference_date,
                )
    except SchemaError as exc:
        raise _schema_hint(exc) from None
    belum = (
        args.belum_rekam
        if args.belum_rekam is not None
        else (len(listed) if listed is not None else None)
    )
    coverage = None
    if belum is not None:
        try:
            wajib = (
                args.wajib_ktp
                if args.wajib_ktp is not None
                else wajib_ktp_count(register, columns=columns, reference_date=args.reference_date)
            )
            coverage = Coverage(wajib_ktp=wajib, belum_rekam=belum)
        except (ValueError, ReportError) as exc:
            raise UsageError(f"KTP-el coverage: {mask_text(str(exc))}") from None
    with STATE.steps.step("writing the report"):
        try:
            write_report(
                output,
                result,
                register,
                columns=columns,
                coverage=coverage,
                link_result=link_result,
                source=f"Register {Path(args.file).name}.",
            )
        except OSError as exc:
            raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    _say(f"{args.file}: {result.summary()}")
    if coverage is None:
        _say("no KTP-el coverage section: give --belum-rekam N (and --wajib-ktp N) or --list")
    _say(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB; opens offline in a browser)")
    return EXIT_OK


# ------------------------------------------------------------------------------ demo


def _metrics_line(m: Any) -> str:
    return (
        f"precision {m.precision:.3f}, recall {m.recall:.3f}, F1 {m.f1:.3f} "
        f"(tp {m.tp}, fp {m.fp}, fn {m.fn})"
    )


def _demo_data(
    size: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """The register (rows labelled 1..n as in its file), its truth, the belum-rekam list and
    its truth (labelled likewise), and the wajib-KTP count."""
    from nikmatch.report import wajib_ktp_count
    from nikmatch.synth import generate_population, generate_unrecorded_list

    register, truth = generate_population(
        size, seed=seed, region="1871", as_strings=True, reference_date=DEMO_REFERENCE_DATE
    )
    register = register.astype(object).where(register.notna(), "")
    labels = pd.RangeIndex(1, len(register) + 1, name="row")
    register.index = labels
    truth.index = labels
    wajib = wajib_ktp_count(register, reference_date=DEMO_REFERENCE_DATE)
    n_list = max(10, round(wajib * DEMO_BELUM_REKAM / DEMO_WAJIB_KTP))
    listed, list_truth = generate_unrecorded_list(
        register, truth, n=n_list, seed=seed, reference_date=DEMO_REFERENCE_DATE
    )
    list_labels = pd.RangeIndex(1, len(listed) + 1, name="row")
    listed.index = list_labels
    list_truth.index = list_labels
    return register, truth, listed, list_truth, wajib


def _demo_dedupe(
    register: pd.DataFrame, truth: pd.DataFrame, out: Path
) -> tuple[DedupeResult, pd.DataFrame]:
    from nikmatch.synth import hard_negative_pairs, true_pairs

    started = time.perf_counter()
    with STATE.steps.step(f"finding duplicates among {len(register):,} records"):
        result = find_duplicates(register, reference_date=DEMO_REFERENCE_DATE)
    elapsed = time.perf_counter() - started
    pairs = true_pairs(truth)
    _say(f"2. Deduplication ({elapsed:.1f} s): {result.summary()}")
    _say(
        f"   against the truth ({len(pairs):,} pairs of records of one person): "
        f"{_metrics_line(pairwise_metrics(result.matches, pairs))}"
    )
    hard = hard_negative_pairs(truth)
    merged = hard_negative_merges(result.matches, hard)
    detail = ", ".join(f"{kind} {k}" for kind, k in merged.items())
    _say(
        f"   hard negatives (twins, father and son, common names: different people who look "
        f"alike): {len(hard):,} pairs, {sum(merged.values())} merged ({detail})"
    )
    clusters = result.clusters[
        ["cluster_id", "cluster_size", "survivor", "recommendation", "flags"]
    ]
    _write(_append_columns(register, clusters), out / "clusters.csv")
    shown = _shown_columns(register)
    table = _pairs_table(result, register, shown, register, shown)
    _write(table, out / "pairs.csv")
    _save_model(result.model, out / "model.json")
    top = result.matches.head(1)
    for row in top.itertuples(index=False):
        _say("   the strongest pair, comparison by comparison (weights in bits):")
        _say(str(result.explain(_plain(row.id_l), _plain(row.id_r))))
    return result, table


def _demo_link(
    register: pd.DataFrame,
    truth: pd.DataFrame,
    listed: pd.DataFrame,
    list_truth: pd.DataFrame,
    result: DedupeResult,
    out: Path,
) -> LinkResult:
    from nikmatch.synth import true_links

    started = time.perf_counter()
    with STATE.steps.step(f"linking {len(listed):,} belum-rekam records to the register"):
        linked = link(listed, register, model=result.model, reference_date=DEMO_REFERENCE_DATE)
    elapsed = time.perf_counter() - started
    links = true_links(list_truth, truth)
    found = int((linked.clusters["n_matches"] > 0).sum())
    own = list_truth["own_record_id"]
    other = links[links["id_r"].to_numpy() != own.reindex(links["id_l"]).to_numpy()]
    hit = linked.matches[["id_l", "id_r"]].astype(np.int64).merge(other, on=["id_l", "id_r"])
    holders = int(list_truth["has_other_nik"].sum())
    _say(
        f"3. Belum rekam ({elapsed:.1f} s): {len(listed):,} residents without KTP-el recording; "
        f"{found:,} found in the register; of {holders:,} holding another NIK, "
        f"{hit['id_l'].nunique():,} found with their other record"
    )
    _say(
        f"   pairs against the truth: "
        f"{_metrics_line(pairwise_metrics(linked.matches, links, link=True))}"
    )
    shown = _shown_columns(register)
    _write(_append_columns(listed, _link_table(linked, listed, register, shown)), out / "links.csv")
    shown_l = _shown_columns(listed)
    _write(_pairs_table(linked, listed, shown_l, register, shown), out / "link_pairs.csv")
    return linked


def cmd_demo(args: argparse.Namespace) -> int:
    """``nikmatch demo``: the whole workflow on generated data, written to ``--out``."""
    from nikmatch.report import Coverage, write_report

    if args.size < 200:
        raise UsageError(f"--size must be at least 200, got {args.size}")
    out = _out_dir(args.out)
    started = time.perf_counter()
    with STATE.steps.step(f"generating a register of {args.size:,} records"):
        register, truth, listed, list_truth, wajib = _demo_data(args.size, args.seed)
    n_people = truth["person_id"].nunique()
    _say(
        f"nikmatch demo: a generated register of {len(register):,} records like Bandar Lampung's "
        f"(region 1871, seed {args.seed}), {n_people:,} people; {len(register) - n_people:,} "
        f"records are a second or third record of someone; {wajib:,} residents aged 17+ (wajib "
        f"KTP), {len(listed):,} of them on the belum-rekam list. Every value is generated."
    )
    _write(register, out / "register.csv")
    _write(listed, out / "belum_rekam.csv")
    with STATE.steps.step(f"checking {len(register):,} NIKs"):
        report = _check_report(register, "nik", DEMO_REFERENCE_DATE)
    problems = report[report["problems"] != ""]
    _write(_append_columns(register, report).loc[problems.index], out / "nik_problems.csv")
    _say(
        f"1. NIK check: {len(problems):,} of {len(register):,} records with a NIK problem "
        f"({int((report['severity'] == 'error').sum()):,} errors)"
    )
    result, _ = _demo_dedupe(register, truth, out)
    linked = _demo_link(register, truth, listed, list_truth, result, out)
    review_dir = out / "review"
    with STATE.steps.step("writing review workbooks"):
        books = write_review_workbooks(result, register, review_dir)
    _say(
        f"4. Review: {len(books)} workbooks, one per kecamatan, "
        f"{len(result.matches) + len(result.ambiguous):,} pairs"
    )
    coverage = Coverage(wajib_ktp=wajib, belum_rekam=len(listed))
    try:
        with STATE.steps.step("writing the HTML report"):
            report_path = write_report(
                out / "report.html",
                result,
                register,
                nik_report=report,
                coverage=coverage,
                link_result=linked,
                source=f"Generated register of {len(register):,} records (nikmatch demo).",
            )
        _say(
            f"5. Report: KTP-el coverage {coverage.share_recorded:.1%} ({coverage.recorded:,} of "
            f"{wajib:,}); {report_path.stat().st_size / 1e6:.1f} MB, opens offline"
        )
    except MissingOptionalDependency as exc:  # a plain install without the report extra
        _say(f"5. Report: not written: {exc}")
    _say()
    _say(f"done in {time.perf_counter() - started:.1f} s; everything is in {out}/:")
    for name, what in (
        ("report.html", "the report for the head of the office (open it in a browser)"),
        ("review/", "one workbook per kecamatan for the field officers"),
        ("register.csv, belum_rekam.csv", "the generated inputs"),
        ("nik_problems.csv", "records whose NIK has a problem"),
        ("clusters.csv, pairs.csv", "every record with its cluster; the proposed pairs"),
        ("links.csv, link_pairs.csv", "the belum-rekam list linked to the register"),
        ("model.json", "the trained model (reuse: --model)"),
    ):
        _say(f"  {name:<32} {what}")
    _say()
    _say(
        f"next: fill in keputusan, petugas and tanggal_cek in {review_dir}/*.xlsx, then "
        f"{PROG} apply-review {review_dir} --register {out / 'register.csv'} --out "
        f"{out / 'applied'}"
    )
    return EXIT_OK
