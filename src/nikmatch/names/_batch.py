"""Batch analysis of many normalised names at once (word-level work once per distinct word).

Names are flattened into one array of words; per-word facts (key, low-information kind, birth
order, ...) are computed once per distinct word and spread back with integer indexing; the joined
name keys are built with a few regular-expression passes over one large string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.names.tables import NameRules

_UL_SUN = re.compile(r"ul (?=[tdrsnl])")
_ACROSS = re.compile(r"([a-z])(?: \1)+")
_ARTICLE_CODE = {"m": 1, "f": 2}
_PATRONYMIC = ("bin", "binti")

I64 = npt.NDArray[np.int64]


def join_word_keys(spaced: str) -> str:
    """Join word keys given as one space-separated string (see :mod:`nikmatch.names.phonetic`)."""
    return _ACROSS.sub(r"\1", _UL_SUN.sub("u ", spaced)).replace(" ", "")


@dataclass
class Batch:
    """Word-level arrays for a list of normalised names."""

    n_names: int
    n_words: npt.NDArray[np.int64]  # words per name
    starts: I64  # index of each name's first word in the flat arrays
    word_name: I64  # name index of each flat word
    word_pos: I64  # position of each flat word in its name
    word_code: I64  # code of each flat word into ``words``
    words: list[str]  # distinct words
    word_keys: npt.NDArray[np.object_]  # key per distinct word
    word_key_code: I64  # code of each distinct word's key
    low: npt.NDArray[np.bool_]  # per flat word: low information (context applied)
    keys: list[str]  # joined key per name ("" for empty names)


def analyse_batch(names: list[str], rules: NameRules, token_key: Callable[[str], str]) -> Batch:
    """Analyse normalised ``names``; ``token_key(word, rules=...)`` gives a word's key."""
    n = len(names)
    n_words = np.fromiter((nm.count(" ") + 1 if nm else 0 for nm in names), dtype=np.int64, count=n)
    flat = " ".join(names).split()
    total = len(flat)
    if total != int(n_words.sum()):  # not normalised (extra spaces): count words properly
        n_words = np.fromiter((len(nm.split()) for nm in names), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    if n:
        np.cumsum(n_words[:-1], out=starts[1:])
    word_name = np.repeat(np.arange(n, dtype=np.int64), n_words)
    word_pos = np.arange(total, dtype=np.int64) - starts[word_name]
    codes, uniq = (
        pd.factorize(np.asarray(flat, dtype=object))
        if total
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
    )
    words = [str(w) for w in uniq.tolist()]
    word_keys = np.asarray([token_key(w) for w in words], dtype=object)
    key_codes = pd.factorize(word_keys)[0] if len(words) else np.zeros(0, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)

    kind = [rules.low_information.get(w) for w in words]
    is_low = np.asarray([k is not None and k != "article" for k in kind], dtype=bool)
    is_article = np.asarray([k == "article" for k in kind], dtype=bool)
    low = is_low[codes] | (is_article[codes] & (word_pos == 0))
    if rules.phrases and total:
        index = {w: i for i, w in enumerate(words)}
        same_next = np.zeros(total, dtype=bool)
        same_next[:-1] = word_name[1:] == word_name[:-1]
        for phrase in rules.phrases:
            if any(p not in index for p in phrase):
                continue
            size = len(phrase)
            hit = np.zeros(total, dtype=bool)
            hit[: total - size + 1] = True
            for j, p in enumerate(phrase):
                part = codes[j : total - size + 1 + j] == index[p]
                hit[: total - size + 1] &= part
                if j < size - 1:
                    hit[: total - size + 1] &= same_next[j : total - size + 1 + j]
            for j in range(size):
                low[np.flatnonzero(hit) + j] = True

    keys = _joined_keys(n_words, starts, word_keys[codes] if total else word_keys)
    return Batch(
        n_names=n,
        n_words=n_words,
        starts=starts,
        word_name=word_name,
        word_pos=word_pos,
        word_code=codes,
        words=words,
        word_keys=word_keys,
        word_key_code=np.asarray(key_codes, dtype=np.int64),
        low=low,
        keys=keys,
    )


def _joined_keys(
    n_words: npt.NDArray[np.int64], starts: I64, flat_keys: npt.NDArray[np.object_]
) -> list[str]:
    """Joined name keys from the flat word keys (one regex pass over one large string)."""
    keys = [""] * len(n_words)
    total = len(flat_keys)
    if not total:
        return keys
    nonempty = np.flatnonzero(n_words > 0)
    sep = np.full(total, " ", dtype=object)
    sep[starts[nonempty] + n_words[nonempty] - 1] = "\n"
    pieces = np.empty(2 * total, dtype=object)
    pieces[0::2] = flat_keys
    pieces[1::2] = sep
    joined = join_word_keys_lines("".join(pieces.tolist()))
    for i, key in zip(nonempty.tolist(), joined, strict=True):
        keys[i] = key
    return keys


def informative_parts(batch: Batch, names: list[str]) -> tuple[list[str], list[str]]:
    """Per name: its informative words and their joined key (low-information words left out);
    the whole name and key when no word is informative."""
    keep = ~batch.low
    n_inf = np.bincount(batch.word_name[keep], minlength=batch.n_names).astype(np.int64)
    starts = np.zeros(batch.n_names, dtype=np.int64)
    if batch.n_names:
        np.cumsum(n_inf[:-1], out=starts[1:])
    flat_words = (
        np.asarray(batch.words, dtype=object)[batch.word_code[keep]]
        if len(batch.word_code)
        else np.zeros(0, dtype=object)
    )
    flat_keys = batch.word_keys[batch.word_code[keep]] if len(batch.word_code) else flat_words
    keys = _joined_keys(n_inf, starts, flat_keys)
    texts = _joined_words(n_inf, starts, flat_words)
    for i in np.flatnonzero(n_inf == 0).tolist():
        texts[i], keys[i] = names[i], batch.keys[i]
    return texts, keys


def _joined_words(
    n_words: npt.NDArray[np.int64], starts: I64, flat_words: npt.NDArray[np.object_]
) -> list[str]:
    out = [""] * len(n_words)
    total = len(flat_words)
    if not total:
        return out
    nonempty = np.flatnonzero(n_words > 0)
    sep = np.full(total, " ", dtype=object)
    sep[starts[nonempty] + n_words[nonempty] - 1] = "\n"
    pieces = np.empty(2 * total, dtype=object)
    pieces[0::2] = flat_words
    pieces[1::2] = sep
    lines = "".join(pieces.tolist()).split("\n")[:-1]
    for i, line in zip(nonempty.tolist(), lines, strict=True):
        out[i] = line
    return out


def batch_keys(names: list[str], token_key: Callable[[str], str]) -> list[str]:
    """Joined keys of many normalised names; ``token_key`` maps a word to its key."""
    n_words = np.fromiter(
        (nm.count(" ") + 1 if nm else 0 for nm in names), dtype=np.int64, count=len(names)
    )
    flat = " ".join(names).split()
    if not flat:
        return [""] * len(names)
    if len(flat) != int(n_words.sum()):
        n_words = np.fromiter((len(nm.split()) for nm in names), dtype=np.int64, count=len(names))
    starts = np.zeros(len(names), dtype=np.int64)
    np.cumsum(n_words[:-1], out=starts[1:])
    codes, uniq = pd.factorize(np.asarray(flat, dtype=object))
    word_keys = np.asarray([token_key(w) for w in uniq.tolist()], dtype=object)
    return _joined_keys(n_words, starts, word_keys[codes])


def join_word_keys_lines(text: str) -> list[str]:
    """:func:`join_word_keys` on every line of ``text`` (each line ends with a newline)."""
    return _ACROSS.sub(r"\1", _UL_SUN.sub("u ", text)).replace(" ", "").split("\n")[:-1]


def per_name_first(
    batch: Batch, values: npt.NDArray[np.int8], where: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int8]:
    """Per name: ``values`` of its first word where ``where`` holds, else 0."""
    out = np.zeros(batch.n_names, dtype=np.int8)
    idx = np.flatnonzero(where)
    if len(idx):
        names, first = np.unique(batch.word_name[idx], return_index=True)
        out[names] = values[idx[first]]
    return out


def article_codes(batch: Batch, rules: NameRules) -> npt.NDArray[np.int8]:
    """Per name: 1 (``i``), 2 (``ni``) or 0 from its first word."""
    per_word = np.asarray(
        [_ARTICLE_CODE.get(rules.articles.get(w, ""), 0) for w in batch.words], dtype=np.int8
    )
    out = np.zeros(batch.n_names, dtype=np.int8)
    nonempty = batch.n_words > 0
    if len(batch.word_code):
        out[nonempty] = per_word[batch.word_code[batch.starts[nonempty]]]
    return out


def birth_codes(batch: Batch, rules: NameRules) -> npt.NDArray[np.int8]:
    """Per name: birth position (1-4) of its first birth-order word, else 0."""
    per_word = np.asarray([rules.birth_order.get(w, 0) for w in batch.words], dtype=np.int8)
    values = per_word[batch.word_code] if len(batch.word_code) else np.zeros(0, dtype=np.int8)
    return per_name_first(batch, values, values > 0)


def patronymic_flags(batch: Batch) -> npt.NDArray[np.bool_]:
    """Per name: a ``bin``/``binti`` that is neither the first nor the last word."""
    marker = np.asarray([w in _PATRONYMIC for w in batch.words], dtype=bool)
    if not len(batch.word_code):
        return np.zeros(batch.n_names, dtype=bool)
    hit = marker[batch.word_code] & (batch.word_pos > 0)
    hit &= batch.word_pos < batch.n_words[batch.word_name] - 1
    out = np.zeros(batch.n_names, dtype=bool)
    out[batch.word_name[hit]] = True
    return out
