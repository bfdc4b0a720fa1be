"""Normalise Indonesian personal names: one canonical spelling per name, titles removed.

Steps (every rule with examples and reasons: ``docs/guide/names.md``):

1. missing values (``None``, ``NaN``, ``pd.NA``) give ``""``; anything else is turned into text
   and never raises;
2. Unicode folded to lower-case ASCII (accents dropped, ``ß`` -> ``ss``); scripts without a Latin
   transliteration (Arabic, emoji) are dropped; apostrophes join (``Ma'ruf`` -> ``maruf``); digits
   and other punctuation separate words;
3. titles removed from the start (``H.``, ``Hj.``, ``Dr.``, ``Prof.`` ...) and the end (``S.H.``,
   ``S.Pd.I.``, ``M.M.``, ``Ph.D.`` ...), with or without dots or commas (short titles that are also
   names or initials, like ``MA``, only with a dot or after a comma); a value made only of titles
   gives ``""``;
4. old spellings modernised per word (:mod:`nikmatch.names.spelling`);
5. variant families mapped to one canonical form (``Moch.`` -> ``muhammad``; a lone ``M`` only as
   the first of several words).

>>> normalize_name("H. MOCH. DJOKO SOESILO, S.H.")
'muhammad joko susilo'
>>> normalize_name(None), normalize_name(float("nan"))
('', '')
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from nikmatch.names.spelling import modernize_spelling
from nikmatch.names.tables import NameRules, default_rules

__all__ = [
    "ParsedName",
    "given_name",
    "given_names",
    "normalize_name",
    "normalize_names",
    "parse_name",
]

_PIECE = re.compile(r"([a-z]+)(\.?)|(,)")
_DROP = str.maketrans(dict.fromkeys("'`´’‘ʼʻ", None))
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th"}
)
_MAX_MULTI_PIECE = 4  # letters per piece when a title is written in several pieces ("S. Pd. I.")
_PATRONYMIC = frozenset({"bin", "binti"})


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, np.floating) and bool(np.isnan(value))


def _to_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if _is_missing(value):
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails is not a name
        return ""


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower().translate(_DROP)
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = text.encode("ascii", "ignore").decode("ascii").lower()
    return text.translate(_DROP)


_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not ("a" <= c <= "z")})


def _pieces(text: str) -> list[tuple[str, bool, bool]]:
    """(letters, written with a dot, after a comma) for each run of letters."""
    if "." not in text and "," not in text:
        return [(w, False, False) for w in text.translate(_SEPARATORS).split()]
    out: list[tuple[str, bool, bool]] = []
    comma = False
    for letters, dot, sep in _PIECE.findall(text):
        if sep:
            comma = True
        else:
            out.append((letters, bool(dot), comma))
    return out


def _title_parts(rules: NameRules) -> tuple[frozenset[str], frozenset[str]]:
    """Every beginning of a prefix title and every ending of a suffix title (for pruning)."""
    return rules.title_heads, rules.title_tails


def _removable(
    group: list[tuple[str, bool, bool]], letters: str, rules: NameRules, *, suffix: bool
) -> bool:
    marked = any(p[1] for p in group) or (suffix and group[0][2])
    if len(group) == 1:
        return marked or letters in rules.bare_titles
    return all(len(p[0]) <= _MAX_MULTI_PIECE for p in group) and (
        marked or (len(letters) >= 3 and letters in rules.bare_titles)
    )


def _specialist(pieces: list[tuple[str, bool, bool]], start: int, end: int) -> int:
    """Length of a trailing specialist-doctor title ``Sp.`` + up to three short pieces, or 0.

    The family is open-ended (Sp.A, Sp.OG(K), Sp.THT-KL, Sp.KFR ...), so any dotted ``Sp.``
    followed by pieces of at most four letters counts.
    """
    for q in range(end - 1, max(end - 4, start + 1) - 1, -1):
        letters, dot, _ = pieces[q]
        if letters == "sp" and dot:
            if all(len(p[0]) <= _MAX_MULTI_PIECE for p in pieces[q:end]):
                return end - q
            return 0
    return 0


def _strip_titles(
    pieces: list[tuple[str, bool, bool]], rules: NameRules
) -> tuple[list[str], list[str]]:
    """(name words, removed titles); a value made only of titles gives no name words."""
    heads, tails = _title_parts(rules)
    n = len(pieces)
    titles: list[str] = []
    start = 0
    while start < n:  # prefix titles: shortest first, so "Dr. A. Budi" keeps the initial A
        letters = ""
        taken = 0
        for k in range(start, min(start + 4, n)):
            letters += pieces[k][0]
            if letters not in heads:
                break
            group = pieces[start : k + 1]
            if letters in rules.prefix_titles and _removable(group, letters, rules, suffix=False):
                taken = k + 1 - start
                break
        if not taken:
            break
        titles.append(letters)
        start += taken
    end = n
    suffix: list[str] = []
    while end > start:  # suffix titles: longest first, so "S.Pd.I." is one title
        special = _specialist(pieces, start, end)
        if special:
            suffix.append("".join(p[0] for p in pieces[end - special : end]))
            end -= special
            continue
        letters = ""
        best = 0
        best_letters = ""
        for k in range(end - 1, max(end - 5, start - 1), -1):
            letters = pieces[k][0] + letters
            if letters not in tails:
                break
            group = pieces[k:end]
            if letters in rules.suffix_titles and _removable(group, letters, rules, suffix=True):
                best, best_letters = end - k, letters
        if not best:
            break
        suffix.append(best_letters)
        end -= best
    titles.extend(reversed(suffix))
    return [p[0] for p in pieces[start:end]], titles


_OLD_NAME = re.compile(r"oe|dj|tj|sj|hj|\bnj")


def _tokens(words: list[str], rules: NameRules) -> list[str]:
    old = False
    for word in words:
        if _OLD_NAME.search(word) is not None:
            old = True
            break
    memo = cast("dict[str, tuple[str, ...]]", rules.memo("canonical_old" if old else "canonical"))
    out: list[str] = []
    for i, word in enumerate(words):
        if i == 0 and len(words) > 1:
            first = rules.first_variants.get(word)
            if first is not None:
                out.extend(first)
                continue
        target = memo.get(word)
        if target is None:
            target = rules.variants.get(word)
            if target is None:
                modern = modernize_spelling(word, old=old)
                target = rules.variants.get(modern, (modern,))
            memo[word] = target
        out.extend(target)
    return out


def _analyse(value: object, rules: NameRules) -> tuple[list[str], list[str]]:
    text = value if isinstance(value, str) else _to_text(value)
    if not text:
        return [], []
    text = _fold(text)
    if "." in text or "," in text:
        words, titles = _strip_titles(_pieces(text), rules)
    else:
        words = text.translate(_SEPARATORS).split()
        heads, tails = _title_parts(rules)
        if words and (words[0] in heads or words[-1] in tails):
            words, titles = _strip_titles([(w, False, False) for w in words], rules)
        else:
            titles = []
    return _tokens(words, rules), titles


def normalize_name(value: object, *, rules: NameRules | None = None) -> str:
    """Normalised form of one name (see the module docstring); never raises.

    >>> normalize_name("Hj. Sitti Noer Hajati, S.Pd.I")
    'siti nur hayati'
    >>> normalize_name("Prof. Dr. Ir. Achmad Jusuf, M.Sc., Ph.D.")
    'ahmad yusuf'
    >>> normalize_name("M. Rizki S."), normalize_name("Budi M.")
    ('muhammad rizki s', 'budi m')
    >>> normalize_name("S.H.")  # only titles: not a name
    ''
    """
    r = rules or default_rules()
    memo = r.memo("normalize")
    if isinstance(value, str):
        found = memo.get(value)
        if found is not None:
            return found  # type: ignore[return-value]
    out = " ".join(_analyse(value, r)[0])
    if isinstance(value, str) and len(memo) < 200_000:
        memo[value] = out
    return out


def _map_unique(values: pd.Series, function: Callable[[object], str]) -> pd.Series:
    """Apply ``function`` once per distinct value; missing values give ``""``; same index."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    mapped = [function(u) for u in uniques.tolist()]
    mapped.append("")
    table = np.array(mapped, dtype=object)
    out: pd.Series = pd.Series(table[codes], index=values.index, dtype=object, name=values.name)
    return out


def normalize_names(values: pd.Series, *, rules: NameRules | None = None) -> pd.Series:
    """Vectorised :func:`normalize_name`: each distinct value once, same index, object dtype.

    >>> normalize_names(pd.Series(["Moch. Yusup", None, "MOCH. YUSUP"], index=[7, 8, 9])).to_dict()
    {7: 'muhammad yusuf', 8: '', 9: 'muhammad yusuf'}
    """
    r = rules or default_rules()
    return _map_unique(values, lambda v: " ".join(_analyse(v, r)[0]))


@dataclass(frozen=True)
class ParsedName:
    """The parts of one name.

    ``normalized`` (as :func:`normalize_name`), ``tokens`` (its words), ``titles`` (the removed
    titles as letters, in written order), ``patronymic`` (the words after ``bin``/``binti``, or
    ``""``), ``low_information`` (one flag per token: nobility, birth order, article, common word,
    patronymic marker) and ``given`` (the first informative word; see :func:`given_name`).

    >>> p = parse_name("Drs. I Wayan Sudarma, M.Si.")
    >>> p.tokens, p.titles, p.low_information, p.given
    (('i', 'wayan', 'sudarma'), ('drs', 'msi'), (True, True, False), 'sudarma')
    """

    normalized: str
    tokens: tuple[str, ...]
    titles: tuple[str, ...]
    patronymic: str
    low_information: tuple[bool, ...]
    given: str


@functools.lru_cache(maxsize=8)
def _phrase_firsts(rules: NameRules) -> frozenset[str]:
    """First words of the low-information phrases (most names hold none of them)."""
    return frozenset(phrase[0] for phrase in rules.phrases if phrase)


def _low_flags(tokens: list[str] | tuple[str, ...], rules: NameRules) -> list[bool]:
    flags = []
    for i, tok in enumerate(tokens):
        kind = rules.low_information.get(tok)
        flags.append(kind is not None and (kind != "article" or i == 0))
    firsts = _phrase_firsts(rules)
    if not any(tok in firsts for tok in tokens):
        return flags
    for phrase in rules.phrases:
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if tuple(tokens[i : i + size]) == phrase:
                for j in range(i, i + size):
                    flags[j] = True
    return flags


def _patronymic_start(tokens: list[str] | tuple[str, ...]) -> int:
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _PATRONYMIC:
            return i
    return len(tokens)


def _given(tokens: list[str] | tuple[str, ...], flags: list[bool]) -> str:
    stop = _patronymic_start(tokens)
    for i in range(stop):
        if not flags[i] and len(tokens[i]) > 1:
            return tokens[i]
    for i in range(stop):
        if not flags[i]:
            return tokens[i]
    return tokens[0] if tokens else ""


def parse_name(value: object, *, rules: NameRules | None = None) -> ParsedName:
    """Split one name into its parts (see :class:`ParsedName`); never raises.

    >>> p = parse_name("AHMAD FAUZI BIN ABD. RACHMAN")
    >>> p.normalized, p.patronymic, p.given
    ('ahmad fauzi bin abdul rahman', 'abdul rahman', 'fauzi')
    """
    r = rules or default_rules()
    tokens, titles = _analyse(value, r)
    flags = _low_flags(tokens, r)
    start = _patronymic_start(tokens)
    return ParsedName(
        normalized=" ".join(tokens),
        tokens=tuple(tokens),
        titles=tuple(titles),
        patronymic=" ".join(tokens[start + 1 :]),
        low_information=tuple(flags),
        given=_given(tokens, flags),
    )


def _given_of_normalized(normalized: str, rules: NameRules) -> str:
    tokens = normalized.split()
    return _given(tokens, _low_flags(tokens, rules))


def given_name(value: object, *, rules: NameRules | None = None) -> str:
    """First informative word of the normalised name (skips nobility, birth-order and very common
    words such as ``muhammad`` or ``siti``, and initials), or ``""``.

    >>> given_name("Siti Aminah"), given_name("I Made Sudarma"), given_name("M. Rizki Saputra")
    ('aminah', 'sudarma', 'rizki')
    >>> given_name("Muhammad")
    'muhammad'
    """
    r = rules or default_rules()
    return _given_of_normalized(normalize_name(value, rules=r), r)


def given_names(values: pd.Series, *, rules: NameRules | None = None) -> pd.Series:
    """Vectorised :func:`given_name` (each distinct value once; same index).

    >>> given_names(pd.Series(["Siti Aminah", "Ni Luh Putu Ayu", None])).tolist()
    ['aminah', 'ayu', '']
    """
    r = rules or default_rules()
    return _map_unique(values, lambda v: _given_of_normalized(" ".join(_analyse(v, r)[0]), r))
