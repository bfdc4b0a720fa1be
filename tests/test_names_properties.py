"""Hypothesis properties of nikmatch.names: never raises, idempotent, case and whitespace
invariant, keys consistent between scalar and vectorised forms, agreement symmetric."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from nikmatch.names import (
    EXACT,
    MISSING,
    given_name,
    name_agreement,
    name_key,
    name_keys,
    normalize_name,
    normalize_names,
    parse_name,
    token_keys,
)

NORMALISED = re.compile(r"^(?:[a-z]+(?: [a-z]+)*)?$")
PARTS = [
    "H.",
    "Hj",
    "KH.",
    "Dr.",
    "dr",
    "Drs.",
    "Ir.",
    "Prof.",
    "S.H.",
    "S.Pd.I",
    "SE",
    "M.M.",
    ",",
    ".",
    "M.",
    "M",
    "Moch.",
    "Muh",
    "St.",
    "Siti",
    "Nur",
    "Noor",
    "Abd.",
    "Abdul",
    "bin",
    "bt.",
    "I",
    "Ni",
    "Wayan",
    "Made",
    "Gst.",
    "Djoko",
    "Soesilo",
    "Tjahjo",
    "Njoman",
    "Jusuf",
    "ch",
    "Achmad",
    "Rizki",
    "Saputra",
    "Aminah",
    "Aisyah",
    "Nurhayati",
    "Sp.",
    "OG",
    "(K)",
    "'",
    "-",
    "Ma'ruf",
    "José",
    "محمد",
    "😀",
    "12",
    "  ",
    "MA",
    "S",
    "Pd",
    "A.Md.",
    "Sitti",
    "Yusup",
]
name_like = st.lists(st.sampled_from(PARTS), max_size=8).map(" ".join)
any_text = st.one_of(st.text(), name_like)
ascii_name = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,'-", max_size=40
)


@given(any_text)
@example("")
@example("1234567890")
@example("x" * 10_000)
@example("Budi " * 2_000)
@example("😀😀 👨‍👩‍👧")
@example("محمد عبد الله")
@example("\x00\t\n\r")
def test_never_raises_and_output_is_normalised(text: str) -> None:
    out = normalize_name(text)
    assert NORMALISED.match(out)
    parsed = parse_name(text)
    assert parsed.normalized == out
    assert len(parsed.tokens) == len(parsed.low_information)
    assert re.fullmatch(r"[a-z]*", name_key(text))
    assert given_name(text) in ((*parsed.tokens, ""))


@given(any_text)
@example("Hdja Budi")
@example("Ma. St.")
@example("Tjhin")
def test_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(ascii_name)
def test_case_invariant(text: str) -> None:
    assert normalize_name(text.upper()) == normalize_name(text.lower()) == normalize_name(text)


@given(st.lists(st.sampled_from(PARTS), max_size=6), st.sampled_from([" ", "  ", "\t", " \n "]))
def test_whitespace_invariant(parts: list[str], sep: str) -> None:
    assert normalize_name(sep.join(parts) + sep) == normalize_name(" ".join(parts))


@given(any_text)
def test_key_of_normalised_equals_key(text: str) -> None:
    assert name_key(normalize_name(text)) == name_key(text)
    assert token_keys(normalize_name(text)) == token_keys(text)


@given(st.lists(any_text, max_size=12))
def test_vectorised_equals_scalar(values: list[str]) -> None:
    series = pd.Series(values, dtype=object)
    assert normalize_names(series).tolist() == [normalize_name(v) for v in values]
    assert name_keys(series).tolist() == [name_key(v) for v in values]


@given(st.lists(st.tuples(name_like, name_like), min_size=1, max_size=10))
def test_agreement_symmetric_and_reflexive(pairs: list[tuple[str, str]]) -> None:
    a = [normalize_name(x) for x, _ in pairs]
    b = [normalize_name(y) for _, y in pairs]
    forward = name_agreement(a, b).tolist()
    assert forward == name_agreement(b, a).tolist()
    assert all(-1 <= v <= EXACT for v in forward)
    same = name_agreement(a, a).tolist()
    assert same == [EXACT if x else MISSING for x in a]


@pytest.mark.parametrize("text", ["", "1234", "x" * 10_000, "😀", "محمد"])
def test_explicit_edge_inputs(text: str) -> None:
    assert isinstance(normalize_name(text), str)
    assert isinstance(name_key(text), str)


# ---- the one-slip fit: its vectorised prefilter never hides a fit ---------------------------

#: long words and a typing slip of each; short words and initials
SLIPS = {
    "lestari": "lestri", "setiawan": "setizwan", "haryati": "harytai", "agustina": "agstina",
    "simanjuntak": "simanjunta", "hidayat": "hidyat", "wulandari": "wulanadri",
}
SHORT = ["dewi", "didik", "fitri", "rosma", "siti", "muhammad", "nur", "rina", "rini", "budi"]


@st.composite
def slip_pair(draw: st.DrawFn) -> tuple[str, str]:
    """A name and a variant of it: a long word slipped, a word shortened to its initial or
    dropped, words from elsewhere added (often no fit at all, sometimes one)."""
    longs = draw(st.lists(st.sampled_from(sorted(SLIPS)), min_size=1, max_size=2, unique=True))
    shorts = draw(st.lists(st.sampled_from(SHORT), max_size=2, unique=True))
    words = shorts + longs
    other = list(words)
    for i, w in enumerate(other):
        change = draw(st.sampled_from(["keep", "slip", "initial", "drop", "replace"]))
        if change == "slip" and w in SLIPS:
            other[i] = SLIPS[w]
        elif change == "initial":
            other[i] = w[0]
        elif change == "drop" and len(other) > 1:
            other[i] = ""
        elif change == "replace":
            other[i] = draw(st.sampled_from(SHORT + sorted(SLIPS)))
    return " ".join(words), " ".join(w for w in other if w) or words[0]


@given(st.lists(slip_pair(), min_size=1, max_size=12))
def test_slip_prefilter_keeps_every_pair_that_fits_with_a_slip(
    pairs: list[tuple[str, str]],
) -> None:
    """``name_agreement`` tries the one-slip fit (on names with an initial or an omitted word)
    only on pairs its cheap vectorised bounds let through; trying it on every such pair must
    not find one more."""
    from nikmatch.names import similarity as sim

    names = sorted({x for pair in pairs for x in pair})
    index = sim.NameIndex(names)
    a = [names.index(x) for x, _ in pairs]
    b = [names.index(y) for _, y in pairs]
    levels = index.agreement(pd.Series(a).to_numpy(), pd.Series(b).to_numpy())
    features = index._features
    assert features is not None
    for (x, y), level in zip(pairs, levels.tolist(), strict=True):
        shortened = len(x.split()) != len(y.split()) or any(
            len(w) == 1 for w in f"{x} {y}".split()
        )
        if level >= sim.FUZZY_HIGH or x == y or not shortened:
            continue  # names of one shape without initials are Jaro-Winkler's to judge
        reference = sim._compatible(features, names.index(x), names.index(y), slips=True)
        assert reference not in (sim.INITIALS, sim.FUZZY_HIGH), (x, y, level)
