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
:data:`FUZZY_HIGH`        2    Jaro-Winkler >= :data:`FUZZY_HIGH_THRESHOLD` on the informative
                               words (low-information words left out) or on their key; or a fit
                               as for INITIALS with one informative word a typing slip away
                               (``d setizwan`` ~ ``didik setiawan``)
:data:`FUZZY_LOW`         1    Jaro-Winkler >= :data:`FUZZY_LOW_THRESHOLD` (same inputs)
:data:`NONE`              0    none of the above, or a contradiction (below)
:data:`MISSING`          -1    an empty name on either side
======================  =====  ==================================================================

Jaro-Winkler rewards a shared beginning, so it runs on the informative words only:
``siti aminah`` / ``siti aisyah`` compares ``aminah`` / ``aisyah`` (0.73, NONE) rather than the
full names (0.93, which would be FUZZY_HIGH for two different women).

Contradictions: a Balinese birth-order word on both sides from different birth positions
(``wayan`` vs ``made``) or different Balinese articles (``i`` vs ``ni``) cap the level at
:data:`NONE`: siblings share the rest of the name, and such a word is never a typo of the other.
Different patronymics (``bin x`` vs ``bin y``) cap it at :data:`FUZZY_LOW`.

The work is vectorised: each distinct name is analysed once, equalities are integer comparisons,
Jaro-Winkler runs in rapidfuzz's compiled :func:`rapidfuzz.process.cpdist`, and only the pairs
that may fit by initials or omitted words reach a per-pair Python check.

>>> a = ["siti aminah", "nurhayati", "muhammad rizki s", "i wayan sudarma", "d setizwan", ""]
>>> b = ["siti aminah", "nur hayati", "muhammad rizki saputra", "i made sudarma",
...      "didik setiawan", "x"]
>>> name_agreement(a, b).tolist()
[6, 5, 3, 0, 2, -1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist
from scipy import sparse

from nikmatch.names._batch import (
    analyse_batch,
    article_codes,
    birth_codes,
    informative_parts,
    join_word_keys,
    patronymic_flags,
)
from nikmatch.names.normalize import _patronymic_start
from nikmatch.names.overlap import Overlap, WordSets, overlap, respelt_rarely, word_sets
from nikmatch.names.phonetic import token_key
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
    "NameIndex",
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


def _jw(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    """Jaro-Winkler of aligned names, 0 below :data:`FUZZY_LOW_THRESHOLD` (the lowest level
    that reads it): the cutoff lets rapidfuzz stop early, and its worker threads compute
    without Python's lock while scoring threads convert the next strings."""
    scores = cpdist(
        a.tolist(),
        b.tolist(),
        scorer=JaroWinkler.normalized_similarity,
        dtype=np.float64,
        score_cutoff=FUZZY_LOW_THRESHOLD,
        workers=-1,
    )
    return np.asarray(scores, dtype=np.float64)


class _Features:
    """Per distinct name: key codes, order-free signature, flags (word-level work vectorised)."""

    def __init__(self, names: list[str], rules: NameRules) -> None:
        self.names = names
        self.rules = rules
        n = len(names)
        b = analyse_batch(names, rules, lambda w: token_key(w, rules=rules))
        self.keys = b.keys
        self.key_codes = pd.factorize(np.asarray(b.keys, dtype=object))[0]
        # flat word arrays, kept for word overlaps (:mod:`nikmatch.names.overlap`)
        self.word_texts = b.words
        self.flat_name = b.word_name
        self.flat_word = b.word_code
        self.flat_key = b.word_key_code[b.word_code] if len(b.word_code) else np.zeros(0, np.int64)
        self.flat_low = b.low
        self.empty = b.n_words == 0
        self.n_tokens = b.n_words
        nonempty = np.flatnonzero(~self.empty)
        firsts = b.starts[nonempty]
        rng = np.random.default_rng(20240601)
        word_hash = rng.integers(
            0, 2**63, max(int(b.word_key_code.max(initial=-1)) + 1, 1), dtype=np.int64
        ).astype(np.uint64)
        signature = np.zeros(n, dtype=np.uint64)
        word_len = np.asarray([len(w) for w in b.words], dtype=np.int64)
        self.n_initials = np.zeros(n, dtype=np.int16)
        if len(b.word_code):
            flat_key = b.word_key_code[b.word_code]
            signature[nonempty] = np.add.reduceat(word_hash[flat_key], firsts)
            initial = (word_len[b.word_code] == 1).astype(np.int16)
            self.n_initials[nonempty] = np.add.reduceat(initial, firsts)
            informative = ~b.low & (word_len[b.word_code] > 1)
            rows, cols = b.word_name[informative], flat_key[informative]
            all_rows, all_cols = b.word_name, flat_key
            long_word = informative & (word_len[b.word_code] >= SLIP_MIN_LENGTH)
            long_rows, long_cols = b.word_name[long_word], flat_key[long_word]
            long_text = b.word_code[long_word]
        else:
            rows = cols = all_rows = all_cols = long_rows = long_cols = np.zeros(0, np.int64)
            long_text = np.zeros(0, np.int64)
        self.has_initial = self.n_initials > 0
        self.signature_codes = pd.factorize(signature)[0]
        self.informative = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)),
            shape=(n, max(len(word_hash), 1)),
        )
        self.informative.data[:] = 1  # a word twice in one name counts once
        self.all_words = sparse.csr_matrix(
            (np.ones(len(all_rows), dtype=np.int32), (all_rows, all_cols)),
            shape=(n, max(len(word_hash), 1)),
        )
        self.all_words.data[:] = 1
        # informative words long enough to be met one typing slip away (see _fits)
        self.long_words = sparse.csr_matrix(
            (np.ones(len(long_rows), dtype=np.int32), (long_rows, long_cols)),
            shape=(n, max(len(word_hash), 1)),
        )
        self.long_words.data[:] = 1
        self.n_long = np.asarray(self.long_words.sum(axis=1), dtype=np.int64).ravel()
        # each name's long informative words as text, for the one-slip check (CSR-like layout)
        self.long_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(long_rows, minlength=n), out=self.long_start[1:])
        self.long_text = (
            np.asarray(b.words, dtype=object)[long_text]
            if len(long_text)
            else (np.zeros(0, dtype=object))
        )
        self.informative_names, self.informative_keys = informative_parts(b, names)
        self.n_informative = np.asarray(
            [len(t.split()) for t in self.informative_names], dtype=np.int64
        )
        self.compact = np.asarray([x.replace(" ", "") for x in names], dtype=object)
        self.compact_len = np.asarray([len(x) for x in self.compact.tolist()], dtype=np.int64)
        self.birth = birth_codes(b, rules)
        self.article = article_codes(b, rules)
        self.has_patronymic = patronymic_flags(b)
        self._words: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]] = {}
        self._starts: list[int] = b.starts.tolist()
        self._counts: list[int] = b.n_words.tolist()
        self._flat_keys: list[str] = b.word_keys[b.word_code].tolist() if len(b.word_code) else []
        self._flat_low: list[bool] = b.low.tolist()

    def words(self, i: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]:
        """Words, word keys and low-information flags of name ``i``."""
        found = self._words.get(i)
        if found is None:
            start, stop = self._starts[i], self._starts[i] + self._counts[i]
            found = (
                tuple(self.names[i].split()),
                tuple(self._flat_keys[start:stop]),
                tuple(self._flat_low[start:stop]),
            )
            self._words[i] = found
        return found


#: A word this long or longer may meet a word one typing slip away in a fit with a slip
#: (shorter words are too often other names: ``rina``/``rini``, ``putra``/``putri``).
SLIP_MIN_LENGTH = 6


def _fits(
    short: tuple[str, ...],
    short_keys: tuple[str, ...],
    short_low: tuple[bool, ...],
    long: tuple[str, ...],
    long_keys: tuple[str, ...],
    *,
    slips: int = 0,
    long_low: tuple[bool, ...] = (),
) -> bool:
    """Whether ``short`` fits in order inside ``long`` with enough informative agreement.

    With ``slips``, up to that many informative words of ``short`` may meet a word of ``long``
    one typing slip away (an edit or a swap of neighbours; both words informative, per
    ``short_low`` and ``long_low``, and at least :data:`SLIP_MIN_LENGTH` letters):
    ``d setizwan`` fits ``didik setiawan``.
    """
    j, initials, slipped = 0, 0, 0
    informative: set[str] = set()  # distinct informative keys that agree in full
    m = len(long)
    for tok, key, low in zip(short, short_keys, short_low, strict=True):
        found = -1
        for jj in range(j, m):
            if long_keys[jj] == key:
                found = jj
                break
        if found >= 0:
            if not low and len(tok) > 1:
                informative.add(key)
            elif len(tok) == 1:
                initials += 1
        else:
            for jj in range(j, m):
                other = long[jj]
                if (len(tok) == 1 and other[0] == tok) or (len(other) == 1 and tok[0] == other):
                    found = jj
                    initials += 1
                    break
                if (
                    slipped < slips
                    and not low
                    and not (long_low and long_low[jj])
                    and min(len(tok), len(other)) >= SLIP_MIN_LENGTH
                    and OSA.distance(tok, other, score_cutoff=1) <= 1
                ):
                    found = jj
                    slipped += 1
                    informative.add(key)
                    break
            if found < 0:
                return False
        j = found + 1
    return len(informative) >= 2 or (len(informative) >= 1 and initials >= 1)


def _compatible(f: _Features, i: int, k: int, *, slips: bool = False) -> int:
    """INITIALS if names i and k fit by initials/omitted words, else (with ``slips``)
    FUZZY_HIGH if they fit so with one word a typing slip away, else NONE; patronymics handled:
    different fathers cap at FUZZY_LOW, a patronymic on one side only is left out."""
    ta, ka, la = f.words(i)
    tb, kb, lb = f.words(k)
    if f.has_patronymic[i] or f.has_patronymic[k]:
        pa, pb = _patronymic_start(ta), _patronymic_start(tb)
        if pa < len(ta) and pb < len(tb):
            if _join(ka[pa + 1 :]) != _join(kb[pb + 1 :]):
                return FUZZY_LOW
        else:
            ta, ka, la = ta[:pa], ka[:pa], la[:pa]
            tb, kb, lb = tb[:pb], kb[:pb], lb[:pb]
            if _join(ka) == _join(kb):
                return INITIALS
    if _fits(ta, ka, la, tb, kb) or _fits(tb, kb, lb, ta, ka):
        return INITIALS
    if slips and (
        _fits(ta, ka, la, tb, kb, slips=1, long_low=lb)
        or _fits(tb, kb, lb, ta, ka, slips=1, long_low=la)
    ):
        return FUZZY_HIGH
    return NONE


def _one_slip(
    f: _Features, ra: npt.NDArray[np.int64], rb: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs whose words split or join differently (``muhammadramadhan hidayat``) or whose
    typing slip turned a word into another kind (``ni ksdek widiasih``: ``kadek`` is a
    birth-order word, ``ksdek`` is not), and which are otherwise one typing slip (an edit or
    a swap of neighbours) apart with the spaces taken out.

    Jaro-Winkler on the informative words misses them (their word lists differ); names with
    the same word structure are left to it, so ``siti rina`` / ``siti rini`` stay apart.
    """
    shape = (f.n_tokens[ra] != f.n_tokens[rb]) | (f.n_informative[ra] != f.n_informative[rb])
    out = np.zeros(len(ra), dtype=bool)
    idx = np.flatnonzero(shape)
    if not len(idx):
        return out
    idx = idx[np.minimum(f.compact_len[ra[idx]], f.compact_len[rb[idx]]) >= 8]
    if not len(idx):
        return out
    a, b = f.compact[ra[idx]], f.compact[rb[idx]]
    dist = cpdist(a.tolist(), b.tolist(), scorer=OSA.distance, score_cutoff=1, workers=-1)
    out[idx] = np.asarray(dist, dtype=np.int64) <= 1
    return out


def _join(keys: tuple[str, ...]) -> str:
    return join_word_keys(" ".join(keys))


def _shared(
    m: sparse.csr_matrix, ra: npt.NDArray[np.int64], rb: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per pair: how many distinct word keys names ``ra[i]`` and ``rb[i]`` share."""
    return np.asarray(m[ra].multiply(m[rb]).sum(axis=1), dtype=np.int64).ravel()


def _near_long_words(
    f: _Features, ia: npt.NDArray[np.int64], ib: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Per pair of names: whether a long informative word of one is one typing slip from a
    long informative word of the other (every word pair compared in compiled code)."""
    count_a = f.long_start[ia + 1] - f.long_start[ia]
    count_b = f.long_start[ib + 1] - f.long_start[ib]
    per_pair = count_a * count_b
    out = np.zeros(len(ia), dtype=bool)
    total = int(per_pair.sum())
    if total == 0:
        return out
    pair = np.repeat(np.arange(len(ia), dtype=np.int64), per_pair)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    wa = f.long_start[ia[pair]] + within // count_b[pair]
    wb = f.long_start[ib[pair]] + within % count_b[pair]
    text_a, text_b = f.long_text[wa], f.long_text[wb]
    distance = cpdist(
        text_a.tolist(), text_b.tolist(), scorer=OSA.distance, score_cutoff=1, workers=-1
    )
    near = np.asarray(distance, dtype=np.int64) == 1  # 0: the same word, not a slip
    out[np.unique(pair[near])] = True
    return out


def _residue(
    f: _Features, ra: npt.NDArray[np.int64], rb: npt.NDArray[np.int64], level: npt.NDArray[np.int8]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Positions of the pairs that may fit by initials or omitted words (or that carry
    patronymics), and per position whether a fit with one word a typing slip away is to be
    tried too: cheap bounds first.

    A fit needs two agreeing informative words, or one plus an initial; and every word of the
    shorter name must meet a word of the other by key or by initial.  A fit with a slip (tried
    only where ``level`` is below FUZZY_HIGH, which is all it can give) counts the slipped word
    as informative and lets one word of the shorter name go unmet; both names then need a long
    informative word the other lacks.
    """
    patronymic = f.has_patronymic[ra] | f.has_patronymic[rb]
    initials = f.n_initials[ra].astype(np.int64) + f.n_initials[rb]
    other = f.has_initial[ra] | f.has_initial[rb] | (f.n_tokens[ra] != f.n_tokens[rb])
    idx = np.flatnonzero(other | patronymic)
    none = np.zeros(0, dtype=bool)
    if not len(idx):
        return idx, none
    ia, ib = ra[idx], rb[idx]
    informative = _shared(f.informative, ia, ib)
    initials = initials[idx]
    strict = (informative >= 2) | ((informative >= 1) & (initials > 0))
    slip = (level[idx] < FUZZY_HIGH) & ((informative >= 1) | (initials > 0))
    if slip.any():  # a long informative word on each side that the other lacks, one slip apart
        long_shared = _shared(f.long_words, ia[slip], ib[slip])
        slip[slip] = (f.n_long[ia[slip]] > long_shared) & (f.n_long[ib[slip]] > long_shared)
        slip[slip] = _near_long_words(f, ia[slip], ib[slip])
    keep = strict | slip | patronymic[idx]
    idx, ia, ib = idx[keep], ia[keep], ib[keep]
    strict, slip, initials = strict[keep], slip[keep], initials[keep]
    if not len(idx):
        return idx, none
    shared_all = _shared(f.all_words, ia, ib)
    indptr = np.asarray(f.all_words.indptr, dtype=np.int64)
    distinct = indptr[1:] - indptr[:-1]
    shortest = np.minimum(distinct[ia], distinct[ib]).astype(np.int64)
    strict &= shortest <= shared_all + initials
    slip &= shortest <= shared_all + initials + 1
    keep = strict | slip | patronymic[idx]
    out: npt.NDArray[np.int64] = idx[keep]
    return out, slip[keep]


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
    return NameIndex(names, rules=r).agreement(codes[:n], codes[n:])


class NameIndex:
    """The analysed distinct names of a column, for many :func:`name_agreement` calls by code.

    Analysing a name (words, keys, initials) costs more than comparing two analysed names;
    the matcher builds one index per column and compares millions of pairs of codes.

    >>> index = NameIndex(["abdul rahman", "rahman abdul", "budi"])
    >>> index.agreement(np.array([0, 0, -1]), np.array([1, 2, 2])).tolist()
    [4, 0, -1]
    """

    def __init__(
        self,
        names: Sequence[str],
        *,
        rules: NameRules | None = None,
        word_counts: Mapping[str, int] | pd.Series | None = None,
        n_records: int | None = None,
        common_min: float = 5.0,
        key_counts: Mapping[str, int] | pd.Series | None = None,
    ) -> None:
        self.rules = rules or default_rules()
        self.names = [x if isinstance(x, str) else "" for x in names]
        self._features = _Features(self.names, self.rules) if self.names else None
        self._word_counts = word_counts
        self._n_records = n_records
        self._common_min = common_min
        self._key_counts = key_counts
        self._word_sets: WordSets | None = None

    def overlap(
        self,
        code_a: npt.NDArray[np.integer[Any]],
        code_b: npt.NDArray[np.integer[Any]],
        alike: npt.NDArray[np.bool_] | None = None,
    ) -> Overlap:
        """The word :class:`~nikmatch.names.overlap.Overlap` of names ``names[code_a[i]]``
        and ``names[code_b[i]]`` (codes must be valid: not ``-1``).

        Word frequencies come from ``word_counts`` (records whose name holds each word, over
        ``n_records`` records) when the index was given them, else from its own names; a word
        held by fewer than ``common_min`` records is rare.

        >>> index = NameIndex(["wati", "wati yulianti"])
        >>> o = index.overlap(np.array([0]), np.array([1]))
        >>> o.shared.tolist(), o.only_b.tolist(), o.log2_share.tolist()
        ([1], [1], [0.0])
        """
        ca = np.asarray(code_a, dtype=np.int64)
        cb = np.asarray(code_b, dtype=np.int64)
        if self._features is None:
            zero = np.zeros(len(ca), dtype=np.int64)
            return Overlap(
                zero, zero, zero, zero, np.zeros(len(ca), bool), np.zeros(len(ca), np.float64)
            )
        return overlap(self._sets(self._features), ca, cb, alike)

    def respelt_rarely(
        self, code_a: npt.NDArray[np.integer[Any]], code_b: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[np.bool_]:
        """Whether names ``code_a[i]`` and ``code_b[i]`` share a word spelt two ways, one
        of them a rare word and the two not differing as names do: a typing slip
        (:func:`~nikmatch.names.overlap.respelt_rarely`; codes must be valid)."""
        ca = np.asarray(code_a, dtype=np.int64)
        if self._features is None:
            return np.zeros(len(ca), dtype=bool)
        return respelt_rarely(self._sets(self._features), ca, np.asarray(code_b, dtype=np.int64))

    def _sets(self, features: _Features) -> WordSets:
        if self._word_sets is None:
            self._word_sets = word_sets(
                features,
                self._word_counts,
                self._n_records,
                self._common_min,
                self._key_counts,
            )
        return self._word_sets

    def joined_differently(
        self, code_a: npt.NDArray[np.integer[Any]], code_b: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[np.bool_]:
        """Whether names ``code_a[i]`` and ``code_b[i]`` have other numbers of words but are
        one typing slip apart (or equal) with their spaces taken out (8 letters at least):
        the same words written joined or split (codes must be valid).

        >>> index = NameIndex(["muhammadramadhan hidayat", "muhammad ramadan hidayat", "ani"])
        >>> index.joined_differently(np.array([0, 0]), np.array([1, 2])).tolist()
        [True, False]
        """
        ca = np.asarray(code_a, dtype=np.int64)
        cb = np.asarray(code_b, dtype=np.int64)
        f = self._features
        out = np.zeros(len(ca), dtype=bool)
        if f is None:
            return out
        idx = np.flatnonzero(
            (f.n_tokens[ca] != f.n_tokens[cb])
            & (np.minimum(f.compact_len[ca], f.compact_len[cb]) >= 8)
            & (np.abs(f.compact_len[ca] - f.compact_len[cb]) <= 1)
        )
        if len(idx):
            dist = cpdist(
                f.compact[ca[idx]].tolist(),
                f.compact[cb[idx]].tolist(),
                scorer=OSA.distance,
                score_cutoff=1,
                workers=-1,
            )
            out[idx] = np.asarray(dist, dtype=np.int64) <= 1
        return out

    def agreement(
        self, code_a: npt.NDArray[np.integer[Any]], code_b: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[np.int8]:
        """Agreement level of names ``names[code_a[i]]`` and ``names[code_b[i]]`` (``-1``
        codes are missing)."""
        ca = np.asarray(code_a, dtype=np.int64)
        cb = np.asarray(code_b, dtype=np.int64)
        n = len(ca)
        f = self._features
        if f is None:
            return np.full(n, MISSING, dtype=np.int8)
        missing = (ca < 0) | (cb < 0)
        ca = np.where(missing, 0, ca)
        cb = np.where(missing, 0, cb)
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
            names_arr = np.asarray(f.informative_names, dtype=object)
            keys_arr = np.asarray(f.informative_keys, dtype=object)
            jw = np.maximum(_jw(names_arr[ra], names_arr[rb]), _jw(keys_arr[ra], keys_arr[rb]))
            low_or_none = np.where(jw >= FUZZY_LOW_THRESHOLD, FUZZY_LOW, NONE)
            level = np.where(jw >= FUZZY_HIGH_THRESHOLD, FUZZY_HIGH, low_or_none).astype(np.int8)
            level[_one_slip(f, ra, rb)] = FUZZY_HIGH
            idx, may_slip = _residue(f, ra, rb, level)
            for j, slips in zip(idx.tolist(), may_slip.tolist(), strict=True):
                found = _compatible(f, int(ra[j]), int(rb[j]), slips=slips)
                if found in (INITIALS, FUZZY_HIGH):
                    level[j] = max(level[j], found)
                elif found == FUZZY_LOW:
                    level[j] = min(level[j], FUZZY_LOW)
            out[rest] = level
        out[_clash(f, ca, cb) & (out > NONE)] = NONE
        out[missing] = MISSING
        return out

    def contradicts(
        self, code_a: npt.NDArray[np.integer[Any]], code_b: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[np.bool_]:
        """Whether names ``code_a[i]`` and ``code_b[i]`` contradict each other: Balinese
        birth-order words of different birth positions, or different articles (``i`` /
        ``ni``); such names are two people whatever else they share (codes must be valid).

        >>> NameIndex(["i wayan sudarma", "i made sudarma"]).contradicts(
        ...     np.array([0]), np.array([1])).tolist()
        [True]
        """
        f = self._features
        ca = np.asarray(code_a, dtype=np.int64)
        if f is None:
            return np.zeros(len(ca), dtype=bool)
        return _clash(f, ca, np.asarray(code_b, dtype=np.int64))


def _clash(
    f: _Features, ca: npt.NDArray[np.int64], cb: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    birth_a, birth_b = f.birth[ca], f.birth[cb]
    art_a, art_b = f.article[ca], f.article[cb]
    out: npt.NDArray[np.bool_] = ((birth_a > 0) & (birth_b > 0) & (birth_a != birth_b)) | (
        (art_a > 0) & (art_b > 0) & (art_a != art_b)
    )
    return out
