"""End to end: find_duplicates and link on generated registers, against their ground truth.

The accuracy numbers are *regression floors*, a little under what the matcher measured when
they were set (the measured values are printed in every assertion message):

=========================================  =========  ======  ==============================
job                                        precision  recall  measured (precision / recall)
=========================================  =========  ======  ==============================
find_duplicates, 5,000 records, seed 1     0.98       0.85    1.000 / 0.890
find_duplicates, 5,000 records, seed 2     0.98       0.85    1.000 / 0.881
link, 800 listed vs 5,000, seed 1          0.98       0.93    1.000 / 0.962
  of which links to the resident's *other*
  NIK (the point of the job)               --         0.55    0.626 (0.912 with a dedupe model)
=========================================  =========  ======  ==============================

On 5,000 records a seed has ~109 true pairs, so one pair is ~0.9% of recall: seeds 0-11 ranged
from 0.826 to 0.973 (three below 0.85), which is why the floors are checked on fixed seeds.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import nikmatch as nm
from nikmatch.evaluate import hard_negative_merges, pairwise_metrics
from nikmatch.synth import (
    generate_population,
    generate_unrecorded_list,
    hard_negative_pairs,
    true_links,
    true_pairs,
)

SIXTEEN_DIGITS = re.compile(r"\d{16}")
SEEDS = (1, 2)


def pair_set(frame: pd.DataFrame) -> set[tuple[object, object]]:
    return set(zip(frame["id_l"].tolist(), frame["id_r"].tolist(), strict=True))


@pytest.fixture(scope="module")
def populations() -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    return {seed: generate_population(5_000, seed=seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def dedupe(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
) -> dict[int, nm.DedupeResult]:
    return {seed: nm.find_duplicates(register) for seed, (register, _) in populations.items()}


@pytest.fixture(scope="module")
def linked(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
) -> tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame]:
    register, truth = populations[1]
    listed, list_truth = generate_unrecorded_list(register, truth, n=800, seed=1)
    result = nm.link(listed, register)
    return result, listed, list_truth


def other_nik_links(list_truth: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """True links from a listed resident to register records *other* than their own NIK's."""
    links = true_links(list_truth, truth)
    own = list_truth["own_record_id"].reindex(links["id_l"]).to_numpy()
    out: pd.DataFrame = links[links["id_r"].to_numpy() != own].reset_index(drop=True)
    return out


# ---- deduplication accuracy ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_find_duplicates_accuracy_floors(
    seed: int,
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    _, truth = populations[seed]
    result = dedupe[seed]
    metrics = pairwise_metrics(result.matches, true_pairs(truth))
    hard = hard_negative_merges(result.matches, hard_negative_pairs(truth))
    measured = (
        f"seed {seed}: precision {metrics.precision:.4f}, recall {metrics.recall:.4f} "
        f"(tp {metrics.tp}, fp {metrics.fp}, fn {metrics.fn}); hard negatives merged {hard}"
    )
    print(measured)
    assert metrics.precision >= 0.98, measured
    # 5,000 generated records with the stories of issue 16 (one KK twice, a family
    # re-registered, two or three differences at once): 0.80 and 0.87 measured on seeds 1, 2
    assert metrics.recall >= 0.78, measured
    assert hard.get("twins", 0) == 0, measured
    assert result.threshold == nm.DEFAULT_THRESHOLD
    assert (result.matches["match_probability"] >= nm.DEFAULT_THRESHOLD).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_result_shapes(seed: int, populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
                       dedupe: dict[int, nm.DedupeResult]) -> None:
    register, _ = populations[seed]
    result = dedupe[seed]
    pairs = result.pairs
    assert {"id_l", "id_r", "match_weight", "match_probability", "blocking_rule"} <= set(pairs)
    assert all(f"gamma_{name}" in pairs for name in result.model.names)
    assert (pairs["row_l"] < pairs["row_r"]).all()
    assert not pairs.duplicated(["id_l", "id_r"]).any()
    assert pairs["match_weight"].is_monotonic_decreasing
    np.testing.assert_allclose(
        pairs["match_probability"], 1 / (1 + np.exp2(-pairs["match_weight"])), rtol=1e-12
    )
    assert result.clusters.index.equals(register.index)
    matched_records = set(result.matches["id_l"]) | set(result.matches["id_r"])
    in_clusters = set(result.clusters.index[result.clusters["cluster_size"] > 1])
    assert in_clusters <= matched_records
    # one survivor per cluster of two or more
    multi = result.clusters[result.clusters["cluster_size"] > 1]
    assert (multi.groupby("cluster_id")["survivor"].sum() == 1).all()
    assert len(SIXTEEN_DIGITS.findall(" ".join(result.clusters["recommendation"]))) == 0


# ---- linkage accuracy ------------------------------------------------------------------------


def test_link_accuracy_floors(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    linked: tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame],
) -> None:
    _, truth = populations[1]
    result, listed, list_truth = linked
    metrics = pairwise_metrics(result.matches, true_links(list_truth, truth), link=True)
    other = other_nik_links(list_truth, truth)
    found_other = len(pair_set(result.matches) & pair_set(other))
    other_recall = found_other / len(other)
    measured = (
        f"link: precision {metrics.precision:.4f}, recall {metrics.recall:.4f} "
        f"(tp {metrics.tp}, fp {metrics.fp}, fn {metrics.fn}); links to another NIK found "
        f"{found_other}/{len(other)} = {other_recall:.4f}"
    )
    print(measured)
    assert metrics.precision >= 0.98, measured
    assert metrics.recall >= 0.93, measured
    assert other_recall >= 0.55, measured
    # shape: id_l from the list, id_r from the register; one cluster row per listed resident
    n_list = len(listed)
    assert (result.pairs["row_l"] < n_list).all()
    assert (result.pairs["row_r"] >= n_list).all()
    assert result.clusters.index.equals(listed.index)
    assert (result.clusters["n_matches"] == result.matches.groupby("id_l").size()
            .reindex(listed.index, fill_value=0)).all()


def test_link_finds_the_other_nik_whenever_find_duplicates_does(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
    linked: tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame],
) -> None:
    _, truth = populations[1]
    result, _, list_truth = linked
    # listed rows not retyped are copies of their own register record
    clean = list_truth[list_truth["corruptions"] == ""]
    other = other_nik_links(clean, truth)
    own = clean["own_record_id"].reindex(other["id_l"]).to_numpy()
    dedupe_pairs = {tuple(sorted(p)) for p in pair_set(dedupe[1].matches)}
    expected = {
        (int(lst), int(reg))
        for lst, reg, o in zip(other["id_l"], other["id_r"], own, strict=True)
        if tuple(sorted((int(o), int(reg)))) in dedupe_pairs
    }
    missing = expected - pair_set(result.matches)
    assert len(expected) > 30
    # the link trains its own model and prior: a pair near the threshold may fall either side
    # (one in twenty at most)
    assert len(missing) <= len(expected) // 20, (
        f"{len(missing)} of {len(expected)} links lost, e.g. {sorted(missing)[:5]}"
    )


def test_link_with_a_model_trained_by_find_duplicates_finds_other_niks(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
    linked: tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame],
) -> None:
    register, truth = populations[1]
    _, listed, list_truth = linked
    result = nm.link(listed, register, model=dedupe[1].model)
    metrics = pairwise_metrics(result.matches, true_links(list_truth, truth), link=True)
    other = other_nik_links(list_truth, truth)
    other_recall = len(pair_set(result.matches) & pair_set(other)) / len(other)
    measured = (f"link with the dedupe model: precision {metrics.precision:.4f}, recall "
                f"{metrics.recall:.4f}, other-NIK recall {other_recall:.4f}")
    print(measured)
    assert metrics.precision >= 0.98, measured
    assert metrics.recall >= 0.97, measured
    assert other_recall >= 0.85, measured


def test_link_one_to_one_uses_each_record_once(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    linked: tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame],
) -> None:
    register, _ = populations[1]
    _, listed, _ = linked
    result = nm.link(listed.head(200), register, one_to_one=True)
    matches = result.matches
    assert matches["row_l"].is_unique
    assert matches["row_r"].is_unique
    assert (result.clusters["n_matches"] <= 1).all()


# ---- explanations ----------------------------------------------------------------------------


def _explained_pairs(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    matches = pairs[pairs["match_probability"] >= threshold].head(60)
    others = pairs[pairs["match_probability"] < threshold]
    others = others.iloc[np.linspace(0, len(others) - 1, min(len(others), 40)).astype(int)]
    out: pd.DataFrame = pd.concat([matches, others])
    return out


@pytest.mark.parametrize("job", ["dedupe", "link"])
def test_explanations_add_up_and_mask_identifiers(
    job: str,
    dedupe: dict[int, nm.DedupeResult],
    linked: tuple[nm.LinkResult, pd.DataFrame, pd.DataFrame],
) -> None:
    result: nm.DedupeResult | nm.LinkResult = dedupe[1] if job == "dedupe" else linked[0]
    sample = _explained_pairs(result.pairs, result.threshold)
    assert len(sample) > 50
    for row in sample.itertuples(index=False):
        explanation = result.explain(row.id_l, row.id_r)
        assert isinstance(explanation, nm.Explanation)
        table = explanation.table
        assert table["comparison"].tolist() == result.model.names
        total = explanation.prior + float(table["contribution"].sum())
        assert abs(total - row.match_weight) < 1e-6, (row.id_l, row.id_r)
        assert abs(explanation.match_weight - row.match_weight) < 1e-6
        np.testing.assert_allclose(
            table["contribution"], table["weight"] + table["tf_adjustment"], atol=1e-12
        )
        text = str(explanation)
        assert len(SIXTEEN_DIGITS.findall(text)) == 0, nm.mask_text(text)


def test_explain_any_two_records_and_both_orders(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    register, _ = populations[1]
    result = dedupe[1]
    candidates = pair_set(result.pairs)
    ids = register.index.to_numpy()
    rng = np.random.default_rng(0)
    checked = 0
    while checked < 20:
        a, b = (int(x) for x in rng.choice(ids, size=2, replace=False))
        if (a, b) in candidates or (b, a) in candidates:
            continue
        forward, backward = result.explain(a, b), result.explain(b, a)
        assert forward.match_weight == pytest.approx(backward.match_weight, abs=1e-9)
        left, right = np.flatnonzero(ids == a), np.flatnonzero(ids == b)
        direct = result.score_positions(left.astype(np.int64), right.astype(np.int64))[0]
        assert forward.match_weight == pytest.approx(direct, abs=1e-6)
        assert len(SIXTEEN_DIGITS.findall(str(forward))) == 0, nm.mask_text(str(forward))
        checked += 1
    with pytest.raises(KeyError, match="cannot find exactly one record"):
        result.explain(-1, -2)


def test_explanation_masks_nik_index_labels(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    register, _ = populations[1]
    by_nik = register.set_index("nik", drop=False)
    result = nm.find_duplicates(by_nik, model=dedupe[1].model)
    first = result.matches.iloc[0]
    text = str(result.explain(first["id_l"], first["id_r"]))
    assert len(SIXTEEN_DIGITS.findall(text)) == 0, nm.mask_text(text)


# ---- model reuse -----------------------------------------------------------------------------


def test_a_trained_model_reproduces_its_own_run(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    register, _ = populations[1]
    first = dedupe[1]
    again = nm.find_duplicates(register, model=first.model)
    pd.testing.assert_frame_equal(again.pairs, first.pairs)
    pd.testing.assert_frame_equal(again.clusters, first.clusters)
    from_json = nm.find_duplicates(register, model=nm.Model.from_json(first.model.to_json()))
    pd.testing.assert_frame_equal(from_json.pairs, first.pairs)


def test_a_model_transfers_to_another_register(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    register, truth = populations[2]
    result = nm.find_duplicates(register, model=dedupe[1].model)
    metrics = pairwise_metrics(result.matches, true_pairs(truth))
    hard = hard_negative_merges(result.matches, hard_negative_pairs(truth))
    measured = (f"seed-1 model on seed 2: precision {metrics.precision:.4f}, "
                f"recall {metrics.recall:.4f}; hard negatives {hard}")
    print(measured)
    assert metrics.precision >= 0.98, measured
    # 5,000 generated records with the stories of issue 16 (one KK twice, a family
    # re-registered, two or three differences at once): 0.80 and 0.87 measured on seeds 1, 2
    assert metrics.recall >= 0.78, measured
    assert hard.get("twins", 0) == 0, measured
    # only λ was re-estimated: m and u are the given model's
    for a, b in zip(result.model.m + result.model.u, dedupe[1].model.m + dedupe[1].model.u,
                    strict=True):
        np.testing.assert_array_equal(a, b)


def test_fixed_lambda_is_used_as_given(
    populations: dict[int, tuple[pd.DataFrame, pd.DataFrame]],
    dedupe: dict[int, nm.DedupeResult],
) -> None:
    register, _ = populations[1]
    result = nm.find_duplicates(register, model=dedupe[1].model, lambda_=1e-5)
    assert result.model.lambda_ == 1e-5
    assert result.info["lambda"] == 1e-5
    assert result.model.info["lambda_estimated"] is False


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.5, 2.0])
def test_threshold_must_be_a_probability(threshold: float) -> None:
    frame = pd.DataFrame({"nama": ["Budi Santoso"], "tanggal_lahir": ["1990-01-01"]})
    with pytest.raises(ValueError, match="threshold"):
        nm.find_duplicates(frame, threshold=threshold)
    with pytest.raises(ValueError, match="threshold"):
        nm.link(frame, frame, threshold=threshold)


def test_linked_lists_reuse_the_registers_common_name_words() -> None:
    """Words in common use are a register statistic: counted once in ``prepare`` and handed
    to every list linked to that register (not counted again over register + list)."""
    from nikmatch.prepare import common_name_words, link_prepared, prepare

    names = ["Siti Aminah"] * 6 + ["Dewi Lestari"] * 6
    register = prepare(pd.DataFrame({"nama": names, "tanggal_lahir": ["1990-01-01"] * 12}))
    listed = prepare(pd.DataFrame({"nama": ["Dewi Aminah"], "tanggal_lahir": ["1991-01-01"]}))
    joined, _ = link_prepared(listed, register)
    assert common_name_words(joined) is common_name_words(register)
    assert common_name_words(register) == frozenset({"siti", "aminah", "dewi", "lestari"})
