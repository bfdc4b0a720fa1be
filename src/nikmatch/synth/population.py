"""A generated civil register with residents who hold more than one NIK, and its ground truth.

:func:`generate_population` builds households (:mod:`nikmatch.synth.households`), plants hard
negatives, picks the residents who were registered again -- one by one, or a whole family
under a new KK -- writes their extra records by scenario, draws the differences of each extra
record jointly (:mod:`nikmatch.synth.differences`), applies them to names, dates and parents'
names (:mod:`nikmatch.synth.corrupt`), composes NIK and KK numbers and shuffles.  The register
has exactly the canonical columns (DESIGN §3); the truth says which person each record belongs
to, how it came about and what differs.

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
from nikmatch.synth.corrupt import (
    DEFAULT_DAYS,
    NameNoise,
    apply_dates,
    apply_name_kinds,
    apply_place_variants,
    can_join_or_split,
    corrupt_dates,
    corrupt_names,
    has_islamic_form,
)
from nikmatch.synth.differences import (
    DATE_KINDS,
    DEFAULT_DIFFERENCE_COUNTS,
    DEFAULT_KIND_WEIGHTS,
    DRAWN_KINDS,
    GROUP_FACTORS,
    MOTHER_KINDS,
    NAME_KINDS,
    count_differences,
    draw_kinds,
    kind_groups,
)
from nikmatch.synth.geography import Geography
from nikmatch.synth.households import ROLES, build_people, kk_issue_dates
from nikmatch.synth.names import TRADITIONS, draw_names

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
#: ``"original"``): DESIGN §5 "How double NIKs arise".
SCENARIOS: tuple[str, ...] = (
    "moved_kecamatan",
    "moved_regency",
    "same_kecamatan",
    "mistyped_date",
    "same_kk",
    "family_reregistered",
)
#: The ``kind`` values of :func:`hard_negative_pairs`, with the truth column of each.
HARD_NEGATIVE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "twins": "twin_group",
        "father_son": "father_son_group",
        "common_name": "common_name_group",
        "siblings_new_kk": "siblings_group",
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
#: Weight of a child (under 17) against an adult's 1.0 when residents are picked for an extra
#: record of a scenario: children move with their family (``family_reregistered``), but a
#: child entered twice on the KK (a birth registered by the hospital and again at the KK
#: update) is as common as an adult.
_CHILD_WEIGHT: Mapping[str, float] = MappingProxyType({"same_kk": 1.0, "mistyped_date": 0.5})
_CHILD_WEIGHT_OTHER = 0.25
#: A re-registered family: each member is on the new KK with this probability (at least two
#: members, at most seven); the family moved to another kecamatan (else another kelurahan of
#: the same kecamatan); the new NIKs carry another regency's code (the family was registered
#: there in between and came back).
_FAMILY_MEMBER = 0.9
_FAMILY_MAX = 7
_FAMILY_OTHER_KECAMATAN = 0.5
_FAMILY_OTHER_REGENCY = 0.2
#: Habits of the officer who retyped a family, shared by the family's new records: a name
#: habit (when the family has one) and a date habit, and one way of writing the mother's name
#: for all the children.
_FAMILY_NAME_HABITS: tuple[tuple[str, float], ...] = (
    ("old_spelling", 0.35),
    ("title", 0.25),
    ("islamic_form", 0.25),
    ("spelling", 0.15),
)
_FAMILY_DATE_HABIT = 0.2
_FAMILY_DATE_HABITS: tuple[tuple[str, float], ...] = (("swap", 0.6), ("default", 0.4))
_FAMILY_MOTHER: tuple[tuple[str, float], ...] = (
    ("", 0.6),
    ("typo", 0.12),
    ("spelling", 0.1),
    ("old_spelling", 0.05),
    ("islamic_form", 0.05),
    ("missing", 0.08),
)
#: A date typed wrong and used for the new NIK (``mistyped_date``): which kind of slip.
_FORCED_DATE: Mapping[str, float] = MappingProxyType(
    {"date_digit": 0.45, "date_year": 0.2, "date_swap": 0.35}
)
_MUSLIM_TRADITIONS = frozenset({"javanese", "sundanese", "lampung", "islamic"})


def _default_scenarios() -> Mapping[str, float]:
    return MappingProxyType(
        {
            "moved_kecamatan": 0.22,
            "moved_regency": 0.15,
            "same_kecamatan": 0.20,
            "mistyped_date": 0.10,
            "same_kk": 0.15,
            "family_reregistered": 0.18,
        }
    )


@dataclass(frozen=True)
class SynthConfig:
    """Rates of everything :func:`generate_population` plants (defaults in the user guide).

    ``scenario_weights`` split the extra records between :data:`SCENARIOS` (for
    ``family_reregistered``, the records of all re-registered family members together);
    ``triple_share`` is the share of residents registered again on their own who have three
    records.  Each extra record carries a number of differences drawn from
    ``difference_counts[scenario]`` (shares of 0, 1, 2, 3, 4), of kinds drawn with
    ``kind_weights`` (see :mod:`nikmatch.synth.differences`; scenarios and kinds not given keep
    their defaults); ``family_habit`` is the share of re-registered families whose new records
    share a name habit of the retyping officer.  ``original_noise`` is the share of first
    records with a variation of the name, ``original_mother_missing`` the share of first
    records without the mother's name (for people born 1960-1989; two and a half times that
    before 1960, 0.4 times from 1990); ``father_missing`` blanks ``nama_ayah`` of extra records
    (only with ``extra_columns``; a fifth of it on first records, and much more often where
    the mother's name is missing too); ``nik_without_40`` is the share of women's extra records
    whose NIK lacks the +40.  ``twin_rate`` (about the share of children who are twins),
    ``sound_alike_twins`` (share of same-sex twin pairs named two spellings of one sound),
    ``father_son_rate`` (share of households whose eldest son carries his father's full name)
    and ``common_name_pairs`` (planted pairs per person) control the hard negatives.

    >>> SynthConfig().scenario_weights["same_kk"]
    0.15
    >>> SynthConfig(triple_share=0.0).triple_share
    0.0
    """

    scenario_weights: Mapping[str, float] = field(default_factory=_default_scenarios)
    triple_share: float = 0.1
    difference_counts: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: DEFAULT_DIFFERENCE_COUNTS
    )
    kind_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_KIND_WEIGHTS)
    family_habit: float = 0.5
    original_noise: float = 0.04
    original_mother_missing: float = 0.02
    father_missing: float = 0.12
    nik_without_40: float = 0.04
    twin_rate: float = 0.01
    sound_alike_twins: float = 0.03
    father_son_rate: float = 0.01
    common_name_pairs: float = 0.001
    migrant_share: float = 0.3

    def __post_init__(self) -> None:
        """Check the scenario and kind names, and that every rate is a probability.

        >>> SynthConfig(scenario_weights={"teleported": 1.0})
        Traceback (most recent call last):
        ...
        ValueError: unknown scenario 'teleported'; expected some of moved_kecamatan, ...
        >>> SynthConfig(kind_weights={"telepathy": 1.0})
        Traceback (most recent call last):
        ...
        ValueError: unknown difference kind 'telepathy'; expected some of typo, spelling, ...
        """
        for name in (*self.scenario_weights, *self.difference_counts):
            if name not in SCENARIOS:
                raise ValueError(
                    f"unknown scenario {name!r}; expected some of {', '.join(SCENARIOS)}"
                )
        if sum(self.scenario_weights.values()) <= 0 or min(self.scenario_weights.values()) < 0:
            raise ValueError("scenario_weights must be non-negative and not all zero")
        for name, shares in self.difference_counts.items():
            if not shares or min(shares) < 0 or sum(shares) <= 0:
                raise ValueError(f"difference_counts[{name!r}] must be non-negative shares")
        for kind, weight in self.kind_weights.items():
            if kind not in DRAWN_KINDS:
                raise ValueError(
                    f"unknown difference kind {kind!r}; expected some of {', '.join(DRAWN_KINDS)}"
                )
            if weight < 0:
                raise ValueError(f"kind_weights[{kind!r}] must be non-negative")
        for name in (
            "triple_share",
            "family_habit",
            "original_noise",
            "original_mother_missing",
            "father_missing",
            "nik_without_40",
            "twin_rate",
            "sound_alike_twins",
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


def _weighted_sample(
    rng: np.random.Generator,
    candidates: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    k: int,
) -> npt.NDArray[np.int64]:
    """``k`` distinct candidates drawn with probabilities proportional to ``weights``
    (Efraimidis-Spirakis keys: one vectorised draw, no loop).

    >>> _weighted_sample(np.random.default_rng(0), np.arange(5), np.ones(5), 3).tolist()
    [3, 2, 4]
    """
    if k <= 0 or candidates.size == 0:
        return np.zeros(0, dtype=np.int64)
    keys = rng.exponential(size=candidates.size) / weights
    if k >= candidates.size:
        result: npt.NDArray[np.int64] = candidates[np.argsort(keys, kind="stable")]
        return result
    part = np.argpartition(keys, k - 1)[:k]
    result = candidates[part[np.argsort(keys[part], kind="stable")]]
    return result


def _rank_in_groups(
    flags: npt.NDArray[np.bool_], sizes: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """1-based running count of ``flags`` within consecutive groups of ``sizes`` rows.

    >>> _rank_in_groups(np.array([1, 0, 1, 1, 1], bool), np.array([3, 2])).tolist()
    [1, 1, 2, 1, 2]
    """
    running = np.cumsum(flags)
    before = np.concatenate([[0], running])[np.cumsum(sizes) - sizes]
    result: npt.NDArray[np.int64] = running - np.repeat(before, sizes)
    return result


def _choose_families(
    rng: np.random.Generator, household: npt.NDArray[np.int64], n_records: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Members of households registered again as a whole under one new KK: ``n_records``
    person rows (fewer when the last family would have one member) and the family (0, 1, ...)
    of each.  Each member is on the new KK with probability 0.9; two to seven per family.

    >>> rows, family = _choose_families(np.random.default_rng(0), np.repeat(np.arange(6), 3), 7)
    >>> rows.size, np.bincount(family).tolist()
    (7, [2, 2, 3])
    """
    empty = np.zeros(0, dtype=np.int64)
    if n_records < 2 or household.size == 0:
        return empty, empty
    n_hh = int(household.max()) + 1
    size = np.bincount(household, minlength=n_hh)
    start = np.cumsum(size) - size
    eligible = np.flatnonzero(size >= 2)
    if eligible.size == 0:
        return empty, empty
    order = rng.permutation(eligible)[:n_records]  # each family brings two records or more
    sizes = size[order]
    family = np.repeat(np.arange(order.size), sizes)
    offset = np.arange(family.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    rows = start[order][family] + offset
    keep = rng.random(rows.size) < _FAMILY_MEMBER
    keep &= _rank_in_groups(keep, sizes) <= _FAMILY_MAX
    few = np.bincount(family, weights=keep, minlength=order.size) < 2
    keep = np.where(few[family], offset < 2, keep)  # at least two: the head and the next
    count = np.bincount(family, weights=keep, minlength=order.size).astype(np.int64)
    total = np.cumsum(count)
    n_full = int(np.searchsorted(total, n_records, side="right"))
    remainder = n_records - (int(total[n_full - 1]) if n_full else 0)
    take = keep & (family < n_full)
    if remainder >= 2 and n_full < order.size:  # part of one more family
        take |= keep & (family == n_full) & (_rank_in_groups(keep, sizes) <= remainder)
    return rows[take].astype(np.int64), family[take].astype(np.int64)


def _choose_individuals(
    rng: np.random.Generator,
    age: npt.NDArray[np.int64],
    taken: npt.NDArray[np.bool_],
    n_records: int,
    weights: Mapping[str, float],
    triple_share: float,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Residents registered again on their own: the person and scenario of ``n_records``
    extra records; ``triple_share`` of the persons get two extra records.

    Scenario counts are drawn from ``weights`` (family re-registration aside); persons are
    drawn per scenario, adults over children by :data:`_CHILD_WEIGHT`, never one in ``taken``.
    """
    names = [s for s in SCENARIOS if s != "family_reregistered" and weights.get(s, 0.0) > 0]
    names = names or ["same_kecamatan"]
    if n_records <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    n_triple = round(triple_share * n_records / (1.0 + triple_share))
    n_first = n_records - n_triple
    probs = np.array([max(weights.get(s, 0.0), 0.0) for s in names]) + (len(names) == 1)
    counts = rng.multinomial(n_records, probs / probs.sum())
    labels = rng.permutation(np.repeat(np.arange(len(names)), counts))
    available = ~taken
    adult = age >= 17
    person = np.zeros(n_first, dtype=np.int64)
    for i, name in enumerate(names):
        slots = np.flatnonzero(labels[:n_first] == i)
        if slots.size == 0:
            continue
        candidates = np.flatnonzero(available)
        if candidates.size < slots.size:
            raise ValueError("too many duplicates for the population size")
        w = np.where(adult[candidates], 1.0, _CHILD_WEIGHT.get(name, _CHILD_WEIGHT_OTHER))
        chosen = _weighted_sample(rng, candidates, w, slots.size)
        person[slots] = chosen
        available[chosen] = False
    persons = np.concatenate([person, person[:n_triple]])
    return persons, np.asarray(names, dtype=object)[labels]


def _difference_counts(
    rng: np.random.Generator, scenario: npt.NDArray[np.object_], cfg: SynthConfig
) -> npt.NDArray[np.int64]:
    """The number of differences of each extra record, from its scenario's shares."""
    table = {**DEFAULT_DIFFERENCE_COUNTS, **cfg.difference_counts}
    u = rng.random(scenario.size)
    count = np.zeros(scenario.size, dtype=np.int64)
    for name in SCENARIOS:
        rows = np.flatnonzero(scenario == name)
        shares = np.asarray(table[name], dtype=np.float64)
        cdf = np.cumsum(shares / shares.sum())
        count[rows] = np.minimum(np.searchsorted(cdf, u[rows], side="right"), shares.size - 1)
    return count


def _old_spelling_factor(year: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Old spelling three times as likely before 1960, never after 1985."""
    result: npt.NDArray[np.float64] = np.where(year < 1960, 3.0, np.where(year < 1985, 1.0, 0.0))
    return result


def _words(names: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    return np.fromiter(
        (v.count(" ") + 1 if isinstance(v, str) and v else 0 for v in names),
        dtype=np.int64,
        count=names.size,
    )


def _kind_weights(
    cfg: SynthConfig,
    scenario: npt.NDArray[np.object_],
    name: npt.NDArray[np.object_],
    mother: npt.NDArray[np.object_],
    place: npt.NDArray[np.object_],
    birth: npt.NDArray[np.datetime64],
    tradition: npt.NDArray[np.object_],
    reference: dt.date,
) -> npt.NDArray[np.float64]:
    """Weight of each kind of :data:`DRAWN_KINDS` per extra record: the configured weight,
    zero where the record does not allow it, scaled by age and scenario."""
    n = name.size
    base = {**DEFAULT_KIND_WEIGHTS, **cfg.kind_weights}
    w = np.tile(np.array([base[k] for k in DRAWN_KINDS], dtype=np.float64), (n, 1))
    col = {k: i for i, k in enumerate(DRAWN_KINDS)}
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    several = _words(name) >= 2
    for kind in ("drop_word", "word_order", "initials"):
        w[:, col[kind]] *= several
    w[:, col["islamic_form"]] *= has_islamic_form(name)
    w[:, col["join_split"]] *= can_join_or_split(name)
    w[:, col["title"]] *= year <= reference.year - 25
    w[:, col["old_spelling"]] *= _old_spelling_factor(year)
    surname = [t for t, tr in TRADITIONS.items() if tr.inherits_surname]
    w[:, col["add_word"]] *= ~np.isin(tradition, surname)  # a given word, not after a marga
    md = _month_day(birth)
    w[:, col["date_swap"]] *= (md % 100 <= 12) & (md % 100 != md // 100)
    present = np.array([isinstance(v, str) and v not in ("", "-") for v in mother], dtype=bool)
    for kind in MOTHER_KINDS:
        w[:, col[kind]] *= present
    w[:, col["mother_islamic_form"]] *= has_islamic_form(mother)
    w[:, col["mother_old_spelling"]] *= _old_spelling_factor(year - 27)
    w[:, col["mother_drop_word"]] *= _words(mother) >= 2
    # older records lack parents' names more often (data migrated from older registers)
    w[:, col["mother_missing"]] *= np.where(year < 1960, 2.0, np.where(year >= 1990, 0.7, 1.0))
    w[:, col["place_variant"]] *= np.array([isinstance(v, str) for v in place], dtype=bool)
    names, group = kind_groups()
    for name_, factors in GROUP_FACTORS.items():
        rows = scenario == name_
        for group_name, factor in factors.items():
            w[np.ix_(rows, group == names.index(group_name))] *= factor
    return w


def _force_dates(
    rng: np.random.Generator, chosen: npt.NDArray[np.bool_], rows: npt.NDArray[np.int64],
    allowed: npt.NDArray[np.bool_],
) -> None:
    """Give each of ``rows`` one date kind of :data:`_FORCED_DATE` (where the date allows it)."""
    cols = np.array([DRAWN_KINDS.index(k) for k in DATE_KINDS])
    w = np.array([_FORCED_DATE.get(k, 0.0) for k in DATE_KINDS]) * allowed[np.ix_(rows, cols)]
    cumulative = np.cumsum(w, axis=1)
    pick = (cumulative < (rng.random(rows.size) * cumulative[:, -1])[:, None]).sum(axis=1)
    chosen[np.ix_(rows, cols)] = False
    chosen[rows, cols[np.minimum(pick, cols.size - 1)]] = True


def _family_habits(
    rng: np.random.Generator,
    chosen: npt.NDArray[np.bool_],
    family: npt.NDArray[np.int64],
    allowed: npt.NDArray[np.bool_],
    share: float,
) -> npt.NDArray[np.int64]:
    """Add the habits of the officer who retyped each family to its members' new records: a
    name habit for ``share`` of the families, a date habit for some.  Returns the default date
    (``MMDD``, 0 for none) the officer gave all members of a family without birthdays."""
    rows = np.flatnonzero(family >= 0)
    defaults = np.zeros(family.size, dtype=np.int64)
    if rows.size == 0:
        return defaults
    n_families = int(family.max()) + 1
    col = {k: i for i, k in enumerate(DRAWN_KINDS)}
    has_habit = rng.random(n_families) < share
    shares = np.array([p for _, p in _FAMILY_NAME_HABITS])
    habit = rng.choice(len(shares), size=n_families, p=shares / shares.sum())
    for i, (kind, _) in enumerate(_FAMILY_NAME_HABITS):
        members = rows[(has_habit & (habit == i))[family[rows]]]
        members = members[allowed[members, col[kind]]]
        chosen[members, col[kind]] = True
    has_date = rng.random(n_families) < _FAMILY_DATE_HABIT
    shares = np.array([p for _, p in _FAMILY_DATE_HABITS])
    date = rng.choice(len(shares), size=n_families, p=shares / shares.sum())
    date_cols = [col[k] for k in DATE_KINDS]
    for i, (kind, _) in enumerate(_FAMILY_DATE_HABITS):
        members = rows[(has_date & (date == i))[family[rows]]]
        members = members[allowed[members, col[f"date_{kind}"]]]
        chosen[np.ix_(members, date_cols)] = False
        chosen[members, col[f"date_{kind}"]] = True
    days = np.array([m * 100 + d for (m, d), _ in DEFAULT_DAYS])
    shares = np.array([p for _, p in DEFAULT_DAYS])
    day = days[rng.choice(days.size, size=n_families, p=shares / shares.sum())]
    defaults[rows] = day[family[rows]]
    return defaults


def _missing_values(rng: np.random.Generator, n: int) -> npt.NDArray[np.object_]:
    """How a missing name is exported: NA (85%) or ``"-"`` (15%)."""
    result: npt.NDArray[np.object_] = np.asarray([None, "-"], dtype=object)[
        (rng.random(n) >= 0.85).astype(np.int64)
    ]
    return result


def _family_mothers(
    rng: np.random.Generator,
    rows: npt.NDArray[np.int64],
    family: npt.NDArray[np.int64],
    mother: npt.NDArray[np.object_],
    kinds: npt.NDArray[np.object_],
) -> None:
    """One way of writing the mother's name for all the children ``rows`` of each family
    (in place: ``mother`` and ``kinds`` of those rows)."""
    if rows.size == 0:
        return
    families, first = np.unique(family[rows], return_index=True)
    shares = np.array([p for _, p in _FAMILY_MOTHER])
    pick = rng.choice(len(shares), size=families.size, p=shares / shares.sum())
    labels = [k for k, _ in _FAMILY_MOTHER]
    base = mother[rows[first]]
    draws = {k: pick == i for i, k in enumerate(labels) if k not in ("", "missing")}
    varied, done = apply_name_kinds(rng, base, np.ones(base.size, dtype=bool), draws)
    gone = (pick == labels.index("missing")) & np.array([isinstance(v, str) for v in base])
    varied[gone] = _missing_values(rng, int(gone.sum()))
    done[gone] = "missing"
    at = np.searchsorted(families, family[rows])
    mother[rows] = varied[at]
    kinds[rows] = done[at]


def _added_words(
    rng: np.random.Generator,
    wanted: npt.NDArray[np.bool_],
    tradition: npt.NDArray[np.object_],
    female: npt.NDArray[np.bool_],
    year: npt.NDArray[np.int64],
    father: npt.NDArray[np.object_],
) -> npt.NDArray[np.object_]:
    """The word an ``add_word`` record has more: ``BIN``/``BINTI`` and the father's first name
    (a third of the Muslim records), else a given name of the person's tradition."""
    words = np.full(wanted.size, "", dtype=object)
    rows = np.flatnonzero(wanted)
    if rows.size == 0:
        return words
    patronym = np.isin(tradition[rows], list(_MUSLIM_TRADITIONS)) & (rng.random(rows.size) < 0.35)
    for row in rows[patronym]:
        value = father[row]
        first = value.split(" ")[0] if isinstance(value, str) and value else ""
        if first:
            words[row] = f"{'BINTI' if female[row] else 'BIN'} {first}"
    rest = rows[~patronym]
    for name, tr in TRADITIONS.items():
        sub = rest[tradition[rest] == name]
        if sub.size:
            drawn = draw_names(rng, tr, female[sub], year[sub])
            words[sub] = [str(v).split(" ")[-1] for v in drawn]
    return words


_FATHER_NOISE = NameNoise(
    islamic_form=0.15,
    old_spelling=0.03,
    title=0.02,
    initials=0.03,
    join_split=0.02,
    spelling=0.04,
    typo=0.04,
    drop_word=0.02,
    word_order=0.0,
)


def _join_kinds(*parts: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """``;``-join the non-empty kinds of each row (only rows with some kind are visited).

    >>> _join_kinds(np.array(["typo", "", ""], dtype=object),
    ...             np.array(["date_year", "", "place_variant"], dtype=object)).tolist()
    ['typo;date_year', '', 'place_variant']
    """
    out = np.full(parts[0].size, "", dtype=object)
    some = np.zeros(parts[0].size, dtype=bool)
    for part in parts:
        some |= part != ""
    rows = np.flatnonzero(some)
    columns = [p[rows] for p in parts]
    out[rows] = [";".join(k for k in row if k) for row in zip(*columns, strict=True)]
    return out


def _prefixed(prefix: str, kinds: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    result: npt.NDArray[np.object_] = np.asarray(
        [f"{prefix}{k}" if k else "" for k in kinds], dtype=object
    )
    return result


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
    register (a new NIK each, see :data:`SCENARIOS`): residents registered again on their own
    (some with three records) and whole families registered again under a new KK.
    Returns ``(register, truth)``, both indexed by ``record_id`` (0..n-1, shuffled so that the
    records of one person are not adjacent).

    ``register`` has the columns :data:`CANONICAL_COLUMNS` (+ :data:`EXTRA_COLUMNS` with
    ``extra_columns=True``): NIK and KK as 16-digit text, upper-case names, ``tanggal_lahir``
    as ``datetime64[ns]`` (or ``DD-MM-YYYY`` text with ``as_strings=True``, like an export),
    ``jenis_kelamin`` ``LAKI-LAKI``/``PEREMPUAN``, ``rt``/``rw`` as 3-digit text,
    ``kelurahan``/``kecamatan`` as upper-case names, missing ``nama_ibu`` as NA or ``"-"``.

    ``truth`` has ``person_id`` (int64), ``scenario`` (``"original"`` or one of
    :data:`SCENARIOS`), ``household_id`` (the KK the record is in), ``corruptions`` (the
    differences applied to this record, ``;``-separated kinds of
    :data:`~nikmatch.synth.differences.DIFFERENCE_KINDS`, and ``nik_without_40``),
    ``tradition``, ``twin_group``, ``father_son_group``, ``common_name_group`` (nullable
    Int64: the records of people in the same group are hard negatives, see
    :func:`hard_negative_pairs`), ``differences`` (int64: how many difference kinds the
    record carries), ``twin_names`` (how a twin's name relates to the other twin's, see
    :data:`~nikmatch.synth.names.TWIN_NAME_KINDS`; None for others), ``family_group``
    (Int64: the records, old and new, of the members of one re-registered family) and
    ``siblings_group`` (Int64: the records of the children of a re-registered household).

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
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(9)]
    geo = Geography.build(region, streams[0], regions)
    n = int(n)
    n_extra = round(duplicate_rate * n)
    n_persons = n - n_extra
    if n_extra > n_persons:  # pragma: no cover - excluded by duplicate_rate < 0.5
        raise ValueError("too many duplicates for the population size")

    people = build_people(
        streams[1],
        n_persons,
        geo,
        reference_date,
        twin_rate=cfg.twin_rate,
        father_son_rate=cfg.father_son_rate,
        migrant_share=cfg.migrant_share,
        sound_alike_twins=cfg.sound_alike_twins,
    )
    _plant_common_names(streams[2], people, round(cfg.common_name_pairs * n_persons))
    child_role = ROLES.index("child")

    # ------------------------------------------------------------ who gets extra records
    weights = dict(cfg.scenario_weights)
    family_share = weights.get("family_reregistered", 0.0) / sum(weights.values())
    fam_rows, fam_index = _choose_families(
        streams[8], people["household"], round(family_share * n_extra)
    )
    taken = np.zeros(n_persons, dtype=bool)
    taken[fam_rows] = True
    rng = streams[3]
    ind_person, ind_scenario = _choose_individuals(
        rng, people["age"], taken, n_extra - fam_rows.size, weights, cfg.triple_share
    )
    extra_person = np.concatenate([ind_person, fam_rows]).astype(np.int64)
    scenario = np.concatenate(
        [ind_scenario, np.full(fam_rows.size, "family_reregistered", dtype=object)]
    )
    family = np.concatenate([np.full(ind_person.size, -1, dtype=np.int64), fam_index])

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
    moved = scenario == "moved_kecamatan"
    shift = rng.integers(1, max(n_districts, 2), size=n_extra)
    drawn = geo.draw_districts(rng, n_extra)
    district = np.where(
        moved, np.where(drawn == p_district, (p_district + shift) % n_districts, drawn), p_district
    )
    district = np.where(scenario == "moved_regency", drawn, district)
    new_address = np.isin(scenario, ["moved_kecamatan", "moved_regency"]) | (
        (scenario == "same_kecamatan") & (rng.random(n_extra) < 0.6)
    )
    same_kk = (scenario == "same_kk") | (
        (scenario == "mistyped_date") & (rng.random(n_extra) < 0.5)
    )
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
    nik_code = city[district]

    # a re-registered family: one new KK, address, kelurahan (and often kecamatan) for all
    fam = np.flatnonzero(family >= 0)
    if fam.size:
        frng = streams[8]
        n_families = int(family.max()) + 1
        first = np.zeros(n_families, dtype=np.int64)
        first[family[fam][::-1]] = fam[::-1]
        old = p_district[first]
        other = frng.random(n_families) < _FAMILY_OTHER_KECAMATAN
        f_drawn = geo.draw_districts(frng, n_families)
        f_shift = frng.integers(1, max(n_districts, 2), size=n_families)
        f_district = np.where(
            other, np.where(f_drawn == old, (old + f_shift) % n_districts, f_drawn), old
        )
        f_village = geo.draw_villages(frng, f_district)
        again = f_village == people["village"][extra_person[first]]
        f_village[again] = geo.draw_villages(frng, f_district[again])
        f_address = geo.draw_addresses(frng, n_families)
        f_rt = frng.integers(1, 21, size=n_families)
        f_rw = frng.integers(1, 9, size=n_families)
        youngest = np.full(n_families, np.datetime64("1900-01-01"), dtype="datetime64[D]")
        np.maximum.at(youngest, family[fam], true_birth[fam])
        f_kk_date = kk_issue_dates(frng, youngest, reference_date)
        f_elsewhere = frng.random(n_families) < _FAMILY_OTHER_REGENCY
        f_origin = np.asarray(geo.origin_districts, dtype=object)[
            frng.choice(len(geo.origin_districts), size=n_families, p=geo.origin_weights)
        ]
        at = family[fam]
        district[fam] = f_district[at]
        village[fam] = f_village[at]
        address[fam] = f_address[at]
        rt[fam] = f_rt[at]
        rw[fam] = f_rw[at]
        household[fam] = n_households + n_extra + at
        kk_date[fam] = f_kk_date[at]
        nik_code[fam] = np.where(f_elsewhere[at], f_origin[at], city[f_district[at]])

    # ------------------------------------------------------------ extra records: differences
    rng = streams[4]
    female = people["female"][extra_person].astype(bool)
    year = true_birth.astype("datetime64[Y]").astype(np.int64) + 1970
    latest = reference_date - dt.timedelta(days=1)
    base_name = people["name"][extra_person]
    base_mother = people["mother_name"][extra_person]
    base_place = people["place_of_birth"][extra_person]
    tradition = people["tradition"][extra_person]
    col = {k: i for i, k in enumerate(DRAWN_KINDS)}
    count = _difference_counts(rng, scenario, cfg)
    kind_weight = _kind_weights(
        cfg, scenario, base_name, base_mother, base_place, true_birth, tradition, reference_date
    )
    allowed = kind_weight > 0
    forced = np.flatnonzero(scenario == "mistyped_date")
    date_cols = np.array([col[k] for k in DATE_KINDS])
    kind_weight[np.ix_(forced, date_cols)] = 0.0
    family_children = np.flatnonzero((family >= 0) & (people["role"][extra_person] == child_role))
    mother_cols = np.array([col[k] for k in MOTHER_KINDS])
    kind_weight[np.ix_(family_children, mother_cols)] = 0.0
    count[forced] = np.maximum(count[forced] - 1, 0)
    chosen = draw_kinds(rng, count, kind_weight)
    _force_dates(rng, chosen, forced, allowed)
    defaults = _family_habits(streams[8], chosen, family, allowed, cfg.family_habit)
    muslim = np.isin(tradition, list(_MUSLIM_TRADITIONS))

    father_name = people["father_name"][extra_person]
    words = _added_words(rng, chosen[:, col["add_word"]], tradition, female, year, father_name)
    name, name_kind = apply_name_kinds(
        rng, base_name, female, {k: chosen[:, col[k]] for k in NAME_KINDS}, words, muslim
    )
    date_in = np.full(n_extra, "", dtype=object)
    for kind in DATE_KINDS:
        date_in[chosen[:, col[kind]]] = kind.removeprefix("date_")
    birth, date_kind = apply_dates(rng, true_birth, date_in, latest=latest, defaults=defaults)
    mother, mother_kind = apply_name_kinds(
        rng,
        base_mother,
        np.ones(n_extra, dtype=bool),
        {k.removeprefix("mother_"): chosen[:, col[k]] for k in MOTHER_KINDS[1:]},
    )
    missing = np.flatnonzero(chosen[:, col["mother_missing"]])
    mother[missing] = _missing_values(rng, missing.size)
    mother_kind[missing] = "missing"
    _family_mothers(streams[8], family_children, family, mother, mother_kind)
    place, place_changed = apply_place_variants(rng, base_place, chosen[:, col["place_variant"]])
    flip = chosen[:, col["sex_flip"]]
    rec_female = female ^ flip
    no40 = rec_female & (rng.random(n_extra) < cfg.nik_without_40)
    extra_kinds = [
        name_kind,
        date_kind,
        _prefixed("mother_", mother_kind),
        np.where(place_changed, "place_variant", "").astype(object),
        np.where(flip, "sex_flip", "").astype(object),
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
        np.isin(people["tradition"][rows], list(_MUSLIM_TRADITIONS)),
    )
    o_mother = people["mother_name"].copy()
    age_factor = np.where(p_year < 1960, 2.5, np.where(p_year >= 1990, 0.4, 1.0))
    o_missing = rng.random(n_persons) < cfg.original_mother_missing * age_factor
    o_mother[o_missing] = None
    o_birth = people["birth_date"].copy()
    slip = np.flatnonzero(rng.random(n_persons) < 0.003)
    o_birth[slip], slip_kind = corrupt_dates(
        rng, o_birth[slip], swap=0.35, digit=0.45, year=0.2, default=0.0, latest=latest
    )
    o_dates = np.full(n_persons, "", dtype=object)
    o_dates[slip] = slip_kind
    o_parts = [o_kind, o_dates, np.where(o_missing, "mother_missing", "").astype(object)]

    # ------------------------------------------------------------ father's name (own stream)
    rng = streams[7]
    father_parts: list[npt.NDArray[np.object_]] = []
    if extra_columns:
        # a father's name is left blank more often than a mother's (a child registered to its
        # mother alone), and most often where the mother's name is missing too; its own random
        # stream keeps the other columns as they are without it
        ayah_first = people["father_name"].copy()
        ayah_extra, ayah_kind = corrupt_names(
            rng,
            people["father_name"][extra_person],
            np.zeros(n_extra, dtype=bool),
            year - 30,
            _FATHER_NOISE,
            muslim,
        )
        mother_gone = np.concatenate([o_missing, np.isin(mother_kind, ["missing"])])
        blank_rate = np.concatenate(
            [np.full(n_persons, cfg.father_missing / 5), np.full(n_extra, cfg.father_missing)]
        )
        both = min(1.0, 5 * cfg.father_missing)  # 0.6 by default: both parents' names gone
        blank_rate = np.where(mother_gone, np.maximum(blank_rate, both), blank_rate)
        ayah = np.concatenate([ayah_first, ayah_extra])
        blank = rng.random(ayah.size) < blank_rate
        ayah[blank] = _missing_values(rng, int(blank.sum()))
        varied = np.concatenate([np.zeros(n_persons, dtype=bool), ayah_kind != ""])
        father_kind = np.where(
            blank, "father_missing", np.where(varied, "father_variant", "")
        ).astype(object)
        o_parts.append(father_kind[:n_persons])
        father_parts.append(father_kind[n_persons:])
    corruptions = np.concatenate(
        [
            _join_kinds(*o_parts),
            _join_kinds(
                *extra_kinds,
                *father_parts,
                np.where(no40, "nik_without_40", "").astype(object),
            ),
        ]
    )

    # ------------------------------------------------------------ assemble all records
    person = np.concatenate([np.arange(n_persons), extra_person])
    all_female = np.concatenate([people["female"].astype(bool), rec_female])
    rec_birth = np.concatenate([o_birth, birth])
    nik_birth = np.concatenate([people["birth_date"], birth])  # a NIK keeps the true date
    nik_code_all = np.concatenate([nik_district, nik_code]).astype(str).astype(np.int64)
    plus40 = all_female & ~np.concatenate([np.zeros(n_persons, dtype=bool), no40])
    nik_key = nik_code_all * 1_000_000 + _ddmmyy(nik_birth, plus40)
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
        columns["nama_ayah"] = ayah

    n_records = person.size
    shuffle = streams[6].permutation(n_records)
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
    family_group = np.full(n_persons, -1, dtype=np.int64)
    family_group[fam_rows] = fam_index
    hh_family = np.full(n_households, -1, dtype=np.int64)
    hh_family[people["household"][fam_rows]] = fam_index
    siblings = np.where(
        people["role"] == child_role, hh_family[people["household"]] if n_persons else -1, -1
    )

    def group(values: npt.NDArray[np.int64]) -> pd.Series:
        per_record = values[person][shuffle]
        array = pd.array(np.where(per_record >= 0, per_record, 0), dtype="Int64")
        array[per_record < 0] = pd.NA
        series: pd.Series = pd.Series(array, index=register.index)
        return series

    twin_kind = people["twin_names"][person][shuffle]
    truth = pd.DataFrame(
        {
            "person_id": person[shuffle].astype(np.int64),
            "scenario": np.concatenate([np.full(n_persons, "original", dtype=object), scenario])[
                shuffle
            ],
            "household_id": rec_household[shuffle].astype(np.int64),
            "corruptions": corruptions[shuffle],
            "tradition": people["tradition"][person][shuffle],
        },
        index=register.index,
    )
    truth["twin_group"] = group(people["twin_group"])
    truth["father_son_group"] = group(people["father_son_group"])
    truth["common_name_group"] = group(common)
    truth["differences"] = count_differences(truth["corruptions"].to_numpy())
    twin_names = twin_kind.astype(object)
    twin_names[twin_kind == ""] = None
    truth["twin_names"] = twin_names
    truth["family_group"] = group(family_group)
    truth["siblings_group"] = group(siblings)
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
    (['id_l', 'id_r'], 43)
    >>> bool((pairs["id_l"] < pairs["id_r"]).all())
    True
    """
    person = truth if isinstance(truth, pd.Series) else truth["person_id"]
    ids = np.asarray(person.index, dtype=np.int64)
    a, b = _pairs_within(np.asarray(person, dtype=np.int64), ids)
    return _pairs_frame(a, b)


def hard_negative_pairs(truth: pd.DataFrame) -> pd.DataFrame:
    """Pairs of records of *different* people that look alike on purpose, with their ``kind``.

    Kinds (:data:`HARD_NEGATIVE_KINDS`): ``twins`` (same KK, mother and birth date, names
    that go together), ``father_son`` (same name, 18+ years apart), ``common_name``
    (unrelated people with the same name and the same default birth date: 1 January, 1 July or
    31 December), ``siblings_new_kk`` (the children of a household registered again under a
    new KK: one child's record on one KK against a sibling's record on the other KK -- same
    mother, different person; twins are counted as ``twins`` only).  Every record of each
    person counts, so a twin with two records gives two pairs with the other twin.

    >>> _, truth = generate_population(5_000, seed=2)
    >>> hard = hard_negative_pairs(truth)
    >>> list(hard.columns), sorted(hard["kind"].unique())
    (['id_l', 'id_r', 'kind'], ['common_name', 'father_son', 'siblings_new_kk', 'twins'])
    """
    frames = []
    ids = np.asarray(truth.index, dtype=np.int64)
    person = truth["person_id"].to_numpy(dtype=np.int64)
    for kind, column in HARD_NEGATIVE_KINDS.items():
        if column not in truth.columns:  # a truth frame from before the kind existed
            continue
        values = truth[column]
        present = values.notna().to_numpy()
        a, b = _pairs_within(
            values[present].to_numpy(dtype=np.int64), ids[present], person[present]
        )
        if kind == "siblings_new_kk" and a.size:
            left = truth.index.get_indexer(pd.Index(a))
            right = truth.index.get_indexer(pd.Index(b))
            kk = truth["household_id"].to_numpy()
            twin = truth["twin_group"].to_numpy(dtype=np.float64, na_value=np.nan)
            keep = (kk[left] != kk[right]) & ~(twin[left] == twin[right])
            a, b = a[keep], b[keep]
        frame = _pairs_frame(a, b)
        frame["kind"] = kind
        frames.append(frame)
    result: pd.DataFrame = pd.concat(frames, ignore_index=True)
    result["kind"] = result["kind"].astype(str)
    return result
