"""Candidate pairs from elsewhere, comparison features for other toolkits, labelled updates.

The recordlinkage round trip is in ``test_interop_recordlinkage.py``: recordlinkage pins
pandas < 3, so it runs in the pandas-2 environment of ``scripts/test.sh``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nikmatch as nm
from nikmatch.synth import generate_population, generate_unrecorded_list, true_pairs


@pytest.fixture(scope="module")
def register() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_population(3000, seed=12)


@pytest.fixture(scope="module")
def base(register: tuple[pd.DataFrame, pd.DataFrame]) -> nm.DedupeResult:
    return nm.find_duplicates(register[0])


def test_candidate_pairs_score_exactly_the_given_pairs(
    register: tuple[pd.DataFrame, pd.DataFrame], base: nm.DedupeResult
) -> None:
    df = register[0]
    given = pd.MultiIndex.from_arrays([base.pairs["id_l"], base.pairs["id_r"]])
    result = nm.find_duplicates(df, candidate_pairs=given, model=base.model)
    assert result.info["candidate_pairs"] == len(given)
    assert set(zip(result.matches["id_l"], result.matches["id_r"], strict=True)) == set(
        zip(base.matches["id_l"], base.matches["id_r"], strict=True)
    )
    assert result.clusters.index.equals(df.index)


def test_candidate_pairs_as_frame_and_bad_labels(
    register: tuple[pd.DataFrame, pd.DataFrame], base: nm.DedupeResult
) -> None:
    df = register[0]
    frame = base.pairs[["id_l", "id_r"]].head(10)
    result = nm.find_duplicates(df, candidate_pairs=frame, model=base.model)
    assert result.info["candidate_pairs"] == 10
    with pytest.raises(KeyError, match="not in the input"):
        nm.find_duplicates(
            df, candidate_pairs=pd.MultiIndex.from_tuples([(-5, -6)]), model=base.model
        )
    with pytest.raises(ValueError, match="MultiIndex"):
        nm.find_duplicates(df, candidate_pairs=pd.DataFrame({"a": [1]}), model=base.model)


def test_link_accepts_candidate_pairs_and_a_prepared_register(
    register: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    df, truth = register
    listed, _ = generate_unrecorded_list(df, truth, n=200, seed=3)
    plain = nm.link(listed, df)
    prepared = nm.prepare(df)
    again = nm.link(listed, prepared, model=plain.model)
    assert set(zip(again.matches["id_l"], again.matches["id_r"], strict=True)) == set(
        zip(plain.matches["id_l"], plain.matches["id_r"], strict=True)
    )
    given = pd.MultiIndex.from_arrays([plain.pairs["id_l"], plain.pairs["id_r"]])
    scored = nm.link(listed, df, candidate_pairs=given, model=plain.model)
    assert scored.info["candidate_pairs"] == len(given)
    assert scored.clusters.index.equals(listed.index)


def test_comparison_features_levels_weights_and_binary(
    register: tuple[pd.DataFrame, pd.DataFrame], base: nm.DedupeResult
) -> None:
    df = register[0]
    top = base.matches.head(20)
    pairs = pd.MultiIndex.from_arrays([top["id_l"], top["id_r"]])
    levels = nm.comparison_features(df, pairs)
    assert levels.index.equals(pairs)
    assert list(levels.columns) == base.model.names
    gamma = top[[f"gamma_{name}" for name in base.model.names]].to_numpy()
    np.testing.assert_array_equal(levels.to_numpy(), gamma)
    weights = nm.comparison_features(df, pairs, model=base.model)
    total = weights.sum(axis=1).to_numpy() + base.model.prior_weight
    np.testing.assert_allclose(total, top["match_weight"].to_numpy(), atol=1e-6)
    binary = nm.comparison_features(df, pairs, binary=True)
    assert set(np.unique(binary.to_numpy())) <= {0, 1}


def test_update_from_labels_moves_m_towards_the_verdicts(
    register: tuple[pd.DataFrame, pd.DataFrame], base: nm.DedupeResult
) -> None:
    _, truth = register
    truth_pairs = {tuple(p) for p in true_pairs(truth)[["id_l", "id_r"]].to_numpy()}
    pairs = base.pairs
    keys = zip(
        np.minimum(pairs["id_l"], pairs["id_r"]), np.maximum(pairs["id_l"], pairs["id_r"]),
        strict=True,
    )
    verdict = np.array([k in truth_pairs for k in keys])
    updated = base.model.update_from_labels(
        base.prepared, pairs["row_l"].to_numpy(), pairs["row_r"].to_numpy(), verdict
    )
    assert updated.info["labelled_matches"] == int(verdict.sum())
    for m_old, m_new, fixed in zip(base.model.m, updated.m, updated.fixed, strict=True):
        assert m_new.sum() == pytest.approx(1.0)
        if fixed:
            np.testing.assert_array_equal(m_old, m_new)
    assert nm.Model.from_json(updated.to_json()).m[0] == pytest.approx(updated.m[0])
