"""The richer pair features of ``oracle.py`` (main venv: nikmatch, numpy, pandas, rapidfuzz).

Beside the gamma levels and the match weight that the first oracle saw, the classifier gets
what a richer comparison could use, computed for all candidate pairs at once (per distinct
value or per distinct value pair, never a Python loop over pairs):

* ``bits_<comparison>``: each comparison's contribution to the match weight in bits, with the
  term-frequency adjustments and the stratum's prior (``result.contributions``; ``NaN`` where a
  value is missing);
* ``stratum`` (categorical: none or household), ``sound_alike``, ``ambiguous``;
* name similarity of the normalised values that the levels coarsen: Jaro-Winkler, token-sort
  and token-set ratio of the full names, Jaro-Winkler of the mothers' names;
* how common the names are in this register: records sharing each full name and the register
  count of each name's rarest word (the rarer and the commoner side, log2), words per name;
* birth dates: absolute difference in days, digits differing in ``YYYYMMDD``, same month and
  day (a year off), day and month swapped;
* the same KK number, kelurahan, kecamatan, birthplace (``NaN`` where a side lacks it);
* competition among the candidate pairs: pairs per record, and the margin in bits between
  this pair and each record's best other candidate (the smaller and the larger margin).

Only numbers leave this module; no record value is written anywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from nikmatch.dates import MISSING_DAY, day_parts

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Strata a pair may be weighed in (``pairs["stratum"]``), as category codes 0, 1, ...
STRATA = ("", "household")
#: Pair features that are categories (codes >= 0), not numbers.
CATEGORICAL = ("stratum",)


def _text_scores(prepared: Any, column: str, left: I64, right: I64, scorer: Any,
                 scale: float = 1.0) -> F64:
    """``scorer`` of the normalised ``column`` values of each pair divided by ``scale``, once
    per distinct pair of values; ``NaN`` where a side is missing or the column absent."""
    out = np.full(len(left), np.nan)
    if column not in prepared.codes:
        return out
    codes = prepared.codes[column]
    cl, cr = codes[left].astype(np.int64), codes[right].astype(np.int64)
    ok = (cl >= 0) & (cr >= 0)
    if not ok.any():
        return out
    values = prepared.values[column]
    keys, inverse = np.unique(cl[ok] * len(values) + cr[ok], return_inverse=True)
    scores = process.cpdist(values[keys // len(values)].tolist(),
                            values[keys % len(values)].tolist(), scorer=scorer, workers=-1)
    out[ok] = np.asarray(scores, dtype=np.float64)[inverse.ravel()] / scale
    return out


def _same(prepared: Any, column: str, left: I64, right: I64) -> F64:
    """1 where both records hold the same normalised value, 0 where they differ, ``NaN``
    where a side is missing."""
    out = np.full(len(left), np.nan)
    if column not in prepared.codes:
        return out
    codes = prepared.codes[column]
    cl, cr = codes[left], codes[right]
    ok = (cl >= 0) & (cr >= 0)
    out[ok] = (cl[ok] == cr[ok]).astype(np.float64)
    return out


def _name_counts(prepared: Any, column: str) -> tuple[F64, F64, F64]:
    """Per record: how many records hold its full ``column`` value, the register count of its
    rarest word, its number of words (``NaN`` where missing)."""
    n = prepared.n
    if column not in prepared.codes:
        empty = np.full(n, np.nan)
        return empty, empty.copy(), empty.copy()
    codes = prepared.codes[column].astype(np.int64)
    values = prepared.values[column]
    present = codes >= 0
    per_value = np.bincount(codes[present], minlength=len(values)).astype(np.float64)
    words = pd.Series(values, dtype=object).astype(str).str.split()
    n_words = words.str.len().to_numpy(np.float64)
    exploded = words.explode()
    exploded = exploded[exploded.notna() & (exploded != "")]
    owner = exploded.index.to_numpy(np.int64)  # distinct value each word comes from
    word_codes, _ = pd.factorize(exploded.to_numpy(dtype=object))
    word_count = np.bincount(word_codes, weights=per_value[owner])  # records using the word
    rarest = np.full(len(values), np.nan)
    if len(owner):
        rarest_series = pd.Series(word_count[word_codes]).groupby(owner).min()
        rarest[rarest_series.index.to_numpy()] = rarest_series.to_numpy()

    def per_record(per_distinct: F64) -> F64:
        out = np.full(n, np.nan)
        out[present] = per_distinct[codes[present]]
        return out

    return per_record(per_value), per_record(rarest), per_record(n_words)


def _date_features(prepared: Any, left: I64, right: I64) -> dict[str, F64]:
    dob = prepared.dob
    dl, dr = dob[left], dob[right]
    ok = (dl != MISSING_DAY) & (dr != MISSING_DAY)
    days = np.full(len(left), np.nan)
    days[ok] = np.abs(dl[ok].astype(np.int64) - dr[ok].astype(np.int64))
    yl, ml, el = (part.astype(np.int64) for part in day_parts(dl))
    yr, mr, er = (part.astype(np.int64) for part in day_parts(dr))
    a, b = yl * 10_000 + ml * 100 + el, yr * 10_000 + mr * 100 + er
    digits = sum(((a // 10**k) % 10 != (b // 10**k) % 10).astype(np.int64) for k in range(8))
    out = {
        "dob_days": days,
        "dob_digits": np.asarray(digits, dtype=np.float64),
        "dob_same_month_day": ((ml == mr) & (el == er)).astype(np.float64),
        "dob_day_month_swapped": ((ml == er) & (el == mr) & (ml != el) & (yl == yr))
        .astype(np.float64),
    }
    for name in ("dob_digits", "dob_same_month_day", "dob_day_month_swapped"):
        out[name][~ok] = np.nan
    return out


def _competition(left: I64, right: I64, weight: F64, n: int) -> dict[str, F64]:
    """Pairs per record and the margin of each pair over its records' best other pair."""
    records = np.concatenate([left, right])
    weights = np.concatenate([weight, weight])
    degree = np.bincount(records, minlength=n).astype(np.float64)
    order = np.lexsort((-weights, records))  # by record, best pair first
    rec_sorted, w_sorted = records[order], weights[order]
    first = np.r_[True, rec_sorted[1:] != rec_sorted[:-1]]
    start = np.flatnonzero(first)
    group_start = np.repeat(start, np.diff(np.r_[start, len(order)]))
    top1 = w_sorted[group_start]
    top2 = np.full(len(order), np.nan)  # the record's second-best weight, if it has two pairs
    inside = np.flatnonzero(group_start + 1 < len(order))
    inside = inside[rec_sorted[group_start[inside] + 1] == rec_sorted[inside]]
    top2[inside] = w_sorted[group_start[inside] + 1]
    best_other = np.where(first, top2, top1)  # the record's best pair other than this one
    margin = np.empty(len(order))
    margin[order] = w_sorted - best_other
    margin_l, margin_r = margin[: len(left)], margin[len(left):]
    return {
        "pairs_min": np.minimum(degree[left], degree[right]),
        "pairs_max": np.maximum(degree[left], degree[right]),
        # fmin/fmax: a record with no other pair has no margin (NaN) on its side
        "margin_min": np.fmin(margin_l, margin_r),
        "margin_max": np.fmax(margin_l, margin_r),
    }


def pair_features(result: Any, pairs: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """Names and values (``float32``, one row per row of ``pairs``) of the richer features
    (see the module docstring); ``stratum`` holds category codes (:data:`CATEGORICAL`)."""
    prepared = result.prepared
    left = pairs["row_l"].to_numpy(np.int64)
    right = pairs["row_r"].to_numpy(np.int64)
    columns: dict[str, F64] = {}

    contributions = result.contributions(pairs)
    for name in contributions.columns:
        columns[f"bits_{name}"] = contributions[name].to_numpy(np.float64)
    stratum = pairs["stratum"].astype(str)
    unknown = sorted(set(stratum.unique()) - set(STRATA))
    if unknown:
        raise ValueError(f"pairs weighed in strata unknown to the oracle: {unknown}; add them "
                         "to _oracle_features.STRATA")
    columns["stratum"] = stratum.map({s: i for i, s in enumerate(STRATA)}).to_numpy(np.float64)
    columns["sound_alike"] = pairs["sound_alike"].to_numpy(np.float64)
    columns["ambiguous"] = pairs["ambiguous"].to_numpy(np.float64)

    columns["jw_nama"] = _text_scores(prepared, "nama", left, right,
                                      JaroWinkler.normalized_similarity)
    columns["token_sort_nama"] = _text_scores(prepared, "nama", left, right,
                                              fuzz.token_sort_ratio, 100.0)
    columns["token_set_nama"] = _text_scores(prepared, "nama", left, right,
                                             fuzz.token_set_ratio, 100.0)
    columns["jw_nama_ibu"] = _text_scores(prepared, "nama_ibu", left, right,
                                          JaroWinkler.normalized_similarity)
    for column, short in (("nama", "nama"), ("nama_ibu", "ibu")):
        full, rarest, words = _name_counts(prepared, column)
        columns[f"log2_records_{short}_min"] = np.log2(np.fmin(full[left], full[right]))
        columns[f"log2_records_{short}_max"] = np.log2(np.fmax(full[left], full[right]))
        columns[f"log2_rarest_word_{short}_min"] = np.log2(np.fmin(rarest[left], rarest[right]))
        columns[f"log2_rarest_word_{short}_max"] = np.log2(np.fmax(rarest[left], rarest[right]))
        columns[f"words_{short}_min"] = np.fmin(words[left], words[right])
        columns[f"words_{short}_diff"] = np.abs(words[left] - words[right])

    columns.update(_date_features(prepared, left, right))
    for column in ("no_kk", "kelurahan", "kecamatan", "tempat_lahir"):
        columns[f"same_{column}"] = _same(prepared, column, left, right)
    columns.update(_competition(left, right, pairs["match_weight"].to_numpy(np.float64),
                                prepared.n))

    names = list(columns)
    matrix = np.column_stack([columns[name] for name in names]).astype(np.float32)
    return names, matrix
