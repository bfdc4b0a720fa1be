"""Word overlap between two names: the words they share, the words one typing slip apart, the
words only one of them has, and how common the agreeing words are.

:func:`name_agreement` gives one level per pair; a matcher also needs to know *what* agrees.
``wati`` / ``wati yulianti`` share one word and the second name has one more (a word left
out); ``ari febriansyah`` / ``ari febrianyah`` share one word and the other is one slip away
(and ``febrianyah`` is a word no one else is called: a slip, not a second name);
``rina sari`` / ``rini sari`` differ by one letter too, but ``rina`` and ``rini`` are both
names in common use (twins are given such names).  :class:`Overlap` holds these facts per pair,
computed for all pairs at once: words are compared by phonetic key through sparse
name-by-word matrices, and the words left over are compared by edit distance in compiled code
(rapidfuzz), never pair by pair in Python.

Words are each name's *informative* words (titles are gone already; birth-order, nobility and
very common words such as ``muhammad`` or ``siti`` are left out), or all its words of two
letters or more when none is informative.  Frequencies count the records whose name holds a
word (by key), from the counts given to :class:`~nikmatch.names.NameIndex`.

>>> from nikmatch.names import NameIndex
>>> index = NameIndex(["wati", "wati yulianti", "ari febriansyah", "ari febrianyah",
...                    "rina sari", "rini sari"], word_counts={"rina": 40, "rini": 30})
>>> o = index.overlap(np.array([0, 2, 4]), np.array([1, 3, 5]))
>>> o.shared.tolist(), o.slips.tolist(), o.only_a.tolist(), o.only_b.tolist()
([1, 1, 1], [0, 1, 1], [0, 0, 0], [1, 0, 0])
>>> o.rare_slip.tolist()
[False, True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist
from scipy import sparse

if TYPE_CHECKING:  # pragma: no cover - typing only
    from nikmatch.names.similarity import _Features

__all__ = [
    "SLIP_WORD_MIN",
    "Overlap",
    "WordSets",
    "name_like_edit",
    "overlap",
    "respelt_rarely",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Words shorter than this are never met one typing slip away (``adi`` / ``ari``), unless
#: the other word is longer (a letter dropped: ``bud`` / ``budi``).
SLIP_WORD_MIN = 4
#: Words this long or longer may be two edits apart and still be one word mistyped (seven
#: letters do when they still read alike: Jaro-Winkler 0.9).
TWO_SLIP_WORD_MIN = 9


@dataclass(frozen=True)
class Overlap:
    """Per pair of names: ``shared`` informative words (by phonetic key); ``slips``, further
    words of the two names one typing slip apart (an edit or a swap of neighbours; two for
    long words); ``only_a`` / ``only_b``, the words of each name left over; ``rare_slip``,
    whether every slip made a rare word (no name in common use nor in the given-name
    lexicon), and not as names differ (:func:`name_like_edit`) -- the mark of typing slips
    rather than of a second name; ``log2_share``, the log2 share of records whose name holds the
    agreeing words (each shared word's share, and for a slip the commoner of its two
    spellings, multiplied: 0 when nothing agrees)."""

    shared: I64
    slips: I64
    only_a: I64
    only_b: I64
    rare_slip: npt.NDArray[np.bool_]
    log2_share: F64
    #: words of two letters or more, informative or not (``muhammad``, ``siti``, birth-order
    #: words), of each name that the other name lacks (by key, up to the slips): a name with
    #: ``muhammad`` is not ``farhan`` left out
    left_a: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    left_b: I64 = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass(frozen=True)
class WordSets:
    """Each name's distinct words of two letters or more (by key) in CSR layout, with their
    texts and shares; ``matrix`` holds the words whose agreement counts (informative ones, or
    every word of a name without any)."""

    start: I64  # name i's words: flat positions start[i] .. start[i + 1]
    key: I64  # per flat word: key code
    text: npt.NDArray[np.object_]  # per flat word: its text
    length: I64  # per flat word: letters
    first: I64  # per flat word: its first letter (code point)
    ending: I64  # per flat word: its last two letters (code points)
    matrix: sparse.csr_matrix  # names x keys, 1 where a name holds a key
    log_matrix: sparse.csr_matrix  # the same, holding log2 of the key's share
    member: I64  # sorted codes name * n_keys + key, for membership tests
    every: sparse.csr_matrix  # names x keys, 1 where a name holds a word of 2+ letters
    n_every: I64  # per name: its distinct words of 2+ letters (by key)
    counted: npt.NDArray[np.bool_]  # per flat word: a word whose agreement counts
    n_keys: int
    key_log2_share: F64  # per key code: log2 share of records whose name holds it
    rare: npt.NDArray[np.bool_]  # per flat word: not a word in common use


def word_sets(
    f: _Features,
    word_counts: Mapping[str, int] | pd.Series | None,
    n_records: int | None,
    common_min: float,
    key_counts: Mapping[str, int] | pd.Series | None = None,
) -> WordSets:
    """Build the word sets of every name of ``f`` (see :class:`WordSets`).

    ``word_counts`` maps a word to the number of records whose name holds it (the names
    themselves, once each, when ``None``); ``n_records`` is the number of records behind
    them; a word held by fewer than ``common_min`` records, and not in the given-name lexicon
    (:attr:`~nikmatch.names.NameRules.given_words`), is rare: no name people are given.
    ``key_counts`` maps a phonetic key to the records holding a word of that key in the whole
    register (:func:`~nikmatch.prepare.name_key_counts`); without it a key's count adds up
    the counts of the spellings among ``f``'s names only, which depends on which names the
    index holds (a part of a register, the names of some pairs).
    """
    name = f.flat_name
    word = f.flat_word
    key = f.flat_key
    words = np.asarray(f.word_texts, dtype=object)
    length = np.asarray([len(w) for w in f.word_texts], dtype=np.int64)
    long_enough = length[word] > 1 if len(word) else np.zeros(0, bool)
    n_keys = max(int(f.flat_key.max(initial=-1)) + 1, 1)
    shape = (len(f.names), n_keys)
    informative = ~f.flat_low & long_enough
    has_informative = np.zeros(len(f.names), dtype=bool)
    has_informative[name[informative]] = True
    # the words that agree (informative ones; all words of a name that has none of those)
    counted = informative | (~has_informative[name] & long_enough)
    # one flat word per (name, key) among every word of two letters or more
    name, word, key = name[long_enough], word[long_enough], key[long_enough]
    counted = counted[long_enough]
    code = name * n_keys + key
    order = np.lexsort((~counted, code))  # a counted spelling first where a key repeats
    code, name, word, key = code[order], name[order], word[order], key[order]
    counted = counted[order]
    first = np.ones(len(code), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    member = code[first]
    name, word, key, counted = name[first], word[first], key[first], counted[first]
    start = np.zeros(len(f.names) + 1, dtype=np.int64)
    np.cumsum(np.bincount(name, minlength=len(f.names)), out=start[1:])
    ones = np.ones(len(name), dtype=np.float64)
    every = sparse.csr_matrix((ones, (name, key)), shape=shape)
    n_every = np.asarray(every.sum(axis=1), dtype=np.int64).ravel()
    # word counts -> per key: records holding a word with that key
    if word_counts is None:
        text_count = np.bincount(word, minlength=len(words)).astype(np.float64)
        total = float(max(len(f.names), 1))
    else:
        counts = (
            pd.Series(word_counts, dtype="float64")
            if not isinstance(word_counts, pd.Series)
            else word_counts.astype("float64")
        )
        text_count = counts.reindex(pd.Index(words)).fillna(0.0).to_numpy(dtype=np.float64)
        total = float(max(n_records or 1, 1))
    word_key = np.zeros(len(words), dtype=np.int64)
    if len(f.flat_word):
        word_key[f.flat_word] = f.flat_key
    key_count = np.bincount(word_key, weights=text_count, minlength=n_keys)
    if key_counts is not None and len(f.flat_key):
        key_text = np.empty(n_keys, dtype=object)
        key_text[f.flat_key] = np.asarray(f._flat_keys, dtype=object)
        given = key_counts if isinstance(key_counts, pd.Series) else pd.Series(key_counts)
        key_count = (
            given.astype("float64").reindex(pd.Index(key_text)).fillna(0.0).to_numpy(np.float64)
        )
    share = np.maximum(key_count, 1.0) / total
    key_log2 = np.log2(np.minimum(share, 1.0))
    matrix = sparse.csr_matrix((ones[counted], (name[counted], key[counted])), shape=shape)
    log_matrix = sparse.csr_matrix(
        (key_log2[key[counted]], (name[counted], key[counted])), shape=shape
    )
    texts = words[word]
    first_letter = np.fromiter((ord(t[0]) for t in texts.tolist()), np.int64, count=len(texts))
    ending = np.fromiter(
        (ord(t[-1]) * 65_536 + ord(t[-2]) if len(t) > 1 else 0 for t in texts.tolist()),
        np.int64,
        count=len(texts),
    )
    return WordSets(
        start=start,
        key=key,
        text=texts,
        length=length[word],
        first=first_letter,
        ending=ending,
        matrix=matrix,
        log_matrix=log_matrix,
        member=member,
        every=every,
        n_every=n_every,
        counted=counted,
        n_keys=n_keys,
        key_log2_share=key_log2,
        rare=(text_count < common_min)[word] & ~_in_lexicon(words, f.rules.given_words)[word],
    )


#: Vowels one key apart on a keyboard (a slip between them is a typing slip).
_NEIGHBOUR_VOWELS = frozenset({frozenset("io"), frozenset("iu"), frozenset("uy"), frozenset("ey")})
_VOWELS = frozenset("aeiouy")


def name_like_edit(a: str, b: str) -> bool:
    """Whether two words one edit apart differ as related *names* do rather than as a typing
    slip does: one vowel for another that is no key away (``rina`` / ``rini``, ``putra`` /
    ``putri``, ``nanda`` / ``ninda``, ``amanda`` / ``amando``), or a final ``a`` added
    (``farhan`` / ``farhana``).  Parents give twins and siblings such pairs (and spellings of
    one name differ so: ``santoso`` / ``santosa``); a keyboard slips to a neighbouring key, or
    drops, doubles or swaps letters.

    >>> name_like_edit("rina", "rini"), name_like_edit("nanda", "ninda")
    (True, True)
    >>> name_like_edit("farhan", "farhana"), name_like_edit("wati", "wato")
    (True, False)
    >>> name_like_edit("febriansyah", "febrianyah"), name_like_edit("zahra", "zqhra")
    (False, False)
    """
    if len(a) == len(b):
        if len(a) < 3:
            return False
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) != 1:
            return False
        x, y = a[differ[0]], b[differ[0]]
        return x in _VOWELS and y in _VOWELS and frozenset((x, y)) not in _NEIGHBOUR_VOWELS
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 1 and len(short) >= 3 and long == short + "a"


def _name_like(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.fromiter(
        (name_like_edit(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)),
        dtype=bool,
        count=len(a),
    )


def _in_lexicon(words: npt.NDArray[np.object_], lexicon: frozenset[str]) -> npt.NDArray[np.bool_]:
    """Per distinct word: whether it is in the given-name lexicon."""
    return np.fromiter((w in lexicon for w in words.tolist()), dtype=bool, count=len(words))


def _held(sorted_codes: I64, codes: I64) -> npt.NDArray[np.bool_]:
    """Whether each of ``codes`` is in ``sorted_codes`` (binary search: no sort of ``codes``)."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    out: npt.NDArray[np.bool_] = sorted_codes[at] == codes
    return out


def _rowwise(a: sparse.csr_matrix, b: sparse.csr_matrix, ia: I64, ib: I64) -> F64:
    return np.asarray(a[ia].multiply(b[ib]).sum(axis=1), dtype=np.float64).ravel()


def overlap(s: WordSets, ia: I64, ib: I64, alike: npt.NDArray[np.bool_] | None = None) -> Overlap:
    """The :class:`Overlap` of names ``ia[i]`` and ``ib[i]`` (codes of ``s``'s names).

    Words one slip apart are looked for in pairs that share a word, and in pairs marked
    ``alike`` (all pairs when ``None``): names that share no word and are not alike as a
    whole (Jaro-Winkler) are not one name with its every word mistyped."""
    n = len(ia)
    shared = np.rint(_rowwise(s.matrix, s.matrix, ia, ib)).astype(np.int64)
    log_shared = _rowwise(s.log_matrix, s.matrix, ia, ib)
    shared_every = np.rint(_rowwise(s.every, s.every, ia, ib)).astype(np.int64)
    count_a = s.start[ia + 1] - s.start[ia]
    count_b = s.start[ib + 1] - s.start[ib]
    slips = np.zeros(n, dtype=np.int64)
    rare = np.zeros(n, dtype=bool)
    log_slip = np.zeros(n, dtype=np.float64)
    # word pairs left over on both sides: every word of one against every word of the other
    room = np.flatnonzero((count_a > shared_every) & (count_b > shared_every))
    # names that share no word and are not alike as a whole: their words are compared only
    # where they begin or end alike (a slip seldom changes both ends of a word)
    loose = np.zeros(n, dtype=bool) if alike is None else ~((shared > 0) | alike)
    if len(room):
        ca, cb = count_a[room], count_b[room]
        per = ca * cb
        total = int(per.sum())
        pair = np.repeat(room, per)
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per) - per, per)
        wa = s.start[ia[pair]] + within // np.repeat(cb, per)
        wb = s.start[ib[pair]] + within % np.repeat(cb, per)
        la, lb = s.length[wa], s.length[wb]
        cand = (np.minimum(la, lb) >= SLIP_WORD_MIN - 1) & (np.maximum(la, lb) >= SLIP_WORD_MIN)
        cand &= np.abs(la - lb) <= 2
        ends = (s.first[wa] == s.first[wb]) | (s.ending[wa] == s.ending[wb])
        cand &= ~loose[pair] | ends
        idx = np.flatnonzero(cand)
        if len(idx):  # words the other name holds (by key) are matched already
            held = _held(s.member, ib[pair[idx]] * s.n_keys + s.key[wa[idx]])
            held |= _held(s.member, ia[pair[idx]] * s.n_keys + s.key[wb[idx]])
            idx = idx[~held]
        if len(idx):
            dist = np.asarray(
                cpdist(
                    s.text[wa[idx]].tolist(),
                    s.text[wb[idx]].tolist(),
                    scorer=OSA.distance,
                    score_cutoff=2,
                    workers=-1,
                ),
                dtype=np.int64,
            )
            long_pair = np.minimum(la[idx], lb[idx]) >= TWO_SLIP_WORD_MIN
            near = (dist == 1) | ((dist == 2) & long_pair)
            two = np.flatnonzero(dist == 2)
            if len(two):  # two slips in a word of seven letters or more that still reads alike
                alike2 = np.asarray(
                    cpdist(
                        s.text[wa[idx[two]]].tolist(),
                        s.text[wb[idx[two]]].tolist(),
                        scorer=JaroWinkler.normalized_similarity,
                        workers=-1,
                    )
                )
                near[two] |= (np.minimum(la[idx[two]], lb[idx[two]]) >= 7) & (alike2 >= 0.9)
            hit = idx[near]
            if len(hit):
                hp, ha, hb = pair[hit], wa[hit], wb[hit]
                n_a = _distinct_per_pair(hp, ha, n)
                n_b = _distinct_per_pair(hp, hb, n)
                slips = np.minimum(n_a, n_b)
                # a typing slip makes a rare word in a way a keyboard does; one pair of words
                # that are names in use, or that differ as names do, makes two names
                typo = (s.rare[ha] | s.rare[hb]) & ~_name_like(s.text[ha], s.text[hb])
                hits = np.bincount(hp, minlength=n)
                rare = (hits > 0) & (np.bincount(hp, weights=typo, minlength=n) == hits)
                value = np.maximum(s.key_log2_share[s.key[ha]], s.key_log2_share[s.key[hb]])
                # one value per slipped word of the first name (its commonest partner)
                order = np.lexsort((-value, ha, hp))
                first = np.ones(len(order), dtype=bool)
                first[1:] = (hp[order][1:] != hp[order][:-1]) | (ha[order][1:] != ha[order][:-1])
                log_slip = np.bincount(
                    hp[order][first], weights=value[order][first], minlength=n
                ).astype(np.float64)
    counted_a = np.asarray(s.matrix.sum(axis=1)).ravel().astype(np.int64)
    only_a = np.maximum(counted_a[ia] - shared - slips, 0)
    only_b = np.maximum(counted_a[ib] - shared - slips, 0)
    return Overlap(
        shared=shared,
        slips=slips,
        only_a=only_a,
        only_b=only_b,
        rare_slip=rare & (slips > 0),
        log2_share=log_shared + log_slip,
        left_a=np.maximum(count_a - shared_every - slips, 0),
        left_b=np.maximum(count_b - shared_every - slips, 0),
    )


def _distinct_per_pair(pair: I64, word: I64, n: int) -> I64:
    """Per pair: how many distinct ``word`` values its rows hold."""
    code = np.unique(pair * (int(word.max(initial=0)) + 1) + word)
    return np.bincount(code // (int(word.max(initial=0)) + 1), minlength=n).astype(np.int64)


def respelt_rarely(s: WordSets, ia: I64, ib: I64) -> npt.NDArray[np.bool_]:
    """Per pair of names ``ia[i]`` / ``ib[i]``: whether a word they share by phonetic key is
    spelt two ways, one spelling rare (held by few, not in the lexicon) and the two not
    differing as names do (:func:`name_like_edit`): a letter doubled or dropped on the
    keyboard (``dirgantara`` / ``dirggantara``), not two spellings people are given
    (``nayla`` / ``naila``, ``ummi`` / ``umi``).

    >>> from nikmatch.names import NameIndex
    >>> index = NameIndex(["raihan dirgantara", "raihan dirggantara", "nayla", "naila"],
    ...                   word_counts={"dirgantara": 30, "dirggantara": 1, "nayla": 40,
    ...                                "naila": 25, "raihan": 90}, n_records=1000)
    >>> index.respelt_rarely(np.array([0, 2]), np.array([1, 3])).tolist()
    [True, False]
    """
    out = np.zeros(len(ia), dtype=bool)
    count_a = s.start[ia + 1] - s.start[ia]
    pair = np.repeat(np.arange(len(ia), dtype=np.int64), count_a)
    if not len(pair):
        return out
    within = np.arange(len(pair), dtype=np.int64) - np.repeat(np.cumsum(count_a) - count_a, count_a)
    wa = s.start[ia[pair]] + within
    code = ib[pair] * s.n_keys + s.key[wa]
    wb = np.minimum(np.searchsorted(s.member, code), len(s.member) - 1)
    held = s.member[wb] == code  # member is sorted like the flat words: wb is b's word
    idx = np.flatnonzero(held & (s.text[wa] != s.text[wb]) & (s.rare[wa] | s.rare[wb]))
    if len(idx):
        typo = ~_name_like(s.text[wa[idx]], s.text[wb[idx]])
        out[pair[idx[typo]]] = True
    return out
