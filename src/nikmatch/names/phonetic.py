"""An Indonesian phonetic key for names: spelling variants meet, different names stay apart.

English keys (Soundex, NYSIIS, Metaphone) drop or merge the vowels that tell Indonesian names
apart (Aminah / Aisyah) and know nothing of Arabic-origin spellings (kh, sy, dz, q) or of regional
habits (Sundanese p for f, Javanese monophthongs). This key follows the published modified
Soundex for Indonesian names and Priyadi's rules, but keeps vowels and stays readable. Rules
per word, in order (reasons and examples in ``docs/guide/names.md``):

1. doubled letters collapse (``muhammad`` -> ``muhamad``, ``saadah`` -> ``sadah``);
2. final ``ie`` -> ``i`` (``sofie`` -> ``sofi``);
3. letters and digraphs: ``kh`` -> ``h``, ``sy`` (before a vowel)/``sh`` -> ``s``, initial
   ``ts`` -> ``s``, ``dz``/``z`` -> ``s``, ``dh`` -> ``d``, ``th`` -> ``t``, ``bh`` -> ``b``,
   ``gh`` -> ``g``, ``ph``/``f``/``v`` -> ``p``, ``q`` -> ``k``, ``x`` -> ``ks``, ``ck`` -> ``k``;
4. ``iy``/``uw`` before a vowel -> ``i``/``u`` (``sugiyanto`` -> ``sugianto``); ``y`` not
   before a vowel or after a consonant other than ``n`` -> ``i`` (``fadly`` -> ``fadli``,
   ``mulyadi`` -> ``muliadi``; ``ny`` is one sound and stays);
5. diphthongs not before a vowel: ``ai``/``ae``/``ei``/``oi`` -> ``e`` (``zainal``/``zaenal``),
   ``au`` -> ``o`` (``taufik``/``topik``);
6. silent ``h``: after a vowel and before a consonant or at the end (``rahmat`` -> ``ramat``,
   ``aminah`` -> ``amina``);
7. final ``d`` -> ``t``, final ``b`` -> ``p`` (``ahmad``/``ahmat``);
8. doubled letters collapse again.

Across words: a word key ending in ``ul`` before a word key starting with an Arabic "sun
letter" (t, d, r, s, n, l after the rules above) loses the ``l`` (``abdul rahman`` ->
``abdurahman``, as in the joined ``abdurrahman``), then the word keys are joined without
spaces (joined and split forms meet: ``nurhayati`` = ``nur hayati``) and doubled letters
collapse across the joins.

>>> name_key("NURHAYATI") == name_key("Nur Hayati")
True
>>> name_key("Abdurrahman") == name_key("Abdul Rahman")
True
>>> name_key("SITI AMINAH") == name_key("SITI AISYAH")
False
"""

from __future__ import annotations

import re
from typing import cast

import numpy as np
import pandas as pd

from nikmatch.names._batch import batch_keys, join_word_keys
from nikmatch.names.normalize import normalize_name, normalize_names
from nikmatch.names.tables import NameRules, default_rules

__all__ = ["name_key", "name_keys", "token_key", "token_keys"]

_DOUBLE = re.compile(r"([a-z])\1+")
_LETTERS = re.compile(r"kh|sy(?=[aeiou])|sh|^ts|dz|dh|th|bh|gh|ph|ck|[zfvqx]")
_LETTER_MAP = {
    "kh": "h",
    "sy": "s",
    "sh": "s",
    "ts": "s",
    "dz": "s",
    "dh": "d",
    "th": "t",
    "bh": "b",
    "gh": "g",
    "ph": "p",
    "ck": "k",
    "z": "s",
    "f": "p",
    "v": "p",
    "q": "k",
    "x": "ks",
}
_GLIDE = re.compile(r"(?<=i)y(?=[aeiou])|(?<=u)w(?=[aeiou])")
_Y = re.compile(r"y(?![aeiou])|(?<=[bcdfghjklmpqrstvwxz])y")
_DIPHTHONG = re.compile(r"(?:ai|ae|ei|oi|au)(?![aeiou])")
_SILENT_H = re.compile(r"(?<=[aeiou])h(?![aeiou])")
_FINAL = {"d": "t", "b": "p"}


def _letter(match: re.Match[str]) -> str:
    return _LETTER_MAP[match.group(0)]


def _diphthong(match: re.Match[str]) -> str:
    return "o" if match.group(0) == "au" else "e"


def _word_key(word: str) -> str:
    s = _DOUBLE.sub(r"\1", word)
    if s.endswith("ie") and len(s) > 2:
        s = s[:-1]
    s = _LETTERS.sub(_letter, s)
    s = _GLIDE.sub("", s)
    s = _Y.sub("i", s)
    s = _DIPHTHONG.sub(_diphthong, s)
    s = _SILENT_H.sub("", s)
    if s and s[-1] in _FINAL and len(s) > 1:
        s = s[:-1] + _FINAL[s[-1]]
    return _DOUBLE.sub(r"\1", s)


def token_key(word: str, *, rules: NameRules | None = None) -> str:
    """Key of one already-normalised word (rules 1-8 of the module docstring), cached.

    >>> token_key("ramadhan"), token_key("fadly"), token_key("yusup"), token_key("khoirul")
    ('ramadan', 'padli', 'yusup', 'herul')
    """
    memo = (rules or default_rules()).memo("token_key")
    found = memo.get(word)
    if found is None:
        found = _word_key(word)
        memo[word] = found
    return found  # type: ignore[return-value]


def _keys_of_normalized(normalized: str, rules: NameRules) -> list[str]:
    memo = cast("dict[str, str]", rules.memo("token_key"))
    out = []
    for word in normalized.split():
        key = memo.get(word)
        if key is None:
            key = _word_key(word)
            memo[word] = key
        out.append(key)
    return out


def _join_keys(words: list[str], keys: list[str]) -> str:
    if len(keys) <= 1:
        return keys[0] if keys else ""
    return join_word_keys(" ".join(keys))


def key_of_normalized(normalized: str, *, rules: NameRules | None = None) -> str:
    """:func:`name_key` of a name that is already normalised (skips normalisation).

    >>> key_of_normalized("fadli ramadan") == key_of_normalized("fadly ramadhan")
    True
    """
    r = rules or default_rules()
    memo = r.memo("name_key")
    found = memo.get(normalized)
    if found is None:
        found = _join_keys(normalized.split(), _keys_of_normalized(normalized, r))
        if len(memo) < 500_000:
            memo[normalized] = found
    return found  # type: ignore[return-value]


def name_key(value: object, *, rules: NameRules | None = None) -> str:
    """Indonesian phonetic key of a name (normalised first); ``""`` for missing values.

    >>> name_key("FADLY RAMADHAN") == name_key("Fadli Ramadan")
    True
    >>> name_key("I Wayan Sudarma") == name_key("I Made Sudarma")
    False
    >>> name_key("Muhammad Yusup")
    'muhamatyusup'
    """
    r = rules or default_rules()
    return key_of_normalized(normalize_name(value, rules=r), rules=r)


def token_keys(value: object, *, rules: NameRules | None = None) -> tuple[str, ...]:
    """Per-word keys of the normalised name (no joining across words).

    >>> token_keys("Abdul Rahman")
    ('abdul', 'raman')
    """
    r = rules or default_rules()
    return tuple(_keys_of_normalized(normalize_name(value, rules=r), r))


def name_keys(values: pd.Series, *, rules: NameRules | None = None) -> pd.Series:
    """Vectorised :func:`name_key` (each distinct value once; same index, object dtype).

    >>> name_keys(pd.Series(["Nurhayati", "NUR HAJATI", None])).tolist()
    ['nurhayati', 'nurhajati', '']
    """
    r = rules or default_rules()
    normalized = normalize_names(values, rules=r)
    codes, uniques = pd.factorize(normalized.to_numpy(dtype=object))
    keys = batch_keys([str(u) for u in uniques.tolist()], lambda w: token_key(w, rules=r))
    table = np.asarray([*keys, ""], dtype=object)
    out: pd.Series = pd.Series(table[codes], index=values.index, dtype=object, name=values.name)
    return out
