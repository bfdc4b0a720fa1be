"""Agreement levels between two aligned arrays of normalised names, for the matcher.

``name_agreement(a, b)[i]`` compares ``a[i]`` with ``b[i]`` and returns the strongest level that
holds (constants below, strongest first):

======================  =====  ==================================================================
level                   code   meaning
======================  =====  ==================================================================
:data:`EXACT`             6    equal normalised names
:data:`KEY`               5    equal phonetic key (:func:`~nikmatch.names.name_key`), which also
                               joins split words (``nur hayati`` = ``nurhayati``)
:data:`REORDERED`         4    the same word keys in another order
:data:`INITIALS`          3    one name fits inside the other in order, words agreeing by key or
                               by initial, others omitted (``m rizki s`` ~ ``muhammad rizki
                               saputra``); needs two informative agreeing words, or one plus an
                               initial (nobility, birth-order and very common words don't count)
:data:`FUZZY_HIGH`        2    Jaro-Winkler >= :data:`FUZZY_HIGH_THRESHOLD` on names or keys
:data:`FUZZY_LOW`         1    Jaro-Winkler >= :data:`FUZZY_LOW_THRESHOLD`
:data:`NONE`              0    none of the above, or a contradiction (below)
:data:`MISSING`          -1    an empty name on either side
======================  =====  ==================================================================

Contradictions: a Balinese birth-order word on both sides from different birth positions
(``wayan`` vs ``made``) or different Balinese articles (``i`` vs ``ni``) cap the level at
:data:`NONE`: siblings share the rest of the name, and such a word is never a typo of the other.
Different patronymics (``bin x`` vs ``bin y``) cap it at :data:`FUZZY_LOW`.

The work is vectorised: each distinct name is analysed once, equalities are integer comparisons,
Jaro-Winkler runs in rapidfuzz's compiled :func:`rapidfuzz.process.cpdist`, and only the pairs
that may fit by initials or omitted words reach a per-pair Python check.

>>> a = ["siti aminah", "nurhayati", "muhammad rizki s", "i wayan sudarma", ""]
>>> b = ["siti aminah", "nur hayati", "muhammad rizki saputra", "i made sudarma", "x"]
>>> name_agreement(a, b).tolist()
[6, 5, 3, 0, -1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist
from scipy import sparse

from nikmatch.names.normalize import _low_flags, _patronymic_start
from nikmatch.names.phonetic import _join_keys, _keys_of_normalized
from nikmatch.names.tables import NameRules, default_rules

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
    "jaro_winkler_pairs",
    "name_agreement",
]

EXACT = 6
KEY = 5
REORDERED = 4
INITIALS = 3
FUZZY_HIGH = 2
FUZZY_LOW = 1
NONE = 0
MISSING = -1
FUZZY_HIGH_THRESHOLD = 0.92
FUZZY_LOW_THRESHOLD = 0.82
LEVEL_NAMES: dict[int, str] = {
    EXACT: "exact",
    KEY: "phonetic key",
    REORDERED: "same words, other order",
    INITIALS: "initials or omitted words",
    FUZZY_HIGH: "similar (Jaro-Winkler >= 0.92)",
    FUZZY_LOW: "somewhat similar (Jaro-Winkler >= 0.82)",
    NONE: "different",
    MISSING: "missing",
}

_ARTICLE_CODE = {"m": 1, "f": 2}


def _as_text_array(values: Sequence[str] | npt.ArrayLike) -> npt.NDArray[np.object_]:
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    return arr


def jaro_winkler_pairs(
    a: Sequence[str] | npt.ArrayLike, b: Sequence[str] | npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of ``a[i]`` and ``b[i]`` (compiled, element-wise); missing -> 0.

    >>> jaro_winkler_pairs(["muhammad", "budi"], ["muhamad", None]).round(3).tolist()
    [0.975, 0.0]
    """
    xa, xb = _as_text_array(a), _as_text_array(b)
    if len(xa) != len(xb):
        raise ValueError(f"a and b must have the same length, got {len(xa)} and {len(xb)}")
    if len(xa) == 0:
        return np.zeros(0, dtype=np.float64)
    la = ["" if not isinstance(v, str) else v for v in xa.tolist()]
    lb = ["" if not isinstance(v, str) else v for v in xb.tolist()]
    out = cpdist(la, lb, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
    return np.asarray(out, dtype=np.float64)


class _Features:
    """Per distinct name: key, word keys, order-free signature, flags."""

    def __init__(self, names: list[str], rules: NameRules) -> None:
        n = len(names)
        self.names = names
        self.keys: list[str] = [""] * n
        self.tokens: list[list[str]] = [[]] * n
        self.token_keys: list[list[str]] = [[]] * n
        self.low: list[list[bool]] = [[]] * n
        signatures: list[str] = [""] * n
        self.birth = np.zeros(n, dtype=np.int8)
        self.article = np.zeros(n, dtype=np.int8)
        self.n_tokens = np.zeros(n, dtype=np.int16)
        self.has_initial = np.zeros(n, dtype=bool)
        self.has_patronymic = np.zeros(n, dtype=bool)
        self.empty = np.zeros(n, dtype=bool)
        rows: list[int] = []
        cols: list[str] = []
        birth_order, articles = rules.birth_order, rules.articles
        for i, name in enumerate(names):
            toks = name.split()
            if not toks:
                self.empty[i] = True
                continue
            keys = _keys_of_normalized(name, rules)
            low = _low_flags(toks, rules)
            self.tokens[i], self.token_keys[i], self.low[i] = toks, keys, low
            self.keys[i] = _join_keys(toks, keys)
            signatures[i] = " ".join(sorted(keys))
            self.n_tokens[i] = len(toks)
            self.has_initial[i] = any(len(t) == 1 for t in toks)
            self.has_patronymic[i] = _patronymic_start(toks) < len(toks)
            for t in toks:
                group = birth_order.get(t)
                if group is not None:
                    self.birth[i] = group
                    break
            self.article[i] = _ARTICLE_CODE.get(articles.get(toks[0], ""), 0)
            for t, k, flag in zip(toks, keys, low, strict=True):
                if not flag and len(t) > 1:
                    rows.append(i)
                    cols.append(k)
        self.key_codes = pd.factorize(np.asarray(self.keys, dtype=object))[0]
        self.signature_codes = pd.factorize(np.asarray(signatures, dtype=object))[0]
        col_codes, col_uniques = pd.factorize(np.asarray(cols, dtype=object))
        self.informative = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (np.asarray(rows, dtype=np.int64), col_codes)),
            shape=(n, max(len(col_uniques), 1)),
        )
        self.informative.data[:] = 1  # a word twice in one name counts once


def _fits(
    short: list[str], short_keys: list[str], short_low: list[bool],
    long: list[str], long_keys: list[str],
) -> bool:
    """Whether ``short`` fits in order inside ``long`` with enough informative agreement."""
    j, informative, initials = 0, 0, 0
    m = len(long)
    for tok, key, low in zip(short, short_keys, short_low, strict=True):
        found = -1
        for jj in range(j, m):
            if long_keys[jj] == key:
                found = jj
                break
        if found >= 0:
            if not low and len(tok) > 1:
                informative += 1
            elif len(tok) == 1:
                initials += 1
        else:
            for jj in range(j, m):
                other = long[jj]
                if (len(tok) == 1 and other[0] == tok) or (len(other) == 1 and tok[0] == other):
                    found = jj
                    break
            if found < 0:
                return False
            initials += 1
        j = found + 1
    return informative >= 2 or (informative >= 1 and initials >= 1)


def _compatible(f: _Features, i: int, k: int) -> int:
    """INITIALS if names i and k fit by initials/omitted words, else NONE; patronymics handled."""
    ta, tb = f.tokens[i], f.tokens[k]
    ka, kb = f.token_keys[i], f.token_keys[k]
    la, lb = f.low[i], f.low[k]
    pa, pb = _patronymic_start(ta), _patronymic_start(tb)
    if pa < len(ta) and pb < len(tb):
        if _join_keys(ta[pa + 1 :], ka[pa + 1 :]) != _join_keys(tb[pb + 1 :], kb[pb + 1 :]):
            return FUZZY_LOW  # different fathers: cap
    elif pa < len(ta) or pb < len(tb):  # one side only: compare the names without it
        ta, ka, la = ta[:pa], ka[:pa], la[:pa]
        tb, kb, lb = tb[:pb], kb[:pb], lb[:pb]
        if _join_keys(ta, ka) == _join_keys(tb, kb):
            return INITIALS
    if _fits(ta, ka, la, tb, kb) or _fits(tb, kb, lb, ta, ka):
        return INITIALS
    return NONE


def name_agreement(
    a: Sequence[str] | npt.ArrayLike,
    b: Sequence[str] | npt.ArrayLike,
    *,
    rules: NameRules | None = None,
) -> npt.NDArray[np.int8]:
    """Agreement level (module constants) of each aligned pair of normalised names.

    Pass names produced by :func:`~nikmatch.names.normalize_name`; ``None``/``NaN``/``""`` are
    missing (-1). Raises ``ValueError`` when the lengths differ.

    >>> a = ["abdul rahman", "rizki saputra"]
    >>> b = ["rahman abdul", "muhammad rizki saputra"]
    >>> name_agreement(a, b).tolist()
    [4, 3]
    >>> name_agreement(["budi santoso"], ["budi santosa"]).tolist()
    [2]
    """
    r = rules or default_rules()
    xa, xb = _as_text_array(a), _as_text_array(b)
    if len(xa) != len(xb):
        raise ValueError(f"a and b must have the same length, got {len(xa)} and {len(xb)}")
    n = len(xa)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    codes, uniques = pd.factorize(np.concatenate([xa, xb]), use_na_sentinel=True)
    names = [u if isinstance(u, str) else "" for u in uniques.tolist()]
    f = _Features(names, r)
    ca, cb = codes[:n], codes[n:]
    missing = (ca < 0) | (cb < 0)
    ca = np.where(missing, 0, ca)
    cb = np.where(missing, 0, cb)
    if len(names) == 0:
        return np.full(n, MISSING, dtype=np.int8)
    missing |= f.empty[ca] | f.empty[cb]

    out = np.full(n, NONE, dtype=np.int8)
    exact = ca == cb
    key = ~exact & (f.key_codes[ca] == f.key_codes[cb])
    reordered = ~exact & ~key & (f.signature_codes[ca] == f.signature_codes[cb])
    out[exact] = EXACT
    out[key] = KEY
    out[reordered] = REORDERED
    rest = np.flatnonzero(~(missing | exact | key | reordered))
    if len(rest):
        ra, rb = ca[rest], cb[rest]
        names_arr = np.asarray(names, dtype=object)
        keys_arr = np.asarray(f.keys, dtype=object)
        jw = np.maximum(
            jaro_winkler_pairs(names_arr[ra], names_arr[rb]),
            jaro_winkler_pairs(keys_arr[ra], keys_arr[rb]),
        )
        low_or_none = np.where(jw >= FUZZY_LOW_THRESHOLD, FUZZY_LOW, NONE)
        level = np.where(jw >= FUZZY_HIGH_THRESHOLD, FUZZY_HIGH, low_or_none).astype(np.int8)
        maybe = (
            f.has_initial[ra] | f.has_initial[rb] | (f.n_tokens[ra] != f.n_tokens[rb])
        ) | f.has_patronymic[ra] | f.has_patronymic[rb]
        idx = np.flatnonzero(maybe)
        if len(idx):
            shared = np.asarray(
                f.informative[ra[idx]].multiply(f.informative[rb[idx]]).sum(axis=1)
            ).ravel()
            idx = idx[(shared >= 1) | f.has_patronymic[ra[idx]] | f.has_patronymic[rb[idx]]]
        for j in idx.tolist():
            found = _compatible(f, int(ra[j]), int(rb[j]))
            if found == INITIALS:
                level[j] = max(level[j], INITIALS)
            elif found == FUZZY_LOW:
                level[j] = min(level[j], FUZZY_LOW)
        out[rest] = level
    birth_a, birth_b = f.birth[ca], f.birth[cb]
    art_a, art_b = f.article[ca], f.article[cb]
    clash = ((birth_a > 0) & (birth_b > 0) & (birth_a != birth_b)) | (
        (art_a > 0) & (art_b > 0) & (art_a != art_b)
    )
    out[clash & (out > NONE)] = NONE
    out[missing] = MISSING
    return out
