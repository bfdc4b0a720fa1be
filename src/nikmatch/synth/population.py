"""A generated civil register with residents who hold more than one NIK, and its ground truth.

:func:`generate_population` builds households (:mod:`nikmatch.synth.households`), plants hard
negatives, picks the residents who were registered again, writes their extra records by
scenario, corrupts names and dates (:mod:`nikmatch.synth.corrupt`), composes NIK and KK numbers
and shuffles.  The register has exactly the canonical columns (DESIGN §3); the truth says which
person each record belongs to and how it came about.

>>> register, truth = small_population(seed=0)
>>> list(register.columns[:4]), register.index.name
(['nik', 'no_kk', 'nama', 'tempat_lahir'], 'record_id')
>>> len(register) == len(truth) == 2000
True
>>> int((truth["scenario"] != "original").sum())
40
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.privacy import mask_text
from nikmatch.regions import Regions
from nikmatch.schema import CANONICAL_COLUMNS
from nikmatch.synth.corrupt import NameNoise, corrupt_dates, corrupt_names, place_variants
from nikmatch.synth.geography import Geography
from nikmatch.synth.households import ROLES, build_people, kk_issue_dates

__all__ = [
    "CANONICAL_COLUMNS",
    "EXTRA_COLUMNS",
    "HARD_NEGATIVE_KINDS",
    "SCENARIOS",
    "SynthConfig",
    "generate_population",
    "hard_negative_pairs",
    "small_population",
    "true_pairs",
]

# Register columns: CANONICAL_COLUMNS of nikmatch.schema (DESIGN §3), re-exported here.
#: Optional columns added by ``extra_columns=True``.
EXTRA_COLUMNS: tuple[str, ...] = ("agama", "pekerjaan", "nama_ayah")
#: Ways an extra record of a resident came about (``truth["scenario"]``; first records are
#: ``"original"``).
SCENARIOS: tuple[str, ...] = ("moved_kecamatan", "moved_regency", "same_kecamatan", "mistyped_date")
#: The ``kind`` values of :func:`hard_negative_pairs`, with the truth column of each.
HARD_NEGATIVE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "twins": "twin_group",
        "father_son": "father_son_group",
        "common_name": "common_name_group",
    }
)

_COMMON_MALE = (
    "MUHAMMAD RIZKI",
    "BUDI SANTOSO",
    "AHMAD FAUZI",
    "MUHAMMAD FAUZI",
    "AGUS SETIAWAN",
    "SLAMET",
)
_COMMON_FEMALE = (
    "SITI AMINAH",
    "SRI WAHYUNI",
    "NUR HAYATI",
    "SITI HALIMAH",
    "SRI LESTARI",
    "SUMARNI",
)
_DEFAULT_MONTH_DAYS = (101, 701, 1231)


def _default_scenarios() -> Mapping[str, float]:
    return MappingProxyType(
        {
            "moved_kecamatan": 0.35,
            "moved_regency": 0.2,
            "same_kecamatan": 0.3,
            "mistyped_date": 0.15,
        }
    )


@dataclass(frozen=True)
class SynthConfig:
    """Rates of everything :func:`generate_population` plants (defaults in the user guide).

    ``scenario_weights`` split the extra records between :data:`SCENARIOS`;
    ``triple_share`` is the share of duplicated residents with three records; ``name_noise``
    applies to every extra record, ``original_noise`` is the share of first records that get
    one variation too; the date, mother's-name, NIK and place rates apply per extra record
    (a fifth of the parents'-name rates to first records too; ``father_missing`` only matters
    with ``extra_columns``, whose ``nama_ayah`` it blanks);
    ``twin_rate`` (about the share of children who are twins), ``father_son_rate`` (share of
    households whose eldest son carries his father's full name) and ``common_name_pairs``
    (planted pairs per person) control the hard negatives.

    >>> SynthConfig().scenario_weights["moved_kecamatan"]
    0.35
    >>> SynthConfig(triple_share=0.0).triple_share
    0.0
    """

    scenario_weights: Mapping[str, float] = field(default_factory=_default_scenarios)
    triple_share: float = 0.1
    name_noise: NameNoise = field(default_factory=NameNoise)
    original_noise: float = 0.03
    date_swap: float = 0.03
    date_digit: float = 0.04
    date_default: float = 0.02
    mother_missing: float = 0.1
    father_missing: float = 0.15
    nik_without_40: float = 0.04
    place_variant: float = 0.1
    twin_rate: float = 0.01
    father_son_rate: float = 0.01
    common_name_pairs: float = 0.001
    migrant_share: float = 0.3

    def __post_init__(self) -> None:
        """Check the scenario names and that every rate is a probability.

        >>> SynthConfig(scenario_weights={"teleported": 1.0})
        Traceback (most recent call last):
        ...
        ValueError: unknown scenario 'teleported'; expected some of moved_kecamatan, ...
        """
        for name in self.scenario_weights:
            if name not in SCENARIOS:
                raise ValueError(
                    f"unknown scenario {name!r}; expected some of {', '.join(SCENARIOS)}"
                )
        if sum(self.scenario_weights.values()) <= 0 or min(self.scenario_weights.values()) < 0:
            raise ValueError("scenario_weights must be non-negative and not all zero")
        for name in (
            "triple_share",
            "original_noise",
            "date_swap",
            "date_digit",
            "date_default",
            "mother_missing",
            "father_missing",
            "nik_without_40",
            "place_variant",
            "twin_rate",
            "father_son_rate",
            "common_name_pairs",
            "migrant_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {mask_text(repr(value))}")


_ORIGINAL_NOISE = NameNoise(
    islamic_form=0.3,
    old_spelling=0.3,
    title=0.3,
    initials=0.1,
    join_split=0.1,
    spelling=0.2,
    typo=0.2,
    drop_word=0.0,
    word_order=0.0,
)


def _month_day(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    result: npt.NDArray[np.int64] = month * 100 + day
    return result


def _ddmmyy(
    days: npt.NDArray[np.datetime64], plus40: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    md = _month_day(days)
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    day = md % 100 + np.where(plus40, 40, 0)
    result: npt.NDArray[np.int64] = day * 10_000 + (md // 100) * 100 + year % 100
    return result


def _serials(key: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """1, 2, 3... within each key, in row order."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.ones(key.size, dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    position = np.arange(key.size)
    first = np.maximum.accumulate(np.where(starts, position, 0))
    serial = np.empty(key.size, dtype=np.int64)
    serial[order] = position - first + 1
    if serial.size and serial.max() > 9999:
        raise ValueError("more than 9999 numbers for one region and date; lower n")
    return serial


def _common_name_groups(
    name: npt.NDArray[np.object_], birth: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.int64]:
    """Group id (smallest person index) of people sharing a name and a default birth date."""
    default = np.isin(_month_day(birth), _DEFAULT_MONTH_DAYS)
    rows = np.flatnonzero(default)
    group = np.full(name.size, -1, dtype=np.int64)
    if rows.size == 0:
        return group
    frame = pd.DataFrame(
        {"name": name[rows].astype(str), "day": birth[rows].astype(np.int64), "row": rows}
    )
    sizes = frame.groupby(["name", "day"], sort=False)["row"].transform("size").to_numpy()
    first = frame.groupby(["name", "day"], sort=False)["row"].transform("min").to_numpy()
    shared = sizes >= 2
    group[rows[shared]] = first[shared]
    return group


def _in_household(
    people: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.int64], names: npt.NDArray[Any]
) -> npt.NDArray[np.bool_]:
    """Whether another member of each row's household already has the given name."""
    household = people["household"]
    out = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return out
    wanted = set(zip(household[rows].tolist(), names.tolist(), strict=True))
    members = np.setdiff1d(np.flatnonzero(np.isin(household, household[rows])), rows)
    have = {
        (h, nm)
        for h, nm in zip(household[members].tolist(), people["name"][members].tolist(), strict=True)
        if (h, nm) in wanted
    }
    for i, (h, nm) in enumerate(zip(household[rows].tolist(), names.tolist(), strict=True)):
        out[i] = (h, nm) in have
    return out


def _plant_common_names(
    rng: np.random.Generator, people: dict[str, npt.NDArray[Any]], pairs: int
) -> None:
    """Give pairs of unrelated adults of the same sex a common name and a default date."""
    age = people["age"]
    # not children of the head (their birth dates are spaced from their siblings'), one per
    # household, and never a name a housemate already has
    eligible = np.flatnonzero(
        (age >= 20)
        & (age <= 80)
        & (people["role"] != ROLES.index("child"))
        & (people["twin_group"] < 0)
        & (people["father_son_group"] < 0)
        & np.isin(people["tradition"], ["islamic", "javanese", "sundanese", "lampung"])
    )
    if pairs == 0 or eligible.size < 2:
        return
    pick = rng.choice(eligible, size=min(eligible.size, 3 * pairs), replace=False)
    _, first = np.unique(people["household"][pick], return_index=True)
    pick = pick[np.sort(first)]
    female = people["female"].astype(bool)
    birth = people["birth_date"]
    for sex, pool in ((False, _COMMON_MALE), (True, _COMMON_FEMALE)):
        rows = pick[female[pick] == sex][:pairs]
        rows = rows[np.argsort(birth[rows], kind="stable")]
        n_pairs = rows.size // 2
        a, b = rows[0 : 2 * n_pairs : 2], rows[1 : 2 * n_pairs : 2]
        names = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=n_pairs)]
        year = birth[a].astype("datetime64[Y]")
        day = np.where(
            rng.random(n_pairs) < 0.5,
            year.astype("datetime64[D]") + np.timedelta64(181, "D"),  # ~1 July
            (year + np.timedelta64(1, "Y")).astype("datetime64[D]") - np.timedelta64(1, "D"),
        )
        leap = (year.astype(np.int64) + 1970) % 4 == 0
        day = np.where(leap & (_month_day(day) == 630), day + np.timedelta64(1, "D"), day)
        for rows_ in (a, b):
            people["name"][rows_] = names
            people["birth_date"][rows_] = day
    known = people["mother_row"] >= 0
    people["mother_name"][known] = people["name"][people["mother_row"][known]]


def generate_population(
    n: int,
    *,
    seed: int,
    duplicate_rate: float = 0.02,
    region: str = "1871",
    reference_date: dt.date = dt.date(2026, 1, 1),
    as_strings: bool = False,
    extra_columns: bool = False,
    config: SynthConfig | None = None,
    regions: Regions | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a register of ``n`` records in regency ``region``, and its ground truth.

    About ``duplicate_rate * n`` records are extra records of residents already in the
    register (a new NIK each, see :data:`SCENARIOS`); some residents have three records.
    Returns ``(register, truth)``, both indexed by ``record_id`` (0..n-1, shuffled so that the
    records of one person are not adjacent).

    ``register`` has the columns :data:`CANONICAL_COLUMNS` (+ :data:`EXTRA_COLUMNS` with
    ``extra_columns=True``): NIK and KK as 16-digit text, upper-case names, ``tanggal_lahir``
    as ``datetime64[ns]`` (or ``DD-MM-YYYY`` text with ``as_strings=True``, like an export),
    ``jenis_kelamin`` ``LAKI-LAKI``/``PEREMPUAN``, ``rt``/``rw`` as 3-digit text,
    ``kelurahan``/``kecamatan`` as upper-case names, missing ``nama_ibu`` as NA or ``"-"``.

    ``truth`` has ``person_id`` (int64), ``scenario`` (``"original"`` or one of
    :data:`SCENARIOS`), ``household_id`` (the KK the record is in), ``twin_group``,
    ``father_son_group``, ``common_name_group`` (nullable Int64: the records of people in the
    same group are hard negatives, see :func:`hard_negative_pairs`), ``corruptions`` (the
    variations applied, ``;``-separated) and ``tradition``.

    The same arguments give byte-identical frames on every run.

    >>> register, truth = generate_population(300, seed=1, as_strings=True)
    >>> register.shape, str(register["tanggal_lahir"].iloc[0])
    ((300, 12), '16-11-1996')
    >>> register["nik"].str.len().eq(16).all(), truth["person_id"].nunique()
    (np.True_, 294)
    >>> generate_population(10, seed=1, duplicate_rate=0.9)
    Traceback (most recent call last):
    ...
    ValueError: duplicate_rate must be in [0, 0.5), got 0.9
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not 0.0 <= duplicate_rate < 0.5:
        raise ValueError(f"duplicate_rate must be in [0, 0.5), got {duplicate_rate!r}")
    cfg = config if config is not None else SynthConfig()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(8)]
    geo = Geography.build(region, streams[0], regions)
    n = int(n)
    n_extra = round(duplicate_rate * n)
    n_triple = round(cfg.triple_share * n_extra / (1.0 + cfg.triple_share))
    n_persons = n - n_extra
    n_dup_persons = n_extra - n_triple
    if n_dup_persons > n_persons:  # pragma: no cover - excluded by duplicate_rate < 0.5
        raise ValueError("too many duplicates for the population size")

    people = build_people(
        streams[1],
        n_persons,
        geo,
        reference_date,
        twin_rate=cfg.twin_rate,
        father_son_rate=cfg.father_son_rate,
        migrant_share=cfg.migrant_share,
    )
    _plant_common_names(streams[2], people, round(cfg.common_name_pairs * n_persons))

    # ------------------------------------------------------------ who gets extra records
    rng = streams[3]
    weight = np.where(people["age"] >= 17, 1.0, 0.25)
    dup_persons = (
        rng.choice(n_persons, size=n_dup_persons, replace=False, p=weight / weight.sum())
        if n_dup_persons
        else np.zeros(0, np.int64)
    )
    extra_person = np.concatenate([dup_persons, dup_persons[:n_triple]]).astype(np.int64)
    names = list(cfg.scenario_weights)
    probs = np.array([cfg.scenario_weights[s] for s in names], dtype=np.float64)
    scenario = np.asarray(names, dtype=object)[
        rng.choice(len(names), size=n_extra, p=probs / probs.sum())
    ]

    city = np.asarray(geo.districts, dtype=object)
    n_districts = len(geo.districts)
    nik_district = people["nik_district"].copy()
    away = extra_person[(scenario == "moved_regency")]
    in_city = away[
        np.asarray([str(c).startswith(geo.regency) for c in nik_district[away]], dtype=bool)
    ]
    nik_district[in_city] = np.asarray(geo.origin_districts, dtype=object)[
        rng.choice(len(geo.origin_districts), size=in_city.size, p=geo.origin_weights)
    ]

    # ------------------------------------------------------------ extra records: where
    p_district = people["district"][extra_person]
    district = p_district.copy()
    moved = scenario == "moved_kecamatan"
    shift = rng.integers(1, max(n_districts, 2), size=n_extra)
    drawn = geo.draw_districts(rng, n_extra)
    district = np.where(
        moved, np.where(drawn == p_district, (p_district + shift) % n_districts, drawn), district
    )
    district = np.where(scenario == "moved_regency", drawn, district)
    new_address = np.isin(scenario, ["moved_kecamatan", "moved_regency"]) | (
        (scenario == "same_kecamatan") & (rng.random(n_extra) < 0.6)
    )
    same_kk = (scenario == "mistyped_date") & (rng.random(n_extra) < 0.5)
    village = np.where(
        new_address, geo.draw_villages(rng, district), people["village"][extra_person]
    )
    address = np.where(
        new_address, geo.draw_addresses(rng, n_extra), people["address"][extra_person]
    )
    rt = np.where(new_address, rng.integers(1, 21, size=n_extra), people["rt"][extra_person])
    rw = np.where(new_address, rng.integers(1, 9, size=n_extra), people["rw"][extra_person])
    n_households = int(people["household"].max()) + 1 if n_persons else 0
    household = np.where(
        same_kk, people["household"][extra_person], n_households + np.arange(n_extra)
    )
    true_birth = people["birth_date"][extra_person]
    kk_date = np.where(
        same_kk, people["kk_date"][extra_person], kk_issue_dates(rng, true_birth, reference_date)
    )

    # ------------------------------------------------------------ extra records: values
    rng = streams[4]
    female = people["female"][extra_person].astype(bool)
    year = true_birth.astype("datetime64[Y]").astype(np.int64) + 1970
    latest = reference_date - dt.timedelta(days=1)
    mistyped = scenario == "mistyped_date"
    birth, date_kind = corrupt_dates(
        rng,
        true_birth,
        swap=cfg.date_swap,
        digit=cfg.date_digit,
        default=cfg.date_default,
        latest=latest,
    )
    forced, forced_kind = corrupt_dates(
        rng, true_birth, swap=0.4, digit=0.6, default=0.0, latest=latest
    )
    birth = np.where(mistyped, forced, birth)
    date_kind = np.where(mistyped, forced_kind, date_kind)
    name, name_kind = corrupt_names(rng, people["name"][extra_person], female, year, cfg.name_noise)
    mother = people["mother_name"][extra_person].copy()
    mother, mother_kind = corrupt_names(
        rng, mother, np.ones(n_extra, dtype=bool), year - 27, cfg.name_noise.scaled(0.5)
    )
    missing = rng.random(n_extra) < cfg.mother_missing
    mother[missing] = np.asarray([None, "-"], dtype=object)[
        (rng.random(int(missing.sum())) >= 0.85).astype(np.int64)
    ]
    place, place_changed = place_variants(
        rng, people["place_of_birth"][extra_person], cfg.place_variant
    )
    no40 = female & (rng.random(n_extra) < cfg.nik_without_40)
    father, _ = corrupt_names(
        rng,
        people["father_name"][extra_person],
        np.zeros(n_extra, dtype=bool),
        year - 30,
        cfg.name_noise.scaled(0.5),
    )
    kinds = [
        ";".join(k for k in parts if k)
        for parts in zip(
            name_kind,
            np.where(date_kind != "", date_kind, ""),
            np.where(mother_kind != "", "mother_" + mother_kind.astype(str), ""),
            np.where(missing, "mother_missing", ""),
            np.where(place_changed, "place_variant", ""),
            np.where(no40, "nik_without_40", ""),
            strict=True,
        )
    ]

    # ------------------------------------------------------------ first records: light noise
    rng = streams[5]
    noisy = rng.random(n_persons) < cfg.original_noise
    p_year = people["birth_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    o_name = people["name"].copy()
    o_kind = np.full(n_persons, "", dtype=object)
    rows = np.flatnonzero(noisy)
    o_name[rows], o_kind[rows] = corrupt_names(
        rng,
        people["name"][rows],
        people["female"][rows].astype(bool),
        p_year[rows],
        _ORIGINAL_NOISE,
    )
    o_mother = people["mother_name"].copy()
    o_missing = rng.random(n_persons) < cfg.mother_missing / 5
    o_mother[o_missing] = None
    o_kind[o_missing] = np.where(
        o_kind[o_missing] == "", "mother_missing", o_kind[o_missing].astype(str) + ";mother_missing"
    )
    o_birth = people["birth_date"].copy()
    slip = np.flatnonzero(rng.random(n_persons) < 0.003)
    o_birth[slip], slip_kind = corrupt_dates(
        rng, o_birth[slip], swap=0.4, digit=0.6, default=0.0, latest=latest
    )
    o_kind[slip] = [
        f"{a};{b}" if a else str(b) for a, b in zip(o_kind[slip], slip_kind, strict=True)
    ]

    # ------------------------------------------------------------ assemble all records
    person = np.concatenate([np.arange(n_persons), extra_person])
    all_female = people["female"][person].astype(bool)
    rec_birth = np.concatenate([o_birth, birth])
    nik_birth = np.concatenate([people["birth_date"], birth])  # a NIK keeps the true date
    nik_code = np.concatenate([nik_district, city[district]]).astype(str).astype(np.int64)
    plus40 = all_female & ~np.concatenate([np.zeros(n_persons, dtype=bool), no40])
    nik_key = nik_code * 1_000_000 + _ddmmyy(nik_birth, plus40)
    nik = nik_key * 10_000 + _serials(nik_key)
    rec_household = np.concatenate([people["household"], household])
    rec_district = np.concatenate([people["district"], district])
    rec_kk_date = np.concatenate([people["kk_date"], kk_date])
    hh_ids, hh_first = np.unique(rec_household, return_index=True)
    kk_key = city[rec_district[hh_first]].astype(str).astype(np.int64) * 1_000_000 + _ddmmyy(
        rec_kk_date[hh_first], np.zeros(hh_first.size, dtype=bool)
    )
    kk_number = kk_key * 10_000 + _serials(kk_key)
    kk = kk_number[np.searchsorted(hh_ids, rec_household)]

    columns: dict[str, object] = {
        "nik": nik.astype(str).astype(object),
        "no_kk": kk.astype(str).astype(object),
        "nama": np.concatenate([o_name, name]),
        "tempat_lahir": np.concatenate([people["place_of_birth"], place]),
        "tanggal_lahir": rec_birth,
        "jenis_kelamin": np.where(all_female, "PEREMPUAN", "LAKI-LAKI").astype(object),
        "nama_ibu": np.concatenate([o_mother, mother]),
        "alamat": np.concatenate([people["address"], address]),
        "rt": np.char.zfill(np.concatenate([people["rt"], rt]).astype(str), 3).astype(object),
        "rw": np.char.zfill(np.concatenate([people["rw"], rw]).astype(str), 3).astype(object),
        "kelurahan": np.concatenate([people["village"], village]),
        "kecamatan": np.asarray(geo.district_names, dtype=object)[rec_district],
    }
    if extra_columns:
        columns["agama"] = people["religion"][person]
        columns["pekerjaan"] = people["occupation"][person]
        # a father's name is left blank more often than a mother's (a child registered to
        # its mother alone); its own random stream keeps the other columns as without it
        ayah = np.concatenate([people["father_name"], father])
        blank_rate = np.concatenate(
            [np.full(n_persons, cfg.father_missing / 5), np.full(n_extra, cfg.father_missing)]
        )
        blank = streams[7].random(ayah.size) < blank_rate
        ayah[blank] = np.asarray([None, "-"], dtype=object)[
            (streams[7].random(int(blank.sum())) >= 0.85).astype(np.int64)
        ]
        columns["nama_ayah"] = ayah

    n_records = person.size
    shuffle = streams[6].permutation(n_records)
    index = pd.RangeIndex(n_records, name="record_id")
    register = pd.DataFrame({k: np.asarray(v)[shuffle] for k, v in columns.items()})
    register.index = pd.Index(np.arange(n_records, dtype=np.int64), name="record_id")
    dates = pd.Series(
        register["tanggal_lahir"].to_numpy().astype("datetime64[ns]"), index=register.index
    )
    if as_strings:
        register["tanggal_lahir"] = dates.dt.strftime("%d-%m-%Y")
    else:
        register["tanggal_lahir"] = dates

    common = _common_name_groups(people["name"], people["birth_date"])

    def group(values: npt.NDArray[np.int64]) -> pd.Series:
        per_record = values[person][shuffle]
        array = pd.array(np.where(per_record >= 0, per_record, 0), dtype="Int64")
        array[per_record < 0] = pd.NA
        series: pd.Series = pd.Series(array, index=register.index)
        return series

    truth = pd.DataFrame(
        {
            "person_id": person[shuffle].astype(np.int64),
            "scenario": np.concatenate([np.full(n_persons, "original", dtype=object), scenario])[
                shuffle
            ],
            "household_id": rec_household[shuffle].astype(np.int64),
            "corruptions": np.concatenate([o_kind, np.asarray(kinds, dtype=object)])[shuffle],
            "tradition": people["tradition"][person][shuffle],
        },
        index=register.index,
    )
    truth["twin_group"] = group(people["twin_group"])
    truth["father_son_group"] = group(people["father_son_group"])
    truth["common_name_group"] = group(common)
    del index
    return register, truth


def small_population(
    seed: int = 0, *, as_strings: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 2,000-record register with its truth, for examples, doctests and the CLI demo.

    >>> register, truth = small_population(seed=3)
    >>> register.shape, bool(truth["twin_group"].notna().any())
    ((2000, 12), True)
    """
    return generate_population(2_000, seed=seed, as_strings=as_strings)


def _pairs_within(
    groups: npt.NDArray[np.int64],
    ids: npt.NDArray[np.int64],
    person: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All pairs of ids sharing a group (and, with ``person``, of different persons)."""
    order = np.lexsort((ids, groups))
    g, i = groups[order], ids[order]
    p = person[order] if person is not None else None
    left: list[npt.NDArray[np.int64]] = []
    right: list[npt.NDArray[np.int64]] = []
    offset = 1
    while offset < g.size:
        same = g[offset:] == g[:-offset]
        if not same.any():
            break
        if p is not None:
            same &= p[offset:] != p[:-offset]
        left.append(i[:-offset][same])
        right.append(i[offset:][same])
        offset += 1
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    return np.minimum(a, b), np.maximum(a, b)


def _pairs_frame(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> pd.DataFrame:
    order = np.lexsort((b, a))
    frame: pd.DataFrame = pd.DataFrame(
        {"id_l": a[order].astype(np.int64), "id_r": b[order].astype(np.int64)}
    )
    return frame


def true_pairs(truth: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """All pairs of records of the same person: ``id_l < id_r`` (int64), sorted.

    ``truth`` is the truth frame (or its ``person_id`` Series); ids are its index labels.

    >>> _, truth = small_population(seed=0)
    >>> pairs = true_pairs(truth)
    >>> list(pairs.columns), len(pairs)
    (['id_l', 'id_r'], 44)
    >>> bool((pairs["id_l"] < pairs["id_r"]).all())
    True
    """
    person = truth if isinstance(truth, pd.Series) else truth["person_id"]
    ids = np.asarray(person.index, dtype=np.int64)
    a, b = _pairs_within(np.asarray(person, dtype=np.int64), ids)
    return _pairs_frame(a, b)


def hard_negative_pairs(truth: pd.DataFrame) -> pd.DataFrame:
    """Pairs of records of *different* people that look alike on purpose, with their ``kind``.

    Kinds (:data:`HARD_NEGATIVE_KINDS`): ``twins`` (same KK, mother and birth date, similar
    given names), ``father_son`` (same name, 18+ years apart), ``common_name`` (unrelated
    people with the same name and the same default birth date: 1 January, 1 July or
    31 December).  Every record of each person counts, so a twin with two records gives two
    pairs with the other twin.

    >>> _, truth = generate_population(5_000, seed=2)
    >>> hard = hard_negative_pairs(truth)
    >>> list(hard.columns), sorted(hard["kind"].unique())
    (['id_l', 'id_r', 'kind'], ['common_name', 'father_son', 'twins'])
    """
    frames = []
    ids = np.asarray(truth.index, dtype=np.int64)
    person = truth["person_id"].to_numpy(dtype=np.int64)
    for kind, column in HARD_NEGATIVE_KINDS.items():
        values = truth[column]
        present = values.notna().to_numpy()
        a, b = _pairs_within(
            values[present].to_numpy(dtype=np.int64), ids[present], person[present]
        )
        frame = _pairs_frame(a, b)
        frame["kind"] = kind
        frames.append(frame)
    result: pd.DataFrame = pd.concat(frames, ignore_index=True)
    result["kind"] = result["kind"].astype(str)
    return result
