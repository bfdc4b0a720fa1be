"""The statistics of a whole job that its parts need: computed once, handed to every part.

A record pair is compared and weighed from its two records and from a few facts about the
whole register: how many records hold each name word (a word in use or a typing slip?), how
many people hold a value (a common name agrees by chance more often), the average of that over
the records (the term-frequency reference).  On one machine :class:`~nikmatch.prepare.Prepared`
counts them over all its records.  On a cluster (:mod:`nikmatch.spark`) each task holds some
records only; the engine aggregates these facts once over the whole register and gives every
task a :class:`~nikmatch.prepare.GlobalStats` (words, totals, averages: small) plus each
record's people counts as columns.  :func:`compute_stats` is the same aggregation done in
memory: the reference the cluster's aggregates are tested against, and what a partition of a
table prepared in memory needs (:func:`partition`).

>>> import pandas as pd
>>> from nikmatch.comparisons import default_comparisons
>>> from nikmatch.prepare import prepare
>>> from nikmatch.synth import small_population
>>> p = prepare(small_population(seed=1)[0])
>>> stats, people = compute_stats(p, default_comparisons(p))
>>> sorted(stats.word_counts), "nama" in people.columns[0]
(['nama', 'nama_ibu'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.comparisons import Comparison, NameComparison
from nikmatch.dates import DEFAULT_DATES, MISSING_DAY
from nikmatch.prepare import (
    GlobalStats,
    Prepared,
    joint_tf,
    name_key_counts,
    name_word_counts,
    people_column,
    people_counts,
    reference_key,
    tf_reference,
)

__all__ = [
    "NAME_COLUMNS",
    "TfNeed",
    "compute_stats",
    "partition",
    "tf_needs",
]

I64 = npt.NDArray[np.int64]

#: Name columns whose word counts a job needs (when present).
NAME_COLUMNS: tuple[str, ...] = ("nama", "nama_ibu", "nama_ayah")

#: The parents' names whose agreement with the name is corrected jointly (see
#: :meth:`~nikmatch.model.Model.tf_adjustments`).
_JOINT_PARENTS: tuple[str, ...] = ("nama_ibu", "nama_ayah")


@dataclass(frozen=True)
class TfNeed:
    """What term frequencies a model reads: ``fields`` (people counts per value; ``a+b``
    for a pair of fields) and ``references`` (field, scope name, others).

    >>> from nikmatch.comparisons import DateComparison
    >>> tf_needs([DateComparison("tanggal_lahir")]).references[0]
    ('tanggal_lahir', 'ordinary', True)
    """

    fields: tuple[str, ...]
    references: tuple[tuple[str, str | None, bool], ...]


def tf_needs(comparisons: Sequence[Comparison]) -> TfNeed:
    """The term frequencies that scoring with ``comparisons`` reads."""
    fields: dict[str, None] = {}
    refs: dict[tuple[str, str | None, bool], None] = {}
    for comp in comparisons:
        for level, tf_field in comp.tf_levels.items():
            others = level not in comp.tf_placeholder_levels
            fields[tf_field] = None
            refs[(tf_field, comp.tf_scope_name(level), others)] = None
    names = {c.name: c for c in comparisons}
    if isinstance(names.get("nama"), NameComparison):
        for parent in _JOINT_PARENTS:
            if isinstance(names.get(parent), NameComparison):
                fields["nama"] = fields[parent] = None
                fields[f"nama+{parent}"] = None
    return TfNeed(tuple(fields), tuple(refs))


def _scope_mask(prepared: Prepared, scope: str | None) -> npt.NDArray[np.bool_] | None:
    """The records of a named term-frequency scope (see ``Comparison.tf_scope_name``)."""
    if scope is None:
        return None
    years, months, days = prepared.date_parts()
    default = np.zeros(prepared.n, dtype=bool)
    for mm, dd in DEFAULT_DATES:
        default |= (months == mm) & (days == dd)
    if scope == "default":
        return default
    if scope == "ordinary":
        ordinary: npt.NDArray[np.bool_] = ~default & (years > 0) & (prepared.dob != MISSING_DAY)
        return ordinary
    raise ValueError(f"unknown term-frequency scope {scope!r}")


def compute_stats(
    prepared: Prepared, comparisons: Sequence[Comparison], *, tf_source: int | None = None
) -> tuple[GlobalStats, pd.DataFrame]:
    """The job's statistics counted over all of ``prepared`` (the in-memory reference of
    what :mod:`nikmatch.spark` aggregates on a cluster), and each record's people counts as
    a frame of ``_tfp_`` columns (one row per record).  ``tf_source``: the side term
    frequencies and words are counted on (``1`` for the register of a link)."""
    present = {name for name in prepared.codes if prepared.has(name)}
    for name in ("tanggal_lahir", "jenis_kelamin"):
        if prepared.has(name):
            present.add(name)
    word_counts: dict[str, pd.Series] = {}
    word_records: dict[str, int] = {}
    key_counts: dict[str, pd.Series] = {}
    for column in NAME_COLUMNS:
        if column in prepared.codes:
            in_names, n_records = name_word_counts(prepared, column, source=tf_source)
            word_counts[column] = in_names
            word_records[column] = int(n_records)
            key_counts[column] = name_key_counts(prepared, column, source=tf_source)
    needs = tf_needs(comparisons)
    totals: dict[str, float] = {}
    columns: dict[str, I64] = {}
    for name in needs.fields:
        if "+" in name:
            first, second = name.split("+", 1)
            if first not in prepared.codes or second not in prepared.codes:
                continue
            codes, _, counts = joint_tf(prepared, first, second, source=tf_source)
            mask = codes >= 0
            if tf_source is not None and prepared.source is not None:
                mask &= prepared.source == tf_source
            totals[name] = max(float(mask.sum()), 1.0)
        else:
            if name not in prepared.codes:
                continue
            codes = prepared.codes[name].astype(np.int64)
            counts, totals[name] = people_counts(prepared, name, source=tf_source)
        per_record = np.zeros(prepared.n, dtype=np.int64)
        ok = codes >= 0
        per_record[ok] = counts[codes[ok]]
        columns[people_column(name)] = per_record
    references: dict[str, float] = {}
    for name, scope, others in needs.references:
        if name in prepared.codes:
            references[reference_key(name, scope, others)] = tf_reference(
                prepared, name, _scope_mask(prepared, scope), source=tf_source, others=others
            )
    stats = GlobalStats(
        present=frozenset(present),
        tf_source=tf_source,
        word_counts=word_counts,
        word_records=word_records,
        key_counts=key_counts,
        tf_totals=totals,
        tf_references=references,
    )
    return stats, pd.DataFrame(columns, index=pd.RangeIndex(prepared.n))


def partition(
    prepared: Prepared,
    rows: npt.NDArray[np.int64],
    stats: GlobalStats,
    people: pd.DataFrame,
) -> Prepared:
    """The records ``rows`` of ``prepared`` as a table of their own that knows the whole
    job (``stats`` and ``people`` from :func:`compute_stats`): what a cluster's task holds.
    Comparing and weighing a pair in it gives what the whole table gives.

    >>> import numpy as np
    >>> from nikmatch.comparisons import compare, default_comparisons
    >>> from nikmatch.prepare import prepare
    >>> from nikmatch.synth import small_population
    >>> p = prepare(small_population(seed=1)[0])
    >>> comps = default_comparisons(p)
    >>> stats, people = compute_stats(p, comps)
    >>> rows = np.array([5, 9, 40, 41])
    >>> part = partition(p, rows, stats, people)
    >>> whole = compare(comps, p, rows[:2], rows[2:])
    >>> bool((compare(comps, part, np.array([0, 1]), np.array([2, 3])) == whole).all())
    True
    """
    frame = pd.concat([prepared.to_frame(), people], axis=1).iloc[rows].reset_index(drop=True)
    return Prepared.from_frame(
        frame, columns=prepared.columns, stats=stats, index=pd.Index(np.asarray(rows))
    )
