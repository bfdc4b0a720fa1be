"""Clusters on Spark: connected components of the match edges, then the in-memory cluster
stage (:func:`~nikmatch.stages.cluster_stage`) on groups of whole components.

Matches are sparse (a few percent of the records), so the components are found on the driver
with scipy when the edges fit (:data:`DRIVER_EDGES`); otherwise by an iterative algorithm in
Spark DataFrames (:func:`spark_components`: each node takes the smallest label among its
neighbours, with pointer jumping, until nothing changes).  Either way a component is named by
its smallest record position, so the two give the same components.  Each component is then
clustered where its records are (the chain guard, the ambiguous matches, the surviving NIK),
and cluster ids are numbered in order of each cluster's first record, as in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from nikmatch.model import Model
from nikmatch.prepare import GlobalStats
from nikmatch.spark._frames import (
    DataFrame,
    F,
    T,
    collect_frame,
    materialise,
    schema_of,
    with_index,
)
from nikmatch.spark._records import ROW, JobRecords, local_prepared
from nikmatch.stages import cluster_stage

__all__ = ["DRIVER_EDGES", "cluster_records", "driver_components", "spark_components"]

#: Match edges clustered on the driver (scipy) up to this many; beyond, in Spark.
DRIVER_EDGES = 20_000_000
#: Records per clustering task (many whole components to a task).
RECORDS_PER_TASK = 20_000


def driver_components(edges: DataFrame) -> DataFrame:
    """``(row, comp)`` for every record in an edge: its component named by the smallest
    record position in it (scipy's connected components on the driver)."""
    pairs = collect_frame(edges.select("row_l", "row_r"))
    left = pairs["row_l"].to_numpy(np.int64)
    right = pairs["row_r"].to_numpy(np.int64)
    nodes, inverse = np.unique(np.concatenate([left, right]), return_inverse=True)
    n = len(nodes)
    if n:
        graph = coo_matrix(
            (np.ones(len(left), np.int8), (inverse[: len(left)], inverse[len(left) :])),
            shape=(n, n),
        )
        _, labels = connected_components(graph, directed=False)
        smallest = pd.Series(nodes).groupby(labels).transform("min").to_numpy(np.int64)
    else:
        smallest = np.zeros(0, np.int64)
    table = pd.DataFrame({ROW: nodes.astype(np.int64), "comp": smallest})
    out: DataFrame = edges.sparkSession.createDataFrame(table, schema=f"{ROW} long, comp long")
    return out


def spark_components(edges: DataFrame, *, max_rounds: int = 100) -> DataFrame:
    """:func:`driver_components` computed in Spark DataFrames (for edges too many for the
    driver): every node starts with its own position as label; each round a node takes the
    smallest label among itself and its neighbours, then the label of its label (pointer
    jumping), until no label changes."""
    both = edges.select(F.col("row_l").alias("a"), F.col("row_r").alias("b")).unionByName(
        edges.select(F.col("row_r").alias("a"), F.col("row_l").alias("b"))
    )
    both = materialise(both)
    labels = materialise(
        both.select(F.col("a").alias(ROW)).distinct().withColumn("comp", F.col(ROW))
    )
    for _ in range(max_rounds):
        neighbour = both.join(labels.withColumnRenamed(ROW, "b"), "b").groupBy(
            F.col("a").alias(ROW)
        ).agg(F.min("comp").alias("nb"))
        step = labels.join(neighbour, ROW, "left").select(
            ROW, F.least(F.col("comp"), F.coalesce(F.col("nb"), F.col("comp"))).alias("comp")
        )
        # pointer jumping: the label of the label
        jumped = step.join(
            step.select(F.col(ROW).alias("comp"), F.col("comp").alias("up")), "comp", "left"
        ).select(ROW, F.least(F.col("comp"), F.coalesce(F.col("up"), F.col("comp"))).alias("comp"))
        jumped = materialise(jumped)
        changed = jumped.join(labels.withColumnRenamed("comp", "old"), ROW).filter(
            F.col("comp") != F.col("old")
        ).limit(1).count()
        labels = jumped
        if not changed:
            return labels
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")


def cluster_schema() -> T.StructType:
    """Rows a clustering task returns: per record (``kind`` 0) its cluster's first record,
    survivor flag and recommendation; per match (``kind`` 1) whether it is ambiguous or
    was kept apart by clustering."""
    fields: list[tuple[str, Any]] = [
        ("kind", T.ByteType()),
        ("row_l", T.LongType()),
        ("row_r", T.LongType()),
        ("head", T.LongType()),
        ("survivor", T.BooleanType()),
        ("recommendation", T.StringType()),
        ("ambiguous", T.BooleanType()),
        ("kept_apart", T.BooleanType()),
    ]
    return schema_of(fields)


def cluster_records(
    recs: JobRecords,
    matches: DataFrame,
    model: Model,
    stats: GlobalStats,
    *,
    survivors: bool,
    driver_edges: int = DRIVER_EDGES,
    gamma: Sequence[str],
) -> tuple[DataFrame, str]:
    """Cluster the records joined by ``matches`` (``row_l``, ``row_r``, ``match_weight``,
    ``gamma_``): the rows of :func:`cluster_schema` for the records in a match and every
    match, and which way the components were found (``driver`` or ``spark``)."""
    n_edges = matches.count()
    if n_edges <= driver_edges:
        comps, how = driver_components(matches), "driver"
    else:
        comps, how = spark_components(matches), "spark"
    comps = materialise(comps)
    n_nodes = comps.count()
    buckets = max(1, n_nodes // RECORDS_PER_TASK)
    def group() -> Any:
        return F.pmod(F.xxhash64(F.col("comp")), F.lit(buckets))

    # each side checkpointed: a cogroup of two frames of one lineage is refused as ambiguous
    nodes = materialise(
        recs.frame.join(comps, ROW)
        .drop(*[c for c in recs.frame.columns if c.startswith("_w_")])
        .withColumn("_g", group())
    )
    edges = materialise(
        matches.select("row_l", "row_r", "match_weight", *gamma)
        .join(comps.select(F.col(ROW).alias("row_l"), "comp"), "row_l")
        .withColumn("_g", group())
    )
    link = recs.n_list is not None
    columns = recs.columns
    spark = matches.sparkSession
    shipped = spark.sparkContext.broadcast((model, stats))
    names = [f.name for f in cluster_schema().fields]

    def task(records: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
        the_model, job = shipped.value
        if not len(records):
            empty: pd.DataFrame = pd.DataFrame({n: [] for n in names})
            return empty
        local = records.sort_values(ROW, kind="stable").reset_index(drop=True)
        rows = local[ROW].to_numpy(np.int64)
        prepared = local_prepared(local, columns, job, link=link)
        # the in-memory order of matches: most certain first, then by position
        ordered = found.sort_values(
            ["match_weight", "row_l", "row_r"], ascending=[False, True, True], kind="stable"
        ).reset_index(drop=True)
        positions = ordered.assign(
            row_l=np.searchsorted(rows, ordered["row_l"].to_numpy(np.int64)),
            row_r=np.searchsorted(rows, ordered["row_r"].to_numpy(np.int64)),
        )
        for g in gamma:
            positions[g] = positions[g].to_numpy(dtype=np.int8)
        outcome = cluster_stage(
            the_model, prepared, positions, tf_source=None if not link else 1,
            survivors=survivors,
        )
        head = pd.Series(rows).groupby(outcome.labels).transform("min").to_numpy(np.int64)
        n = len(rows)
        m = len(ordered)
        rec = (
            outcome.recommendation
            if outcome.recommendation is not None
            else np.full(n, "", dtype=object)
        )
        surv = outcome.survivor if outcome.survivor is not None else np.zeros(n, dtype=bool)
        apart = outcome.kept_apart if outcome.kept_apart is not None else np.zeros(m, bool)
        table: pd.DataFrame = pd.DataFrame(
            {
                "kind": np.concatenate([np.zeros(n, np.int8), np.ones(m, np.int8)]),
                "row_l": np.concatenate([rows, ordered["row_l"].to_numpy(np.int64)]),
                "row_r": np.concatenate([np.full(n, -1, np.int64),
                                         ordered["row_r"].to_numpy(np.int64)]),
                "head": np.concatenate([head, np.full(m, -1, np.int64)]),
                "survivor": np.concatenate([surv.astype(bool), np.zeros(m, bool)]),
                "recommendation": pd.Series(
                    np.concatenate([rec.astype(object), np.full(m, None, dtype=object)]),
                    dtype=object,
                ),
                "ambiguous": np.concatenate([np.zeros(n, bool), outcome.ambiguous.astype(bool)]),
                "kept_apart": np.concatenate([np.zeros(n, bool), apart.astype(bool)]),
            }
        )
        chosen: pd.DataFrame = table[names]
        return chosen

    out = nodes.groupBy("_g").cogroup(edges.groupBy("_g")).applyInPandas(task, cluster_schema())
    return materialise(out), how


def cluster_ids(recs: JobRecords, heads: DataFrame) -> DataFrame:
    """Per record of the job: ``cluster_id`` (0.., in order of each cluster's first record,
    singletons included) and ``cluster_size``; ``heads`` holds ``(row, head)`` of the records
    in a cluster of two or more."""
    every = recs.frame.select(ROW).join(heads, ROW, "left").withColumn(
        "head", F.coalesce(F.col("head"), F.col(ROW))
    )
    firsts = with_index(every.filter(F.col("head") == F.col(ROW)).select(ROW), [ROW], "cluster_id")
    sizes = every.groupBy("head").agg(F.count(F.lit(1)).alias("cluster_size"))
    out: DataFrame = every.join(firsts.withColumnRenamed(ROW, "head"), "head").join(
        sizes, "head"
    )
    return out
