"""Field review: one workbook per kecamatan out, the officers' decisions back in.

nikmatch proposes; people confirm.  :func:`review_table` turns a result
(:class:`~nikmatch.linker.DedupeResult` or :class:`~nikmatch.linker.LinkResult`) and its input
frames into one row per proposed pair (the matches and the ambiguous pairs): both records side by
side, the probability, the reasons in Bahasa Indonesia and English, the recommended surviving NIK
and the notes on possible siblings or ambiguous matches.  :func:`write_review_workbooks` writes
one XLSX workbook per kecamatan for the field officers (see :mod:`nikmatch.review_workbook` for
the layout); :func:`read_review_workbooks` reads any subset of them back, validating every row;
:func:`apply_review` turns the decisions into the confirmed list, the pairs still open and the
accuracy of the proposals; :func:`update_model` makes the confirmed pairs labels for
:meth:`nikmatch.Model.update_from_labels`.  Nothing is ever deleted: the confirmed list says
which record a kecamatan should propose to retire.

>>> import tempfile, pathlib
>>> import nikmatch as nm
>>> from nikmatch.synth import small_population
>>> register, _ = small_population(seed=0)
>>> result = nm.find_duplicates(register)
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_review_workbooks(result, register, d)
...     decisions = read_review_workbooks(paths)
>>> len(decisions) == len(result.matches) + len(result.ambiguous)
True
>>> sorted(set(decisions["decision"]))
['belum dicek']
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nikmatch.explain import reasons_text
from nikmatch.linker import (
    AMBIGUOUS_NOTE,
    KEPT_APART,
    KEPT_APART_NOTE,
    POSSIBLE_SIBLINGS,
    SOUND_ALIKE_NOTE,
    DedupeResult,
    LinkResult,
)
from nikmatch.model import Model
from nikmatch.review_workbook import (
    BANDS,
    DECISIONS,
    NO_KECAMATAN,
    ReviewFileError,
    parse_decision,
    parse_review_date,
    read_workbook,
    workbook_name,
    write_workbook,
)
from nikmatch.schema import resolve_columns

__all__ = [
    "BANDS",
    "DECISIONS",
    "MATCH_DECISIONS",
    "ReviewFileError",
    "ReviewOutcome",
    "apply_review",
    "comparison_contributions",
    "parse_decision",
    "parse_review_date",
    "read_review_workbooks",
    "review_table",
    "review_table_from_files",
    "update_model",
    "write_review_workbooks",
]

#: Decisions that say the two records are one person (labels ``True``).
MATCH_DECISIONS: tuple[str, ...] = ("sama orang", "pindah")
#: Decisions that say they are two people (labels ``False``).
NON_MATCH_DECISIONS: tuple[str, ...] = ("beda orang",)

#: Canonical columns shown for each record, in this order (those present in the data).
SHOWN_FIELDS: tuple[str, ...] = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "nama_ibu",
    "nama_ayah",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
)

#: The note of an ambiguous pair flagged because its names sound alike on one KK and date.
_SOUND_ALIKE_ID = (
    "Nama terdengar sama (mis. nayla / naila), satu KK, tanggal lahir sama: bisa kembar, bisa "
    "satu orang tercatat dua kali; periksa KK"
)

#: The note of a pair above the threshold that clustering kept in two clusters.
_KEPT_APART_ID = (
    "Tidak digabung: salah satu catatan lebih kuat cocok dengan catatan lain yang oleh model "
    "dianggap orang berbeda (mis. kembar); periksa keduanya"
)

_NOTES = (
    (
        AMBIGUOUS_NOTE,
        "AMBIGU: salah satu catatan sama kuatnya cocok dengan catatan lain yang oleh model "
        "dianggap orang berbeda (mis. kembar); petugas yang memutuskan",
        "AMBIGUOUS: " + AMBIGUOUS_NOTE,
    ),
    (
        POSSIBLE_SIBLINGS,
        "Mungkin saudara kandung: satu KK, nama beda satu kata, tanggal lahir beda; periksa KK",
        "Possible siblings: " + POSSIBLE_SIBLINGS,
    ),
    (
        KEPT_APART,
        "Juga cocok dengan catatan di klaster lain (mis. kembar); periksa keduanya",
        "Kept apart: " + KEPT_APART,
    ),
)


# ------------------------------------------------------------------------------ review table


@dataclass(frozen=True)
class _Parts:
    """Per comparison: the name, each pair's level label and contribution (bits, or NaN)."""

    name: str
    labels: np.ndarray[Any, np.dtype[np.object_]]
    weights: np.ndarray[Any, np.dtype[np.float64]]


def _text(value: object) -> str:
    from nikmatch.tables import cell_text

    return cell_text(value).strip()


def _field_columns(frame: pd.DataFrame, columns: dict[str, str] | None) -> dict[str, str]:
    try:
        mapping = resolve_columns(frame, columns, require_name=False)
    except Exception:  # no canonical column at all: show nothing rather than fail
        return {}
    return {c: s for c, s in mapping.items() if c in SHOWN_FIELDS and isinstance(s, str)}


def _values(frame: pd.DataFrame, column: str | None, ids: Sequence[Any]) -> list[str]:
    if column is None:
        return [""] * len(ids)
    series = frame[column]
    if pd.api.types.is_datetime64_any_dtype(series):
        shown = series.dt.strftime("%Y-%m-%d")
        return [_text(v) for v in shown.reindex(list(ids)).tolist()]
    return [_text(v) for v in series.reindex(list(ids)).tolist()]


def _note_texts(
    recommendations: Iterable[str], ambiguous: bool, alike: bool = False, apart: bool = False
) -> tuple[str, str]:
    found_id: list[str] = []
    found_en: list[str] = []
    if alike:  # ambiguous because the names sound alike, not for an equal match elsewhere
        found_id.append(_SOUND_ALIKE_ID)
        found_en.append("Sound-alike names: " + SOUND_ALIKE_NOTE)
        ambiguous = False
    elif apart:  # held out of the matches: a stronger match elsewhere is another person
        found_id.append(_KEPT_APART_ID)
        found_en.append("Kept apart: " + KEPT_APART_NOTE)
        ambiguous = False
    text = " ".join(recommendations).lower()
    for note, in_id, in_en in _NOTES:
        hit = (note is AMBIGUOUS_NOTE and ambiguous) or (
            note is not AMBIGUOUS_NOTE and note[1:60].lower() in text
        )
        if hit and in_id not in found_id:
            found_id.append(in_id)
            found_en.append(in_en)
    return "; ".join(found_id), "; ".join(found_en)


def _assemble(
    pairs: pd.DataFrame,
    parts: Sequence[_Parts],
    left: pd.DataFrame,
    right: pd.DataFrame,
    mode: str,
    fields_l: dict[str, str],
    fields_r: dict[str, str],
    clusters: pd.DataFrame | None,
) -> pd.DataFrame:
    ids_l = pairs["id_l"].tolist()
    ids_r = pairs["id_r"].tolist()
    n = len(pairs)
    out: dict[str, Any] = {
        "pair_id": [f"{mode[0].upper()}{k + 1:06d}" for k in range(n)],
        "mode": [mode] * n,
        "id_a": [_text(v) for v in ids_l],
        "id_b": [_text(v) for v in ids_r],
        "probability": pairs["match_probability"].to_numpy(dtype=np.float64),
        "weight": pairs["match_weight"].to_numpy(dtype=np.float64),
        "ambiguous": pairs["ambiguous"].to_numpy(dtype=bool)
        if "ambiguous" in pairs.columns
        else np.zeros(n, dtype=bool),
    }
    alike, apart = (
        pairs[c].astype(str).str.lower().isin(["true", "1"]).to_numpy()
        if c in pairs.columns
        else np.zeros(n, dtype=bool)
        for c in ("sound_alike", "kept_apart")
    )
    shown = [f for f in SHOWN_FIELDS if f in fields_l or f in fields_r]
    for field in shown:
        out[f"{field}_a"] = _values(left, fields_l.get(field), ids_l)
        out[f"{field}_b"] = _values(right, fields_r.get(field), ids_r)
    reasons_id: list[str] = []
    reasons_en: list[str] = []
    for i in range(n):
        row = [(p.name, str(p.labels[i]), float(p.weights[i])) for p in parts]
        reasons_id.append(reasons_text(row, "id"))
        reasons_en.append(reasons_text(row, "en"))
    out["reasons_id"] = reasons_id
    out["reasons_en"] = reasons_en
    cluster_ids: list[str] = [""] * n
    side = ["B" if mode == "link" else "A"] * n
    survivor_nik = list(out["nik_b"] if mode == "link" and "nik_b" in out else [""] * n)
    kecamatan = list(out.get("kecamatan_b" if mode == "link" else "kecamatan_a", [""] * n))
    notes = [
        _note_texts([], bool(a), bool(alike[i]), bool(apart[i]))
        for i, a in enumerate(out["ambiguous"])
    ]
    if clusters is not None and mode == "dedupe" and len(clusters):
        cid = clusters["cluster_id"].reindex(ids_l).tolist()
        cluster_ids = [_text(v) for v in cid]
        if "survivor" in clusters.columns:
            surv = clusters["survivor"].astype(str).str.lower().isin(["true", "1"])
            survivors = clusters.index[surv.to_numpy()]
            by_cluster = dict(
                zip(
                    [_text(v) for v in clusters.loc[survivors, "cluster_id"].tolist()],
                    list(survivors),
                    strict=True,
                )
            )
            nik_col = fields_l.get("nik")
            kec_col = fields_l.get("kecamatan")
            for i in range(n):
                keep = by_cluster.get(cluster_ids[i])
                if keep is None:
                    continue
                if _text(keep) == out["id_b"][i]:
                    side[i] = "B"
                if nik_col is not None:
                    survivor_nik[i] = _text(left.at[keep, nik_col])
                if kec_col is not None:
                    kecamatan[i] = _text(left.at[keep, kec_col]) or kecamatan[i]
        if "recommendation" in clusters.columns:
            rec = clusters["recommendation"].astype(str)
            rec_l = rec.reindex(ids_l).fillna("").tolist()
            rec_r = rec.reindex(ids_r).fillna("").tolist()
            notes = [
                _note_texts(
                    [rec_l[i], rec_r[i]], bool(out["ambiguous"][i]), bool(alike[i]), bool(apart[i])
                )
                for i in range(n)
            ]
    if not any(survivor_nik) and "nik_a" in out:
        survivor_nik = [out["nik_a"][i] if side[i] == "A" else out["nik_b"][i] for i in range(n)]
    out["cluster_id"] = cluster_ids
    out["recommended_side"] = side
    out["recommended_nik"] = survivor_nik
    out["notes_id"] = [t[0] for t in notes]
    out["notes_en"] = [t[1] for t in notes]
    out["kecamatan"] = [k or NO_KECAMATAN for k in kecamatan]
    table: pd.DataFrame = pd.DataFrame(out)
    return table


def _proposed(result: DedupeResult | LinkResult) -> pd.DataFrame:
    pairs = pd.concat([result.matches, result.ambiguous])
    order = ["match_weight", "row_l", "row_r"]
    out: pd.DataFrame = pairs.sort_values(
        order, ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    return out


def comparison_contributions(
    result: DedupeResult | LinkResult, pairs: pd.DataFrame
) -> tuple[np.ndarray[Any, np.dtype[np.int8]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Levels and contributions (bits, with term-frequency adjustments) of each comparison for
    rows of ``result.pairs``: what :meth:`~nikmatch.linker.DedupeResult.explain` shows, for
    many pairs at once (``NaN`` for a comparison without a ``gamma_`` column).

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=0)
    >>> result = nm.find_duplicates(register)
    >>> top = result.matches.head(1)
    >>> _, parts = comparison_contributions(result, top)
    >>> explained = result.explain(top["id_l"].iloc[0], top["id_r"].iloc[0])
    >>> bool(abs(parts.sum() + result.model.prior_weight - explained.match_weight) < 1e-9)
    True
    """
    comparisons = result.model.comparisons
    levels = np.zeros((len(pairs), len(comparisons)), dtype=np.int8)
    for j, comp in enumerate(comparisons):
        if f"gamma_{comp.name}" in pairs.columns:
            levels[:, j] = pairs[f"gamma_{comp.name}"].to_numpy(dtype=np.int8)
    contributions = result.contributions(pairs).to_numpy(dtype=np.float64)
    return levels, contributions


def review_table(
    result: DedupeResult | LinkResult,
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    columns: dict[str, str] | None = None,
    register_columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per proposed pair of ``result`` (matches, then ambiguous pairs; strongest first).

    ``left`` is the frame deduplicated (or the list linked), ``right`` the register linked to
    (``None`` for a deduplication).  Columns: ``pair_id`` (``D000001`` ... for a
    deduplication, ``L000001`` ... for a link), ``mode``, ``id_a``/``id_b`` (index labels as
    text), ``probability``, ``weight``, ``ambiguous``, ``<field>_a``/``<field>_b`` for the
    canonical fields present (see :data:`SHOWN_FIELDS`), ``reasons_id``/``reasons_en``,
    ``cluster_id``, ``recommended_side`` (``A`` or ``B``: whose NIK to keep; for a link the
    register record ``B``), ``recommended_nik``, ``notes_id``/``notes_en`` (ambiguous pair,
    possible siblings, a match kept in another cluster) and ``kecamatan`` (the workbook the pair
    goes to: the recommended survivor's kecamatan; a link's register record's).

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=0)
    >>> table = review_table(nm.find_duplicates(register), register)
    >>> table[["pair_id", "recommended_side"]].iloc[0].tolist()
    ['D000001', 'A']
    >>> table["reasons_id"].iloc[0].split(";")[0]  # doctest: +ELLIPSIS
    'tanggal lahir: sama persis (+...)'
    """
    mode = "link" if isinstance(result, LinkResult) else "dedupe"
    if mode == "link" and right is None:
        raise ValueError("review_table: a link result needs the register frame as `right`")
    other = left if right is None else right
    pairs = _proposed(result)
    levels, contributions = comparison_contributions(result, pairs)
    parts = [
        _Parts(
            c.name,
            np.asarray(c.level_labels, dtype=object)[levels[:, j]],
            contributions[:, j],
        )
        for j, c in enumerate(result.model.comparisons)
    ]
    clusters = result.clusters if mode == "dedupe" else None
    return _assemble(
        pairs,
        parts,
        left,
        other,
        mode,
        _field_columns(left, columns),
        _field_columns(other, register_columns if right is not None else columns),
        clusters,
    )


def review_table_from_files(
    pairs: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    columns: dict[str, str] | None = None,
    register_columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`review_table` from what ``nikmatch dedupe``/``link`` wrote.

    ``pairs`` is the ``--pairs`` file (``id_l``, ``id_r``, ``match_probability``,
    ``match_weight``, ``ambiguous``, ``level_<comparison>`` and, since this release,
    ``weight_<comparison>``), ``left`` the register (or, better, the ``-o`` output of
    ``dedupe``, whose ``cluster_id``/``survivor``/``recommendation`` columns give the
    recommended survivor and notes), ``right`` the register of a link (``None`` for a
    deduplication).  Ids are the row numbers the files were written with.  Raises
    :class:`ReviewFileError` when a required column is missing or an id is not a row.

    >>> import pandas as pd
    >>> reg = pd.DataFrame({"nik": ["1871015708450001", "1871015708450002"],
    ...                     "nama": ["SITI", "SITI"]}, index=[1, 2])
    >>> pairs = pd.DataFrame({"id_l": ["1"], "id_r": ["2"], "match_probability": ["0.999"],
    ...                       "match_weight": ["10"], "ambiguous": ["False"],
    ...                       "level_nama": ["exact (normalised)"], "weight_nama": ["9.5"]})
    >>> review_table_from_files(pairs, reg)["reasons_id"].tolist()
    ['nama: sama persis (setelah dinormalkan) (+9.5)']
    """
    mode = "dedupe" if right is None else "link"
    other = left if right is None else right
    missing = [c for c in ("id_l", "id_r", "match_probability") if c not in pairs.columns]
    if missing:
        raise ReviewFileError(
            [f"the pairs file has no column {', '.join(missing)}: write it with --pairs"]
        )
    frame = pairs.copy()

    def as_ids(values: pd.Series, index: pd.Index, what: str) -> list[Any]:
        lookup = {_text(v): v for v in index}
        out: list[Any] = []
        bad: list[str] = []
        for v in values.tolist():
            key = _text(v)
            if key not in lookup:
                bad.append(key)
            else:
                out.append(lookup[key])
        if bad:
            raise ReviewFileError(
                [
                    f"the pairs file names {len(bad)} {what} row(s) not in the {what} file "
                    f"(first: {bad[0]!r}): the files do not belong together"
                ]
            )
        return out

    frame["id_l"] = as_ids(frame["id_l"], left.index, "register" if right is None else "list")
    frame["id_r"] = as_ids(frame["id_r"], other.index, "register")
    probability = pd.to_numeric(frame["match_probability"], errors="coerce")
    if bool(probability.isna().any()):
        raise ReviewFileError(["the pairs file has a match_probability that is not a number"])
    frame["match_probability"] = probability
    weight = (
        pd.to_numeric(frame["match_weight"], errors="coerce")
        if "match_weight" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    frame["match_weight"] = weight.fillna(
        np.log2(probability.clip(1e-12, 1 - 1e-16) / (1 - probability.clip(1e-12, 1 - 1e-16)))
    )
    if "ambiguous" in frame.columns:
        frame["ambiguous"] = frame["ambiguous"].astype(str).str.lower().isin(["true", "1"])
    parts: list[_Parts] = []
    for column in frame.columns:
        if not str(column).startswith("level_"):
            continue
        name = str(column)[len("level_") :]
        weights = (
            pd.to_numeric(frame[f"weight_{name}"], errors="coerce").to_numpy(dtype=np.float64)
            if f"weight_{name}" in frame.columns
            else np.full(len(frame), np.nan)
        )
        parts.append(_Parts(name, frame[column].astype(str).to_numpy(dtype=object), weights))
    clusters = None
    if right is None and "cluster_id" in left.columns:
        clusters = left
    frame = frame.sort_values("match_probability", ascending=False, kind="stable").reset_index(
        drop=True
    )
    return _assemble(
        frame,
        parts,
        left,
        other,
        mode,
        _field_columns(left, columns),
        _field_columns(other, register_columns if right is not None else columns),
        clusters,
    )


# ------------------------------------------------------------------------------ workbooks out


def write_review_workbooks(
    result: DedupeResult | LinkResult | pd.DataFrame,
    left: pd.DataFrame | None,
    out_dir: str | os.PathLike[str],
    right: pd.DataFrame | None = None,
    *,
    mask_nik: bool = False,
    columns: dict[str, str] | None = None,
    register_columns: dict[str, str] | None = None,
    progress: Any = None,
) -> list[Path]:
    """Write one review workbook per kecamatan into ``out_dir``; return their paths.

    ``result`` is a result (with ``left``/``right`` its input frames, see
    :func:`review_table`) or a table made by :func:`review_table` /
    :func:`review_table_from_files` (``left`` then unused).  ``mask_nik`` shows NIK and KK
    numbers masked (``187101********01``) for a workbook that leaves the office; the
    confirmed list then takes the full NIKs from the register (``nikmatch apply-review
    --register``).  ``progress`` (optional) is called with each workbook's path as it is
    written.  Workbooks are named ``review_<KECAMATAN>.xlsx``; a kecamatan without proposed
    pairs gets none.  Existing files of the same name are replaced; nothing else in
    ``out_dir`` is touched.
    """
    if isinstance(result, pd.DataFrame):
        table = result
    else:
        if left is None:
            raise ValueError("write_review_workbooks: pass the frame the result was made from")
        table = review_table(
            result, left, right, columns=columns, register_columns=register_columns
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    run_id = _run_id(table)
    paths: list[Path] = []
    used: set[str] = set()
    for kecamatan, group in table.groupby("kecamatan", sort=True):
        name = workbook_name(str(kecamatan), used)
        path = folder / name
        write_workbook(group, path, kecamatan=str(kecamatan), run_id=run_id, mask=mask_nik)
        paths.append(path)
        if progress is not None:
            progress(path)
    return paths


def _run_id(table: pd.DataFrame) -> str:
    import hashlib

    digest = hashlib.sha256()
    for row in table[["pair_id", "id_a", "id_b"]].itertuples(index=False):
        digest.update("|".join(map(str, row)).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:12]


# ------------------------------------------------------------------------------ decisions back


def read_review_workbooks(paths: Iterable[str | os.PathLike[str]]) -> pd.DataFrame:
    """Read filled review workbooks (any subset, any order) and validate every row.

    Returns one row per pair found: ``pair_id``, ``run_id``, ``mode``, ``kecamatan``,
    ``file``, ``sheet_row`` (the row number a spreadsheet shows), ``id_a``/``id_b``,
    ``nik_a``/``nik_b`` (as shown in the workbook: masked when it was written masked),
    ``nama_a``/``nama_b``, ``probability``, ``ambiguous``, ``recommended_side``,
    ``recommended_nik``, ``masked``, ``decision`` (one of :data:`DECISIONS`), ``keep_side``
    (``A``/``B``), ``petugas``, ``tanggal`` (``YYYY-MM-DD``) and ``keterangan``.  The same
    workbook given twice, or one pair in two workbooks with the same decision, counts once
    (re-applying is idempotent); a pair decided in one copy and still ``belum dicek`` in
    another keeps the decision.

    Raises :class:`ReviewFileError` listing every problem (file, sheet, row): a changed NIK,
    an unknown decision, a decision without officer or date, a missing or added row, a
    missing or renamed sheet or column, workbooks of two different review runs, one pair
    decided differently in two workbooks.
    """
    frames: list[pd.DataFrame] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for name in paths:
        path = Path(name)
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        try:
            frames.append(read_workbook(path))
        except ReviewFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ReviewFileError(problems)
    if not frames:
        raise ReviewFileError(["no review workbook given"])
    decisions = pd.concat(frames, ignore_index=True)
    runs = decisions.groupby("run_id")["file"].first()
    if len(runs) > 1:
        listed = ", ".join(f"{f} (run {r})" for r, f in runs.items())
        raise ReviewFileError(
            [f"workbooks of different review runs cannot be applied together: {listed}"]
        )
    return _merge_copies(decisions)


def _merge_copies(decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per pair: identical copies count once, a decision beats ``belum dicek``,
    two different decisions are an error."""
    problems: list[str] = []
    keep: list[int] = []
    what = ["decision", "keep_side", "petugas", "tanggal"]
    for pair_id, group in decisions.groupby("pair_id", sort=True):
        decided = group[group["decision"] != "belum dicek"]
        if len(decided) == 0:
            keep.append(int(group.index[0]))
            continue
        distinct = decided.drop_duplicates(subset=what)
        if len(distinct) > 1:
            where = "; ".join(
                f"{r.file} row {r.sheet_row}: {r.decision} ({r.petugas}, {r.tanggal})"
                for r in distinct.itertuples()
            )
            problems.append(f"pair {pair_id} is decided differently in two workbooks: {where}")
            continue
        keep.append(int(decided.index[0]))
    if problems:
        raise ReviewFileError(problems)
    out: pd.DataFrame = decisions.loc[keep].sort_values("pair_id").reset_index(drop=True)
    return out


@dataclass(frozen=True)
class ReviewOutcome:
    """What :func:`apply_review` makes of the decisions.

    ``confirmed``: one row per pair decided ``sama orang`` or ``pindah`` (the records are one
    person): ``keep_nik``/``keep_id`` (the record that survives), ``retire_nik``/``retire_id``
    (the record the kecamatan proposes to retire; nikmatch deletes nothing), ``final_nik`` (the
    survivor at the end of a chain of confirmed pairs), ``conflict`` (a record to retire in
    favour of two different records, or a cycle: check), who confirmed (``petugas``) and when
    (``tanggal``).  ``decided``: every decided pair with its ``action``.  ``open``: pairs still
    ``belum dicek``.  ``accuracy``: per probability band, the proposals decided and the share
    the officers found to be one person (precision).
    """

    confirmed: pd.DataFrame
    decided: pd.DataFrame
    open: pd.DataFrame
    accuracy: pd.DataFrame

    def labels(self) -> pd.DataFrame:
        """Pairs with a same/different verdict: ``mode``, ``id_a``, ``id_b``, ``is_match``.

        ``meninggal`` (deceased) says nothing about whether the records are one person, so it
        is no label.
        """
        decided = self.decided[
            self.decided["decision"].isin([*MATCH_DECISIONS, *NON_MATCH_DECISIONS])
        ]
        out = decided[["mode", "id_a", "id_b"]].copy()
        out["is_match"] = decided["decision"].isin(MATCH_DECISIONS).to_numpy()
        result: pd.DataFrame = out.reset_index(drop=True)
        return result


_ACTIONS = {
    "sama orang": "retire the duplicate record (propose to the kecamatan)",
    "pindah": "one person who moved: close the old record through the move (pindah)",
    "meninggal": "the person has died: close through the death registration (akta kematian)",
    "beda orang": "none: two people",
}


def _band(probability: float, ambiguous: bool) -> str:
    if ambiguous:
        return "ambiguous"
    label = BANDS[0][0]
    for name, low in BANDS:
        if probability >= low:
            label = name
    return label


def _full_niks(
    decided: pd.DataFrame, left: pd.DataFrame | None, right: pd.DataFrame | None
) -> tuple[list[str], list[str]]:
    """The NIKs of both records: from the frames when given (masked workbooks), checked
    against the workbook's shown values; else as shown."""
    from nikmatch.privacy import mask_nik

    nik_a = decided["nik_a"].tolist()
    nik_b = decided["nik_b"].tolist()
    problems: list[str] = []
    for side, frame, values in (("a", left, nik_a), ("b", right, nik_b)):
        if frame is None:
            continue
        column = _field_columns(frame, None).get("nik")
        if column is None:
            continue
        lookup = {_text(k): _text(v) for k, v in frame[column].items()}
        for i, row in enumerate(decided.itertuples()):
            rid = getattr(row, f"id_{side}")
            full = lookup.get(rid)
            shown = values[i]
            if full is None:
                problems.append(f"{row.file} row {row.sheet_row}: record {rid} is not in the file")
                continue
            if shown and shown not in (full, mask_nik(full)):
                problems.append(
                    f"{row.file} row {row.sheet_row}: record {rid} holds another NIK in the "
                    f"file given ({mask_nik(full)}, workbook {mask_nik(shown)}): is it the "
                    "register the review was made from?"
                )
                continue
            values[i] = full
    if problems:
        raise ReviewFileError(problems)
    return nik_a, nik_b


def apply_review(
    decisions: pd.DataFrame,
    left: pd.DataFrame | None = None,
    right: pd.DataFrame | None = None,
) -> ReviewOutcome:
    """Turn decisions (:func:`read_review_workbooks`) into the confirmed list, the decided and
    open pairs and the accuracy of the proposals.

    ``left``/``right`` (optional: the register, and for a link the list as ``left`` and the
    register as ``right``; row labels as in the review) give the full NIKs when the workbooks
    were masked, and are checked against the NIKs shown.  Applying the same decisions twice
    gives the same outcome.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"pair_id": ["D000001", "D000002"], "mode": "dedupe",
    ...     "kecamatan": "KEDATON", "file": "w.xlsx", "sheet_row": [2, 3],
    ...     "id_a": ["1", "3"], "id_b": ["2", "4"], "nik_a": ["1871015708450001", "3"],
    ...     "nik_b": ["1871015708450002", "4"], "nama_a": "", "nama_b": "",
    ...     "probability": [0.9999, 0.995], "ambiguous": False, "recommended_side": "A",
    ...     "recommended_nik": "", "masked": False,
    ...     "decision": ["sama orang", "beda orang"], "keep_side": ["B", "A"],
    ...     "petugas": "Petugas 1", "tanggal": "2026-02-01", "keterangan": ""})
    >>> outcome = apply_review(d)
    >>> outcome.confirmed[["keep_nik", "retire_nik", "petugas"]].values.tolist()
    [['1871015708450002', '1871015708450001', 'Petugas 1']]
    >>> outcome.accuracy[["band", "decided", "same_person", "precision"]].values.tolist()[-1]
    ['all', 2, 1, 0.5]
    """
    decided = decisions[decisions["decision"] != "belum dicek"].reset_index(drop=True)
    open_pairs = decisions[decisions["decision"] == "belum dicek"].reset_index(drop=True)
    nik_a, nik_b = _full_niks(decided, left, right if right is not None else left)
    keep_a = (decided["keep_side"] == "A").to_numpy()
    decided = decided.assign(
        nik_a=nik_a,
        nik_b=nik_b,
        action=[_ACTIONS.get(d, "") for d in decided["decision"]],
    )
    confirmed_mask = decided["decision"].isin(MATCH_DECISIONS).to_numpy()
    c = decided[confirmed_mask]
    ka = keep_a[confirmed_mask]
    confirmed = pd.DataFrame(
        {
            "pair_id": c["pair_id"].to_numpy(),
            "kecamatan": c["kecamatan"].to_numpy(),
            "decision": c["decision"].to_numpy(),
            "keep_side": np.where(ka, "A", "B"),
            "keep_nik": np.where(ka, c["nik_a"], c["nik_b"]),
            "keep_id": np.where(ka, c["id_a"], c["id_b"]),
            "keep_nama": np.where(ka, c["nama_a"], c["nama_b"]),
            "retire_nik": np.where(ka, c["nik_b"], c["nik_a"]),
            "retire_id": np.where(ka, c["id_b"], c["id_a"]),
            "retire_nama": np.where(ka, c["nama_b"], c["nama_a"]),
            "petugas": c["petugas"].to_numpy(),
            "tanggal": c["tanggal"].to_numpy(),
            "keterangan": c["keterangan"].to_numpy(),
            "probability": c["probability"].to_numpy(),
            "action": c["action"].to_numpy(),
            "file": c["file"].to_numpy(),
            "sheet_row": c["sheet_row"].to_numpy(),
        }
    )
    confirmed = _resolve_chains(confirmed, str(decisions["mode"].iloc[0]) if len(decisions) else "")
    return ReviewOutcome(
        confirmed=confirmed,
        decided=decided,
        open=open_pairs,
        accuracy=_accuracy(decisions),
    )


def _resolve_chains(confirmed: pd.DataFrame, mode: str) -> pd.DataFrame:
    """``final_nik``: follow retire -> keep edges to the last survivor; ``conflict`` where a
    record is retired in favour of two records, or the edges make a cycle."""

    def node(record: str, side: str) -> str:  # a link's list and register rows differ
        return f"{side}:{record}" if mode == "link" else record

    keep_a = (confirmed["keep_side"] == "A").tolist()
    keep_ids = [
        node(k, "A" if a else "B") for k, a in zip(confirmed["keep_id"], keep_a, strict=True)
    ]
    retire_ids = [
        node(r, "B" if a else "A") for r, a in zip(confirmed["retire_id"], keep_a, strict=True)
    ]
    target: dict[str, str] = {}
    nik_of: dict[str, str] = {}
    conflicted: set[str] = set()
    for k, r, kn, rn in zip(
        keep_ids, retire_ids, confirmed["keep_nik"], confirmed["retire_nik"], strict=True
    ):
        nik_of[k], nik_of[r] = str(kn), str(rn)
        if r in target and target[r] != k:
            conflicted.add(r)
        target.setdefault(r, k)
    final: list[str] = []
    flags: list[str] = []
    for k, r in zip(keep_ids, retire_ids, strict=True):
        current, steps = k, 0
        while current in target and steps <= len(target):
            current = target[current]
            steps += 1
        cycle = steps > len(target)
        final.append("" if cycle else nik_of.get(current, ""))
        if cycle:
            flags.append("the confirmed pairs retire these records in a cycle: check")
        elif r in conflicted:
            flags.append("this record is to be retired in favour of two records: check")
        else:
            flags.append("")
    out: pd.DataFrame = confirmed.copy()
    out.insert(list(out.columns).index("retire_nama") + 1, "final_nik", final)
    out["conflict"] = flags
    return out


def _accuracy(decisions: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    bands = [
        _band(float(p), bool(a))
        for p, a in zip(decisions["probability"], decisions["ambiguous"], strict=True)
    ]
    frame = decisions.assign(band=bands)
    names = [name for name, _ in BANDS] + ["ambiguous", "all"]
    for name in names:
        part = frame if name == "all" else frame[frame["band"] == name]
        if name != "all" and not len(part):
            continue
        labelled = part[part["decision"].isin([*MATCH_DECISIONS, *NON_MATCH_DECISIONS])]
        same = int(labelled["decision"].isin(MATCH_DECISIONS).sum())
        decided = len(labelled)
        rows.append(
            {
                "band": name,
                "proposed": len(part),
                "decided": decided,
                "same_person": same,
                "different": decided - same,
                "other_decision": int((part["decision"] == "meninggal").sum()),
                "open": int((part["decision"] == "belum dicek").sum()),
                "precision": same / decided if decided else math.nan,
            }
        )
    accuracy: pd.DataFrame = pd.DataFrame(rows)
    return accuracy


def update_model(
    model: Model,
    outcome: ReviewOutcome,
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    columns: dict[str, str] | None = None,
    register_columns: dict[str, str] | None = None,
    strength: float = 50.0,
) -> Model:
    """A copy of ``model`` with ``m`` re-estimated from the confirmed pairs
    (:meth:`nikmatch.Model.update_from_labels`).

    ``left`` is the register of a deduplication (``right`` ``None``), or the list of a link
    with ``right`` its register; their row labels must be those of the review (the row
    numbers of the files the CLI read).  Raises :class:`ReviewFileError` when a labelled
    record is not in the frames.
    """
    from nikmatch.prepare import prepare, prepare_link

    labels = outcome.labels()
    if right is None:
        prepared = prepare(left, columns)
        n_list = 0
        index_l = index_r = {_text(k): i for i, k in enumerate(left.index)}
    else:
        prepared, n_list = prepare_link(left, right, columns, register_columns)
        index_l = {_text(k): i for i, k in enumerate(left.index)}
        index_r = {_text(k): n_list + i for i, k in enumerate(right.index)}
    missing = [v for v in labels["id_a"] if v not in index_l] + [
        v for v in labels["id_b"] if v not in index_r
    ]
    if missing:
        raise ReviewFileError(
            [f"{len(missing)} reviewed record(s) are not in the frames given (first: {missing[0]})"]
        )
    pos_l = np.array([index_l[v] for v in labels["id_a"]], dtype=np.int64)
    pos_r = np.array([index_r[v] for v in labels["id_b"]], dtype=np.int64)
    return model.update_from_labels(
        prepared, pos_l, pos_r, labels["is_match"].to_numpy(dtype=bool), strength=strength
    )
