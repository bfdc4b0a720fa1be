"""The recordlinkage round trip: its indexer chooses the pairs, nikmatch scores them, its
classifier reads nikmatch's comparison features.

recordlinkage pins pandas < 3: ``scripts/test.sh`` installs it in the pandas-2 environment and
runs this module there; the pandas-3 step deselects it by name (``--ignore``), never by a skip.
"""

from __future__ import annotations

import pandas as pd
import pytest
import recordlinkage as rl

import nikmatch as nm
from nikmatch.synth import generate_population


@pytest.fixture(scope="module")
def register() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_population(3000, seed=12)


def test_recordlinkage_round_trip(register: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    df = register[0].copy()
    indexer = rl.Index()
    indexer.block("tanggal_lahir")
    links = indexer.index(df)
    result = nm.find_duplicates(df, candidate_pairs=links)
    assert result.info["candidate_pairs"] <= len(links)
    features = nm.comparison_features(df, links, binary=True)
    predicted = rl.ECMClassifier().fit_predict(features)
    assert isinstance(predicted, pd.MultiIndex)
