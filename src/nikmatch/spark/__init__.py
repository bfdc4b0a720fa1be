"""nikmatch on Apache Spark: the same jobs, the same model, the same answers, for registers
that outgrow one machine (a province, the nation).

Install the optional extra (``pip install "nikmatch[spark]"``: PySpark 3.5 or later and a
Java runtime).  The jobs take Spark DataFrames with the canonical columns (or a ``columns``
mapping, as in memory) and an id column, and return Spark DataFrames:

* :func:`find_duplicates` (``spark_df``) -> ``result.pairs``, ``result.matches``,
  ``result.clusters`` (one row per record: ``id``, ``cluster_id``, ``cluster_size``,
  ``survivor``, ``recommendation``, ``flags``), ``result.explain(id_l, id_r)``;
* :func:`link` (``list_sdf``, ``register_sdf``) -> the same, ``clusters`` one row per listed
  record (``best_id``, ``best_probability``, ``n_matches``, ...);
* :func:`train` -> a :class:`~nikmatch.model.Model` (save it with ``model.save(path)``, reuse
  it with ``model=Model.load(path)`` on the cluster or in memory).

The engine runs the in-memory engine's own stage functions (:mod:`nikmatch.stages`) inside
``mapInPandas`` / ``applyInPandas`` tasks; what needs the whole register is aggregated once
and shipped to every task (:class:`~nikmatch.prepare.GlobalStats`).  On a register that fits
one machine both engines give the same pairs, probabilities and clusters (tested in CI).  See
``docs/guide/spark.md`` for running on a cluster and sizing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from nikmatch.blocking import BlockingRule
from nikmatch.comparisons import Comparison
from nikmatch.model import Model
from nikmatch.schema import ColumnMapping
from nikmatch.spark._clusters import DRIVER_EDGES
from nikmatch.spark._frames import DataFrame
from nikmatch.spark._job import (
    TRAIN_RECORDS,
    SparkDedupeResult,
    SparkLinkResult,
    run_job,
    train_spark,
)
from nikmatch.spark._records import prepare_records
from nikmatch.stages import DEFAULT_THRESHOLD, KEEP_PROBABILITY

__all__ = [
    "DRIVER_EDGES",
    "TRAIN_RECORDS",
    "SparkDedupeResult",
    "SparkLinkResult",
    "find_duplicates",
    "link",
    "train",
]


def find_duplicates(
    spark_df: DataFrame,
    model: Model | None = None,
    *,
    id_column: str | None = "id",
    columns: ColumnMapping | None = None,
    comparisons: Sequence[Comparison] | None = None,
    blocking_rules: Sequence[BlockingRule] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    lambda_: float | None = None,
    seed: int = 0,
    keep_probability: float = KEEP_PROBABILITY,
    reference_date: dt.date | None = None,
    train_records: int = TRAIN_RECORDS,
    train_sample_by: str | None = "kecamatan",
    driver_edges: int = DRIVER_EDGES,
) -> SparkDedupeResult:
    """Find records of a register that are likely the same person (as
    :func:`nikmatch.find_duplicates`), on Spark.

    ``id_column`` names a column of unique record ids (``None``: ids are made, in the order
    of the input's partitions); records are taken in the order of their ids, as a pandas frame
    is taken in the order of its rows.  Without ``model`` one is trained (:func:`train`, with
    ``train_records`` and ``train_sample_by``); with it only the priors are estimated for
    this data.  ``driver_edges``: match edges up to which clusters are found on the driver
    (scipy), beyond which in Spark.
    """
    result = run_job(
        spark_df, None, columns=columns, register_columns=None, id_column=id_column,
        register_id_column=None, model=model, comparisons=comparisons,
        blocking_rules=blocking_rules, threshold=threshold, lambda_=lambda_, seed=seed,
        keep_probability=keep_probability, reference_date=reference_date,
        train_records=train_records, train_sample_by=train_sample_by,
        driver_edges=driver_edges,
    )
    if not isinstance(result, SparkDedupeResult):  # pragma: no cover - internal invariant
        raise TypeError("internal error: find_duplicates produced a link result")
    return result


def link(
    list_sdf: DataFrame,
    register_sdf: DataFrame,
    model: Model | None = None,
    *,
    id_column: str | None = "id",
    register_id_column: str | None = None,
    columns: ColumnMapping | None = None,
    register_columns: ColumnMapping | None = None,
    comparisons: Sequence[Comparison] | None = None,
    blocking_rules: Sequence[BlockingRule] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    one_to_one: bool = False,
    lambda_: float | None = None,
    seed: int = 0,
    keep_probability: float = KEEP_PROBABILITY,
    reference_date: dt.date | None = None,
    train_records: int = TRAIN_RECORDS,
    train_sample_by: str | None = "kecamatan",
    driver_edges: int = DRIVER_EDGES,
) -> SparkLinkResult:
    """Find, for each record of ``list_sdf``, the ``register_sdf`` records that are likely
    the same person (as :func:`nikmatch.link`), on Spark.  ``id_l`` comes from the list's
    ``id_column``, ``id_r`` from the register's (``register_id_column``, by default the
    same name).  With ``one_to_one`` each list and register record is matched at most once
    (greedy, strongest pairs first, on the driver: matches are few)."""
    result = run_job(
        list_sdf, register_sdf, columns=columns, register_columns=register_columns,
        id_column=id_column, register_id_column=register_id_column, model=model,
        comparisons=comparisons, blocking_rules=blocking_rules, threshold=threshold,
        lambda_=lambda_, seed=seed, keep_probability=keep_probability,
        reference_date=reference_date, train_records=train_records,
        train_sample_by=train_sample_by, driver_edges=driver_edges, one_to_one=one_to_one,
    )
    if not isinstance(result, SparkLinkResult):  # pragma: no cover - internal invariant
        raise TypeError("internal error: link produced a dedupe result")
    return result


def train(
    spark_df: DataFrame,
    register_sdf: DataFrame | None = None,
    *,
    id_column: str | None = "id",
    columns: ColumnMapping | None = None,
    comparisons: Sequence[Comparison] | None = None,
    seed: int = 0,
    reference_date: dt.date | None = None,
    train_records: int = TRAIN_RECORDS,
    train_sample_by: str | None = "kecamatan",
) -> Model:
    """Train a model on a register on Spark (for a link: a list and a register): in memory on
    the driver, over every record when they are at most ``train_records`` (the very model
    :func:`nikmatch.find_duplicates` trains), else over a sample of whole ``train_sample_by``
    groups (``kecamatan``: a kecamatan's duplicates stay together, so EM still sees them; or
    ``None``: records at random), with the word counts of the whole register.  Save it with
    ``model.save(path)`` and pass it to the jobs."""
    recs = prepare_records(
        spark_df, register_sdf, columns=columns, id_column=id_column,
        reference_date=reference_date or dt.date.today(),
    )
    sample_by = train_sample_by if train_sample_by in recs.fields else None
    return train_spark(recs, comparisons=comparisons, seed=seed,
                       sample_records=train_records, sample_by=sample_by)
