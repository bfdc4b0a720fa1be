"""Blocking and scoring on Spark: every rule's blocks, each scored in a task that holds whole
blocks of records (``applyInPandas``), with the in-memory engine's stage functions.

What the in-memory engine reads from the whole register is computed first, once:

* each :class:`~nikmatch.blocking.BlockOn` rule's block sizes (one aggregation over all
  rules); a block larger than the rule's ``max_block_size`` is skipped before anything moves,
  so a default birth date shared by half a million records never lands on one executor;
* each :class:`~nikmatch.blocking.SortedNeighbourhood` rule's global order (a sort and offsets);
* each :class:`~nikmatch.blocking.WordBlock` rule's blocks and its per-record budget (the
  smallest blocks first, ties by a block's first record, as in memory).

Every record then carries the keys of the blocks it is in (``_pk_k``/``_pk_h``: BlockOn; ``_sp``
positions; ``_wk_k``/``_wk_t``: WordBlock), so "no pair twice" is decided inside a task: a
pair found by a rule is dropped when the two records share a block of an earlier rule (its
keys agree, or it lies within an earlier window), exactly as :class:`~nikmatch.blocking._Seen`
decides it in memory.  Pairs are never shuffled: only records move, and only the scored pairs
with evidence leave a task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.blocking import (
    BlockingRule,
    BlockOn,
    GivenPairs,
    SortedNeighbourhood,
    WordBlock,
    _pairs_across_runs,
    _pairs_within_runs,
    _rule_blocks,
)
from nikmatch.model import Model
from nikmatch.prepare import GlobalStats
from nikmatch.spark._frames import (
    Column,
    DataFrame,
    F,
    T,
    as_int,
    collect_frame,
    materialise,
    schema_of,
    with_index,
)
from nikmatch.spark._records import (
    ROW,
    SOURCE,
    JobRecords,
    key_column,
    local_prepared,
)
from nikmatch.stages import score_chunk

__all__ = ["BlockPlan", "plan_blocks", "score_blocks"]

I64 = npt.NDArray[np.int64]

#: Records per task when scoring blocks (many blocks to a task: Python's overhead per call).
RECORDS_PER_TASK = 40_000
#: Records of a sorted neighbourhood per task (plus the next ``window`` ones).
SN_CHUNK = 40_000
_HUGE = np.iinfo(np.int64).max


@dataclass
class BlockPlan:
    """What :func:`plan_blocks` found: the records with their block keys (``frame``), per
    rule the number of tasks, and the diagnostics (pairs per rule before the union, the
    largest blocks, what was skipped)."""

    frame: DataFrame
    rules: list[BlockingRule]
    tasks: dict[int, int]
    diagnostics: pd.DataFrame
    sn_columns: dict[int, str] = field(default_factory=dict)


def _rule_hash(k: int, rule: BlockOn | WordBlock, recs: JobRecords) -> Column:
    cols = [key_column(f, recs.fields) for f in rule.fields]
    present = F.lit(True)
    for c in cols:
        present = present & c.isNotNull()
    return F.when(present, F.xxhash64(F.lit(k), *cols))


def _pairable(size: Column, n_left: Column, link: bool, max_size: Column) -> Column:
    if link:
        return (n_left >= 1) & (size - n_left >= 1) & (size <= max_size)
    return (size >= 2) & (size <= max_size)


def _pairs_count(size: Column, n_left: Column, link: bool) -> Column:
    if link:
        return n_left * (size - n_left)
    return size * (size - 1) / 2


def plan_blocks(recs: JobRecords, rules: Sequence[BlockingRule]) -> BlockPlan:
    """Every rule's blocks, and each record's block keys (see the module docstring)."""
    rules = list(rules)
    for rule in rules:
        if isinstance(rule, GivenPairs):
            raise ValueError("nikmatch.spark takes no given candidate pairs (GivenPairs)")
    link = recs.n_list is not None
    frame = recs.frame
    side = F.col(SOURCE) if link else F.lit(-1).cast("byte")
    diag: dict[int, dict[str, Any]] = {
        k: {
            "rule": r.name,
            "pairs": 0,
            "new_pairs": 0,
            "largest_block": 0,
            "largest_blocks": "",
            "skipped_records": 0,
            "skipped_pairs": 0,
        }
        for k, r in enumerate(rules)
    }
    tasks: dict[int, int] = {}
    annotations: list[DataFrame] = []

    # -- BlockOn: block sizes of all rules in one aggregation ---------------------------------
    block_on = [(k, r) for k, r in enumerate(rules) if isinstance(r, BlockOn)]
    if block_on:
        keyed = frame.select(
            ROW,
            side.alias("_s"),
            F.explode(
                F.array(
                    *[
                        F.struct(F.lit(k).alias("k"), _rule_hash(k, r, recs).alias("h"))
                        for k, r in block_on
                    ]
                )
            ).alias("_e"),
        ).select(ROW, "_s", F.col("_e.k").alias("k"), F.col("_e.h").alias("h"))
        keyed = keyed.filter(F.col("h").isNotNull())
        max_size = F.element_at(
            F.create_map(*[x for k, r in block_on for x in (F.lit(k), F.lit(r.max_block_size))]),
            F.col("k"),
        )
        counts = materialise(
            keyed.groupBy("k", "h").agg(
                F.count(F.lit(1)).alias("size"),
                F.sum((F.col("_s") == 0).cast("long")).alias("nl"),
            )
            .withColumn("max", max_size)
        )
        pairs = _pairs_count(F.col("size"), F.col("nl"), link)
        has_pairs = (F.col("nl") >= 1) & (F.col("size") - F.col("nl") >= 1) if link else (
            F.col("size") >= 2
        )
        summary = collect_frame(
            counts.groupBy("k").agg(
                F.sum(F.when(_pairable(F.col("size"), F.col("nl"), link, F.col("max")), pairs))
                .cast("long").alias("pairs"),
                F.sum(F.when(has_pairs & (F.col("size") > F.col("max")), F.col("size")))
                .cast("long").alias("skipped_records"),
                F.sum(F.when(has_pairs & (F.col("size") > F.col("max")), pairs))
                .cast("long").alias("skipped_pairs"),
                F.sum(F.when(_pairable(F.col("size"), F.col("nl"), link, F.col("max")),
                             F.col("size"))).cast("long").alias("members"),
            )
        )
        sizes = collect_frame(
            counts.filter(_pairable(F.col("size"), F.col("nl"), link, F.col("max")))
            .groupBy("k", "size").count()
        )
        for row in summary.itertuples(index=False):
            k = as_int(row.k)
            d = diag[k]
            d["pairs"] = d["new_pairs"] = as_int(row.pairs)
            d["skipped_records"] = as_int(row.skipped_records)
            d["skipped_pairs"] = as_int(row.skipped_pairs)
            tasks[k] = max(1, as_int(row.members) // RECORDS_PER_TASK)
            of_rule = sizes[sizes["k"] == k].sort_values("size", ascending=False)
            top = np.repeat(
                of_rule["size"].to_numpy(np.int64), of_rule["count"].to_numpy(np.int64)
            )[:5]
            d["largest_block"] = int(top[0]) if len(top) else 0
            d["largest_blocks"] = ", ".join(str(int(x)) for x in top)
        big = counts.filter(F.col("size") > F.col("max")).select("k", "h")
        kept = counts.filter(_pairable(F.col("size"), F.col("nl"), link, F.col("max"))).select(
            "k", "h"
        )
        members = keyed.join(F.broadcast(big), ["k", "h"], "left_anti").join(kept, ["k", "h"])
        annotations.append(
            members.groupBy(ROW).agg(
                F.collect_list("k").alias("_pk_k"), F.collect_list("h").alias("_pk_h")
            )
        )

    # -- sorted neighbourhoods: a global order each ------------------------------------------
    sn_columns: dict[int, str] = {}
    for k, rule in enumerate(rules):
        if not isinstance(rule, SortedNeighbourhood):
            continue
        order = _sn_order(rule, recs)
        valid = frame.filter(order[0]).select(ROW, *[o.alias(f"_o{i}") for i, o in
                                                     enumerate(order[1:])])
        name = f"_sp{k}"
        positioned = with_index(valid, [*[f"_o{i}" for i in range(len(order) - 1)], ROW], name)
        annotations.append(positioned.select(ROW, name))
        sn_columns[k] = name
        n_valid = positioned.count()
        total = sum(max(n_valid - s, 0) for s in range(1, rule.window + 1))
        diag[k].update(pairs=total, new_pairs=total, largest_block=rule.window + 1)
        tasks[k] = max(1, -(-n_valid // SN_CHUNK))

    # -- word blocks: blocks, the budget, the kept tokens of each record ---------------------
    word_members: list[DataFrame] = []
    for k, rule in enumerate(rules):
        if not isinstance(rule, WordBlock):
            continue
        kept_tokens, n_members, n_pairs = _word_blocks(k, rule, recs)
        word_members.append(kept_tokens)
        diag[k].update(pairs=n_pairs, new_pairs=n_pairs, largest_block=rule.max_block_size)
        tasks[k] = max(1, n_members // RECORDS_PER_TASK)
    if word_members:
        union = word_members[0]
        for extra in word_members[1:]:
            union = union.unionByName(extra)
        annotations.append(
            union.groupBy(ROW).agg(
                F.collect_list("k").alias("_wk_k"), F.collect_list("t").alias("_wk_t")
            )
        )

    # the block keys gathered in one narrow table first: the records themselves (wide) are
    # joined once
    keys = frame.select(ROW)
    for table in annotations:
        keys = keys.join(table, ROW, "left")
    for name, kind in (("_pk_k", T.IntegerType()), ("_pk_h", T.LongType()),
                       ("_wk_k", T.IntegerType()), ("_wk_t", T.LongType())):
        if name not in keys.columns:
            keys = keys.withColumn(name, F.lit(None).cast(T.ArrayType(kind)))
    annotated = materialise(frame.join(materialise(keys), ROW, "left"))
    diagnostics = pd.DataFrame([diag[k] for k in range(len(rules))])
    return BlockPlan(annotated, rules, tasks, diagnostics, sn_columns)


def _sn_order(rule: SortedNeighbourhood, recs: JobRecords) -> list[Column]:
    """A sorted neighbourhood's records (first: which have the key) and their sort order
    (the rank of :meth:`~nikmatch.prepare.Prepared.keys`, ties by position)."""
    if rule.sort_field == "nama_key_dob":
        key = F.col("_v_nama_key")
        dob = F.col("_dob")
        return [key.isNotNull() & (dob != F.lit(-(2**31))), key, dob]
    if rule.sort_field in ("no_identitas_sorted", "no_identitas_reversed"):
        text = F.col("_v_no_identitas")
        value = text if rule.sort_field.endswith("sorted") else F.reverse(text)
        return [text.isNotNull(), value]
    raise KeyError(f"sort field not available: {rule.sort_field!r}")


def _word_blocks(k: int, rule: WordBlock, recs: JobRecords) -> tuple[DataFrame, int, int]:
    """A word rule's kept blocks: ``(row, k, t)`` per record and kept token, the records in
    them (counted once per block) and the pairs they make (before the union)."""
    link = recs.n_list is not None
    frame = recs.frame
    words = f"_w_{rule.column}"
    if words not in frame.columns:
        raise KeyError(f"no words of {rule.column!r} to block on")
    fields = [key_column(f, recs.fields) for f in rule.fields]
    present = F.lit(True)
    for c in fields:
        present = present & c.isNotNull()
    tokens = frame.filter(present).select(
        ROW,
        (F.col(SOURCE) if link else F.lit(-1).cast("byte")).alias("_s"),
        F.posexplode(F.col(words)).alias("_p", "_word"),
        *[c.alias(f"_f{i}") for i, c in enumerate(fields)],
    ).select(
        ROW,
        "_s",
        F.xxhash64(F.lit(k), F.col("_word"), *[F.col(f"_f{i}") for i in range(len(fields))])
        .alias("t"),
        (F.col(ROW) * F.lit(4096) + F.col("_p")).alias("_first"),
    )
    tokens = materialise(tokens)
    blocks = tokens.groupBy("t").agg(
        F.count(F.lit(1)).alias("size"),
        F.sum((F.col("_s") == 0).cast("long")).alias("nl"),
        F.min("_first").alias("first"),
    )
    kept = blocks.filter(
        _pairable(F.col("size"), F.col("nl"), link, F.lit(rule.max_block_size))
    ).withColumn("pairs", _pairs_count(F.col("size"), F.col("nl"), link).cast("long"))
    kept = materialise(kept)
    per = recs.n if not link else 2 * int(recs.n_list or 0)
    budget = rule.pairs_per_record * max(per, 1)
    by_size = collect_frame(
        kept.groupBy("size").agg(F.sum("pairs").alias("pairs"), F.count(F.lit(1)).alias("n"))
    ).sort_values("size")
    total = int(by_size["pairs"].sum()) if len(by_size) else 0
    if total > budget:  # the smallest blocks (rarest words) first, ties by first record
        cum = np.cumsum(by_size["pairs"].to_numpy(np.int64))
        whole = cum <= budget
        sizes = by_size["size"].to_numpy(np.int64)
        last_whole = int(sizes[whole].max()) if whole.any() else -1
        cut = int(sizes[~whole].min())
        room = budget - (int(cum[whole][-1]) if whole.any() else 0)
        at_cut = collect_frame(
            kept.filter(F.col("size") == cut).select("first", "pairs")
        ).sort_values("first")
        fits = np.cumsum(at_cut["pairs"].to_numpy(np.int64)) <= room
        condition = F.col("size") <= F.lit(last_whole)
        if fits.any():
            first_max = int(at_cut["first"].to_numpy(np.int64)[fits].max())
            condition = condition | (
                (F.col("size") == F.lit(cut)) & (F.col("first") <= F.lit(first_max))
            )
        kept = materialise(kept.filter(condition))
    stats = kept.agg(F.sum("size").alias("m"), F.sum("pairs").alias("p")).collect()[0]
    members = tokens.join(kept.select("t"), "t").select(ROW, F.lit(k).alias("k"), "t")
    return members, int(stats["m"] or 0), int(stats["p"] or 0)


# ---- scoring -------------------------------------------------------------------------------


def _of_rule(k: int) -> Any:
    """A predicate on a (rule, token) struct: the token is one of rule ``k``'s."""
    return lambda x: x["k"] == F.lit(k)


def _payload_columns(plan: BlockPlan) -> list[str]:
    return [c for c in plan.frame.columns if not c.startswith("_w_")]


def memberships(plan: BlockPlan) -> DataFrame:
    """One row per (rule, block, record) with the record's data: the rows tasks score."""
    frame = plan.frame
    payload = _payload_columns(plan)
    parts: list[DataFrame] = []
    for k, rule in enumerate(plan.rules):
        tasks = plan.tasks.get(k, 0)
        if not tasks:
            continue
        if isinstance(rule, BlockOn):
            pos = F.array_position(F.col("_pk_k"), F.lit(k))
            rows = frame.filter(F.coalesce(pos, F.lit(0)) > 0).select(
                *payload, F.element_at(F.col("_pk_h"), pos.cast("int")).alias("_b")
            )
            parts.append(
                rows.select(
                    F.lit(k).alias("_k"),
                    F.pmod(F.xxhash64(F.col("_b")), F.lit(tasks)).alias("_g"),
                    "_b",
                    F.lit(True).alias("_home"),
                    *payload,
                )
            )
        elif isinstance(rule, WordBlock):
            zipped = F.arrays_zip(F.col("_wk_k").alias("k"), F.col("_wk_t").alias("t"))
            mine = F.filter(zipped, _of_rule(k))
            rows = frame.filter(F.size(F.coalesce(mine, F.array())) > 0).select(
                *payload, F.explode(mine).alias("_e")
            )
            parts.append(
                rows.select(
                    F.lit(k).alias("_k"),
                    F.pmod(F.xxhash64(F.col("_e.t")), F.lit(tasks)).alias("_g"),
                    F.col("_e.t").alias("_b"),
                    F.lit(True).alias("_home"),
                    *payload,
                )
            )
        elif isinstance(rule, SortedNeighbourhood):
            pos = F.col(plan.sn_columns[k])
            chunk = F.floor(pos / F.lit(SN_CHUNK)).cast("long")
            home = frame.filter(pos.isNotNull()).select(
                F.lit(k).alias("_k"), chunk.alias("_g"), pos.alias("_b"),
                F.lit(True).alias("_home"), *payload,
            )
            tail = frame.filter(
                pos.isNotNull() & (pos >= SN_CHUNK) & (F.pmod(pos, F.lit(SN_CHUNK)) < rule.window)
            ).select(
                F.lit(k).alias("_k"), (chunk - 1).alias("_g"), pos.alias("_b"),
                F.lit(False).alias("_home"), *payload,
            )
            parts.extend([home, tail])
    out = parts[0]
    for extra in parts[1:]:
        out = out.unionByName(extra)
    return out


def pair_schema(model: Model) -> T.StructType:
    """The rows a scoring task returns: kept pairs, and one summary row per task
    (``row_l`` -1: candidates in no stratum and in each stratum, ``_counts``)."""
    fields: list[tuple[str, Any]] = [
        ("_k", T.IntegerType()),
        ("row_l", T.LongType()),
        ("row_r", T.LongType()),
        ("bw", T.DoubleType()),
        ("_stratum", T.ByteType()),
    ]
    fields += [(f"gamma_{name}", T.ByteType()) for name in model.names]
    fields.append(("_counts", T.ArrayType(T.LongType())))
    return schema_of(fields)


def _seen_table(frame: pd.DataFrame, n_rules: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Per local record and rule index: the BlockOn block hash (and whether there is one)."""
    n = len(frame)
    hashes = np.zeros((n, max(n_rules, 1)), dtype=np.int64)
    has = np.zeros((n, max(n_rules, 1)), dtype=bool)
    ks, hs = frame["_pk_k"].to_numpy(dtype=object), frame["_pk_h"].to_numpy(dtype=object)
    lengths = np.fromiter((0 if x is None else len(x) for x in ks.tolist()), np.int64, count=n)
    if lengths.sum():
        rows = np.repeat(np.arange(n), lengths)
        k_flat = np.concatenate([np.asarray(x, np.int64) for x in ks.tolist() if x is not None
                                 and len(x)])
        h_flat = np.concatenate([np.asarray(x, np.int64) for x in hs.tolist() if x is not None
                                 and len(x)])
        hashes[rows, k_flat] = h_flat
        has[rows, k_flat] = True
    return hashes, has


def _word_lists(frame: pd.DataFrame) -> tuple[I64, I64, I64]:
    """Per local record, its kept word tokens of every word rule: flat (record, rule, token)."""
    n = len(frame)
    ks, ts = frame["_wk_k"].to_numpy(dtype=object), frame["_wk_t"].to_numpy(dtype=object)
    lengths = np.fromiter((0 if x is None else len(x) for x in ks.tolist()), np.int64, count=n)
    if not lengths.sum():
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    k_flat = np.concatenate([np.asarray(x, np.int64) for x in ks.tolist() if x is not None
                             and len(x)])
    t_flat = np.concatenate([np.asarray(x, np.int64) for x in ts.tolist() if x is not None
                             and len(x)])
    return rows, k_flat, t_flat


def _shared_word(
    left: I64, right: I64, rows: I64, rules_of: I64, tokens: I64, rule: int
) -> tuple[npt.NDArray[np.bool_], I64]:
    """Per pair: whether the two records share a kept token of word rule ``rule``, and the
    smallest one they share (0 where none)."""
    mine = rules_of == rule
    r, t = rows[mine], tokens[mine]
    shared = np.zeros(len(left), dtype=bool)
    smallest = np.zeros(len(left), dtype=np.int64)
    if not len(r) or not len(left):
        return shared, smallest
    table = pd.DataFrame({"rec": r, "t": t})
    a = pd.DataFrame({"p": np.arange(len(left)), "rec": left}).merge(table, on="rec")
    b = pd.DataFrame({"p": np.arange(len(right)), "rec": right}).merge(table, on="rec")
    both = a.merge(b, on=["p", "t"])
    if len(both):
        low = both.groupby("p")["t"].min()
        idx = low.index.to_numpy(np.int64)
        shared[idx] = True
        smallest[idx] = low.to_numpy(np.int64)
    return shared, smallest


def score_blocks(
    plan: BlockPlan,
    recs: JobRecords,
    model: Model,
    stats: GlobalStats,
    *,
    keep_bayes_weight: float = 0.0,
) -> DataFrame:
    """Score every rule's candidate pairs: one task per group of whole blocks (see the module
    docstring); kept pairs and per-task counts (:func:`pair_schema`)."""
    rules = plan.rules
    link = recs.n_list is not None
    tf_source = recs.tf_source
    columns = recs.columns
    n_rules = len(rules)
    sn_columns = dict(plan.sn_columns)
    schema = pair_schema(model)
    names = [f.name for f in schema.fields]
    n_strata = len(model.strata)
    spark = plan.frame.sparkSession
    shipped = spark.sparkContext.broadcast((model, stats))

    def task(frame: pd.DataFrame) -> pd.DataFrame:
        scoring_model, job = shipped.value
        k = int(frame["_k"].iloc[0])
        rule = rules[k]
        records = frame.drop_duplicates(ROW).sort_values(ROW, kind="stable")
        rows = records[ROW].to_numpy(dtype=np.int64)
        prepared = local_prepared(records, columns, job, link=link)
        member = np.searchsorted(rows, frame[ROW].to_numpy(dtype=np.int64))
        source = prepared.source
        if isinstance(rule, BlockOn | WordBlock):
            block, _ = pd.factorize(frame["_b"].to_numpy(dtype=np.int64))
            block = block.astype(np.int64)
            side = None if source is None else source[member]
            blocks = _rule_blocks(BlockOn("b", max_block_size=_HUGE), block, side)
            if blocks.n_left is None:
                a, b = _pairs_within_runs(blocks.order, blocks.starts, blocks.lengths)
            else:
                a, b = _pairs_across_runs(blocks.order, blocks.starts, blocks.lengths,
                                          blocks.n_left)
            block_of_pair = frame["_b"].to_numpy(dtype=np.int64)[a]
            left, right = member[a], member[b]
        else:  # sorted neighbourhood: windows over the positions
            if not isinstance(rule, SortedNeighbourhood):  # the plan holds no other kind
                raise TypeError(f"no Spark blocking for a rule of type {type(rule).__name__}")
            pos = frame["_b"].to_numpy(dtype=np.int64)
            order = np.argsort(pos, kind="stable")
            pos, home, mem = pos[order], frame["_home"].to_numpy(dtype=bool)[order], member[order]
            ls, rs = [], []
            for step in range(1, rule.window + 1):
                at = np.flatnonzero(home[:-step]) if len(pos) > step else np.zeros(0, np.int64)
                nxt = at + step
                ok = pos[nxt] == pos[at] + step
                ls.append(mem[at[ok]])
                rs.append(mem[nxt[ok]])
            left = np.concatenate(ls) if ls else np.zeros(0, np.int64)
            right = np.concatenate(rs) if rs else np.zeros(0, np.int64)
            block_of_pair = np.zeros(len(left), dtype=np.int64)
            if source is not None:
                cross = source[left] != source[right]
                left, right = left[cross], right[cross]
                block_of_pair = block_of_pair[cross]
        if source is None:
            left, right = np.minimum(left, right), np.maximum(left, right)
        else:
            flip = source[left] == 1
            left, right = np.where(flip, right, left), np.where(flip, left, right)
        distinct = left != right
        left, right, block_of_pair = left[distinct], right[distinct], block_of_pair[distinct]
        # no pair twice: an earlier rule's block (or window) holds both records
        drop = np.zeros(len(left), dtype=bool)
        if k and len(left):
            hashes, has = _seen_table(records, n_rules)
            earlier = np.arange(n_rules) < k
            agree = has[left] & has[right] & (hashes[left] == hashes[right])
            drop |= (agree & earlier[None, :]).any(axis=1)
            for j, column in sn_columns.items():
                if j < k:
                    sn_pos = records[column].astype("float64").to_numpy()
                    pl, pr = sn_pos[left], sn_pos[right]
                    win = rules[j].window  # type: ignore[union-attr]
                    drop |= ~np.isnan(pl) & ~np.isnan(pr) & (np.abs(pl - pr) <= win)
        if isinstance(rule, WordBlock) and len(left):
            w_rows, w_rules, w_tokens = _word_lists(records)
            _, smallest = _shared_word(left, right, w_rows, w_rules, w_tokens, k)
            drop |= smallest != block_of_pair  # the pair's smallest shared block scores it
            for j, other in enumerate(rules[:k]):
                if isinstance(other, WordBlock):
                    drop |= _shared_word(left, right, w_rows, w_rules, w_tokens, j)[0]
        left, right = left[~drop], right[~drop]
        scored = score_chunk(
            scoring_model, prepared, left, right, keep_bayes_weight=keep_bayes_weight,
            tf_source=tf_source,
        )
        out: dict[str, Any] = {
            "_k": np.full(len(scored.left) + 1, k, dtype=np.int32),
            "row_l": np.concatenate([rows[scored.left], [-1]]).astype(np.int64),
            "row_r": np.concatenate([rows[scored.right], [-1]]).astype(np.int64),
            "bw": np.concatenate([scored.bayes_weight, [0.0]]),
            "_stratum": np.concatenate([scored.stratum, [0]]).astype(np.int8),
        }
        for j, name in enumerate(scoring_model.names):
            out[f"gamma_{name}"] = np.concatenate([scored.levels[:, j], [0]]).astype(np.int8)
        counts = [None] * len(scored.left) + [scored.stratum_candidates[: n_strata + 1].tolist()]
        out["_counts"] = pd.Series(counts, dtype=object)
        table: pd.DataFrame = pd.DataFrame(out)
        chosen: pd.DataFrame = table[names]
        return chosen

    rows_in = memberships(plan)
    out: DataFrame = rows_in.groupBy("_k", "_g").applyInPandas(task, schema)
    return out
