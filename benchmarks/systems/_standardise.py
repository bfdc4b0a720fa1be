"""The generic clean-up that baselines get before matching (they expect standardised input).

Lower case, every run of non-alphanumeric characters to one space, trimmed; empty becomes
missing.  Date columns become ISO ``YYYY-MM-DD`` text (day first when ambiguous, as in SIAK
exports).  No Indonesian-specific rules: that is what nikmatch adds.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def standardise(frame: pd.DataFrame, *, date_columns: Iterable[str] = ()) -> pd.DataFrame:
    """Return a cleaned copy of ``frame`` (index and ``rid`` untouched)."""
    out = frame.copy()
    dates = set(date_columns)
    for column in out.columns:
        if column == "rid":
            continue
        text = out[column].astype("string")
        if column in dates:
            parsed = pd.to_datetime(text, errors="coerce", dayfirst=True, format="mixed")
            out[column] = parsed.dt.strftime("%Y-%m-%d").astype(object).where(parsed.notna(), None)
            continue
        cleaned = text.str.lower().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()
        present = (cleaned.str.len() > 0).fillna(False).to_numpy(dtype=bool)
        out[column] = cleaned.astype(object).where(present, None)
    return out
