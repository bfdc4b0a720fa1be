"""Blocking: which record pairs are worth comparing.

Candidate pairs are two ``int64`` arrays of record positions, never a list of tuples and never a
pandas MultiIndex.  A :class:`BlockOn` rule pairs records that share the values of one or more
prepared *key fields* (e.g. phonetic name key and birth date); several rules are combined as a
union in which a pair is produced only by the first rule that finds it, so no pair is counted
twice.  :class:`SortedNeighbourhood` pairs records that sort close together on a key, which
catches typos in the key itself.

Skew is the enemy: a default birth date shared by tens of thousands of records would make a
block of ~10⁹ pairs.  Every rule has a ``max_block_size``; larger blocks are skipped with a
:class:`BlockingWarning` that says how many records and pairs were skipped, so memory stays
bounded.  :func:`blocking_diagnostics` reports pairs per rule and the largest blocks *before*
anything is generated.

>>> import numpy as np
>>> keys = {"k": np.array([5, 5, 7, 5, -1], dtype=np.int64)}
>>> l, r = block_pairs([BlockOn("k")], keys, n=5)
>>> sorted(zip(l.tolist(), r.tolist()))
[(0, 1), (0, 3), (1, 3)]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BlockOn",
    "BlockingRule",
    "BlockingWarning",
    "GivenPairs",
    "SortedNeighbourhood",
    "WordBlock",
    "affordable_rules",
    "block_pairs",
    "blocking_diagnostics",
    "iter_block_pairs",
    "rule_pair_count",
    "sample_block_pairs",
    "word_block_pairs",
]

IntArray = npt.NDArray[np.int64]
KeyTable = Mapping[str, npt.NDArray[np.int64]]


class BlockingWarning(UserWarning):
    """A block was too large and was skipped (or sampled); the message says how much."""


@dataclass(frozen=True)
class BlockOn:
    """Pair records whose key fields are all equal and present.

    ``fields`` name prepared key fields (see :data:`nikmatch.prepare.KEY_FIELDS`).  Blocks with
    more than ``max_block_size`` records are skipped with a warning.

    >>> BlockOn("nama_key", "tanggal_lahir").name
    'nama_key & tanggal_lahir'
    """

    fields: tuple[str, ...]
    max_block_size: int = 500

    def __init__(self, *fields: str, max_block_size: int = 500) -> None:
        if not fields:
            raise ValueError("BlockOn needs at least one field")
        object.__setattr__(self, "fields", tuple(fields))
        object.__setattr__(self, "max_block_size", int(max_block_size))

    @property
    def name(self) -> str:
        """A readable name of the rule."""
        return " & ".join(self.fields)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description.

        >>> BlockOn("nik").to_dict()
        {'type': 'block_on', 'fields': ['nik'], 'max_block_size': 500}
        """
        return {
            "type": "block_on",
            "fields": list(self.fields),
            "max_block_size": self.max_block_size,
        }


@dataclass(frozen=True)
class SortedNeighbourhood:
    """Pair each record with the next ``window`` records in the order of a sort key.

    ``sort_field`` names a prepared *sort* field (an int64 rank; see
    :data:`nikmatch.prepare.SORT_FIELDS`).  Records with a missing sort key are not paired.

    >>> SortedNeighbourhood("nama_key_dob", window=4).name
    'sorted neighbourhood on nama_key_dob (window 4)'
    """

    sort_field: str
    window: int = 4
    fields: tuple[str, ...] = field(default=(), init=False)

    @property
    def name(self) -> str:
        """A readable name of the rule."""
        return f"sorted neighbourhood on {self.sort_field} (window {self.window})"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "type": "sorted_neighbourhood",
            "sort_field": self.sort_field,
            "window": self.window,
        }


@dataclass(frozen=True, eq=False)
class GivenPairs:
    """Candidate pairs chosen elsewhere (record positions), e.g. the candidate links of
    recordlinkage's indexers: scored as they are.  Placed after other rules, pairs those rules
    already produced are not scored twice.

    >>> import numpy as np
    >>> GivenPairs(np.array([0, 1]), np.array([2, 3])).name
    'given pairs (2)'
    """

    left: IntArray
    right: IntArray

    @property
    def name(self) -> str:
        """A readable name of the rule."""
        return f"given pairs ({len(self.left)})"


@dataclass(frozen=True)
class WordBlock:
    """Pair records whose names share an informative *word* (by phonetic key) and the values
    of ``fields``: a block per word, so a typing slip in one word, a word left out or words
    reordered leave the other words to meet on (``ari febrianyah`` / ``ari febriansyah``
    meet on ``ari``; ``wati`` / ``wati yulianti`` on ``wati``).  Blocks larger than
    ``max_block_size`` (a common word in a birth year) are skipped: a shared common word says
    little, and the other rules cover its holders.

    The words of each record are the prepared key table's ``<column>_words`` (flat word
    codes) and ``<column>_word_start`` (each record's first word, CSR layout; see
    :meth:`~nikmatch.prepare.Prepared.keys`).  A pair of records sharing two words is
    produced once.  Rules of this kind come after the single-key rules by default; a rule
    placed after them (given candidate pairs, say) does not produce their pairs again.

    >>> WordBlock("nama", ("birth_year",)).name
    'a word of nama & birth_year'
    """

    column: str = "nama"
    fields: tuple[str, ...] = ("birth_year",)
    max_block_size: int = 40
    #: at most this many pairs per record (per list record when linking): the largest
    #: blocks (the commonest words) are left out first, so the rule keeps the rare words,
    #: which say the most, whatever the size of the register
    pairs_per_record: float = 1.0

    @property
    def name(self) -> str:
        """A readable name of the rule."""
        return " & ".join([f"a word of {self.column}", *self.fields])

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "type": "word_block",
            "column": self.column,
            "fields": list(self.fields),
            "max_block_size": self.max_block_size,
            "pairs_per_record": self.pairs_per_record,
        }

    def tokens(
        self, keys: KeyTable, source: npt.NDArray[np.int8] | None
    ) -> tuple[IntArray, IntArray]:
        """The record of each (record, word) token and the token's key: the word's code
        combined with the record's ``fields`` (-1 where any is missing)."""
        start = np.asarray(keys[f"{self.column}_word_start"], dtype=np.int64)
        words = np.asarray(keys[f"{self.column}_words"], dtype=np.int64)
        record = np.repeat(np.arange(len(start) - 1, dtype=np.int64), np.diff(start))
        if not self.fields:
            return record, words
        other = combined_key(keys, self.fields)
        value = other[record]
        radix = int(other.max(initial=0)) + 1
        ok = (value >= 0) & (words >= 0)
        token = np.full(len(record), -1, dtype=np.int64)
        dense_words = _dense_codes(np.where(ok, words, -1))
        token[ok] = dense_words[ok] * radix + value[ok]
        return record, token


BlockingRule = BlockOn | SortedNeighbourhood | GivenPairs | WordBlock


def rule_from_dict(data: Mapping[str, object]) -> BlockingRule:
    """Rebuild a rule from :meth:`BlockOn.to_dict` / :meth:`SortedNeighbourhood.to_dict`.

    >>> rule_from_dict(BlockOn("nik", max_block_size=10).to_dict())
    BlockOn(fields=('nik',), max_block_size=10)
    """
    kind = data.get("type")
    if kind == "block_on":
        fields = data.get("fields")
        if not isinstance(fields, list):
            raise ValueError("block_on rule needs a list of fields")
        size = data.get("max_block_size", 500)
        return BlockOn(*[str(f) for f in fields], max_block_size=int(str(size)))
    if kind == "sorted_neighbourhood":
        return SortedNeighbourhood(str(data["sort_field"]), window=int(str(data.get("window", 4))))
    if kind == "word_block":
        fields = data.get("fields", [])
        if not isinstance(fields, list):
            raise ValueError("word_block rule needs a list of fields")
        return WordBlock(
            str(data.get("column", "nama")),
            tuple(str(f) for f in fields),
            max_block_size=int(str(data.get("max_block_size", 40))),
            pairs_per_record=float(str(data.get("pairs_per_record", 1.0))),
        )
    raise ValueError(f"unknown blocking rule type {kind!r}")


def combined_key(
    keys: KeyTable, fields: Sequence[str], *, source: npt.NDArray[np.int8] | None = None
) -> IntArray:
    """One int64 key per record for a tuple of key fields (-1 where any part is missing).

    With ``source`` (linkage: 0 list, 1 register) a record whose value of some field no list
    record has can pair with no list record on these fields, and gets -1 too: the fields are
    combined for the few register records that can, not for the whole register.

    >>> import numpy as np
    >>> keys = {"a": np.array([1, 1, -1, 1]), "b": np.array([2, 2, 2, 3])}
    >>> combined_key(keys, ["a", "b"]).tolist()
    [0, 0, -1, 1]
    >>> combined_key(keys, ["a", "b"], source=np.array([0, 1, 1, 1], dtype=np.int8)).tolist()
    [0, 0, -1, -1]
    """
    missing_fields = [f for f in fields if f not in keys]
    if missing_fields:
        raise KeyError(f"blocking field(s) not available: {missing_fields}")
    first = np.asarray(keys[fields[0]], dtype=np.int64)
    if len(fields) == 1:
        return first
    memo = " & ".join(fields) + (" (linked)" if source is not None else "")
    cached = keys.get(memo) if isinstance(keys, dict) else None
    if cached is not None:
        return np.asarray(cached, dtype=np.int64)
    if source is not None:
        out = _linked_key(keys, fields, source)
        if isinstance(keys, dict):
            keys[memo] = out
        return out
    # mixed-radix codes of the fields, re-densified with a hash factorisation (O(n), no sort)
    # only when the next product would pass 2**62, and once at the end: the codes are those
    # of the first appearance of each combination either way
    dense = _dense_codes
    out = first
    for f in fields[1:]:
        nxt = np.asarray(keys[f], dtype=np.int64)
        radix = int(nxt.max(initial=0)) + 1
        if radix > 2**31:
            nxt = dense(nxt)
            radix = int(nxt.max(initial=0)) + 1
        if (int(out.max(initial=0)) + 1) * radix > 2**62:
            out = dense(out)
        out = np.where((out >= 0) & (nxt >= 0), out * radix + nxt, -1)
    out = dense(out)
    if isinstance(keys, dict):
        keys[memo] = out
    return out


def _dense_codes(values: IntArray) -> IntArray:
    """Codes ``0..k-1`` of the non-negative values, in order of first appearance; -1 stays -1
    (a hash factorisation: O(n), no sort).

    >>> _dense_codes(np.array([1871011203150007, -1, 7, 1871011203150007])).tolist()
    [0, -1, 1, 0]
    """
    valid = values >= 0
    codes, _ = pd.factorize(values[valid])
    out = np.full(len(values), -1, dtype=np.int64)
    out[valid] = codes
    return out


def rule_pair_count(
    fields: Sequence[str],
    keys: KeyTable,
    *,
    source: npt.NDArray[np.int8] | None = None,
    max_block_size: int | None = None,
) -> tuple[int, int]:
    """Pairs a rule on ``fields`` would make, and its largest block, from block sizes alone
    (no pair is generated; O(n)).  With ``source`` (0 list, 1 register) only list–register
    pairs count, and the largest block is the larger of its two sides among the blocks holding
    a list record (a block of register records alone makes no pair).

    >>> import numpy as np
    >>> keys = {"a": np.array([1, 1, 1, 2, -1])}
    >>> rule_pair_count(["a"], keys)
    (3, 3)
    >>> rule_pair_count(["a"], keys, source=np.array([0, 1, 1, 1, 0], dtype=np.int8))
    (2, 2)

    With ``max_block_size``, blocks larger than that (which the rule skips) are not counted.

    >>> rule_pair_count(["a"], keys, max_block_size=2)[0]
    0
    """
    key = combined_key(keys, fields, source=source)
    valid = key >= 0
    if not valid.any():
        return 0, 0
    size = int(key.max()) + 1
    if source is None:
        counts = np.bincount(key[valid], minlength=size)
        if max_block_size is not None:
            counts = np.where(counts <= max_block_size, counts, 0)
        return int((counts * (counts - 1) // 2).sum()), int(counts.max())
    left = np.bincount(key[valid & (source == 0)], minlength=size)
    right = np.bincount(key[valid & (source != 0)], minlength=size)
    if max_block_size is not None:
        small = left + right <= max_block_size
        left, right = np.where(small, left, 0), np.where(small, right, 0)
    listed = left > 0  # a block without a list record makes no pair, however large
    if not listed.any():
        return 0, 0
    return int((left * right).sum()), int(max(left[listed].max(), right[listed].max()))


def affordable_rules(
    candidates: Sequence[BlockOn],
    keys: KeyTable,
    *,
    budget: int,
    source: npt.NDArray[np.int8] | None = None,
) -> list[BlockOn]:
    """The ``candidates`` that fit in ``budget`` pairs together, in order, each with no block
    above its ``max_block_size`` and at least one pair: coarse rules (a birth date alone, a
    surname alone) that catch what the precise rules miss, used only where the data is small
    enough for them to be cheap.

    >>> import numpy as np
    >>> keys = {"a": np.array([1, 1, 1, 2]), "b": np.array([0, 0, 0, 0])}
    >>> [r.name for r in affordable_rules([BlockOn("b"), BlockOn("a")], keys, budget=4)]
    ['a']
    """
    chosen: list[BlockOn] = []
    left = budget
    for rule in candidates:
        if not all(f in keys for f in rule.fields):
            continue
        pairs, largest = rule_pair_count(rule.fields, keys, source=source)
        if 0 < pairs <= left and largest <= rule.max_block_size:
            chosen.append(rule)
            left -= pairs
    return chosen


def _runs(sorted_keys: IntArray) -> tuple[IntArray, IntArray]:
    """Start positions and lengths of runs of equal values in a sorted array."""
    if len(sorted_keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate([[0], change]).astype(np.int64)
    lengths = np.diff(np.concatenate([starts, [len(sorted_keys)]])).astype(np.int64)
    return starts, lengths


def _pairs_within_runs(
    order: IntArray, starts: IntArray, lengths: IntArray
) -> tuple[IntArray, IntArray]:
    """All i<j pairs within each run (positions into ``order``), vectorised."""
    # each element at offset k of a run of length s pairs with s-k-1 successors
    sizes = lengths
    elem_run_len = np.repeat(sizes, sizes)
    elem_offset = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    elem_pos = np.repeat(starts, sizes) + elem_offset
    n_succ = elem_run_len - elem_offset - 1
    left_pos = np.repeat(elem_pos, n_succ)
    step = (
        np.arange(int(n_succ.sum()), dtype=np.int64)
        - np.repeat(np.cumsum(n_succ) - n_succ, n_succ)
        + 1
    )
    right_pos = left_pos + step
    return order[left_pos], order[right_pos]


def _pairs_across_runs(
    order: IntArray, starts: IntArray, lengths: IntArray, n_left: IntArray
) -> tuple[IntArray, IntArray]:
    """Pairs (left-source, right-source) within runs whose first ``n_left`` members are left."""
    n_right = lengths - n_left
    per_left = np.repeat(n_right, n_left)  # partners for each left element
    left_elem_pos = np.repeat(starts, n_left) + (
        np.arange(int(n_left.sum()), dtype=np.int64) - np.repeat(np.cumsum(n_left) - n_left, n_left)
    )
    right_first = np.repeat(starts + n_left, n_left)
    left_pos = np.repeat(left_elem_pos, per_left)
    offs = np.arange(int(per_left.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(per_left) - per_left, per_left
    )
    right_pos = np.repeat(right_first, per_left) + offs
    return order[left_pos], order[right_pos]


def _linked_key(keys: KeyTable, fields: Sequence[str], source: npt.NDArray[np.int8]) -> IntArray:
    """:func:`combined_key` for linkage: each record's combination of the fields coded as its
    position among the list records' distinct combinations (-1 if no list record has it).
    Built one field at a time, so codes stay below the number of list records: the register is
    looked up in a table of the list's combinations, never factorised as a whole.

    >>> keys = {"a": np.array([1, 1, 1, 2]), "b": np.array([5, 6, 5, 5])}
    >>> _linked_key(keys, ["a", "b"], np.array([0, 1, 1, 1], dtype=np.int8)).tolist()
    [0, -1, 0, -1]
    """
    first = np.asarray(keys[fields[0]], dtype=np.int64)
    rows = np.flatnonzero(first >= 0)
    rows = rows[_keys_of_source(first, source, rows)]  # a table lookup: no hashing of n keys
    is_list = source[rows] == 0
    sub = first[rows]
    for i, f in enumerate(fields):
        if i:
            nxt = np.asarray(keys[f], dtype=np.int64)[rows]
            if int(nxt.max(initial=0)) >= 2**31:  # not a code (a raw number): coded first
                nxt = _dense_codes(nxt)
            radix = int(nxt.max(initial=0)) + 1
            sub = np.where((sub >= 0) & (nxt >= 0), sub * radix + nxt, -1)
        # codes below the number of list combinations: sub * radix stays far below 2**62
        wanted = pd.unique(sub[is_list & (sub >= 0)])
        sub = np.asarray(pd.Index(wanted).get_indexer(sub), dtype=np.int64)
        keep = sub >= 0
        rows, sub, is_list = rows[keep], sub[keep], is_list[keep]
    out = np.full(len(first), -1, dtype=np.int64)
    out[rows] = sub
    return out


def _keys_of_source(
    key: IntArray, source: npt.NDArray[np.int8], valid: IntArray
) -> npt.NDArray[np.bool_]:
    """For the records ``valid`` (key present): whether a source-0 record has the same key.

    >>> _keys_of_source(np.array([3, 3, 5, 7]), np.array([0, 1, 1, 0], np.int8),
    ...                 np.arange(4)).tolist()
    [True, True, False, True]
    """
    sub = key[valid]
    wanted = sub[source[valid] == 0]
    top = int(sub.max(initial=-1))
    if top < 8 * len(key) + 1_000_000:  # dense codes: a lookup table, O(n)
        table = np.zeros(top + 1, dtype=bool)
        table[wanted] = True
        return table[sub]
    return np.isin(sub, wanted)


@dataclass
class _RuleBlocks:
    order: IntArray
    starts: IntArray
    lengths: IntArray
    n_left: IntArray | None  # link only: number of left-source members per run
    pair_counts: IntArray
    skipped_records: int
    skipped_pairs: int


def _shared_keys(key: IntArray, valid: IntArray) -> IntArray:
    """The positions in ``valid`` whose key another record shares (in their order): a record
    alone in its block pairs with nobody, and on a fine key (name and birth date) most records
    are alone, so leaving them out makes the sort several times smaller.

    >>> _shared_keys(np.array([3, 1, 3, 2, 1]), np.arange(5)).tolist()
    [0, 1, 2, 4]
    """
    if len(valid) == 0:
        return valid
    top = int(key[valid].max())
    if top > 4 * len(key) + 1024:  # not a dense code: counted by sorting instead
        _, inverse, counts = np.unique(key[valid], return_inverse=True, return_counts=True)
        return valid[counts[inverse] > 1]
    counts = np.bincount(key[valid], minlength=top + 1)
    return valid[counts[key[valid]] > 1]


def _rule_blocks(
    rule: BlockOn,
    key: IntArray,
    source: npt.NDArray[np.int8] | None,
    rank: IntArray | None = None,
) -> _RuleBlocks:
    valid = np.flatnonzero(key >= 0)
    if source is None:
        valid = _shared_keys(key, valid)
    if source is None and rank is not None:
        order = valid[np.lexsort((rank[valid], key[valid]))]
        starts, lengths = _runs(key[order])
        # blocks in the order of their first member's rank: independent of input row order
        by_first = np.argsort(rank[order[starts]], kind="stable")
        starts, lengths = starts[by_first], lengths[by_first]
        n_left = None
        pair_counts = lengths * (lengths - 1) // 2
    elif source is None:
        order = valid[np.argsort(key[valid], kind="stable")]
        starts, lengths = _runs(key[order])
        n_left = None
        pair_counts = lengths * (lengths - 1) // 2
    else:
        # linkage: only blocks holding a list record can pair, so the records whose key no
        # list record has are dropped before sorting (a short list against a large register
        # sorts thousands of records per rule, not millions)
        valid = valid[_keys_of_source(key, source, valid)]
        sub_key = key[valid]
        sub_src = source[valid]
        order = valid[np.lexsort((sub_src, sub_key))]
        starts, lengths = _runs(key[order])
        is_left = (source[order] == 0).astype(np.int64)
        cum = np.concatenate([[0], np.cumsum(is_left)])
        n_left = cum[starts + lengths] - cum[starts]
        pair_counts = n_left * (lengths - n_left)
    too_big = (lengths > rule.max_block_size) & (pair_counts > 0)
    keep = (pair_counts > 0) & ~too_big
    skipped_records = int(lengths[too_big].sum())
    skipped_pairs = int(pair_counts[too_big].sum())
    return _RuleBlocks(
        order=order,
        starts=starts[keep],
        lengths=lengths[keep],
        n_left=None if n_left is None else n_left[keep],
        pair_counts=pair_counts[keep],
        skipped_records=skipped_records,
        skipped_pairs=skipped_pairs,
    )


def _cached_blocks(
    rule: BlockOn,
    key: IntArray,
    source: npt.NDArray[np.int8] | None,
    cache: dict[str, object] | None,
    *,
    pop: bool = False,
) -> _RuleBlocks:
    """:func:`_rule_blocks`, sorted once when diagnostics and pair generation share a
    ``cache`` (``pop`` frees the entry once the pairs are generated)."""
    name = f"{rule.name} / {rule.max_block_size}"
    found = cache.get(name) if cache is not None else None
    if isinstance(found, _RuleBlocks):
        if pop and cache is not None:
            del cache[name]
        return found
    blocks = _rule_blocks(rule, key, source)
    if cache is not None and not pop:
        cache[name] = blocks
    return blocks


def _cached_word_pairs(
    rule: WordBlock,
    keys: KeyTable,
    source: npt.NDArray[np.int8] | None,
    cache: dict[str, object] | None,
    *,
    pop: bool = False,
) -> tuple[IntArray, IntArray]:
    """:func:`word_block_pairs`, found once when diagnostics and pair generation share a
    ``cache`` (``pop`` frees the entry once the pairs are generated)."""
    name = f"{rule.name} / {rule.max_block_size} / {rule.pairs_per_record}"
    found = cache.get(name) if cache is not None else None
    if isinstance(found, tuple):
        if pop and cache is not None:
            del cache[name]
        left, right = found
        return left, right
    pairs = word_block_pairs(rule, keys, source)
    if cache is not None and not pop:
        cache[name] = pairs
    return pairs


class _Seen:
    """What the earlier rules produced: pairs agreeing on one of their keys (blocks skipped as
    too large excluded), or, for a sorted neighbourhood, pairs at most ``window`` apart in its
    order.

    The keys are kept as the columns of one ``int32`` table, one row per record, so checking a
    pair against every earlier rule reads one short row per record (one cache line for up to
    sixteen rules) instead of one scattered value per rule.

    >>> seen = _Seen(capacity=2)
    >>> seen.add_key(np.array([0, 0, 1, -1]))
    >>> seen.add_window(np.array([0, 5, 1, 2]), 1)
    >>> seen.agree(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3])).tolist()
    [True, True, False, True]
    """

    _ROWS_AT_ONCE = 500_000  # pairs checked per step: bounds the gathered rows' memory

    def __init__(self, capacity: int) -> None:
        self._capacity = max(capacity, 1)
        self._table: npt.NDArray[np.int32] | None = None
        self._used = 0
        self._windows: list[tuple[IntArray, int]] = []

    def __len__(self) -> int:
        """The number of earlier rules recorded."""
        return self._used + len(self._windows)

    def add_key(self, key: IntArray) -> None:
        """Record a rule whose pairs agree on ``key`` (-1: no pair)."""
        key = np.asarray(key, dtype=np.int64)
        if int(key.max(initial=0)) >= 2**31:  # a raw number, not a code: coded first
            key = _dense_codes(key)
        if self._table is None or self._used == self._table.shape[1]:
            width = self._capacity if self._table is None else 2 * self._used
            grown = np.full((len(key), width), -1, dtype=np.int32)
            if self._table is not None:
                grown[:, : self._used] = self._table
            self._table = grown
        self._table[:, self._used] = key
        self._used += 1

    def add_window(self, positions: IntArray, window: int) -> None:
        """Record a sorted neighbourhood: pairs at most ``window`` apart in ``positions``."""
        self._windows.append((positions, window))

    def agree(self, left: IntArray, right: IntArray) -> npt.NDArray[np.bool_]:
        """Per pair: whether an earlier rule produced it."""
        hit = np.zeros(len(left), dtype=bool)
        if self._table is not None and self._used:
            table, used = self._table, self._used
            for lo in range(0, len(left), self._ROWS_AT_ONCE):
                sl = slice(lo, lo + self._ROWS_AT_ONCE)
                a = table[left[sl]][:, :used]
                b = table[right[sl]][:, :used]
                hit[sl] = ((a >= 0) & (a == b)).any(axis=1)
        for positions, window in self._windows:
            kl, kr = positions[left], positions[right]
            hit |= (kl >= 0) & (kr >= 0) & (np.abs(kl - kr) <= window)
        return hit


def _produced_key(key: IntArray, max_block_size: int) -> IntArray:
    """``key`` with the records of blocks larger than ``max_block_size`` set to -1 (those
    blocks were skipped, so their pairs are still open to later rules)."""
    valid = key >= 0
    if not valid.any():
        return key
    counts = np.bincount(key[valid])
    big = np.zeros(len(key), dtype=bool)
    big[valid] = counts[key[valid]] > max_block_size
    return np.where(big, -1, key) if big.any() else key


def _sn_positions(rule: SortedNeighbourhood, keys: KeyTable) -> IntArray:
    rank = np.asarray(keys[rule.sort_field], dtype=np.int64)
    valid = np.flatnonzero(rank >= 0)
    order = valid[np.argsort(rank[valid], kind="stable")]
    pos = np.full(len(rank), -1, dtype=np.int64)
    pos[order] = np.arange(len(order))
    return pos


def iter_block_pairs(
    rules: Sequence[BlockingRule],
    keys: KeyTable,
    n: int,
    *,
    source: npt.NDArray[np.int8] | None = None,
    chunk_pairs: int = 4_000_000,
    warn: bool = True,
    blocks_cache: dict[str, object] | None = None,
) -> Iterator[tuple[int, IntArray, IntArray]]:
    """Yield ``(rule_index, left, right)`` chunks of candidate pairs, at most ~``chunk_pairs`` each.

    For deduplication (``source`` is None) ``left < right``.  For linkage ``source`` marks each
    record 0 (list) or 1 (register) and only 0–1 pairs are produced, ``left`` from source 0.  A
    pair is produced only by the first rule that finds it.  Memory is bounded by ``chunk_pairs``
    (a single block larger than that is still produced whole; ``max_block_size`` bounds it).
    """
    previous_keys = _Seen(capacity=sum(isinstance(r, BlockOn) for r in rules))
    words_seen = np.zeros(0, dtype=np.int64)  # pair codes of earlier WordBlock rules, sorted

    def produced(left: IntArray, right: IntArray) -> npt.NDArray[np.bool_]:
        # by an earlier rule: one agreeing on its key, or a word rule (a rule placed after
        # word rules, such as given candidate pairs, must not repeat their pairs)
        hit = previous_keys.agree(left, right)
        if len(words_seen):
            code = left * n + right
            at = np.minimum(np.searchsorted(words_seen, code), len(words_seen) - 1)
            hit |= words_seen[at] == code
        return hit

    for idx, rule in enumerate(rules):
        if isinstance(rule, WordBlock):
            left, right = _cached_word_pairs(rule, keys, source, blocks_cache, pop=True)
            code = left * n + right
            drop = previous_keys.agree(left, right)
            if len(words_seen):
                at = np.minimum(np.searchsorted(words_seen, code), len(words_seen) - 1)
                drop |= words_seen[at] == code
            left, right = left[~drop], right[~drop]
            words_seen = np.union1d(words_seen, code[~drop])
            for lo in range(0, len(left), chunk_pairs):
                yield idx, left[lo : lo + chunk_pairs], right[lo : lo + chunk_pairs]
            continue
        if isinstance(rule, GivenPairs):
            gl = np.asarray(rule.left, dtype=np.int64)
            gr = np.asarray(rule.right, dtype=np.int64)
            if source is None:
                gl, gr = np.minimum(gl, gr), np.maximum(gl, gr)
            for lo in range(0, len(gl), chunk_pairs):
                left, right = gl[lo : lo + chunk_pairs], gr[lo : lo + chunk_pairs]
                drop = produced(left, right)
                if drop.any():
                    left, right = left[~drop], right[~drop]
                if len(left):
                    yield idx, left, right
            continue
        if isinstance(rule, SortedNeighbourhood):
            for left, right in _sorted_neighbourhood(rule, keys, source, chunk_pairs):
                drop = produced(left, right)
                if drop.any():
                    left, right = left[~drop], right[~drop]
                if len(left):
                    yield idx, left, right
            previous_keys.add_window(_sn_positions(rule, keys), rule.window)
            continue
        key = combined_key(keys, rule.fields, source=source)
        blocks = _cached_blocks(rule, key, source, blocks_cache, pop=True)
        if warn and blocks.skipped_records:
            warnings.warn(
                f"blocking rule {rule.name!r}: skipped blocks larger than {rule.max_block_size} "
                f"records ({blocks.skipped_records} records, {blocks.skipped_pairs} pairs); "
                "other rules still see these records",
                BlockingWarning,
                stacklevel=2,
            )
        if len(blocks.starts):
            cum = np.cumsum(blocks.pair_counts)
            bounds = np.searchsorted(
                cum, np.arange(chunk_pairs, int(cum[-1]) + chunk_pairs, chunk_pairs), side="right"
            )
            lo = 0
            for hi in np.unique(np.concatenate([bounds, [len(cum)]])):
                hi = max(int(hi), lo + 1) if lo < len(cum) else lo
                if hi <= lo:
                    continue
                sl = slice(lo, hi)
                if blocks.n_left is None:
                    left, right = _pairs_within_runs(
                        blocks.order, blocks.starts[sl], blocks.lengths[sl]
                    )
                else:
                    left, right = _pairs_across_runs(
                        blocks.order, blocks.starts[sl], blocks.lengths[sl], blocks.n_left[sl]
                    )
                    # lexsort put source 0 first; ensure orientation
                if source is None:
                    left, right = np.minimum(left, right), np.maximum(left, right)
                drop = produced(left, right)
                if drop.any():
                    left, right = left[~drop], right[~drop]
                if len(left):
                    yield idx, left, right
                lo = hi
        previous_keys.add_key(_produced_key(key, rule.max_block_size))


def word_block_pairs(
    rule: WordBlock, keys: KeyTable, source: npt.NDArray[np.int8] | None = None
) -> tuple[IntArray, IntArray]:
    """The distinct pairs of a :class:`WordBlock` rule (records sharing a word and the
    rule's fields; for linkage, list record first).

    >>> import numpy as np
    >>> keys = {"nama_word_start": np.array([0, 2, 3, 5]),
    ...         "nama_words": np.array([7, 8, 7, 7, 8]), "birth_year": np.array([1990] * 3)}
    >>> l, r = word_block_pairs(WordBlock("nama", ("birth_year",), pairs_per_record=2), keys)
    >>> sorted(zip(l.tolist(), r.tolist()))
    [(0, 1), (0, 2), (1, 2)]

    Within one pair a record, the rarest word's block (8, one pair) is kept and the commoner
    word's (7, three pairs) left out:

    >>> l, r = word_block_pairs(WordBlock("nama", ("birth_year",)), keys)
    >>> sorted(zip(l.tolist(), r.tolist()))
    [(0, 2)]
    """
    record, token = rule.tokens(keys, source)
    keep = token >= 0
    record, token = record[keep], token[keep]
    if not len(record):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    token = _dense_codes(token)
    side = None if source is None else source[record]
    blocks = _rule_blocks(BlockOn("word", max_block_size=rule.max_block_size), token, side)
    n_records = len(keys[f"{rule.column}_word_start"]) - 1
    # a pair involves two records of a register, one of a list: a list record gets twice
    per = n_records if source is None else 2 * int((source == 0).sum())
    budget = rule.pairs_per_record * max(per, 1)
    if int(blocks.pair_counts.sum()) > budget:  # the smallest blocks (rarest words) first
        by_size = np.argsort(blocks.lengths, kind="stable")
        within = np.cumsum(blocks.pair_counts[by_size]) <= budget
        keep = np.sort(by_size[within])
        blocks = _RuleBlocks(
            order=blocks.order,
            starts=blocks.starts[keep],
            lengths=blocks.lengths[keep],
            n_left=None if blocks.n_left is None else blocks.n_left[keep],
            pair_counts=blocks.pair_counts[keep],
            skipped_records=blocks.skipped_records,
            skipped_pairs=blocks.skipped_pairs,
        )
    if blocks.n_left is None:
        a, b = _pairs_within_runs(blocks.order, blocks.starts, blocks.lengths)
    else:
        a, b = _pairs_across_runs(blocks.order, blocks.starts, blocks.lengths, blocks.n_left)
    left, right = record[a], record[b]
    if source is None:
        left, right = np.minimum(left, right), np.maximum(left, right)
    distinct = left != right
    left, right = left[distinct], right[distinct]
    width = int(max(int(left.max(initial=0)), int(right.max(initial=0)))) + 1
    code = np.unique(left * width + right)
    return (code // width).astype(np.int64), (code % width).astype(np.int64)


def _sorted_neighbourhood(
    rule: SortedNeighbourhood, keys: KeyTable, source: npt.NDArray[np.int8] | None, chunk_pairs: int
) -> Iterator[tuple[IntArray, IntArray]]:
    if rule.sort_field not in keys:
        raise KeyError(f"sort field not available: {rule.sort_field!r}")
    rank = np.asarray(keys[rule.sort_field], dtype=np.int64)
    valid = np.flatnonzero(rank >= 0)
    order = valid[np.argsort(rank[valid], kind="stable")]
    m = len(order)
    for step in range(1, rule.window + 1):
        if step >= m:
            break
        a = order[:-step]
        b = order[step:]
        for lo in range(0, len(a), chunk_pairs):
            left, right = a[lo : lo + chunk_pairs], b[lo : lo + chunk_pairs]
            if source is None:
                yield np.minimum(left, right), np.maximum(left, right)
            else:
                sl, sr = source[left], source[right]
                cross = sl != sr
                left, right = left[cross], right[cross]
                flip = source[left] == 1
                yield np.where(flip, right, left), np.where(flip, left, right)


def block_pairs(
    rules: Sequence[BlockingRule],
    keys: KeyTable,
    n: int,
    *,
    source: npt.NDArray[np.int8] | None = None,
    warn: bool = True,
) -> tuple[IntArray, IntArray]:
    """All candidate pairs of the rules' union, as two int64 arrays (see :func:`iter_block_pairs`).

    >>> import numpy as np
    >>> keys = {"a": np.array([1, 1, 2, 2]), "b": np.array([0, 1, 0, 1])}
    >>> l, r = block_pairs([BlockOn("a"), BlockOn("b")], keys, n=4)
    >>> sorted(zip(l.tolist(), r.tolist()))
    [(0, 1), (0, 2), (1, 3), (2, 3)]
    """
    lefts: list[IntArray] = []
    rights: list[IntArray] = []
    for _, left, right in iter_block_pairs(rules, keys, n, source=source, warn=warn):
        lefts.append(left)
        rights.append(right)
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(lefts), np.concatenate(rights)


def blocking_diagnostics(
    rules: Sequence[BlockingRule],
    keys: KeyTable,
    n: int,
    *,
    source: npt.NDArray[np.int8] | None = None,
    top: int = 5,
    count_new: bool = True,
    blocks_cache: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Pairs per rule *before* generating them: total, after the union, largest blocks, skipped.

    Counting is exact for :class:`BlockOn` rules (from block sizes).  ``new_pairs`` subtracts
    pairs already produced by earlier rules; it enumerates the rule's pairs (up to 20 million)
    unless ``count_new`` is False, when it is left equal to ``pairs`` (the matcher then fills in
    the exact figure while it scores, so the pairs are generated once).  A ``blocks_cache``
    dict shared with :func:`iter_block_pairs` lets the blocks be sorted once for both.

    >>> import numpy as np
    >>> keys = {"a": np.array([1, 1, 1, 2]), "b": np.array([0, 0, 3, 3])}
    >>> d = blocking_diagnostics([BlockOn("a"), BlockOn("b")], keys, n=4)
    >>> d[["rule", "pairs", "new_pairs", "largest_block"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'rule': 'a', 'pairs': 3, 'new_pairs': 3, 'largest_block': 3},
     {'rule': 'b', 'pairs': 2, 'new_pairs': 1, 'largest_block': 2}]
    """
    rows = []
    # what the earlier rules produced, kept only to count each rule's new pairs
    previous = _Seen(capacity=sum(isinstance(r, BlockOn) for r in rules)) if count_new else None
    for rule in rules:
        if isinstance(rule, WordBlock):
            left, right = _cached_word_pairs(rule, keys, source, blocks_cache)
            new_pairs = (
                int((~previous.agree(left, right)).sum())
                if previous is not None and len(previous)
                else len(left)
            )
            rows.append(
                {
                    "rule": rule.name,
                    "pairs": len(left),
                    "new_pairs": new_pairs,
                    "largest_block": rule.max_block_size,
                    "largest_blocks": "",
                    "skipped_records": 0,
                    "skipped_pairs": 0,
                }
            )
            continue
        if isinstance(rule, GivenPairs):
            rows.append(
                {
                    "rule": rule.name,
                    "pairs": len(rule.left),
                    "new_pairs": len(rule.left),
                    "largest_block": 2 if len(rule.left) else 0,
                    "largest_blocks": "",
                    "skipped_records": 0,
                    "skipped_pairs": 0,
                }
            )
            continue
        if isinstance(rule, SortedNeighbourhood):
            valid = int((np.asarray(keys[rule.sort_field]) >= 0).sum())
            pairs = sum(max(valid - s, 0) for s in range(1, rule.window + 1))
            rows.append(
                {
                    "rule": rule.name,
                    "pairs": pairs,
                    "new_pairs": pairs,
                    "largest_block": rule.window + 1,
                    "largest_blocks": "",
                    "skipped_records": 0,
                    "skipped_pairs": 0,
                }
            )
            if previous is not None:
                previous.add_window(_sn_positions(rule, keys), rule.window)
            continue
        key = combined_key(keys, rule.fields, source=source)
        blocks = _cached_blocks(rule, key, source, blocks_cache)
        total = int(blocks.pair_counts.sum())
        new = total
        if previous is not None and len(previous) and total:
            # count pairs already agreeing on an earlier rule's key, exactly when small
            left, right = (
                (
                    _pairs_within_runs(blocks.order, blocks.starts, blocks.lengths)
                    if blocks.n_left is None
                    else _pairs_across_runs(
                        blocks.order, blocks.starts, blocks.lengths, blocks.n_left
                    )
                )
                if total <= 20_000_000
                else (np.zeros(0, np.int64), np.zeros(0, np.int64))
            )
            if len(left):
                new = int((~previous.agree(left, right)).sum())
        largest = (
            np.sort(blocks.lengths)[::-1][:top] if len(blocks.lengths) else np.zeros(0, np.int64)
        )
        rows.append(
            {
                "rule": rule.name,
                "pairs": total,
                "new_pairs": new,
                "largest_block": int(largest[0]) if len(largest) else 0,
                "largest_blocks": ", ".join(str(int(x)) for x in largest),
                "skipped_records": blocks.skipped_records,
                "skipped_pairs": blocks.skipped_pairs,
            }
        )
        if previous is not None:
            previous.add_key(_produced_key(key, rule.max_block_size))
    frame: pd.DataFrame = pd.DataFrame(rows)
    return frame


def sample_block_pairs(
    rule: BlockOn,
    keys: KeyTable,
    n_pairs: int,
    *,
    source: npt.NDArray[np.int8] | None = None,
    seed: int = 0,
    per_block: int = 1,
    rank: IntArray | None = None,
) -> tuple[IntArray, IntArray]:
    """Sample training pairs from a rule's blocks without enumerating them: about
    ``per_block`` random pairs from every block (blocks with fewer pairs are taken whole).

    Blocks are stratified rather than pairs drawn uniformly.  Uniformly drawn pairs come
    almost all from the few huge blocks (a common name with a common mother's name, a default
    birth date), where namesakes drown the true matches and EM learns the wrong thing; and the
    share of namesakes grows with the register (pairs grow as n², residents with two NIKs as
    n).  One pair per block keeps true matches a large share of the training pairs at a
    million records as at fifty thousand, so ``m`` comes out the same (measured: EM's λ and
    birth-date ``m`` within 0.01 of the truth at both sizes).  ``max_block_size`` is ignored
    here: sampling is what makes large blocks safe.  With ``rank`` (a per-record order
    from the records' values, :meth:`~nikmatch.prepare.Prepared.content_rank`) the sample
    does not depend on the order of the input rows.

    >>> import numpy as np
    >>> keys = {"a": np.repeat(np.arange(100), [200] + [2] * 99)}
    >>> l, r = sample_block_pairs(BlockOn("a"), keys, 10_000)
    >>> len(l), bool((l != r).all())
    (100, True)
    """
    key = combined_key(keys, rule.fields, source=source)
    big = BlockOn(*rule.fields, max_block_size=np.iinfo(np.int64).max)
    blocks = _rule_blocks(big, key, source, rank if source is None else None)
    if int(blocks.pair_counts.sum()) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rng = np.random.default_rng(seed)
    small = blocks.pair_counts <= per_block
    parts_l: list[IntArray] = []
    parts_r: list[IntArray] = []
    if small.any():
        st, ln = blocks.starts[small], blocks.lengths[small]
        if blocks.n_left is None:
            left, right = _pairs_within_runs(blocks.order, st, ln)
        else:
            left, right = _pairs_across_runs(blocks.order, st, ln, blocks.n_left[small])
        parts_l.append(left)
        parts_r.append(right)
    large = np.flatnonzero(~small)
    if len(large):
        b = np.repeat(large, per_block)
        starts, lengths = blocks.starts[b], blocks.lengths[b]
        if blocks.n_left is None:
            i = rng.integers(0, lengths)
            j = rng.integers(0, lengths - 1)
            j = np.where(j >= i, j + 1, j)
            left, right = blocks.order[starts + i], blocks.order[starts + j]
            parts_l.append(np.minimum(left, right))
            parts_r.append(np.maximum(left, right))
        else:
            n_left = blocks.n_left[b]
            i = rng.integers(0, n_left)
            j = rng.integers(0, lengths - n_left)
            parts_l.append(blocks.order[starts + i])
            parts_r.append(blocks.order[starts + n_left + j])
    left = np.concatenate(parts_l).astype(np.int64)
    right = np.concatenate(parts_r).astype(np.int64)
    if len(left) > n_pairs:
        pick = np.sort(rng.choice(len(left), size=n_pairs, replace=False))
        left, right = left[pick], right[pick]
    return left, right
