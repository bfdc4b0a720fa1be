"""Blocking: candidate pairs as int64 arrays, each pair once, size guard, diagnostics, sampling.

The hypothesis properties compare :func:`nikmatch.blocking.block_pairs` with a brute-force
reference on small random key tables: the union of the rules' pairs must be exactly the set of
record pairs that share a (complete) key in at least one rule.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nikmatch.blocking import (
    BlockingWarning,
    BlockOn,
    SortedNeighbourhood,
    affordable_rules,
    block_pairs,
    blocking_diagnostics,
    combined_key,
    iter_block_pairs,
    rule_from_dict,
    rule_pair_count,
    sample_block_pairs,
)
from nikmatch.linker import default_blocking_rules
from nikmatch.prepare import prepare, prepare_link
from nikmatch.synth import generate_population, generate_unrecorded_list

I64 = npt.NDArray[np.int64]
Keys = dict[str, I64]
DIAGNOSTIC_COLUMNS = [
    "rule",
    "pairs",
    "new_pairs",
    "largest_block",
    "largest_blocks",
    "skipped_records",
    "skipped_pairs",
]
BIG = 10**9  # a block-size guard that never triggers


def as_list(left: I64, right: I64) -> list[tuple[int, int]]:
    return list(zip(left.tolist(), right.tolist(), strict=True))


def shares_key(keys: Keys, fields: list[str] | tuple[str, ...], i: int, j: int) -> bool:
    return all(keys[f][i] >= 0 and keys[f][i] == keys[f][j] for f in fields)


def brute_dedupe(keys: Keys, n: int, rules: list[tuple[str, ...]]) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i in range(n)
        for j in range(i + 1, n)
        if any(shares_key(keys, fields, i, j) for fields in rules)
    }


def brute_link(
    keys: Keys, source: npt.NDArray[np.int8], rules: list[tuple[str, ...]]
) -> set[tuple[int, int]]:
    left = np.flatnonzero(source == 0).tolist()
    right = np.flatnonzero(source == 1).tolist()
    return {
        (i, j)
        for i in left
        for j in right
        if any(shares_key(keys, fields, i, j) for fields in rules)
    }


def brute_sorted_neighbourhood(rank: I64, window: int) -> list[tuple[int, int]]:
    valid = np.flatnonzero(rank >= 0)
    order = valid[np.argsort(rank[valid], kind="stable")].tolist()
    out = []
    for step in range(1, window + 1):
        for a, b in zip(order[:-step], order[step:], strict=True):
            out.append((min(a, b), max(a, b)))
    return out


@st.composite
def key_tables(draw: st.DrawFn, max_n: int = 24) -> tuple[int, Keys, list[tuple[str, ...]]]:
    """n records, 1-3 small integer key fields (-1 missing), and 1-3 BlockOn field sets."""
    n = draw(st.integers(0, max_n))
    n_fields = draw(st.integers(1, 3))
    keys = {
        f"f{k}": np.array(
            draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n)), dtype=np.int64
        )
        for k in range(n_fields)
    }
    field_sets = st.sets(st.sampled_from(sorted(keys)), min_size=1).map(lambda s: tuple(sorted(s)))
    rules = draw(st.lists(field_sets, min_size=1, max_size=3))
    return n, keys, rules


# ---- properties against a brute-force reference ---------------------------------------------


@given(key_tables(), st.integers(1, 6))
def test_union_of_rules_equals_brute_force_and_has_no_duplicates(
    table: tuple[int, Keys, list[tuple[str, ...]]], chunk: int
) -> None:
    n, keys, rules = table
    expected = brute_dedupe(keys, n, rules)
    block_rules = [BlockOn(*fields, max_block_size=BIG) for fields in rules]
    left, right = block_pairs(block_rules, dict(keys), n)
    assert left.dtype == np.int64
    assert right.dtype == np.int64
    got = as_list(left, right)
    assert len(got) == len(set(got)), "a pair was produced twice"
    assert set(got) == expected
    assert bool((left < right).all())
    # chunking changes nothing but the chunk boundaries
    chunked = [
        p
        for _, lft, rgt in iter_block_pairs(block_rules, dict(keys), n, chunk_pairs=chunk)
        for p in as_list(lft, rgt)
    ]
    assert Counter(chunked) == Counter(got)


@given(key_tables(), st.data())
def test_link_mode_pairs_only_list_with_register(
    table: tuple[int, Keys, list[tuple[str, ...]]], data: st.DataObject
) -> None:
    n, keys, rules = table
    source = np.array(
        data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int8
    )
    block_rules = [BlockOn(*fields, max_block_size=BIG) for fields in rules]
    left, right = block_pairs(block_rules, dict(keys), n, source=source)
    got = as_list(left, right)
    assert len(got) == len(set(got))
    assert set(got) == brute_link(keys, source, rules)
    assert bool((source[left] == 0).all())
    assert bool((source[right] == 1).all())


@given(key_tables(), st.integers(1, 4))
def test_sorted_neighbourhood_last_adds_exactly_the_new_neighbours(
    table: tuple[int, Keys, list[tuple[str, ...]]], window: int
) -> None:
    n, keys, rules = table
    rank = keys["f0"]
    keys = {**keys, "rank": rank}
    block_rules: list[BlockOn | SortedNeighbourhood] = [
        BlockOn(*fields, max_block_size=BIG) for fields in rules
    ]
    block_rules.append(SortedNeighbourhood("rank", window=window))
    left, right = block_pairs(block_rules, dict(keys), n)
    got = as_list(left, right)
    assert len(got) == len(set(got))
    assert set(got) == brute_dedupe(keys, n, rules) | set(brute_sorted_neighbourhood(rank, window))
    assert bool((left < right).all())


@given(key_tables())
def test_diagnostics_counts_agree_with_generated_pairs(
    table: tuple[int, Keys, list[tuple[str, ...]]],
) -> None:
    n, keys, rules = table
    block_rules = [BlockOn(*fields, max_block_size=BIG) for fields in rules]
    diag = blocking_diagnostics(block_rules, dict(keys), n)
    assert list(diag.columns) == DIAGNOSTIC_COLUMNS
    assert diag["rule"].tolist() == [r.name for r in block_rules]
    produced = Counter()
    for idx, lft, _ in iter_block_pairs(block_rules, dict(keys), n):
        produced[idx] += len(lft)
    for idx, fields in enumerate(rules):
        row = diag.iloc[idx]
        alone = brute_dedupe(keys, n, [fields])
        assert row["pairs"] == len(alone)
        assert row["new_pairs"] == produced[idx]
        key = combined_key(dict(keys), fields)
        sizes = np.bincount(key[key >= 0]) if (key >= 0).any() else np.zeros(0, np.int64)
        sizes = sizes[sizes >= 2]
        assert row["largest_block"] == (int(sizes.max()) if len(sizes) else 0)
        assert row["skipped_records"] == 0
        assert row["skipped_pairs"] == 0
    assert int(diag["new_pairs"].sum()) == len(brute_dedupe(keys, n, rules))


@given(key_tables(max_n=40), st.integers(1, 60), st.integers(1, 3), st.integers(0, 3))
def test_sample_block_pairs_never_returns_self_pairs(
    table: tuple[int, Keys, list[tuple[str, ...]]], n_pairs: int, per_block: int, seed: int
) -> None:
    _, keys, rules = table
    rule = BlockOn(*rules[0])
    left, right = sample_block_pairs(rule, dict(keys), n_pairs, seed=seed, per_block=per_block)
    assert left.dtype == np.int64
    assert len(left) == len(right) <= n_pairs
    assert bool((left != right).all())
    assert bool((left < right).all())
    for i, j in as_list(left, right):
        assert shares_key(keys, rule.fields, i, j)
    again = sample_block_pairs(rule, dict(keys), n_pairs, seed=seed, per_block=per_block)
    assert as_list(*again) == as_list(left, right)  # seeded: reproducible


@given(key_tables(max_n=40), st.data())
def test_sample_block_pairs_in_link_mode_pairs_list_with_register(
    table: tuple[int, Keys, list[tuple[str, ...]]], data: st.DataObject
) -> None:
    n, keys, rules = table
    source = np.array(
        data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int8
    )
    rule = BlockOn(*rules[0])
    left, right = sample_block_pairs(rule, dict(keys), 1_000, source=source, seed=1)
    assert bool((source[left] == 0).all())
    assert bool((source[right] == 1).all())
    assert all(shares_key(keys, rule.fields, i, j) for i, j in as_list(left, right))


# ---- examples ----------------------------------------------------------------------------


def test_sample_block_pairs_stratifies_blocks_without_self_pairs() -> None:
    keys = {"a": np.repeat(np.arange(50), [500] + [2] * 48 + [1])}
    left, right = sample_block_pairs(BlockOn("a"), keys, 10_000, per_block=3)
    assert bool((left != right).all())
    blocks = Counter(keys["a"][left].tolist())
    assert blocks[0] == 3  # the big block gives per_block pairs, not most of the sample
    assert set(blocks) == set(range(49))  # every block with a pair is represented
    few_l, _ = sample_block_pairs(BlockOn("a"), keys, 5, per_block=3)
    assert len(few_l) == 5


def test_size_guard_warns_and_skips_only_the_oversize_block() -> None:
    keys = {"a": np.array([1] * 5 + [2] * 2 + [3] * 3 + [-1] * 4, dtype=np.int64)}
    rule = BlockOn("a", max_block_size=3)
    with pytest.warns(BlockingWarning, match=r"5 records, 10 pairs"):
        left, right = block_pairs([rule], keys, n=14)
    assert set(as_list(left, right)) == {(5, 6), (7, 8), (7, 9), (8, 9)}
    diag = blocking_diagnostics([rule], keys, n=14)
    row = diag.iloc[0]
    assert (row["pairs"], row["new_pairs"], row["largest_block"]) == (4, 4, 3)
    assert (row["skipped_records"], row["skipped_pairs"]) == (5, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = block_pairs([rule], keys, n=14, warn=False)
    assert as_list(*quiet) == as_list(left, right)


def test_size_guard_does_not_hide_pairs_from_later_rules() -> None:
    # records 0-4 share 'a' (a block over the guard); records 0 and 1 also share 'b'
    keys = {
        "a": np.array([1, 1, 1, 1, 1, 2], dtype=np.int64),
        "b": np.array([7, 7, 8, 9, 10, 11], dtype=np.int64),
    }
    rules = [BlockOn("a", max_block_size=3), BlockOn("b")]
    with pytest.warns(BlockingWarning, match="other rules still see these records"):
        left, right = block_pairs(rules, keys, n=6)
    assert (0, 1) in set(as_list(left, right))


def test_sorted_neighbourhood_before_another_rule_produces_each_pair_once() -> None:
    keys = {"a": np.array([1, 1, 2, 2], dtype=np.int64), "s": np.arange(4, dtype=np.int64)}
    rules = [SortedNeighbourhood("s", window=1), BlockOn("a")]
    got = as_list(*block_pairs(rules, keys, n=4))
    assert len(got) == len(set(got)), f"duplicates in {got}"


def test_sorted_neighbourhood_skips_missing_keys_and_respects_window() -> None:
    rank = np.array([30, -1, 10, 20, 40, -1], dtype=np.int64)
    left, right = block_pairs([SortedNeighbourhood("r", window=2)], {"r": rank}, n=6)
    # order by rank: 2, 3, 0, 4
    assert set(as_list(left, right)) == {(2, 3), (0, 3), (0, 4), (0, 2), (3, 4)}
    diag = blocking_diagnostics([SortedNeighbourhood("r", window=2)], {"r": rank}, n=6)
    assert diag.iloc[0]["pairs"] == 5


def test_rules_round_trip_through_dicts() -> None:
    for rule in (BlockOn("nik"), BlockOn("nama_key", "tanggal_lahir", max_block_size=7),
                 SortedNeighbourhood("nama_key_dob", window=5)):
        assert rule_from_dict(rule.to_dict()) == rule
    with pytest.raises(ValueError, match="unknown blocking rule"):
        rule_from_dict({"type": "magic"})
    with pytest.raises(ValueError, match="at least one field"):
        BlockOn()


def test_unknown_key_field_is_a_clear_error() -> None:
    keys = {"a": np.array([1, 1], dtype=np.int64)}
    with pytest.raises(KeyError, match="not available"):
        block_pairs([BlockOn("a", "nope")], keys, n=2)


# ---- on prepared generated registers -------------------------------------------------------


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    frame, _ = generate_population(2_000, seed=4)
    return frame


def test_default_rules_on_a_register_give_unique_ordered_int64_pairs(
    register: pd.DataFrame,
) -> None:
    prepared = prepare(register)
    rules = default_blocking_rules(prepared)
    keys = prepared.keys()
    left, right = block_pairs(rules, keys, prepared.n)
    assert left.dtype == np.int64
    assert right.dtype == np.int64
    assert len(left) > 1_000
    assert bool((left < right).all())
    assert bool((left >= 0).all())
    assert bool((right < prepared.n).all())
    packed = left * prepared.n + right
    assert len(np.unique(packed)) == len(packed)

    diag = blocking_diagnostics(rules, keys, prepared.n)
    assert list(diag.columns) == DIAGNOSTIC_COLUMNS
    assert diag["rule"].tolist() == [r.name for r in rules]
    produced = Counter()
    for idx, lft, _ in iter_block_pairs(rules, keys, prepared.n, chunk_pairs=5_000):
        produced[idx] += len(lft)
    for idx, rule in enumerate(rules):
        row = diag.iloc[idx]
        if isinstance(rule, BlockOn):
            assert row["new_pairs"] == produced[idx], rule.name
            alone = block_pairs([rule], keys, prepared.n, warn=False)
            assert row["pairs"] == len(alone[0]), rule.name
        else:  # sorted neighbourhood: an upper bound (pairs of earlier rules are not counted)
            assert row["pairs"] >= produced[idx], rule.name
    assert sum(produced.values()) == len(left)


def test_default_rules_in_link_mode_pair_only_list_with_register(register: pd.DataFrame) -> None:
    _, truth = generate_population(2_000, seed=4)
    listed, _ = generate_unrecorded_list(register, truth, n=200, seed=4)
    prepared, n_list = prepare_link(listed, register)
    assert prepared.source is not None
    rules = default_blocking_rules(prepared)
    keys = prepared.keys()
    left, right = block_pairs(rules, keys, prepared.n, source=prepared.source)
    assert len(left) > n_list
    assert bool((left < n_list).all())
    assert bool((right >= n_list).all())
    assert bool((prepared.source[left] == 0).all())
    assert bool((prepared.source[right] == 1).all())
    packed = left * prepared.n + right
    assert len(np.unique(packed)) == len(packed)
    diag = blocking_diagnostics(rules, keys, prepared.n, source=prepared.source)
    produced = Counter()
    for idx, lft, _ in iter_block_pairs(rules, keys, prepared.n, source=prepared.source):
        produced[idx] += len(lft)
    for idx, rule in enumerate(rules):
        if isinstance(rule, BlockOn):
            assert diag.iloc[idx]["new_pairs"] == produced[idx], rule.name


def test_default_rules_pair_identifiers_one_slip_apart() -> None:
    """A typing slip late or early in the other identifier still makes a candidate pair."""
    from nikmatch.linker import default_blocking_rules
    from nikmatch.prepare import prepare

    df = pd.DataFrame(
        {
            "nama": ["Ani Lestari", "Budi Santoso", "Citra Dewi", "Dodi Pratama", "Eka Putri"],
            "tanggal_lahir": ["1990-01-01", "1971-05-05", "1985-09-09", "1960-03-03",
                              "2001-12-12"],
            "no_identitas": ["1234567", "1234576", "9234567", "5550001", "7770002"],
        }
    )
    prepared = prepare(df)
    rules = default_blocking_rules(prepared)
    assert any("no_identitas_reversed" in r.name for r in rules)
    left, right = block_pairs(rules, prepared.keys(), prepared.n)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert {(0, 1), (0, 2)} <= pairs


def test_default_rules_pair_a_changed_name_through_the_fathers_name() -> None:
    """A name changed beyond its key, no mother's name: the father's name and the birth date
    still make the candidate pair (only when the register has ``nama_ayah``)."""
    from nikmatch.linker import default_blocking_rules
    from nikmatch.prepare import prepare

    df = pd.DataFrame(
        {
            "nama": ["Wahyu Hidayat", "Yayuk Hidayati", "Rina Marlina"],
            "tanggal_lahir": ["1990-04-12", "1990-04-12", "1990-04-12"],
            "nama_ayah": ["Slamet Riyadi", "SLAMET RIADI", "Bambang"],
        }
    )
    prepared = prepare(df)
    rules = default_blocking_rules(prepared)
    father = [r for r in rules if r.name == "nama_ayah_key & tanggal_lahir"]
    assert len(father) == 1
    left, right = block_pairs(father, prepared.keys(), prepared.n)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1)}
    without = default_blocking_rules(prepare(df.drop(columns=["nama_ayah"])))
    assert not any("nama_ayah" in r.name for r in without)


def test_default_rules_pair_a_mistyped_date_and_name_through_both_parents() -> None:
    """A name slip and a mistyped birth date at once: both parents' names and the first letter
    still make the pair; a sibling with another initial is not paired, and without the
    father's name the rule is not used."""
    df = pd.DataFrame(
        {
            "nama": ["Sri Kurniasih", "Sri Kurniaih", "Budi Santoso"],
            "tanggal_lahir": ["1973-05-22", "1970-05-22", "1975-01-02"],
            "nama_ibu": ["Endang Susanti", "Endang Susanti", "Endang Susanti"],
            "nama_ayah": ["Soedarsono", "Sudarsono", "Sudarsono"],
        }
    )
    prepared = prepare(df)
    parents = [
        r
        for r in default_blocking_rules(prepared)
        if r.name == "nama_ibu_key & nama_ayah_key & initial"
    ]
    assert len(parents) == 1
    left, right = block_pairs(parents, prepared.keys(), prepared.n)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1)}
    without = default_blocking_rules(prepare(df.drop(columns=["nama_ayah"])))
    assert not any("nama_ayah" in r.name for r in without)


def test_birth_date_and_kecamatan_only_without_a_mothers_name() -> None:
    from nikmatch.linker import default_blocking_rules
    from nikmatch.prepare import prepare

    df = pd.DataFrame(
        {
            "nama": ["Wahyu Hidayat", "Yayuk Hidayati"],
            "tanggal_lahir": ["1990-04-12", "1990-04-12"],
            "kecamatan": ["Kedaton", "Kedaton"],
            "nama_ibu": ["Siti", "Siti"],
        }
    )
    with_mother = [r.name for r in default_blocking_rules(prepare(df))]
    without = default_blocking_rules(prepare(df.drop(columns=["nama_ibu"])))
    assert "tanggal_lahir & kecamatan" not in with_mother
    rule = [r for r in without if r.name == "tanggal_lahir & kecamatan"]
    assert len(rule) == 1
    prepared = prepare(df.drop(columns=["nama_ibu"]))
    left, right = block_pairs(rule, prepared.keys(), prepared.n)
    assert (left.tolist(), right.tolist()) == ([0], [1])


# ---- coarse rules where they are cheap -------------------------------------------------------


@given(key_tables(), st.booleans())
def test_rule_pair_count_equals_the_pairs_generated(
    table: tuple[int, Keys, list[tuple[str, ...]]], link: bool
) -> None:
    n, keys, rules = table
    source = (np.arange(n) % 3 == 0).astype(np.int8) if link else None
    for fields in rules:
        pairs, largest = rule_pair_count(fields, keys, source=source)
        left, _ = block_pairs([BlockOn(*fields, max_block_size=BIG)], keys, n, source=source)
        assert pairs == len(left)
        key = combined_key(keys, fields)
        valid = key >= 0
        if source is not None:  # only blocks holding a list record can make pairs
            listed = set(key[valid & (source == 0)].tolist())
            valid &= np.isin(key, list(listed))
        sides = [key[valid]] if source is None else [key[valid & (source == s)] for s in (0, 1)]
        sizes = [c for side in sides for c in Counter(side.tolist()).values()]
        assert largest == max(sizes, default=0)


@given(key_tables(), st.integers(0, 40))
def test_affordable_rules_stay_within_the_budget_in_order(
    table: tuple[int, Keys, list[tuple[str, ...]]], budget: int
) -> None:
    _, keys, rules = table
    candidates = [BlockOn(*fields, max_block_size=4) for fields in dict.fromkeys(rules)]
    chosen = affordable_rules(candidates, keys, budget=budget)
    counts = [rule_pair_count(r.fields, keys) for r in chosen]
    assert sum(p for p, _ in counts) <= budget
    assert all(p > 0 and largest <= 4 for p, largest in counts)
    assert [candidates.index(r) for r in chosen] == sorted(candidates.index(r) for r in chosen)


def test_coarse_rules_join_on_small_data_and_not_on_a_city_register() -> None:
    coarse = {"tanggal_lahir", "kelurahan", "last_key", "given_key"}
    small, _ = generate_population(600, seed=2)
    names = {r.name for r in default_blocking_rules(prepare(small))}
    assert names & coarse, "a small register can afford coarse rules"
    city, _ = generate_population(20_000, seed=2)
    prepared = prepare(city)
    names = {r.name for r in default_blocking_rules(prepared)}
    assert not names & {"kelurahan", "last_key", "given_key"}
    fallback = [r for r in default_blocking_rules(prepared) if r.name in coarse]
    added = sum(rule_pair_count(r.fields, prepared.keys())[0] for r in fallback)
    assert added <= 20 * prepared.n


@given(
    st.integers(1, 30).flatmap(
        lambda n: st.lists(
            st.lists(
                st.one_of(
                    st.just(-1),
                    st.integers(0, 3),
                    st.integers(2**31, 2**31 + 3),
                    st.integers(2**61, 2**61 + 3),
                ),
                min_size=n,
                max_size=n,
            ),
            min_size=2,
            max_size=5,
        )
    )
)
def test_combined_key_codes_combinations_in_order_of_first_appearance(
    columns: list[list[int]],
) -> None:
    """One code per combination of the fields' values (-1 where any is missing), numbered in
    the order each combination first appears, however large the field values are."""
    keys = {f"f{i}": np.array(col, dtype=np.int64) for i, col in enumerate(columns)}
    got = combined_key(keys, sorted(keys))
    combos = list(zip(*columns, strict=True))
    seen: dict[tuple[int, ...], int] = {}
    expected = []
    for combo in combos:
        if min(combo) < 0:
            expected.append(-1)
        else:
            expected.append(seen.setdefault(combo, len(seen)))
    assert got.tolist() == expected


def test_each_default_rule_is_used_exactly_when_its_columns_are_there() -> None:
    """The mother's rules do not depend on the father's name, and the rules that need the
    father's name (name key + birthday, both parents + year / birthday) are not used without
    it; a reordered name with a mistyped year is paired through both parents' names."""
    from nikmatch.linker import default_blocking_rules
    from nikmatch.prepare import prepare

    df = pd.DataFrame(
        {
            "nama": ["Hasan Muhidin", "Muhidin Hasan", "Rina Marlina"],
            "tanggal_lahir": ["2003-09-02", "2023-09-02", "2001-01-05"],
            "nama_ibu": ["Rahma Halimah", "Rahma Halimah", "Rahma Halimah"],
            "nama_ayah": ["Firdaus Hakim", "Firdaus Hakim", "Firdaus Hakim"],
            "alamat": ["GG. DAMAI NO. 84"] * 3,
            "kelurahan": ["SUKAMAJU"] * 3,
        }
    )
    mother_rules = {"nama_key & nama_ibu_key", "nama_ibu_key & tanggal_lahir",
                    "nama_ibu_key & birth_year & initial"}
    father_rules = {"nama_key & birth_day", "nama_ibu_key & nama_ayah_key & birth_year",
                    "nama_ibu_key & nama_ayah_key & birth_day"}
    home_rules = {"alamat & kelurahan & birth_year", "alamat & kelurahan & birth_day"}
    prepared = prepare(df)
    with_father = {r.name for r in default_blocking_rules(prepared)}
    assert mother_rules | father_rules | home_rules <= with_father
    without = {r.name for r in default_blocking_rules(prepare(df.drop(columns=["nama_ayah"])))}
    assert mother_rules | home_rules <= without
    assert not father_rules & without
    parents = [r for r in default_blocking_rules(prepared)
               if r.name == "nama_ibu_key & nama_ayah_key & birth_day"]
    left, right = block_pairs(parents, prepared.keys(), prepared.n)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1)}


@given(key_tables())
def test_a_linked_key_groups_list_and_register_records_as_the_full_key_does(
    table: tuple[int, Keys, list[tuple[str, ...]]],
) -> None:
    """Linkage combines the fields only for records a list record can pair with: every
    list-register pair agrees on that key exactly when it agrees on the key of all records."""
    n, keys, rules = table
    source = (np.arange(n) % 3 != 0).astype(np.int8)  # records 0, 3, 6, ... form the list
    for fields in rules:
        full = combined_key(dict(keys), fields)
        linked = combined_key(dict(keys), fields, source=source)
        lst, reg = np.flatnonzero(source == 0), np.flatnonzero(source == 1)
        same_full = (full[lst][:, None] >= 0) & (full[lst][:, None] == full[reg][None, :])
        same_linked = (linked[lst][:, None] >= 0) & (linked[lst][:, None] == linked[reg][None, :])
        assert np.array_equal(same_full, same_linked)
        # and a record no list record can pair with has no key
        can_pair = np.zeros(n, bool)
        can_pair[lst] = full[lst] >= 0
        can_pair[reg] = same_full.any(axis=0)
        if len(fields) > 1:
            assert np.array_equal(linked >= 0, can_pair)


def test_a_linked_key_takes_raw_numbers_as_keys() -> None:
    """Keys a caller built from raw numbers (a NIK as an integer) are coded before they are
    combined, so the combination cannot overflow."""
    big = 1871011203150007
    keys = {"a": np.array([1, 1, 1, 2]), "b": np.array([big, 5, big, big])}
    source = np.array([0, 1, 1, 1], dtype=np.int8)
    assert combined_key(keys, ["a", "b"], source=source).tolist() == [0, -1, 0, -1]
    assert combined_key(keys, ["b", "a"], source=source).tolist() == [0, -1, 0, -1]


def test_given_pairs_after_word_rules_are_not_produced_twice() -> None:
    from nikmatch.blocking import GivenPairs, WordBlock

    keys = {"nama_word_start": np.array([0, 2, 4, 5]), "nama_words": np.array([7, 8, 7, 9, 7])}
    given = GivenPairs(np.array([0, 1]), np.array([1, 2]))
    rules = [WordBlock("nama", (), pairs_per_record=5), given]
    left, right = block_pairs(rules, keys, n=3)
    pairs = sorted(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == sorted(set(pairs))
    assert (1, 2) in pairs
