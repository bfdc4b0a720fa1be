"""Matcher invariants: no lost rows, any index, hostile input, date types, determinism.

``find_duplicates`` must return one ``clusters`` row per input row (same index, same order)
whatever the rows hold, fail only with a documented :class:`~nikmatch.errors.NikmatchError`,
and give the same answer for the same records however they are typed or ordered.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

import nikmatch as nm
from nikmatch import cluster as cluster_module
from nikmatch.cluster import cluster_matches, cluster_pairs
from nikmatch.dates import MISSING_DAY
from nikmatch.errors import NikmatchError
from nikmatch.prepare import prepare
from nikmatch.synth import generate_population

MAX_CLUSTER_SIZE = inspect.signature(cluster_pairs).parameters["max_cluster_size"].default
PAIR_COLUMNS = ["id_l", "id_r", "match_weight", "match_probability", "row_l", "row_r"]


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    frame, _ = generate_population(1_500, seed=21)
    return frame


@pytest.fixture(scope="module")
def base(register: pd.DataFrame) -> nm.DedupeResult:
    return nm.find_duplicates(register)


@pytest.fixture(scope="module")
def model(base: nm.DedupeResult) -> nm.Model:
    return base.model


def check_clusters(result: nm.DedupeResult, frame: pd.DataFrame) -> None:
    clusters = result.clusters
    assert clusters.index.equals(frame.index)
    assert clusters.index.tolist() == frame.index.tolist()  # same labels in the same order
    assert len(clusters) == len(frame)
    for column in ("cluster_id", "cluster_size", "survivor", "recommendation", "flags"):
        assert column in clusters.columns
    if len(frame):
        sizes = clusters.groupby("cluster_id")["cluster_id"].transform("size")
        assert (clusters["cluster_size"] == sizes).all()
        assert clusters["cluster_size"].max() <= MAX_CLUSTER_SIZE


def run_or_documented_error(
    fn: Callable[..., nm.DedupeResult], *args: Any, **kwargs: Any
) -> nm.DedupeResult | None:
    """The result, or None after a NikmatchError (anything else fails the test)."""
    try:
        return fn(*args, **kwargs)
    except NikmatchError as exc:
        message = str(exc)
    assert message, "a nikmatch error must say what is wrong"
    return None


def positions(pairs: pd.DataFrame) -> pd.DataFrame:
    out: pd.DataFrame = pairs[["row_l", "row_r", "match_weight"]].reset_index(drop=True)
    return out


def garbage_rows(columns: pd.Index, start: int) -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {"nama": "", "tanggal_lahir": "01-07-1980", "nik": "1871014107800001"},
        {"nama": "Budi Santoso", "tanggal_lahir": "31-02-1990", "nik": None},
        {"nama": "Siti Aminah", "tanggal_lahir": "kemarin", "nik": "abc"},
        {"nama": "   ", "tanggal_lahir": None, "nik": "1234"},
        {},  # None everywhere
        {"nama": "H.", "tanggal_lahir": "00-00-0000", "nik": 1.87101e15},
    ]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], dtype=object)
    frame.index = pd.RangeIndex(start, start + len(rows))
    return frame


# ---- every row exactly once ----------------------------------------------------------------


def test_garbage_rows_are_kept_and_flagged(register: pd.DataFrame) -> None:
    head = register.head(400).astype(object)
    frame = pd.concat([head, garbage_rows(register.columns, 10**6)])
    result = nm.find_duplicates(frame)
    check_clusters(result, frame)
    flags = result.clusters["flags"]
    assert flags.loc[10**6] == "nama_missing"
    assert "tanggal_lahir_unreadable" in flags.loc[10**6 + 1]
    assert "nik_unreadable" in flags.loc[10**6 + 2]
    assert "nama_missing" in flags.loc[10**6 + 4]
    garbage_ids = set(range(10**6, 10**6 + 6))
    assert not garbage_ids & (set(result.matches["id_l"]) | set(result.matches["id_r"]))


def test_a_frame_of_garbage_alone(model: nm.Model) -> None:
    frame = garbage_rows(pd.Index(["nik", "nama", "tanggal_lahir"]), 0)
    for kwargs in ({}, {"model": model}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # model comparisons without data
            result = run_or_documented_error(nm.find_duplicates, frame, **kwargs)
        if result is not None:
            check_clusters(result, frame)


def test_duplicate_index_labels(register: pd.DataFrame, model: nm.Model) -> None:
    frame = register.head(600)
    plain = nm.find_duplicates(frame, model=model, lambda_=1e-4)
    assert len(plain.pairs) > 0
    dup = frame.set_axis(pd.Index([i % 37 for i in range(len(frame))]), axis=0)
    result = nm.find_duplicates(dup, model=model, lambda_=1e-4)
    check_clusters(result, dup)
    pd.testing.assert_frame_equal(positions(result.pairs), positions(plain.pairs))
    labels = dup.index.to_numpy()
    assert (result.pairs["id_l"].to_numpy() == labels[result.pairs["row_l"]]).all()
    assert (result.pairs["id_r"].to_numpy() == labels[result.pairs["row_r"]]).all()


def test_string_index_labels(register: pd.DataFrame, model: nm.Model) -> None:
    frame = register.head(600)
    plain = nm.find_duplicates(frame, model=model, lambda_=1e-4)
    named = frame.set_axis(pd.Index([f"rec-{i:05d}" for i in frame.index], name="id"), axis=0)
    result = nm.find_duplicates(named, model=model, lambda_=1e-4)
    check_clusters(result, named)
    pd.testing.assert_frame_equal(positions(result.pairs), positions(plain.pairs))
    assert result.pairs["id_l"].map(type).eq(str).all()
    first = result.pairs.iloc[0]
    assert result.explain(first["id_l"], first["id_r"]).match_weight == pytest.approx(
        first["match_weight"], abs=1e-6)


@pytest.mark.parametrize("use_model", [False, True])
def test_empty_and_one_row_frames(register: pd.DataFrame, model: nm.Model,
                                  use_model: bool) -> None:
    kwargs = {"model": model} if use_model else {}
    for frame in (register.iloc[:0], register.iloc[:1], register.iloc[:2],
                  pd.DataFrame({"nama": [], "tanggal_lahir": []})):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = run_or_documented_error(nm.find_duplicates, frame, **kwargs)
        if result is None:
            assert len(frame) == 0, "only an empty frame may be refused"
            continue
        check_clusters(result, frame)
        assert len(result.pairs) <= len(frame) * (len(frame) - 1) // 2
        assert set(PAIR_COLUMNS) <= set(result.pairs.columns)


def test_empty_list_or_register_in_link(register: pd.DataFrame) -> None:
    empty = register.iloc[:0]
    result = nm.link(empty, register.head(300))
    assert len(result.clusters) == 0
    result = nm.link(register.head(5), empty)
    assert result.clusters.index.equals(register.head(5).index)
    assert (result.clusters["n_matches"] == 0).all()


def test_all_records_identical(register: pd.DataFrame, model: nm.Model) -> None:
    copies = pd.concat([register.head(1)] * 50)
    copies.index = pd.RangeIndex(50)
    # trained on itself: nothing distinguishes the records, whatever the model concludes
    result = nm.find_duplicates(copies)
    check_clusters(result, copies)
    # with a model trained elsewhere all 1,225 pairs are matches; the cluster guard bounds them
    result = nm.find_duplicates(copies, model=model)
    check_clusters(result, copies)
    assert len(result.matches) == 50 * 49 // 2
    assert result.clusters["cluster_size"].max() == MAX_CLUSTER_SIZE


def test_a_record_matching_two_twins_keeps_one_twins_own_records_together() -> None:
    """Record 0 (a bare "Budi") matches twin A's record 1 and twin B's record 2 equally well;
    record 3 is A again (another date).  Cutting the weakest links until the twins part also
    cut A's own link 1~3; rebuilding from the strongest keeps it: one twin's records stay one
    person, the other twin stays apart."""
    left = np.array([0, 0, 1, 0], dtype=np.int64)
    right = np.array([1, 2, 3, 3], dtype=np.int64)
    weights = np.array([30.0, 30.0, 25.0, 18.0])
    twins = {(1, 2), (2, 3)}

    def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        pairs = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
        return np.array([-40.0 if p in twins else 20.0 for p in pairs])

    labels = cluster_pairs(4, left, right, weights, scorer=direct).tolist()
    assert labels[0] == labels[1] == labels[3]
    assert labels[2] != labels[1]


def test_a_record_matching_two_twins_equally_joins_neither() -> None:
    """``Iwan Jwanda S.`` matches twin ``Iwan Juanda Sunandar`` and twin ``Iwan Juanda
    Saputra`` with the same weight: which twin it is cannot come from the order of two equal
    numbers, so it stays alone (for a person to decide); a clearly stronger match still wins."""
    left, right = np.array([0, 1], dtype=np.int64), np.array([2, 2], dtype=np.int64)

    def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return np.where((np.minimum(a, b) == 0) & (np.maximum(a, b) == 1), -40.0, 14.0)

    tie = cluster_pairs(3, left, right, np.array([14.07, 14.07]), scorer=direct).tolist()
    assert len(set(tie)) == 3
    clear = cluster_pairs(3, left, right, np.array([14.0, 22.0]), scorer=direct).tolist()
    assert clear[1] == clear[2] != clear[0]


def test_an_equal_match_to_two_people_is_flagged_ambiguous_and_a_clear_one_is_not() -> None:
    left, right = np.array([0, 1], dtype=np.int64), np.array([2, 2], dtype=np.int64)

    def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return np.where((np.minimum(a, b) == 0) & (np.maximum(a, b) == 1), -40.0, 14.0)

    tie = cluster_matches(3, left, right, np.array([14.07, 14.07]), scorer=direct)
    assert tie.ambiguous.tolist() == [True, True]
    clear = cluster_matches(3, left, right, np.array([14.0, 22.0]), scorer=direct)
    assert clear.ambiguous.tolist() == [False, False]
    # nobody held apart: equal weights are no ambiguity
    together = cluster_matches(
        3, left, right, np.array([14.0, 14.0]), scorer=lambda a, b: np.full(len(a), 9.0)
    )
    assert together.ambiguous.tolist() == [False, False]
    assert len(set(together.labels.tolist())) == 1


def test_a_field_missing_on_one_twin_does_not_decide_which_twin_a_record_is() -> None:
    """``PUTRI MULYANI N.`` (record 0) fits twin ``... NOVITASARI`` (1) and twin ``... NOVI`` (2)
    alike; the father's name, missing on record 1, adds 12 bits to 0~2 only.  Compared on the
    fields both matches have, the two are a tie: record 0 joins neither twin."""
    left, right = np.array([0, 0], dtype=np.int64), np.array([1, 2], dtype=np.int64)
    weights = np.array([22.3, 34.6])
    nan = np.nan
    # name, date, mother, father, KK
    parts = np.array([[7.6, 7.3, 13.1, nan, 12.8], [7.6, 7.3, 13.1, 12.3, 12.8]])

    def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return np.where((np.minimum(a, b) == 1) & (np.maximum(a, b) == 2), -17.9, 20.0)

    whole = cluster_matches(3, left, right, weights, scorer=direct)
    assert whole.ambiguous.tolist() == [False, False]
    assert whole.labels[0] == whole.labels[2]  # the stronger whole weight wins: the wrong twin
    shared = cluster_matches(3, left, right, weights, scorer=direct, parts=parts)
    assert shared.ambiguous.tolist() == [True, True]
    assert len(set(shared.labels.tolist())) == 3


def _groups_of(labels: npt.NDArray[np.int64]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def test_components_without_a_pair_held_apart_are_left_as_they_are() -> None:
    """Only components with a pair held apart (or too large) are rebuilt; the others keep
    their records together.  Same partition as rebuilding every component."""
    rng = np.random.default_rng(11)
    for _ in range(40):
        n = int(rng.integers(6, 40))
        m = int(rng.integers(3, 3 * n))
        left = rng.integers(0, n, m).astype(np.int64)
        right = rng.integers(0, n, m).astype(np.int64)
        keep = left != right
        left, right = np.minimum(left, right)[keep], np.maximum(left, right)[keep]
        pairs = np.unique(np.stack([left, right], axis=1), axis=0)
        left, right = pairs[:, 0].copy(), pairs[:, 1].copy()
        weights = rng.uniform(5, 40, len(left)).round(0)  # ties happen
        bad = {(int(a), int(b)) for a, b in zip(*np.triu_indices(n, 1), strict=True)
               if rng.random() < 0.05}

        def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64],
                   bad: set[tuple[int, int]] = bad) -> npt.NDArray[np.float64]:
            pairs = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
            return np.array([-30.0 if p in bad else 10.0 for p in pairs])

        found = cluster_matches(n, left, right, weights, scorer=direct, max_cluster_size=8)
        # reference: rebuild every component of 3+ records
        labels = cluster_module._components(n, left, right)
        reference = labels.copy()
        ambiguous = np.zeros(len(left), dtype=bool)
        for c in np.unique(labels):
            members = np.flatnonzero(labels == c)
            if len(members) < 3:
                continue
            in_comp = np.flatnonzero(labels[left] == c)
            iu, ju = np.triu_indices(len(members), 1)
            new, unsure, _ = cluster_module._split_component(
                members, left[in_comp], right[in_comp], weights[in_comp],
                direct(members[iu], members[ju]), -5.0, 8,
            )
            reference[members] = (c + 1) * 1000 + new
            ambiguous[in_comp] = unsure
        assert _groups_of(found.labels) == _groups_of(reference)
        assert found.ambiguous.tolist() == ambiguous.tolist()


def test_no_cluster_holds_two_records_the_model_holds_apart() -> None:
    """Whatever the weights, a split component never keeps a pair with a very negative direct
    weight inside one cluster, and keeps every match whose records can be together."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        k = int(rng.integers(3, 12))
        left, right = np.triu_indices(k, 1)
        keep = rng.random(len(left)) < 0.5
        left, right = left[keep].astype(np.int64), right[keep].astype(np.int64)
        if not len(left):
            continue
        bad = {(int(a), int(b)) for a, b in zip(*np.triu_indices(k, 1), strict=True)
               if rng.random() < 0.15}

        def direct(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64],
                   bad: set[tuple[int, int]] = bad) -> npt.NDArray[np.float64]:
            pairs = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
            return np.array([-30.0 if p in bad else 10.0 for p in pairs])

        labels = cluster_pairs(k, left, right, rng.uniform(5, 40, len(left)), scorer=direct)
        assert not any(labels[a] == labels[b] for a, b in bad)
        assert np.bincount(labels).max() <= MAX_CLUSTER_SIZE


def test_splitting_a_big_component_is_not_quadratic_in_edges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    original = cluster_module._components

    def counting(n: int, left: npt.NDArray[np.int64],
                 right: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        nonlocal calls
        calls += 1
        return original(n, left, right)

    monkeypatch.setattr(cluster_module, "_components", counting)
    k = 100
    left, right = np.triu_indices(k, 1)
    labels = cluster_pairs(k, left.astype(np.int64), right.astype(np.int64),
                           np.full(len(left), 30.0),
                           scorer=lambda a, b: np.full(len(a), 30.0))
    assert np.bincount(labels).max() <= MAX_CLUSTER_SIZE
    assert calls <= 10 * k, f"{calls} connected-component passes for {len(left)} edges"


# ---- birth date types ----------------------------------------------------------------------


def _with_dates(register: pd.DataFrame, values: Any) -> pd.DataFrame:
    frame = register.copy()
    frame["tanggal_lahir"] = values
    return frame


def date_variants(register: pd.DataFrame) -> dict[str, pd.DataFrame]:
    dates = register["tanggal_lahir"]
    as_days = dates.to_numpy().astype("datetime64[D]")
    return {
        "us": _with_dates(register, dates.dt.as_unit("us")),
        "ms": _with_dates(register, dates.dt.as_unit("ms")),
        "s": _with_dates(register, dates.dt.as_unit("s")),
        "D": _with_dates(register, pd.Series(as_days, index=register.index)),
        "numpy D objects": _with_dates(register, pd.Series(list(as_days), index=register.index,
                                                           dtype=object)),
        "date objects": _with_dates(register, dates.dt.date.astype(object)),
        "DD-MM-YYYY": _with_dates(register, dates.dt.strftime("%d-%m-%Y")),
        "YYYY-MM-DD": _with_dates(register, dates.dt.strftime("%Y-%m-%d")),
        "DD/MM/YYYY": _with_dates(register, dates.dt.strftime("%d/%m/%Y")),
        "YYYYMMDD": _with_dates(register, dates.dt.strftime("%Y%m%d")),
    }


def test_birth_date_types_give_the_same_days(register: pd.DataFrame) -> None:
    assert register["tanggal_lahir"].dtype == "datetime64[ns]"
    expected = prepare(register).dob
    assert (expected != MISSING_DAY).sum() > 0.9 * len(register)
    for name, frame in date_variants(register).items():
        np.testing.assert_array_equal(prepare(frame).dob, expected, err_msg=name)


def test_birth_date_types_give_the_same_pairs(register: pd.DataFrame, model: nm.Model,
                                              base: nm.DedupeResult) -> None:
    expected = base.pairs[PAIR_COLUMNS]
    for name, frame in date_variants(register).items():
        result = nm.find_duplicates(frame, model=model)
        pd.testing.assert_frame_equal(result.pairs[PAIR_COLUMNS], expected, obj=name)
    # training sees the same days too
    trained = nm.find_duplicates(date_variants(register)["DD-MM-YYYY"])
    pd.testing.assert_frame_equal(trained.pairs, base.pairs)
    pd.testing.assert_frame_equal(trained.clusters, base.clusters)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(np.array(["1990-01-01", "9999-12-31"], dtype="datetime64[s]")),
        pd.Series(["01-01-1990", "31-12-9999"]),
    ],
    ids=["datetime64[s]", "text"],
)
def test_far_future_placeholder_dates_are_unreadable(values: pd.Series) -> None:
    frame = pd.DataFrame({"nama": ["Budi Santoso", "Budi Santoso"], "tanggal_lahir": values})
    prepared = prepare(frame)
    assert prepared.dob[1] == MISSING_DAY, np.datetime64(int(prepared.dob[1]), "D")
    assert prepared.flags.iloc[1] == "tanggal_lahir_unreadable"


# ---- determinism ---------------------------------------------------------------------------


def test_same_input_twice_gives_identical_frames(register: pd.DataFrame,
                                                 base: nm.DedupeResult) -> None:
    again = nm.find_duplicates(register.copy())
    pd.testing.assert_frame_equal(again.pairs, base.pairs)
    pd.testing.assert_frame_equal(again.clusters, base.clusters)
    pd.testing.assert_frame_equal(again.blocking, base.blocking)
    assert again.model.to_json() == base.model.to_json()


def _matched(result: nm.DedupeResult) -> set[tuple[int, int]]:
    return {
        (min(a, b), max(a, b))
        for a, b in zip(result.matches["id_l"].tolist(), result.matches["id_r"].tolist(),
                        strict=True)
    }


def _partition(result: nm.DedupeResult) -> set[frozenset[int]]:
    groups = result.clusters.groupby("cluster_id").groups
    return {frozenset(int(i) for i in ids) for ids in groups.values()}


def _shuffled(register: pd.DataFrame, seed: int) -> pd.DataFrame:
    return register.iloc[np.random.default_rng(seed).permutation(len(register))]


@pytest.mark.parametrize("seed", [0, 1])
def test_row_order_does_not_change_scores_matches_or_clusters_of_a_model(
    register: pd.DataFrame, base: nm.DedupeResult, model: nm.Model, seed: int
) -> None:
    shuffled = _shuffled(register, seed)
    result = nm.find_duplicates(shuffled, model=model)
    check_clusters(result, shuffled)
    # sorted-neighbourhood ties follow row order, so a few candidates (and λ) may move a little
    assert result.info["lambda"] == pytest.approx(base.info["lambda"], rel=1e-3)
    assert len(_matched(base)) > 10
    assert _matched(result) == _matched(base)
    assert _partition(result) == _partition(base)
    survivors = set(result.clusters.index[result.clusters["survivor"]])
    assert survivors == set(base.clusters.index[base.clusters["survivor"]])
    by_pair = base.pairs.set_index(["id_l", "id_r"])["match_weight"]
    ordered = result.pairs.assign(
        a=np.minimum(result.pairs["id_l"], result.pairs["id_r"]),
        b=np.maximum(result.pairs["id_l"], result.pairs["id_r"]),
    ).set_index(["a", "b"])["match_weight"]
    common = by_pair.index.intersection(ordered.index)
    assert len(common) >= 0.99 * max(len(by_pair), len(ordered))
    np.testing.assert_allclose(ordered.loc[common], by_pair.loc[common], atol=1e-3)


@pytest.mark.parametrize("seed", [0, 1])
def test_row_order_does_not_change_matches_or_clusters(
    register: pd.DataFrame, base: nm.DedupeResult, seed: int
) -> None:
    shuffled = _shuffled(register, seed)
    result = nm.find_duplicates(shuffled)
    check_clusters(result, shuffled)
    assert _matched(result) == _matched(base)
    assert _partition(result) == _partition(base)


def test_the_input_frames_are_left_as_they_were(register: pd.DataFrame) -> None:
    """Preparing shares the caller's columns instead of copying them: nothing is written back,
    not even where unusable cells (a list, bytes) are masked or column headers are mapped."""
    frame = register.head(300).rename(columns={"nama": "NAMA_LENGKAP"}).astype(object)
    frame.at[frame.index[0], "NAMA_LENGKAP"] = ["not", "a", "name"]
    frame.at[frame.index[1], "alamat"] = b"\x00bytes"
    listed = frame.head(40).copy()
    before, listed_before = frame.copy(deep=True), listed.copy(deep=True)
    prepare(frame)
    nm.find_duplicates(frame)
    nm.link(listed, frame)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(listed, listed_before)


def test_a_match_kept_out_of_a_cluster_is_named_in_the_recommendation() -> None:
    from nikmatch.linker import KEPT_APART, _note_kept_apart

    rec = np.array(["Keep this NIK", "Verify in the field", "", ""], dtype=object)
    labels = np.array([0, 0, 1, 2], dtype=np.int64)
    matches = pd.DataFrame({"row_l": [0, 1], "row_r": [1, 2]})  # 1~2 crosses two clusters
    _note_kept_apart(rec, labels, matches)
    assert rec[0] == "Keep this NIK"
    assert rec[1] == f"Verify in the field; {KEPT_APART}"
    assert rec[2].lower() == KEPT_APART.lower()
    assert rec[3] == ""


# ---- a record matching two twins equally, end to end --------------------------------------


def _twins_and_an_equal_match() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Twins on one KK (one birth date, one mother, names one letter-pair apart) and a third
    record, elsewhere, whose ``M.`` fits both given names: it is one of them, not both."""
    base = {
        "tempat_lahir": "BANDAR LAMPUNG",
        "tanggal_lahir": pd.Timestamp("1988-01-09"),
        "jenis_kelamin": "LAKI-LAKI",
        "nama_ibu": "RISNA RAHAYU",
        "alamat": "JL. MAWAR",
        "rt": "001",
        "rw": "002",
        "kelurahan": "PANJANG SELATAN",
        "kecamatan": "PANJANG",
        "no_kk": "1871040702220001",
    }
    twins = pd.DataFrame(
        [
            {**base, "nik": "1871040901880001", "nama": "AAN SAEPULOH MAULANA"},
            {**base, "nik": "1871040901880002", "nama": "AAN SAEPULOH MULYANA"},
        ],
        index=[90001, 90002],
    )
    third = pd.DataFrame(
        [
            {
                **base,
                "nik": "1871110901880001",
                "no_kk": "1871112807190002",
                "nama": "AAN SAEPULOH M.",
                "alamat": "JL. SEJAHTERA NO. 63",
                "kelurahan": "PERUMNAS WAY KANDIS",
                "kecamatan": "TANJUNG SENANG",
            }
        ],
        index=[90003],
    )
    return twins, third


def test_a_record_matching_twins_equally_is_ambiguous_not_a_match() -> None:
    from nikmatch.linker import KEPT_APART
    from nikmatch.synth import small_population

    register, _ = small_population(seed=0)
    twins, third = _twins_and_an_equal_match()
    result = nm.find_duplicates(pd.concat([register, twins, third]))
    ours = result.pairs[result.pairs["id_r"].isin([90003]) | result.pairs["id_l"].isin([90003])]
    assert len(ours) == 2
    assert (ours["match_probability"] >= result.threshold).all()
    assert ours["ambiguous"].all()
    assert not result.matches["id_l"].isin([90003]).any()
    assert not result.matches["id_r"].isin([90003]).any()
    # the other ambiguous pairs of this register: twins (or one person) whose names sound alike
    from nikmatch.linker import _sound_alike

    others = result.ambiguous.drop(index=ours.index)
    assert set(ours.index) <= set(result.ambiguous.index)
    assert _sound_alike(result.model, others, result.prepared).all()
    assert "ambiguous pairs to review" in result.summary()
    from nikmatch.linker import AMBIGUOUS_NOTE

    explained = result.explain(90001, 90003)
    assert explained.notes == (AMBIGUOUS_NOTE,)
    assert AMBIGUOUS_NOTE in str(explained)
    assert explained.match_probability >= result.threshold  # the weights are as they were
    assert result.explain(*result.matches[["id_l", "id_r"]].iloc[0]).notes == ()
    clusters = result.clusters.loc[[90001, 90002, 90003], "cluster_id"]
    assert clusters.nunique() == 3
    assert KEPT_APART.lower() in result.clusters.at[90003, "recommendation"].lower()
    # everyone else: no pair flagged but names that sound alike
    assert int(result.pairs["ambiguous"].sum()) == 2 + len(others)


@pytest.mark.parametrize("one_to_one", [False, True])
def test_a_list_record_matching_twins_equally_gets_no_best_match(one_to_one: bool) -> None:
    from nikmatch.synth import small_population

    register, _ = small_population(seed=0)
    twins, third = _twins_and_an_equal_match()
    result = nm.link(third, pd.concat([register, twins]), one_to_one=one_to_one)
    row = result.clusters.loc[90003]
    assert row["n_matches"] == 0
    assert row["n_ambiguous"] == 2
    assert pd.isna(row["best_id"])
    assert sorted(result.ambiguous["id_r"].tolist()) == [90001, 90002]
    assert result.matches.empty



def test_a_match_siblings_can_look_like_says_so_and_an_abbreviation_does_not() -> None:
    """On one KK, ``ROBERT SITORUS`` / ``ROBERT PARLINDUNGAN SITORUS`` a year apart on the same
    day is one person with a word omitted and a mistyped year, or two brothers: where it is a
    match (here at a low threshold: the household stratum weighs it as likelier two brothers),
    both recommendations ask for the family card.  ``S. AMINAH`` / ``SITI AMINAH`` (an
    initial) is the abbreviation story: no such note."""
    from nikmatch.linker import POSSIBLE_SIBLINGS
    from nikmatch.synth import small_population

    register, _ = small_population(seed=0)
    family = {
        "tempat_lahir": "BANDAR LAMPUNG",
        "nama_ibu": "ESTER BR SIMAMORA",
        "alamat": "JL. MAWAR NO. 7",
        "rt": "002",
        "rw": "003",
        "kelurahan": "PANJANG SELATAN",
        "kecamatan": "PANJANG",
        "no_kk": "1871040702220009",
    }
    rows = pd.DataFrame(
        [
            {**family, "nik": "1871041112060001", "nama": "ROBERT SITORUS",
             "tanggal_lahir": pd.Timestamp("2006-12-11"), "jenis_kelamin": "LAKI-LAKI"},
            {**family, "nik": "1871041112050001", "nama": "ROBERT PARLINDUNGAN SITORUS",
             "tanggal_lahir": pd.Timestamp("2005-12-11"), "jenis_kelamin": "LAKI-LAKI"},
            {**family, "nik": "1871044303910001", "nama": "S. AMINAH", "nama_ibu": "FATIMAH",
             "tanggal_lahir": pd.Timestamp("1991-03-03"), "jenis_kelamin": "PEREMPUAN"},
            {**family, "nik": "1871044303910002", "nama": "SITI AMINAH", "nama_ibu": "FATIMAH",
             "tanggal_lahir": pd.Timestamp("1991-03-08"), "jenis_kelamin": "PEREMPUAN"},
        ],
        index=[91001, 91002, 91003, 91004],
    )
    result = nm.find_duplicates(pd.concat([register, rows]), threshold=0.2)
    clusters = result.clusters
    assert clusters.at[91001, "cluster_id"] == clusters.at[91002, "cluster_id"]
    assert clusters.at[91003, "cluster_id"] == clusters.at[91004, "cluster_id"]
    for record in (91001, 91002):
        assert POSSIBLE_SIBLINGS.lower() in str(clusters.at[record, "recommendation"]).lower()
    for record in (91003, 91004):
        assert POSSIBLE_SIBLINGS.lower() not in str(clusters.at[record, "recommendation"]).lower()
    noted = clusters["recommendation"].astype(str).str.lower().str.contains(
        POSSIBLE_SIBLINGS.lower(), regex=False
    )
    assert noted.loc[[91001, 91002]].all()
    assert not noted.loc[[91003, 91004]].any()


def test_a_record_matching_one_twin_more_strongly_joins_that_twin_only() -> None:
    """The third record is twin A written in full elsewhere: it joins A, and its weaker match
    to twin B (the same parents and date, a name one word apart) is kept apart: in the review
    list with its note, not among the matches, never in A's cluster with B."""
    from nikmatch.linker import KEPT_APART_NOTE
    from nikmatch.synth import small_population

    register, _ = small_population(seed=0)
    twins, third = _twins_and_an_equal_match()
    third = third.assign(nama="AAN SAEPULOH MAULANA")
    result = nm.find_duplicates(pd.concat([register, twins, third]))
    matched = pair_set_of(result.matches)
    assert (90001, 90003) in matched
    assert (90002, 90003) not in matched
    assert (90001, 90002) not in matched
    clusters = result.clusters["cluster_id"]
    assert clusters[90001] == clusters[90003] != clusters[90002]
    weaker = result.pairs[(result.pairs["id_l"] == 90002) & (result.pairs["id_r"] == 90003)]
    if len(weaker) and float(weaker["match_probability"].iloc[0]) >= result.threshold:
        assert bool(weaker["kept_apart"].iloc[0])
        assert bool(weaker["ambiguous"].iloc[0])
        assert KEPT_APART_NOTE in result.explain(90002, 90003).notes


def test_sound_alike_names_on_one_kk_need_the_card_unless_one_spelling_is_a_slip() -> None:
    """On one KK and one birth date, Nayla / Naila are two names people are given (twins, or
    one person: the family card decides); Dirgantara / Dirggantara is a keyboard slip into a
    word nobody else has: one person, a match."""
    from nikmatch.synth import small_population

    register, _ = small_population(seed=0)
    twins, _ = _twins_and_an_equal_match()
    base = twins.iloc[0].to_dict()
    extra = pd.DataFrame(
        [
            {**base, "nik": "1871040901880003", "nama": "NAYLA PUTRI", "jenis_kelamin": "P"},
            {**base, "nik": "1871040901880004", "nama": "NAILA PUTRI", "jenis_kelamin": "P"},
            {**base, "nik": "1871040901880005", "nama": "RAIHAN DIRGANTARA"},
            {**base, "nik": "1871040901880006", "nama": "RAIHAN DIRGGANTARA"},
        ],
        index=[90011, 90012, 90013, 90014],
    )
    # others called Dirgantara, Nayla and Naila elsewhere: those are names in use
    def other(i: int, name: str, year: int, sex: str) -> dict[str, object]:
        return {**base, "nik": f"18710409018800{10 + i}", "nama": name, "jenis_kelamin": sex,
                "no_kk": f"18710407022200{10 + i}", "tanggal_lahir": pd.Timestamp(f"{year}-03-02")}

    given = ["ADI", "BAYU", "CANDRA", "DIMAS", "EKO", "FAJAR"]
    names = pd.DataFrame(
        [other(i, f"{w} DIRGANTARA", 1970 + i, "L") for i, w in enumerate(given)]
        + [other(10 + i, f"{w} PUTRI", 1980 + i, "P") for i, w in enumerate(["NAYLA", "NAILA"] * 3)
           ],
        index=range(90100, 90112),
    )
    result = nm.find_duplicates(pd.concat([register, twins, extra, names]))
    pairs = result.pairs.set_index(["id_l", "id_r"])
    if (90011, 90012) in pairs.index and pairs.loc[(90011, 90012), "match_probability"] >= 0.99:
        assert bool(pairs.loc[(90011, 90012), "sound_alike"])
    assert (90013, 90014) in pair_set_of(result.matches)
    assert not bool(pairs.loc[(90013, 90014), "sound_alike"])


def pair_set_of(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["id_l"].tolist(), frame["id_r"].tolist(), strict=True))
