"""Explanations a person can read: every comparison's level and weight for one pair.

:func:`explain_pair` recomputes the pair exactly as scoring did (same levels, weights and
term-frequency adjustments), so the parts add up to the pair's match weight.  NIK and KK values
are masked.  :meth:`Explanation.waterfall` draws the contributions as a waterfall chart for
notebooks (matplotlib, optional).  :meth:`Explanation.reasons` (and :func:`reasons_text` for
the same parts read back from a file) says the strongest reasons in one line, in Bahasa Indonesia
(default) or English, for field officers' review workbooks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from nikmatch.dates import MISSING_DAY, days_to_dates
from nikmatch.model import Model
from nikmatch.prepare import Prepared
from nikmatch.privacy import mask_nik, mask_text

__all__ = [
    "COMPARISON_NAMES_ID",
    "LEVEL_LABELS_ID",
    "Explanation",
    "comparison_name_id",
    "explain_pair",
    "level_label_id",
    "reasons_text",
]

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

    def reasons(self, language: Language = "id", *, limit: int = 6) -> str:
        """The strongest reasons for and against, in one line (see :func:`reasons_text`).

        >>> import pandas as pd
        >>> table = pd.DataFrame({"comparison": ["nama", "nik"], "level": ["exact", "different"],
        ...                       "contribution": [12.25, -0.6]})
        >>> Explanation(1, 2, prior=-20.0, table=table).reasons()
        'nama: sama persis (+12.2); NIK: berbeda (-0.6)'
        """
        parts = zip(
            self.table["comparison"].astype(str),
            self.table["level"].astype(str),
            self.table["contribution"].astype(float),
            strict=True,
        )
        return reasons_text(parts, language, limit=limit)

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
        shown = (
            lv
            and comp.fixed_weights is None
            and not (fitted is not None and comp.name in fitted.stratum.defining)
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


# ---- reasons in Bahasa Indonesia (review workbooks) ------------------------------------------

Language = Literal["id", "en"]

#: Comparison names as a field officer reads them (Bahasa Indonesia); others are shown as named.
COMPARISON_NAMES_ID: dict[str, str] = {
    "nama": "nama",
    "tanggal_lahir": "tanggal lahir",
    "nik": "NIK",
    "no_kk": "nomor KK",
    "jenis_kelamin": "jenis kelamin",
    "nama_ibu": "nama ibu",
    "nama_ayah": "nama ayah",
    "domisili": "domisili/KK",
    "wilayah": "wilayah",
    "tempat_lahir": "tempat lahir",
    "household": "keluarga (KK)",
    "no_identitas": "nomor identitas lain",
    "alamat": "alamat",
}

#: Level labels of the default comparisons in Bahasa Indonesia; a label not listed here (a
#: custom comparison) is shown in English.
LEVEL_LABELS_ID: dict[str, str] = {
    "missing": "tidak ada data",
    "different": "berbeda",
    "same": "sama",
    "exact": "sama persis",
    "identical": "identik",
    "exact (normalised)": "sama persis (setelah dinormalkan)",
    "similar (Jaro-Winkler >= 0.82)": "mirip (Jaro-Winkler >= 0.82)",
    "very similar (Jaro-Winkler >= 0.92)": "sangat mirip (Jaro-Winkler >= 0.92)",
    "compatible initials": "inisial cocok",
    "partly the same (a word in common, another different)": (
        "sebagian sama (satu kata sama, kata lain beda)"
    ),
    "a word one letter from another name in use (two names?)": (
        "satu kata beda satu huruf dari nama lain yang umum (dua nama?)"
    ),
    "words left out, or initials": "ada kata yang dihilangkan, atau inisial",
    "the same words, one mistyped (a word no one else has)": (
        "kata sama, satu salah ketik (kata yang tidak dipakai orang lain)"
    ),
    "the year mistyped (the same day and month)": "tahun salah ketik (tanggal dan bulan sama)",
    "the same year, one date a default (1 Jan / 1 Jul / 31 Dec)": (
        "tahun sama, satu tanggal bawaan (1 Jan / 1 Jul / 31 Des)"
    ),
    "a digit of the day or month mistyped (the same year)": (
        "satu angka tanggal atau bulan salah ketik (tahun sama)"
    ),
    "same words in another order": "kata sama, urutan lain",
    "same phonetic key": "bunyi sama (kunci fonetik)",
    "within one year": "selisih kurang dari satu tahun",
    "one digit apart or transposed": "beda satu angka atau angka tertukar",
    "day and month swapped": "tanggal dan bulan tertukar",
    "exact, on a default date (1 Jul / 31 Dec / 1 Jan)": (
        "sama, tetapi tanggal bawaan (1 Jul / 31 Des / 1 Jan)"
    ),
    "same region of issue (digits 1-6), other NIK": "wilayah penerbitan sama (digit 1-6), NIK lain",
    "other kecamatan": "kecamatan lain",
    "same kecamatan": "kecamatan sama",
    "same address, kelurahan or kecamatan differ": "alamat sama, kelurahan atau kecamatan beda",
    "same kelurahan": "kelurahan sama",
    "same kelurahan, RT and RW": "kelurahan, RT dan RW sama",
    "same address": "alamat sama",
    "same KK": "KK sama",
    "partly similar (text similarity >= 0.70)": "agak mirip (kemiripan teks >= 0.70)",
    "similar (text similarity >= 0.88)": "mirip (kemiripan teks >= 0.88)",
    "not the same household (or unknown)": "bukan satu keluarga (atau tidak diketahui)",
    "same household, consistent": "satu keluarga, konsisten",
    "same household, same birth date (or one slip apart), a different name word (twins)": (
        "satu keluarga, tanggal lahir sama (atau beda satu ketikan), satu kata nama beda (kembar)"
    ),
    "same household and name, a generation apart (parent/child pattern)": (
        "satu keluarga dan nama sama, beda satu generasi (pola orang tua/anak)"
    ),
    "same household, unrelated birth dates (another member of the family)": (
        "satu keluarga, tanggal lahir tidak berkaitan (anggota keluarga lain)"
    ),
}


def comparison_name_id(name: str) -> str:
    """A comparison's name in Bahasa Indonesia (the name itself when not known).

    >>> comparison_name_id("nama_ibu"), comparison_name_id("custom")
    ('nama ibu', 'custom')
    """
    return COMPARISON_NAMES_ID.get(name, name)


def level_label_id(label: str) -> str:
    """A level label in Bahasa Indonesia (the English label when not known).

    >>> level_label_id("same phonetic key"), level_label_id("something new")
    ('bunyi sama (kunci fonetik)', 'something new')
    """
    return LEVEL_LABELS_ID.get(label, label)


def reasons_text(
    parts: Iterable[tuple[str, str, float]], language: Language = "id", *, limit: int = 6
) -> str:
    """One line of reasons from ``(comparison, level label, contribution in bits)`` parts.

    The ``limit`` strongest parts (by the size of their contribution, for or against) are
    listed, each as ``name: level (+bits)``; parts that add nothing are left out.  ``language``
    ``"id"`` (Bahasa Indonesia) or ``"en"``.  A contribution that is not a number (a file
    without weights) is shown without one, in the given order.

    >>> parts = [("nama", "same phonetic key", 16.7), ("nik", "different", -0.6),
    ...          ("household", "same household, consistent", 0.0)]
    >>> reasons_text(parts)
    'nama: bunyi sama (kunci fonetik) (+16.7); NIK: berbeda (-0.6)'
    >>> reasons_text(parts, "en")
    'nama: same phonetic key (+16.7); nik: different (-0.6)'
    >>> reasons_text([("nama", "exact", float("nan"))])
    'nama: sama persis'
    """
    listed = [(str(c), str(level), float(w)) for c, level, w in parts]
    known = [p for p in listed if not math.isnan(p[2]) and p[2] != 0.0]
    unknown = [p for p in listed if math.isnan(p[2]) and p[1] != "missing"]
    known.sort(key=lambda p: -abs(p[2]))
    out: list[str] = []
    for name, level, weight in [*known, *unknown][: max(limit, 0)]:
        shown_name = comparison_name_id(name) if language == "id" else name
        shown_level = level_label_id(level) if language == "id" else level
        bits = "" if math.isnan(weight) else f" ({weight:+.1f})"
        out.append(f"{shown_name}: {shown_level}{bits}")
    return "; ".join(out)
