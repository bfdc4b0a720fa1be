"""The records of a Spark job: prepared once per partition, with their global statistics.

:func:`prepare_records` runs :func:`nikmatch.prepare.prepare` on each batch of input rows
(``mapInPandas``) and keeps the normalised values (:meth:`~nikmatch.prepare.Prepared.to_frame`),
never codes: codes are local to one table.  :func:`job_stats` aggregates what a task needs to
know of the whole job (:class:`~nikmatch.prepare.GlobalStats`): the fields present, name word
counts, and each record's value's count of people, joined onto the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nikmatch.comparisons import Comparison
from nikmatch.dates import DEFAULT_DATES, MISSING_DAY
from nikmatch.errors import SchemaError
from nikmatch.prepare import (
    MAX_RECORDS_PER_PERSON,
    PEOPLE_PREFIX,
    TF_DISTINCT_BY,
    VALUE_PREFIX,
    WORD_COLUMNS,
    GlobalStats,
    Prepared,
    people_column,
    prepare,
    reference_key,
    word_key_counts,
)
from nikmatch.schema import ColumnMapping, canonical_frame
from nikmatch.spark._frames import (
    Column,
    DataFrame,
    F,
    T,
    birth_parts,
    dob_column,
    materialise,
    schema_of,
    with_index,
)
from nikmatch.stats import NAME_COLUMNS, tf_needs

__all__ = ["JobRecords", "job_stats", "key_column", "prepare_records", "word_stats"]

ROW = "_row"
ID = "_id"
SOURCE = "_source"


@dataclass
class JobRecords:
    """A job's prepared records (one row each, ``_row`` its position in the job: list first
    when linking, each side in the order of its ids) and what is known of them."""

    frame: DataFrame
    columns: tuple[str, ...]  # canonical input columns present (shared, when linking)
    n: int
    n_list: int | None
    fields: tuple[str, ...]  # prepared value fields (``_v_`` columns)
    id_type: T.DataType

    @property
    def tf_source(self) -> int | None:
        """The side term frequencies are counted on (the register of a link)."""
        return None if self.n_list is None else 1


def _canonical_columns(sample: pd.DataFrame, columns: ColumnMapping | None) -> list[str]:
    return [str(c) for c in canonical_frame(sample, columns).columns]


def _sample_frame(sdf: DataFrame) -> pd.DataFrame:
    sample = sdf.limit(1).toPandas()
    if not len(sample):
        raise SchemaError("the input has no records")
    return sample


def _prepare_one(
    sdf: DataFrame,
    *,
    columns: ColumnMapping | None,
    keep: Sequence[str],
    id_column: str | None,
    reference_date: dt.date,
    source: int | None,
    offset: int,
) -> tuple[DataFrame, int, tuple[str, ...], T.DataType]:
    """One input frame prepared: rows numbered in id order from ``offset``."""
    if id_column is None:
        base = sdf.withColumn(ID, F.monotonically_increasing_id())
    else:
        if id_column not in sdf.columns:
            raise SchemaError(f"id column {id_column!r} not in the input")
        base = sdf.withColumn(ID, F.col(id_column))
    id_type = base.schema[ID].dataType
    raw = [c for c in sdf.columns if c != ID]
    numbered = with_index(base.select(ID, *raw), [ID], ROW)
    if offset:
        numbered = numbered.withColumn(ROW, F.col(ROW) + F.lit(offset))
    n = numbered.count()
    sample = _sample_frame(sdf.select(*raw))
    example = _prepare_pandas(sample, columns, keep, reference_date)
    frame = example.to_frame(words=True)
    fields = tuple(c[len(VALUE_PREFIX) :] for c in frame.columns if c.startswith(VALUE_PREFIX))
    out_fields: list[tuple[str, Any]] = [(ROW, T.LongType()), (ID, id_type)]
    for col in frame.columns:
        if col.startswith(VALUE_PREFIX) or col in ("_flags", "_nik_severity", "_nik_problems"):
            out_fields.append((col, T.StringType()))
        elif col == "_dob":
            out_fields.append((col, T.IntegerType()))
        elif col == "_sex":
            out_fields.append((col, T.ByteType()))
        elif col.startswith("_w_"):
            out_fields.append((col, T.ArrayType(T.LongType())))
    out_fields.append((SOURCE, T.ByteType()))
    schema = schema_of(out_fields)
    names = [name for name, _ in out_fields]
    side = -1 if source is None else source

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            prepared = _prepare_pandas(batch[raw], columns, keep, reference_date)
            out = prepared.to_frame(words=True)
            out[ROW] = batch[ROW].to_numpy(dtype=np.int64)
            out[ID] = batch[ID].to_numpy()
            out[SOURCE] = np.full(len(batch), side, dtype=np.int8)
            yield out[names]

    return numbered.mapInPandas(run, schema), n, fields, id_type


def _prepare_pandas(
    frame: pd.DataFrame,
    columns: ColumnMapping | None,
    keep: Sequence[str],
    reference_date: dt.date,
) -> Prepared:
    canonical = canonical_frame(frame, columns)
    return prepare(canonical[[c for c in canonical.columns if c in keep]], None,
                   reference_date=reference_date)


def prepare_records(
    sdf: DataFrame,
    register_sdf: DataFrame | None = None,
    *,
    columns: ColumnMapping | None = None,
    register_columns: ColumnMapping | None = None,
    id_column: str | None = "id",
    register_id_column: str | None = None,
    reference_date: dt.date,
) -> JobRecords:
    """The job's records prepared (a register; or a list then a register when linking)."""
    first_cols = _canonical_columns(_sample_frame(sdf), columns)
    if register_sdf is None:
        frame, n, fields, id_type = _prepare_one(
            sdf, columns=columns, keep=first_cols, id_column=id_column,
            reference_date=reference_date, source=None, offset=0,
        )
        out = frame.drop(SOURCE)
        return JobRecords(materialise(out), tuple(first_cols), n, None, fields, id_type)
    reg_mapping = register_columns if register_columns is not None else columns
    second_cols = _canonical_columns(_sample_frame(register_sdf), reg_mapping)
    shared = [c for c in first_cols if c in second_cols]
    if "nama" not in shared:
        raise SchemaError("both frames need a name column (nama)")
    if "nik" not in shared and "tanggal_lahir" not in shared:
        raise SchemaError("both frames need nik or tanggal_lahir")
    left, n_list, fields, id_l = _prepare_one(
        sdf, columns=columns, keep=shared, id_column=id_column,
        reference_date=reference_date, source=0, offset=0,
    )
    right, n_reg, fields_r, id_r = _prepare_one(
        register_sdf, columns=reg_mapping, keep=shared,
        id_column=register_id_column if register_id_column is not None else id_column,
        reference_date=reference_date, source=1, offset=n_list,
    )
    if fields != fields_r:  # pragma: no cover - the same shared columns
        raise SchemaError("the list and the register prepared different fields")
    id_type = id_l if id_l == id_r else T.StringType()
    union = left.withColumn(ID, F.col(ID).cast(id_type)).unionByName(
        right.withColumn(ID, F.col(ID).cast(id_type))
    )
    return JobRecords(materialise(union), tuple(shared), n_list + n_reg, n_list, fields, id_type)


# ---- key fields as columns -----------------------------------------------------------------


def key_column(name: str, fields: Sequence[str]) -> Column:
    """A blocking key field (:data:`nikmatch.prepare.KEY_FIELDS`) as a Spark column of
    values, null where missing: equal values where :meth:`~nikmatch.prepare.Prepared.keys`
    gives equal codes."""
    year, month, day = birth_parts()
    if name == "tanggal_lahir":
        return dob_column()
    if name == "birth_year":
        return year
    if name == "birth_day":
        return month * 100 + day
    if name == "birth_month":
        return year * 100 + month
    if name == "jenis_kelamin":
        return F.when(F.col("_sex") > 0, F.col("_sex"))
    if name == "initial":
        return F.substring(F.col(VALUE_PREFIX + "nama_key"), 1, 1)
    if name in fields:
        return F.col(VALUE_PREFIX + name)
    raise KeyError(f"blocking field not available: {name!r}")


# ---- statistics ----------------------------------------------------------------------------


def _on_side(recs: JobRecords) -> Column:
    return F.lit(True) if recs.tf_source is None else F.col(SOURCE) == F.lit(recs.tf_source)


def _value(name: str) -> Column:
    """A prepared field's value (the birth date: days since 1970), null where missing."""
    return dob_column() if name == "tanggal_lahir" else F.col(VALUE_PREFIX + name)


def _companion(by: str) -> Column:
    return _value(by)


def word_stats(recs: JobRecords) -> GlobalStats:
    """The name word counts of the job (on its term-frequency side), by word and by phonetic
    key, and the fields present: what training and every comparison of names need."""
    frame = recs.frame
    side = _on_side(recs)
    word_counts: dict[str, pd.Series] = {}
    word_records: dict[str, int] = {}
    key_counts: dict[str, pd.Series] = {}
    for column in NAME_COLUMNS:
        if column not in recs.fields:
            continue
        value = F.col(VALUE_PREFIX + column)
        named = frame.filter(side & value.isNotNull())
        counted = (
            named.select(F.explode(F.array_distinct(F.split(value, " "))).alias("w"))
            .filter(F.col("w") != "")
            .groupBy("w")
            .count()
            .toPandas()
        )
        series = pd.Series(
            counted["count"].to_numpy(dtype=np.int64),
            index=pd.Index(counted["w"].to_numpy(dtype=object), dtype=object),
            name=column,
        )
        word_counts[column] = series
        word_records[column] = int(named.count())
        key_counts[column] = word_key_counts(series)
    return GlobalStats(
        present=frozenset(present_fields(recs)),
        tf_source=recs.tf_source,
        word_counts=word_counts,
        word_records=word_records,
        key_counts=key_counts,
    )


def job_stats(
    recs: JobRecords,
    comparisons: Sequence[Comparison],
    *,
    known_words: GlobalStats | None = None,
) -> tuple[GlobalStats, JobRecords]:
    """The job's :class:`~nikmatch.prepare.GlobalStats` and its records with their people
    counts (``_tfp_`` columns): the aggregates :func:`nikmatch.stats.compute_stats` counts
    in memory, computed here with Spark aggregations and joins."""
    frame = recs.frame
    side = _on_side(recs)
    words = word_stats(recs) if known_words is None else known_words
    present = set(words.present)
    needs = tf_needs(comparisons)
    wanted = [
        name for name in needs.fields
        if all(p in recs.fields or p == "tanggal_lahir" for p in name.split("+"))
    ]

    def holds(name: str) -> Column:
        out = F.lit(True)
        for p in name.split("+"):
            out = out & _value(p).isNotNull()
        return out

    totals: dict[str, float] = {}
    if wanted:  # records holding each field, on the side counted: one pass
        row = frame.agg(
            *[F.sum((side & holds(n)).cast("long")).alias(f"_t{i}") for i, n in enumerate(wanted)]
        ).collect()[0]
        totals = {n: max(float(row[f"_t{i}"] or 0), 1.0) for i, n in enumerate(wanted)}
    people: list[tuple[str, DataFrame]] = []
    for name in wanted:
        parts = name.split("+")
        values = [_value(p) for p in parts]
        has = holds(name)
        by = "tanggal_lahir" if len(parts) > 1 else TF_DISTINCT_BY.get(name)
        if by is not None and by != "tanggal_lahir" and by not in recs.fields:
            by = None
        keys = [f"_k{i}" for i in range(len(parts))]
        counted_rows = frame.filter(side & has).select(
            *[v.alias(k) for v, k in zip(values, keys, strict=True)],
            (_companion(by) if by is not None else F.lit(None).cast("long")).alias("_by"),
        )
        agg = counted_rows.groupBy(*keys).agg(
            F.count(F.lit(1)).alias("_raw"),
            F.countDistinct("_by").alias("_distinct"),
            F.sum(F.when(F.col("_by").isNull(), 1).otherwise(0)).alias("_missing"),
        )
        if by is None:
            count = F.col("_raw")
        else:
            count = F.greatest(
                F.col("_distinct") + F.col("_missing"),
                F.ceil(F.col("_raw") / F.lit(MAX_RECORDS_PER_PERSON)).cast("long"),
            )
        column = people_column(name)
        table = agg.select(*keys, count.cast("long").alias(column))
        narrow = frame.filter(has).select(
            ROW, *[v.alias(k) for v, k in zip(values, keys, strict=True)]
        )
        people.append(
            (column, narrow.join(table, keys, "left").select(
                ROW, F.coalesce(F.col(column), F.lit(0)).cast("long").alias(column)
            ))
        )
    annotated = frame
    if people:  # the counts gathered in one narrow table: the records (wide) are joined once
        counts = frame.select(ROW)
        for column, table in people:
            counts = counts.join(table, ROW, "left").withColumn(
                column, F.coalesce(F.col(column), F.lit(0)).cast("long")
            )
        annotated = materialise(frame.join(materialise(counts), ROW, "left"))
    references: dict[str, float] = {}
    _, month, day = birth_parts()
    default = F.lit(False)
    for mm, dd in DEFAULT_DATES:
        default = default | ((month == mm) & (day == dd))
    averages: list[tuple[str, Column]] = []
    for name, scope, others in needs.references:
        column = people_column(name)
        if column not in annotated.columns:
            continue
        mask = side & _value(name).isNotNull()
        if scope == "default":
            mask = mask & F.coalesce(default, F.lit(False))
        elif scope == "ordinary":
            mask = mask & ~F.coalesce(default, F.lit(False)) & (F.col("_dob") != int(MISSING_DAY))
        tf = (F.greatest(F.col(column), F.lit(1)) - F.lit(1.0 if others else 0.0)) / F.lit(
            totals[name]
        )
        averages.append((reference_key(name, scope, others), F.avg(F.when(mask, tf))))
    if averages:  # every reference in one pass
        row = annotated.agg(
            *[avg.alias(f"_r{i}") for i, (_, avg) in enumerate(averages)]
        ).collect()[0]
        for i, (key, _) in enumerate(averages):
            references[key] = float(row[f"_r{i}"] or 0.0)
    stats = GlobalStats(
        present=frozenset(present),
        tf_source=recs.tf_source,
        word_counts=words.word_counts,
        word_records=words.word_records,
        key_counts=words.key_counts,
        tf_totals=totals,
        tf_references=references,
    )
    out = JobRecords(annotated, recs.columns, recs.n, recs.n_list, recs.fields, recs.id_type)
    return stats, out


def present_fields(recs: JobRecords) -> set[str]:
    """The fields some record of the job holds (:meth:`~nikmatch.prepare.Prepared.has`)."""
    checks = [
        F.max(F.col(VALUE_PREFIX + f).isNotNull().cast("int")).alias(f) for f in recs.fields
    ]
    checks.append(F.max((F.col("_dob") != int(MISSING_DAY)).cast("int")).alias("tanggal_lahir"))
    checks.append(F.max((F.col("_sex") > 0).cast("int")).alias("jenis_kelamin"))
    row = recs.frame.agg(*checks).collect()[0].asDict()
    out = {name for name, value in row.items() if value}
    if "nik" in out:
        out.add("nik_date")
    return out


def record_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Spark rows of records (as pandas) in the layout :meth:`Prepared.from_frame` reads:
    sorted by position, nulls as ``None``."""
    frame: pd.DataFrame = rows.sort_values(ROW, kind="stable").reset_index(drop=True)
    for col in frame.columns:
        if col.startswith((VALUE_PREFIX, "_flags", "_nik_")):
            values = frame[col].to_numpy(dtype=object)
            values[pd.isna(values)] = None
            frame[col] = pd.Series(values, dtype=object)
        elif col.startswith(PEOPLE_PREFIX):
            frame[col] = frame[col].fillna(0).to_numpy(dtype=np.int64)
    if SOURCE in frame.columns:
        frame[SOURCE] = frame[SOURCE].to_numpy(dtype=np.int8)
    return frame


def local_prepared(
    rows: pd.DataFrame, recs_columns: tuple[str, ...], stats: GlobalStats, *, link: bool
) -> Prepared:
    """A task's records (rows of the job's record frame) as a table that knows the job."""
    frame = record_frame(rows)
    if not link and SOURCE in frame.columns:
        frame = frame.drop(columns=[SOURCE])
    prepared: Prepared = Prepared.from_frame(
        frame, columns=recs_columns, stats=stats, index=pd.Index(frame[ROW].to_numpy(np.int64))
    )
    return prepared


__all__ += ["ID", "ROW", "SOURCE", "WORD_COLUMNS", "local_prepared", "present_fields",
            "record_frame"]
