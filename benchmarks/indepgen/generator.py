"""The register: original records, the extra records of people holding more than one NIK,
and the truth about both.

Scenario mix (share of extra records; a person may get a third record):

=====================  =====  ==============================================================
scenario               share  what happened
=====================  =====  ==============================================================
same_kk                 ~17%  entered twice on one family card (same KK and address, retyped)
moved_kecamatan         ~21%  registered again after moving to another kecamatan of the city
other_regency           ~15%  came from another regency with a NIK from there, got a new one
family_reregistered     ~17%  a whole family re-registered under a new KK elsewhere
same_kecamatan          ~16%  registered twice in one kecamatan (another address or KK)
date_retyped            ~14%  an extra record whose birth date was typed again (always differs)
=====================  =====  ==============================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import corrupt as C
from . import population as Pop
from .regions import CITY, Regions, load_regions

EXTRA_RATE = 0.045  # extra records per original record
FAMILY_SHARE = 0.17
THIRD_SHARE = 0.07  # of the people with an extra record, share with a third record
ADULT_MIX = {"same_kk": 0.15, "moved_kecamatan": 0.28, "other_regency": 0.20,
             "same_kecamatan": 0.20, "date_retyped": 0.17}
CHILD_MIX = {"same_kk": 0.45, "moved_kecamatan": 0.12, "other_regency": 0.04,
             "same_kecamatan": 0.17, "date_retyped": 0.22}
THIRD_MIX = {"moved_kecamatan": 0.3, "same_kecamatan": 0.3, "date_retyped": 0.2, "same_kk": 0.2}
#: number of differences on an extra record (0..4), by scenario
N_KINDS = {
    "same_kk": [0.04, 0.30, 0.38, 0.21, 0.07],
    "family_reregistered": [0.15, 0.38, 0.30, 0.13, 0.04],
    "date_retyped": [0.0, 0.40, 0.35, 0.18, 0.07],
    "default": [0.10, 0.33, 0.32, 0.18, 0.07],
}
KIND_WEIGHTS = {
    "name_typo": 20, "name_spelling": 10, "name_abbrev": 5, "name_join_split": 4, "name_title": 5,
    "name_word_dropped": 7, "name_word_added": 3, "name_word_order": 4, "name_initials": 4,
    "date_year": 6, "date_digit": 6, "date_swap": 2.5, "date_default": 3.5,
    "mother_typo": 7, "mother_short": 3, "mother_missing": 6, "father_missing": 4, "father_typo": 3,
    "place_variant": 8, "sex": 0.6,
}
SCENARIO_BOOST = {
    "same_kk": {"name_typo": 1.6, "mother_typo": 1.3, "place_variant": 0.6},
    "family_reregistered": {"mother_missing": 0.6},
}
ORIGINAL_KINDS = {"name_typo": 0.3, "name_spelling": 0.2, "name_title": 0.1, "mother_missing": 0.1,
                  "mother_typo": 0.1, "place_variant": 0.1, "date_digit": 0.1}
ORIGINAL_RATE = 0.03
NIK_DATE_RATE = 0.01
DATE_FORMATS = {"dmy": "{d}-{m}-{y}", "ymd": "{y}-{m}-{d}"}


# --- which people get extra records, and where --------------------------------------------------


def _plan(persons: pd.DataFrame, households: pd.DataFrame, n_extra: int,
          rng: np.random.Generator) -> pd.DataFrame:
    hh = persons["hh"].to_numpy()
    size = np.bincount(hh, minlength=len(households))
    htype = households["htype"].to_numpy()
    # whole families
    cand = np.flatnonzero(np.isin(htype, [0, 1, 2]) & (size >= 2) & (size <= 7))
    cand = rng.permutation(cand)
    target = round(FAMILY_SHARE * n_extra)
    k = int(np.searchsorted(np.cumsum(size[cand]), target)) + 1
    fam_hh = np.sort(cand[:k])
    fam_rows = np.flatnonzero(np.isin(hh, fam_hh))[:target]
    # individuals
    n_ind = n_extra - fam_rows.size
    n_third = round(THIRD_SHARE * n_ind)
    n_people = n_ind - n_third
    age = (Pop.REF_DAY - persons["birth"].to_numpy()) / Pop.YEAR
    eligible = np.flatnonzero(~np.isin(hh, fam_hh))
    w = np.select([age[eligible] < 17, age[eligible] <= 60], [0.9, 1.3], 0.8)
    chosen = rng.choice(eligible, n_people, replace=False, p=w / w.sum())
    child = age[chosen] < 17
    scen = np.empty(n_people, dtype=object)
    for mask, mix in ((child, CHILD_MIX), (~child, ADULT_MIX)):
        scen[mask] = np.array(list(mix), dtype=object)[rng.choice(len(mix), int(mask.sum()), p=list(mix.values()))]
    thirds = rng.choice(chosen, n_third, replace=False)
    third_scen = np.array(list(THIRD_MIX), dtype=object)[rng.choice(len(THIRD_MIX), n_third, p=list(THIRD_MIX.values()))]
    plan = pd.DataFrame({
        "person": np.r_[fam_rows, chosen, thirds],
        "scenario": np.r_[np.full(fam_rows.size, "family_reregistered", dtype=object), scen, third_scen],
    })
    plan["family"] = np.r_[np.searchsorted(fam_hh, hh[fam_rows]), np.full(n_ind, -1)]
    return plan


def _locate(plan: pd.DataFrame, persons: pd.DataFrame, households: pd.DataFrame, regions: Regions,
            rng: np.random.Generator) -> tuple[np.ndarray, pd.DataFrame]:
    """The household (KK) of every extra record; new households appended to the table."""
    n_kec = len(regions.city_kecamatan)
    person = plan["person"].to_numpy()
    scen = plan["scenario"].to_numpy()
    own_hh = persons["hh"].to_numpy()[person]
    cur_kec = households["kec"].to_numpy()[own_hh]
    size = len(plan)
    u = rng.random(size)
    mode = np.full(size, "alone", dtype=object)  # alone: a new KK of its own
    mode[scen == "same_kk"] = "same"
    mode[(scen == "moved_kecamatan") & (u < 0.45)] = "join"
    mode[(scen == "other_regency") & (u < 0.5)] = "join"
    mode[(scen == "same_kecamatan") & (u < 0.3)] = "join"
    mode[(scen == "date_retyped") & (u < 0.25)] = "same"
    mode[scen == "family_reregistered"] = "family"
    other = (cur_kec + rng.integers(1, n_kec, size)) % n_kec
    anywhere = rng.integers(0, n_kec, size)
    kec = np.select(
        [np.isin(scen, ["same_kk", "same_kecamatan"]), scen == "moved_kecamatan", scen == "other_regency",
         scen == "date_retyped"],
        [cur_kec, other, anywhere, np.where(rng.random(size) < 0.55, cur_kec, other)],
        cur_kec,
    )
    # a family moves together: one kecamatan per family, another one for most
    fam = plan["family"].to_numpy()
    is_fam = fam >= 0
    if is_fam.any():
        n_fam = int(fam.max()) + 1
        fam_cur = np.zeros(n_fam, dtype=np.int64)
        fam_cur[fam[is_fam]] = cur_kec[is_fam]
        fam_kec = np.where(rng.random(n_fam) < 0.7, (fam_cur + rng.integers(1, n_kec, n_fam)) % n_kec, fam_cur)
        kec[is_fam] = fam_kec[fam[is_fam]]
    target = own_hh.copy()
    # join: an existing household in the target kecamatan (as FAMILI LAIN)
    join = np.flatnonzero(mode == "join")
    hh_kec = households["kec"].to_numpy()
    by_kec = [np.flatnonzero(hh_kec == k) for k in range(n_kec)]
    for k in np.unique(kec[join]):
        rows = join[kec[join] == k]
        pool = by_kec[k]
        if pool.size < 2:
            mode[rows] = "alone"
            continue
        pick = pool[rng.integers(0, pool.size, rows.size)]
        pick = np.where(pick == own_hh[rows], pool[(np.searchsorted(pool, pick) + 1) % pool.size], pick)
        target[rows] = pick
    # new households: one per lone record, one per family
    alone = np.flatnonzero(mode == "alone")
    h0 = len(households)
    fam_ids = np.unique(fam[is_fam])
    new_kec = np.r_[kec[alone], np.array([kec[is_fam][fam[is_fam] == f][0] for f in fam_ids], dtype=np.int64)]
    target[alone] = h0 + np.arange(alone.size)
    if is_fam.any():
        target[is_fam] = h0 + alone.size + np.searchsorted(fam_ids, fam[is_fam])
    births = persons["birth"].to_numpy()[person]
    youngest = pd.Series(births).groupby(target).max()
    new = pd.DataFrame({"htype": np.full(new_kec.size, -1), "kec": new_kec})
    for column, values in Pop.addresses(new_kec, regions, rng).items():
        new[column] = values
    low = np.maximum(youngest.reindex(h0 + np.arange(len(new))).to_numpy(), np.datetime64("2010-01-01", "D").astype(np.int64))
    new["kk_day"] = np.minimum(low + (rng.random(len(new)) * (Pop.REF_DAY - low)).astype(np.int64), Pop.REF_DAY)
    codes = np.array([k for k, _ in regions.city_kecamatan], dtype=object)
    new["kk_kec"] = codes[new_kec]
    new["agama"] = ""
    households = pd.concat([households, new], ignore_index=True)
    return target, households


# --- corruption ---------------------------------------------------------------------------------


@dataclass
class _Record:
    """The fields of one record that the differences change."""

    name: str
    sex: int
    age: float
    muslim: bool
    mother: str
    father: str
    place: str
    alt_place: str
    ymd: tuple[int, int, int]


def _apply(kind: str, rec: _Record, py: random.Random) -> bool:
    """Apply one kind of difference to ``rec``; False when it does not apply."""
    new: object = None
    if kind == "name_title":
        new = C.title(rec.name, py, sex=rec.sex, age=rec.age, muslim=rec.muslim)
    elif kind == "name_word_added":
        new = C.word_added(rec.name, py, sex=rec.sex, father=rec.father, muslim=rec.muslim)
    elif kind in C.NAME_KINDS:
        new = C.NAME_KINDS[kind](rec.name, py)
    if kind.startswith("name_"):
        if new is None or not str(new).strip() or new == rec.name:
            return False
        rec.name = str(new)
        return True
    if kind in C.DATE_KINDS:
        new = C.DATE_KINDS[kind](rec.ymd, py)
        if new is None:
            return False
        rec.ymd = new
        return True
    if kind.startswith(("mother_", "father_")):
        who = "mother" if kind.startswith("mother") else "father"
        func = {"typo": C.parent_typo, "short": C.parent_short, "missing": C.parent_missing}[kind.split("_")[1]]
        new = func(getattr(rec, who), py)
        if new is None or new == getattr(rec, who):
            return False
        setattr(rec, who, new)
        return True
    if kind == "place_variant":
        new = C.place_variant(rec.place, py, alternative=rec.alt_place)
        if not new or new == rec.place:
            return False
        rec.place = new
        return True
    if kind == "sex":
        rec.sex = 1 - rec.sex
        return True
    raise ValueError(kind)


def _corrupt(records: pd.DataFrame, rows: np.ndarray, n_kinds: np.ndarray, kinds_weights: list[dict[str, float]],
             forced: list[str | None], py: random.Random) -> list[str]:
    """Apply ``n_kinds[i]`` kinds to each row in ``rows``; returns the kinds applied per row."""
    applied_all: list[str] = []
    cols = {c: records[c].to_numpy() for c in ("nama", "sex", "age", "muslim", "nama_ibu", "nama_ayah",
                                               "tempat_lahir", "alt_place", "y", "m", "d")}
    out = {c: cols[c].copy() for c in ("nama", "sex", "nama_ibu", "nama_ayah", "tempat_lahir", "y", "m", "d")}
    for j, r in enumerate(rows):
        rec = _Record(name=str(cols["nama"][r]), sex=int(cols["sex"][r]), age=float(cols["age"][r]),
                      muslim=bool(cols["muslim"][r]), mother=str(cols["nama_ibu"][r]),
                      father=str(cols["nama_ayah"][r]), place=str(cols["tempat_lahir"][r]),
                      alt_place=str(cols["alt_place"][r]),
                      ymd=(int(cols["y"][r]), int(cols["m"][r]), int(cols["d"][r])))
        weights = dict(kinds_weights[j])
        applied: list[str] = []
        want = int(n_kinds[j])
        if forced[j]:
            for kind in py.sample(list(C.DATE_KINDS), len(C.DATE_KINDS)):
                if _apply(kind, rec, py):
                    applied.append(kind)
                    weights.pop(kind, None)
                    break
        tries = 0
        while len(applied) < want and weights and tries < 12:
            tries += 1
            kind = py.choices(list(weights), list(weights.values()))[0]
            weights.pop(kind)
            if _apply(kind, rec, py):
                applied.append(kind)
        out["nama"][r] = rec.name
        out["sex"][r] = rec.sex
        out["nama_ibu"][r] = rec.mother
        out["nama_ayah"][r] = rec.father
        out["tempat_lahir"][r] = rec.place
        out["y"][r], out["m"][r], out["d"][r] = rec.ymd
        applied_all.append(";".join(applied))
    for c, values in out.items():
        records[c] = values
    return applied_all


# --- numbers: NIK and KK -----------------------------------------------------------------------


def _serials(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """1, 2, ... within each key in random order, with a random start for some keys."""
    codes, uniques = pd.factorize(keys)
    order = np.lexsort((rng.random(codes.size), codes))
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    rank_sorted = np.arange(codes.size) - np.repeat(starts, np.diff(np.r_[starts, codes.size]))
    rank = np.empty(codes.size, dtype=np.int64)
    rank[order] = rank_sorted
    offset = np.where(rng.random(len(uniques)) < 0.3, rng.integers(0, 40, len(uniques)), 0)
    return rank + 1 + offset[codes]


_PADDED = {w: np.array([str(i).zfill(w) for i in range(10**w)], dtype=object) for w in (2, 3, 4)}


def _two(values: np.ndarray) -> np.ndarray:
    return _PADDED[2][np.asarray(values, dtype=np.int64) % 100]


def _pad(values: np.ndarray, width: int) -> np.ndarray:
    return _PADDED[width][np.asarray(values, dtype=np.int64)]


# --- the register --------------------------------------------------------------------------------


def generate(n: int, seed: int, *, father: bool = False, date_format: str = "dmy",
             extra_rate: float = EXTRA_RATE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A register of ``n`` records (canonical SIAK columns) and its truth, deterministic by seed.

    ``father`` adds ``nama_ayah``; the records are otherwise the same as without it.
    """
    rng = np.random.default_rng([seed, 20240630])
    py = random.Random(seed * 7919 + 1)
    regions = load_regions()
    n_orig = round(n / (1 + extra_rate))
    pop = Pop.build(n_orig, regions, rng)
    persons, households = pop.persons, pop.households
    plan = _plan(persons, households, n - n_orig, rng)
    extra_hh, households = _locate(plan, persons, households, regions, rng)

    # a person who came from another regency has a NIK from there on the first record
    nik_kec = persons["nik_kec"].to_numpy(dtype=object).copy()
    came = plan["person"].to_numpy()[plan["scenario"].to_numpy() == "other_regency"]
    came = came[pd.Series(nik_kec[came]).str.startswith(CITY).to_numpy()]
    if came.size:
        origin = Pop._origins(persons["eth"].to_numpy(dtype=object)[came], regions, rng)
        lampung = [r.code for r in regions.regencies.get("18", []) if r.code != CITY] or ["1802"]
        origin = np.where(origin == CITY, np.array(lampung, dtype=object)[rng.integers(0, len(lampung), came.size)], origin)
        nik_kec[came] = Pop.random_kecamatan(origin, regions, rng)

    # records: originals then extras
    person = np.r_[np.arange(n_orig), plan["person"].to_numpy()]
    hh_of = np.r_[persons["hh"].to_numpy(), extra_hh]
    scenario = np.r_[np.full(n_orig, "original", dtype=object), plan["scenario"].to_numpy(dtype=object)]
    is_extra = np.r_[np.zeros(n_orig, bool), np.ones(len(plan), bool)]
    y, m, d = Pop.day_parts(persons["recorded"].to_numpy()[person])
    birth_age = (Pop.REF_DAY - persons["birth"].to_numpy()[person]) / Pop.YEAR
    records = pd.DataFrame({
        "nama": persons["name"].to_numpy(dtype=object)[person],
        "sex": persons["sex"].to_numpy()[person].astype(np.int64),
        "age": birth_age,
        "muslim": persons["agama"].to_numpy()[person] == "ISLAM",
        "nama_ibu": persons["nama_ibu"].to_numpy(dtype=object)[person],
        "nama_ayah": persons["nama_ayah"].to_numpy(dtype=object)[person],
        "tempat_lahir": persons["tempat_lahir"].to_numpy(dtype=object)[person],
        "alt_place": Pop.birthplaces(persons["origin"].to_numpy(dtype=object)[person], regions, rng),
        "y": y, "m": m, "d": d,
    })
    total = len(records)
    jobs = persons["pekerjaan"].to_numpy(dtype=object)[person]
    redraw = is_extra & (rng.random(total) < 0.3)
    jobs[redraw] = Pop.occupations(records["sex"].to_numpy()[redraw], birth_age[redraw], rng)

    # differences: most extra records, a few first records
    corruptions = np.full(total, "", dtype=object)
    extra_rows = np.flatnonzero(is_extra)
    k_extra = np.empty(extra_rows.size, dtype=np.int64)
    weights_extra: list[dict[str, float]] = []
    for j, s in enumerate(scenario[extra_rows]):
        probs = N_KINDS.get(s, N_KINDS["default"])
        k_extra[j] = rng.choice(5, p=probs)
        boost = SCENARIO_BOOST.get(s, {})
        weights_extra.append({k: w * boost.get(k, 1.0) for k, w in KIND_WEIGHTS.items()})
    forced = ["date" if s == "date_retyped" else None for s in scenario[extra_rows]]
    corruptions[extra_rows] = _corrupt(records, extra_rows, k_extra, weights_extra, forced, py)
    orig_rows = np.flatnonzero(~is_extra & (rng.random(total) < ORIGINAL_RATE))
    corruptions[orig_rows] = _corrupt(records, orig_rows, np.ones(orig_rows.size, np.int64),
                                      [dict(ORIGINAL_KINDS)] * orig_rows.size, [None] * orig_rows.size, py)

    # NIK: kecamatan of first registration + DD(+40)MMYY + serial
    rec_nik_kec = np.where(is_extra, households["kk_kec"].to_numpy(dtype=object)[hh_of], nik_kec[person])
    ny, nm, nd = records["y"].to_numpy().copy(), records["m"].to_numpy().copy(), records["d"].to_numpy().copy()
    slip = np.flatnonzero(rng.random(total) < NIK_DATE_RATE)
    for r in slip:
        new = C.date_digit((int(ny[r]), int(nm[r]), int(nd[r])), py)
        if new:
            ny[r], nm[r], nd[r] = new
            corruptions[r] = ";".join(x for x in (corruptions[r], "nik_date") if x)
    sex = records["sex"].to_numpy()
    nik_date = _two(nd + 40 * sex) + _two(nm) + _two(ny % 100)
    nik_key = rec_nik_kec + nik_date
    nik = nik_key + _pad(_serials(nik_key, rng), 4)
    ky, km, kd = Pop.day_parts(households["kk_day"].to_numpy())
    kk_key = households["kk_kec"].to_numpy(dtype=object) + _two(kd) + _two(km) + _two(ky % 100)
    kk = kk_key + _pad(_serials(kk_key, rng), 4)

    fmt = DATE_FORMATS[date_format]
    dd, mm, yy = _two(records["d"].to_numpy()), _two(records["m"].to_numpy()), records["y"].astype(str).to_numpy(dtype=object)
    tanggal = (dd + "-" + mm + "-" + yy) if fmt.startswith("{d}") else (yy + "-" + mm + "-" + dd)
    kec_names = np.array([name for _, name in regions.city_kecamatan], dtype=object)
    hkec = households["kec"].to_numpy()[hh_of]
    register = pd.DataFrame({
        "nik": nik,
        "no_kk": kk[hh_of],
        "nama": records["nama"].to_numpy(dtype=object),
        "tempat_lahir": records["tempat_lahir"].to_numpy(dtype=object),
        "tanggal_lahir": tanggal,
        "jenis_kelamin": np.where(sex == 1, "PEREMPUAN", "LAKI-LAKI"),
        "nama_ibu": records["nama_ibu"].to_numpy(dtype=object),
        "alamat": households["alamat"].to_numpy(dtype=object)[hh_of],
        "rt": _pad(households["rt"].to_numpy()[hh_of], 3),
        "rw": _pad(households["rw"].to_numpy()[hh_of], 3),
        "kelurahan": households["kelurahan"].to_numpy(dtype=object)[hh_of],
        "kecamatan": kec_names[hkec],
        "agama": persons["agama"].to_numpy(dtype=object)[person],
        "pekerjaan": jobs,
    })
    if father:
        register["nama_ayah"] = records["nama_ayah"].to_numpy(dtype=object)
    else:
        corruptions = np.array([";".join(k for k in c.split(";") if k and not k.startswith("father_"))
                                for c in corruptions], dtype=object)
    role = persons["role_name"].to_numpy(dtype=object)[person].copy()
    role[is_extra & (households["htype"].to_numpy()[hh_of] >= 0) & (scenario != "same_kk")
         & (hh_of != persons["hh"].to_numpy()[person])] = "FAMILI LAIN"
    truth = pd.DataFrame({
        "person_id": person.astype(np.int64),
        "scenario": scenario,
        "corruptions": corruptions,
        "household_id": hh_of.astype(np.int64),
        "twin_group": pd.array(np.where(persons["twin_group"].to_numpy()[person] >= 0,
                                        persons["twin_group"].to_numpy()[person], -1), dtype="Int64"),
        "father_son": pd.array(persons["father_son"].to_numpy()[person], dtype="Int64"),
        "common_group": pd.array(persons["common_group"].to_numpy()[person], dtype="Int64"),
        "role": role,
        "suku": persons["eth"].to_numpy(dtype=object)[person],
        "twin_names": persons["twin_how"].to_numpy(dtype=object)[person],
    })
    for column in ("twin_group", "father_son", "common_group"):
        truth.loc[truth[column] < 0, column] = pd.NA
    order = rng.permutation(total)
    register = register.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    register.index.name = truth.index.name = "rid"
    return register, truth


# --- ground truth pairs ----------------------------------------------------------------------------


def pairs_within(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i < j) of positions sharing a non-negative group label."""
    idx = np.flatnonzero(groups >= 0)
    order = idx[np.argsort(groups[idx], kind="stable")]
    g = groups[order]
    lefts, rights = [], []
    offset = 1
    while offset < order.size:
        same = g[offset:] == g[:-offset]
        if not same.any():
            break
        lefts.append(order[:-offset][same])
        rights.append(order[offset:][same])
        offset += 1
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.concatenate(lefts), np.concatenate(rights)
    return np.minimum(a, b), np.maximum(a, b)


def true_pairs(truth: pd.DataFrame) -> pd.DataFrame:
    a, b = pairs_within(truth["person_id"].to_numpy())
    return pd.DataFrame({"id_l": a, "id_r": b})


DEFAULT_DAYMONTHS = ("31-12", "01-07", "01-01")


def hard_negative_pairs(register: pd.DataFrame, truth: pd.DataFrame, *, max_group: int = 60) -> pd.DataFrame:
    """Pairs of records of different people that must never be merged.

    ``twins`` (records of two twins), ``father_son`` (a father and a son of the same name) and
    ``common_name`` (the same name as written, titles and punctuation aside, and the same birth
    date that is a default date or the 15th, or on a name held by 20 or more people).
    """
    person = truth["person_id"].to_numpy()
    frames = []
    for kind, column in (("twins", "twin_group"), ("father_son", "father_son")):
        a, b = pairs_within(truth[column].fillna(-1).to_numpy(dtype=np.int64))
        keep = person[a] != person[b]
        frames.append(pd.DataFrame({"id_l": a[keep], "id_r": b[keep], "kind": kind}))
    name = Pop.strip_titles(register["nama"].astype(str)).str.replace(r"[^A-Z ]", "", regex=True)
    name = name.str.split().str.join(" ")
    date = register["tanggal_lahir"].astype(str)
    daymonth = np.where(date.str[2] == "-", date.str[:5], date.str[8:10] + "-" + date.str[5:7])
    default = np.isin(daymonth, DEFAULT_DAYMONTHS) | (pd.Series(daymonth).str[:2] == "15").to_numpy()
    common = name.map(name.value_counts()).to_numpy() >= 20
    key = (name + "|" + date).to_numpy(dtype=object)
    codes = pd.factorize(key)[0]
    sizes = np.bincount(codes)
    eligible = (default | common) & (sizes[codes] >= 2) & (sizes[codes] <= max_group) & (name.str.len().to_numpy() > 0)
    groups = np.where(eligible, codes, -1)
    a, b = pairs_within(groups)
    keep = person[a] != person[b]
    a, b = a[keep], b[keep]
    fam = pd.concat(frames[:2], ignore_index=True)
    n = len(register)
    mask = ~np.isin(a * n + b, fam["id_l"].to_numpy(np.int64) * n + fam["id_r"].to_numpy(np.int64))
    frames.append(pd.DataFrame({"id_l": a[mask], "id_r": b[mask], "kind": "common_name"}))
    return pd.concat(frames, ignore_index=True)
