"""Siblings in generated households: birth spacing, twins, and no repeated names in one KK."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nikmatch import synth
from nikmatch.synth.geography import Geography
from nikmatch.synth.households import (
    ROLES,
    build_people,
    repeated_names,
    space_births,
    whole_years,
)
from nikmatch.synth.names import (
    ABDUL_SECOND,
    ADOK_FEMALE,
    ADOK_MALE,
    BALINESE_ORDER,
    TRADITIONS,
    TWIN_NAME_KINDS,
    TWIN_PAIRS,
    draw_names,
    sibling_variant,
)

REFERENCE = dt.date(2026, 1, 1)
CHILD = ROLES.index("child")
HEAD = ROLES.index("head")
# (seed, n, twin_rate, father_son_rate): default rates, and high rates to exercise the
# twin and father/son code paths many times
CASES = [(1, 20_000, 0.01, 0.01), (2, 8_000, 0.01, 0.01), (3, 15_000, 0.1, 0.2),
         (4, 5_000, 0.2, 0.5)]

People = dict[str, npt.NDArray[Any]]


def _people(seed: int, n: int, twin_rate: float, father_son_rate: float) -> People:
    rng = np.random.default_rng(seed)
    geo = Geography.build("1871", rng)
    return build_people(
        rng, n, geo, REFERENCE, twin_rate=twin_rate, father_son_rate=father_son_rate
    )


@pytest.fixture(scope="module", params=CASES, ids=[f"seed{c[0]}" for c in CASES])
def people(request: pytest.FixtureRequest) -> People:
    return _people(*request.param)


def _child_pairs(p: People) -> pd.DataFrame:
    """All pairs of children of one household (elder row first)."""
    kids = pd.DataFrame(
        {
            "household": p["household"],
            "row": np.arange(p["household"].size),
            "birth": p["birth_date"].astype("datetime64[D]").astype(np.int64),
            "twin": p["twin_group"],
        }
    )[p["role"] == CHILD]
    pairs = kids.merge(kids, on="household")
    pairs = pairs[pairs["row_x"] < pairs["row_y"]]
    pairs["twins"] = (pairs["twin_x"] >= 0) & (pairs["twin_x"] == pairs["twin_y"])
    result: pd.DataFrame = pairs
    return result


# ----------------------------------------------------------------------------- birth dates
def test_non_twin_siblings_born_at_least_300_days_apart(people: People) -> None:
    pairs = _child_pairs(people)
    others = pairs[~pairs["twins"]]
    assert len(others) > 1_000
    gap = (others["birth_y"] - others["birth_x"]).abs()
    assert int(gap.min()) >= 300


def test_children_listed_eldest_first(people: People) -> None:
    pairs = _child_pairs(people)
    assert bool((pairs["birth_x"] <= pairs["birth_y"]).all())


def test_twins_share_birth_date(people: People) -> None:
    pairs = _child_pairs(people)
    twins = pairs[pairs["twins"]]
    assert len(twins) > 10
    assert bool((twins["birth_x"] == twins["birth_y"]).all())
    rows = np.flatnonzero(people["twin_group"] >= 0)
    assert bool((people["age"][rows] == people["age"][people["twin_group"][rows]]).all())


def test_nobody_born_after_the_reference_date(people: People) -> None:
    latest = np.datetime64(REFERENCE, "D") - np.timedelta64(1, "D")
    assert people["birth_date"].max() <= latest
    assert int(people["age"].min()) == 0
    assert int(people["age"].max()) <= 90


def test_mothers_at_least_16_at_each_birth(people: People) -> None:
    kids = np.flatnonzero((people["role"] == CHILD) & (people["mother_row"] >= 0))
    birth = people["birth_date"].astype("datetime64[D]")
    age_at_birth = birth[kids] - birth[people["mother_row"][kids]]
    assert age_at_birth.min() >= np.timedelta64(16 * 365, "D")


def test_moved_children_have_matching_ages(people: People) -> None:
    # ages are whole years at the reference date, except for the SIAK default dates that
    # birth_dates plants (they may sit in the neighbouring age year)
    kids = people["role"] == CHILD
    off = whole_years(people["birth_date"], REFERENCE) != people["age"]
    assert float(off[kids].mean()) < 0.01


def test_age_distribution_unchanged() -> None:
    p = _people(5, 20_000, 0.01, 0.01)
    age = p["age"]
    assert 0.24 < float((age < 15).mean()) < 0.29  # census: about 26% under 15
    assert 0.05 < float((age >= 65).mean()) < 0.08  # and 6-7% aged 65 and over
    assert 0.0 < float((age == 0).mean()) < 0.012


# ----------------------------------------------------------------------------- names
def test_no_repeated_names_in_a_household_but_father_and_son(people: People) -> None:
    frame = pd.DataFrame(
        {
            "household": people["household"],
            "name": people["name"],
            "role": people["role"],
            "fs": people["father_son_group"],
        }
    )
    sizes = frame.groupby(["household", "name"]).size()
    shared = frame.set_index(["household", "name"]).loc[sizes[sizes > 1].index]
    # every shared name is a head and his son of one father/son group, nothing else
    assert shared.groupby(level=[0, 1]).size().eq(2).all()
    assert bool((shared["fs"] >= 0).all())
    roles = shared.groupby(level=[0, 1])["role"].agg(sorted)
    assert all(r == [HEAD, CHILD] for r in roles)
    n_groups = int((people["father_son_group"] >= 0).sum()) // 2
    assert len(roles) == n_groups
    assert not bool(repeated_names(people["household"], people["name"])[
        people["father_son_group"] < 0
    ].any())


def test_twins_have_names_that_go_together(people: People) -> None:
    """Twins carry two different names, each made of pool words; same-sex twins mostly share
    all words but one; names that sound alike stay a small share."""
    rows = np.flatnonzero(
        (people["twin_group"] >= 0) & (np.arange(people["age"].size) != people["twin_group"])
    )
    assert rows.size > 5
    pool = _pool_words()
    kinds = people["twin_names"][rows]
    assert set(kinds) <= set(TWIN_NAME_KINDS)
    same_sex = people["female"][rows] == people["female"][rows - 1]
    one_word = 0
    for row, kind, same in zip(rows, kinds, same_sex, strict=True):
        a, b = str(people["name"][row - 1]).split(), str(people["name"][row]).split()
        assert a != b
        assert set(a) <= pool
        assert set(b) <= pool
        differ = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
        if kind in ("one_letter", "rhyme", "arabic_pair", "sound_alike") and same:
            assert len(a) == len(b)
            assert len(differ) == 1
            pair = frozenset(differ[0])
            assert pair in _TABLE[kind]
            if kind == "one_letter":
                assert _edits(*differ[0]) == 1
        if kind == "shared_word" and same and len(differ) == 1:
            assert _edits(*differ[0]) >= 2  # not a spelling variant (KHODIJAH, KHADIJAH)
        one_word += bool(same and len(a) == len(b) and len(differ) == 1)
    assert one_word >= 0.5 * same_sex.sum()
    assert (kinds == "sound_alike").mean() < 0.1


_TABLE = {kind: {frozenset(p[:2]) for p in pairs} for kind, pairs in TWIN_PAIRS.items()}


def _pool_words() -> set[str]:
    words: set[str] = {"I", "NI", "BR", "BIN", "BINTI", "PUTRA", "PUTRI", "SAPUTRA"}
    words.update(w for order in BALINESE_ORDER for w in order)
    for t in TRADITIONS.values():
        for pool in (t.male, t.female):
            for token in (*pool.single, *pool.first, *pool.last):
                words.update(token.split())
        for token in t.surnames:
            words.update(token.split())
    for token in (*ADOK_MALE, *ADOK_FEMALE, *ABDUL_SECOND):
        words.update(token.split())
    return words


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_mother_names_follow_redrawn_names(people: People) -> None:
    known = people["mother_row"] >= 0
    assert bool(
        (people["mother_name"][known] == people["name"][people["mother_row"][known]]).all()
    )


def test_children_of_one_household_share_their_parents_names(people: People) -> None:
    """A parent who is not in the register still has one name for all of the children."""
    kids = pd.DataFrame(
        {
            "household": people["household"],
            "mother": people["mother_name"],
            "father": people["father_name"],
        }
    )[people["role"] == CHILD]
    per_household = kids.groupby("household").nunique()
    assert int(per_household["mother"].max()) == 1
    assert int(per_household["father"].max()) == 1


def test_fathers_name_column_blanks_and_keeps_other_columns() -> None:
    """``extra_columns`` adds ``nama_ayah`` (blank on about ``father_missing`` of the extra
    records) from its own random stream: the shared columns are the same as without it."""
    plain, _ = synth.generate_population(8_000, seed=3)
    extra, truth = synth.generate_population(8_000, seed=3, extra_columns=True)
    pd.testing.assert_frame_equal(plain, extra[plain.columns])
    blank = extra["nama_ayah"].isna() | extra["nama_ayah"].eq("-")
    is_extra = truth["scenario"].ne("original")
    assert 0.08 < blank[is_extra].mean() < 0.25
    assert blank[~is_extra].mean() < 0.06
    none, _ = synth.generate_population(
        8_000, seed=3, extra_columns=True, config=synth.SynthConfig(father_missing=0.0)
    )
    assert not none["nama_ayah"].isna().any()


# ----------------------------------------------------------------------------- determinism
def test_same_seed_same_people() -> None:
    a, b = _people(7, 6_000, 0.05, 0.1), _people(7, 6_000, 0.05, 0.1)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    c = _people(8, 6_000, 0.05, 0.1)
    assert not np.array_equal(a["birth_date"], c["birth_date"])


def test_same_seed_same_population() -> None:
    a = synth.generate_population(5_000, seed=9)
    b = synth.generate_population(5_000, seed=9)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


# ----------------------------------------------------------------------------- helpers
@st.composite
def _families(draw: st.DrawFn) -> tuple[Any, ...]:
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=8))
    group = np.repeat(np.arange(len(sizes)), sizes)
    n = group.size
    days = np.sort(
        np.array(draw(st.lists(st.integers(-20_000, 20_000), min_size=n, max_size=n)))
    )
    days = days[np.lexsort((days, group))]
    gap = np.array(draw(st.lists(st.sampled_from([0, 300, 350, 419]), min_size=n, max_size=n)))
    first = np.r_[True, group[1:] != group[:-1]]
    twin = (gap == 0) & ~first
    for i in np.flatnonzero(twin):  # a twin has the other twin's date
        days[i] = days[i - 1]
    latest = draw(st.integers(-5_000, 25_000))
    return group, days, gap, twin, first, latest


def _as_dates(days: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    return days.astype("datetime64[D]")


@given(_families())
def test_space_births_properties(family: tuple[Any, ...]) -> None:
    group, days, gap, twin, first, latest = family
    out = space_births(_as_dates(days), group, gap, np.datetime64(latest, "D")).astype(np.int64)
    step = np.diff(out)[~first[1:]]
    need = gap[1:][~first[1:]]
    assert (step >= need).all()  # gaps hold (and order is kept)
    assert (out[twin] == out[np.flatnonzero(twin) - 1]).all()  # twins keep one date
    assert (out <= latest).all()  # nobody born after ``latest``
    spaced = np.ones(days.size, dtype=bool)
    spaced[1:] = first[1:] | (np.diff(days) >= gap[1:])
    by_group = pd.Series(spaced).groupby(group).all()
    fine = by_group[group].to_numpy() & (pd.Series(days).groupby(group).transform("max")
                                         <= latest).to_numpy()
    assert (out[fine] == days[fine]).all()  # already spaced: untouched
    if latest >= days.max() + 6 * 419:  # no cap: moves bounded by the gaps of the household
        total = pd.Series(np.where(first, 0, gap)).groupby(group).transform("sum").to_numpy()
        assert (np.abs(out - days) <= total).all()


@given(_families(), st.integers(-25_000, 25_000))
def test_space_births_respects_earliest_when_there_is_room(
    family: tuple[Any, ...], earliest: int
) -> None:
    group, days, gap, twin, first, _ = family
    latest = 40_000  # far enough for any family
    out = space_births(
        _as_dates(days), group, gap, np.datetime64(latest, "D"), np.datetime64(earliest, "D")
    ).astype(np.int64)
    assert (out >= earliest).all()
    assert (np.diff(out)[~first[1:]] >= gap[1:][~first[1:]]).all()
    assert (out[twin] == out[np.flatnonzero(twin) - 1]).all()


def test_space_births_empty() -> None:
    empty = np.zeros(0, dtype="datetime64[D]")
    out = space_births(empty, np.zeros(0, np.int64), np.zeros(0, np.int64), np.datetime64(0, "D"))
    assert out.size == 0


@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["A", "B", "C", "A B"])),
                max_size=40))
def test_repeated_names_matches_a_plain_loop(rows: list[tuple[int, str]]) -> None:
    rows = sorted(rows, key=lambda r: r[0])  # households contiguous
    household = np.array([h for h, _ in rows], dtype=np.int64)
    name = np.array([v for _, v in rows], dtype=object)
    seen: set[tuple[int, str]] = set()
    expected = []
    for key in rows:
        expected.append(key in seen)
        seen.add(key)
    assert repeated_names(household, name).tolist() == expected


@given(st.dates(dt.date(1930, 1, 1), dt.date(2030, 12, 31)),
       st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)))
def test_whole_years_matches_the_calendar(birth: dt.date, reference: dt.date) -> None:
    expected = reference.year - birth.year - ((reference.month, reference.day)
                                              < (birth.month, birth.day))
    got = whole_years(np.array([birth], dtype="datetime64[D]"), reference)
    assert got.tolist() == [expected]


@given(st.integers(0, 2**32 - 1), st.sampled_from(sorted(TRADITIONS)), st.booleans())
def test_sibling_variant_avoids_names_in_use(seed: int, tradition: str, female: bool) -> None:
    rng = np.random.default_rng(seed)
    tr = TRADITIONS[tradition]
    base = str(draw_names(rng, tr, np.array([female]), np.array([2010]),
                          surname=np.array([tr.surnames[0] if tr.surnames else ""],
                                           dtype=object))[0])
    plain = sibling_variant(np.random.default_rng(seed), base, tr, female)
    avoided = sibling_variant(np.random.default_rng(seed), base, tr, female, {plain})
    assert avoided != base
    if not plain.endswith((" PUTRA", " PUTRI")):  # a name with a given word to change
        assert avoided != plain
        assert len(avoided.split()) == len(base.split())
        for variant in (plain, avoided):
            changed = [(x, y) for x, y in zip(base.split(), variant.split(), strict=True)
                       if x != y]
            assert len(changed) == 1
            assert _edits(*changed[0]) >= 2
    # nothing to avoid: the draw is the one without ``avoid``
    assert sibling_variant(np.random.default_rng(seed), base, tr, female, {"X"}) == plain
