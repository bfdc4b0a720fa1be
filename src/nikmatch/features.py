"""nikmatch's comparisons as a feature table, for other toolkits (recordlinkage, scikit-learn).

:func:`comparison_features` scores any candidate pairs (a ``MultiIndex`` of index labels, as
recordlinkage's indexers return) with nikmatch's Indonesian-aware comparisons and returns one
row per pair and one column per comparison, indexed like the input pairs: exactly the shape
recordlinkage's classifiers take (``ECMClassifier`` wants binary features:
``binary=True`` gives "agrees at its best level or the one below").  Nothing here imports
recordlinkage, which pins pandas < 3 and is therefore an optional extra.

>>> import pandas as pd
>>> df = pd.DataFrame({"nama": ["Moch. Yusup", "MUHAMMAD YUSUF", "Siti Aminah"],
...                    "tanggal_lahir": ["1990-01-02", "02-01-1990", "1985-05-05"]})
>>> pairs = pd.MultiIndex.from_tuples([(0, 1), (0, 2)])
>>> comparison_features(df, pairs)[["nama", "tanggal_lahir"]].to_dict("list")
{'nama': [10, 1], 'tanggal_lahir': [8, 1]}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nikmatch.comparisons import Comparison, compare, default_comparisons
from nikmatch.model import Model
from nikmatch.prepare import link_prepared, prepare
from nikmatch.schema import ColumnMapping

__all__ = ["comparison_features"]


def comparison_features(
    df_a: pd.DataFrame,
    pairs: pd.MultiIndex,
    df_b: pd.DataFrame | None = None,
    *,
    columns: ColumnMapping | None = None,
    comparisons: list[Comparison] | None = None,
    model: Model | None = None,
    binary: bool = False,
) -> pd.DataFrame:
    """Comparison levels (or, with ``model``, weights in bits) of candidate pairs.

    ``pairs`` holds index labels: of ``df_a`` twice (deduplication) or of ``df_a`` then
    ``df_b`` (linkage).  Levels are the integers of each comparison's ``level_labels`` (0 is
    missing).  With ``model`` the columns are that model's per-comparison weights (term
    frequencies included), which sum, with the prior, to the match weight.  Raises
    ``KeyError`` for labels that are not in the frames.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"nama": ["Siti Aminah"], "tanggal_lahir": ["1990-01-01"]})
    >>> b = pd.DataFrame({"nama": ["SITTI AMINAH", "Budi"],
    ...                   "tanggal_lahir": ["01-01-1990", "1990-01-01"]}, index=[10, 11])
    >>> pairs = pd.MultiIndex.from_tuples([(0, 10), (0, 11)])
    >>> comparison_features(a, pairs, b, binary=True).to_dict("list")
    {'nama': [1, 0], 'tanggal_lahir': [1, 1]}
    """
    if not isinstance(pairs, pd.MultiIndex) or pairs.nlevels != 2:
        raise ValueError("pairs must be a MultiIndex of (left label, right label)")
    if df_b is None:
        prepared = prepare(df_a, columns)
        right_index, offset = pd.Index(df_a.index), 0
    else:
        prepared, offset = link_prepared(prepare(df_a, columns), prepare(df_b, columns))
        right_index = pd.Index(df_b.index)
    left_index = pd.Index(df_a.index)
    if not left_index.is_unique or not right_index.is_unique:
        raise ValueError("comparison_features needs unique index labels")
    pl = left_index.get_indexer(pairs.get_level_values(0))
    pr = right_index.get_indexer(pairs.get_level_values(1))
    if (pl < 0).any() or (pr < 0).any():
        raise KeyError(f"{int(((pl < 0) | (pr < 0)).sum())} pair(s) name unknown records")
    left = pl.astype(np.int64)
    right = (pr + offset).astype(np.int64)
    comps = (
        list(model.comparisons)
        if model is not None
        else (comparisons if comparisons is not None else default_comparisons(prepared))
    )
    levels = compare(comps, prepared, left, right)
    if model is not None:
        parts = model.contributions(
            prepared, levels, left, right, tf_source=None if df_b is None else 1
        )
        data = {c.name: parts[:, j] for j, c in enumerate(model.comparisons)}
        out: pd.DataFrame = pd.DataFrame(data, index=pairs)
        return out
    if binary:
        data_b = {
            c.name: (levels[:, j] >= c.n_levels - 2).astype(np.int8) for j, c in enumerate(comps)
        }
        out = pd.DataFrame(data_b, index=pairs)
        return out
    out = pd.DataFrame({c.name: levels[:, j] for j, c in enumerate(comps)}, index=pairs)
    return out
