"""The name tables (titles, variant families, low-information words, the given-name lexicon)
and how to extend them.

The tables are CSV files shipped in ``nikmatch/names/data/`` (documented in
``docs/guide/names.md``). :func:`load_tables` reads them, adds the caller's extra entries, and
returns a :class:`NameRules` that every function of :mod:`nikmatch.names` accepts as ``rules=``.
Without ``rules=`` the shipped tables are used (:func:`default_rules`).

>>> rules = load_tables(extra_titles=["S.Tr.Kes."], extra_variants={"Mukhlis": "muhlis"})
>>> "strkes" in rules.suffix_titles, rules.variants["mukhlis"]
(True, ('muhlis',))
>>> is_given_name_word("Rini"), is_given_name_word("Febrianyah")
(True, False)
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from nikmatch.names.spelling import modernize_spelling

__all__ = ["NameRules", "default_rules", "is_given_name_word", "load_tables", "title_letters"]

_LETTERS = re.compile(r"[^a-z]+")


def title_letters(title: str) -> str:
    """The letters of a title as the tables store it: lower case, no dots, spaces or commas.

    >>> title_letters("S.Pd.I."), title_letters("Ph. D")
    ('spdi', 'phd')
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _LETTERS.sub("", folded.lower())


_OLD_FORMS = (
    ("kh", "ch"),
    ("u", "oe"),
    ("j", "dj"),
    ("c", "tj"),
    ("sy", "sj"),
    ("ny", "nj"),
    ("y", "j"),
)


def _old_spellings(letters: str) -> set[str]:
    """``letters`` and the old spellings that modernise to it (so "Ch." is the title KH too)."""
    forms = {letters}
    for new, old in _OLD_FORMS:
        forms |= {f.replace(new, old) for f in forms if new in f}
    return {f for f in forms if modernize_spelling(f, old=True) == letters or f == letters}


def _words(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return tuple(_LETTERS.sub(" ", folded.lower()).split())


@dataclass(frozen=True, eq=False)
class NameRules:
    """Tables used by normalisation, keys and agreement (build it with :func:`load_tables`).

    Attributes are read-only mappings/sets; ``prefix_titles``/``suffix_titles`` hold title letters
    (``"spd"``), ``bare_titles`` those removed even without a dot or comma, ``variants`` maps a
    token to its canonical tokens anywhere, ``first_variants`` only as the first of several tokens,
    ``low_information`` maps a word to its kind, ``phrases`` holds multi-word low-information
    phrases, ``birth_order`` a birth-order word to its position, ``articles`` ``i``/``ni`` to
    the sex they mark and ``given_words`` the normalised words of the given-name lexicon
    (``data/given_names.csv``; empty unless built by :func:`load_tables`).

    >>> r = default_rules()
    >>> r.variants["moch"], r.first_variants["m"], r.low_information["wayan"], r.birth_order["made"]
    (('muhammad',), ('muhammad',), 'birth_order', 2)
    >>> "rina" in r.given_words and "rini" in r.given_words
    True
    """

    prefix_titles: frozenset[str]
    suffix_titles: frozenset[str]
    bare_titles: frozenset[str]
    variants: Mapping[str, tuple[str, ...]]
    first_variants: Mapping[str, tuple[str, ...]]
    low_information: Mapping[str, str]
    phrases: tuple[tuple[str, ...], ...]
    birth_order: Mapping[str, int]
    articles: Mapping[str, str]
    cache: dict[str, dict[str, object]] = field(default_factory=dict, repr=False)
    given_words: frozenset[str] = field(default=frozenset(), repr=False)
    title_heads: frozenset[str] = field(init=False, repr=False)
    title_tails: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        heads = frozenset(t[:i] for t in self.prefix_titles for i in range(1, len(t) + 1))
        tails = frozenset(t[i:] for t in self.suffix_titles for i in range(len(t)))
        object.__setattr__(self, "title_heads", heads)
        object.__setattr__(self, "title_tails", tails)

    def memo(self, name: str) -> dict[str, object]:
        """A per-rules memo table (tokens repeat a lot, so per-token work is cached here).

        >>> default_rules().memo("example") is default_rules().memo("example")
        True
        """
        table = self.cache.get(name)
        if table is None:
            table = {}
            self.cache[name] = table
        return table


def _read_csv(text: str) -> list[dict[str, str]]:
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return [dict(row) for row in csv.DictReader(io.StringIO("\n".join(lines)))]


def _data_text(name: str, path: str | Path | None) -> str:
    if path is not None:
        return Path(path).read_text(encoding="utf-8")
    folder = resources.files("nikmatch.names").joinpath("data")
    return folder.joinpath(name).read_text(encoding="utf-8")


def load_tables(
    *,
    extra_titles: Iterable[str] = (),
    extra_variants: Mapping[str, str] | None = None,
    extra_low_information: Iterable[str] = (),
    titles_csv: str | Path | None = None,
    variants_csv: str | Path | None = None,
    low_information_csv: str | Path | None = None,
    extra_given_words: Iterable[str] = (),
    given_words_csv: str | Path | None = None,
) -> NameRules:
    """Read the name tables, optionally from your own CSV files, and add extra entries.

    * ``extra_titles``: titles as written (``"S.Tr.Kes."``); removed before or after the name,
      without dots only when they have three or more letters.
    * ``extra_variants``: ``{variant: canonical}`` applied to whole tokens anywhere in a name;
      the canonical form may hold several words.
    * ``extra_low_information``: words or phrases kept but not counted as informative.
    * ``extra_given_words``: words added to the given-name lexicon (:attr:`NameRules.given_words`).
    * ``*_csv``: paths replacing the shipped tables (same columns; see ``docs/guide/names.md``).

    Lexicon words are normalised as names are (:func:`~nikmatch.names.normalize_name`: lower case,
    old spellings modernised, variant families mapped, so ``Djoko`` is ``joko`` and ``Achmad`` is
    ``ahmad``); a word whose normalised form is empty or holds several words is left out.

    >>> rules = load_tables(extra_low_information=["Kanjeng"])
    >>> rules.low_information["kanjeng"]
    'extra'
    >>> rules = load_tables(extra_given_words=["Soekarwo", "Kanjeng Ratu"])
    >>> "sukarwo" in rules.given_words, "kanjeng" in rules.given_words
    (True, False)
    """
    prefix: set[str] = set()
    suffix: set[str] = set()
    bare: set[str] = set()
    for row in _read_csv(_data_text("titles.csv", titles_csv)):
        letters = title_letters(row["title"])
        if not letters:
            continue
        position = row.get("position", "both").strip()
        if position in ("prefix", "both"):
            prefix.add(letters)
        if position in ("suffix", "both"):
            suffix.add(letters)
        if row.get("bare", "no").strip() == "yes":
            bare.add(letters)
    for title in extra_titles:
        letters = title_letters(title)
        if letters:
            prefix.add(letters)
            suffix.add(letters)
            if len(letters) >= 3:
                bare.add(letters)
    # a word that old-spelling rules turn into a title is that title ("Ch." = "Kh.")
    prefix = {form for t in prefix for form in _old_spellings(t)}
    suffix = {form for t in suffix for form in _old_spellings(t)}
    bare = {form for t in bare for form in _old_spellings(t)}

    variants: dict[str, tuple[str, ...]] = {}
    first: dict[str, tuple[str, ...]] = {}
    rows = [
        (r["variant"], r["canonical"], r.get("position", "any").strip())
        for r in _read_csv(_data_text("variants.csv", variants_csv))
    ]
    rows += [(v, c, "any") for v, c in (extra_variants or {}).items()]
    for variant, canonical, position in rows:
        source = _words(variant)
        target = tuple(modernize_spelling(w) for w in _words(canonical))
        if len(source) != 1 or not target:
            continue
        target_map = first if position == "first" else variants
        for form in (source[0], modernize_spelling(source[0])):
            target_map[form] = target
    for table in (variants, first):
        for target in list(table.values()):
            if len(target) == 1:
                table.setdefault(target[0], target)

    low: dict[str, str] = {}
    phrases: list[tuple[str, ...]] = []
    birth: dict[str, int] = {}
    articles: dict[str, str] = {}
    entries = [
        (r["word"], r.get("kind", "common").strip(), (r.get("group") or "").strip())
        for r in _read_csv(_data_text("low_information.csv", low_information_csv))
    ]
    entries += [(w, "extra", "") for w in extra_low_information]
    for word, kind, group in entries:
        words = tuple(modernize_spelling(w) for w in _words(word))
        if len(words) > 1:
            phrases.append(words)
            continue
        if not words:
            continue
        low[words[0]] = kind
        if kind == "birth_order" and group.isdigit():
            birth[words[0]] = int(group)
        elif kind == "article" and group:
            articles[words[0]] = group
    phrases.sort(key=len, reverse=True)
    rules = NameRules(
        prefix_titles=frozenset(prefix),
        suffix_titles=frozenset(suffix),
        bare_titles=frozenset(bare),
        variants=MappingProxyType(variants),
        first_variants=MappingProxyType(first),
        low_information=MappingProxyType(low),
        phrases=tuple(phrases),
        birth_order=MappingProxyType(birth),
        articles=MappingProxyType(articles),
    )
    lexicon = [
        row.get("word") or "" for row in _read_csv(_data_text("given_names.csv", given_words_csv))
    ]
    if isinstance(extra_given_words, str):  # one word, not its letters
        extra_given_words = [extra_given_words]
    lexicon += extra_given_words
    # the lexicon holds words as normalize_name writes them with these very tables
    given = frozenset(w for w in _normalized_words(lexicon, rules) if w and " " not in w)
    return dataclasses.replace(rules, given_words=given, cache={})


def _normalized_words(words: Iterable[str], rules: NameRules) -> list[str]:
    """Each word normalised as a name is (old spellings, variant families, titles)."""
    from nikmatch.names.normalize import normalize_name  # here: normalize imports this module

    return [normalize_name(w, rules=rules) for w in words]


@lru_cache(maxsize=1)
def default_rules() -> NameRules:
    """The shipped tables, read once.

    >>> "spd" in default_rules().suffix_titles
    True
    """
    return load_tables()


def is_given_name_word(word: str, rules: NameRules | None = None) -> bool:
    """Whether ``word`` is a word people are given as (part of) a name, by the lexicon.

    The word is normalised as names are (case, spacing, accents, old spellings and variant
    families do not matter); text that normalises to nothing or to several words is not a name
    word. Never raises. The lexicon is ``data/given_names.csv`` plus what
    :func:`load_tables` added (``extra_given_words=``).

    >>> is_given_name_word("RINI"), is_given_name_word(" rina "), is_given_name_word("Noer")
    (True, True, True)
    >>> is_given_name_word("Khioirul"), is_given_name_word("rina rini"), is_given_name_word("")
    (False, False, False)
    >>> is_given_name_word("Kanjeng", load_tables(extra_given_words=["kanjeng"]))
    True
    """
    from nikmatch.names.normalize import normalize_name  # here: normalize imports this module

    r = rules or default_rules()
    return normalize_name(word, rules=r) in r.given_words
