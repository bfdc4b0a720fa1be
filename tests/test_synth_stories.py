"""The stories of nikmatch.synth: how double NIKs arise, several differences per record, twins.

Each scenario must produce what it claims (DESIGN §5 "How double NIKs arise"), the number of
differences must match the kinds recorded, NIKs must agree with their own record, and the mixture
of scenarios, differences and twin names must stay near the documented shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nikmatch import synth
from nikmatch.synth.differences import (
    DATE_KINDS,
    DEFAULT_DIFFERENCE_COUNTS,
    DIFFERENCE_KINDS,
    DRAWN_KINDS,
    MOTHER_KINDS,
    count_differences,
    draw_kinds,
)
from nikmatch.synth.names import (
    TRADITIONS,
    TWIN_NAME_KINDS,
    TWIN_PAIRS,
    _same_name,
    _word_key,
    twin_names,
)

N = 20_000
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
Frames = tuple[pd.DataFrame, pd.DataFrame]


@pytest.fixture(scope="module")
def population() -> Frames:
    return synth.generate_population(N, seed=5)


def _first_records(truth: pd.DataFrame) -> pd.Series:
    """record_id of each person's first record, indexed by person_id."""
    originals = truth[truth["scenario"] == "original"]
    return pd.Series(originals.index, index=originals["person_id"].to_numpy())


def _extras(register: pd.DataFrame, truth: pd.DataFrame, scenario: str) -> tuple[
    pd.DataFrame, pd.DataFrame, pd.DataFrame
]:
    """Extra records of a scenario, the first records of their persons (aligned) and truth."""
    rows = truth.index[truth["scenario"] == scenario]
    first = _first_records(truth).loc[truth.loc[rows, "person_id"]].to_numpy()
    return register.loc[rows], register.loc[first], truth.loc[rows]


# ----------------------------------------------------------------------------- invariants
def _check_same_kk(register: pd.DataFrame, truth: pd.DataFrame) -> None:
    extra, first, _ = _extras(register, truth, "same_kk")
    for column in ("no_kk", "alamat", "rt", "rw", "kelurahan", "kecamatan"):
        assert (extra[column].to_numpy() == first[column].to_numpy()).all(), column
    # the new NIK was issued in the KK's kecamatan (the KK number starts with its code)
    assert (extra["nik"].str[:6].to_numpy() == first["no_kk"].str[:6].to_numpy()).all()
    assert (extra["nik"].to_numpy() != first["nik"].to_numpy()).all()


def _check_families(register: pd.DataFrame, truth: pd.DataFrame) -> None:
    extra, first, t = _extras(register, truth, "family_reregistered")
    if extra.empty:
        return
    family = t["family_group"]
    assert family.notna().all()
    per_family = extra.groupby(family.to_numpy())
    assert per_family["no_kk"].nunique().eq(1).all()  # one new KK
    assert per_family["alamat"].nunique().eq(1).all()
    assert per_family["kelurahan"].nunique().eq(1).all()
    sizes = per_family.size()
    assert sizes.between(2, 7).all()
    assert (extra["no_kk"].to_numpy() != first["no_kk"].to_numpy()).all()  # not the old KK
    # the old KK of a family is one KK too
    assert first.groupby(family.to_numpy())["no_kk"].nunique().eq(1).all()
    assert t["household_id"].groupby(family.to_numpy()).nunique().eq(1).all()


def _check_differences(truth: pd.DataFrame) -> None:
    kinds = truth["corruptions"].str.split(";")
    counted = kinds.map(lambda ks: sum(k in DIFFERENCE_KINDS for k in ks))
    assert (truth["differences"].to_numpy() == counted.to_numpy()).all()
    known = {*DIFFERENCE_KINDS, "nik_without_40", ""}
    assert set(kinds.explode()) <= known
    # at most one date kind and one mother kind per record
    for group in (DATE_KINDS, MOTHER_KINDS):
        assert kinds.map(lambda ks, g=group: sum(k in g for k in ks)).max() <= 1


def _check_niks(register: pd.DataFrame, truth: pd.DataFrame) -> None:
    """The date part of every NIK is its record's date, +40 for a woman, except where a
    woman's NIK was issued without it (``nik_without_40``) or a first record's date slipped
    after the NIK was issued (a ``date_`` kind on an original record)."""
    birth = pd.to_datetime(register["tanggal_lahir"], format="%d-%m-%Y")
    female = register["jenis_kelamin"].eq("PEREMPUAN")
    no40 = truth["corruptions"].str.contains("nik_without_40")
    day = birth.dt.day + np.where(female & ~no40, 40, 0)
    expected = (
        day.map("{:02d}".format)
        + birth.dt.month.map("{:02d}".format)
        + (birth.dt.year % 100).map("{:02d}".format)
    )
    slipped = (truth["scenario"] == "original") & truth["corruptions"].str.contains("date_")
    agree = register["nik"].str[6:12] == expected
    assert agree[~slipped].all()
    assert not agree[slipped].any()


def _check_date_year(register: pd.DataFrame, truth: pd.DataFrame) -> None:
    rows = truth.index[truth["corruptions"].str.contains("date_year")
                       & (truth["scenario"] != "original")]
    first = _first_records(truth).loc[truth.loc[rows, "person_id"]].to_numpy()
    clean = ~truth.loc[first, "corruptions"].str.contains("date_").to_numpy()
    new = pd.to_datetime(register.loc[rows, "tanggal_lahir"], format="%d-%m-%Y")[clean]
    old = pd.to_datetime(register.loc[first, "tanggal_lahir"], format="%d-%m-%Y")[clean]
    assert ((new.dt.year.to_numpy() - old.dt.year.to_numpy()) ** 2 == 1).all()
    assert (new.dt.month.to_numpy() == old.dt.month.to_numpy()).all()
    leap = (old.dt.month.to_numpy() == 2) & (old.dt.day.to_numpy() == 29)
    assert (new.dt.day.to_numpy()[~leap] == old.dt.day.to_numpy()[~leap]).all()


def _check_twins(register: pd.DataFrame, truth: pd.DataFrame) -> None:
    twins = truth["twin_group"].notna() & (truth["scenario"] == "original")
    groups = register[twins].groupby(truth.loc[twins, "twin_group"].to_numpy())
    assert groups["nama"].nunique().eq(groups.size()).all()  # every twin has a name of its own
    assert groups["no_kk"].nunique().eq(1).all()
    clean = twins & ~truth["corruptions"].str.contains("date_")  # a first record's date slip
    dates = register.loc[clean, "tanggal_lahir"].groupby(truth.loc[clean, "twin_group"].to_numpy())
    assert dates.nunique().eq(1).all()
    assert truth.loc[twins, "twin_names"].isin(TWIN_NAME_KINDS).all()
    assert truth.loc[~truth["twin_group"].notna(), "twin_names"].isna().all()


CHECKS: tuple[Callable[[pd.DataFrame, pd.DataFrame], None], ...] = (
    _check_same_kk,
    _check_families,
    lambda _, truth: _check_differences(truth),
    _check_niks,
    _check_date_year,
    _check_twins,
)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: getattr(c, "__name__", "check"))
def test_stories_on_a_register(population: Frames, check: Callable[..., None]) -> None:
    register, truth = population
    register = register.assign(tanggal_lahir=register["tanggal_lahir"].dt.strftime("%d-%m-%Y"))
    check(register, truth)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=SEEDS,
    n=st.integers(min_value=400, max_value=4_000),
    rate=st.floats(min_value=0.0, max_value=0.3),
    family=st.floats(min_value=0.0, max_value=1.0),
)
def test_stories_hold_for_any_seed_size_and_mix(
    seed: int, n: int, rate: float, family: float
) -> None:
    weights = {**synth.SynthConfig().scenario_weights, "family_reregistered": family}
    config = synth.SynthConfig(scenario_weights=weights, twin_rate=0.05)
    register, truth = synth.generate_population(
        n, seed=seed, duplicate_rate=rate, as_strings=True, config=config
    )
    assert len(register) == len(truth) == n
    assert (truth["scenario"] != "original").sum() == round(rate * n)
    for check in CHECKS:
        check(register, truth)


def test_determinism_with_every_story() -> None:
    config = synth.SynthConfig(twin_rate=0.05)
    a = synth.generate_population(4_000, seed=13, extra_columns=True, config=config)
    b = synth.generate_population(4_000, seed=13, extra_columns=True, config=config)
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
        assert x.to_csv() == y.to_csv()


def test_father_missing_is_recorded_with_extra_columns() -> None:
    register, truth = synth.generate_population(6_000, seed=4, extra_columns=True)
    blank = register["nama_ayah"].isna() | register["nama_ayah"].eq("-")
    recorded = truth["corruptions"].str.contains("father_missing")
    assert (blank == recorded).all()
    # where the mother's name is missing too, the father's is missing most of the time
    both = truth["corruptions"].str.contains("mother_missing")
    assert recorded[both].mean() > 0.4
    _check_differences(truth)
    _, plain = synth.generate_population(6_000, seed=4)
    assert not plain["corruptions"].str.contains("father_").any()


# ----------------------------------------------------------------------------- mixture shares
def test_scenario_shares(population: Frames) -> None:
    _, truth = population
    extra = truth[truth["scenario"] != "original"]
    assert len(extra) == round(0.02 * N)
    shares = extra["scenario"].value_counts(normalize=True)
    for name, weight in synth.SynthConfig().scenario_weights.items():
        assert abs(shares.get(name, 0.0) - weight) < 0.05, name
    assert set(synth.SCENARIOS) == set(shares.index)


def test_difference_count_shares(population: Frames) -> None:
    _, truth = population
    extra = truth[truth["scenario"] != "original"]
    shares = extra["differences"].clip(upper=4).value_counts(normalize=True)
    # many with one, a good share with two, some with three or more
    assert 0.12 < shares[0] < 0.25
    assert 0.33 < shares[1] < 0.47
    assert 0.2 < shares[2] < 0.34
    assert 0.09 < shares[3] + shares.get(4, 0.0) < 0.22
    assert (extra.loc[extra["scenario"] == "mistyped_date", "differences"] >= 1).all()
    same_kk = extra.loc[extra["scenario"] == "same_kk", "differences"]
    moved = extra.loc[extra["scenario"] == "same_kecamatan", "differences"]
    assert same_kk.mean() > moved.mean()  # retyped by a second officer


def test_kind_shares(population: Frames) -> None:
    _, truth = population
    extra = truth[truth["scenario"] != "original"]
    kinds = extra["corruptions"].str.split(";").explode()
    share = kinds.value_counts() / len(extra)
    assert share.index[0] == "typo"
    for kind in ("typo", "spelling", "drop_word", "word_order", "date_digit", "date_year",
                 "mother_missing", "mother_typo", "initials", "title", "add_word"):
        assert share[kind] > 0.02, kind
    assert share.get("sex_flip", 0.0) < 0.02
    # several kinds on one record: name and date, name and mother
    both = extra["corruptions"].str.contains("typo|spelling") & extra["corruptions"].str.contains(
        "date_"
    )
    assert both.mean() > 0.03


def test_original_records_are_imperfect_too(population: Frames) -> None:
    _, truth = population
    originals = truth[truth["scenario"] == "original"]
    assert 0.02 < (originals["differences"] > 0).mean() < 0.08
    assert 0.005 < originals["corruptions"].str.contains("mother_missing").mean() < 0.03


def test_twin_name_shares(population: Frames) -> None:
    _, truth = population
    twins = truth[truth["twin_group"].notna() & (truth["scenario"] == "original")]
    kinds = twins["twin_names"].value_counts(normalize=True)
    assert {"one_letter", "shared_word", "rhyme", "unrelated"} <= set(kinds.index)
    assert kinds.get("sound_alike", 0.0) < 0.05


def test_hard_negatives_across_the_two_kks(population: Frames) -> None:
    register, truth = population
    hard = synth.hard_negative_pairs(truth)
    siblings = hard[hard["kind"] == "siblings_new_kk"]
    assert len(siblings) > 20
    left, right = register.loc[siblings["id_l"]], register.loc[siblings["id_r"]]
    assert (left["no_kk"].to_numpy() != right["no_kk"].to_numpy()).all()
    person = truth["person_id"]
    assert (person[siblings["id_l"]].to_numpy() != person[siblings["id_r"]].to_numpy()).all()
    # same mother as written on the old KK, most of the time
    same_mother = left["nama_ibu"].to_numpy() == right["nama_ibu"].to_numpy()
    assert same_mother.mean() > 0.5
    twin = truth["twin_group"]
    assert not (twin[siblings["id_l"]].to_numpy() == twin[siblings["id_r"]].to_numpy()).any()


# ----------------------------------------------------------------------------- the pieces
@given(SEEDS, st.lists(st.integers(0, 20), min_size=1, max_size=30))
def test_draw_kinds_respects_counts_and_groups(seed: int, counts: list[int]) -> None:
    rng = np.random.default_rng(seed)
    weights = rng.random((len(counts), len(DRAWN_KINDS)))
    weights[rng.random(weights.shape) < 0.3] = 0.0
    chosen = draw_kinds(rng, np.array(counts, dtype=np.int64), weights)
    assert not (chosen & (weights == 0)).any()
    date = chosen[:, [DRAWN_KINDS.index(k) for k in DATE_KINDS]].sum(axis=1)
    mother = chosen[:, [DRAWN_KINDS.index(k) for k in MOTHER_KINDS]].sum(axis=1)
    assert (date <= 1).all()
    assert (mother <= 1).all()
    date_cols = [DRAWN_KINDS.index(k) for k in DATE_KINDS]
    mother_cols = [DRAWN_KINDS.index(k) for k in MOTHER_KINDS]
    possible = (
        (weights > 0).sum(axis=1)
        - np.maximum((weights[:, date_cols] > 0).sum(axis=1) - 1, 0)
        - np.maximum((weights[:, mother_cols] > 0).sum(axis=1) - 1, 0)
    )
    assert (chosen.sum(axis=1) == np.minimum(counts, possible)).all()


def test_count_differences_ignores_nik_without_40() -> None:
    values = np.array(["typo;nik_without_40", "nik_without_40", "", "a;b"], dtype=object)
    assert count_differences(values).tolist() == [1, 0, 0, 0]


def test_default_difference_counts_are_shares() -> None:
    assert set(DEFAULT_DIFFERENCE_COUNTS) == set(synth.SCENARIOS)
    for shares in DEFAULT_DIFFERENCE_COUNTS.values():
        assert abs(sum(shares) - 1.0) < 1e-9


@given(SEEDS, st.sampled_from(sorted(TRADITIONS)), st.booleans(), st.booleans(), st.booleans())
def test_twin_names_are_two_names(
    seed: int, tradition: str, first_female: bool, second_female: bool, can_change: bool
) -> None:
    rng = np.random.default_rng(seed)
    tr = TRADITIONS[tradition]
    a0, b0 = (
        str(name)
        for name in synth.names.draw_names(
            rng,
            tr,
            np.array([first_female, second_female]),
            np.array([2010, 2010]),
            surname=np.array([tr.surnames[0] if tr.surnames else ""] * 2, dtype=object),
        )
    )
    a, b, kind = twin_names(rng, a0, b0, tr, first_female, second_female,
                            can_change_first=can_change)
    assert kind in TWIN_NAME_KINDS
    assert a != b
    if not can_change:
        assert a == a0
    if first_female != second_female:
        assert kind != "sound_alike"
    words_a, words_b = a.split(), b.split()
    differ = [(x, y) for x, y in zip(words_a, words_b, strict=False) if x != y]
    if kind in TWIN_PAIRS and first_female == second_female:
        assert len(differ) == 1
        x, y = differ[0]
        assert (_word_key(x) == _word_key(y)) == (kind == "sound_alike")  # sound the same
    if kind == "shared_word":
        assert all(not _same_name(x, y) for x, y in differ)


def test_config_rejects_unknown_kinds_and_bad_shares() -> None:
    with pytest.raises(ValueError, match="difference kind"):
        synth.SynthConfig(kind_weights={"teleport": 1.0})
    with pytest.raises(ValueError, match="difference_counts"):
        synth.SynthConfig(difference_counts={"same_kk": (-1.0, 2.0)})
    with pytest.raises(ValueError, match="unknown scenario"):
        synth.SynthConfig(difference_counts={"abducted": (1.0,)})
    with pytest.raises(ValueError, match="family_habit"):
        synth.SynthConfig(family_habit=2.0)


def test_a_kind_weight_of_zero_removes_the_kind() -> None:
    config = synth.SynthConfig(kind_weights={"typo": 0.0, "date_year": 0.0})
    _, truth = synth.generate_population(5_000, seed=3, config=config)
    extra = truth[truth["scenario"] != "original"]
    # spelling variants that find no spelling to vary become typing slips; nothing else does
    typos = extra["corruptions"].str.contains("(?:^|;)typo")
    assert typos.mean() < 0.06
    # a year off by one now comes only from mistyped dates and digit slips of the year
    years = extra["corruptions"].str.contains("date_year")
    assert years.mean() < 0.04


def test_reference_date_bounds_every_date() -> None:
    reference = dt.date(2020, 6, 1)
    register, _truth = synth.generate_population(5_000, seed=2, reference_date=reference)
    assert register["tanggal_lahir"].max() < pd.Timestamp(reference)
    assert register["tanggal_lahir"].min() > pd.Timestamp(reference) - pd.Timedelta(days=96 * 366)


def test_twin_pair_table_words_are_pool_names() -> None:
    pool: set[str] = set()
    for t in TRADITIONS.values():
        for p in (t.male, t.female):
            pool.update(w for token in (*p.single, *p.first, *p.last) for w in token.split())
    for kind, pairs in TWIN_PAIRS.items():
        for a, b, sexes, slot in pairs:
            assert {a, b} <= pool, (a, b)
            assert a != b
            assert sexes in "MFX"
            assert slot in ("first", "last")
            assert (_word_key(a) == _word_key(b)) == (kind == "sound_alike"), (a, b)
