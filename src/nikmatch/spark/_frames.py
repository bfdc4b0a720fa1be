"""Small Spark DataFrame helpers of :mod:`nikmatch.spark` (no nikmatch logic here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

try:  # an optional extra: ``pip install "nikmatch[spark]"``
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - without the extra
    raise ImportError(
        'nikmatch.spark needs PySpark (>= 3.5): pip install "nikmatch[spark]"'
    ) from exc

from nikmatch.dates import MISSING_DAY

__all__ = [
    "Column",
    "DataFrame",
    "F",
    "SparkSession",
    "T",
    "as_int",
    "birth_parts",
    "collect_frame",
    "dob_column",
    "materialise",
    "with_index",
]


def materialise(df: DataFrame) -> DataFrame:
    """Compute ``df`` once and keep it (a local checkpoint): later uses neither recompute it
    nor see another result of a non-deterministic step (a sort's sampled ranges)."""
    return df.localCheckpoint(eager=True)


def with_index(df: DataFrame, order: Sequence[str | Column], name: str) -> DataFrame:
    """``df`` with a column ``name``: each row's position ``0..n-1`` in ``order`` (which must
    be a total order).  A sort, one count per partition and offsets added: no window over
    the whole frame (which would move every row to one task)."""
    sorted_df = materialise(
        df.sort(*order)
        .withColumn("_pid", F.spark_partition_id())
        .withColumn("_mono", F.monotonically_increasing_id())
    )
    parts = (
        sorted_df.groupBy("_pid")
        .agg(F.min("_mono").alias("_first"), F.count(F.lit(1)).alias("_n"))
        .toPandas()
        .sort_values("_pid")
    )
    offsets = np.concatenate([[0], np.cumsum(parts["_n"].to_numpy(dtype=np.int64))[:-1]])
    table = pd.DataFrame(
        {
            "_pid": parts["_pid"].to_numpy(dtype=np.int32),
            "_base": offsets - parts["_first"].to_numpy(dtype=np.int64),
        }
    )
    spark = df.sparkSession
    bases = spark.createDataFrame(table, schema="_pid int, _base long")
    return sorted_df.join(F.broadcast(bases), "_pid").select(
        *[c for c in df.columns],
        (F.col("_mono") + F.col("_base")).alias(name),
    )


def as_int(value: Any) -> int:
    """An aggregate's value as an int (0 for null / NaN)."""
    return 0 if value is None or pd.isna(value) else int(value)


def dob_column(name: str = "_dob") -> Column:
    """The birth date (days since 1970) as a column, null where missing."""
    return F.when(F.col(name) != F.lit(int(MISSING_DAY)), F.col(name))


def birth_parts(name: str = "_dob") -> tuple[Column, Column, Column]:
    """Year, month and day of the birth date (null where missing)."""
    day = F.date_from_unix_date(dob_column(name))
    return F.year(day), F.month(day), F.dayofmonth(day)


def collect_frame(df: DataFrame) -> pd.DataFrame:
    """``df`` on the driver as pandas (through Arrow)."""
    out: pd.DataFrame = df.toPandas()
    return out


def schema_of(fields: Sequence[tuple[str, Any]]) -> T.StructType:
    """A struct type of ``(name, type)`` pairs (all nullable)."""
    return T.StructType([T.StructField(n, t, True) for n, t in fields])
