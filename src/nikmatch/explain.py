"""Explanations a person can read: every comparison's level and weight for one pair.

:func:`explain_pair` recomputes the pair exactly as scoring did (same levels, weights and
term-frequency adjustments), so the parts add up to the pair's match weight.  NIK and KK values
are masked.  :meth:`Explanation.waterfall` draws the contributions as a waterfall chart for
notebooks (matplotlib, optional).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nikmatch.dates import MISSING_DAY, days_to_dates
from nikmatch.model import Model
from nikmatch.prepare import Prepared
from nikmatch.privacy import mask_nik, mask_text

__all__ = ["Explanation", "explain_pair"]

_MASKED_FIELDS = {"nik", "no_kk"}


@dataclass(frozen=True)
class Explanation:
    """Per-comparison contributions to one pair's match weight.

    ``table`` has one row per comparison: ``comparison``, ``level`` (label), ``left``/``right``
    (normalised values, identifiers masked), ``m``, ``u``, ``weight`` (bits), ``tf_adjustment``
    (bits) and ``contribution`` (their sum).  ``prior`` is the weight before any comparison.

    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=0)
    >>> result = nm.find_duplicates(register)
    >>> top = result.matches.iloc[0]
    >>> explanation = result.explain(top["id_l"], top["id_r"])
    >>> bool(abs(explanation.match_weight - top["match_weight"]) < 1e-9)
    True
    >>> explanation.table.columns.tolist()[:4]
    ['comparison', 'level', 'left', 'right']
    """

    id_l: Any
    id_r: Any
    prior: float
    table: pd.DataFrame
    #: What the weights alone do not say (e.g. why a pair above the threshold is no match).
    notes: tuple[str, ...] = ()

    @property
    def match_weight(self) -> float:
        """The total weight (bits): prior plus all contributions."""
        return float(self.prior + self.table["contribution"].sum())

    @property
    def match_probability(self) -> float:
        """``1 / (1 + 2**-match_weight)``."""
        return 1.0 / (1.0 + math.pow(2.0, -self.match_weight))

    def __str__(self) -> str:
        ids = f"{mask_text(repr(self.id_l))} ~ {mask_text(repr(self.id_r))}"
        lines = [
            f"pair {ids}: match weight {self.match_weight:+.2f} bits, "
            f"probability {self.match_probability:.4f}",
            f"  {'prior (how rare a match is)':<62} {self.prior:+7.2f}",
        ]
        for row in self.table.itertuples(index=False):
            adj = float(str(row.tf_adjustment))
            tf = f" (tf {adj:+.2f})" if adj else ""
            lines.append(
                f"  {row.comparison:<13} {str(row.level)[:48]:<48} {row.contribution:+7.2f}{tf}"
                f"   [{row.left} | {row.right}]"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        head = (
            f"<p><b>{mask_text(repr(self.id_l))} ~ {mask_text(repr(self.id_r))}</b>: "
            f"weight {self.match_weight:+.2f}, "
            f"probability {self.match_probability:.4f}</p>"
        )
        notes = "".join(f"<p>{note}</p>" for note in self.notes)
        return head + self.table.to_html(index=False) + notes

    def waterfall(self, ax: Any = None) -> Any:
        """Draw a waterfall chart of the contributions (needs matplotlib); returns the axes."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise ImportError(
                "waterfall charts need matplotlib: pip install 'nikmatch[docs]'"
            ) from exc
        labels = ["prior", *self.table["comparison"].tolist(), "total"]
        steps = [self.prior, *self.table["contribution"].tolist()]
        starts = np.concatenate([[0.0], np.cumsum(steps)[:-1]])
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1))
        colors = ["#888888"] + ["#2a9d8f" if s >= 0 else "#e76f51" for s in steps[1:]]
        ax.barh(range(len(steps)), steps, left=starts, color=colors)
        ax.barh(len(steps), self.match_weight, color="#264653")
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("match weight (bits)")
        ax.set_title(f"probability {self.match_probability:.4f}")
        return ax


#: Comparisons over several columns, and the columns an explanation shows for them.
_COMPOSITE_FIELDS: dict[str, tuple[str, ...]] = {
    "wilayah": ("kelurahan", "rt", "rw", "kecamatan"),
    "domisili": ("no_kk", "alamat", "kelurahan", "kecamatan"),
}


def _display_value(prepared: Prepared, field: str, pos: int) -> str:
    if field in ("tanggal_lahir",):
        day = prepared.dob[pos]
        return (
            ""
            if day == MISSING_DAY
            else str(days_to_dates(np.array([day], dtype=np.int32)).dt.strftime("%Y-%m-%d").iloc[0])
        )
    if field == "jenis_kelamin":
        return {0: "", 1: "L", 2: "P"}[int(prepared.sex[pos])]
    if field in _COMPOSITE_FIELDS:
        parts = [
            _display_value(prepared, f, pos)
            for f in _COMPOSITE_FIELDS[field]
            if f in prepared.codes
        ]
        return " / ".join(p for p in parts if p)
    if field == "household":
        return _display_value(prepared, "no_kk", pos) if "no_kk" in prepared.codes else ""
    codes = prepared.codes.get(field)
    if codes is None or codes[pos] < 0:
        return ""
    value = str(prepared.values[field][codes[pos]])
    return mask_nik(value) if field in _MASKED_FIELDS else value


def explain_pair(
    model: Model,
    prepared: Prepared,
    pos_l: int,
    pos_r: int,
    *,
    id_l: Any = None,
    id_r: Any = None,
    tf_source: int | None = None,
) -> Explanation:
    """Explain the pair of record positions ``(pos_l, pos_r)`` under ``model``."""
    if isinstance(id_l, np.generic):
        id_l = id_l.item()
    if isinstance(id_r, np.generic):
        id_r = id_r.item()
    from nikmatch.comparisons import compare

    left = np.array([pos_l], dtype=np.int64)
    right = np.array([pos_r], dtype=np.int64)
    levels = compare(model.comparisons, prepared, left, right)
    weights = model.level_weights()
    tf = model.tf_adjustments(prepared, levels, left, right, tf_source=tf_source)[0]
    parts = model.contributions(prepared, levels, left, right, tf_source=tf_source)[0]
    stratum = int(model.stratum_of(prepared, levels, left)[0]) if model.strata else 0
    fitted = model.strata[stratum - 1] if stratum else None
    near = False
    if fitted is not None and fitted.stratum.joint[1] in model.names:
        date_level = levels[0, model.names.index(fitted.stratum.joint[1])]
        near = bool(fitted.stratum.near_dates(np.array([date_level]))[0])
    rows = []
    for j, comp in enumerate(model.comparisons):
        lv = int(levels[0, j])
        field = comp.name
        m_j, u_j = model.m[j], model.u[j]
        # in a stratum its own m and u (the defining comparison carries the stratum's prior)
        in_stratum = fitted is not None and (
            fitted.u[j] is not None or comp.name in fitted.stratum.defining
        )
        if fitted is not None and fitted.u[j] is not None:
            near_u = fitted.u_near[j] if j < len(fitted.u_near) else None
            u_j = near_u if near and near_u is not None else fitted.u[j]  # type: ignore[assignment]
            own_m = fitted.m[j]
            m_j = own_m if own_m is not None else m_j
        shown = lv and comp.fixed_weights is None and not (
            fitted is not None and comp.name in fitted.stratum.defining
        )
        rows.append(
            {
                "comparison": comp.name,
                "level": comp.level_labels[lv],
                "left": _display_value(prepared, field, pos_l),
                "right": _display_value(prepared, field, pos_r),
                # fixed-weight comparisons have no learned m/u to show
                "m": float(m_j[lv]) if shown else float("nan"),
                "u": float(u_j[lv]) if shown else float("nan"),
                "weight": float(parts[j]) if in_stratum else float(weights[j][lv]),
                "tf_adjustment": 0.0 if in_stratum else float(tf[j]),
                "contribution": float(parts[j]),
            }
        )
    notes: tuple[str, ...] = ()
    if fitted is not None:
        defining = "/".join(fitted.stratum.defining)
        notes = (
            f"weighed as a pair in {fitted.stratum.label}: the chance that such a pair is one "
            f"person is {fitted.lambda_:.3g} (this stands in the {defining} line), and every "
            "other comparison is weighed against how often two members of one family agree "
            "(the name and the birth date together: twins)",
        )
    return Explanation(
        id_l=id_l, id_r=id_r, prior=model.prior_weight, table=pd.DataFrame(rows), notes=notes
    )
