"""Vectorised name drawing: templates of name pools per group, sex and generation."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from . import pools as P

ObjArray = np.ndarray

ETHNICITIES = ["JAWA", "LAMPUNG", "SUNDA", "MELAYU", "MINANG", "BATAK", "TIONGHOA", "BALI", "UMUM"]
ETH_SHARE = [0.40, 0.15, 0.12, 0.11, 0.07, 0.04, 0.035, 0.02, 0.055]


def era_of(year: np.ndarray) -> np.ndarray:
    """0: born before 1960, 1: 1960-79, 2: 1980-99, 3: 2000 and later."""
    return np.digitize(year, [1960, 1980, 2000]).astype(np.int8)


def _pool_table() -> dict[str, tuple[ObjArray, np.ndarray]]:
    table: dict[str, tuple[ObjArray, np.ndarray]] = {}

    def add(key: str, words: list[str], probs: list[float] | None = None, s: float = 0.95) -> None:
        arr = np.array(words, dtype=object)
        p = np.asarray(probs, dtype=float) if probs is not None else P.weights(len(words), s)
        table[key] = (arr, p / p.sum())

    add("MUHF", P.MUH_FORMS, P.MUH_FORMS_P)
    add("AHMADF", P.AHMAD_FORMS, P.AHMAD_FORMS_P)
    add("ABDUL", ["ABDUL", "ABD."], [0.95, 0.05])
    add("SITI", ["SITI", "SITTI", "ST."], [0.95, 0.03, 0.02])
    add("NUR", ["NUR", "NOOR"], [0.93, 0.07])
    add("NURUL", ["NURUL"], [1.0])
    add("SRI", ["SRI"], [1.0])
    for key in ("ISL_M", "ABDUL_SFX", "ISL_F", "NUR_SFX", "ISL_F_FIRST", "JAV_OLD_M", "JAV_OLD_F",
                "JAV_FIRST_M", "JAV_SUR_M", "JAV_FIRST_F", "JAV_SUR_F", "MOD_M", "MOD_SUR_M",
                "MOD_F", "MOD_SUR_F", "SUN_FIRST_M", "SUN_SUR_M", "SUN_FIRST_F", "SUN_SUR_F",
                "LAM_M", "LAM_SUR_M", "LAM_F", "LAM_SUR_F", "MEL_M", "MEL_SUR_M", "MEL_F",
                "MEL_SUR_F", "MIN_M", "MIN_SUR_M", "MIN_F", "MIN_SUR_F", "BATAK_XT_M",
                "BATAK_XT_F", "XT_MOD_M", "XT_MOD_F", "TNG_M", "TNG_F", "TNG_SUR", "TNG_CLAN",
                "TNG_SYL", "BALI_M", "BALI_F", "BALI_MID_M", "BALI_MID_F", "MARGA_TOBA",
                "MARGA_MANDAILING", "ARAB_SUR", "COMMON_M", "COMMON_F"):
        add(key, getattr(P, key), s=0.6 if key.startswith(("ISL", "MOD", "NUR", "JAV_FIRST")) else 0.65)
    add("JAV_CON_M", *P.constructed_javanese(True))
    add("JAV_CON_F", *P.constructed_javanese(False))
    return table


POOLS = _pool_table()

Template = list[tuple[float, list[str]]]

#: generic Muslim templates by sex (0 male, 1 female) and era
_GM: dict[tuple[int, int], Template] = {
    (0, 0): [(5, ["ISL_M"]), (3, ["MUHF", "ISL_M"]), (2, ["ABDUL", "ABDUL_SFX"]), (1, ["AHMADF", "ISL_M"])],
    (0, 1): [(4, ["MUHF", "ISL_M"]), (3, ["ISL_M"]), (2, ["ABDUL", "ABDUL_SFX"]), (2, ["AHMADF", "ISL_M"]),
             (3, ["ISL_M", "ISL_M"])],
    (0, 2): [(5, ["MUHF", "ISL_M"]), (2, ["MUHF", "ISL_M", "ISL_M"]), (2, ["AHMADF", "ISL_M"]),
             (1, ["ABDUL", "ABDUL_SFX"]), (3, ["ISL_M", "ISL_M"]), (2, ["ISL_M", "JAV_SUR_M"])],
    (0, 3): [(5, ["MUHF", "MOD_M|ISL_M", "MOD_SUR_M"]), (3, ["MUHF", "ISL_M"]), (3, ["MOD_M", "MOD_SUR_M"]),
             (2, ["ISL_M", "MOD_SUR_M"]), (1, ["AHMADF", "MOD_M", "MOD_SUR_M"])],
    (1, 0): [(5, ["ISL_F"]), (4, ["SITI", "ISL_F"]), (2, ["NUR", "NUR_SFX"]), (1, ["SITI"])],
    (1, 1): [(4, ["SITI", "ISL_F"]), (3, ["NUR", "NUR_SFX"]), (3, ["ISL_F"]), (2, ["NURUL", "NUR_SFX"]),
             (3, ["ISL_F_FIRST", "ISL_F"]), (2, ["ISL_F", "JAV_SUR_F"])],
    (1, 2): [(3, ["SITI", "ISL_F"]), (3, ["NUR", "NUR_SFX"]), (3, ["ISL_F_FIRST", "ISL_F"]),
             (2, ["NURUL", "NUR_SFX"]), (2, ["ISL_F_FIRST", "JAV_SUR_F"])],
    (1, 3): [(4, ["MOD_F", "MOD_SUR_F"]), (3, ["ISL_F_FIRST", "MOD_SUR_F"]), (2, ["SITI", "ISL_F"]),
             (3, ["MOD_F", "ISL_F_FIRST|MOD_F", "MOD_SUR_F"]), (2, ["NUR", "NUR_SFX"])],
}


def _two_word(first: str, sur: str, single_first: float) -> Template:
    return [(single_first, [first]), (1 - single_first, [first, sur])]


#: group-specific templates: eth -> (sex, era) -> (templates, share of generic Muslim names)
_ETH: dict[str, dict[tuple[int, int], tuple[Template, float]]] = {
    "JAWA": {
        (0, 0): ([(6, ["JAV_OLD_M"]), (3, ["JAV_CON_M"]), (1, ["JAV_FIRST_M", "JAV_SUR_M"])], 0.2),
        (0, 1): ([(3, ["JAV_OLD_M"]), (2, ["JAV_CON_M"]), (4, ["JAV_FIRST_M", "JAV_SUR_M"]),
                  (1, ["JAV_FIRST_M", "JAV_CON_M"])], 0.3),
        (0, 2): ([(5, ["JAV_FIRST_M", "JAV_SUR_M"]), (2, ["JAV_FIRST_M", "ISL_M", "JAV_SUR_M"]),
                  (1, ["JAV_CON_M"]), (1, ["JAV_FIRST_M", "JAV_CON_M"]), (1, ["MOD_M", "JAV_SUR_M"])], 0.4),
        (0, 3): ([(3, ["MOD_M", "JAV_SUR_M"]), (2, ["JAV_FIRST_M", "MOD_M", "MOD_SUR_M"]),
                  (2, ["MOD_M", "MOD_SUR_M"])], 0.5),
        (1, 0): ([(6, ["JAV_OLD_F"]), (3, ["JAV_CON_F"]), (2, ["SRI", "JAV_SUR_F"])], 0.2),
        (1, 1): ([(3, ["JAV_OLD_F"]), (2, ["JAV_CON_F"]), (5, ["JAV_FIRST_F", "JAV_SUR_F"]),
                  (1, ["JAV_FIRST_F"])], 0.3),
        (1, 2): ([(5, ["JAV_FIRST_F", "JAV_SUR_F"]), (2, ["JAV_FIRST_F", "JAV_FIRST_F", "JAV_SUR_F"]),
                  (1, ["JAV_CON_F"]), (1, ["MOD_F", "JAV_SUR_F"])], 0.35),
        (1, 3): ([(3, ["MOD_F", "JAV_SUR_F"]), (3, ["MOD_F", "MOD_SUR_F"]),
                  (2, ["JAV_FIRST_F", "MOD_F", "MOD_SUR_F"])], 0.45),
    },
    "SUNDA": {
        (0, 0): (_two_word("SUN_FIRST_M", "SUN_SUR_M", 0.45), 0.3),
        (0, 1): (_two_word("SUN_FIRST_M", "SUN_SUR_M", 0.3), 0.3),
        (0, 2): (_two_word("SUN_FIRST_M", "SUN_SUR_M", 0.15), 0.4),
        (0, 3): ([(2, ["MOD_M", "SUN_SUR_M"]), (2, ["MOD_M", "MOD_SUR_M"])], 0.5),
        (1, 0): (_two_word("SUN_FIRST_F", "SUN_SUR_F", 0.5), 0.3),
        (1, 1): (_two_word("SUN_FIRST_F", "SUN_SUR_F", 0.3), 0.3),
        (1, 2): (_two_word("SUN_FIRST_F", "SUN_SUR_F", 0.15), 0.4),
        (1, 3): ([(2, ["MOD_F", "SUN_SUR_F"]), (2, ["MOD_F", "MOD_SUR_F"])], 0.5),
    },
    "LAMPUNG": {
        (0, 0): (_two_word("LAM_M", "LAM_SUR_M", 0.75), 0.35),
        (0, 1): (_two_word("LAM_M", "LAM_SUR_M", 0.5), 0.35),
        (0, 2): ([(5, ["LAM_M", "LAM_SUR_M"]), (2, ["JAV_FIRST_M", "LAM_SUR_M"]), (1, ["LAM_M"])], 0.4),
        (0, 3): ([(3, ["MOD_M", "LAM_SUR_M"]), (2, ["MOD_M", "MOD_SUR_M"])], 0.5),
        (1, 0): (_two_word("LAM_F", "LAM_SUR_F", 0.8), 0.35),
        (1, 1): (_two_word("LAM_F", "LAM_SUR_F", 0.55), 0.35),
        (1, 2): ([(4, ["LAM_F", "LAM_SUR_F"]), (2, ["JAV_FIRST_F", "LAM_SUR_F"]), (1, ["LAM_F"])], 0.4),
        (1, 3): ([(3, ["MOD_F", "LAM_SUR_F"]), (2, ["MOD_F", "MOD_SUR_F"])], 0.5),
    },
    "MELAYU": {
        (0, 0): (_two_word("MEL_M", "MEL_SUR_M", 0.75), 0.35),
        (0, 1): (_two_word("MEL_M", "MEL_SUR_M", 0.5), 0.35),
        (0, 2): (_two_word("MEL_M", "MEL_SUR_M", 0.25), 0.4),
        (0, 3): ([(3, ["MOD_M", "MEL_SUR_M"]), (2, ["MOD_M", "MOD_SUR_M"])], 0.5),
        (1, 0): (_two_word("MEL_F", "MEL_SUR_F", 0.8), 0.35),
        (1, 1): (_two_word("MEL_F", "MEL_SUR_F", 0.55), 0.35),
        (1, 2): (_two_word("MEL_F", "MEL_SUR_F", 0.3), 0.4),
        (1, 3): ([(3, ["MOD_F", "MEL_SUR_F"]), (2, ["MOD_F", "MOD_SUR_F"])], 0.5),
    },
    "MINANG": {
        (0, 0): ([(1, ["MIN_M"])], 0.3),
        (0, 1): (_two_word("MIN_M", "MIN_SUR_M", 0.75), 0.3),
        (0, 2): (_two_word("MIN_M", "MIN_SUR_M", 0.45), 0.4),
        (0, 3): ([(3, ["MOD_M", "MIN_SUR_M"]), (2, ["MOD_M", "MOD_SUR_M"])], 0.5),
        (1, 0): ([(1, ["MIN_F"])], 0.3),
        (1, 1): (_two_word("MIN_F", "MIN_SUR_F", 0.8), 0.3),
        (1, 2): (_two_word("MIN_F", "MIN_SUR_F", 0.5), 0.4),
        (1, 3): ([(3, ["MOD_F", "MIN_SUR_F"]), (2, ["MOD_F", "MOD_SUR_F"])], 0.5),
    },
    # Batak, Chinese: the given part only (marga / family name added from the household)
    "BATAK": {
        (0, 0): ([(8, ["BATAK_XT_M"]), (2, ["BATAK_XT_M", "BATAK_XT_M"])], 0.0),
        (0, 1): ([(8, ["BATAK_XT_M"]), (2, ["BATAK_XT_M", "BATAK_XT_M"])], 0.0),
        (0, 2): ([(6, ["BATAK_XT_M"]), (3, ["XT_MOD_M"]), (1, ["XT_MOD_M", "BATAK_XT_M"])], 0.0),
        (0, 3): ([(5, ["XT_MOD_M"]), (3, ["XT_MOD_M", "BATAK_XT_M"])], 0.0),
        (1, 0): ([(8, ["BATAK_XT_F"]), (2, ["BATAK_XT_F", "BATAK_XT_F"])], 0.0),
        (1, 1): ([(8, ["BATAK_XT_F"]), (2, ["BATAK_XT_F", "BATAK_XT_F"])], 0.0),
        (1, 2): ([(6, ["BATAK_XT_F"]), (3, ["XT_MOD_F"]), (1, ["XT_MOD_F", "BATAK_XT_F"])], 0.0),
        (1, 3): ([(5, ["XT_MOD_F"]), (3, ["XT_MOD_F", "BATAK_XT_F"])], 0.0),
    },
    "TIONGHOA": {
        (0, 0): ([(1, ["TNG_M"])], 0.0), (0, 1): ([(1, ["TNG_M"])], 0.0),
        (0, 2): ([(3, ["TNG_M"]), (1, ["XT_MOD_M"])], 0.0),
        (0, 3): ([(2, ["TNG_M"]), (2, ["XT_MOD_M"])], 0.0),
        (1, 0): ([(1, ["TNG_F"])], 0.0), (1, 1): ([(1, ["TNG_F"])], 0.0),
        (1, 2): ([(3, ["TNG_F"]), (1, ["XT_MOD_F"])], 0.0),
        (1, 3): ([(2, ["TNG_F"]), (2, ["XT_MOD_F"])], 0.0),
    },
}
# Balinese given part (after I/NI and the birth-order word)
for _era in range(4):
    _ETH.setdefault("BALI", {})[(0, _era)] = ([(5, ["BALI_M"]), (3, ["BALI_MID_M", "BALI_M"])], 0.0)
    _ETH["BALI"][(1, _era)] = ([(5, ["BALI_F"]), (3, ["BALI_MID_F", "BALI_F"])], 0.0)
    for _sex in (0, 1):
        _ETH.setdefault("UMUM", {})[(_sex, _era)] = ([], 1.0)
        # Christian members of the mostly Muslim groups: Christian given names
        _ETH.setdefault("XT", {})[(_sex, _era)] = (
            [(1, ["XT_MOD_M" if _sex == 0 else "XT_MOD_F"]),
             (4, ["XT_MOD_M" if _sex == 0 else "XT_MOD_F", "JAV_SUR_M" if _sex == 0 else "JAV_SUR_F"])],
            0.0)


def draw(key: str, size: int, rng: np.random.Generator) -> ObjArray:
    words, p = POOLS[key]
    return words[rng.choice(len(words), size=size, p=p)]


def join(parts: list[ObjArray]) -> ObjArray:
    """Join word arrays with single spaces, skipping empty parts."""
    out = parts[0].copy()
    for part in parts[1:]:
        both = (out != "") & (part != "")
        out = np.where(both, out + " " + part, np.where(out == "", part, out))
    return out


def _fill(templates: Template, size: int, rng: np.random.Generator) -> ObjArray:
    weights = np.array([w for w, _ in templates], dtype=float)
    choice = rng.choice(len(templates), size=size, p=weights / weights.sum())
    out = np.empty(size, dtype=object)
    for t, (_, slots) in enumerate(templates):
        rows = np.flatnonzero(choice == t)
        if rows.size == 0:
            continue
        parts = []
        for slot in slots:
            options = slot.split("|")
            if len(options) == 1:
                parts.append(draw(slot, rows.size, rng))
            else:
                pick = rng.integers(0, len(options), rows.size)
                part = np.empty(rows.size, dtype=object)
                for o, key in enumerate(options):
                    sel = pick == o
                    part[sel] = draw(key, int(sel.sum()), rng)
                parts.append(part)
        for k in range(1, len(parts)):  # no word twice in a row (ROBERT ROBERT)
            parts[k] = np.where(parts[k] == parts[k - 1], "", parts[k])
        out[rows] = join(parts)
    return out


def given_names(eth: np.ndarray, sex: np.ndarray, era: np.ndarray, muslim: np.ndarray,
                rng: np.random.Generator) -> ObjArray:
    """The given part of each name (no marga, family name, titles or Balinese prefix)."""
    out = np.empty(len(eth), dtype=object)
    eth_code = pd.Series(eth, dtype=object).map({e: i for i, e in enumerate(ETHNICITIES)}).to_numpy()
    cell = ((eth_code * 2 + sex) * 4 + era) * 2 + muslim.astype(np.int64)
    order = np.argsort(cell, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(cell[order]) != 0, True])
    for a, b in itertools.pairwise(bounds):
        rows = order[a:b]
        c = int(cell[rows[0]])
        m, r, s, e = c % 2 == 1, (c // 2) % 4, (c // 8) % 2, ETHNICITIES[c // 16]
        group = e
        if not m and group in ("JAWA", "SUNDA", "LAMPUNG", "MELAYU", "MINANG", "UMUM"):
            group = "XT"
        templates, gm_share = _ETH[group][(s, r)]
        if m and group in ("BATAK", "TIONGHOA"):
            templates, gm_share = [], 1.0
        if not m:
            gm_share = 0.0
        use_gm = rng.random(rows.size) < gm_share if templates else np.ones(rows.size, bool)
        gm_rows, own_rows = rows[use_gm], rows[~use_gm]
        if gm_rows.size:
            out[gm_rows] = _fill(_GM[(s, r)], gm_rows.size, rng)
        if own_rows.size:
            out[own_rows] = _fill(templates, own_rows.size, rng)
    return out


def old_chinese(size: int, rng: np.random.Generator) -> ObjArray:
    """Three-syllable names of older Chinese-Indonesians in the old spelling (TAN BOEN HONG)."""
    return join([draw("TNG_CLAN", size, rng), draw("TNG_SYL", size, rng), draw("TNG_SYL", size, rng)])


def balinese_prefix(sex: np.ndarray, order: np.ndarray, rng: np.random.Generator) -> ObjArray:
    """I/NI + birth-order word (Wayan/Putu/Gede, Made/Kadek/Nengah, Nyoman/Komang, Ketut)."""
    size = len(sex)
    out = np.empty(size, dtype=object)
    slot = (np.maximum(order, 1) - 1) % 4
    for k, (words, p) in enumerate(P.BALI_ORDER):
        rows = np.flatnonzero(slot == k)
        out[rows] = np.array(words, dtype=object)[rng.choice(len(words), rows.size, p=p)]
    female = sex == 1
    gede = (out == "GEDE") & female
    out[gede] = "PUTU"
    head = np.where(female, np.where(rng.random(size) < 0.15, "NI LUH", "NI"), "I").astype(object)
    noble = rng.random(size) < 0.05
    noble_m = np.array(P.BALI_NOBLE_M, dtype=object)[rng.integers(0, len(P.BALI_NOBLE_M), size)]
    noble_f = np.array(P.BALI_NOBLE_F, dtype=object)[rng.integers(0, len(P.BALI_NOBLE_F), size)]
    with_order = head + " " + out
    return np.where(noble, np.where(female, noble_f, noble_m), with_order)
