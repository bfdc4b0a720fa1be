"""Prepare records once: clean, normalise and encode every *distinct* value.

:func:`prepare` turns a frame with canonical columns (see :mod:`nikmatch.schema`) into a
:class:`Prepared` table of integer arrays: for each field an ``int32`` code per record
(``-1`` = missing) and the distinct normalised values behind the codes.  Everything downstream
(blocking, comparisons, training, scoring) works on these arrays, never on Python objects per
record or per pair.

For linkage both frames are prepared together (:func:`prepare_link`), so codes are shared and a
``source`` array says which side each record comes from.

>>> import pandas as pd
>>> df = pd.DataFrame({"nama": ["Moch. Rizki", "MUHAMAD RIZKI", None],
...                    "tanggal_lahir": ["01-07-1990", "1990-07-01", "bad"]})
>>> p = prepare(df)
>>> p.n, p.values["nama"].tolist()
(3, ['muhammad rizki'])
>>> p.codes["nama"].tolist()
[0, 0, -1]
>>> p.flags.tolist()
['', '', 'nama_missing;tanggal_lahir_unreadable']
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.check import check_niks
from nikmatch.dates import MISSING_DAY, day_parts, parse_dates
from nikmatch.errors import SchemaError
from nikmatch.names import normalize_names, token_key
from nikmatch.names._batch import batch_keys
from nikmatch.names.normalize import _given_of_normalized
from nikmatch.names.tables import default_rules
from nikmatch.nik import clean_value
from nikmatch.schema import ColumnMapping, canonical_frame
from nikmatch.text import factorize_folded, fold_text, unusable_cells

__all__ = [
    "KEY_FIELDS",
    "SORT_FIELDS",
    "GlobalStats",
    "Prepared",
    "link_prepared",
    "prepare",
    "prepare_link",
]

I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def _take(table: npt.ArrayLike, codes: npt.NDArray[np.integer[Any]], missing: int = -1) -> I64:
    """``table[codes]`` where ``codes >= 0``, else ``missing`` (safe on an empty ``table``).

    >>> _take(np.array([], dtype=np.int64), np.array([-1, -1])).tolist()
    [-1, -1]
    """
    arr = np.asarray(table)
    out = np.full(len(codes), missing, dtype=np.int64)
    ok = codes >= 0
    if ok.any():
        out[ok] = arr[codes[ok]]
    return out


#: Prepared fields usable as blocking keys (when their column is present).
KEY_FIELDS: tuple[str, ...] = (
    "nik",
    "nik_date",
    "nama",
    "nama_key",
    "given_key",
    "last_key",
    "tanggal_lahir",
    "birth_year",
    "birth_day",
    "birth_month",
    "initial",
    "nama_ibu",
    "nama_ibu_key",
    "nama_ayah",
    "nama_ayah_key",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "kelurahan",
    "kecamatan",
    "kode_pos",
    "jenis_kelamin",
    "tempat_lahir",
    "no_identitas",
)
#: Prepared sort fields usable by :class:`~nikmatch.blocking.SortedNeighbourhood`.
SORT_FIELDS: tuple[str, ...] = ("nama_key_dob", "no_identitas_sorted", "no_identitas_reversed")

_NAME_COLUMNS = ("nama", "nama_ibu", "nama_ayah")
_TEXT_COLUMNS = (
    "tempat_lahir",
    "alamat",
    "kelurahan",
    "kecamatan",
    "rt",
    "rw",
    "agama",
    "pekerjaan",
    "no_identitas",
    "kode_pos",
)


#: Per-column normalisation of a folded value, applied once per distinct value: RT/RW without
#: leading zeros ("003" and "3" are one RT), a postal code as its digits ("35.141",
#: "kode pos 35141"); a value left empty is missing.
_VALUE_NORMALISERS: dict[str, Callable[[str], str]] = {
    "rt": lambda s: s.lstrip("0") or "0",
    "rw": lambda s: s.lstrip("0") or "0",
    "kode_pos": lambda s: re.sub(r"\D", "", s),
    "agama": lambda s: _religion(s),
}

#: Religions as SIAK records them, by the start of the written word (``KATHOLIK`` and
#: ``KATOLIK``, ``BUDHA`` and ``BUDDHA`` are one religion).
_RELIGIONS = (
    ("isl", "islam"),
    ("kris", "kristen"),
    ("prot", "kristen"),
    ("kat", "katolik"),
    ("hin", "hindu"),
    ("bud", "buddha"),
    ("kon", "konghucu"),
    ("khon", "konghucu"),
    ("kep", "kepercayaan"),
    ("peng", "kepercayaan"),
)


def _religion(text: str) -> str:
    """One spelling per religion; anything else as written.

    >>> _religion("kathoolik"), _religion("budha"), _religion("islam"), _religion("lainnya")
    ('katolik', 'buddha', 'islam', 'lainnya')
    """
    word = text.strip()
    for start, name in _RELIGIONS:
        if word.startswith(start):
            return name
    return word


def _all_str(values: npt.NDArray[np.object_]) -> bool:
    """Whether every element of an object array is a ``str`` (checked in C)."""
    return bool(pd.api.types.infer_dtype(values, skipna=False) == "string")


@dataclass(frozen=True)
class GlobalStats:
    """What a *part* of a job's records needs to know of the whole (:mod:`nikmatch.stats`).

    Comparisons and term-frequency adjustments read a few statistics of the whole register:
    how many records hold each name word (is a word a name in use, or a typing slip?), how
    common a value is among the people of the register, the average of that over the records.
    On one machine they are counted on the whole :class:`Prepared`; on a cluster each
    partition holds some records only, so the statistics are aggregated once over all of them
    and handed to every partition with this object (small: words, totals and a few averages)
    plus per-record columns (each record's value's count of people, ``_tfp_<field>``), read
    by :meth:`Prepared.from_frame`.  A :class:`Prepared` with ``stats`` answers every such
    question from them, so a pair is compared and weighed the same wherever it is.

    ``present``: fields with a value in some record of the job (:meth:`Prepared.has`);
    ``tf_source``: the side term frequencies and word counts are counted on (``None``: all
    records; ``1``: the register of a link); ``word_counts`` / ``word_records`` /
    ``key_counts``: per name column, records holding each word, records with a name, records
    holding a word of each phonetic key; ``tf_totals``: per field (``"a+b"`` for a pair of
    fields), records holding a value; ``tf_references``: :func:`tf_reference` per
    :func:`reference_key`.
    """

    present: frozenset[str]
    tf_source: int | None = None
    word_counts: dict[str, pd.Series] = field(default_factory=dict)
    word_records: dict[str, int] = field(default_factory=dict)
    key_counts: dict[str, pd.Series] = field(default_factory=dict)
    tf_totals: dict[str, float] = field(default_factory=dict)
    tf_references: dict[str, float] = field(default_factory=dict)


def reference_key(field_name: str, scope: str | None, others: bool) -> str:
    """The key of a term-frequency reference in :attr:`GlobalStats.tf_references`.

    >>> reference_key("tanggal_lahir", "default", False)
    'tanggal_lahir|default|False'
    """
    return f"{field_name}|{scope or ''}|{others}"


#: Column prefixes of :meth:`Prepared.to_frame`: a field's value, each record's count of
#: people holding its value (see :class:`GlobalStats`).
VALUE_PREFIX = "_v_"
PEOPLE_PREFIX = "_tfp_"
#: Fields rebuilt from other columns by :meth:`Prepared.from_frame` (not stored).
_DERIVED_FIELDS = frozenset({"tanggal_lahir", "nik_date"})


def people_column(field_name: str) -> str:
    """The per-record column of people counts of a field (``a+b``: a pair of fields).

    >>> people_column("nama"), people_column("nama+nama_ibu")
    ('_tfp_nama', '_tfp_nama__nama_ibu')
    """
    return PEOPLE_PREFIX + field_name.replace("+", "__")


@dataclass
class Prepared:
    """Encoded records: integer codes per field plus the distinct values behind them.

    Attributes
    ----------
    n: number of records.
    index: the input frame's index (labels for results; duplicates allowed).
    codes: field -> ``int32`` code per record, ``-1`` where missing.
    values: field -> array of distinct normalised values (``codes`` index into it).
    dob: birth date as ``int32`` days since 1970 (:data:`~nikmatch.dates.MISSING_DAY` missing);
        taken from ``tanggal_lahir``, else decoded from a valid NIK.
    sex: ``int8`` 0 missing, 1 laki-laki, 2 perempuan; from ``jenis_kelamin``, else the NIK.
    source: ``int8`` per record, 0 (list / only frame) or 1 (register); linkage only.
    flags: per record, ';'-joined notes on unusable values (missing name, unreadable date...).
    columns: the canonical columns that were present.

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Budi Santoso", "BOEDI SANTOSO", None],
    ...                           "tanggal_lahir": ["1980-01-02"] * 3}))
    >>> p.n, p.codes["nama"].tolist(), p.values["nama"].tolist()
    (3, [0, 0, -1], ['budi santoso'])
    """

    n: int
    index: pd.Index
    codes: dict[str, I32]
    values: dict[str, npt.NDArray[np.object_]]
    dob: I32
    sex: npt.NDArray[np.int8]
    source: npt.NDArray[np.int8] | None
    flags: pd.Series
    columns: tuple[str, ...]
    nik_digits: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros((0, 16), np.uint8))
    nik_report: pd.DataFrame | None = None
    #: per-frame memo of derived structures (name indexes...); never part of results
    cache: dict[str, object] = field(default_factory=dict, repr=False)
    #: statistics of the whole job when these records are a part of it (a partition on a
    #: cluster): read instead of counting on these records (see :class:`GlobalStats`)
    stats: GlobalStats | None = field(default=None, repr=False)
    #: with ``stats``: per field (``"a+b"`` for a pair), each record's count of people
    #: holding its value on the job's term-frequency side
    tf_people: dict[str, I64] = field(default_factory=dict, repr=False)

    def has(self, name: str) -> bool:
        """Whether a field is available and has at least one non-missing value.

        >>> import pandas as pd
        >>> p = prepare(pd.DataFrame({"nama": ["Budi Santoso"], "tanggal_lahir": ["1980-01-02"]}))
        >>> p.has("nama"), p.has("nama_ibu")
        (True, False)
        """
        if self.stats is not None:  # a part of a job: what the whole job holds
            return name in self.stats.present
        if name == "tanggal_lahir":
            return bool((self.dob != MISSING_DAY).any())
        if name == "jenis_kelamin":
            return bool((self.sex > 0).any())
        return name in self.codes and bool((self.codes[name] >= 0).any())

    def content_rank(self) -> I64:
        """A rank per record from its values alone (not its position): training samples
        records in this order, so shuffling the input rows changes no sampled pair and no
        model.  Records with identical values tie (and are interchangeable).

        >>> import pandas as pd
        >>> df = pd.DataFrame({"nama": ["Ani", "Budi", "Citra"],
        ...                    "tanggal_lahir": ["1990-01-01"] * 3})
        >>> a = prepare(df).content_rank()
        >>> b = prepare(df.iloc[[2, 0, 1]]).content_rank()
        >>> a.tolist() == b[[1, 2, 0]].tolist()
        True
        """
        cached = self.cache.get("content_rank")
        if isinstance(cached, np.ndarray):
            return cached
        mix = np.zeros(self.n, dtype=np.uint64)
        for name in sorted(self.codes):
            vals = self.values[name]
            # the values of a field are distinct already: no categorising pass
            texts = vals if vals.dtype == object and _all_str(vals) else vals.astype(str)
            h = (
                pd.util.hash_array(np.asarray(texts, dtype=object), categorize=False)
                if len(vals)
                else np.zeros(0, np.uint64)
            )
            codes = self.codes[name]
            per = np.where(codes >= 0, h[np.maximum(codes, 0)] if len(h) else 0, np.uint64(7))
            mix = (mix * np.uint64(1_000_003)) ^ per.astype(np.uint64)
        mix = (mix * np.uint64(1_000_003)) ^ self.dob.astype(np.int64).astype(np.uint64)
        mix = (mix * np.uint64(1_000_003)) ^ self.sex.astype(np.uint64)
        rank = np.empty(self.n, dtype=np.int64)
        rank[np.argsort(mix, kind="stable")] = np.arange(self.n)
        self.cache["content_rank"] = rank
        return rank

    def keys(self) -> dict[str, I64]:
        """Blocking keys (int64, -1 missing) for every available key field.

        >>> import pandas as pd
        >>> p = prepare(pd.DataFrame({"nama": ["Budi Santoso", "BOEDI SANTOSO"],
        ...                           "tanggal_lahir": ["1980-01-02", "02-01-1980"]}))
        >>> k = p.keys()
        >>> same = lambda f: bool(k[f][0] == k[f][1])
        >>> same("nama_key"), same("tanggal_lahir")
        (True, True)
        >>> int(k["birth_year"][0]), int(k["birth_day"][0])  # the year; month * 100 + day
        (1980, 102)

        Computed once per prepared table (training and scoring ask several times); each call
        returns a new dict over the same read-only arrays.
        """
        cached = self.cache.get("keys")
        if isinstance(cached, dict):
            return dict(cached)
        out = self._compute_keys()
        for array in out.values():
            array.setflags(write=False)
        self.cache["keys"] = out
        return dict(out)

    def date_parts(
        self,
    ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int8], npt.NDArray[np.int8]]:
        """Year, month and day of each record's birth date (0 where missing), split once.

        >>> import pandas as pd
        >>> p = prepare(pd.DataFrame({"nama": ["Budi", "Ani"],
        ...                           "tanggal_lahir": ["1980-01-02", ""]}))
        >>> [part.tolist() for part in p.date_parts()]
        [[1980, 0], [1, 0], [2, 0]]
        """
        cached = self.cache.get("date_parts")
        if isinstance(cached, tuple):
            return cached
        parts = day_parts(self.dob)
        for array in parts:
            array.setflags(write=False)
        self.cache["date_parts"] = parts
        return parts

    def _compute_keys(self) -> dict[str, I64]:
        out: dict[str, I64] = {}
        for name, codes in self.codes.items():
            out[name] = codes.astype(np.int64)
        for column in WORD_COLUMNS:  # each record's words, for WordBlock rules (CSR layout)
            if column in self.codes:
                out[f"{column}_word_start"], out[f"{column}_words"] = record_word_tokens(
                    self, column
                )
        missing = self.dob == MISSING_DAY
        years, months, days = self.date_parts()
        out["birth_year"] = np.where(missing, -1, years.astype(np.int64))
        # the birthday without its year (month * 100 + day): survives a slip in the year
        out["birth_day"] = np.where(
            missing, -1, months.astype(np.int64) * 100 + days.astype(np.int64)
        )
        # the year and month (year * 100 + month): survives a slip in the day
        out["birth_month"] = np.where(
            missing, -1, years.astype(np.int64) * 100 + months.astype(np.int64)
        )
        out["jenis_kelamin"] = np.where(self.sex > 0, self.sex.astype(np.int64), -1)
        if "nama_key" in self.codes:
            # first letter of the phonetic key: with the birth date, a block that survives any
            # slip after the first letter (saleh / salhe) and stays small at a million records
            first = np.array([ord(str(v)[:1] or " ") for v in self.values["nama_key"]], np.int64)
            kc = self.codes["nama_key"]
            out["initial"] = _take(first, kc)
        if "nama_key" in self.codes:
            key_codes = self.codes["nama_key"]
            uniq = self.values["nama_key"]
            rank_of_code = np.empty(len(uniq), dtype=np.int64)
            rank_of_code[np.argsort(uniq.astype(str), kind="stable")] = np.arange(len(uniq))
            ok = (key_codes >= 0) & ~missing
            rank = np.maximum(_take(rank_of_code, key_codes), 0)
            out["nama_key_dob"] = np.where(
                ok, rank * (1 << 20) + (self.dob.astype(np.int64) + 300_000), -1
            )
        if "no_identitas" in self.codes:
            # an identifier with a typing slip sorts next to the right one: by its digits for a
            # slip late in the number, by its digits read backwards for one early in it
            ident = self.codes["no_identitas"]
            texts = self.values["no_identitas"].astype(str)
            for name, sort_texts in (
                ("no_identitas_sorted", texts),
                ("no_identitas_reversed", np.asarray([t[::-1] for t in texts.tolist()], str)),
            ):
                rank_of_code = np.empty(len(texts), dtype=np.int64)
                rank_of_code[np.argsort(sort_texts, kind="stable")] = np.arange(len(texts))
                out[name] = np.where(ident >= 0, _take(rank_of_code, ident), -1)
        return out

    def labels(
        self, positions: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.object_] | npt.NDArray[np.int64]:
        """Index labels of record positions."""
        return np.asarray(self.index)[positions]

    def to_frame(self, *, words: bool = False) -> pd.DataFrame:
        """The records as a flat frame of their *normalised* values, one row per record: what
        a cluster moves between machines (no codes: codes are local to one table).
        :meth:`from_frame` reads it back.  With ``words``, each record's name and address
        word tokens (for :class:`~nikmatch.blocking.WordBlock` rules) as lists.

        >>> import pandas as pd
        >>> p = prepare(pd.DataFrame({"nama": ["Moch. Rizki", None],
        ...                           "tanggal_lahir": ["1990-07-01", "1991-01-02"]}))
        >>> frame = p.to_frame()
        >>> frame["_v_nama"].tolist(), frame["_dob"].tolist()
        (['muhammad rizki', None], [7486, 7671])
        >>> q = Prepared.from_frame(frame, columns=p.columns)
        >>> q.values["nama"].tolist(), q.codes["tanggal_lahir"].tolist()
        (['muhammad rizki'], [0, 1])
        """
        data: dict[str, Any] = {}
        for name in sorted(self.codes):
            if name in _DERIVED_FIELDS:
                continue
            codes = self.codes[name]
            column = np.full(self.n, None, dtype=object)
            ok = codes >= 0
            column[ok] = self.values[name][codes[ok]]
            data[VALUE_PREFIX + name] = pd.Series(column, dtype=object)
        data["_dob"] = self.dob.astype(np.int32)
        data["_sex"] = self.sex.astype(np.int8)
        data["_flags"] = pd.Series(self.flags.to_numpy(dtype=object), dtype=object)
        if self.source is not None:
            data["_source"] = self.source.astype(np.int8)
        report = self.nik_report
        if report is not None:
            for col in ("severity", "problems"):
                if col in report.columns:
                    data[f"_nik_{col}"] = pd.Series(
                        report[col].astype(str).to_numpy(dtype=object), dtype=object
                    )
        for name, people in self.tf_people.items():
            data[people_column(name)] = people
        if words:
            keys = self.keys()
            for word_column in WORD_COLUMNS:
                if f"{word_column}_words" in keys:
                    start = keys[f"{word_column}_word_start"]
                    tokens = keys[f"{word_column}_words"]
                    data[f"_w_{word_column}"] = pd.Series(
                        [tokens[a:b] for a, b in itertools.pairwise(start.tolist())],
                        dtype=object,
                    )
        frame: pd.DataFrame = pd.DataFrame(data, index=pd.RangeIndex(self.n))
        return frame

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        columns: tuple[str, ...],
        stats: GlobalStats | None = None,
        index: pd.Index | None = None,
    ) -> Prepared:
        """Records written by :meth:`to_frame` (a partition of them, say), coded afresh.
        With ``stats`` (the whole job's, :class:`GlobalStats`) the records answer every
        question about the job as the whole would; ``frame``'s ``_tfp_`` columns are the
        records' people counts.  ``columns``: the input's canonical columns."""
        n = len(frame)
        codes: dict[str, I32] = {}
        values: dict[str, npt.NDArray[np.object_]] = {}
        tf_people: dict[str, I64] = {}
        for col in frame.columns:
            if col.startswith(VALUE_PREFIX):
                name = col[len(VALUE_PREFIX) :]
                c, v = pd.factorize(frame[col].to_numpy(dtype=object), use_na_sentinel=True)
                codes[name] = c.astype(np.int32)
                values[name] = np.asarray(v, dtype=object)
            elif col.startswith(PEOPLE_PREFIX):
                name = col[len(PEOPLE_PREFIX) :].replace("__", "+")
                tf_people[name] = frame[col].to_numpy(dtype=np.int64)
        dob = frame["_dob"].to_numpy(dtype=np.int32)
        dob_codes, dob_values = pd.factorize(
            np.where(dob == MISSING_DAY, -(2**40), dob.astype(np.int64))
        )
        codes["tanggal_lahir"] = np.where(dob == MISSING_DAY, -1, dob_codes).astype(np.int32)
        values["tanggal_lahir"] = np.asarray(dob_values, dtype=object)
        nik_digits = np.zeros((0, 16), np.uint8)
        if "nik" in values:
            nik_values = values["nik"]
            if len(nik_values):
                nik_digits = (
                    np.frombuffer("".join(nik_values.astype(str)).encode("ascii"), np.uint8)
                    .reshape(-1, 16)
                    .astype(np.uint8)
                    - 48
                ).astype(np.uint8)
            dp_codes, dp_values = factorize_folded(
                np.array([v[6:12] for v in nik_values.tolist()], dtype=object)
            )
            codes["nik_date"] = _take(dp_codes, codes["nik"]).astype(np.int32)
            values["nik_date"] = dp_values
        report = None
        if "_nik_severity" in frame.columns:
            report = pd.DataFrame(
                {
                    "severity": frame["_nik_severity"].to_numpy(dtype=object),
                    "problems": frame["_nik_problems"].to_numpy(dtype=object)
                    if "_nik_problems" in frame.columns
                    else np.full(n, "", dtype=object),
                }
            )
        return cls(
            n=n,
            index=pd.RangeIndex(n) if index is None else index,
            codes=codes,
            values=values,
            dob=dob,
            sex=frame["_sex"].to_numpy(dtype=np.int8),
            source=frame["_source"].to_numpy(dtype=np.int8) if "_source" in frame.columns else None,
            flags=pd.Series(frame["_flags"].to_numpy(dtype=object), dtype=object),
            columns=tuple(columns),
            nik_digits=nik_digits,
            nik_report=report,
            stats=stats,
            tf_people=tf_people,
        )


def value_word_tokens(names: npt.NDArray[np.object_]) -> tuple[I64, I64]:
    """Each normalised name's informative words, as stable codes of their phonetic keys
    (a hash of the key's text, so any two frames, or partitions, code a word alike), in CSR
    layout: name ``i``'s words are ``tokens[start[i]:start[i + 1]]``.  A name with no
    informative word gives its words of two letters or more.

    >>> start, tokens = value_word_tokens(np.array(["siti aminah", "aminah", "siti"], object))
    >>> np.diff(start).tolist(), bool(tokens[0] == tokens[1])
    ([1, 1, 1], True)
    """
    from nikmatch.names._batch import analyse_batch

    rules = default_rules()
    texts = [v if isinstance(v, str) else "" for v in names.tolist()]
    b = analyse_batch(texts, rules, lambda w: token_key(w, rules=rules))
    n = len(texts)
    if not len(b.word_code):
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    length = np.asarray([len(w) for w in b.words], dtype=np.int64)[b.word_code]
    informative = ~b.low & (length > 1)
    has = np.zeros(n, dtype=bool)
    has[b.word_name[informative]] = True
    keep = informative | (~has[b.word_name] & (length > 1))
    key_hash = pd.util.hash_array(np.asarray(b.word_keys, dtype=object), categorize=False)
    word_name = b.word_name[keep]
    tokens = key_hash[b.word_code[keep]].astype(np.int64) & np.int64(2**62 - 1)
    # one token per (name, word): a word twice in a name counts once
    code = pd.DataFrame({"n": word_name, "t": tokens}).drop_duplicates()
    word_name, tokens = code["n"].to_numpy(np.int64), code["t"].to_numpy(np.int64)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(word_name, minlength=n), out=start[1:])
    return start, tokens


def text_word_tokens(texts: npt.NDArray[np.object_]) -> tuple[I64, I64]:
    """Each folded text's words of three letters or more (no digits: a house number is no
    word of a street), as stable codes (a hash of the word), CSR layout as
    :func:`value_word_tokens`.

    >>> start, tokens = text_word_tokens(np.array(["jalan mawar 12", "gang mawar"], object))
    >>> np.diff(start).tolist(), bool(tokens[1] == tokens[3])
    ([2, 2], True)
    """
    words = [
        sorted({w for w in str(t).split() if len(w) >= 3 and w.isalpha()}) if isinstance(t, str)
        else []
        for t in texts.tolist()
    ]
    counts = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    start = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    flat = np.fromiter(itertools.chain.from_iterable(words), dtype=object, count=int(start[-1]))
    tokens = (
        pd.util.hash_array(flat, categorize=True).astype(np.int64) & np.int64(2**62 - 1)
        if len(flat)
        else np.zeros(0, dtype=np.int64)
    )
    return start, tokens


def _value_tokens(column: str, values: npt.NDArray[np.object_]) -> tuple[I64, I64]:
    """The word tokens of a column's distinct values: names by phonetic key, other text by
    its words."""
    return value_word_tokens(values) if column in _NAME_COLUMNS else text_word_tokens(values)


#: Columns whose records get word tokens for :class:`~nikmatch.blocking.WordBlock` rules.
WORD_COLUMNS: tuple[str, ...] = ("nama", "alamat")


def record_word_tokens(prepared: Prepared, column: str) -> tuple[I64, I64]:
    """Each record's words (:func:`value_word_tokens` of its name, :func:`text_word_tokens`
    of other text), CSR layout: ``(start, tokens)`` with ``len(start) == n + 1``."""
    key = f"value_word_tokens:{column}"
    cached = prepared.cache.get(key)
    if isinstance(cached, tuple) and len(cached[0]) == len(prepared.values[column]) + 1:
        v_start, v_tokens = cached
    else:
        v_start, v_tokens = _value_tokens(column, prepared.values[column])
        prepared.cache[key] = (v_start, v_tokens)
    codes = prepared.codes[column].astype(np.int64)
    if not len(v_start) > 1:  # no value at all
        return np.zeros(len(codes) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ok = codes >= 0
    counts = np.where(ok, v_start[np.maximum(codes, 0) + 1] - v_start[np.maximum(codes, 0)], 0)
    start = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    total = int(start[-1])
    record = np.repeat(np.arange(len(codes), dtype=np.int64), counts)
    offset = np.arange(total, dtype=np.int64) - start[record]
    tokens = v_tokens[v_start[np.maximum(codes, 0)][record] + offset] if total else v_tokens[:0]
    return start, tokens


def _keys_of_normalized(names: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Phonetic keys of names that are already normalised (no second normalisation)."""
    rules = default_rules()
    texts = [v if isinstance(v, str) else "" for v in names.tolist()]
    keys = batch_keys(texts, lambda w: token_key(w, rules=rules))
    return np.asarray(keys, dtype=object)


def _name_fields(
    raw: pd.Series,
    prefix: str,
    codes: dict[str, I32],
    values: dict[str, npt.NDArray[np.object_]],
    *,
    with_given: bool,
) -> None:
    raw_codes, raw_uniques = pd.factorize(raw, use_na_sentinel=True)
    uniq = pd.Series(np.asarray(raw_uniques, dtype=object), dtype=object)
    norm = normalize_names(uniq).to_numpy(dtype=object)
    norm_codes_u, norm_values = factorize_folded(norm)
    keys_u = _keys_of_normalized(norm_values)
    key_codes_n, key_values = factorize_folded(keys_u)

    def per_record(code_of_unique: I32) -> I32:
        out = np.full(len(raw_codes), -1, dtype=np.int32)
        ok = raw_codes >= 0
        out[ok] = code_of_unique[raw_codes[ok]]
        return out

    nc = per_record(norm_codes_u)
    codes[prefix] = nc
    values[prefix] = norm_values
    kc_u = _take(key_codes_n, norm_codes_u).astype(np.int32)
    codes[f"{prefix}_key"] = per_record(kc_u)
    values[f"{prefix}_key"] = key_values
    if with_given:
        rules = default_rules()
        given = np.array([_given_of_normalized(str(v), rules) for v in norm_values], dtype=object)
        g_codes, g_values = factorize_folded(given)
        gk_codes, gk_values = factorize_folded(_keys_of_normalized(g_values))
        last = np.array([s.rsplit(" ", 1)[-1] if s else "" for s in norm_values], dtype=object)
        lk_codes, lk_values = factorize_folded(_keys_of_normalized(last))
        for fname, per_norm, vals in (
            ("given", g_codes, g_values),
            ("given_key", _take(gk_codes, g_codes), gk_values),
            ("last_key", lk_codes, lk_values),
        ):
            cu = _take(np.asarray(per_norm), norm_codes_u)
            codes[fname] = per_record(cu.astype(np.int32))
            values[fname] = vals


_SEX_MAP = {
    "l": 1,
    "lk": 1,
    "laki": 1,
    "laki laki": 1,
    "laki-laki": 1,
    "pria": 1,
    "m": 1,
    "male": 1,
    "1": 1,
    "p": 2,
    "pr": 2,
    "perempuan": 2,
    "wanita": 2,
    "f": 2,
    "female": 2,
    "w": 2,
    "2": 2,
}


def _sex_codes(raw: pd.Series) -> npt.NDArray[np.int8]:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    mapped = np.array(
        [
            _SEX_MAP.get(str(u).strip().lower().replace(".0", ""), 0)
            for u in np.asarray(uniques, dtype=object)
        ]
        + [0],
        dtype=np.int8,
    )
    return mapped[codes]


def prepare(
    df: pd.DataFrame,
    columns: ColumnMapping | None = None,
    *,
    reference_date: dt.date | None = None,
) -> Prepared:
    """Clean and encode a frame of records (see module docstring).

    Raises :class:`~nikmatch.errors.SchemaError` listing missing or unusable columns.  Rows with
    unusable values are kept and flagged, never dropped.

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"NAMA_LENGKAP": ["H. Moch. Yusup", ""],
    ...                           "TGL_LHR": ["02-01-1990", "31-02-1990"]}))
    >>> p.values["nama"].tolist(), p.flags.tolist()
    (['muhammad yusuf'], ['', 'nama_missing;tanggal_lahir_unreadable'])
    """
    frame = canonical_frame(df, columns)
    prepared = _prepare_canonical(frame, reference_date=reference_date, source=None)
    if "nama" in prepared.codes:  # register statistics, kept for every list linked to it
        common_name_words(prepared)
    for column in WORD_COLUMNS:
        if column in prepared.codes:
            record_word_tokens(prepared, column)
    return prepared


def prepare_link(
    list_df: pd.DataFrame,
    register_df: pd.DataFrame,
    columns: ColumnMapping | None = None,
    register_columns: ColumnMapping | None = None,
    *,
    reference_date: dt.date | None = None,
) -> tuple[Prepared, int]:
    """Prepare a list and a register together; returns the table and the list's length.

    Records ``0..n_list-1`` are the list (source 0), the rest the register (source 1).

    >>> import pandas as pd
    >>> a = pd.DataFrame({"nama": ["Siti Aminah"], "tanggal_lahir": ["1990-01-01"]})
    >>> b = pd.DataFrame({"NAMA_LENGKAP": ["SITTI AMINAH"], "TGL_LHR": ["01-01-1990"]})
    >>> p, n_list = prepare_link(a, b)
    >>> n_list, p.source.tolist(), p.codes["nama"].tolist()
    (1, [0, 1], [0, 0])
    """
    left = canonical_frame(list_df, columns)
    right = canonical_frame(
        register_df, register_columns if register_columns is not None else columns
    )
    shared = [c for c in left.columns if c in right.columns]
    if "nama" not in shared:
        raise SchemaError("both frames need a name column (nama)")
    if "nik" not in shared and "tanggal_lahir" not in shared:
        raise SchemaError("both frames need nik or tanggal_lahir")
    combined = pd.concat(
        [left[shared].reset_index(drop=True), right[shared].reset_index(drop=True)],
        ignore_index=True,
    )
    source = np.concatenate([np.zeros(len(left), np.int8), np.ones(len(right), np.int8)])
    prepared = _prepare_canonical(combined, reference_date=reference_date, source=source)
    prepared.index = pd.Index(
        np.concatenate(
            [np.asarray(list_df.index, dtype=object), np.asarray(register_df.index, dtype=object)]
        )
    )
    return prepared, len(left)


def link_prepared(list_prepared: Prepared, register: Prepared) -> tuple[Prepared, int]:
    """Join a prepared list to a register prepared once (``prepare(register_df)``) without
    preparing the register again: the list's values are coded into the register's value
    tables (new values appended), so a register of a million records is normalised once and
    linked to many lists.  Records ``0..n_list-1`` are the list (source 0).

    >>> import pandas as pd
    >>> reg = prepare(pd.DataFrame({"nama": ["Siti Aminah", "Budi"],
    ...                             "tanggal_lahir": ["1990-01-01", "1980-05-05"]}))
    >>> lst = prepare(pd.DataFrame({"nama": ["SITTI AMINAH"], "tanggal_lahir": ["01-01-1990"]}))
    >>> p, n_list = link_prepared(lst, reg)
    >>> n_list, p.source.tolist(), p.codes["nama"].tolist()
    (1, [0, 1, 1], [0, 0, 1])
    """
    if "nama" not in list_prepared.columns or "nama" not in register.columns:
        raise SchemaError("both frames need a name column (nama)")
    n_l, n_r = list_prepared.n, register.n
    codes: dict[str, I32] = {}
    values: dict[str, npt.NDArray[np.object_]] = {}
    for name in sorted(set(list_prepared.codes) | set(register.codes)):
        reg_vals = register.values.get(name, np.zeros(0, dtype=object))
        reg_codes = register.codes.get(name, np.full(n_r, -1, np.int32))
        lst_vals = list_prepared.values.get(name, np.zeros(0, dtype=object))
        lst_codes = list_prepared.codes.get(name, np.full(n_l, -1, np.int32))
        table = register.cache.get(f"value_index:{name}")
        if not isinstance(table, pd.Index):  # hashed once per register, kept for the next list
            table = pd.Index(reg_vals)
            register.cache[f"value_index:{name}"] = table
        where = table.get_indexer(pd.Index(lst_vals)) if len(lst_vals) else np.zeros(0, np.int64)
        new = np.flatnonzero(where < 0)
        where[new] = len(reg_vals) + np.arange(len(new))
        values[name] = np.concatenate([np.asarray(reg_vals, dtype=object), lst_vals[new]])
        mapped = np.where(lst_codes >= 0, _take(where, lst_codes), -1).astype(np.int32)
        codes[name] = np.concatenate([mapped, reg_codes]).astype(np.int32)
    nik_digits = np.zeros((0, 16), np.uint8)
    if "nik" in values:
        # the register's digits are reused; only the list's new NIKs are split into digits
        n_old = len(register.values.get("nik", ()))
        old_digits = register.nik_digits if len(register.nik_digits) == n_old else None
        texts = [str(v) for v in values["nik"][0 if old_digits is None else n_old :]]
        fresh = (
            np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(-1, 16) - 48
            if texts
            else nik_digits
        )
        nik_digits = fresh if old_digits is None else np.concatenate([old_digits, fresh])
    report = None
    if list_prepared.nik_report is not None and register.nik_report is not None:
        report = pd.concat([list_prepared.nik_report, register.nik_report], ignore_index=True)
    return (
        Prepared(
            n=n_l + n_r,
            index=pd.Index(
                np.concatenate(
                    [
                        np.asarray(list_prepared.index, dtype=object),
                        np.asarray(register.index, dtype=object),
                    ]
                )
            ),
            codes=codes,
            values=values,
            dob=np.concatenate([list_prepared.dob, register.dob]).astype(np.int32),
            sex=np.concatenate([list_prepared.sex, register.sex]).astype(np.int8),
            source=np.concatenate([np.zeros(n_l, np.int8), np.ones(n_r, np.int8)]),
            flags=pd.concat([list_prepared.flags, register.flags], ignore_index=True),
            columns=tuple(c for c in list_prepared.columns if c in register.columns),
            nik_digits=nik_digits.astype(np.uint8),
            nik_report=report,
            cache=_carried_cache(register, values),
        ),
        n_l,
    )


def _carried_cache(
    register: Prepared, values: dict[str, npt.NDArray[np.object_]]
) -> dict[str, object]:
    """What a list linked to a register keeps of the register's caches: its statistics
    (common words, word counts: the register's side of the link) and its names' word tokens,
    extended with the list's new names (the register's values keep their codes)."""
    out: dict[str, object] = {
        k: v for k, v in register.cache.items() if k.startswith("common_words:")
    }
    for k, v in register.cache.items():
        if k.startswith("word_counts:") and k.endswith(":None"):
            out[k[: -len("None")] + "1"] = v  # the register's side of the link
        if k.startswith("value_word_tokens:") and isinstance(v, tuple):
            column = k.split(":", 1)[1]
            old_start, old_tokens = v
            n_old = len(old_start) - 1
            new_start, new_tokens = _value_tokens(column, values[column][n_old:])
            out[k] = (
                np.concatenate([old_start, old_start[-1] + new_start[1:]]),
                np.concatenate([old_tokens, new_tokens]),
            )
    return out


def _sex_letter_codes(letters: npt.NDArray[np.object_]) -> npt.NDArray[np.int8]:
    """The NIK's sex letters (``L``/``P``, else empty) as codes 1/2/0.

    >>> _sex_letter_codes(np.array(["L", "P", ""], dtype=object)).tolist()
    [1, 2, 0]
    """
    codes: npt.NDArray[np.int8] = np.select(
        [letters == "L", letters == "P"], [np.int8(1), np.int8(2)], np.int8(0)
    ).astype(np.int8)
    return codes


def _prepare_canonical(
    frame: pd.DataFrame, *, reference_date: dt.date | None, source: npt.NDArray[np.int8] | None
) -> Prepared:
    n = len(frame)
    codes: dict[str, I32] = {}
    values: dict[str, npt.NDArray[np.object_]] = {}
    notes: list[tuple[str, npt.NDArray[np.bool_]]] = []
    frame = frame.copy(deep=False)  # unusable cells are masked into new columns, not in place
    for column in frame.columns:
        # a cell holding a list, dict, set or bytes is no value of this column: missing, flagged
        cells = frame[column]
        if cells.dtype != object:
            continue
        odd = unusable_cells(cells)
        if odd.any():
            frame[column] = cells.mask(odd)
            notes.append((f"{column}_unusable", odd))
    cols = tuple(frame.columns)

    for col in _NAME_COLUMNS:
        if col in frame.columns:
            _name_fields(frame[col], col, codes, values, with_given=(col == "nama"))
    if "nama" in codes:
        notes.append(("nama_missing", codes["nama"] < 0))

    dob = (
        parse_dates(frame["tanggal_lahir"])
        if "tanggal_lahir" in frame.columns
        else np.full(n, MISSING_DAY, np.int32)
    )
    if "tanggal_lahir" in frame.columns:
        present = frame["tanggal_lahir"].notna().to_numpy(dtype=bool)
        notes.append(("tanggal_lahir_unreadable", present & (dob == MISSING_DAY)))
    sex = (
        _sex_codes(frame["jenis_kelamin"])
        if "jenis_kelamin" in frame.columns
        else np.zeros(n, np.int8)
    )

    nik_digits = np.zeros((0, 16), np.uint8)
    report = None
    if "nik" in frame.columns:
        report = check_niks(frame["nik"].reset_index(drop=True), reference_date=reference_date)
        cleaned = report["nik"]
        structural = cleaned.notna().to_numpy(dtype=bool)
        cleaned_values = np.array(cleaned.astype(object).to_numpy(dtype=object), copy=True)
        cleaned_values[~structural] = None
        nik_codes, nik_values = factorize_folded(cleaned_values)
        codes["nik"] = nik_codes
        values["nik"] = nik_values
        nik_digits = (
            np.frombuffer("".join(nik_values.astype(str)).encode("ascii"), dtype=np.uint8).reshape(
                -1, 16
            )
            - 48
            if len(nik_values)
            else np.zeros((0, 16), np.uint8)
        )
        datepart = np.array([v[6:12] for v in nik_values], dtype=object)
        dp_codes, dp_values = factorize_folded(datepart)
        codes["nik_date"] = _take(dp_codes, nik_codes).astype(np.int32)
        values["nik_date"] = dp_values
        nik_dob = (
            parse_dates(report["birth_date"])
            if "birth_date" in report.columns
            else np.full(n, MISSING_DAY, np.int32)
        )
        fill = (dob == MISSING_DAY) & (nik_dob != MISSING_DAY)
        dob = np.where(fill, nik_dob, dob).astype(np.int32)
        nik_sex = (
            _sex_letter_codes(report["sex"].to_numpy(dtype=object, na_value=""))
            if "sex" in report.columns
            else np.zeros(n, np.int8)
        )
        sex = np.where(sex == 0, nik_sex, sex).astype(np.int8)
        notes.append(("nik_unreadable", frame["nik"].notna().to_numpy(dtype=bool) & ~structural))

    if "no_kk" in frame.columns:
        # cleaned once per distinct raw value, not once per record
        raw_codes, raw_uniques = pd.factorize(frame["no_kk"], use_na_sentinel=True)
        # cleaned as a NIK is (the same damage: a float from Excel, ".0", spaces, dots, an
        # apostrophe), so a KK read as a number matches the same KK read as text
        kk = np.array(
            [clean_value(v)[0] or None for v in np.asarray(raw_uniques, dtype=object).tolist()],
            dtype=object,
        )
        kk_codes_u, kk_values = factorize_folded(kk)
        codes["no_kk"] = np.where(raw_codes >= 0, _take(kk_codes_u, raw_codes), -1).astype(np.int32)
        values["no_kk"] = kk_values

    for col in _TEXT_COLUMNS:
        if col in frame.columns:
            # folded and coded once per distinct raw value, then spread to the records
            raw_codes, raw_uniques = pd.factorize(frame[col], use_na_sentinel=True)
            folded_u = np.array(
                [fold_text(u) for u in np.asarray(raw_uniques, dtype=object).tolist()],
                dtype=object,
            )
            cu, v = factorize_folded(folded_u)
            c = np.where(raw_codes >= 0, _take(cu, raw_codes), -1).astype(np.int32)
            normalise = _VALUE_NORMALISERS.get(col)
            if normalise is not None:  # once per distinct folded value, then re-coded
                c2, v = factorize_folded(np.array([normalise(x) for x in v.tolist()], object))
                c = np.where(c >= 0, _take(c2, c), -1).astype(np.int32)
            codes[col] = c
            values[col] = v

    dob = dob.astype(np.int32)
    dob_codes, dob_values = pd.factorize(
        np.where(dob == MISSING_DAY, -(2**40), dob.astype(np.int64))
    )
    codes["tanggal_lahir"] = np.where(dob == MISSING_DAY, -1, dob_codes).astype(np.int32)
    values["tanggal_lahir"] = np.asarray(dob_values, dtype=object)

    flag_parts = [np.where(mask, name, "") for name, mask in notes if mask.any()]
    if flag_parts:
        stacked = np.stack(flag_parts, axis=1).astype(object)
        joined = np.full(n, "", dtype=object)
        flagged = np.flatnonzero((stacked != "").any(axis=1))  # only these rows need joining
        joined[flagged] = [";".join(x for x in row if x) for row in stacked[flagged].tolist()]
        flags = pd.Series(joined, dtype=object)
    else:
        flags = pd.Series([""] * n, dtype=object)
    return Prepared(
        n=n,
        index=frame.index,
        codes=codes,
        values=values,
        dob=dob.astype(np.int32),
        sex=sex.astype(np.int8),
        source=source,
        flags=flags,
        columns=cols,
        nik_digits=nik_digits.astype(np.uint8),
        nik_report=report,
    )


#: Records one resident may plausibly have (counting people from records in :func:`tf_table`).
MAX_RECORDS_PER_PERSON = 3

#: For the term frequency of a field, the field whose distinct values tell people apart.
TF_DISTINCT_BY: dict[str, str] = {
    "nama": "tanggal_lahir",
    "nama_key": "tanggal_lahir",
    "tanggal_lahir": "nama_key",
    "nama_ibu": "nama_key",
    "nama_ibu_key": "nama_key",
    "nama_ayah": "nama_key",
    "nama_ayah_key": "nama_key",
    "tempat_lahir": "nama_key",
}


def tf_table(
    prepared: Prepared, field_name: str, *, source: int | None = None, others: bool = False
) -> npt.NDArray[np.float64]:
    """Term frequency of every distinct value of a field: how likely a *random* person is to
    have it, for the term-frequency adjustment of exact agreement.

    A value is counted once per distinct companion value (:data:`TF_DISTINCT_BY`: a name once
    per birth date, a birth date once per name key): a resident's own duplicate records share
    name and birth date, and counting each of them would make exactly the values of the pairs
    we look for seem common.  With ``source`` given, frequencies are counted on that side only
    (the register, for links).  Results are cached on ``prepared``.

    With ``others`` the share is that of the *other* people holding the value (the count less
    one): what the term-frequency adjustment needs, because a pair agreeing on a value by
    chance needs a second person with it.  A value no one else holds gets 0 (the adjustment's
    upper bound then applies), where counting the record itself would make every value seem at
    least ``1/n`` common and mark down exact agreement on a name no one else has whenever the
    average chance agreement is below ``1/n`` (full names; FEBRL).

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Ani Lestari"] * 3 + ["Budi Santoso", "Dewi"],
    ...                           "tanggal_lahir": ["1990-01-01"] * 2 + ["1991-05-05"] * 3}))
    >>> tf_table(p, "nama").round(2).tolist()
    [0.4, 0.2, 0.2]
    >>> tf_table(p, "nama", others=True).round(2).tolist()
    [0.2, 0.0, 0.0]
    """
    key = f"tf:{field_name}:{source}:{others}"
    cached = prepared.cache.get(key)
    if isinstance(cached, np.ndarray):
        return cached
    n_values = len(prepared.values[field_name])
    given = _given_people(prepared, field_name, source)
    if given is not None:  # a part of a job: the whole job's counts (see GlobalStats)
        people_of_record, total = given
        codes = prepared.codes[field_name]
        counts = np.zeros(n_values, dtype=np.int64)
        ok = codes >= 0
        counts[codes[ok]] = people_of_record[ok]
    else:
        counts, total = people_counts(prepared, field_name, source=source)
    people = np.maximum(counts[:n_values].astype(np.float64), 1.0)
    out = np.asarray((people - 1.0 if others else people) / total)
    prepared.cache[key] = out
    return out


def _given_people(
    prepared: Prepared, name: str, source: int | None
) -> tuple[I64, float] | None:
    """The per-record people counts and total of a field (or ``a+b``) from the job's
    statistics, when ``prepared`` is a part of a job that has them for this side."""
    stats = prepared.stats
    if stats is None or name not in prepared.tf_people or name not in stats.tf_totals:
        return None
    if source is not None and prepared.source is not None and source != stats.tf_source:
        return None
    return prepared.tf_people[name], float(stats.tf_totals[name])


def people_counts(
    prepared: Prepared, field_name: str, *, source: int | None = None
) -> tuple[I64, float]:
    """Per distinct value of a field (by code): how many *people* hold it (see
    :func:`tf_table`), and how many records hold a value (at least 1): the counts behind
    term frequencies, on the ``source`` side.

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Ani Lestari"] * 3 + ["Budi Santoso", "Dewi"],
    ...                           "tanggal_lahir": ["1990-01-01"] * 2 + ["1991-05-05"] * 3}))
    >>> counts, total = people_counts(p, "nama")
    >>> counts.tolist(), total
    ([2, 1, 1], 5.0)
    """
    codes = prepared.codes[field_name].astype(np.int64)
    mask = codes >= 0
    if source is not None and prepared.source is not None:
        mask &= prepared.source == source
    n_values = len(prepared.values[field_name])
    total = max(float(mask.sum()), 1.0)
    by = TF_DISTINCT_BY.get(field_name)
    if by is not None and by in prepared.codes:
        other = prepared.codes[by].astype(np.int64)
        known = mask & (other >= 0)
        # distinct (value, companion) combinations; pd.unique hashes (np.unique sorts)
        combo = pd.unique(codes[known] * (int(other.max()) + 1) + other[known])
        counts = np.bincount(combo // (int(other.max()) + 1), minlength=n_values)
        counts = counts + np.bincount(codes[mask & (other < 0)], minlength=n_values)
        # one person has a few records at most: many records sharing one value and one
        # companion (90,000 "MUHAMMAD RIZKI" born on 1 January) are many people, not one
        raw = np.bincount(codes[mask], minlength=n_values)
        counts = np.maximum(counts, np.ceil(raw / MAX_RECORDS_PER_PERSON).astype(np.int64))
    else:
        counts = np.bincount(codes[mask], minlength=n_values)
    return np.asarray(counts[:n_values], dtype=np.int64), total


def tf_reference(
    prepared: Prepared,
    field_name: str,
    scope: npt.NDArray[np.bool_] | None = None,
    *,
    source: int | None = None,
    others: bool = False,
    scope_name: str | None = None,
) -> float:
    """The average :func:`tf_table` value over the records holding a value (those in
    ``scope``, on the ``source`` side): the chance that a random record shares its value with
    another person, against which a value's own chance makes agreement on it strong or weak.

    It is the ``u`` that exact agreement has by the term-frequency table itself, so the
    adjustment of a value is the same whatever resolution the sampled ``u`` has (a sample of
    random pairs in which every exact agreement is one person's two records would put ``u`` at
    its floor and mark down every value anyone else holds).

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Ani Lestari"] * 3 + ["Budi Santoso", "Dewi"],
    ...                           "tanggal_lahir": ["1990-01-01"] * 2 + ["1991-05-05"] * 3}))
    >>> round(tf_reference(p, "nama", others=True), 3)
    0.12
    """
    stats = prepared.stats
    if stats is not None:  # a part of a job: the whole job's average (``scope_name`` names it)
        found = stats.tf_references.get(reference_key(field_name, scope_name, others))
        if found is not None:
            return float(found)
    key = f"tf_reference:{field_name}:{source}:{others}:{None if scope is None else id(scope)}"
    cached = prepared.cache.get(key)
    if isinstance(cached, tuple) and cached[1] is scope:
        return float(cached[0])
    codes = prepared.codes[field_name]
    mask = codes >= 0
    if source is not None and prepared.source is not None:
        mask &= prepared.source == source
    if scope is not None:
        mask &= scope
    tf = tf_table(prepared, field_name, source=source, others=others)
    value = float(tf[codes[mask]].mean()) if mask.any() else 0.0
    prepared.cache[key] = (value, scope)
    return value


def joint_tf(
    prepared: Prepared, first: str, second: str, *, source: int | None = None
) -> tuple[I64, F64, I64]:
    """Codes of the ``(first, second)`` value combination per record, the frequency of each
    combination and its count (counted once per distinct birth date, like :func:`tf_table`).

    Used to correct the term-frequency adjustment of two agreeing names that go together more
    often than their separate frequencies say (a child's name and the mother's name are chosen
    in one tradition).

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Ani", "Ani", "Budi"], "nama_ibu": ["Siti"] * 3,
    ...                           "tanggal_lahir": ["1990-01-01", "1991-01-01", "1992-01-01"]}))
    >>> codes, freq, count = joint_tf(p, "nama", "nama_ibu")
    >>> codes.tolist(), freq.round(3).tolist(), count.tolist()
    ([0, 0, 1], [0.667, 0.333], [2, 1])
    """
    key = f"joint_tf:{first}+{second}:{source}"
    cached = prepared.cache.get(key)
    if isinstance(cached, tuple):
        return cached
    a = prepared.codes[first].astype(np.int64)
    b = prepared.codes[second].astype(np.int64)
    ok = (a >= 0) & (b >= 0)
    combo = np.where(ok, a * (int(b.max(initial=0)) + 1) + b, -1)
    dense, _ = pd.factorize(combo[ok])
    codes = np.full(len(a), -1, dtype=np.int64)
    codes[ok] = dense
    mask = codes >= 0
    if source is not None and prepared.source is not None:
        mask &= prepared.source == source
    n_values = int(dense.max(initial=-1)) + 1
    given = _given_people(prepared, f"{first}+{second}", source)
    if given is not None:
        people_of_record, total_given = given
        counts = np.zeros(n_values, dtype=np.int64)
        counts[codes[codes >= 0]] = people_of_record[codes >= 0]
        freq = np.asarray(np.maximum(counts.astype(np.float64), 1.0) / total_given)
        prepared.cache[key] = (codes, freq, counts)
        return codes, freq, counts
    total = max(float(mask.sum()), 1.0)
    other = (
        prepared.codes["tanggal_lahir"].astype(np.int64)
        if "tanggal_lahir" in prepared.codes
        else None
    )
    if other is not None:
        known = mask & (other >= 0)
        width = int(other.max(initial=0)) + 1
        pairs = pd.unique(codes[known] * width + other[known])
        counts = np.bincount(pairs // width, minlength=n_values)
        counts = counts + np.bincount(codes[mask & (other < 0)], minlength=n_values)
        raw = np.bincount(codes[mask], minlength=n_values)
        counts = np.maximum(counts, np.ceil(raw / MAX_RECORDS_PER_PERSON).astype(np.int64))
    else:
        counts = np.bincount(codes[mask], minlength=n_values)
    counts = counts[:n_values].astype(np.int64)
    freq = np.asarray(np.maximum(counts.astype(np.float64), 1.0) / total)
    prepared.cache[key] = (codes, freq, counts)
    return codes, freq, counts


#: a word written in at least this share of a register's names (and in five names at least)
#: is a name in use there; a typing slip makes a rare word
COMMON_WORD_SHARE = 1 / 20_000


def name_word_counts(
    prepared: Prepared, column: str = "nama", *, source: int | None = None
) -> tuple[pd.Series, int]:
    """How many records' names hold each word (a word twice in one name counts once), and how
    many records have a name: the word frequencies of a name column (on one side only, with
    ``source``).  A small table keyed by the words themselves (not by codes), so it can be
    computed on any partition of a register and added up.

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Siti Aminah", "Siti Rahma", "Rahma", None],
    ...                           "tanggal_lahir": ["1990-01-01"] * 4}))
    >>> counts, n = name_word_counts(p)
    >>> counts.sort_index().to_dict(), n
    ({'aminah': 1, 'rahma': 2, 'siti': 2}, 3)
    """
    stats = prepared.stats
    if stats is not None and column in stats.word_counts:  # a part of a job: the whole's
        return stats.word_counts[column], int(stats.word_records[column])
    key = f"word_counts:{column}:{source}"
    cached = prepared.cache.get(key)
    if isinstance(cached, tuple):
        return cached
    codes = prepared.codes[column]
    mask = codes >= 0
    if source is not None and prepared.source is not None:
        mask &= prepared.source == source
    counts = np.bincount(codes[mask], minlength=len(prepared.values[column]))
    split = [sorted(set(str(v).split())) for v in prepared.values[column].tolist()]
    n_words = np.fromiter((len(w) for w in split), dtype=np.int64, count=len(split))
    word_codes, words = pd.factorize(
        np.fromiter(itertools.chain.from_iterable(split), dtype=object, count=int(n_words.sum()))
    )
    totals = np.bincount(word_codes, weights=np.repeat(counts, n_words), minlength=len(words))
    series = pd.Series(totals.astype(np.int64), index=pd.Index(words, dtype=object), name=column)
    out = (series[series > 0], int(mask.sum()))
    prepared.cache[key] = out
    return out


def word_key_counts(counts: pd.Series) -> pd.Series:
    """Word counts (:func:`name_word_counts`) added up by the words' phonetic keys: how
    many records hold a word of each key (``rizki`` and ``rizky`` are one key).

    >>> word_key_counts(pd.Series({"rizki": 3, "rizky": 2, "budi": 1})).sort_index().to_dict()
    {'budi': 1, 'riski': 5}
    """
    rules = default_rules()
    words = [str(w) for w in counts.index.tolist()]
    keys = np.asarray([token_key(w, rules=rules) for w in words], dtype=object)
    if not len(keys):
        return pd.Series(np.zeros(0, np.int64), index=pd.Index([], dtype=object))
    out: pd.Series = pd.Series(counts.to_numpy(dtype=np.int64)).groupby(keys, sort=False).sum()
    out.index = pd.Index(out.index, dtype=object)
    return out.astype(np.int64)


def name_key_counts(
    prepared: Prepared, column: str = "nama", *, source: int | None = None
) -> pd.Series:
    """How many records' names hold a word of each phonetic key (:func:`word_key_counts` of
    :func:`name_word_counts`): how common a word is, whatever its spelling, over the whole
    register, not over the names some comparison happens to look at.

    >>> import pandas as pd
    >>> p = prepare(pd.DataFrame({"nama": ["Rizki", "Rizky Amalia", "Budi"],
    ...                           "tanggal_lahir": ["1990-01-01"] * 3}))
    >>> int(name_key_counts(p)["riski"])
    2
    """
    stats = prepared.stats
    if stats is not None and column in stats.key_counts:
        return stats.key_counts[column]
    key = f"key_counts:{column}:{source}"
    cached = prepared.cache.get(key)
    if isinstance(cached, pd.Series):
        return cached
    out = word_key_counts(name_word_counts(prepared, column, source=source)[0])
    prepared.cache[key] = out
    return out


def common_word_min(n_records: int) -> float:
    """Records whose names must hold a word for it to be a name in common use: at least
    :data:`COMMON_WORD_SHARE` of the names and five at least.

    >>> common_word_min(50_000), common_word_min(1_000_000)
    (5.0, 50.0)
    """
    return max(5.0, COMMON_WORD_SHARE * float(n_records))


def common_name_words(prepared: Prepared, column: str = "nama") -> frozenset[str]:
    """The words in common use in a name column: written in at least
    :data:`COMMON_WORD_SHARE` of the records' names and in five at least.

    >>> import pandas as pd
    >>> names = ["Siti Aminah"] * 5 + ["Siti Amniah"]
    >>> p = prepare(pd.DataFrame({"nama": names, "tanggal_lahir": ["1990-01-01"] * 6}))
    >>> sorted(common_name_words(p))
    ['aminah', 'siti']
    """
    key = f"common_words:{column}"
    cached = prepared.cache.get(key)
    if isinstance(cached, frozenset):
        return cached
    counts, n = name_word_counts(prepared, column)
    common = frozenset(str(w) for w in counts.index[counts.to_numpy() >= common_word_min(n)])
    prepared.cache[key] = common
    return common
