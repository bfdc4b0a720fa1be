"""Comparisons: for each candidate pair, one agreement *level* per compared attribute.

A :class:`Comparison` turns two arrays of record positions into an ``int8`` array of levels.
Level ``0`` is always "missing" (no evidence either way, weight 0), level ``1`` the weakest
("different"), and the last level the strongest agreement.  String similarity is computed once
per *distinct value pair* (pairs are deduplicated on their integer codes first) in compiled
code (rapidfuzz), never per record pair in Python.

Kinds (``kind`` attribute) and their levels:

================  =====================================================================
``name``          missing, different, similar, partly the same, one letter from another name
                  in use, very similar, words left out or initials, one word mistyped,
                  reordered, key, exact
``date``          missing, different, within a year, the year mistyped, a digit of the day
                  or month mistyped, day/month swap, exact on a default date (1 Jul, 31 Dec,
                  1 Jan), exact
``nik``           missing, different, same region of issue (digits 1-6), identical
``exact``         missing, different, same
``text``          missing, different, partly similar, similar, exact
``wilayah``       missing, other kecamatan, same kecamatan, same kelurahan, same RT/RW
``identifier``    missing, different, one edit apart, identical
``domicile``      missing, other kecamatan, same kecamatan, same address elsewhere,
                  same kelurahan, same RT/RW, same address, same KK
``household``     not applicable, same household, twins pattern, parent/child pattern,
                  another family member
================  =====================================================================

Members of one household are not told apart by fixed rules: the model weighs pairs on one KK
or at one address in a stratum of their own (:mod:`nikmatch.strata`), against how members of
one family agree.  The ``household`` comparison, with its fixed veto weights, is no longer
among the defaults; it is kept for users who choose fixed household rules
(``comparisons=[..., HouseholdComparison()]``).

>>> import pandas as pd
>>> from nikmatch.prepare import prepare
>>> p = prepare(pd.DataFrame({"nama": ["Moch. Rizki", "Muhammad Rizki", "Ahmad Fauzi"],
...                           "tanggal_lahir": ["1990-07-01", "1990-01-07", "1990-07-01"]}))
>>> l, r = np.array([0, 0]), np.array([1, 2])
>>> NameComparison("nama").compute(p, l, r).tolist()
[10, 1]
>>> DateComparison("tanggal_lahir").compute(p, l, r).tolist()
[6, 7]
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import distance, fuzz, process

from nikmatch.dates import DEFAULT_DATES, MISSING_DAY
from nikmatch.names import NameIndex, default_rules, token_keys
from nikmatch.names import similarity as names_similarity
from nikmatch.prepare import (
    Prepared,
    common_name_words,
    common_word_min,
    name_key_counts,
    name_word_counts,
)

__all__ = [
    "COMPARISON_KINDS",
    "Comparison",
    "DateComparison",
    "DomicileComparison",
    "ExactComparison",
    "HouseholdComparison",
    "IdentifierComparison",
    "NIKComparison",
    "NameComparison",
    "TextComparison",
    "WilayahComparison",
    "compare_in_parts",
    "comparison_from_dict",
    "default_comparisons",
]

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
F64 = npt.NDArray[np.float64]


def _distinct_pairs(cl: npt.NDArray[np.int32], cr: npt.NDArray[np.int32]) -> tuple[I64, I64, I64]:
    """Distinct (cl, cr) code pairs and, per input pair, the index of its distinct pair."""
    key = cl.astype(np.int64) * (np.int64(1) << 31) + cr.astype(np.int64)
    inverse, uniq = pd.factorize(key)
    ul = (uniq >> 31).astype(np.int64)
    ur = (uniq & ((np.int64(1) << 31) - 1)).astype(np.int64)
    return ul, ur, inverse.astype(np.int64)


#: Columns with at most this many distinct values are scored as a full table of value pairs.
_SMALL_VOCABULARY = 500


def _pair_scores(
    prepared: Prepared,
    column: str,
    cl: npt.NDArray[np.int32],
    cr: npt.NDArray[np.int32],
    scorer: Any,
) -> npt.NDArray[np.float64]:
    """``scorer`` (a rapidfuzz scorer) of the ``column`` values behind each pair of codes,
    computed once per distinct value pair in compiled code and broadcast back.  A column of
    few distinct values (kelurahan, kecamatan) is scored once for every pair of its values,
    and the pairs are looked up in that table."""
    vals = prepared.values[column]
    if len(vals) <= _SMALL_VOCABULARY:
        key = f"pair_table:{column}:{id(scorer)}"
        table = prepared.cache.get(key)
        if not isinstance(table, np.ndarray):
            texts = vals.tolist()
            # rapidfuzz's own result type, as in the per-pair path below (float32 similarities)
            table = np.asarray(process.cdist(texts, texts, scorer=scorer))
            prepared.cache[key] = table
        return np.asarray(table[cl, cr], dtype=np.float64)
    ul, ur, inv = _distinct_pairs(cl, cr)
    scores = np.asarray(
        process.cpdist(vals[ul].tolist(), vals[ur].tolist(), scorer=scorer, workers=-1),
        dtype=np.float64,
    )
    return scores[inv]


def text_similarity(
    a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]
) -> npt.NDArray[np.float64]:
    """Similarity in ``[0, 1]`` of aligned texts: the better of the token-sort ratio (words in
    any order) and the ratio of the texts with their spaces taken out (words split or joined
    differently).  A token sort alone puts a mistyped first word elsewhere in the order
    (``bandar almpung`` sorts as ``almpung bandar``) and scores a slip as a different place.

    >>> text_similarity(np.array(["bandar almpung", "tulangbawangbarat", "metro"], object),
    ...                 np.array(["bandar lampung", "tulang bawang barat", "jakarta"], object)
    ...                 ).round(2).tolist()
    [0.92, 1.0, 0.17]
    """
    la, lb = [str(x) for x in a.tolist()], [str(x) for x in b.tolist()]
    if not la:
        return np.zeros(0, dtype=np.float64)
    sorted_words = process.cpdist(la, lb, scorer=fuzz.token_sort_ratio, workers=-1)
    compact = process.cpdist(
        [x.replace(" ", "") for x in la],
        [x.replace(" ", "") for x in lb],
        scorer=fuzz.ratio,
        workers=-1,
    )
    return np.maximum(np.asarray(sorted_words, np.float64), np.asarray(compact, np.float64)) / 100


@dataclass(frozen=True)
class Comparison:
    """Base class: a named comparison of one attribute (see module docstring)."""

    column: str
    kind: ClassVar[str] = "base"
    level_labels: ClassVar[tuple[str, ...]] = ("missing",)
    #: levels whose weight is adjusted by the term frequency of the agreeing value
    tf_levels: ClassVar[Mapping[int, str]] = {}
    #: tf levels whose value may be a placeholder (a default birth date): their frequency
    #: counts the record itself (never below ``1/n``), so a placeholder that looks rare in a
    #: small register is not marked up as if no one else held it
    tf_placeholder_levels: ClassVar[frozenset[int]] = frozenset()
    #: fixed weights (bits) per level; a comparison with fixed weights is not learned by EM
    fixed_weights: ClassVar[Mapping[int, float] | None] = None
    #: prior guess of ``m`` per level (level 0 ignored): where EM starts, and a weak Dirichlet
    #: prior (worth :data:`~nikmatch.model.M_PRIOR_STRENGTH` pairs) that only matters when a
    #: register has few residents with two NIKs.  ``None``: agreement levels likelier.
    m_prior: ClassVar[tuple[float, ...] | None] = None

    @property
    def name(self) -> str:
        """The comparison's name (its column)."""
        return self.column

    @property
    def n_levels(self) -> int:
        """Number of levels including "missing"."""
        return len(self.level_labels)

    def available(self, prepared: Prepared) -> bool:
        """Whether the prepared data has what this comparison needs."""
        return prepared.has(self.column)

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        """Levels for the pairs ``(left[i], right[i])`` (record positions)."""
        raise NotImplementedError

    def tf_scope(self, prepared: Prepared, level: int) -> npt.NDArray[np.bool_] | None:
        """The records whose values a tf level can agree on (``None``: all records): the
        average term frequency over them is the level's reference (see
        :func:`~nikmatch.prepare.tf_reference`)."""
        return None

    def tf_scope_name(self, level: int) -> str | None:
        """The name of :meth:`tf_scope`'s records for a level (``None``: all records): the
        key of the level's reference among a job's statistics
        (:class:`~nikmatch.prepare.GlobalStats`)."""
        return None

    def tf_value_codes(self, prepared: Prepared, level: int, left: I64) -> npt.NDArray[np.int32]:
        """Codes (into the tf field) of the agreeing value for pairs at a tf level."""
        return prepared.codes[self.tf_levels[level]][left]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (kind and parameters)."""
        return {"kind": self.kind, "column": self.column}


def _word_source(prepared: Prepared) -> int | None:
    """The side whose names give word frequencies: the register when linking."""
    return None if prepared.source is None else 1


def _name_index(prepared: Prepared, column: str, names: Sequence[str] | None = None) -> NameIndex:
    """An index of a column's distinct names (built once per prepared frame), or of just
    ``names`` (not cached), with the column's word frequencies (on the register's side when
    linking) so that a rare word is told from a name in common use."""
    key = f"name_index:{column}"
    index = prepared.cache.get(key) if names is None else None
    if isinstance(index, NameIndex):
        return index
    counts, n_records = name_word_counts(prepared, column, source=_word_source(prepared))
    built = NameIndex(
        [str(v) for v in prepared.values[column]] if names is None else list(names),
        word_counts=counts,
        n_records=n_records,
        common_min=common_word_min(n_records),
        # a word's count by its key over the whole register, whichever names this index holds
        key_counts=name_key_counts(prepared, column, source=_word_source(prepared)),
    )
    if names is None:
        prepared.cache[key] = built
    return built


def _local_codes(prepared: Prepared, column: str, ca: I64, cb: I64) -> tuple[NameIndex, I64, I64]:
    """The name index to compare codes ``ca``/``cb`` with, and the codes into it: the
    column's index when the column is compared broadly (deduplication); for a short list
    against a large register, an index of just the names in these pairs, so a million
    register names are not analysed for 16,000."""
    n_values = len(prepared.values[column])
    if prepared.source is not None and n_values > 4 * (len(ca) + 1) and n_values > 50_000:
        used, local = np.unique(np.concatenate([ca, cb]), return_inverse=True)
        names = [str(v) for v in prepared.values[column][used]]
        return _name_index(prepared, column, names), local[: len(ca)], local[len(ca) :]
    return _name_index(prepared, column), ca, cb


def _name_detail(prepared: Prepared, column: str, ca: I64, cb: I64) -> tuple[I8, F64, I64]:
    """:class:`NameComparison` levels of distinct name pairs (codes, none missing, none
    equal): the agreement level of :func:`~nikmatch.names.name_agreement`, refined by what
    the names' words share (:meth:`~nikmatch.names.NameIndex.overlap`); and, per pair, the
    log2 share of records holding the agreeing words and how many words agree (0 where the
    words alone do not show the agreement: another level, or words joined differently)."""
    Name = NameComparison
    index, la, lb = _local_codes(prepared, column, ca, cb)
    agreement = index.agreement(la, lb)
    out = np.full(len(ca), Name.DIFFERENT, dtype=np.int8)
    out[agreement == names_similarity.FUZZY_LOW] = Name.SIMILAR
    out[agreement == names_similarity.FUZZY_HIGH] = Name.VERY_SIMILAR
    out[agreement == names_similarity.INITIALS] = Name.OMITTED
    out[agreement == names_similarity.REORDERED] = Name.REORDERED
    out[agreement == names_similarity.KEY] = Name.KEY
    out[agreement == names_similarity.EXACT] = Name.EXACT
    share = np.zeros(len(ca), dtype=np.float64)
    agreeing = np.zeros(len(ca), dtype=np.int64)
    rest = np.flatnonzero(
        (agreement >= names_similarity.NONE) & (agreement <= names_similarity.REORDERED)
    )
    if not len(rest):
        return out, share, agreeing
    ra, rb = la[rest], lb[rest]
    ov = index.overlap(ra, rb, alike=agreement[rest] >= names_similarity.FUZZY_LOW)
    agree = ov.shared + ov.slips
    # sides are judged on every word (``muhammad`` and ``siti`` too: ``farhan wijaya`` is not
    # ``muhammad wijaya`` with a word left out), agreement on the informative ones
    full = (ov.left_a == 0) & (ov.left_b == 0) & (ov.slips > 0)
    one_side = ((ov.left_a == 0) != (ov.left_b == 0)) & (agree > 0)
    both_sides = (ov.left_a > 0) & (ov.left_b > 0) & (agree > 0)
    lv = out[rest]
    reordered = lv == Name.REORDERED
    # a word each name has and the other lacks: two names however alike they look as a whole
    # (``budi sugiarto saputra`` / ``budi sugiarto suratno``: twins share first names)
    lv[both_sides & (lv <= Name.VERY_SIMILAR)] = Name.PARTLY
    lv[one_side & (lv < Name.OMITTED)] = Name.OMITTED
    lv[full & ~reordered] = np.where(ov.rare_slip[full & ~reordered], Name.SLIP, Name.TWO_NAMES)
    # a word one letter from another name in use says "two names" whatever else differs
    # (``lina wijaya`` / ``linda w``: twins, one written with an initial)
    named = (ov.slips > 0) & ~ov.rare_slip & ~reordered
    lv[named & (lv > Name.TWO_NAMES)] = Name.TWO_NAMES
    # words joined or split differently, perhaps with one slip (``muhammadramadhan``)
    joined = index.joined_differently(ra, rb)
    lv[joined & (lv < Name.SLIP)] = Name.SLIP
    lv[index.contradicts(ra, rb) & (lv > Name.DIFFERENT)] = Name.DIFFERENT
    out[rest] = lv
    share[rest] = ov.log2_share
    agreeing[rest] = np.where(joined, 0, agree)
    return out, share, agreeing


def name_word_agreement(prepared: Prepared, column: str, left: I64, right: I64) -> tuple[F64, I64]:
    """Per pair of records: log2 of the share of records whose name holds the words the two
    names agree on (:attr:`~nikmatch.names.overlap.Overlap.log2_share`), and how many words
    agree (0 where a name is missing or equal, or where the names are the same words written
    joined or split, which the words alone do not show): the term-frequency adjustment of
    partial name agreement reads them.  :meth:`NameComparison.compute` gives the same while
    it compares (``extras``)."""
    codes = prepared.codes[column]
    cl, cr = codes[left], codes[right]
    share = np.zeros(len(left), dtype=np.float64)
    count = np.zeros(len(left), dtype=np.int64)
    ok = (cl >= 0) & (cr >= 0) & (cl != cr)
    key_codes = prepared.codes.get(f"{column}_key")
    if key_codes is not None:  # one key: a level of its own, adjusted by the key's frequency
        ok &= key_codes[left] != key_codes[right]
    ok = np.flatnonzero(ok)
    if not len(ok):
        return share, count
    ul, ur, inv = _distinct_pairs(cl[ok], cr[ok])
    _, pair_share, pair_count = _name_detail(prepared, column, ul, ur)
    share[ok] = pair_share[inv]
    count[ok] = pair_count[inv]
    return share, count


def name_respelt_rarely(
    prepared: Prepared, column: str, left: I64, right: I64
) -> npt.NDArray[np.bool_]:
    """Per pair of records: whether their names share a word spelt two ways, one spelling a
    rare word that differs from the other as a keyboard slips, not as names differ
    (:meth:`~nikmatch.names.NameIndex.respelt_rarely`): ``raihan dirgantara`` /
    ``raihan dirggantara`` is one name mistyped, ``nayla`` / ``naila`` two names.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Raihan Dirgantara"] * 6 + ["Raihan Dirggantara"],
    ...                           "tanggal_lahir": ["2011-05-27"] * 7}))
    >>> name_respelt_rarely(p, "nama", np.array([0, 0]), np.array([6, 1])).tolist()
    [True, False]
    """
    out = np.zeros(len(left), dtype=bool)
    if column not in prepared.codes:
        return out
    codes = prepared.codes[column]
    cl, cr = codes[left], codes[right]
    ok = np.flatnonzero((cl >= 0) & (cr >= 0) & (cl != cr))
    if len(ok):
        ul, ur, inv = _distinct_pairs(cl[ok], cr[ok])
        index, la, lb = _local_codes(prepared, column, ul, ur)
        out[ok] = index.respelt_rarely(la, lb)[inv]
    return out


def word_reference(prepared: Prepared, column: str) -> float:
    """log2 of the share of records holding the word two random names share, on average: the
    informative words' shares weighted by how often they are shared (``sum df² / sum df``).
    The reference against which a shared word is rare or common.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Ani Lestari", "Ani Sari", "Budi"],
    ...                           "tanggal_lahir": ["1990-01-01"] * 3}))
    >>> round(word_reference(p, "nama"), 3)
    -1.1
    """
    key = f"word_reference:{column}"
    cached = prepared.cache.get(key)
    if isinstance(cached, float):
        return cached
    counts, n_records = name_word_counts(prepared, column, source=_word_source(prepared))
    low = default_rules().low_information
    words = counts.index.to_numpy(dtype=object)
    informative = np.fromiter(
        (len(w) > 1 and w not in low for w in words.tolist()), dtype=bool, count=len(words)
    )
    df = counts.to_numpy(dtype=np.float64)[informative] / max(float(n_records), 1.0)
    ref = float(np.log2((df**2).sum() / df.sum())) if df.sum() > 0 else 0.0
    prepared.cache[key] = ref
    return ref


@dataclass(frozen=True)
class NameComparison(Comparison):
    """Names: exact, phonetic key, reordered, a mistyped word, words left out, partly the
    same, Jaro–Winkler bands (per distinct pair).

    Two levels tell a typing slip from a second name: the same words with one mistyped into a
    word no one else in the register is called (``ari febrianyah`` / ``ari febriansyah``),
    and the same words with one a letter away from another name in common use (``rina sari``
    / ``rini sari``: twins are given such names).  Partial agreement (a word left out, a word
    in common and another different, a mistyped word) is adjusted by how common the agreeing
    words are (:func:`name_word_agreement`): ``wati`` / ``wati yulianti`` says more where few
    are called Wati.

    >>> NameComparison("nama").level_labels[-1]
    'exact (normalised)'
    """

    kind: ClassVar[str] = "name"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "different",
        "similar (Jaro-Winkler >= 0.82)",
        "partly the same (a word in common, another different)",
        "a word one letter from another name in use (two names?)",
        "very similar (Jaro-Winkler >= 0.92)",
        "words left out, or initials",
        "the same words, one mistyped (a word no one else has)",
        "same words in another order",
        "same phonetic key",
        "exact (normalised)",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (
        0.0,
        0.03,
        0.04,
        0.04,
        0.01,
        0.05,
        0.05,
        0.08,
        0.02,
        0.13,
        0.55,
    )
    #: level numbers, for code that reads levels: one place to change when a level is added
    DIFFERENT: ClassVar[int] = 1
    SIMILAR: ClassVar[int] = 2
    PARTLY: ClassVar[int] = 3
    TWO_NAMES: ClassVar[int] = 4
    VERY_SIMILAR: ClassVar[int] = 5
    OMITTED: ClassVar[int] = 6
    SLIP: ClassVar[int] = 7
    REORDERED: ClassVar[int] = 8
    KEY: ClassVar[int] = 9
    EXACT: ClassVar[int] = 10
    #: the name's own (old) level for "initials or words left out"
    INITIALS: ClassVar[int] = 6
    #: levels adjusted by the frequency of the agreeing words (:func:`name_word_agreement`):
    #: all the words agree (against the exact level's chance agreement) ...
    FULL_WORD_TF_LEVELS: ClassVar[frozenset[int]] = frozenset({4, 7, 8})
    #: ... or some of them (against the average shared word, :func:`word_reference`)
    PART_WORD_TF_LEVELS: ClassVar[frozenset[int]] = frozenset({3, 6})

    @property
    def tf_levels(self) -> Mapping[int, str]:  # type: ignore[override]
        """Exact and same-key agreement are adjusted by the name's (key's) frequency."""
        return {self.EXACT: self.column, self.KEY: f"{self.column}_key"}

    def compute(
        self,
        prepared: Prepared,
        left: I64,
        right: I64,
        *,
        extras: dict[str, tuple[F64, I64]] | None = None,
    ) -> I8:
        """Levels of the pairs; with ``extras`` also the agreeing words' log2 share and
        count per pair (:func:`name_word_agreement`), under ``extras["words:<column>"]``,
        so the term-frequency adjustment does not look at the words a second time."""
        codes = prepared.codes[self.column]
        cl, cr = codes[left], codes[right]
        out = np.zeros(len(left), dtype=np.int8)
        present = (cl >= 0) & (cr >= 0)
        exact = present & (cl == cr)
        out[exact] = self.EXACT
        key_codes = prepared.codes.get(f"{self.column}_key")
        key = np.zeros(len(left), bool)
        if key_codes is not None:
            kl, kr = key_codes[left], key_codes[right]
            key = present & ~exact & (kl >= 0) & (kl == kr)
            out[key] = self.KEY
        rest = present & ~exact & ~key
        share = np.zeros(len(left), dtype=np.float64)
        count = np.zeros(len(left), dtype=np.int64)
        if rest.any():
            ul, ur, inv = _distinct_pairs(cl[rest], cr[rest])
            lv, pair_share, pair_count = _name_detail(prepared, self.column, ul, ur)
            out[rest] = lv[inv]
            share[rest], count[rest] = pair_share[inv], pair_count[inv]
        if extras is not None:
            extras[f"words:{self.column}"] = (share, count)
        return out


@dataclass(frozen=True)
class DateComparison(Comparison):
    """Birth dates: exact (weaker on default dates), swap, a slip in the day or month, a slip
    in the year, the same year with one date a default, within a year.

    A slip in the *day or month* (the same year) and a slip in the *year* (the same day and
    month: one digit, one year off, two digits swapped) are two levels: two brothers may be
    born on one day of two years, never a few days apart, so the first says "one person"
    far more than the second inside a family.  A default date (1 January, 1 July, 31 December)
    is what the register holds when the day was not known: against any date of the same year
    it is a level of its own, weighed by EM like the others, not "within a year".

    >>> DateComparison("tanggal_lahir").level_labels[6]
    'day and month swapped'
    """

    kind: ClassVar[str] = "date"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "different",
        "within one year",
        "the same year, one date a default (1 Jan / 1 Jul / 31 Dec)",
        "the year mistyped (the same day and month)",
        "a digit of the day or month mistyped (the same year)",
        "day and month swapped",
        "exact, on a default date (1 Jul / 31 Dec / 1 Jan)",
        "exact",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (
        0.0,
        0.02,
        0.02,
        0.03,
        0.05,
        0.05,
        0.03,
        0.05,
        0.75,
    )
    tf_levels: ClassVar[Mapping[int, str]] = {8: "tanggal_lahir", 7: "tanggal_lahir"}
    tf_placeholder_levels: ClassVar[frozenset[int]] = frozenset({7})
    #: level numbers (see :class:`NameComparison`)
    DIFFERENT: ClassVar[int] = 1
    WITHIN_YEAR: ClassVar[int] = 2
    DEFAULT_YEAR: ClassVar[int] = 3
    YEAR_SLIP: ClassVar[int] = 4
    DAY_SLIP: ClassVar[int] = 5
    SWAPPED: ClassVar[int] = 6
    EXACT_DEFAULT: ClassVar[int] = 7
    EXACT: ClassVar[int] = 8
    #: the lowest level of a date one slip from the other (either kind)
    ONE_DIGIT: ClassVar[int] = 4

    def tf_scope(self, prepared: Prepared, level: int) -> npt.NDArray[np.bool_] | None:
        """Exact agreement on a default date and on any other date have their own
        references (a default date is far commoner)."""
        table = _date_table(prepared)
        return table.default if level == self.EXACT_DEFAULT else table.ordinary

    def tf_scope_name(self, level: int) -> str | None:
        """``default`` (1 Jul, 31 Dec, 1 Jan) or ``ordinary`` dates (see :meth:`tf_scope`)."""
        return "default" if level == self.EXACT_DEFAULT else "ordinary"

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        dl, dr = prepared.dob[left], prepared.dob[right]
        out = np.zeros(len(left), dtype=np.int8)
        present = (dl != MISSING_DAY) & (dr != MISSING_DAY)
        table = _date_table(prepared)
        out[present] = self.DIFFERENT
        exact = np.flatnonzero(present & (dl == dr))
        out[exact] = np.where(table.default[left[exact]], self.EXACT_DEFAULT, self.EXACT)
        rest = np.flatnonzero(present & (dl != dr))
        if not len(rest):
            return out
        # the rest compared on their digits (DDMMYYYY), packed eight to an int64 (one byte
        # each): a differing byte of the XOR is a differing digit
        rl, rr = left[rest], right[rest]
        same_year = table.year[rl] == table.year[rr]
        same_day = (table.month[rl] == table.month[rr]) & (table.day[rl] == table.day[rr])
        swap = same_year & (table.month[rl] == table.day[rr]) & (table.day[rl] == table.month[rr])
        packed = table.digits.view(np.int64).ravel()
        neq = (packed[rl] ^ packed[rr]).view(np.uint8).reshape(-1, 8) != 0
        n_diff = neq.sum(axis=1)
        slip = n_diff == 1
        two = np.flatnonzero(n_diff == 2)
        if len(two):
            # adjacent transposition: exactly two neighbouring digits swapped
            first = np.argmax(neq[two], axis=1)
            nxt = np.minimum(first + 1, 7)
            a, b = table.digits[rl[two]], table.digits[rr[two]]
            rows = np.arange(len(two))
            slip[two] = (
                neq[two, nxt]
                & (first < 7)
                & (a[rows, first] == b[rows, nxt])
                & (a[rows, nxt] == b[rows, first])
            )
        # the year one off with the same day and month is a slip too (1989 / 1990)
        one_off = same_day & (np.abs(table.year[rl].astype(np.int32) - table.year[rr]) == 1)
        near = np.abs(dl[rest].astype(np.int64) - dr[rest].astype(np.int64)) <= 366
        lv = np.full(len(rest), self.DIFFERENT, dtype=np.int8)
        lv[near] = self.WITHIN_YEAR
        lv[same_year & (table.default[rl] | table.default[rr])] = self.DEFAULT_YEAR
        lv[same_day & (slip | one_off)] = self.YEAR_SLIP
        lv[same_year & slip] = self.DAY_SLIP
        lv[swap] = self.SWAPPED
        out[rest] = lv
        return out


@dataclass(frozen=True)
class _DateTable:
    """Per-record parts of the birth date, computed once per prepared frame."""

    year: npt.NDArray[np.int16]
    month: npt.NDArray[np.int8]
    day: npt.NDArray[np.int8]
    default: npt.NDArray[np.bool_]  # on 1 Jul, 31 Dec or 1 Jan
    digits: npt.NDArray[np.int8]  # shape (n, 8): DDMMYYYY, C-contiguous
    ordinary: npt.NDArray[np.bool_]  # a known date that is not a default one


def _date_table(prepared: Prepared) -> _DateTable:
    cached = prepared.cache.get("date_table")
    if isinstance(cached, _DateTable):
        return cached
    y, m, d = prepared.date_parts()
    default = np.zeros(len(y), dtype=bool)
    for mm, dd in DEFAULT_DATES:
        default |= (m == mm) & (d == dd)
    table = _DateTable(
        y, m, d, default, np.ascontiguousarray(_date_digits(y, m, d)), ~default & (y > 0)
    )
    prepared.cache["date_table"] = table
    return table


def _date_digits(
    y: npt.NDArray[np.int16], m: npt.NDArray[np.int8], d: npt.NDArray[np.int8]
) -> npt.NDArray[np.int8]:
    yy = y.astype(np.int32)
    mm = m.astype(np.int32)
    dd = d.astype(np.int32)
    cols = [dd // 10, dd % 10, mm // 10, mm % 10, yy // 1000, (yy // 100) % 10, (yy // 10) % 10]
    cols.append(yy % 10)
    return np.stack(cols, axis=1).astype(np.int8)


@dataclass(frozen=True)
class NIKComparison(Comparison):
    """NIKs: identical, same region of first issue, different.

    A person holding two NIKs has two *different* NIKs, so "different" is weak evidence
    against a match.  Two things are deliberately *not* compared here.  The birth-date part
    (digits 7-12) repeats the record's birth date: counting the same evidence twice would break
    the independence the Fellegi-Sunter model rests on (the birth-date comparison already falls
    back to the NIK's date when the record has none).  And "one digit apart": issued NIKs
    of different people are often one digit apart (neighbouring kecamatan codes 187101 and
    187104 with the same birth date; twins with serials 0001 and 0002), so a one-digit gap
    between two issued NIKs is not a typing slip.  Use :class:`IdentifierComparison` for
    typed identifiers where slips are the story.

    >>> NIKComparison("nik").level_labels[2]
    'same region of issue (digits 1-6), other NIK'
    """

    kind: ClassVar[str] = "nik"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "different",
        "same region of issue (digits 1-6), other NIK",
        "identical",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.75, 0.24, 0.01)
    #: level numbers (see :class:`NameComparison`)
    DIFFERENT: ClassVar[int] = 1
    SAME_REGION: ClassVar[int] = 2
    IDENTICAL: ClassVar[int] = 3

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        codes = prepared.codes[self.column]
        cl, cr = codes[left], codes[right]
        out = np.zeros(len(left), dtype=np.int8)
        present = (cl >= 0) & (cr >= 0)
        out[present] = 1
        same = present & (cl == cr)
        out[same] = 3
        rest = np.flatnonzero(present & ~same)
        if len(rest):
            region = _nik_regions(prepared)
            same_region = region[cl[rest]] == region[cr[rest]]
            out[rest] = np.where(same_region, 2, 1).astype(np.int8)
        return out


def _nik_regions(prepared: Prepared) -> npt.NDArray[np.int32]:
    """The region of issue (digits 1-6 as a number) of each distinct NIK, computed once."""
    cached = prepared.cache.get("nik_regions")
    if isinstance(cached, np.ndarray):
        return cached
    digits = prepared.nik_digits[:, :6].astype(np.int32)
    powers = 10 ** np.arange(5, -1, -1, dtype=np.int32)
    region: npt.NDArray[np.int32] = (digits * powers).sum(axis=1, dtype=np.int32)
    prepared.cache["nik_regions"] = region
    return region


@dataclass(frozen=True)
class ExactComparison(Comparison):
    """Any coded field: same or different (``tf=True`` adjusts "same" by value frequency).

    >>> ExactComparison("no_kk").level_labels
    ('missing', 'different', 'same')
    """

    tf: bool = False
    kind: ClassVar[str] = "exact"
    level_labels: ClassVar[tuple[str, ...]] = ("missing", "different", "same")
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.02, 0.98)

    @property
    def tf_levels(self) -> Mapping[int, str]:  # type: ignore[override]
        """With ``tf``, "same" is adjusted by the value's frequency."""
        return {2: self.column} if self.tf else {}

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        if self.column == "jenis_kelamin":
            sl, sr = prepared.sex[left], prepared.sex[right]
            present = (sl > 0) & (sr > 0)
            return np.where(present, np.where(sl == sr, 2, 1), 0).astype(np.int8)
        codes = prepared.codes[self.column]
        cl, cr = codes[left], codes[right]
        present = (cl >= 0) & (cr >= 0)
        return np.where(present, np.where(cl == cr, 2, 1), 0).astype(np.int8)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {"kind": self.kind, "column": self.column, "tf": self.tf}


@dataclass(frozen=True)
class TextComparison(Comparison):
    """Free text (address, place of birth): exact, similar, partly similar, by
    :func:`text_similarity` (any word order, spaces ignored).

    >>> TextComparison("alamat").level_labels[3]
    'similar (text similarity >= 0.88)'
    """

    kind: ClassVar[str] = "text"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "different",
        "partly similar (text similarity >= 0.70)",
        "similar (text similarity >= 0.88)",
        "exact",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.10, 0.05, 0.05, 0.80)
    #: adjust "exact" by how common the value is (a rare place of birth says more)
    tf: bool = False

    @property
    def tf_levels(self) -> Mapping[int, str]:  # type: ignore[override]
        """With ``tf``, "exact" is adjusted by the value's frequency."""
        return {4: self.column} if self.tf else {}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {"kind": self.kind, "column": self.column, "tf": self.tf}

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        codes = prepared.codes[self.column]
        cl, cr = codes[left], codes[right]
        out = np.zeros(len(left), dtype=np.int8)
        present = (cl >= 0) & (cr >= 0)
        exact = present & (cl == cr)
        out[exact] = 4
        rest = present & ~exact
        if rest.any():
            ul, ur, inv = _distinct_pairs(cl[rest], cr[rest])
            score = text_similarity(
                prepared.values[self.column][ul], prepared.values[self.column][ur]
            )
            score = score[inv]
            out[rest] = np.where(score >= 0.88, 3, np.where(score >= 0.70, 2, 1))
        return out


@dataclass(frozen=True)
class IdentifierComparison(Comparison):
    """A generic identifier string: identical, one edit (or transposition) apart, different.

    >>> IdentifierComparison("soc_sec_id").level_labels
    ('missing', 'different', 'one edit or transposition apart', 'identical')
    """

    kind: ClassVar[str] = "identifier"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "different",
        "one edit or transposition apart",
        "identical",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.05, 0.10, 0.85)

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        codes = prepared.codes[self.column]
        cl, cr = codes[left], codes[right]
        out = np.zeros(len(left), dtype=np.int8)
        present = (cl >= 0) & (cr >= 0)
        same = present & (cl == cr)
        out[present] = 1
        out[same] = 3
        rest = present & ~same
        if rest.any():
            dist = _pair_scores(prepared, self.column, cl[rest], cr[rest], distance.OSA.distance)
            out[rest] = np.where(dist <= 1, 2, 1)
        return out


@dataclass(frozen=True)
class WilayahComparison(Comparison):
    """Where the records live: same RT/RW in the kelurahan, same kelurahan, same kecamatan.

    >>> WilayahComparison().level_labels[-1]
    'same kelurahan, RT and RW'
    """

    column: str = "kelurahan"
    kind: ClassVar[str] = "wilayah"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "other kecamatan",
        "same kecamatan",
        "same kelurahan",
        "same kelurahan, RT and RW",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.60, 0.15, 0.10, 0.15)

    @property
    def name(self) -> str:
        """The comparison's name: ``wilayah``."""
        return "wilayah"

    def available(self, prepared: Prepared) -> bool:
        return prepared.has("kelurahan") or prepared.has("kecamatan")

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        n = len(left)
        out = np.zeros(n, dtype=np.int8)

        def same(col: str) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
            if col not in prepared.codes:
                return np.zeros(n, bool), np.zeros(n, bool)
            a, b = prepared.codes[col][left], prepared.codes[col][right]
            present = (a >= 0) & (b >= 0)
            equal = present & (a == b)
            if col == "kelurahan":  # a kelurahan name typed with a slip is the same kelurahan
                rest = np.flatnonzero(present & ~equal)
                if len(rest):
                    sim = _pair_scores(
                        prepared, col, a[rest], b[rest], distance.JaroWinkler.normalized_similarity
                    )
                    equal[rest] = sim >= 0.93
            return present, equal

        kec_p, kec_s = same("kecamatan")
        kel_p, kel_s = same("kelurahan")
        _, rt_s = same("rt")
        _, rw_s = same("rw")
        out[kec_p | kel_p] = 1
        out[kec_s] = 2
        out[kel_s & (kec_s | ~kec_p)] = 3
        out[kel_s & (kec_s | ~kec_p) & rt_s & rw_s] = 4
        return out


@dataclass(frozen=True)
class DomicileComparison(Comparison):
    """Where the records live, as *one* comparison: KK, address, RT/RW, kelurahan, kecamatan.

    These fields move together (a household shares all of them), so scoring them as separate
    comparisons would count the same evidence three times and let the address alone outweigh a
    different name and birth date.  Levels, best first: same KK; same address (text similarity
    >= 0.88, or every word of one among the other's with the same house number) in the same
    kelurahan; same kelurahan, RT and RW; same kelurahan; the same address
    where the kelurahan or kecamatan differs (a slip in either, a kelurahan split or renamed:
    a level of its own, so EM learns what it is worth where street names repeat from one
    kelurahan to the next); same kecamatan; other kecamatan.  A postal code (``kode_pos``)
    shared by both records counts as the same kelurahan where the names do not say so.

    >>> DomicileComparison().level_labels[-1]
    'same KK'
    """

    column: str = "no_kk"
    kind: ClassVar[str] = "domicile"
    level_labels: ClassVar[tuple[str, ...]] = (
        "missing",
        "other kecamatan",
        "same kecamatan",
        "same address, kelurahan or kecamatan differ",
        "same kelurahan",
        "same kelurahan, RT and RW",
        "same address",
        "same KK",
    )
    m_prior: ClassVar[tuple[float, ...] | None] = (0.0, 0.55, 0.15, 0.02, 0.04, 0.02, 0.14, 0.10)
    #: level numbers (see :class:`NameComparison`)
    OTHER_KECAMATAN: ClassVar[int] = 1
    SAME_KECAMATAN: ClassVar[int] = 2
    ADDRESS_ELSEWHERE: ClassVar[int] = 3
    SAME_KELURAHAN: ClassVar[int] = 4
    SAME_RT_RW: ClassVar[int] = 5
    SAME_ADDRESS: ClassVar[int] = 6
    SAME_KK: ClassVar[int] = 7

    @property
    def name(self) -> str:
        """The comparison's name: ``domisili``."""
        return "domisili"

    def available(self, prepared: Prepared) -> bool:
        return any(
            prepared.has(c) for c in ("no_kk", "alamat", "kelurahan", "kecamatan", "kode_pos")
        )

    def compute(self, prepared: Prepared, left: I64, right: I64) -> I8:
        n = len(left)
        out = np.zeros(n, dtype=np.int8)
        if prepared.has("kelurahan") or prepared.has("kecamatan"):
            wilayah = WilayahComparison().compute(prepared, left, right)
            # wilayah levels: missing, other kecamatan, same kecamatan, same kelurahan, RT/RW
            out = np.where(wilayah >= 3, wilayah + 1, wilayah).astype(np.int8)
        # the same address counts in the same kelurahan (a mistyped kecamatan or postcode
        # does not undo it), or, where a kelurahan is unknown, in a kecamatan not known to differ
        kel_ok = out != self.OTHER_KECAMATAN
        if "kelurahan" in prepared.codes:
            a, b = prepared.codes["kelurahan"][left], prepared.codes["kelurahan"][right]
            both = (a >= 0) & (b >= 0)
            # the same kelurahan: one code, or a name one slip apart (the wilayah level)
            kel_ok = np.where(both, (a == b) | (out >= self.SAME_KELURAHAN), kel_ok)
        if "kode_pos" in prepared.codes:
            # one postal code places two records in one kelurahan where the kelurahan is
            # missing, mistyped or renamed (a kelurahan has its own code in most of Indonesia);
            # two codes say nothing more than the names do (a code is easily mistyped)
            a, b = prepared.codes["kode_pos"][left], prepared.codes["kode_pos"][right]
            same_code = (a >= 0) & (a == b)
            out[same_code & (out < self.SAME_KELURAHAN)] = self.SAME_KELURAHAN
            kel_ok = kel_ok | same_code
        if "alamat" in prepared.codes:
            a, b = prepared.codes["alamat"][left], prepared.codes["alamat"][right]
            both = (a >= 0) & (b >= 0)
            out[(out == 0) & both] = self.OTHER_KECAMATAN
            # text similarity only in the same kelurahan: most candidate pairs live in
            # different kelurahan, and there only the very same address counts (a mistyped
            # kelurahan or kecamatan, or one split or renamed)
            # elsewhere, only addresses with the same house number (its digits) are compared
            digits = _address_digits(prepared)
            near = np.flatnonzero(both & (kel_ok | (digits[left] == digits[right])))
            if len(near):
                addr = TextComparison("alamat").compute(prepared, left[near], right[near])
                # one address written with a second line or a building name the other leaves
                # out (``46 hodgson crescent`` / ``46 hodgson crescent karalta park``): every
                # word of one among the other's (token-set ratio, a slip allowed) and the same
                # house number, which an address without digits does not have
                ln, rn = left[near], right[near]
                loose = np.flatnonzero(
                    (addr < 3) & _address_numbered(prepared)[ln] & (digits[ln] == digits[rn])
                )
                if len(loose):
                    codes = prepared.codes["alamat"]
                    contained = _pair_scores(
                        prepared, "alamat", codes[ln[loose]], codes[rn[loose]], fuzz.token_set_ratio
                    )
                    addr[loose[contained >= 88.0]] = 3
                same = near[addr >= 3]
                out[same[kel_ok[same]]] = self.SAME_ADDRESS
                far = same[~kel_ok[same]]
                out[far[out[far] <= self.SAME_KECAMATAN]] = self.ADDRESS_ELSEWHERE
        if "no_kk" in prepared.codes:
            a, b = prepared.codes["no_kk"][left], prepared.codes["no_kk"][right]
            out[(out == 0) & (a >= 0) & (b >= 0)] = self.OTHER_KECAMATAN
            out[(a >= 0) & (a == b)] = self.SAME_KK
        return out


@functools.lru_cache(maxsize=200_000)
def _word_key(word: str) -> tuple[str, ...]:
    return token_keys(word)


def _address_numbered(prepared: Prepared) -> npt.NDArray[np.bool_]:
    """Per record, whether its address carries digits (a house number, a block, an RT).

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["A", "B", "C"], "tanggal_lahir": ["1990-01-01"] * 3,
    ...                           "alamat": ["Jl. Mawar No. 29", "Jl. Mawar", None]}))
    >>> _address_numbered(p).tolist()
    [True, False, False]
    """
    _address_digits(prepared)
    numbered: npt.NDArray[np.bool_] = np.asarray(prepared.cache["address_numbered"], dtype=bool)
    return numbered


def _address_digits(prepared: Prepared) -> I64:
    """Per record, a code of the digits of its address (the house number, block, RT): two
    addresses that differ in them are not one address, whatever their words.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["A", "B", "C"], "tanggal_lahir": ["1990-01-01"] * 3,
    ...                           "alamat": ["Jl. Mawar No. 29", "JL MAWAR 29", "Jl. Mawar 30"]}))
    >>> _address_digits(p).tolist()
    [0, 0, 1]
    """
    cached = prepared.cache.get("address_digits")
    if isinstance(cached, np.ndarray):
        return cached
    values = pd.Series(prepared.values["alamat"], dtype=object).astype(str)
    value_digits, digit_strings = pd.factorize(
        values.str.replace(r"\D+", "", regex=True).to_numpy()
    )
    codes = prepared.codes["alamat"]
    per_record = value_digits.astype(np.int64)[np.maximum(codes, 0)]
    out = np.where(codes >= 0, per_record, -1)
    # the same pass says which addresses have digits at all (see _address_numbered)
    has_digits = np.asarray([bool(d) for d in np.asarray(digit_strings).tolist()], dtype=bool)
    prepared.cache["address_numbered"] = (codes >= 0) & has_digits[per_record]
    prepared.cache["address_digits"] = out
    return out


def _two_names(part: str, word: str, common: frozenset[str], beside: Sequence[str] = ()) -> bool:
    """Whether ``part``, found at the start or end of ``word``, is another name rather than
    ``word`` written joined with another word: both are names in ``common`` use and what is
    left is 3+ letters that are neither a name in common use nor one of the words ``beside``
    ``part`` (``rahma`` in ``rahmawati``, ``darma`` in ``darmawan``; but ``sari`` in
    ``permatasari`` may be ``permata sari`` written as one word, and ``nurul`` is ``nur``
    spelt another way).

    >>> common = frozenset({"rahma", "rahmawati", "sari", "permata", "permatasari", "nur"})
    >>> _two_names("rahma", "rahmawati", common), _two_names("sari", "permatasari", common)
    (True, False)
    >>> _two_names("nur", "nurul", common | {"nurul"})
    False
    """
    if part not in common or word not in common:
        return False
    if word.startswith(part):
        rest = word[len(part) :]
    elif word.endswith(part):
        rest = word[: -len(part)]
    else:
        return False
    return len(rest) >= 3 and rest not in common and rest not in beside


def _split_joined(
    words: list[str], other: list[str], common: frozenset[str] = frozenset()
) -> list[str]:
    """``words`` with a word that begins or ends with a word of ``other`` (3+ letters, and
    3+ letters left) split there: ``wulansuparmi`` against ``wulan susanti`` is ``wulan``
    ``suparmi``, so the given names are compared word with word.

    A word in ``common`` use is not split at another common word unless what is left is a
    word of ``other`` too: ``rahmawati`` and ``rahma`` are two names, not one name written
    with another word joined to it.

    >>> _split_joined(["wulansuparmi"], ["wulan", "susanti"])
    ['wulan', 'suparmi']
    >>> _split_joined(["dewisartika"], ["sartika"]), _split_joined(["wulan"], ["wulan"])
    (['dewi', 'sartika'], ['wulan'])
    >>> common = frozenset({"rahma", "rahmawati", "nur", "hayati", "nurhayati"})
    >>> _split_joined(["rahmawati"], ["rahma"], common)
    ['rahmawati']
    >>> _split_joined(["nurhayati"], ["nur", "hayati"], common)
    ['nur', 'hayati']
    """
    out: list[str] = []
    for word in words:
        for part in other:
            if len(part) >= 3 and len(word) - len(part) >= 3 and part not in words:
                if _two_names(part, word, common, beside=other):
                    continue
                if word.startswith(part):
                    out += [part, word[len(part) :]]
                    break
                if word.endswith(part):
                    out += [word[: -len(part)], part]
                    break
        else:
            out.append(word)
    return out


@functools.lru_cache(maxsize=200_000)
def _has_distinct_word(
    a: str, b: str, *, strict: bool = False, common: frozenset[str] = frozenset()
) -> bool:
    """Whether each of two (normalised) names has a word of 3+ letters that is not the same
    name as any word of the other: the sign of two people (twins) rather than a slip.

    Two words are the same name when their phonetic keys agree (``fitriani``/``pitriani``) or,
    for words of six letters or more, they are one typing slip apart and alike (Jaro-Winkler
    >= 0.9: ``nurjanah``/``nurjanh``).  Short words one letter apart are often two real names
    (``maria``/``marta``, ``rudi``/``rini``), so there only the phonetic key counts, unless
    one of them is no name in ``common`` use (``neok``/``enok``: a slip makes a rare word).  With
    ``strict`` (used across households, where typing slips are the likelier story) words at
    most two edits apart or with Jaro-Winkler >= 0.85 count as the same name (``nuraeni`` /
    ``nurhayati``, 0.83, do not: two names), unless both words are names in ``common`` use and
    more than one slip apart: a slip makes a rare word, not another common name.

    >>> _has_distinct_word("euis nuraeni", "euis nurhayati", strict=True)
    True
    >>> _has_distinct_word("desi maharani", "desi marlina", strict=True)
    False
    >>> common = frozenset({"desi", "maharani", "marlina"})
    >>> _has_distinct_word("desi maharani", "desi marlina", strict=True, common=common)
    True
    >>> _has_distinct_word("desi maharani", "desi marhani", strict=True, common=common)
    False

    >>> _has_distinct_word("fahri hakim", "fahri hidayat")
    True
    >>> _has_distinct_word("lilis setiawati sumiati", "lilis setiawati setiawati")
    True
    >>> _has_distinct_word("maria br situmorang", "marta br situmorang")
    True

    A lone ``M.`` is normalised as ``muhammad`` but is as often another name's initial:

    >>> _has_distinct_word("muhammad salmah", "minan salmah", strict=True)
    False
    >>> _has_distinct_word("enok sari", "neok sari", common=frozenset({"enok", "sari"}))
    False
    >>> _has_distinct_word("rina sari", "rini sari", common=frozenset({"rina", "rini", "sari"}))
    True
    >>> _has_distinct_word("budi ramadhan", "budi ramadahn"), _has_distinct_word("ani", "ani s")
    (False, False)
    >>> _has_distinct_word("maria fernandez", "maria fernnadej", strict=True)
    False
    >>> _has_distinct_word("endangkurniasih", "endang kurniasih wahyuni")
    False

    A word inside a word of the other name is that word written joined to another
    (``dewisartika`` / ``dewi sartika``), unless both are names in common use: then they are
    two names, as twins are often given:

    >>> common = frozenset({"aisyah", "rahma", "rahmawati"})
    >>> _has_distinct_word("aisyah rahma", "aisyah rahmawati", strict=True, common=common)
    True
    >>> _has_distinct_word("aisyah rahma", "aisyah rahmawati", strict=True)
    False

    Words split or joined differently and one typing slip apart as a whole are one name:

    >>> _has_distinct_word("meilanigunwan", "meilani gunawan")
    False
    """
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    if (
        len(a.split()) != len(b.split())
        and min(len(compact_a), len(compact_b)) >= 8
        and distance.OSA.distance(compact_a, compact_b) <= 1
    ):
        return False
    words_a = _split_joined(a.split(), b.split(), common)
    words_b = _split_joined(b.split(), a.split(), common)
    la = [w for w in words_a if len(w) >= 3]
    lb = [w for w in words_b if len(w) >= 3]
    sa, sb = set(la), set(lb)
    if len(sa) == len(la) and len(sb) == len(lb):  # no repeated word: sets suffice
        only_a = [w for w in la if w not in sb]
        only_b = [w for w in lb if w not in sa]
    else:  # a repeated word counts as often as it is written
        wa, wb = Counter(la), Counter(lb)
        only_a = list((wa - wb).elements())
        only_b = list((wb - wa).elements())
    if not only_a or not only_b:
        return False
    joined_a, joined_b = "".join(only_a), "".join(only_b)

    def same_name(x: str, y: str) -> bool:
        if _word_key(x) == _word_key(y):
            return True
        if "muhammad" in (x, y) and x[0] == y[0]:  # a lone ``M.`` is read as ``muhammad``
            return True
        if strict:  # two slips, or alike (nuraeni / nurhayati, JW 0.83, are two names)
            if x in common and y in common and distance.OSA.distance(x, y) > 1:
                return False
            return bool(
                distance.OSA.distance(x, y) <= 2
                or distance.JaroWinkler.normalized_similarity(x, y) >= 0.85
            )
        slip = distance.OSA.distance(x, y) <= 1
        if slip and common and (x not in common or y not in common):
            return True  # a slip makes a rare word (neok / enok), not another name in use
        return bool(
            slip
            and min(len(x), len(y)) >= 6
            and distance.JaroWinkler.normalized_similarity(x, y) >= 0.9
        )

    def inside(x: str, joined: str, words: list[str]) -> bool:
        # part of the other name written as one word (joined / split): no sign, unless both
        # are names in common use (``rahma`` in ``rahmawati``: two names)
        if x not in joined:
            return False
        hosts = [w for w in words if x in w]
        return not (hosts and all(_two_names(x, w, common) for w in hosts))

    lonely_a = any(
        not inside(x, joined_b, only_b) and not any(same_name(x, y) for y in only_b) for x in only_a
    )
    lonely_b = any(
        not inside(y, joined_a, only_a) and not any(same_name(y, x) for x in only_a) for y in only_b
    )
    return lonely_a and lonely_b


#: the parents' names that tie children to one family (either one will do)
_PARENT_COLUMNS = ("nama_ibu", "nama_ayah")


@dataclass(frozen=True)
class HouseholdComparison(Comparison):
    """Household context with fixed weights, so that twins and family members are not merged.

    *Same household*: the same KK number, or the same mother's or father's name (``nama_ibu``,
    ``nama_ayah``, whichever the data have) in the same kelurahan.  A parent's name agrees when
    it is the same name (exact, phonetic key, reordered words or by initials:
    ``S. Purnamasari`` / ``Sri Purnamasari``).  Levels and their fixed weights:

    - **twins** (``-50`` bits): on one KK, the very same birth date and names that are not one
      name (short of the same phonetic key); or, on one KK, birth dates equal or one typing
      slip / a day-month swap apart and a name word the other record lacks; or, with the same
      parent's name anywhere (adult twins live apart; a typing slip in a parent's name
      counts as the same), such dates and a *clearly* different name word (typing slips are
      the likelier story off one KK);
    - **parent/child** (``-50``): same household, agreeing names, birth dates 12+ years apart
      that are not one typing slip apart;
    - **another family member** (``-40``): same household, or the same parent's name anywhere
      (grown siblings live apart), and birth dates neither equal nor one slip apart ("within a
      year" counts as unrelated here: siblings are born 10 months apart), except the same
      name (or phonetic key) within a year in one household: parents do not give two living
      children one name, so that is one person with a mistyped date; off one household a
      default date (1 Jan, 1 Jul, 31 Dec) on either side is no sign, as it may stand for an
      unknown one;
    - same household, consistent / not the same household (``0``).

    The weights are not learned by EM (random pairs almost never share a household, so ``u``
    cannot tell this story) and are large on purpose: a household shares KK, address and
    mother's name, so siblings agree on every household field at once, and only a veto-sized
    weight keeps that correlated evidence (up to ~45 bits with both parents' names) from
    outvoting the one thing that tells them apart.
    EM itself sees these weights (as a fixed offset), so it does not take siblings for matches.

    >>> HouseholdComparison().fixed_weights[2]
    -50.0
    """

    column: str = "no_kk"
    kind: ClassVar[str] = "household"
    level_labels: ClassVar[tuple[str, ...]] = (
        "not the same household (or unknown)",
        "same household, consistent",
        "same household, same birth date (or one slip apart), a different name word (twins)",
        "same household and name, a generation apart (parent/child pattern)",
        "same household, unrelated birth dates (another member of the family)",
    )
    fixed_weights: ClassVar[Mapping[int, float] | None] = {
        0: 0.0,
        1: 0.0,
        2: -50.0,
        3: -50.0,
        4: -40.0,
    }

    @property
    def name(self) -> str:
        """The comparison's name: ``household``."""
        return "household"

    def available(self, prepared: Prepared) -> bool:
        return (prepared.has("no_kk") or prepared.has("nama_ibu")) and prepared.has("nama")

    def compute(
        self,
        prepared: Prepared,
        left: I64,
        right: I64,
        *,
        known: Mapping[str, I8] | None = None,
    ) -> I8:
        """Household levels; ``known`` may hold the ``nama``/``tanggal_lahir`` levels of the
        same pairs (from :func:`compare`), which are then not computed twice."""
        Name, Date = NameComparison, DateComparison  # their level constants
        n = len(left)
        same_kk = np.zeros(n, bool)
        if "no_kk" in prepared.codes:
            a, b = prepared.codes["no_kk"][left], prepared.codes["no_kk"][right]
            same_kk = (a >= 0) & (a == b)
        same_parent = np.zeros(n, bool)
        same_kel = np.ones(n, bool)
        close_parent = np.zeros(n, bool)
        for parent in _PARENT_COLUMNS:
            parent_lv = None
            if known is not None and parent in known:
                parent_lv = known[parent]
            elif parent in prepared.codes:
                parent_lv = NameComparison(parent).compute(prepared, left, right)
            if parent_lv is not None:
                # a parent's name agrees as a name: exact, same key, reordered or by initials;
                # for twins also a typing slip in it (``sri awhyuni`` / ``sri wahyuni``)
                same_parent |= parent_lv >= Name.INITIALS
                close_parent |= parent_lv >= Name.VERY_SIMILAR
        if "kelurahan" in prepared.codes:
            ka, kb = prepared.codes["kelurahan"][left], prepared.codes["kelurahan"][right]
            same_kel = (ka >= 0) & (ka == kb)
        # the same dwelling (address in the same kelurahan): twins moved out of the family KK
        # together keep it, even when the parents' names are missing
        same_home = np.zeros(n, bool)
        if "alamat" in prepared.codes:
            a, b = prepared.codes["alamat"][left], prepared.codes["alamat"][right]
            same_home = (a >= 0) & (a == b) & same_kel
        related = same_kk | close_parent | same_home
        if "nik" in prepared.codes:  # one NIK is one registration: never twins or siblings
            na, nb = prepared.codes["nik"][left], prepared.codes["nik"][right]
            related &= ~((na >= 0) & (na == nb))
        out = np.zeros(n, dtype=np.int8)
        if not related.any():
            return out
        idx = np.flatnonzero(related)
        hl, hr = left[idx], right[idx]
        kk, mo = same_kk[idx], same_parent[idx]
        near_mo = close_parent[idx] | same_home[idx]
        house = kk | (mo & same_kel[idx])  # living together
        dl, dr = prepared.dob[hl], prepared.dob[hr]
        dates_ok = (dl != MISSING_DAY) & (dr != MISSING_DAY)
        known = known or {}
        if "tanggal_lahir" in known:
            date_lv = known["tanggal_lahir"][idx]
        else:
            date_lv = DateComparison("tanggal_lahir").compute(prepared, hl, hr)
        if "nama" in known:
            name_lv = known["nama"][idx]
        elif "nama" in prepared.codes:
            name_lv = NameComparison("nama").compute(prepared, hl, hr)
        else:
            name_lv = np.zeros(len(idx), np.int8)
        # born the same day (or one typing slip / a swap apart) with a name word the other record
        # lacks: twins.  Off one KK (adult twins live apart; a parent's name is shared by many)
        # the word must be clearly different, since typing slips are the likelier story there.
        near_date = dates_ok & (date_lv >= Date.ONE_DIGIT)
        twins = np.zeros(len(idx), bool)
        codes, vals = prepared.codes["nama"], prepared.values["nama"]
        common = common_name_words(prepared)
        not_one = (name_lv >= Name.DIFFERENT) & (name_lv <= Name.VERY_SIMILAR)
        for together in (True, False):
            cand = near_date & not_one & (kk if together else ~kk & near_mo)
            if not cand.any():
                continue
            ci = np.flatnonzero(cand)
            ul, ur, inv = _distinct_pairs(codes[hl[ci]], codes[hr[ci]])
            distinct = np.array(
                [
                    _has_distinct_word(str(a), str(b), strict=not together, common=common)
                    for a, b in zip(vals[ul], vals[ur], strict=True)
                ],
                dtype=bool,
            )
            twins[ci] = distinct[inv]
        # one KK, the very same birth date, names that are not one name: twins, the common
        # story by far (a person entered twice on one card usually differs in the date too)
        short_of_key = (name_lv >= Name.DIFFERENT) & (name_lv <= Name.REORDERED)
        twins |= kk & dates_ok & (date_lv >= Date.EXACT_DEFAULT) & short_of_key
        gap = np.abs(dl.astype(np.int64) - dr.astype(np.int64)) >= 12 * 365
        unrelated_dates = date_lv <= Date.DEFAULT_YEAR  # a default date tells no relation
        parent = house & dates_ok & gap & (name_lv >= Name.REORDERED) & unrelated_dates
        # children of one parent born on unrelated dates are siblings, wherever they live now;
        # a default date (1 Jan, 1 Jul, 31 Dec) may stand in for an unknown one, so it is no sign
        default = _date_table(prepared).default
        on_default = default[hl] | default[hr]
        # in one household the same name (or key) within a year is one person entered twice
        # with a mistyped date, not a brother or sister: parents do not give two living
        # children one name.  Apart, the same name and parent's name on dates a year apart
        # are still two people (a parent's name is shared by many; so are common names).
        within_year = (date_lv == Date.WITHIN_YEAR) | (date_lv == Date.DEFAULT_YEAR)
        one_name = within_year & (name_lv >= Name.KEY)
        family = dates_ok & unrelated_dates & ~(house & one_name) & (house | (mo & ~on_default))
        lv = np.zeros(len(idx), dtype=np.int8)
        lv[house] = 1
        lv[family] = 4
        lv[twins] = 2
        lv[parent] = 3
        out[idx] = lv
        return out


COMPARISON_KINDS: Mapping[str, type[Comparison]] = {
    "name": NameComparison,
    "date": DateComparison,
    "nik": NIKComparison,
    "exact": ExactComparison,
    "text": TextComparison,
    "identifier": IdentifierComparison,
    "wilayah": WilayahComparison,
    "domicile": DomicileComparison,
    "household": HouseholdComparison,
}


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a comparison from :meth:`Comparison.to_dict`.

    >>> comparison_from_dict({"kind": "exact", "column": "no_kk", "tf": False})
    ExactComparison(column='no_kk', tf=False)
    """
    kind = data.get("kind")
    if kind not in COMPARISON_KINDS:
        raise ValueError(f"unknown comparison kind {kind!r}")
    cls = COMPARISON_KINDS[str(kind)]
    kwargs = {k: v for k, v in data.items() if k != "kind"}
    return cls(**kwargs)


def default_comparisons(prepared: Prepared) -> list[Comparison]:
    """The default comparisons for the canonical columns present in ``prepared``.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Budi"], "tanggal_lahir": ["1990-01-01"]}))
    >>> [c.name for c in default_comparisons(p)]
    ['nama', 'tanggal_lahir']
    """
    candidates: list[Comparison] = [
        NameComparison("nama"),
        DateComparison("tanggal_lahir"),
        NIKComparison("nik"),
        ExactComparison("jenis_kelamin"),
        NameComparison("nama_ibu"),
        NameComparison("nama_ayah"),
        DomicileComparison(),
        TextComparison("tempat_lahir", tf=True),
        # a religion is recorded once and seldom changes: agreement on a rare one says
        # something, disagreement more (two namesakes of two faiths)
        ExactComparison("agama", tf=True),
        IdentifierComparison("no_identitas"),
    ]
    return [c for c in candidates if c.available(prepared)]


@dataclass
class ComparisonVectors:
    """Levels of every comparison for a set of pairs (one ``int8`` column per comparison)."""

    left: I64
    right: I64
    levels: npt.NDArray[np.int8]  # shape (n_pairs, n_comparisons)
    names: Sequence[str] = field(default_factory=list)


def compare(
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    left: I64,
    right: I64,
    *,
    extras: dict[str, tuple[F64, I64]] | None = None,
) -> npt.NDArray[np.int8]:
    """Levels of all comparisons for the pairs, shape ``(n_pairs, n_comparisons)``.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Budi", "Budi"], "tanggal_lahir": ["1990-01-01", None]}))
    >>> compare(default_comparisons(p), p, np.array([0]), np.array([1])).tolist()
    [[10, 0]]
    """
    out = np.zeros((len(left), len(comparisons)), dtype=np.int8)
    known: dict[str, I8] = {}
    for j, comp in enumerate(comparisons):
        if not comp.available(prepared):
            continue  # a reused model on data without this column: level 0, no evidence
        if isinstance(comp, HouseholdComparison):
            out[:, j] = comp.compute(prepared, left, right, known=known)
        elif isinstance(comp, NameComparison):
            out[:, j] = comp.compute(prepared, left, right, extras=extras)
            known[comp.name] = out[:, j]
        else:
            out[:, j] = comp.compute(prepared, left, right)
            known[comp.name] = out[:, j]
    return out


#: Pairs at or above this many are compared by :func:`compare_in_parts` in two threads.
PARALLEL_PAIRS = 200_000


def compare_in_parts(
    comparisons: Sequence[Comparison],
    prepared: Prepared,
    left: I64,
    right: I64,
    *,
    threads: int = 2,
) -> npt.NDArray[np.int8]:
    """:func:`compare`, over many pairs in ``threads`` threads: the first quarter alone (it
    builds the shared caches: name indexes, term frequencies), the rest in parallel (numpy
    and rapidfuzz release Python's lock).  Levels are joined in order: the result is
    :func:`compare`'s, whatever the threads do.

    >>> import pandas as pd
    >>> from nikmatch.prepare import prepare
    >>> p = prepare(pd.DataFrame({"nama": ["Budi", "Budi", "Ani"] * 3,
    ...                           "tanggal_lahir": ["1990-01-01"] * 9}))
    >>> l, r = np.arange(8), np.arange(1, 9)
    >>> comps = default_comparisons(p)
    >>> bool((compare_in_parts(comps, p, l, r) == compare(comps, p, l, r)).all())
    True
    """
    if len(left) < PARALLEL_PAIRS or threads < 2:
        return compare(comparisons, prepared, left, right)
    bounds = np.linspace(0, len(left), 2 * threads + 1).astype(np.int64)
    parts = [(left[a:b], right[a:b]) for a, b in itertools.pairwise(bounds)]
    first = compare(comparisons, prepared, *parts[0])
    with ThreadPoolExecutor(max_workers=threads) as pool:
        rest = list(pool.map(lambda lr: compare(comparisons, prepared, *lr), parts[1:]))
    return np.concatenate([first, *rest])

