"""name_agreement / jaro_winkler_pairs: levels, missing values, contradictions, kernels."""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd
import pytest

from nikmatch.names import (
    EXACT,
    FUZZY_HIGH,
    FUZZY_LOW,
    INITIALS,
    KEY,
    LEVEL_NAMES,
    MISSING,
    NONE,
    REORDERED,
    jaro_winkler_pairs,
    name_agreement,
)


def level(a: str, b: str) -> int:
    return int(name_agreement([a], [b])[0])


def test_level_constants_are_ordered_and_named() -> None:
    assert list(
        range(6, -2, -1)
    ) == [EXACT, KEY, REORDERED, INITIALS, FUZZY_HIGH, FUZZY_LOW, NONE, MISSING]
    assert set(LEVEL_NAMES) == set(range(-1, 7))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("siti aminah", "siti aminah", EXACT),
        ("nurhayati", "nur hayati", KEY),
        ("abdul rahman", "rahman abdul", REORDERED),
        ("muhammad rizki s", "muhammad rizki saputra", INITIALS),
        ("budi santoso", "budi santosa", FUZZY_HIGH),
        ("rina wulandari", "rini wulandari", FUZZY_LOW),
        ("siti aminah", "siti aisyah", NONE),  # JW on the informative words only
        ("muhammad rizki", "rizki", FUZZY_HIGH),
        ("budi santoso", "rina wulandari", NONE),
        # words joined or split differently, one slip apart without the spaces
        ("muhammad ramadhan hidayat", "muhammadramadhan hidayat", FUZZY_HIGH),
        ("meilani gunawan", "meilanigunwan", FUZZY_HIGH),
        # a slip that turns a birth-order word into an informative one
        ("ni kadek widiasih", "ni ksdek widiasih", FUZZY_HIGH),
        # the same word structure: left to Jaro-Winkler (two sisters stay apart)
        ("siti rina", "siti rini", FUZZY_LOW),
        ("siti aminah", "siti aminah sari", FUZZY_LOW),
        ("", "budi", MISSING),
        ("budi", "", MISSING),
    ],
)
def test_levels(a: str, b: str, expected: int) -> None:
    assert level(a, b) == expected


def test_missing_values_of_any_kind() -> None:
    out = name_agreement(["budi", None, float("nan"), "budi"], [None, "budi", "budi", "   "])
    assert out.tolist() == [MISSING] * 4


def test_output_dtype_and_shape() -> None:
    out = name_agreement(np.array(["a b", "c d"], dtype=object), pd.Series(["a b", "d c"]))
    assert out.dtype == np.int8
    assert out.tolist() == [EXACT, REORDERED]
    assert name_agreement([], []).tolist() == []


def test_length_mismatch_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="same length"):
        name_agreement(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="same length"):
        jaro_winkler_pairs(["a"], [])


def test_birth_order_and_article_contradictions_cap_at_none() -> None:
    assert level("i wayan sudarma", "i made sudarma") == NONE
    assert level("i wayan sudarma", "i putu sudarma") > NONE  # same birth position
    assert level("i made sari", "ni made sari") == NONE
    assert level("i wayan sudarma", "sudarma") >= NONE  # one side only: no contradiction


def test_initials_need_enough_informative_agreement() -> None:
    assert level("muhammad rizki", "muhammad rizki saputra") < INITIALS  # one informative word
    assert level("rizki saputra", "muhammad rizki saputra") == INITIALS
    assert level("rizki s", "rizki saputra") == INITIALS
    assert level("r s", "rizki saputra") < INITIALS  # initials only
    assert level("siti nur", "siti nur aminah") < INITIALS  # only low-information words


def test_patronymics() -> None:
    assert level("ahmad fauzi bin abdullah", "ahmad fauzi") == INITIALS
    assert level("ahmad fauzi bin abdullah", "ahmad fauzi bin yusuf") <= FUZZY_LOW


def test_vectorised_equals_one_by_one_on_random_pairs() -> None:
    words = ["budi", "santoso", "siti", "aminah", "m", "s", "rizki", "bin", "i", "wayan", "made"]
    rng = np.random.default_rng(3)
    names = [" ".join(rng.choice(words, rng.integers(0, 4))) for _ in range(400)]
    a, b = names[:200], names[200:]
    together = name_agreement(a, b).tolist()
    assert together == [level(x, y) for x, y in zip(a, b, strict=True)]
    assert together == name_agreement(b, a).tolist()


def test_jaro_winkler_matches_jellyfish() -> None:
    a = ["muhammad", "siti aminah", "budi", "", "x"]
    b = ["muhamad", "siti aisyah", "budi", "", "y"]
    expected = [jellyfish.jaro_winkler_similarity(x, y) for x, y in zip(a, b, strict=True)]
    got = jaro_winkler_pairs(a, b)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got[:3], expected[:3], atol=1e-6)
