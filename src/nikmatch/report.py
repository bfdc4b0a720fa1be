"""The HTML report for the head of the office: one self-contained file that opens offline.

:func:`build_report` / :func:`write_report` make one HTML file with: the distribution of match
weights and the threshold, waterfall charts of example pairs (from
:meth:`~nikmatch.linker.DedupeResult.explain`), duplicates per kecamatan, NIK problems by type
(:func:`nikmatch.check_niks`), KTP-el recording coverage (:class:`Coverage`), the belum-rekam
linking when a link result is given, and the model's parameters (``m``, ``u`` and the weight of
every level).

Charts are Vega-Lite specifications drawn by the Vega, Vega-Lite and vega-embed JavaScript
libraries, which the ``vl-convert-python`` package ships; the bundle (about 0.9 MB) is inlined in
the file, so the report makes no network request and opens from a USB stick or an e-mail
attachment.  Plotly's inlined library would make each report about 4.8 MB.  Names and NIKs do
not appear in the report (pairs are shown by their row numbers, NIKs only masked where at all):
it holds counts and model evidence, not personal data.

>>> Coverage(wajib_ktp=777_871, belum_rekam=16_000).share_recorded  # doctest: +ELLIPSIS
0.9794...
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nikmatch._version import __version__
from nikmatch.check import check_niks
from nikmatch.errors import NikmatchError
from nikmatch.explain import Explanation
from nikmatch.export import MissingOptionalDependency
from nikmatch.linker import DedupeResult, LinkResult
from nikmatch.model import Model
from nikmatch.nik import PROBLEMS
from nikmatch.privacy import mask_text
from nikmatch.schema import resolve_columns

__all__ = [
    "Coverage",
    "build_report",
    "chart_specs",
    "javascript_bundle",
    "wajib_ktp_count",
    "write_report",
]

Spec = dict[str, Any]

_COLORS = {"for": "#2a9d8f", "against": "#e76f51", "prior": "#8d99ae", "total": "#264653"}
_SEVERITY_COLORS = {"error": "#e76f51", "warning": "#f4a261", "ok": "#2a9d8f"}
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2d35; background: #f7f7f5; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 2px solid #264653; padding-bottom: 4px; }
.en { color: #5c6b73; font-weight: normal; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: #fff; border-radius: 6px; padding: 12px 16px; min-width: 150px;
        box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.card b { display: block; font-size: 1.5em; }
.chart { background: #fff; border-radius: 6px; padding: 8px; margin: 8px 0;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); overflow-x: auto; }
table { border-collapse: collapse; background: #fff; font-size: 0.9em; margin: 8px 0; }
th, td { border: 1px solid #d9dee2; padding: 3px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #5c6b73; font-size: 0.9em; }
"""


class ReportError(NikmatchError, ValueError):
    """The report cannot be made from what was given."""


@dataclass(frozen=True)
class Coverage:
    """KTP-el recording coverage: residents who must hold a KTP-el (``wajib_ktp``, aged 17 or
    more, or married) and those who have not recorded it yet (``belum_rekam``).

    >>> c = Coverage(wajib_ktp=1000, belum_rekam=25)
    >>> c.recorded, round(c.share_recorded, 3)
    (975, 0.975)
    >>> Coverage(wajib_ktp=10, belum_rekam=11)
    Traceback (most recent call last):
    ...
    ValueError: belum_rekam (11) must be between 0 and wajib_ktp (10)
    """

    wajib_ktp: int
    belum_rekam: int

    def __post_init__(self) -> None:
        if self.wajib_ktp < 0:
            raise ValueError(f"wajib_ktp must be 0 or more, got {self.wajib_ktp}")
        if not 0 <= self.belum_rekam <= self.wajib_ktp:
            raise ValueError(
                f"belum_rekam ({self.belum_rekam}) must be between 0 and wajib_ktp "
                f"({self.wajib_ktp})"
            )

    @property
    def recorded(self) -> int:
        """Residents who have recorded their KTP-el."""
        return self.wajib_ktp - self.belum_rekam

    @property
    def share_recorded(self) -> float:
        """``recorded / wajib_ktp`` (``nan`` when nobody must hold a KTP-el)."""
        return self.recorded / self.wajib_ktp if self.wajib_ktp else math.nan


def wajib_ktp_count(
    register: pd.DataFrame,
    *,
    columns: dict[str, str] | None = None,
    reference_date: dt.date | None = None,
    min_age: int = 17,
) -> int:
    """Records of residents aged ``min_age`` or more at ``reference_date`` (default today),
    from the birth date column; records without a readable birth date are not counted.

    >>> reg = pd.DataFrame({"nama": ["A", "B", "C"],
    ...                     "tanggal_lahir": ["01-01-1990", "01-01-2020", ""]})
    >>> wajib_ktp_count(reg, reference_date=dt.date(2026, 1, 1))
    1
    """
    from nikmatch.prepare import prepare

    mapping = resolve_columns(register, columns, require_name=False)
    if not isinstance(mapping.get("tanggal_lahir"), str):
        raise ReportError("the register has no birth date column: give the wajib KTP count")
    prepared = prepare(register, columns, reference_date=reference_date)
    from nikmatch.dates import MISSING_DAY, days_to_dates

    known = prepared.dob != MISSING_DAY
    born = days_to_dates(prepared.dob[known])
    ref = pd.Timestamp(reference_date or dt.date.today())
    cutoff = ref - pd.DateOffset(years=min_age)
    return int((born <= cutoff).sum())


# ------------------------------------------------------------------------------ chart specs


def _base(title: str, width: int = 880, height: int = 260) -> Spec:
    return {
        "title": title,
        "width": width,
        "height": height,
        "config": {"view": {"stroke": None}, "axis": {"labelLimit": 320}},
    }


def _weight_histogram(pairs: pd.DataFrame, threshold: float) -> Spec:
    weights = pairs["match_weight"].to_numpy(dtype=np.float64)
    weights = weights[np.isfinite(weights)]
    cut = math.log2(threshold / (1.0 - threshold))
    if len(weights):
        lo, hi = math.floor(float(weights.min())), math.ceil(float(weights.max()))
    else:
        lo, hi = math.floor(cut) - 5, math.ceil(cut) + 5
    edges = np.linspace(lo, max(hi, lo + 1), 61)
    counts, _ = np.histogram(weights, bins=edges)
    values = [
        {
            "from": round(float(edges[k]), 3),
            "to": round(float(edges[k + 1]), 3),
            "pairs": int(counts[k]),
            "side": "proposed (p >= threshold)" if edges[k] >= cut else "below the threshold",
        }
        for k in range(len(counts))
        if counts[k]
    ]
    spec = _base("Candidate pairs by match weight (bits); the line is the threshold")
    spec["layer"] = [
        {
            "data": {"values": values},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "from", "type": "quantitative", "title": "match weight (bits)"},
                "x2": {"field": "to"},
                "y": {
                    "field": "pairs",
                    "type": "quantitative",
                    "scale": {"type": "symlog"},
                    "title": "pairs (log scale)",
                },
                "y2": {"datum": 0},
                "color": {
                    "field": "side",
                    "type": "nominal",
                    "scale": {"range": ["#8d99ae", "#2a9d8f"]},
                    "title": None,
                },
            },
        },
        {
            "data": {"values": [{"cut": round(cut, 3), "label": f"p = {threshold:g}"}]},
            "mark": {"type": "rule", "color": "#e63946", "strokeWidth": 2},
            "encoding": {"x": {"field": "cut", "type": "quantitative"}},
        },
    ]
    return spec


def _waterfall(explanation: Explanation, title: str) -> Spec:
    values: list[dict[str, Any]] = [
        {"step": "prior", "start": 0.0, "end": round(explanation.prior, 3), "kind": "prior"}
    ]
    total = explanation.prior
    for row in explanation.table.itertuples(index=False):
        contribution = float(str(row.contribution))
        label = f"{row.comparison}: {str(row.level)[:40]}"
        values.append(
            {
                "step": label,
                "start": round(total, 3),
                "end": round(total + contribution, 3),
                "kind": "for" if contribution >= 0 else "against",
                "bits": round(contribution, 2),
            }
        )
        total += contribution
    values.append({"step": "total", "start": 0.0, "end": round(total, 3), "kind": "total"})
    order = [v["step"] for v in values]
    spec = _base(title, width=760, height=24 * len(values))
    spec["data"] = {"values": values}
    spec["layer"] = [
        {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {"field": "step", "type": "nominal", "sort": order, "title": None},
                "x": {"field": "start", "type": "quantitative", "title": "match weight (bits)"},
                "x2": {"field": "end"},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "scale": {"domain": list(_COLORS), "range": list(_COLORS.values())},
                    "title": None,
                },
            },
        },
        {"mark": {"type": "rule", "color": "#1d2d35"}, "encoding": {"x": {"datum": 0}}},
    ]
    return spec


def _bar(values: list[dict[str, Any]], y: str, x: str, title: str, color: Spec | None) -> Spec:
    spec = _base(title, width=700, height=max(60, 20 * len(values)))
    spec["data"] = {"values": values}
    encoding: Spec = {
        "y": {"field": y, "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": x, "type": "quantitative"},
    }
    if color is not None:
        encoding["color"] = color
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = encoding
    return spec


def _duplicates_per_kecamatan(
    result: DedupeResult, register: pd.DataFrame, columns: dict[str, str] | None
) -> list[dict[str, Any]]:
    mapping = resolve_columns(register, columns, require_name=False)
    column = mapping.get("kecamatan")
    multi = result.clusters["cluster_size"].to_numpy() > 1
    if isinstance(column, str):
        kecamatan = register[column].astype(str).where(register[column].notna(), "")
    else:
        kecamatan = pd.Series("", index=register.index)
    kecamatan = kecamatan.str.strip().replace("", "(no kecamatan)")
    frame = pd.DataFrame(
        {
            "kecamatan": kecamatan.to_numpy(),
            "records": 1,
            "in_clusters": multi.astype(int),
            "extra": (multi & ~result.clusters["survivor"].to_numpy(dtype=bool)).astype(int),
        }
    )
    grouped = frame.groupby("kecamatan", sort=True)[["records", "in_clusters", "extra"]].sum()
    return [
        {
            "kecamatan": str(k),
            "records": int(r.records),
            "records in clusters": int(r.in_clusters),
            "second records": int(r.extra),
            "per 1,000": round(1000 * int(r.extra) / max(int(r.records), 1), 2),
        }
        for k, r in grouped.iterrows()
    ]


def _nik_problems(report: pd.DataFrame) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for text, k in report["problems"].astype(str).value_counts().items():
        for code in str(text).split(";"):
            if code:
                counts[code] = counts.get(code, 0) + int(k)
    return [
        {
            "problem": code,
            "rows": n,
            "severity": PROBLEMS[code].severity if code in PROBLEMS else "?",
            "meaning": PROBLEMS[code].description if code in PROBLEMS else "",
        }
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _model_rows(model: Model) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for comp, m, u, w in zip(
        model.comparisons, model.m, model.u, model.level_weights(), strict=True
    ):
        fixed = comp.fixed_weights is not None
        for k in range(comp.n_levels - 1, 0, -1):
            rows.append(
                {
                    "comparison": comp.name,
                    "level": comp.level_labels[k],
                    "label": f"{comp.name}: {comp.level_labels[k][:45]}",
                    "m": None if fixed else float(m[k]),
                    "u": None if fixed else float(u[k]),
                    "weight": round(float(w[k]), 3),
                    "sign": "for" if w[k] >= 0 else "against",
                }
            )
    return rows


def _model_chart(rows: list[dict[str, Any]]) -> Spec:
    spec = _base("Weight of each comparison level (bits)", width=600, height=16 * len(rows))
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = {
        "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
        "x": {"field": "weight", "type": "quantitative", "title": "weight log2(m/u), bits"},
        "color": {
            "field": "sign",
            "type": "nominal",
            "scale": {"domain": ["for", "against"], "range": [_COLORS["for"], _COLORS["against"]]},
            "title": None,
        },
    }
    return spec


def _coverage_chart(coverage: Coverage) -> Spec:
    values = [
        {"group": "KTP-el", "status": "sudah rekam (recorded)", "residents": coverage.recorded},
        {"group": "KTP-el", "status": "belum rekam (not yet)", "residents": coverage.belum_rekam},
    ]
    spec = _base(
        f"KTP-el recording: {coverage.share_recorded:.1%} of {coverage.wajib_ktp:,} wajib KTP",
        width=700,
        height=60,
    )
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "bar", "tooltip": True}
    spec["encoding"] = {
        "y": {"field": "group", "type": "nominal", "title": None},
        "x": {
            "field": "residents",
            "type": "quantitative",
            "stack": "normalize",
            "axis": {"format": "%"},
            "title": "share of wajib KTP",
        },
        "color": {
            "field": "status",
            "type": "nominal",
            "scale": {
                "domain": [values[0]["status"], values[1]["status"]],
                "range": [_COLORS["for"], _COLORS["against"]],
            },
            "title": None,
        },
    }
    return spec


def _examples(result: DedupeResult | LinkResult, k: int) -> list[tuple[str, Explanation]]:
    """The strongest match, the weakest match above the threshold, an ambiguous pair and the
    strongest pair below the threshold (those that exist), up to ``k``."""
    chosen: list[tuple[str, Any, Any]] = []
    matches = result.matches
    if len(matches):
        top = matches.iloc[0]
        chosen.append(("strongest match", top["id_l"], top["id_r"]))
        low = matches.iloc[-1]
        if len(matches) > 1:
            chosen.append(("weakest match above the threshold", low["id_l"], low["id_r"]))
    if len(result.ambiguous):
        amb = result.ambiguous.iloc[0]
        chosen.append(("ambiguous pair (for a person to decide)", amb["id_l"], amb["id_r"]))
    below = result.pairs[result.pairs["match_probability"] < result.threshold]
    if len(below):
        near = below.iloc[0]
        chosen.append(("strongest pair below the threshold", near["id_l"], near["id_r"]))
    out: list[tuple[str, Explanation]] = []
    for what, id_l, id_r in chosen[:k]:
        explanation = result.explain(_plain(id_l), _plain(id_r))
        title = (
            f"{what}: rows {mask_text(str(_plain(id_l)))} ~ {mask_text(str(_plain(id_r)))}, "
            f"p = {explanation.match_probability:.4f}"
        )
        out.append((title, explanation))
    return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def chart_specs(
    result: DedupeResult,
    register: pd.DataFrame,
    *,
    columns: dict[str, str] | None = None,
    nik_report: pd.DataFrame | None = None,
    coverage: Coverage | None = None,
    link_result: LinkResult | None = None,
    examples: int = 3,
) -> dict[str, Any]:
    """The report's content: Vega-Lite specifications and the tables beside them.

    Keys: ``weights`` (spec), ``waterfalls`` (list of specs), ``kecamatan`` (spec and rows),
    ``nik`` (spec and rows), ``coverage`` (spec or ``None``), ``model`` (spec and rows),
    ``link`` (spec or ``None``), ``summary`` (numbers).
    """
    report = nik_report
    if report is None:
        mapping = resolve_columns(register, columns, require_name=False)
        nik = mapping.get("nik")
        report = (
            check_niks(
                register,
                column=nik,
                birth_date=mapping.get("tanggal_lahir")
                if isinstance(mapping.get("tanggal_lahir"), str)
                else None,
                sex=mapping.get("jenis_kelamin")
                if isinstance(mapping.get("jenis_kelamin"), str)
                else None,
            )
            if isinstance(nik, str)
            else pd.DataFrame({"problems": pd.Series(dtype=str)})
        )
    kecamatan_rows = _duplicates_per_kecamatan(result, register, columns)
    nik_rows = _nik_problems(report)
    model_rows = _model_rows(result.model)
    waterfalls = [_waterfall(e, title) for title, e in _examples(result, examples)]
    link_spec = None
    if link_result is not None:
        found = link_result.clusters["n_matches"].to_numpy()
        values = [
            {"found": "no register record at p >= threshold", "list rows": int((found == 0).sum())},
            {"found": "one register record", "list rows": int((found == 1).sum())},
            {"found": "two or more (another NIK?)", "list rows": int((found >= 2).sum())},
        ]
        link_spec = _bar(
            values, "found", "list rows", "Belum-rekam list linked to the register", None
        )
    multi = result.clusters[result.clusters["cluster_size"] > 1]
    return {
        "weights": _weight_histogram(result.pairs, result.threshold),
        "waterfalls": waterfalls,
        "kecamatan": (
            _bar(
                kecamatan_rows,
                "kecamatan",
                "second records",
                "Second records (possible double NIKs) per kecamatan",
                None,
            ),
            kecamatan_rows,
        ),
        "nik": (
            _bar(
                nik_rows,
                "problem",
                "rows",
                "NIK problems by type",
                {
                    "field": "severity",
                    "type": "nominal",
                    "scale": {
                        "domain": list(_SEVERITY_COLORS),
                        "range": list(_SEVERITY_COLORS.values()),
                    },
                },
            ),
            nik_rows,
        ),
        "coverage": _coverage_chart(coverage) if coverage is not None else None,
        "model": (_model_chart(model_rows), model_rows),
        "link": link_spec,
        "summary": {
            "records": int(result.prepared.n),
            "candidate pairs": int(result.info.get("candidate_pairs", len(result.pairs))),
            "matching pairs": len(result.matches),
            "ambiguous pairs": len(result.ambiguous),
            "persons with 2+ records": int(multi["cluster_id"].nunique()),
            "second records": int(len(multi) - multi["cluster_id"].nunique()),
        },
    }


# ------------------------------------------------------------------------------ HTML


def javascript_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript, bundled by ``vl-convert-python``
    (offline: nothing is downloaded); ``MissingOptionalDependency`` without the package."""
    try:
        import vl_convert
    except ImportError:
        raise MissingOptionalDependency(
            "the HTML report needs the optional package vl-convert-python: "
            "pip install 'nikmatch[report]'"
        ) from None
    bundle: str = vl_convert.javascript_bundle(None)  # type: ignore[arg-type]  # None: default
    return bundle


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` breaks out)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            if isinstance(value, float):
                shown = "" if math.isnan(value) else f"{value:.4g}"
                cells.append(f'<td class="num">{shown}</td>')
            elif isinstance(value, int):
                cells.append(f'<td class="num">{value:,}</td>')
            else:
                cells.append(
                    f"<td>{html.escape(mask_text('' if value is None else str(value)))}</td>"
                )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(title_id: str, title_en: str, body: str) -> str:
    return (
        f'<section><h2>{html.escape(title_id)} <span class="en">/ '
        f"{html.escape(title_en)}</span></h2>{body}</section>"
    )


def build_report(
    result: DedupeResult,
    register: pd.DataFrame,
    *,
    columns: dict[str, str] | None = None,
    nik_report: pd.DataFrame | None = None,
    coverage: Coverage | None = None,
    link_result: LinkResult | None = None,
    title: str = "nikmatch: kemungkinan NIK ganda",
    source: str = "",
    examples: int = 3,
) -> str:
    """The report as one HTML document (see the module docstring); the JavaScript that draws
    the charts is inlined, and no element loads anything from a network."""
    content = chart_specs(
        result,
        register,
        columns=columns,
        nik_report=nik_report,
        coverage=coverage,
        link_result=link_result,
        examples=examples,
    )
    specs: list[Spec] = []

    def chart(spec: Spec | None) -> str:
        if spec is None:
            return ""
        specs.append(spec)
        return f'<div class="chart" id="chart-{len(specs)}"></div>'

    summary = content["summary"]
    cards = "".join(
        f'<div class="card"><b>{v:,}</b>{html.escape(k)}</div>' for k, v in summary.items()
    )
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{html.escape(source)} nikmatch {html.escape(__version__)}, '
        f"{dt.date.today().isoformat()}. Pairs are proposals for field officers to verify; "
        "nikmatch deletes nothing. Usulan untuk diverifikasi petugas; tidak ada yang dihapus.</p>",
        f'<div class="cards">{cards}</div>',
    ]
    parts.append(
        _section(
            "Sebaran bobot kecocokan",
            "Distribution of match weights",
            chart(content["weights"])
            + '<p class="note">Candidate pairs with probability 0.001 or more (others are not '
            + f"kept). Threshold p = {result.threshold:g} "
            f"({math.log2(result.threshold / (1 - result.threshold)):+.2f} bits). Pairs to the "
            "right of the line are proposed for review.</p>",
        )
    )
    parts.append(
        _section(
            "Contoh pasangan",
            "Example pairs, comparison by comparison",
            "".join(chart(s) for s in content["waterfalls"]) or "<p>No candidate pair to show.</p>",
        )
    )
    kec_spec, kec_rows = content["kecamatan"]
    parts.append(
        _section(
            "Kemungkinan NIK ganda per kecamatan",
            "Possible double NIKs per kecamatan",
            chart(kec_spec)
            + _table(
                kec_rows,
                ["kecamatan", "records", "records in clusters", "second records", "per 1,000"],
            ),
        )
    )
    nik_spec, nik_rows = content["nik"]
    parts.append(
        _section(
            "Masalah NIK menurut jenis",
            "NIK problems by type",
            (chart(nik_spec) + _table(nik_rows, ["problem", "severity", "rows", "meaning"]))
            if nik_rows
            else "<p>No NIK problem found.</p>",
        )
    )
    if coverage is not None:
        parts.append(
            _section(
                "Cakupan perekaman KTP-el",
                "KTP-el recording coverage",
                chart(content["coverage"])
                + _table(
                    [
                        {
                            "wajib KTP": coverage.wajib_ktp,
                            "belum rekam": coverage.belum_rekam,
                            "sudah rekam": coverage.recorded,
                            "coverage": f"{coverage.share_recorded:.1%}",
                        }
                    ],
                    ["wajib KTP", "belum rekam", "sudah rekam", "coverage"],
                ),
            )
        )
    if content["link"] is not None:
        parts.append(_section("Daftar belum rekam", "Belum-rekam list", chart(content["link"])))
    model_spec, model_rows = content["model"]
    parts.append(
        _section(
            "Parameter model",
            "Model parameters",
            f'<p class="note">prior λ = {result.model.lambda_:.3g} '
            f"({result.model.prior_weight:+.2f} bits). m: share among the same person's "
            "records; u: among different people; weight log2(m/u). Fixed weights (household) "
            "have no m/u.</p>"
            + chart(model_spec)
            + _table(model_rows, ["comparison", "level", "m", "u", "weight"]),
        )
    )
    script = (
        "(function(){var specs=" + _script_json(specs) + ";"
        "var opts={renderer:'svg',actions:false,mode:'vega-lite'};var done=0,failed=0;"
        "function finish(){document.body.setAttribute('data-charts-done',String(done));"
        "document.body.setAttribute('data-charts-failed',String(failed));}"
        "var jobs=specs.map(function(spec,i){return vegaEmbed('#chart-'+(i+1),spec,opts)"
        ".then(function(){done+=1;}).catch(function(err){failed+=1;console.error(err);});});"
        "Promise.all(jobs).then(finish);})();"
    )
    return (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script>{javascript_bundle()}</script></head>"
        f'<body data-charts="{len(specs)}"><main>{"".join(parts)}</main>'
        f"<script>{script}</script></body></html>\n"
    )


def write_report(
    path: str | os.PathLike[str],
    result: DedupeResult,
    register: pd.DataFrame,
    **options: Any,
) -> Path:
    """Write :func:`build_report` to ``path`` (UTF-8); return the path.

    >>> import tempfile, pathlib
    >>> import nikmatch as nm
    >>> from nikmatch.synth import small_population
    >>> register, _ = small_population(seed=0)
    >>> result = nm.find_duplicates(register)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_report(pathlib.Path(d) / "report.html", result, register,
    ...                        coverage=Coverage(wajib_ktp=1600, belum_rekam=40))
    ...     text = out.read_text(encoding="utf-8")
    >>> "vegaEmbed" in text, "97.5%" in text
    (True, True)
    """
    target = Path(path)
    target.write_text(build_report(result, register, **options), encoding="utf-8")
    return target
