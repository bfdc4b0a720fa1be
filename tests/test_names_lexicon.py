"""The given-name lexicon (``nikmatch/names/data/given_names.csv``) and ``is_given_name_word``.

Note on normalisation: ``load_tables`` runs every lexicon row through ``normalize_name`` with the
tables in force and drops rows whose normalised form is empty (a word that is only a title) or
holds several words. The shipped file is stored already normalised, so nothing is dropped from
it (``test_rows_are_stored_normalised``); the dropping is tested on a file of our own.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from nikmatch.names import (
    NameRules,
    default_rules,
    is_given_name_word,
    load_tables,
    normalize_name,
)

KINDS = {"given", "surname_marga", "component"}
ORIGINS = {
    "javanese",
    "sundanese",
    "malay",
    "arabic_islamic",
    "batak",
    "balinese",
    "minang",
    "lampung",
    "bugis_makassar",
    "chinese_indonesian",
    "christian_western",
    "modern",
    "sanskrit",
    "general",
}

#: names given to twins or siblings, one or two letters apart: both are real names
TWIN_PAIRS = [
    ("rina", "rini"),
    ("dina", "dini"),
    ("putra", "putri"),
    ("fahmi", "fahri"),
    ("salma", "salsa"),
    ("hana", "hani"),
    ("dewa", "dewi"),
    ("fitri", "fitra"),
    ("reza", "riza"),
    ("hasan", "husein"),
    ("hasan", "husain"),
    ("naura", "nawra"),
]
#: words made by typing slips: not names
SLIPS = ["febrianyah", "khioirul", "setizwan", "muhamamd", "harytai", "wulanadri", "agstina"]
#: spelling variants of one name are each a name people are given
VARIANTS = [
    ("nayla", "naila"),
    ("rafa", "raffa"),
    ("alya", "alia"),
    ("keisha", "keysha"),
    ("rizki", "rizky"),
    ("rizki", "rizqi"),
    ("fitri", "fitria"),
    ("khadijah", "khodijah"),
    ("aisyah", "aisah"),
    ("syifa", "sifa"),
]
#: a spot check of each group named in the brief
SPOT = {
    "javanese": ["slamet", "sumiati", "wagiman", "ngatini", "tukiyem", "sutrisno", "sri"],
    "modern": ["aurelia", "kenzo", "nayla", "alesha", "arkana", "shakila"],
    "sundanese": ["asep", "ujang", "euis", "neneng", "iis", "dede", "cucu", "entin"],
    "balinese": ["wayan", "made", "nyoman", "ketut", "gede", "putu", "kadek", "komang"],
    "batak": ["siregar", "nasution", "simanjuntak", "lubis", "sinaga", "tigor"],
    "christian_western": ["maria", "yohanes", "yosef", "agustinus", "fransiska"],
    "arabic_islamic": ["muhammad", "zahra", "khoirul", "febriansyah", "abdurrahman"],
}


def _csv_text() -> str:
    folder = resources.files("nikmatch.names").joinpath("data")
    return folder.joinpath("given_names.csv").read_text(encoding="utf-8")


def _rows() -> list[dict[str, str]]:
    lines = [line for line in _csv_text().splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def test_csv_parses_with_the_documented_columns() -> None:
    text = _csv_text()
    assert text.startswith("#")  # a header comment block, as the other tables have
    rows = _rows()
    assert rows
    assert set(rows[0]) == {"word", "kind", "origin"}
    assert {r["kind"] for r in rows} <= KINDS
    assert {r["origin"] for r in rows} <= ORIGINS
    assert {r["kind"] for r in rows} == KINDS


def test_every_row_is_one_lower_case_word_of_letters() -> None:
    bad = [r["word"] for r in _rows() if not re.fullmatch(r"[a-z]+", r["word"])]
    assert bad == []


def test_rows_are_stored_normalised_and_unique_after_normalisation() -> None:
    words = [r["word"] for r in _rows()]
    normalised = [normalize_name(w) for w in words]
    assert [w for w, n in zip(words, normalised, strict=True) if w != n] == []
    assert [w for w, c in Counter(normalised).items() if c > 1] == []
    assert len(default_rules().given_words) == len(words)  # nothing dropped from the shipped file


def test_size_and_breadth() -> None:
    rows = _rows()
    assert len(rows) >= 3000
    origins = Counter(r["origin"] for r in rows)
    assert set(origins) == ORIGINS
    assert all(origins[o] >= 5 for o in ORIGINS)


@pytest.mark.parametrize(("a", "b"), TWIN_PAIRS + VARIANTS)
def test_both_names_of_a_pair_are_present(a: str, b: str) -> None:
    assert is_given_name_word(a)
    assert is_given_name_word(b)


@pytest.mark.parametrize("word", SLIPS)
def test_typing_slips_are_absent(word: str) -> None:
    assert not is_given_name_word(word)


@pytest.mark.parametrize(("group", "words"), sorted(SPOT.items()))
def test_spot_checks_per_group(group: str, words: list[str]) -> None:
    assert [w for w in words if not is_given_name_word(w)] == [], group


def test_old_spellings_and_variants_are_recognised() -> None:
    for written in ["Djoko", "SOEPARMAN", "Achmad", "Mochammad", "Noer", "Jusuf", "Michael"]:
        assert is_given_name_word(written), written


def test_not_a_single_word() -> None:
    assert not is_given_name_word("")
    assert not is_given_name_word("   ")
    assert not is_given_name_word("rina rini")
    assert not is_given_name_word("S.H.")  # only a title


def test_load_tables_adds_and_replaces(tmp_path: Path) -> None:
    added = load_tables(extra_given_words=["Kanjeng", "Tjokro", "kanjeng ratu", "S.Pd."])
    assert {"kanjeng", "cokro"} <= added.given_words
    assert "kanjeng ratu" not in added.given_words  # several words: dropped
    assert "" not in added.given_words  # only a title: dropped
    assert len(added.given_words) == len(default_rules().given_words) + 2
    assert is_given_name_word("KANJENG", added)
    assert not is_given_name_word("kanjeng")
    single = load_tables(extra_given_words="Kanjeng")  # one string is one word, not letters
    assert "kanjeng" in single.given_words
    assert "k" not in single.given_words

    own = tmp_path / "given.csv"
    own.write_text(
        "# my lexicon\nword,kind,origin\nSoekarwo,given,javanese\nAnak Agung,component,x\n"
        "Ir.,given,general\n",
        encoding="utf-8",
    )
    replaced = load_tables(given_words_csv=own)
    assert replaced.given_words == frozenset({"sukarwo"})
    assert not is_given_name_word("rina", replaced)


def test_name_rules_constructor_stays_backward_compatible() -> None:
    r = default_rules()
    bare = NameRules(
        prefix_titles=r.prefix_titles,
        suffix_titles=r.suffix_titles,
        bare_titles=r.bare_titles,
        variants=r.variants,
        first_variants=r.first_variants,
        low_information=r.low_information,
        phrases=r.phrases,
        birth_order=r.birth_order,
        articles=r.articles,
    )
    assert bare.given_words == frozenset()
    assert not is_given_name_word("rina", bare)
    assert normalize_name("Moch. Rizki", rules=bare) == "muhammad rizki"


# ---- properties ------------------------------------------------------------------------------

LEXICON = sorted(default_rules().given_words)
word_like = st.one_of(
    st.sampled_from(LEXICON),
    st.sampled_from(SLIPS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.-", max_size=20),
)
spaces = st.sampled_from(["", " ", "  ", "\t", "\n", " \t\n "])


@given(word_like, spaces, spaces)
def test_case_and_whitespace_insensitive(word: str, before: str, after: str) -> None:
    expected = is_given_name_word(word)
    assert is_given_name_word(word.upper()) == expected
    assert is_given_name_word(word.lower()) == expected
    assert is_given_name_word(word.title()) == expected
    assert is_given_name_word(before + word + after) == expected


@given(st.text())
@example("")
@example("\x00\t\n\r")
@example("x" * 10_000)
@example("😀 محمد")
@example("RİNA")
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = is_given_name_word(text)
    assert isinstance(result, bool)
    assert is_given_name_word(text.upper()) == is_given_name_word(text.lower())
    if result:
        assert normalize_name(text) in default_rules().given_words
