"""nikmatch.synth: generated registers, their truth, hard negatives and the "belum rekam" list."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import numpy as np
import pandas as pd
import pytest

from nikmatch import synth
from nikmatch.check import check_niks
from nikmatch.errors import SchemaError
from nikmatch.kk import validate_kk
from nikmatch.synth import SynthConfig

REFERENCE = dt.date(2026, 1, 1)
N = 20_000


@pytest.fixture(scope="module")
def population() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synth.generate_population(N, seed=11)


def _digest(*frames: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.to_csv().encode())
        digest.update(str(frame.dtypes.to_dict()).encode())
    return digest.hexdigest()


# ----------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_frames() -> None:
    a = synth.generate_population(3_000, seed=5)
    b = synth.generate_population(3_000, seed=5)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert _digest(*a) == _digest(*b)


def test_other_seed_gives_other_frames() -> None:
    a, _ = synth.generate_population(1_000, seed=5)
    b, _ = synth.generate_population(1_000, seed=6)
    assert not a["nik"].equals(b["nik"])


def test_unrecorded_list_is_deterministic(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    a = synth.generate_unrecorded_list(register, truth, n=500, seed=3)
    b = synth.generate_unrecorded_list(register, truth, n=500, seed=3)
    assert _digest(*a) == _digest(*b)


# ----------------------------------------------------------------------------- shape
def test_columns_index_and_dtypes(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    assert tuple(register.columns) == synth.CANONICAL_COLUMNS
    assert register.index.name == "record_id"
    assert register.index.dtype == np.int64
    assert sorted(register.index) == list(range(N))
    assert register.index.equals(truth.index)
    assert register["tanggal_lahir"].dtype == "datetime64[ns]"
    assert register["nik"].str.fullmatch(r"\d{16}").all()
    assert register["no_kk"].str.fullmatch(r"\d{16}").all()
    assert register["nik"].is_unique
    assert set(register["jenis_kelamin"]) == {"LAKI-LAKI", "PEREMPUAN"}
    assert register["rt"].str.fullmatch(r"\d{3}").all()
    assert register["rw"].str.fullmatch(r"\d{3}").all()
    names = register["nama"]
    assert (names == names.str.upper()).all()
    assert register["kecamatan"].nunique() == 20
    assert truth["person_id"].dtype == np.int64
    for column in ("twin_group", "father_son_group", "common_name_group"):
        assert truth[column].dtype == "Int64"


def test_records_of_one_person_are_not_adjacent(
    population: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _, truth = population
    person = truth.sort_index()["person_id"].to_numpy()
    assert (person[1:] == person[:-1]).mean() < 0.01


def test_as_strings_and_extra_columns() -> None:
    register, _ = synth.generate_population(500, seed=2, as_strings=True, extra_columns=True)
    assert tuple(register.columns) == synth.CANONICAL_COLUMNS + synth.EXTRA_COLUMNS
    assert register["tanggal_lahir"].str.fullmatch(r"\d{2}-\d{2}-\d{4}").all()
    assert {"ISLAM"} <= set(register["agama"])


def test_other_region_and_bad_arguments() -> None:
    register, _ = synth.generate_population(300, seed=1, region="18.72")
    assert register["nik"].str[:4].eq("1872").mean() > 0.5
    with pytest.raises(SchemaError):
        synth.generate_population(10, seed=1, region="9999")
    with pytest.raises(ValueError, match="duplicate_rate"):
        synth.generate_population(10, seed=1, duplicate_rate=-0.1)
    with pytest.raises(ValueError, match="positive"):
        synth.generate_population(0, seed=1)
    with pytest.raises(ValueError, match="unknown scenario"):
        SynthConfig(scenario_weights={"abducted": 1.0})


def test_small_population() -> None:
    register, truth = synth.small_population(seed=0)
    assert len(register) == 2_000
    assert (truth["scenario"] != "original").sum() == 40


# ----------------------------------------------------------------------------- NIK and KK
def test_niks_are_structurally_valid(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    checked = check_niks(register, reference_date=REFERENCE)
    assert checked["is_valid"].all()
    problems = checked["problems"].astype(str)
    # warnings only where planted: a slipped date in a first record, a woman's NIK without +40
    mismatch = problems.str.contains("birth_date_mismatch")
    assert truth.loc[mismatch, "corruptions"].str.contains("date_").all()
    sex = problems.str.contains("sex_mismatch")
    assert truth.loc[sex, "corruptions"].str.contains("nik_without_40").all()
    assert (problems == "").mean() > 0.99


def test_nik_region_follows_first_registration(
    population: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    register, truth = population
    region = register["nik"].str[:4]
    moved_regency = truth["scenario"] == "moved_regency"
    # the new NIK is coded for the city; the first record's code is another regency
    assert region[moved_regency].eq("1871").all()
    firsts = truth.loc[moved_regency, "person_id"]
    first_rows = truth.index[(truth["scenario"] == "original")
                             & truth["person_id"].isin(firsts)]
    assert region[first_rows].ne("1871").all()
    # some residents of the city carry a NIK from elsewhere (migrants)
    assert 0.1 < region.ne("1871").mean() < 0.4


def test_kk_numbers_valid_and_shared_by_household(
    population: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    register, truth = population
    for kk in register["no_kk"].drop_duplicates().iloc[:300]:
        assert validate_kk(kk, reference_date=REFERENCE).is_valid
    per_household = register["no_kk"].groupby(truth["household_id"]).nunique()
    assert per_household.eq(1).all()
    per_kk = truth["household_id"].groupby(register["no_kk"]).nunique()
    assert per_kk.eq(1).all()
    originals = truth["scenario"] == "original"
    same_kk = register[originals].groupby("no_kk")
    assert same_kk["alamat"].nunique().eq(1).all()
    assert same_kk["kecamatan"].nunique().eq(1).all()


def test_ages_between_0_and_90(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    exact = (truth["scenario"] == "original") & ~truth["corruptions"].str.contains("date")
    birth = register.loc[exact, "tanggal_lahir"]
    age_days = (pd.Timestamp(REFERENCE) - birth).dt.days
    assert age_days.min() >= 0
    assert age_days.max() < 91 * 365.25
    share_children = (age_days < 15 * 365.25).mean()
    assert 0.2 < share_children < 0.32


def test_default_birth_dates_over_represented(
    population: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    register, _ = population
    month_day = register["tanggal_lahir"].dt.strftime("%m-%d")
    share = month_day.value_counts(normalize=True)
    typical = share.median()
    for day, factor in (("07-01", 5), ("12-31", 5), ("01-01", 2.5)):
        assert share[day] > factor * typical


def test_common_names_are_shared(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    people = register[truth["scenario"] == "original"]
    counts = people["nama"].value_counts()
    assert counts.iloc[0] > 40
    assert {"SITI AMINAH", "MUHAMMAD RIZKI"} <= set(counts.index[:40])
    assert people["nama"].nunique() > 0.3 * len(people)
    assert truth["tradition"].nunique() == 8


# ----------------------------------------------------------------------------- truth
def test_true_pairs_count_matches_person_sizes(
    population: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _, truth = population
    pairs = synth.true_pairs(truth)
    sizes = truth.groupby("person_id").size()
    assert len(pairs) == int((sizes * (sizes - 1) // 2).sum())
    assert (pairs["id_l"] < pairs["id_r"]).all()
    assert pairs["id_l"].dtype == np.int64
    person = truth["person_id"]
    assert (person[pairs["id_l"]].to_numpy() == person[pairs["id_r"]].to_numpy()).all()
    assert sizes.max() == 3
    assert len(synth.true_pairs(truth["person_id"])) == len(pairs)


def test_scenario_rates_near_requested(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, truth = population
    extra = truth["scenario"] != "original"
    assert extra.sum() == round(0.02 * N)
    shares = truth.loc[extra, "scenario"].value_counts(normalize=True)
    for name, weight in SynthConfig().scenario_weights.items():
        assert abs(shares[name] - weight) < 0.06, name
    # every extra record belongs to someone who also has an original record
    originals = set(truth.loc[~extra, "person_id"])
    assert set(truth.loc[extra, "person_id"]) <= originals


def test_duplicates_differ_as_documented(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    extra = truth["scenario"] != "original"
    corrupted = truth.loc[extra, "corruptions"] != ""
    assert 0.3 < corrupted.mean() < 0.9
    first = register[~extra].set_index(truth.loc[~extra, "person_id"])
    dup = register[extra].set_index(truth.loc[extra, "person_id"])
    scen = truth.loc[extra, "scenario"].to_numpy()
    base = first.loc[dup.index]
    moved = scen == "moved_kecamatan"
    assert (dup["kecamatan"].to_numpy()[moved] != base["kecamatan"].to_numpy()[moved]).all()
    same = scen == "same_kecamatan"
    assert (dup["kecamatan"].to_numpy()[same] == base["kecamatan"].to_numpy()[same]).all()
    typed = scen == "mistyped_date"
    assert (dup["tanggal_lahir"].to_numpy()[typed] != base["tanggal_lahir"].to_numpy()[typed]
            ).all()
    assert (dup["nik"].to_numpy() != base["nik"].to_numpy()).all()
    # clean duplicates have the very same name
    name_kinds = "islamic|spelling|title|initials|join|typo|drop|order|add_word"
    first_kinds = truth.loc[~extra].set_index("person_id")["corruptions"].loc[dup.index]
    clean = ~(truth.loc[extra, "corruptions"].str.contains(name_kinds).to_numpy()
              | first_kinds.str.contains(name_kinds).to_numpy())
    assert (dup["nama"].to_numpy()[clean] == base["nama"].to_numpy()[clean]).all()


def test_some_original_records_are_noisy(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, truth = population
    originals = truth.loc[truth["scenario"] == "original", "corruptions"]
    assert 0.01 < (originals != "").mean() < 0.1


def test_no_duplicates_configuration() -> None:
    _, truth = synth.generate_population(500, seed=1, duplicate_rate=0.0)
    assert truth["person_id"].is_unique
    assert synth.true_pairs(truth).empty


# ----------------------------------------------------------------------------- hard negatives
def test_hard_negatives_present_and_true(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    hard = synth.hard_negative_pairs(truth)
    assert list(hard.columns) == ["id_l", "id_r", "kind"]
    kinds = hard["kind"].value_counts()
    assert {"twins", "father_son", "common_name"} <= set(kinds.index)
    person = truth["person_id"]
    assert (person[hard["id_l"]].to_numpy() != person[hard["id_r"]].to_numpy()).all()
    # first records only, and none whose date got a deliberate typing slip
    clean = ~truth["corruptions"].astype(str).str.contains("date")
    first_only = hard[(truth.loc[hard["id_l"], "scenario"].to_numpy() == "original")
                      & (truth.loc[hard["id_r"], "scenario"].to_numpy() == "original")
                      & clean[hard["id_l"]].to_numpy() & clean[hard["id_r"]].to_numpy()]
    left = register.loc[first_only["id_l"]].reset_index(drop=True)
    right = register.loc[first_only["id_r"]].reset_index(drop=True)
    kind = first_only["kind"].to_numpy()

    twins = kind == "twins"
    assert twins.sum() > 20
    assert (left["tanggal_lahir"][twins] == right["tanggal_lahir"][twins]).all()
    assert (left["no_kk"][twins] == right["no_kk"][twins]).all()
    assert (left["nama"][twins] != right["nama"][twins]).mean() > 0.95

    fs = kind == "father_son"
    assert fs.sum() > 5
    gap = (left["tanggal_lahir"][fs] - right["tanggal_lahir"][fs]).abs().dt.days
    assert (gap >= 18 * 365).all()
    assert (left["jenis_kelamin"][fs] == "LAKI-LAKI").all()

    common = kind == "common_name"
    assert common.sum() > 10
    days = left["tanggal_lahir"][common].dt.strftime("%m-%d")
    assert days.isin(["01-01", "07-01", "12-31"]).all()
    assert (left["tanggal_lahir"][common] == right["tanggal_lahir"][common]).all()
    assert (left["no_kk"][common] != right["no_kk"][common]).mean() > 0.9


def test_twins_share_mother(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    twins = truth["twin_group"].notna() & (truth["scenario"] == "original")
    mothers = register.loc[twins, "nama_ibu"].groupby(truth.loc[twins, "twin_group"]).nunique()
    assert (mothers <= 1).mean() > 0.9


# ----------------------------------------------------------------------------- belum rekam
def test_unrecorded_list_truth(population: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    register, truth = population
    listed, list_truth = synth.generate_unrecorded_list(register, truth, n=1_000, seed=4)
    assert listed.index.name == "list_id"
    assert tuple(listed.columns) == synth.CANONICAL_COLUMNS
    assert list_truth["person_id"].is_unique
    own = list_truth["own_record_id"]
    assert (listed["nik"].to_numpy() == register.loc[own, "nik"].to_numpy()).all()
    assert (truth.loc[own, "person_id"].to_numpy() == list_truth["person_id"].to_numpy()).all()
    assert abs(list_truth["has_other_nik"].mean() - 0.25) < 0.03
    links = synth.true_links(list_truth, truth)
    assert len(links) == int(list_truth["n_register_records"].sum())
    other = links[~links["id_r"].isin(own)]
    assert other["id_l"].nunique() == int(list_truth["has_other_nik"].sum())
    birth = register.loc[own, "tanggal_lahir"]
    assert ((pd.Timestamp(REFERENCE) - birth).dt.days >= 17 * 365).all()
    assert 0.1 < (list_truth["corruptions"] != "").mean() < 0.3


def test_unrecorded_list_from_string_dates() -> None:
    register, truth = synth.generate_population(3_000, seed=8, as_strings=True)
    listed, _ = synth.generate_unrecorded_list(register, truth, n=200, seed=8)
    assert listed["tanggal_lahir"].str.fullmatch(r"\d{2}-\d{2}-\d{4}").all()


def test_unrecorded_list_too_long() -> None:
    register, truth = synth.generate_population(300, seed=8)
    with pytest.raises(ValueError, match="eligible"):
        synth.generate_unrecorded_list(register, truth, n=1_000, seed=8)


# ----------------------------------------------------------------------------- speed
def test_generation_time_100k_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    register, _ = synth.generate_population(100_000, seed=1)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(f"\nsynth: 100,000 records in {elapsed:.2f} s")
    assert len(register) == 100_000
