"""Households on family cards (KK) and the people on them, vectorised with numpy.

A household is one of six kinds (couple with children, couple alone, single mother with
children, one person, with a grandparent, with a relative); children come from the mother's
age with realistic spacing, twins share a birth date, grown children have left.  Every person
carries the facts the register needs: birth date (and the date recorded, often a default for
older people), region of first registration (the NIK's kecamatan), birthplace, religion, name,
mother and father.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import names as N
from . import pools as P
from .regions import CITY, CITY_SHARE_OF_LAMPUNG, ORIGIN_PROVINCES, Regions
from .twins import name_twins

REF_DAY = int(np.datetime64("2024-06-30", "D").astype(np.int64))
YEAR = 365.2425
MIN_KK_DAY = int(np.datetime64("2006-01-01", "D").astype(np.int64))

HEAD, SPOUSE, CHILD, PARENT, RELATIVE = 0, 1, 2, 3, 4
ROLE_NAMES = np.array(["KEPALA KELUARGA", "ISTRI", "ANAK", "ORANG TUA", "FAMILI LAIN"], dtype=object)
HTYPE_P = [0.62, 0.09, 0.09, 0.06, 0.10, 0.04]  # nuclear, couple, single mother, single, +gp, +rel
KMAX = 8
TWIN_RATE = 0.016  # per birth after the first: about 1 in 60 children is a twin
RELIGION_BY_ETH = {
    "JAWA": (["ISLAM", "KRISTEN", "KATHOLIK"], [0.95, 0.03, 0.02]),
    "SUNDA": (["ISLAM", "KRISTEN"], [0.995, 0.005]),
    "LAMPUNG": (["ISLAM", "KRISTEN"], [0.99, 0.01]),
    "MELAYU": (["ISLAM", "KRISTEN"], [0.99, 0.01]),
    "MINANG": (["ISLAM"], [1.0]),
    "BATAK": (["KRISTEN", "KATHOLIK", "ISLAM"], [0.48, 0.12, 0.40]),
    "TIONGHOA": (["BUDHA", "KRISTEN", "KATHOLIK", "KHONGHUCU", "ISLAM"], [0.45, 0.25, 0.20, 0.04, 0.06]),
    "BALI": (["HINDU", "ISLAM"], [0.97, 0.03]),
    "UMUM": (["ISLAM", "KRISTEN", "KATHOLIK"], [0.95, 0.03, 0.02]),
}
STREETS = P._w("""
PRAMUKA TEUKU_UMAR IMAM_BONJOL DIPONEGORO KARTINI SULTAN_AGUNG PAGAR_ALAM SOEKARNO_HATTA
RATU_DIBALAU PURNAWIRAWAN KAMPUNG_BARU MAWAR MELATI KENANGA ANGGREK CEMPAKA DAHLIA FLAMBOYAN
BERINGIN NANGKA DURIAN RAMBUTAN SALAK MANGGA PISANG PULAU_SEBESI PULAU_LEGUNDI PULAU_TIDUNG
WAY_HALIM WAY_SEKAMPUNG WAY_KANDIS GATOT_SUBROTO ANTASARI HAYAM_WURUK GAJAH_MADA SAMRATULANGI
KH._AHMAD_DAHLAN KAPTEN_TENDEAN WOLTER_MONGINSIDI P._EMIR_M._NOER YOS_SUDARSO LAKS._MALAHAYATI
RADEN_SALEH CUT_NYAK_DIEN ZAINAL_ABIDIN_PAGAR_ALAM TAMAN_SISWA SENTOT_ALIBASA ONTA BANTENG
SRIWIJAYA MAJAPAHIT PADJAJARAN NUSANTARA PERINTIS_KEMERDEKAAN BUMI_MANTI KOMARUDIN
""")
GANGS = P._w("""
MAWAR MELATI MANGGA DAMAI HARAPAN SEJAHTERA BAHAGIA MUSHOLLA MASJID SEPAKAT RUKUN SAWO JAMBU
KELAPA PETAI KUTILANG MERPATI CENDRAWASIH MERANTI SWADAYA KELUARGA BAROKAH ANDALAS
""")
PERUMS = P._w("""
BUKIT_KEMILING_PERMAI WAY_KANDIS_INDAH KORPRI BILABONG_JAYA GRIYA_SUKARAME PURI_GADING
TAMAN_PURNAWIRAWAN BUMI_PALAPA SENTOSA_ASRI VILLA_CITRA BATU_PUTU_INDAH GRIYA_ABDI_NEGARA
""")


@dataclass
class Population:
    persons: pd.DataFrame  # one row per person (the truth about them)
    households: pd.DataFrame  # one row per household (family card)


def day_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers (days since 1970-01-01)."""
    d = days.astype("datetime64[D]")
    years = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, dom


def to_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day numbers of year/month/day arrays (day clipped to the month's length)."""
    first = (year - 1970) * 12 + (month - 1)
    month_start = first.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    next_start = (first + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return month_start + np.minimum(day, next_start - month_start) - 1


# --- households ---------------------------------------------------------------------------------


def _beta_age(rng: np.random.Generator, size: int, low: float, span: float, a: float, b: float) -> np.ndarray:
    return low + span * rng.beta(a, b, size)


def _batch(h: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households and their members (ages in years) for ``h`` households."""
    htype = rng.choice(6, size=h, p=HTYPE_P)
    eth_idx = rng.choice(len(N.ETHNICITIES), size=h, p=N.ETH_SHARE)
    coupled = np.isin(htype, [0, 1, 4, 5])
    with_children = np.isin(htype, [0, 2, 4, 5])

    mother_age = _beta_age(rng, h, 20, 45, 1.7, 2.4)
    single_mother_age = _beta_age(rng, h, 25, 50, 2.0, 2.0)
    mother_age = np.where(htype == 2, single_mother_age, mother_age)
    young_couple = rng.random(h) < 0.5
    couple_age = np.where(young_couple, rng.uniform(19, 30, h), rng.uniform(55, 85, h))
    mother_age = np.where(htype == 1, couple_age, mother_age)
    husband_age = np.clip(mother_age + rng.normal(4.0, 3.5, h), mother_age - 3, mother_age + 20)
    husband_age = np.maximum(husband_age, 19.5)
    single_young = rng.random(h) < 0.45
    single_age = np.where(single_young, rng.uniform(18, 35, h), _beta_age(rng, h, 58, 36, 1.3, 3.0))
    single_sex = np.where(single_young, rng.random(h) < 0.4, rng.random(h) < 0.75).astype(np.int8)

    head_sex = np.where(coupled, 0, np.where(htype == 2, 1, single_sex)).astype(np.int8)
    head_age = np.where(coupled, husband_age, np.where(htype == 2, mother_age, single_age))

    # children
    mother_birth_year = 2024.5 - mother_age
    lam = np.clip(2.3 + (1985 - mother_birth_year) / 18, 1.9, 4.8)
    n_kids = np.clip(rng.poisson(lam), 1, KMAX)
    first_age = np.clip(rng.normal(23, 3.5, h), 16, 36)
    spacing = 1.0 + rng.gamma(2.0, 1.1, (h, KMAX))
    twin = rng.random((h, KMAX)) < TWIN_RATE
    twin[:, 0] = False
    spacing[:, 0] = 0.0
    spacing[twin] = 0.0
    at_age = first_age[:, None] + np.cumsum(spacing, axis=1)
    kid_age = mother_age[:, None] - at_age
    kid_sex = (rng.random((h, KMAX)) < 0.485).astype(np.int8)  # 1 = female
    leave = np.where(kid_sex == 1, 18 + rng.exponential(7, (h, KMAX)), 19 + rng.exponential(9, (h, KMAX)))
    for j in range(1, KMAX):
        leave[:, j] = np.where(twin[:, j], leave[:, j - 1], leave[:, j])
    cols = np.arange(KMAX)[None, :]
    kid_ok = with_children[:, None] & (cols < n_kids[:, None]) & (kid_age >= 0) & (kid_age < leave)
    event = np.cumsum(~twin, axis=1) - 1  # twins share a birth event

    # grandparent / relative
    gp_which = rng.choice(4, size=h, p=[0.6, 0.15, 0.2, 0.05])  # head's mother/father, wife's
    gp_child_age = np.where(gp_which < 2, head_age, mother_age)
    gp_age = gp_child_age + rng.uniform(19, 38, h)
    has_gp = (htype == 4) & (gp_age < 99)
    gp_sex = np.where(np.isin(gp_which, [0, 2]), 1, 0).astype(np.int8)
    has_rel = htype == 5
    rel_age = rng.uniform(3, 45, h)
    rel_sex = (rng.random(h) < 0.5).astype(np.int8)

    mother_day = REF_DAY - np.floor(mother_age * YEAR).astype(np.int64)
    kid_day = mother_day[:, None] + np.floor(at_age * YEAR).astype(np.int64)
    kid_ok &= kid_day <= REF_DAY

    hh = np.arange(h)
    blocks = []

    def block(mask: np.ndarray, role: int, sex: np.ndarray, day: np.ndarray, order: np.ndarray,
              ev: np.ndarray, which: np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        blocks.append(pd.DataFrame({
            "hh": hh[idx], "role": role, "sex": sex[idx], "birth": day[idx], "order": order[idx],
            "event": ev[idx], "gp_which": which[idx],
        }))

    minus = np.full(h, -1)
    head_day = REF_DAY - np.floor(head_age * YEAR).astype(np.int64) - rng.integers(0, 365, h)
    block(np.ones(h, bool), HEAD, head_sex, head_day, minus, minus, minus)
    block(coupled, SPOUSE, np.ones(h, np.int8), mother_day, minus, minus, minus)
    k_rows, k_cols = np.nonzero(kid_ok)
    blocks.append(pd.DataFrame({
        "hh": k_rows, "role": CHILD, "sex": kid_sex[k_rows, k_cols], "birth": kid_day[k_rows, k_cols],
        "order": k_cols + 1, "event": event[k_rows, k_cols], "gp_which": -1,
    }))
    gp_day = REF_DAY - np.floor(gp_age * YEAR).astype(np.int64) - rng.integers(0, 365, h)
    block(has_gp, PARENT, gp_sex, gp_day, minus, minus, gp_which)
    rel_day = REF_DAY - np.floor(rel_age * YEAR).astype(np.int64) - rng.integers(0, 365, h)
    block(has_rel, RELATIVE, rel_sex, rel_day, minus, minus, minus)
    people = pd.concat(blocks, ignore_index=True)
    people["birth"] = np.minimum(people["birth"].to_numpy(), REF_DAY - 1)
    order = np.lexsort((people["role"].to_numpy(), people["hh"].to_numpy()))
    people = people.iloc[order].reset_index(drop=True)
    households = pd.DataFrame({"htype": htype, "eth": np.array(N.ETHNICITIES, dtype=object)[eth_idx]})
    return households, people


def _people(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exactly ``n`` people in whole households (the last one may be cut short)."""
    hh_parts, people_parts = [], []
    total, offset = 0, 0
    while total < n:
        want = max(int((n - total) / 3.2) + 16, 16)
        households, people = _batch(want, rng)
        people["hh"] += offset
        offset += want
        hh_parts.append(households)
        people_parts.append(people)
        total += len(people)
    households = pd.concat(hh_parts, ignore_index=True)
    people = pd.concat(people_parts, ignore_index=True).iloc[:n].copy()
    households = households.iloc[: int(people["hh"].max()) + 1].reset_index(drop=True)
    # twin groups: birth events of one household with two or more children still present
    kids = people["role"].to_numpy() == CHILD
    key = people["hh"].to_numpy() * 16 + people["event"].to_numpy()
    counts = pd.Series(key[kids]).map(pd.Series(key[kids]).value_counts()).to_numpy()
    twin_group = np.full(n, -1, dtype=np.int64)
    twin_rows = np.flatnonzero(kids)[counts >= 2]
    twin_group[twin_rows] = pd.factorize(key[twin_rows])[0]
    people["twin_group"] = twin_group
    return households, people.reset_index(drop=True)


# --- places -------------------------------------------------------------------------------------


def _origins(eth: np.ndarray, regions: Regions, rng: np.random.Generator) -> np.ndarray:
    """Regency (4-digit code) where each person was born, by group."""
    out = np.empty(len(eth), dtype=object)
    for e, provinces in ORIGIN_PROVINCES.items():
        rows = np.flatnonzero(eth == e)
        if rows.size == 0:
            continue
        codes = [p for p, _ in provinces]
        prov = np.array(codes)[rng.choice(len(codes), rows.size, p=[w for _, w in provinces])]
        for p in codes:
            sub = rows[prov == p]
            if sub.size == 0:
                continue
            regs = [r for r in regions.regencies.get(p, []) if r.code != CITY] or regions.regencies[p]
            pop = np.array([r.population for r in regs], dtype=float)
            pick = np.array([r.code for r in regs], dtype=object)[rng.choice(len(regs), sub.size, p=pop / pop.sum())]
            if p == CITY[:2]:
                pick = np.where(rng.random(sub.size) < CITY_SHARE_OF_LAMPUNG, CITY, pick)
            out[sub] = pick
    return out


def regency_table(regions: Regions) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    table = {r.code: (r.name, r.kecamatan) for regs in regions.regencies.values() for r in regs}
    table[CITY] = ("BANDAR LAMPUNG", regions.city_kecamatan)
    return table


def groups_of(values: np.ndarray) -> list[tuple[object, np.ndarray]]:
    """(value, row positions) for each distinct value, in order of first appearance."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0, True])
    return [(uniques[codes[order[a]]], order[a:b]) for a, b in itertools.pairwise(bounds)]


def random_kecamatan(regencies: np.ndarray, regions: Regions, rng: np.random.Generator) -> np.ndarray:
    """A random kecamatan (6-digit code) inside each regency."""
    table = regency_table(regions)
    out = np.empty(len(regencies), dtype=object)
    for code, rows in groups_of(regencies):
        kecs = table[str(code)][1]
        out[rows] = np.array([k for k, _ in kecs], dtype=object)[rng.integers(0, len(kecs), rows.size)]
    return out


def birthplaces(regencies: np.ndarray, regions: Regions, rng: np.random.Generator) -> np.ndarray:
    """How a birthplace is written: the city's usual forms, a regency or one of its kecamatan."""
    table = regency_table(regions)
    out = np.empty(len(regencies), dtype=object)
    for code, rows in groups_of(regencies):
        if code == CITY:
            forms = np.array(P.CITY_BIRTHPLACE, dtype=object)
            out[rows] = forms[rng.choice(len(forms), rows.size, p=P.CITY_BIRTHPLACE_P)]
            continue
        name, kecs = table[str(code)]
        kec_names = np.array([k for _, k in kecs], dtype=object)
        use_kec = rng.random(rows.size) < 0.3
        out[rows] = np.where(use_kec, kec_names[rng.integers(0, len(kec_names), rows.size)], name)
    return out


def addresses(kec: np.ndarray, regions: Regions, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Kelurahan, RT, RW and street address for households in the given city kecamatan indices."""
    size = len(kec)
    kel = np.empty(size, dtype=object)
    kel_id = np.zeros(size, dtype=np.int64)
    for k in np.unique(kec):
        rows = np.flatnonzero(kec == k)
        names = regions.kelurahan.get(regions.city_kecamatan[k][0]) or ["-"]
        pick = rng.integers(0, len(names), rows.size)
        kel[rows] = np.array(names, dtype=object)[pick]
        kel_id[rows] = k * 100 + pick
    # each kelurahan has its own number of RTs and either RWs or none ("000", Lingkungan)
    kel_rng = np.random.default_rng(7)  # fixed: the same kelurahan always looks the same
    rt_max = kel_rng.integers(8, 36, 2100)
    no_rw = kel_rng.random(2100) < 0.25
    rt = 1 + (rng.random(size) * rt_max[kel_id % 2100]).astype(np.int64)
    rw = np.where(no_rw[kel_id % 2100], 0, 1 + (rt - 1) // 5)
    street = np.array(STREETS, dtype=object)[rng.choice(len(STREETS), size, p=P.weights(len(STREETS), 0.6))]
    gang = np.array(GANGS, dtype=object)[rng.integers(0, len(GANGS), size)]
    perum = np.array(PERUMS, dtype=object)[rng.integers(0, len(PERUMS), size)]
    number = rng.integers(1, 180, size).astype(str).astype(object)
    block = np.array(list("ABCDEFGH"), dtype=object)[rng.integers(0, 8, size)] + rng.integers(1, 12, size).astype(str).astype(object)
    kind = rng.choice(5, size, p=[0.45, 0.25, 0.10, 0.10, 0.10])
    alamat = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        ["JL. " + street + " NO. " + number, "JL. " + street + " GG. " + gang + " NO. " + number,
         "GG. " + gang + " NO. " + number, "PERUM " + perum + " BLOK " + block + " NO. " + number],
        "JL. " + street,
    ).astype(object)
    return {"kelurahan": kel, "rt": rt, "rw": rw, "alamat": alamat}


# --- the population -----------------------------------------------------------------------------


def _titles(name: np.ndarray, sex: np.ndarray, year: np.ndarray, muslim: np.ndarray, adult: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    size = len(name)
    out = name.copy()
    haji = adult & muslim & (year < 1976) & (rng.random(size) < 0.07)
    form_m = np.array(P.HAJI_M, dtype=object)[rng.choice(3, size, p=P.HAJI_M_P)]
    form_f = np.array(P.HAJI_F, dtype=object)[rng.choice(3, size, p=P.HAJI_F_P)]
    out = np.where(haji, np.where(sex == 1, form_f, form_m) + " " + out, out)
    kh = adult & muslim & (sex == 0) & (year < 1960) & ~haji & (rng.random(size) < 0.004)
    out = np.where(kh, "KH. " + out, out)
    pre = adult & (year >= 1945) & (year <= 1972) & (rng.random(size) < 0.03)
    pre_m = np.array(P.PREFIX_DEGREE_M, dtype=object)[rng.choice(4, size, p=[0.7, 0.15, 0.05, 0.1])]
    pre_f = np.array(P.PREFIX_DEGREE_F, dtype=object)[rng.choice(4, size, p=[0.7, 0.15, 0.05, 0.1])]
    out = np.where(pre, np.where(sex == 1, pre_f, pre_m) + " " + out, out)
    suf = adult & ~pre & (year >= 1955) & (year <= 2000) & (rng.random(size) < 0.08)
    degree = np.array(P.SUFFIX_DEGREES, dtype=object)[rng.choice(len(P.SUFFIX_DEGREES), size, p=P.weights(len(P.SUFFIX_DEGREES), 1.1))]
    style = rng.choice(5, size, p=[0.55, 0.15, 0.15, 0.10, 0.05])
    no_last_dot = pd.Series(degree).str.rstrip(".").to_numpy(dtype=object)
    no_dots = pd.Series(degree).str.replace(".", "", regex=False).to_numpy(dtype=object)
    written = np.select(
        [style == 0, style == 1, style == 2, style == 3],
        [", " + degree, " " + degree, " " + no_last_dot, ", " + no_dots],
        ", " + degree + ", M.PD.",
    )
    return np.where(suf, out + written, out)


def _apply_patterns(people: pd.DataFrame, given: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Siblings named to a family pattern: EKA/DWI/TRI + shared word, a shared last or first word."""
    out = given.copy()
    kids = np.flatnonzero((people["role"].to_numpy() == CHILD)
                          & np.isin(people["eth"].to_numpy(), ["JAWA", "SUNDA", "LAMPUNG", "MELAYU", "UMUM", "MINANG"]))
    if kids.size == 0:
        return out
    hh = people["hh"].to_numpy()[kids]
    uniq, inverse = np.unique(hh, return_inverse=True)
    pattern = rng.choice(4, size=uniq.size, p=[0.82, 0.06, 0.06, 0.06])[inverse]
    family_word_m = np.array(["SAPUTRA", "PUTRA", "PRATAMA", "RAMADHAN", "HIDAYAT", "WIJAYA"], dtype=object)
    family_word_f = np.array(["SAPUTRI", "PUTRI", "PRATIWI", "RAMADHANI", "HIDAYATI", "WIJAYANTI"], dtype=object)
    fam = rng.integers(0, 6, uniq.size)[inverse]
    first_m = np.array(["MUHAMMAD", "AHMAD", "RIZKI", "FAJAR"], dtype=object)[rng.integers(0, 4, uniq.size)[inverse]]
    first_f = np.array(["SITI", "NUR", "PUTRI", "DEWI"], dtype=object)[rng.integers(0, 4, uniq.size)[inverse]]
    ordinal = np.array(["", "EKA", "DWI", "TRI", "CATUR", "PANCA", "SAPTA", "ASTA", "NAWA"], dtype=object)
    sex = people["sex"].to_numpy()[kids]
    order = np.clip(people["order"].to_numpy()[kids], 1, 8)
    words = pd.Series(given[kids]).str.split(" ")
    first = words.str[0].to_numpy(dtype=object)
    last = words.str[-1].to_numpy(dtype=object)
    new = np.select(
        [pattern == 1, pattern == 2, pattern == 3],
        [ordinal[order] + " " + last,
         first + " " + np.where(sex == 1, family_word_f[fam], family_word_m[fam]),
         np.where(sex == 1, first_f, first_m) + " " + last],
        given[kids],
    )
    split = pd.Series(new).str.split(" ")
    repeated = (split.str[0] == split.str[1]).to_numpy(dtype=bool)  # SITI SITI
    out[kids] = np.where(repeated, given[kids], new)
    return out


def build(n: int, regions: Regions, rng: np.random.Generator) -> Population:
    households, people = _people(n, rng)
    hh = people["hh"].to_numpy()
    role = people["role"].to_numpy()
    sex = people["sex"].to_numpy().astype(np.int8)
    h = len(households)

    # who is whose mother / father (row positions; -1 when not on the card)
    def first_row(mask: np.ndarray) -> np.ndarray:
        out = np.full(h, -1, dtype=np.int64)
        rows = np.flatnonzero(mask)
        out[hh[rows[::-1]]] = rows[::-1]
        return out

    head_row = first_row(role == HEAD)
    spouse_row = first_row(role == SPOUSE)
    gp_row = first_row(role == PARENT)
    gp_which = np.full(h, -1)
    gp_which[hh[role == PARENT]] = people["gp_which"].to_numpy()[role == PARENT]
    head_female = sex[np.maximum(head_row, 0)] == 1
    mother = np.full(n, -1, dtype=np.int64)
    father = np.full(n, -1, dtype=np.int64)
    kids = role == CHILD
    mother[kids] = np.where(spouse_row[hh[kids]] >= 0, spouse_row[hh[kids]],
                            np.where(head_female[hh[kids]], head_row[hh[kids]], -1))
    father[kids] = np.where(~head_female[hh[kids]], head_row[hh[kids]], -1)
    heads, spouses = role == HEAD, role == SPOUSE
    mother[heads] = np.where(gp_which[hh[heads]] == 0, gp_row[hh[heads]], -1)
    father[heads] = np.where(gp_which[hh[heads]] == 1, gp_row[hh[heads]], -1)
    mother[spouses] = np.where(gp_which[hh[spouses]] == 2, gp_row[hh[spouses]], -1)
    father[spouses] = np.where(gp_which[hh[spouses]] == 3, gp_row[hh[spouses]], -1)
    people["mother"] = mother
    people["father"] = father

    # group and religion: household's; a spouse may come from another (Muslim) group
    hh_eth = households["eth"].to_numpy(dtype=object)
    religion = np.empty(h, dtype=object)
    for e, (values, p) in RELIGION_BY_ETH.items():
        rows = np.flatnonzero(hh_eth == e)
        religion[rows] = np.array(values, dtype=object)[rng.choice(len(values), rows.size, p=p)]
    households["agama"] = religion
    spouse_eth = hh_eth.copy()
    mixed = (religion == "ISLAM") & (rng.random(h) < 0.15)
    muslim_groups = np.array(["JAWA", "LAMPUNG", "SUNDA", "MELAYU", "MINANG", "UMUM"], dtype=object)
    spouse_eth[mixed] = muslim_groups[rng.choice(6, int(mixed.sum()), p=[0.4, 0.15, 0.15, 0.12, 0.08, 0.1])]
    eth = hh_eth[hh].copy()
    from_wife = spouses | ((role == PARENT) & (gp_which[hh] >= 2))
    eth[from_wife] = spouse_eth[hh[from_wife]]
    people["eth"] = eth
    people["agama"] = religion[hh]
    muslim = people["agama"].to_numpy() == "ISLAM"

    birth = people["birth"].to_numpy()
    year, _, _ = day_parts(birth)
    era = N.era_of(year)
    age = (REF_DAY - birth) / YEAR

    # names: given part, then the family parts (marga, family name, Balinese prefix)
    given = N.given_names(eth, sex, era, muslim, rng)
    given = _apply_patterns(people, given, rng)
    old_chinese = (eth == "TIONGHOA") & (era == 0) & (rng.random(n) < 0.35)
    given[old_chinese] = N.old_chinese(int(old_chinese.sum()), rng)
    name = given.copy()
    # Batak: marga of the father's line; women carry BR. + their own marga
    batak = eth == "BATAK"
    toba = ~muslim | (rng.random(n) < 0.15)
    hh_marga_toba = N.draw("MARGA_TOBA", h, rng)
    hh_marga_mand = N.draw("MARGA_MANDAILING", h, rng)
    wife_marga = np.where(muslim[np.maximum(spouse_row, 0)], N.draw("MARGA_MANDAILING", h, rng), N.draw("MARGA_TOBA", h, rng))
    hh_muslim = religion == "ISLAM"
    hh_marga = np.where(hh_muslim & (rng.random(h) < 0.85), hh_marga_mand, hh_marga_toba)
    own_marga = np.where(toba, N.draw("MARGA_TOBA", n, rng), N.draw("MARGA_MANDAILING", n, rng))
    marga = np.where(from_wife & (role == SPOUSE), wife_marga[hh], hh_marga[hh])
    marga = np.where((role == PARENT) & (gp_which[hh] == 3), wife_marga[hh], marga)
    marga = np.where((role == PARENT) & np.isin(gp_which[hh], [0, 2]), own_marga, marga)
    br = np.array(P.BATAK_BR_FORMS, dtype=object)[rng.choice(4, n, p=P.BATAK_BR_P)]
    batak_name = np.where(sex == 1, N.join([given, br, marga]), given + " " + marga)
    name = np.where(batak, batak_name, name)
    people["family_word"] = np.where(batak, marga, "")
    # Chinese-Indonesian family names
    tng = (eth == "TIONGHOA") & ~old_chinese
    hh_sur = N.draw("TNG_SUR", h, rng)
    carries = np.where(role == SPOUSE, rng.random(n) < 0.5, rng.random(n) < 0.75)
    surname = np.where((role == SPOUSE) | ((role == PARENT) & (gp_which[hh] != 1)), N.draw("TNG_SUR", n, rng), hh_sur[hh])
    with_sur = tng & carries & (given != surname)
    name = np.where(with_sur, name + " " + surname, name)
    people["family_word"] = np.where(with_sur, surname, people["family_word"].to_numpy(dtype=object))
    # Balinese: I/NI + birth order (a child's order on the card, a random one for adults)
    bali = eth == "BALI"
    order = people["order"].to_numpy()
    order = np.where(order > 0, order, rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1]) + 1)
    name = np.where(bali, N.balinese_prefix(sex, order, rng) + " " + given, name)
    # prefixes of some groups
    r = rng.random(n)
    lam = (eth == "LAMPUNG") & (r < 0.03)
    lam_m = np.array(P.LAM_PREFIX_M, dtype=object)[rng.integers(0, len(P.LAM_PREFIX_M), n)]
    name = np.where(lam, np.where(sex == 1, "RATU", lam_m) + " " + name, name)
    mel = (eth == "MELAYU") & (r < 0.06)
    name = np.where(mel, np.where(sex == 1, np.array(P.MEL_PREFIX_F, dtype=object)[rng.integers(0, 4, n)],
                                  np.array(P.MEL_PREFIX_M, dtype=object)[rng.integers(0, 4, n)]) + " " + name, name)
    umum = eth == "UMUM"
    arab = umum & muslim & (r < 0.08)
    arab_first = np.where(sex == 1, "SYARIFAH", np.where(rng.random(n) < 0.6, "SYARIF", "SAYYID"))
    name = np.where(arab, arab_first + " " + name + " " + N.draw("ARAB_SUR", n, rng), name)
    bugis = umum & (r >= 0.08) & (r < 0.18)
    name = np.where(bugis, "ANDI " + name, name)
    # joined spellings written so on the card: NURHAYATI, ABDURRAHMAN
    joined = rng.random(n) < 0.35
    s = pd.Series(name)
    nur = joined & s.str.startswith("NUR ").to_numpy()
    name[nur] = s[nur].str.replace(r"^NUR ", "NUR", regex=True).to_numpy(dtype=object)
    abd = joined & s.str.contains(r"\bABDUL [RSZNTD]", regex=True).to_numpy()
    name[abd] = s[abd].str.replace(r"\bABDUL ([RSZNTD])", r"ABDU\1\1", regex=True).to_numpy(dtype=object)

    name, twin_how = name_twins(people.assign(sex=sex), name, rng)
    people["twin_how"] = twin_how

    # father and son with the same name (some with JR.)
    first_son = kids & (sex == 0) & (age >= 1) & (people["twin_group"].to_numpy() < 0)
    fs_hh = np.unique(hh[first_son])
    fs_p = np.where(hh_muslim[fs_hh], 0.004, 0.02)
    fs_hh = fs_hh[(rng.random(fs_hh.size) < fs_p) & ~head_female[fs_hh]]
    father_son = np.full(n, -1, dtype=np.int64)
    son_rows = pd.Series(np.flatnonzero(first_son)).groupby(hh[first_son]).first()
    son_rows = son_rows.reindex(fs_hh).dropna().astype(np.int64).to_numpy()
    suffix = np.array(["", " JR", " JR.", " JUNIOR"], dtype=object)[rng.choice(4, son_rows.size, p=[0.4, 0.3, 0.2, 0.1])]
    name[son_rows] = name[head_row[hh[son_rows]]] + suffix
    father_son[son_rows] = np.arange(son_rows.size)
    father_son[head_row[hh[son_rows]]] = np.arange(son_rows.size)
    people["father_son"] = father_son

    adult = age >= 23
    name = _titles(name, sex, year, muslim, adult & (father_son < 0), rng)
    people["sex"] = sex
    people["name"] = name
    people["given"] = given
    people["era"] = era

    # birth dates as recorded: defaults for people whose date was unknown, age heaping
    p_default = np.select([year < 1950, year < 1960, year < 1970, year < 1980, year < 1995],
                          [0.45, 0.30, 0.15, 0.07, 0.03], 0.01)
    default = rng.random(n) < p_default
    y, m, _d = day_parts(birth)
    kind = rng.choice(4, n, p=[0.40, 0.25, 0.25, 0.10])
    dm = np.select([kind == 0, kind == 1, kind == 2], [1231, 701, 101], m * 100 + 15)
    heap = (y < 1955) & (rng.random(n) < 0.3)
    dy = np.where(heap, np.round(y / 5).astype(np.int64) * 5, y)
    recorded = np.where(default, to_days(dy, dm // 100, dm % 100), birth)
    people["default_date"] = default
    twins = np.flatnonzero(people["twin_group"].to_numpy() >= 0)
    tg = people["twin_group"].to_numpy()[twins]
    first_of = pd.Series(twins).groupby(tg).transform("first").to_numpy()
    recorded[twins] = recorded[first_of]
    people["recorded"] = recorded

    people["common_group"] = plant_common_names(people, rng)

    # where: household kecamatan and address, origin (birth regency), NIK kecamatan
    kec_w = np.random.default_rng(11).gamma(4.0, 1.0, len(regions.city_kecamatan))
    hh_kec = rng.choice(len(regions.city_kecamatan), h, p=kec_w / kec_w.sum())
    households["kec"] = hh_kec
    for column, values in addresses(hh_kec, regions, rng).items():
        households[column] = values
    origin = _origins(eth, regions, rng)
    head_origin = origin[head_row]
    arrival = np.where(head_origin == CITY, -10**9,
                       birth[head_row] + ((18 + rng.exponential(6, h)) * YEAR).astype(np.int64))
    arrival = np.minimum(arrival, REF_DAY - 365)
    born_here = kids & (birth >= arrival[hh])
    origin = np.where(kids, np.where(born_here, CITY, head_origin[hh]), origin)
    people["origin"] = origin
    city_codes = np.array([k for k, _ in regions.city_kecamatan], dtype=object)
    own_kec = city_codes[hh_kec[hh]]
    other_city_kec = city_codes[rng.integers(0, len(city_codes), n)]
    city_nik = np.where(rng.random(n) < 0.7, own_kec, other_city_kec)
    outside = origin != CITY
    keep_old = outside & (rng.random(n) < 0.65)
    nik_kec = np.where(keep_old, random_kecamatan(origin, regions, rng), city_nik)
    # twins are registered together
    nik_kec[twins] = nik_kec[first_of]
    people["nik_kec"] = nik_kec
    people["tempat_lahir"] = birthplaces(origin, regions, rng)
    people.loc[twins, "tempat_lahir"] = people["tempat_lahir"].to_numpy()[first_of]

    # family cards: issued in the household's kecamatan after the youngest member's birth
    youngest = pd.Series(birth).groupby(hh).max().reindex(range(h)).to_numpy()
    issue = np.maximum(youngest + rng.integers(0, 730, h), rng.integers(MIN_KK_DAY, REF_DAY, h))
    households["kk_day"] = np.minimum(issue, REF_DAY)
    households["kk_kec"] = city_codes[hh_kec]

    # occupations, parents' names
    people["pekerjaan"] = occupations(sex, age, rng)
    people["nama_ibu"], people["nama_ayah"] = parent_names(people, rng)
    people["role_name"] = ROLE_NAMES[role]
    return Population(people, households)


def occupations(sex: np.ndarray, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(sex)
    jobs_m = np.array(P.JOBS_ADULT_M, dtype=object)[rng.choice(len(P.JOBS_ADULT_M), n, p=np.array(P.JOBS_ADULT_M_P) / sum(P.JOBS_ADULT_M_P))]
    jobs_f = np.array(P.JOBS_ADULT_F, dtype=object)[rng.choice(len(P.JOBS_ADULT_F), n, p=np.array(P.JOBS_ADULT_F_P) / sum(P.JOBS_ADULT_F_P))]
    adult = np.where(sex == 1, jobs_f, jobs_m)
    old = np.where(rng.random(n) < 0.3, "PENSIUNAN", np.where(sex == 1, "MENGURUS RUMAH TANGGA", "BELUM/TIDAK BEKERJA"))
    student = np.where(rng.random(n) < 0.93, "PELAJAR/MAHASISWA", "BELUM/TIDAK BEKERJA")
    return np.select([age < 5, age < 20, age >= 62], ["BELUM/TIDAK BEKERJA", student, old], adult).astype(object)


TITLE_RE = (r"^(?:(?:H|HJ|HAJI|HAJAH|KH|DRS|DRA|IR|DR)\.?\s+)+|,.*$"
            r"|\s+(?:S\.[A-Z.]+|A\.MD\.?[A-Z.]*|M\.PD\.?|M\.M\.?|M\.SI\.?)$")


def strip_titles(names: pd.Series) -> pd.Series:
    """Names without the titles before and after them (as a child's card often writes a parent)."""
    return names.str.replace(TITLE_RE, "", regex=True).str.strip()


def _missing_marker(size: int, rng: np.random.Generator) -> np.ndarray:
    return np.where(rng.random(size) < 0.65, "", "-").astype(object)


def parent_names(people: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Mother's and father's names: the parent on the card as written there, else drawn."""
    n = len(people)
    name = people["name"].to_numpy(dtype=object)
    eth = people["eth"].to_numpy(dtype=object)
    muslim = people["agama"].to_numpy() == "ISLAM"
    year, _, _ = day_parts(people["birth"].to_numpy())
    family = people["family_word"].to_numpy(dtype=object)
    plain = strip_titles(pd.Series(name)).to_numpy(dtype=object)
    as_written = np.where(rng.random(n) < 0.5, plain, name)  # per parent: with or without titles
    out = []
    for parent_col, parent_sex, gap, miss_in, miss_out in (
        ("mother", 1, 27, 0.01, [0.35, 0.20, 0.08, 0.03, 0.01]),
        ("father", 0, 31, 0.02, [0.45, 0.30, 0.12, 0.05, 0.03]),
    ):
        parent = people[parent_col].to_numpy()
        known = parent >= 0
        drawn = N.given_names(eth, np.full(n, parent_sex, np.int8), N.era_of(year - gap), muslim, rng)
        batak = eth == "BATAK"
        marga = N.draw("MARGA_TOBA", n, rng)
        if parent_sex == 1:
            br = np.array(P.BATAK_BR_FORMS, dtype=object)[rng.choice(4, n, p=P.BATAK_BR_P)]
            drawn = np.where(batak, N.join([drawn, br, marga]), drawn)
            drawn = np.where(eth == "BALI", "NI " + N.draw("BALI_MID_F", n, rng) + " " + drawn, drawn)
        else:
            drawn = np.where(batak & (family != ""), drawn + " " + family, drawn)
            tng = (eth == "TIONGHOA") & (family != "")
            drawn = np.where(tng, drawn + " " + family, drawn)
            drawn = np.where(eth == "BALI", "I " + N.draw("BALI_MID_M", n, rng) + " " + drawn, drawn)
        value = np.where(known, as_written[np.maximum(parent, 0)], drawn)
        p_missing = np.where(known, miss_in, np.select(
            [year < 1950, year < 1965, year < 1980, year < 1995], miss_out[:4], miss_out[4]))
        missing = rng.random(n) < p_missing
        # children of one mother on one card share the way her name is written (and twins it all)
        if parent_sex == 1:
            twins = people["twin_group"].to_numpy()
            t_rows = np.flatnonzero(twins >= 0)
            first = pd.Series(t_rows).groupby(twins[t_rows]).transform("first").to_numpy()
            missing[t_rows] = missing[first]
        out.append(np.where(missing, _missing_marker(n, rng), value))
    return out[0], out[1]


COMMON_SHARE = 0.0015  # people given a common name and a default date shared with a stranger


def plant_common_names(people: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Pairs of unrelated adults with one common name (SITI AMINAH) and one default birth date."""
    n = len(people)
    group = np.full(n, -1, dtype=np.int64)
    year, _, _ = day_parts(people["birth"].to_numpy())
    ok = ((year >= 1940) & (year <= 1985) & (people["agama"].to_numpy() == "ISLAM")
          & (people["twin_group"].to_numpy() < 0) & (people["father_son"].to_numpy() < 0))
    name = people["name"].to_numpy(dtype=object)
    recorded = people["recorded"].to_numpy().copy()
    k = 0
    for sex, pool in ((0, "COMMON_M"), (1, "COMMON_F")):
        rows = rng.permutation(np.flatnonzero(ok & (people["sex"].to_numpy() == sex)))
        pairs = min(round(COMMON_SHARE * n / 4), rows.size // 2)
        if pairs == 0:
            continue
        a, b = rows[:pairs], rows[pairs: 2 * pairs]
        common = N.draw(pool, pairs, rng)
        name[a] = common
        name[b] = common
        y, _, _ = day_parts(recorded[a])
        dm = np.array([1231, 701, 101])[rng.choice(3, pairs, p=[0.45, 0.35, 0.2])]
        day = to_days(y, dm // 100, dm % 100)
        recorded[a] = day
        recorded[b] = day
        group[a] = group[b] = k + np.arange(pairs)
        k += pairs
    people["name"] = name
    people["recorded"] = recorded
    people["default_date"] = people["default_date"].to_numpy() | (group >= 0)
    return group
