"""Matching on pseudonymised input gives the same pairs when only exact comparisons are involved.

Two offices exchange tokens (:func:`nikmatch.privacy.pseudonymize_frame`) instead of raw KK numbers
and names.  With a model whose comparisons are all exact (same/different) and blocking on exact
keys, every comparison level of every candidate pair is the same on tokens as on raw data, so
training, scores, pairs and clusters must be identical, for deduplication and for linkage.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd

from nikmatch.blocking import BlockOn
from nikmatch.comparisons import ExactComparison
from nikmatch.linker import find_duplicates, link
from nikmatch.privacy import pseudonymize_frame

KEY = b"office-shared-key-0123456789"
GIVEN = ["Rizki", "Aminah", "Joko", "Siti", "Budi", "Dewi", "Agus", "Yusuf", "Nur", "Wati"]
FAMILY = ["Saputra", "Susilo", "Rahman", "Hayati", "Lubis", "Wijaya", "Santoso", "Hidayat"]


def register(n_people: int = 150, seed: int = 4) -> pd.DataFrame:
    """A generated register where some people have two records (exact copies of key fields)."""
    rng = random.Random(seed)
    rows = []
    for person in range(n_people):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
        record = {
            "no_kk": f"3273{rng.randrange(10**11, 10**12)}",
            "nama": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "nama_ibu": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "tanggal_lahir": born.isoformat(),
            "jenis_kelamin": rng.choice(["L", "P"]),
        }
        rows.append(record)
        if person % 3 == 0:  # a second record of the same person, spelled as old records are
            copy = dict(record)
            copy["nama"] = copy["nama"].upper()
            if person % 2 == 0:
                copy["no_kk"] = f"3273{rng.randrange(10**11, 10**12)}"  # moved household
            rows.append(copy)
    df = pd.DataFrame(rows)
    df.index = pd.Index([f"rec{i:04d}" for i in range(len(df))])
    return df


EXACT = [ExactComparison("nama"), ExactComparison("nama_ibu"), ExactComparison("no_kk"),
         ExactComparison("tanggal_lahir"), ExactComparison("jenis_kelamin")]
RULES = [BlockOn("nama", "tanggal_lahir"), BlockOn("no_kk"), BlockOn("nama_ibu", "tanggal_lahir")]


def _pair_set(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    return {tuple(sorted((str(a), str(b)))) for a, b in zip(pairs["id_l"], pairs["id_r"],
                                                             strict=True)}


def test_exact_only_matching_gives_the_same_pairs_on_tokens() -> None:
    raw = register()
    tokens = pseudonymize_frame(raw, KEY, columns={"no_kk": "kk", "nama": "name",
                                                   "nama_ibu": "name"})
    assert not set(raw["no_kk"]) & set(tokens["no_kk"])
    on_raw = find_duplicates(raw, comparisons=EXACT, blocking_rules=RULES, seed=1)
    on_tokens = find_duplicates(tokens, comparisons=EXACT, blocking_rules=RULES, seed=1)
    assert len(on_raw.matches) > 20
    assert _pair_set(on_raw.pairs) == _pair_set(on_tokens.pairs)
    assert _pair_set(on_raw.matches) == _pair_set(on_tokens.matches)
    merged = on_raw.pairs.merge(on_tokens.pairs, on=["id_l", "id_r"], suffixes=("_raw", "_tok"))
    assert len(merged) == len(on_raw.pairs)
    # training samples records in an order derived from their values (so that shuffled rows
    # give the same model); tokens are other values, so the samples, and the weights, differ a
    # little while every pair and match stays the same
    np.testing.assert_allclose(merged["match_weight_raw"], merged["match_weight_tok"], atol=1.0)
    assert on_raw.clusters.index.equals(raw.index)
    # same partition: cluster labels numbered by first appearance are identical
    first_raw = pd.factorize(on_raw.clusters["cluster_id"])[0]
    first_tok = pd.factorize(on_tokens.clusters["cluster_id"])[0]
    assert (first_raw == first_tok).all()


def test_exact_only_linkage_gives_the_same_links_on_tokens() -> None:
    raw = register(seed=5)
    listed = raw.iloc[::4].copy()
    listed["nama"] = listed["nama"].str.title()  # the list office writes names its own way
    listed.index = pd.Index([f"list{i:04d}" for i in range(len(listed))])
    columns = {"no_kk": "kk", "nama": "name", "nama_ibu": "name"}
    on_raw = link(listed, raw, comparisons=EXACT, blocking_rules=RULES, seed=1)
    on_tokens = link(pseudonymize_frame(listed, KEY, columns=columns),
                     pseudonymize_frame(raw, KEY, columns=columns),
                     comparisons=EXACT, blocking_rules=RULES, seed=1)
    assert len(on_raw.matches) >= len(listed)  # every listed record finds at least itself
    raw_links = set(zip(on_raw.pairs["id_l"], on_raw.pairs["id_r"], strict=True))
    token_links = set(zip(on_tokens.pairs["id_l"], on_tokens.pairs["id_r"], strict=True))
    assert raw_links == token_links
    merged = on_raw.pairs.merge(on_tokens.pairs, on=["id_l", "id_r"], suffixes=("_raw", "_tok"))
    np.testing.assert_allclose(merged["match_weight_raw"], merged["match_weight_tok"], atol=1.0)
    pd.testing.assert_frame_equal(
        on_raw.clusters.drop(columns="best_probability"),
        on_tokens.clusters.drop(columns="best_probability"),
    )
    np.testing.assert_allclose(
        on_raw.clusters["best_probability"], on_tokens.clusters["best_probability"], atol=1e-3
    )
