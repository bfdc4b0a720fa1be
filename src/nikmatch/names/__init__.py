"""Indonesian personal names: normalisation, phonetic keys and agreement levels.

* :func:`normalize_name` / :func:`normalize_names`: one canonical spelling, titles removed;
* :func:`parse_name` -> :class:`ParsedName`: tokens, titles, patronymic, low-information flags;
* :func:`name_key` / :func:`name_keys` / :func:`token_keys`: an Indonesian phonetic key;
* :func:`given_name` / :func:`given_names`: the first informative word;
* :func:`name_agreement` / :func:`jaro_winkler_pairs`: vectorised comparison levels;
* :func:`load_tables` -> :class:`NameRules`: the data tables, extendable by the user;
* :func:`is_given_name_word`: whether a word is in the lexicon of Indonesian given-name words.

Rules, tables and reasons: ``docs/guide/names.md``.

>>> normalize_name("H. MOCH. DJOKO SOESILO, S.H.")
'muhammad joko susilo'
>>> name_key("Nurhayati") == name_key("NUR HAYATI")
True
>>> is_given_name_word("Rini"), is_given_name_word("Khioirul")
(True, False)
"""

from __future__ import annotations

from nikmatch.names.normalize import (
    ParsedName,
    given_name,
    given_names,
    normalize_name,
    normalize_names,
    parse_name,
)
from nikmatch.names.phonetic import key_of_normalized, name_key, name_keys, token_key, token_keys
from nikmatch.names.similarity import (
    EXACT,
    FUZZY_HIGH,
    FUZZY_HIGH_THRESHOLD,
    FUZZY_LOW,
    FUZZY_LOW_THRESHOLD,
    INITIALS,
    KEY,
    LEVEL_NAMES,
    MISSING,
    NONE,
    REORDERED,
    NameIndex,
    jaro_winkler_pairs,
    name_agreement,
)
from nikmatch.names.spelling import modernize_spelling
from nikmatch.names.tables import NameRules, default_rules, is_given_name_word, load_tables

__all__ = [
    "EXACT",
    "FUZZY_HIGH",
    "FUZZY_HIGH_THRESHOLD",
    "FUZZY_LOW",
    "FUZZY_LOW_THRESHOLD",
    "INITIALS",
    "KEY",
    "LEVEL_NAMES",
    "MISSING",
    "NONE",
    "REORDERED",
    "NameIndex",
    "NameRules",
    "ParsedName",
    "default_rules",
    "given_name",
    "given_names",
    "is_given_name_word",
    "jaro_winkler_pairs",
    "key_of_normalized",
    "load_tables",
    "modernize_spelling",
    "name_agreement",
    "name_key",
    "name_keys",
    "normalize_name",
    "normalize_names",
    "parse_name",
    "token_key",
    "token_keys",
]
