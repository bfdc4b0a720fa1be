"""Properties of the record corruptions and name pools of nikmatch.synth."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from nikmatch.synth import corrupt
from nikmatch.synth.names import AVOIDED_NAMES, TRADITIONS, draw_names, zipf_weights

WORDS = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUWYZ", min_size=3, max_size=10)
NAMES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


@given(NAMES, SEEDS)
def test_typo_is_one_edit(name: str, seed: int) -> None:
    changed = corrupt.typo(name, np.random.default_rng(seed))
    assert OSA.distance(name, changed) <= 1


@given(NAMES, SEEDS)
def test_name_steps_keep_upper_case_text(name: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for step in (corrupt.islamic_form, corrupt.abbreviate, corrupt.join_or_split,
                 corrupt.drop_word, corrupt.swap_words, corrupt.spelling_variant):
        out = step(name, rng)
        assert out
        assert out == out.upper()
        assert "  " not in out
        assert out.strip() == out


@given(NAMES)
def test_old_spelling_has_no_new_spelling_letters(name: str) -> None:
    old = corrupt.old_spelling(name)
    assert len(old) >= len(name)
    assert "Y" not in old
    assert "U" not in old.replace("OE", "")
    assert old.count("C") == old.count("CH")  # c became tj; ch comes from kh


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31)), SEEDS,
       st.sampled_from(["swap", "digit", "default", None]))
def test_mistype_date_gives_another_real_date_in_range(day: dt.date, seed: int,
                                                       kind: str | None) -> None:
    earliest, latest = dt.date(1930, 1, 1), dt.date(2025, 12, 31)
    out = corrupt.mistype_date(day, np.random.default_rng(seed), kind,
                               earliest=earliest, latest=latest)
    assert earliest <= out <= latest
    if kind != "default" or day not in (dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)):
        assert out != day


@given(SEEDS)
def test_corrupt_names_reports_what_changed(seed: int) -> None:
    rng = np.random.default_rng(seed)
    names = np.array(["MUHAMMAD RIZKI SAPUTRA", "SITI NURHAYATI", "SLAMET", None], dtype=object)
    new, kinds = corrupt.corrupt_names(rng, names, np.array([False, True, False, True]),
                                       np.array([1990, 1955, 1940, 1980]),
                                       corrupt.NameNoise().scaled(3))
    assert new[3] is None
    assert kinds[3] == ""
    for before, after, kind in zip(names[:3], new[:3], kinds[:3], strict=True):
        assert (before != after) == (kind != "")


def test_zipf_weights_sum_to_one_and_decrease() -> None:
    weights = zipf_weights(50, 0.8)
    assert abs(weights.sum() - 1) < 1e-12
    assert (np.diff(weights) < 0).all()


def test_every_tradition_draws_names_without_public_figures() -> None:
    rng = np.random.default_rng(0)
    for tradition in TRADITIONS.values():
        female = rng.random(2_000) < 0.5
        year = rng.integers(1935, 2025, size=2_000)
        surname = np.asarray([tradition.surnames[0] if tradition.surnames else ""] * 2_000,
                             dtype=object)
        names = draw_names(rng, tradition, female, year, surname=surname)
        assert all(isinstance(n, str) and n == n.upper() and n for n in names)
        assert not set(names) & AVOIDED_NAMES
    shares = sum(t.share for t in TRADITIONS.values())
    assert abs(shares - 1) < 1e-9
