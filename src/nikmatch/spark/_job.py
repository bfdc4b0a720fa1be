"""The two jobs on Spark, stage by stage (see :mod:`nikmatch.spark`)."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nikmatch.blocking import BlockingRule, BlockOn, affordable_rules
from nikmatch.comparisons import Comparison, default_comparisons, name_respelt_rarely
from nikmatch.errors import SchemaError
from nikmatch.explain import Explanation, explain_pair
from nikmatch.model import Model, estimate_lambda, remove_matches_from_u, train
from nikmatch.prepare import GlobalStats, Prepared
from nikmatch.schema import ColumnMapping
from nikmatch.spark._blocks import BlockPlan, plan_blocks, score_blocks
from nikmatch.spark._clusters import DRIVER_EDGES, cluster_ids, cluster_records
from nikmatch.spark._frames import DataFrame, F, as_int, collect_frame, materialise
from nikmatch.spark._records import (
    ID,
    ROW,
    SOURCE,
    JobRecords,
    job_stats,
    key_column,
    local_prepared,
    prepare_records,
    word_stats,
)
from nikmatch.stages import (
    AMBIGUOUS_NOTE,
    DEFAULT_THRESHOLD,
    KEEP_PROBABILITY,
    KEPT_APART_NOTE,
    SOUND_ALIKE_NOTE,
    JobPriors,
    Stopwatch,
    default_blocking_rules,
    job_priors,
    sound_alike_rule,
)
from nikmatch.strata import HOUSEHOLD_MAX_RECORDS, Stratum

__all__ = ["SparkDedupeResult", "SparkLinkResult", "run_job", "train_spark"]

#: Records trained on in memory, at most (a sample beyond: see :func:`train_spark`).
TRAIN_RECORDS = 1_000_000
#: Kept pairs whose evidence is brought to the driver for the priors, at most (beyond, the
#: priors are estimated by aggregations over the cluster).
DRIVER_WEIGHTS = 50_000_000


# ---- what is known of the records ----------------------------------------------------------


@dataclass
class SparkView:
    """The :class:`~nikmatch.stages.RecordsView` of a Spark job's records: the same rule
    choice as in memory, from aggregates."""

    recs: JobRecords
    present: set[str]

    @property
    def n(self) -> int:
        """Records of the job."""
        return self.recs.n

    @property
    def n_list(self) -> int | None:
        """Records of the list (linking), else ``None``."""
        return self.recs.n_list

    def has(self, name: str) -> bool:
        """Whether some record holds a value of the field."""
        return name in self.present

    def pair_count(
        self, fields: Sequence[str], max_block_size: int | None = None
    ) -> tuple[int, int]:
        """:func:`~nikmatch.blocking.rule_pair_count` as an aggregation."""
        return self.pair_counts([(tuple(fields), max_block_size)])[0]

    def pair_counts(
        self, rules: Sequence[tuple[tuple[str, ...], int | None]]
    ) -> list[tuple[int, int]]:
        """:func:`~nikmatch.blocking.rule_pair_count` of several rules (fields, and the
        largest block counted) in one aggregation over the records."""
        if not rules:
            return []
        link = self.recs.n_list is not None
        keyed = []
        for i, (fields, _) in enumerate(rules):
            cols = [key_column(f, self.recs.fields) for f in fields]
            present = F.lit(True)
            for c in cols:
                present = present & c.isNotNull()
            keyed.append(F.struct(F.lit(i).alias("i"),
                                  F.when(present, F.xxhash64(F.lit(i), *cols)).alias("h")))
        side = (F.col(SOURCE) == 0).cast("long") if link else F.lit(0).cast("long")
        blocks = (
            self.recs.frame.select(side.alias("_l"), F.explode(F.array(*keyed)).alias("_e"))
            .select("_l", F.col("_e.i").alias("i"), F.col("_e.h").alias("h"))
            .filter(F.col("h").isNotNull())
            .groupBy("i", "h")
            .agg(F.count(F.lit(1)).alias("size"), F.sum("_l").alias("nl"))
        )
        limit = F.element_at(
            F.array(*[F.lit(m if m is not None else 2**62) for _, m in rules]),
            (F.col("i") + 1).cast("int"),
        )
        blocks = blocks.filter(F.col("size") <= limit)
        if link:
            blocks = blocks.filter(F.col("nl") > 0)
            table = collect_frame(blocks.groupBy("i").agg(
                F.sum(F.col("nl") * (F.col("size") - F.col("nl"))).alias("p"),
                F.max(F.greatest(F.col("nl"), F.col("size") - F.col("nl"))).alias("m"),
            ))
        else:
            table = collect_frame(blocks.groupBy("i").agg(
                F.sum(F.col("size") * (F.col("size") - 1) / 2).alias("p"),
                F.max("size").alias("m"),
            ))
        found = {
            as_int(r.i): (as_int(r.p), as_int(r.m)) for r in table.itertuples(index=False)
        }
        return [found.get(i, (0, 0)) for i in range(len(rules))]

    def affordable(self, candidates: Sequence[BlockOn], budget: int) -> list[BlockOn]:
        """:func:`~nikmatch.blocking.affordable_rules` from block sizes over the cluster."""
        chosen: list[BlockOn] = []
        left = budget
        counts = self.pair_counts([(tuple(rule.fields), None) for rule in candidates])
        for rule, (pairs, largest) in zip(candidates, counts, strict=True):
            if 0 < pairs <= left and largest <= rule.max_block_size:
                chosen.append(rule)
                left -= pairs
        return chosen


def _unused() -> Any:  # keeps the in-memory function in view for readers
    return affordable_rules


def household_totals(view: SparkView, strata: Sequence[Stratum]) -> list[float]:
    """:func:`~nikmatch.strata.stratum_pair_totals` from block sizes over the cluster."""
    out: list[float] = []
    for stratum in strata:
        rules: list[tuple[str, ...]] = []
        if stratum.name == "household":
            if view.has("no_kk"):
                rules.append(("no_kk",))
            if view.has("alamat") and view.has("kelurahan"):
                rules.append(("alamat", "kelurahan"))
        wanted = [(fields, HOUSEHOLD_MAX_RECORDS) for fields in rules]
        if len(rules) >= 2:
            wanted.append((tuple(dict.fromkeys((*rules[0], *rules[1]))), HOUSEHOLD_MAX_RECORDS))
        counts = [p for p, _ in view.pair_counts(wanted)]
        total = float(sum(counts[: len(rules)]))
        if len(rules) >= 2:
            total -= counts[-1]
        out.append(max(total, 1.0))
    return out


# ---- training ------------------------------------------------------------------------------


def train_spark(
    recs: JobRecords,
    *,
    comparisons: Sequence[Comparison] | None,
    seed: int,
    sample_records: int,
    sample_by: str | None,
    words: GlobalStats | None = None,
) -> Model:
    """A model trained in memory on the job's records (all of them when they are at most
    ``sample_records``, which gives the very model :func:`nikmatch.find_duplicates` trains;
    else a sample: whole groups of ``sample_by``, e.g. kecamatan, so that duplicates stay
    together, or records at random), with the whole register's word counts."""
    frame = recs.frame
    if recs.n > sample_records:
        share = sample_records / recs.n
        if sample_by is not None:
            group = key_column(sample_by, recs.fields)
            frame = frame.filter(
                F.pmod(F.xxhash64(F.lit(seed), group), F.lit(1_000_000)) < int(share * 1_000_000)
            )
        else:
            frame = frame.sample(fraction=share, seed=seed)
    rows = collect_frame(frame.drop(*[c for c in frame.columns if c.startswith("_w_")]))
    base = word_stats(recs) if words is None else words  # the whole register's word counts
    prepared = local_prepared(rows, recs.columns, base, link=recs.n_list is not None)
    comps = list(comparisons) if comparisons is not None else default_comparisons(prepared)
    if not comps:
        raise SchemaError(
            "no comparable columns: need at least nama plus one of tanggal_lahir / nik"
        )
    model = train(comps, prepared, seed=seed)
    model.info["trained_on"] = {"records": prepared.n, "of": recs.n, "sample_by": sample_by}
    return model


# ---- the job -------------------------------------------------------------------------------


@dataclass
class _ResultBase:
    pairs: DataFrame
    model: Model
    threshold: float
    blocking: pd.DataFrame
    info: dict[str, Any]
    records: JobRecords
    stats: GlobalStats
    _tf_source: int | None = None

    @property
    def matches(self) -> DataFrame:
        """The pairs at or above the threshold, except ``ambiguous`` ones."""
        return self.pairs.filter(
            (F.col("match_probability") >= self.threshold) & ~F.col("ambiguous")
        )

    @property
    def ambiguous(self) -> DataFrame:
        """Pairs at or above the threshold held out of :attr:`matches` (a person decides)."""
        return self.pairs.filter(F.col("ambiguous"))

    def explain(self, id_l: Any, id_r: Any) -> Explanation:
        """Per-comparison weights for a pair (any two records): the records are brought to
        the driver and weighed there with the job's statistics, as a task weighs them."""
        frame = self.records.frame
        if self.records.n_list is None:
            wanted = frame.filter(F.col(ID).isin([id_l, id_r]))
        else:
            wanted = frame.filter(
                ((F.col(SOURCE) == 0) & (F.col(ID) == F.lit(id_l)))
                | ((F.col(SOURCE) == 1) & (F.col(ID) == F.lit(id_r)))
            )
        rows = collect_frame(wanted.drop(*[c for c in frame.columns if c.startswith("_w_")]))
        rows = rows.sort_values(ROW, kind="stable").reset_index(drop=True)
        ids = rows[ID].tolist()
        if len(rows) != 2 or (self.records.n_list is None and id_l == id_r):
            raise KeyError("cannot find exactly one record for each id (unknown or duplicate ids)")
        prepared = local_prepared(rows, self.records.columns, self.stats,
                                  link=self.records.n_list is not None)
        pl = ids.index(id_l) if self.records.n_list is None else 0
        pr = 1 - pl
        explanation = explain_pair(self.model, prepared, pl, pr, id_l=id_l, id_r=id_r,
                                   tf_source=self._tf_source)
        row_l, row_r = int(rows[ROW].iloc[pl]), int(rows[ROW].iloc[pr])
        lo, hi = min(row_l, row_r), max(row_l, row_r)
        held = self.ambiguous.filter(
            (F.least("row_l", "row_r") == lo) & (F.greatest("row_l", "row_r") == hi)
        ).select("sound_alike", "kept_apart").collect()
        if held:
            note = (
                SOUND_ALIKE_NOTE
                if bool(held[0]["sound_alike"])
                else KEPT_APART_NOTE
                if bool(held[0]["kept_apart"])
                else AMBIGUOUS_NOTE
            )
            from dataclasses import replace

            explanation = replace(explanation, notes=(*explanation.notes, note))
        return explanation


@dataclass
class SparkDedupeResult(_ResultBase):
    """Result of :func:`nikmatch.spark.find_duplicates`: ``pairs`` and ``clusters`` as Spark
    DataFrames with the columns of :class:`nikmatch.DedupeResult`'s frames (``clusters``
    carries the record's ``id``)."""

    clusters: DataFrame | None = None

    def summary(self) -> str:
        """A short readable summary (as :meth:`nikmatch.DedupeResult.summary`)."""
        matches = self.matches.count()
        held = self.ambiguous.count()
        multi = (
            self.clusters.filter(F.col("cluster_size") > 1) if self.clusters is not None
            else None
        )
        persons = multi.select("cluster_id").distinct().count() if multi is not None else 0
        records = multi.count() if multi is not None else 0
        return (
            f"{self.records.n} records, {self.info.get('candidate_pairs', 0)} candidate pairs, "
            f"{matches} matching pairs at p>={self.threshold}, {persons} persons with more "
            f"than one record ({records} records)"
            + (f"; {held} ambiguous pairs to review (a record matching two people the model "
               "holds apart)" if held else "")
        )


@dataclass
class SparkLinkResult(_ResultBase):
    """Result of :func:`nikmatch.spark.link` (see :class:`nikmatch.LinkResult`)."""

    clusters: DataFrame | None = None


def _priors_spark(
    model: Model,
    scored: DataFrame,
    counts: np.ndarray,
    counted: Sequence[float],
    total_pairs: float,
    lambda_: float | None,
    n_kept: int,
) -> JobPriors:
    """:func:`~nikmatch.stages.job_priors` from the scored pairs: their evidence brought to
    the driver when it fits, else each prior estimated by aggregations."""
    kept = scored.filter(F.col("row_l") >= 0)
    if n_kept <= DRIVER_WEIGHTS:
        table = collect_frame(kept.select("bw", "_stratum"))
        return job_priors(
            model,
            table["bw"].to_numpy(np.float64),
            table["_stratum"].to_numpy(np.int8),
            counts,
            counted,
            total_pairs,
            lambda_=lambda_,
        )
    # too many to collect: the same estimate, one aggregation per iteration
    shell = job_priors(model, np.zeros(0), np.zeros(0, np.int8), counts, counted, total_pairs,
                       lambda_=1e-3)
    if lambda_ is not None:
        return job_priors(model, np.zeros(0), np.zeros(0, np.int8), counts, counted,
                          total_pairs, lambda_=lambda_)
    kept = materialise(kept.select("bw", "_stratum"))
    lam = _lambda_spark(kept.filter(F.col("_stratum") == 0), shell.outside, 0.5)
    strata = [
        _lambda_spark(kept.filter(F.col("_stratum") == k), total, 0.95)
        for k, total in enumerate(shell.stratum_totals, start=1)
    ]
    return JobPriors(lam, strata, shell.outside, shell.stratum_totals)


def _lambda_spark(weights: DataFrame, total: float, max_lambda: float) -> float:
    """:func:`~nikmatch.model.estimate_lambda` over a DataFrame of evidence (``bw``)."""
    if total <= 0:
        return 1.0 / max(total, 2.0)
    bf = _exp2(F.least(F.greatest(F.col("bw"), F.lit(-60.0)), F.lit(60.0)))
    start = weights.agg(F.count(F.lit(1)).alias("n"),
                        F.sum((F.col("bw") > 10).cast("long")).alias("s")).collect()[0]
    if not start["n"]:
        return 1.0 / max(total, 2.0)
    lam = max(float(start["s"] or 0), 1.0) / total
    for _ in range(100):
        post = F.lit(lam) * bf / (F.lit(1.0 - lam) + F.lit(lam) * bf)
        got = weights.agg(F.sum(post).alias("p")).collect()[0]["p"]
        new = max(float(got or 0.0), 0.5) / total
        if abs(new - lam) <= 1e-9 * lam:
            lam = new
            break
        lam = new
    return min(max(lam, 1e-15), max_lambda)


def _exp2(x: Any) -> Any:
    """``2 ** x`` as a column."""
    return F.pow(F.lit(2.0), x)


def _with_priors(model: Model, priors: JobPriors, *, lambda_estimated: bool) -> Model:
    from nikmatch.linker import with_priors

    return with_priors(model, priors, lambda_estimated=lambda_estimated)


def run_job(
    sdf: DataFrame,
    register_sdf: DataFrame | None,
    *,
    columns: ColumnMapping | None,
    register_columns: ColumnMapping | None,
    id_column: str | None,
    register_id_column: str | None,
    model: Model | None,
    comparisons: Sequence[Comparison] | None,
    blocking_rules: Sequence[BlockingRule] | None,
    threshold: float,
    lambda_: float | None,
    seed: int,
    keep_probability: float,
    reference_date: dt.date | None,
    train_records: int,
    train_sample_by: str | None,
    driver_edges: int,
    one_to_one: bool = False,
) -> SparkDedupeResult | SparkLinkResult:
    """One job (see :func:`nikmatch.spark.find_duplicates` and :func:`nikmatch.spark.link`)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a probability in (0, 1), got {threshold}")
    watch = Stopwatch()
    seconds, lap = watch.seconds, watch.lap

    today = reference_date or dt.date.today()
    recs = prepare_records(
        sdf, register_sdf, columns=columns, register_columns=register_columns,
        id_column=id_column, register_id_column=register_id_column, reference_date=today,
    )
    link = recs.n_list is not None
    lap("prepare")
    words = word_stats(recs)
    if model is None:
        sample_by = train_sample_by if train_sample_by in recs.fields else None
        fitted = train_spark(recs, comparisons=comparisons, seed=seed,
                             sample_records=train_records, sample_by=sample_by, words=words)
    else:
        fitted = model
    lap("train")
    stats, recs = job_stats(recs, fitted.comparisons, known_words=words)
    if model is not None:
        empty = Prepared.from_frame(collect_frame(recs.frame.limit(0)), columns=recs.columns,
                                    stats=stats)
        missing = [c.name for c in model.comparisons if not c.available(empty)]
        if missing:
            warnings.warn(f"model comparisons without data here (weight 0): {missing}",
                          UserWarning, stacklevel=3)
    view = SparkView(recs, set(stats.present))
    rules = list(blocking_rules) if blocking_rules is not None else default_blocking_rules(view)
    lap("statistics_and_rules")
    plan: BlockPlan = plan_blocks(recs, rules)
    lap("blocking_plan")
    if link:
        total_pairs = float(recs.n_list or 0) * float(recs.n - (recs.n_list or 0))
    else:
        total_pairs = recs.n * (recs.n - 1) / 2
    counted = household_totals(view, [f.stratum for f in fitted.strata])

    def score_all(current: Model) -> tuple[DataFrame, np.ndarray, np.ndarray, int]:
        scored = materialise(score_blocks(plan, recs, current, stats))
        summary = collect_frame(
            scored.filter(F.col("row_l") < 0).select("_k", "_counts")
        )
        per_rule = np.zeros(len(rules), dtype=np.int64)
        counts = np.zeros(len(current.strata) + 1, dtype=np.int64)
        for k, c in zip(summary["_k"].tolist(), summary["_counts"].tolist(), strict=True):
            arr = np.asarray(c, dtype=np.int64)
            per_rule[int(k)] += int(arr.sum())
            counts[: len(arr)] += arr
        n_kept = scored.filter(F.col("row_l") >= 0).count()
        return scored, counts, per_rule, n_kept

    scored, counts, per_rule, n_kept = score_all(fitted)
    lap("block_and_score")
    found = _priors_spark(fitted, scored, counts, counted, total_pairs, lambda_, n_kept)
    if model is None and 0.0 < found.lambda_ < 1.0:
        cleaned, change = remove_matches_from_u(fitted, found.lambda_)
        if change > 0.05:
            fitted = cleaned
            scored, counts, per_rule, n_kept = score_all(fitted)
            found = _priors_spark(fitted, scored, counts, counted, total_pairs, lambda_, n_kept)
            lap("rescore")
    fitted = _with_priors(fitted, found, lambda_estimated=lambda_ is None)
    diagnostics = plan.diagnostics.copy()
    if len(diagnostics):
        diagnostics["new_pairs"] = per_rule
    pairs = _pairs_frame(scored, recs, fitted, rules, keep_probability)
    n_pairs = pairs.count()
    lap("pairs")
    info: dict[str, Any] = {
        "records": recs.n,
        "candidate_pairs": int(counts.sum()),
        "kept_pairs": n_pairs,
        "total_pairs": total_pairs,
        "lambda": found.lambda_,
        "prior_weight": math.log2(found.lambda_ / (1 - found.lambda_)),
        "strata": {
            f.stratum.name: {"pairs": t, "lambda": f.lambda_, "prior_weight": f.prior_weight}
            for f, t in zip(fitted.strata, found.stratum_totals, strict=True)
        },
        "seconds": seconds,
    }
    gamma = [f"gamma_{name}" for name in fitted.names]
    above = F.col("match_probability") >= threshold
    pairs = _without_slips(pairs, recs, stats, above)
    matches = pairs.filter(above & ~F.col("sound_alike"))
    clustered, how = cluster_records(recs, matches, fitted, stats, survivors=not link,
                                     driver_edges=driver_edges, gamma=gamma)
    info["components"] = how
    held = clustered.filter(F.col("kind") == 1).select(
        "row_l", "row_r", F.col("ambiguous").alias("_held"), F.col("kept_apart").alias("_apart")
    )
    apart = above & ~F.col("sound_alike") & F.coalesce(F.col("_apart"), F.lit(False))
    pairs = materialise(
        pairs.join(held, ["row_l", "row_r"], "left")
        .withColumn(
            "ambiguous",
            F.col("sound_alike")
            | (above & F.coalesce(F.col("_held"), F.lit(False)))
            | apart,
        )
        .withColumn("kept_apart", apart)
        .drop("_held", "_apart")
    )
    lap("cluster")
    result_args: dict[str, Any] = dict(
        pairs=pairs, model=fitted, threshold=threshold, blocking=diagnostics, info=info,
        records=recs, stats=stats, _tf_source=recs.tf_source,
    )
    if not link:
        nodes = clustered.filter(F.col("kind") == 0).select(
            F.col("row_l").alias(ROW), "head", "survivor", "recommendation"
        )
        ids = cluster_ids(recs, nodes.select(ROW, "head"))
        clusters = (
            recs.frame.select(ROW, F.col(ID).alias("id"), "_flags")
            .join(ids.select(ROW, "cluster_id", "cluster_size"), ROW)
            .join(nodes.select(ROW, "survivor", "recommendation"), ROW, "left")
            .select(
                "id",
                ROW,
                "cluster_id",
                "cluster_size",
                F.coalesce(F.col("survivor"), F.lit(False)).alias("survivor"),
                F.coalesce(F.col("recommendation"), F.lit("")).alias("recommendation"),
                F.col("_flags").alias("flags"),
            )
        )
        out_d = SparkDedupeResult(**result_args, clusters=materialise(clusters))
        lap("clusters")
        return out_d
    if one_to_one:
        pairs = _one_to_one_spark(pairs, threshold)
        result_args["pairs"] = pairs
    listed = recs.frame.filter(F.col(SOURCE) == 0).select(ROW, F.col(ID).alias("id"))
    good = pairs.filter(above & ~F.col("ambiguous"))
    from pyspark.sql import Window

    best = good.withColumn(
        "_rank",
        F.row_number().over(
            Window.partitionBy("row_l").orderBy(F.desc("match_weight"), F.asc("row_r"))
        ),
    ).filter(F.col("_rank") == 1).select(
        F.col("row_l").alias(ROW), F.col("id_r").alias("best_id"),
        F.col("match_probability").alias("best_probability"),
    )
    n_matches = good.groupBy(F.col("row_l").alias(ROW)).agg(F.count(F.lit(1)).alias("n_matches"))
    n_amb = pairs.filter(F.col("ambiguous")).groupBy(F.col("row_l").alias(ROW)).agg(
        F.count(F.lit(1)).alias("n_ambiguous")
    )
    clusters = (
        listed.join(best, ROW, "left").join(n_matches, ROW, "left").join(n_amb, ROW, "left")
        .select(
            "id",
            ROW,
            "best_id",
            "best_probability",
            F.coalesce(F.col("n_matches"), F.lit(0)).cast("long").alias("n_matches"),
            F.coalesce(F.col("n_ambiguous"), F.lit(0)).cast("long").alias("n_ambiguous"),
            F.col(ROW).alias("cluster_id"),
            (F.coalesce(F.col("n_matches"), F.lit(0)) + 1).cast("long").alias("cluster_size"),
        )
    )
    out_l = SparkLinkResult(**result_args, clusters=materialise(clusters))
    lap("clusters")
    return out_l


def _one_to_one_spark(pairs: DataFrame, threshold: float) -> DataFrame:
    """The in-memory greedy one-to-one (strongest first, each side used once) over the
    matches, which are few: brought to the driver, the pairs it leaves out dropped."""
    from nikmatch.linker import _one_to_one

    wanted = ["row_l", "row_r", "match_weight", "match_probability", "ambiguous"]
    matched = collect_frame(
        pairs.filter((F.col("match_probability") >= threshold) & ~F.col("ambiguous"))
        .select(*wanted)
    )
    kept = _one_to_one(matched, threshold)
    dropped = matched.merge(kept[["row_l", "row_r"]], on=["row_l", "row_r"], how="left",
                            indicator=True)
    dropped = dropped[dropped["_merge"] == "left_only"][["row_l", "row_r"]]
    if not len(dropped):
        return pairs
    table = pairs.sparkSession.createDataFrame(
        dropped.astype("int64"), schema="row_l long, row_r long"
    )
    return materialise(pairs.join(F.broadcast(table), ["row_l", "row_r"], "left_anti"))


def _pairs_frame(
    scored: DataFrame,
    recs: JobRecords,
    model: Model,
    rules: Sequence[BlockingRule],
    keep_probability: float,
) -> DataFrame:
    """The ``pairs`` frame of a result from the scored pairs (priors applied)."""
    priors = [model.prior_weight, *(f.prior_weight for f in model.strata)]
    prior = F.element_at(F.array(*[F.lit(float(p)) for p in priors]),
                         (F.col("_stratum") + 1).cast("int"))
    weight = F.col("bw") + prior
    prob = F.lit(1.0) / (F.lit(1.0) + _exp2(-F.least(F.greatest(weight, F.lit(-60.0)),
                                                         F.lit(60.0))))
    rule_names = F.array(*[F.lit(r.name) for r in rules])
    stratum_names = F.array(*[F.lit(n) for n in ["", *(f.stratum.name for f in model.strata)]])
    gamma = [f"gamma_{name}" for name in model.names]
    kept = (
        scored.filter(F.col("row_l") >= 0)
        .withColumn("match_weight", weight)
        .withColumn("match_probability", prob)
        .filter(F.col("match_probability") >= keep_probability)
        .withColumn("blocking_rule", F.element_at(rule_names, (F.col("_k") + 1).cast("int")))
        .withColumn("stratum", F.element_at(stratum_names, (F.col("_stratum") + 1).cast("int")))
    )
    ids = recs.frame.select(ROW, ID)
    joined = kept.join(
        ids.select(F.col(ROW).alias("row_l"), F.col(ID).alias("id_l")), "row_l"
    ).join(ids.select(F.col(ROW).alias("row_r"), F.col(ID).alias("id_r")), "row_r")
    base = joined.select(
        "id_l", "id_r", "match_weight", "match_probability", *gamma, "blocking_rule", "stratum",
        "row_l", "row_r",
    )
    # the sound-alike flag (one household, one birth date, one phonetic key), per pair
    return materialise(base.withColumn("sound_alike", _sound_alike_column(model)))


def _without_slips(
    pairs: DataFrame, recs: JobRecords, stats: GlobalStats, above: Any
) -> DataFrame:
    """``pairs`` with ``sound_alike`` kept only at or above the threshold (``above``) and
    cleared where one spelling is a rare keyboard slip of the other, as
    :func:`~nikmatch.stages.sound_alike` does in memory.  The flagged pairs are few (one
    household, one birth date, one phonetic key): their records are brought to the driver."""
    pairs = pairs.withColumn("sound_alike", F.col("sound_alike") & above)
    flagged = collect_frame(pairs.filter(F.col("sound_alike")).select("row_l", "row_r"))
    if not len(flagged):
        return pairs
    rows = np.unique(flagged[["row_l", "row_r"]].to_numpy(np.int64))
    frame = recs.frame
    wanted = frame.filter(F.col(ROW).isin(rows.tolist())).drop(
        *[c for c in frame.columns if c.startswith("_w_")]
    )
    records = collect_frame(wanted).sort_values(ROW, kind="stable").reset_index(drop=True)
    prepared = local_prepared(records, recs.columns, stats, link=recs.n_list is not None)
    positions = records[ROW].to_numpy(np.int64)
    left = np.searchsorted(positions, flagged["row_l"].to_numpy(np.int64))
    right = np.searchsorted(positions, flagged["row_r"].to_numpy(np.int64))
    slips = name_respelt_rarely(prepared, "nama", left, right)
    if not bool(slips.any()):
        return pairs
    cleared = pairs.sparkSession.createDataFrame(
        flagged[slips].astype("int64").assign(_slip=True)
    )
    return materialise(
        pairs.join(cleared, ["row_l", "row_r"], "left")
        .withColumn("sound_alike", F.col("sound_alike") & F.col("_slip").isNull())
        .drop("_slip")
    )


def _sound_alike_column(model: Model) -> Any:
    """:func:`~nikmatch.stages.sound_alike`'s conditions as a column expression
    (:func:`~nikmatch.stages.sound_alike_rule`)."""
    if not model.strata:
        return F.lit(False)
    rule = sound_alike_rule(model, F.col)
    return F.lit(False) if rule is None else rule


_ = (DEFAULT_THRESHOLD, KEEP_PROBABILITY, DRIVER_EDGES, estimate_lambda, field)
