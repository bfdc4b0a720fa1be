"""How many differences an extra record carries, and which: drawn jointly, per record.

Two records of one person rarely differ in one way only: the officer who typed the second
record retyped the whole form, so a typing slip in the name comes with a date digit, the
mother's name left out, a word dropped.  :func:`draw_kinds` first draws the *number* of
differences of each record (a mixture per scenario, :data:`DEFAULT_DIFFERENCE_COUNTS`), then
that many distinct kinds, weighted by :data:`DEFAULT_KIND_WEIGHTS` and by what the record
allows (no word to drop from a one-word name, no day/month swap of the 25th, no title for a
child).  Kinds of one *group* exclude each other: a record gets at most one date kind and at
most one mother's-name kind (a missing name is not also misspelt).

The kinds are stable names, reported in ``truth["corruptions"]`` (``;``-separated) and counted
in ``truth["differences"]``:

=====================  =========================================================================
kinds                  what differs from the person's own data
=====================  =========================================================================
name                   ``typo``, ``spelling``, ``islamic_form``, ``drop_word``, ``add_word``,
                       ``word_order``, ``initials``, ``title``, ``join_split``, ``old_spelling``
date (one at most)     ``date_digit``, ``date_year`` (the year off by one), ``date_swap``,
                       ``date_default`` (1 Jul, 31 Dec, 1 Jan or the 15th)
mother (one at most)   ``mother_missing``, ``mother_typo``, ``mother_spelling``,
                       ``mother_islamic_form``, ``mother_old_spelling``, ``mother_drop_word``
other                  ``place_variant``, ``sex_flip``; ``father_missing``, ``father_variant``
                       (``nama_ayah`` blank or retyped: drawn on their own stream, only with
                       ``extra_columns``)
=====================  =========================================================================

``nik_without_40`` (a woman's NIK issued without the +40) is reported too but is not a
difference between the fields of two records: it is not counted.

>>> rng = np.random.default_rng(0)
>>> weights = np.ones((3, len(DRAWN_KINDS)))
>>> chosen = draw_kinds(rng, np.array([0, 2, 30]), weights)
>>> chosen.sum(axis=1).tolist()  # 14 groups: one date kind and one mother kind at most
[0, 2, 14]
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

__all__ = [
    "DATE_KINDS",
    "DEFAULT_DIFFERENCE_COUNTS",
    "DEFAULT_KIND_WEIGHTS",
    "DIFFERENCE_KINDS",
    "DRAWN_KINDS",
    "GROUP_FACTORS",
    "MOTHER_KINDS",
    "NAME_KINDS",
    "count_differences",
    "draw_kinds",
    "kind_groups",
]

#: Variations of the name, in the order they are applied.
NAME_KINDS: tuple[str, ...] = (
    "typo",
    "spelling",
    "islamic_form",
    "drop_word",
    "add_word",
    "word_order",
    "initials",
    "title",
    "join_split",
    "old_spelling",
)
#: Birth-date kinds (at most one per record).
DATE_KINDS: tuple[str, ...] = ("date_digit", "date_year", "date_swap", "date_default")
#: Mother's-name kinds (at most one per record).
MOTHER_KINDS: tuple[str, ...] = (
    "mother_missing",
    "mother_typo",
    "mother_spelling",
    "mother_islamic_form",
    "mother_old_spelling",
    "mother_drop_word",
)
#: The kinds :func:`draw_kinds` draws, in column order.
DRAWN_KINDS: tuple[str, ...] = (
    *NAME_KINDS,
    *DATE_KINDS,
    *MOTHER_KINDS,
    "place_variant",
    "sex_flip",
)
#: Every difference kind reported in ``truth["corruptions"]`` and counted in
#: ``truth["differences"]``.
DIFFERENCE_KINDS: tuple[str, ...] = (*DRAWN_KINDS, "father_missing", "father_variant")

#: Relative weight of each kind on an extra record (before what the record allows).  A typing
#: slip in the name is the most common difference, then spelling variants, the date, the
#: mother's name; a woman entered as a man (or the reverse) is rare.
DEFAULT_KIND_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "typo": 0.20,
        "spelling": 0.12,
        "islamic_form": 0.35,
        "drop_word": 0.07,
        "add_word": 0.03,
        "word_order": 0.04,
        "initials": 0.04,
        "title": 0.05,
        "join_split": 0.04,
        "old_spelling": 0.03,
        "date_digit": 0.06,
        "date_year": 0.04,
        "date_swap": 0.03,
        "date_default": 0.03,
        "mother_missing": 0.07,
        "mother_typo": 0.05,
        "mother_spelling": 0.03,
        "mother_islamic_form": 0.06,
        "mother_old_spelling": 0.01,
        "mother_drop_word": 0.01,
        "place_variant": 0.06,
        "sex_flip": 0.006,
    }
)

#: Share of extra records with 0, 1, 2, 3 and 4 differences, by scenario.  A record typed
#: again at another office (``moved_regency``) differs more than one typed again nearby; a
#: resident entered twice on one KK was retyped by a second officer from the same papers;
#: a record made from a mistyped date has that date as one difference at least; each
#: member of a re-registered family also carries the habits of the officer, shared by the
#: family (see :mod:`nikmatch.synth.population`), on top of these.
DEFAULT_DIFFERENCE_COUNTS: Mapping[str, tuple[float, ...]] = MappingProxyType(
    {
        "moved_kecamatan": (0.22, 0.40, 0.25, 0.10, 0.03),
        "moved_regency": (0.17, 0.39, 0.28, 0.12, 0.04),
        "same_kecamatan": (0.25, 0.40, 0.23, 0.09, 0.03),
        "mistyped_date": (0.0, 0.55, 0.30, 0.12, 0.03),
        "same_kk": (0.12, 0.38, 0.30, 0.15, 0.05),
        "family_reregistered": (0.33, 0.39, 0.19, 0.07, 0.02),
    }
)

#: Scenario-specific factors on the weight of a group of kinds: a resident entered twice on one
#: KK has the mother's name and the place copied from the same card more often, the birth date
#: retyped more often; a record from another regency has the place written its own way.
GROUP_FACTORS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        "same_kk": MappingProxyType({"date": 1.5, "mother": 0.6, "place_variant": 0.4}),
        "moved_regency": MappingProxyType({"place_variant": 1.6}),
    }
)


def kind_groups() -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """The groups of :data:`DRAWN_KINDS` (kinds of one group exclude each other) and the group
    of each kind.

    >>> names, group = kind_groups()
    >>> names[group[DRAWN_KINDS.index("date_year")]], names[group[0]]
    ('date', 'typo')
    """
    names: list[str] = []
    group = np.empty(len(DRAWN_KINDS), dtype=np.int64)
    for i, kind in enumerate(DRAWN_KINDS):
        name = "date" if kind in DATE_KINDS else "mother" if kind in MOTHER_KINDS else kind
        if name not in names:
            names.append(name)
        group[i] = names.index(name)
    return tuple(names), group


def draw_kinds(
    rng: np.random.Generator,
    count: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    """Choose ``count[i]`` distinct kinds for each record ``i``, by ``weights[i]``.

    ``weights`` has one column per kind of :data:`DRAWN_KINDS` (0 where a kind is not
    possible).  Groups (one date kind, one mother's-name kind at most) are drawn without
    replacement with the summed weight of their kinds (Efraimidis-Spirakis keys, all rows at
    once), then one kind within each chosen group.  A record allowing fewer kinds than its
    count gets all it allows.  Returns a boolean matrix shaped like ``weights``.

    >>> w = np.zeros((2, len(DRAWN_KINDS)))
    >>> w[:, DRAWN_KINDS.index("typo")] = 1.0
    >>> w[:, DRAWN_KINDS.index("date_year")] = 1.0
    >>> w[:, DRAWN_KINDS.index("date_swap")] = 1.0
    >>> chosen = draw_kinds(np.random.default_rng(1), np.array([1, 3]), w)
    >>> [[DRAWN_KINDS[j] for j in np.flatnonzero(row)] for row in chosen]
    [['date_year'], ['typo', 'date_swap']]
    """
    n, k = weights.shape
    names, group = kind_groups()
    n_groups = len(names)
    group_weight = np.zeros((n, n_groups))
    for g in range(n_groups):
        group_weight[:, g] = weights[:, group == g].sum(axis=1)
    with np.errstate(divide="ignore"):
        keys = np.where(
            group_weight > 0, rng.exponential(size=(n, n_groups)) / group_weight, np.inf
        )
    rank = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")
    chosen_group = (rank < count[:, None]) & (group_weight > 0)
    chosen = np.zeros((n, k), dtype=bool)
    u = rng.random((n, n_groups))
    for g in range(n_groups):
        members = np.flatnonzero(group == g)
        rows = np.flatnonzero(chosen_group[:, g])
        if members.size == 1:
            chosen[rows, members[0]] = True
            continue
        cumulative = np.cumsum(weights[np.ix_(rows, members)], axis=1)
        pick = (cumulative < (u[rows, g] * cumulative[:, -1])[:, None]).sum(axis=1)
        chosen[rows, members[np.minimum(pick, members.size - 1)]] = True
    return chosen


def count_differences(corruptions: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """Number of difference kinds in each ``;``-separated ``corruptions`` string.

    >>> count_differences(np.array(["typo;date_year", "", "nik_without_40", "mother_missing"],
    ...                             dtype=object)).tolist()
    [2, 0, 0, 1]
    """
    counted = set(DIFFERENCE_KINDS)
    result = np.zeros(corruptions.size, dtype=np.int64)
    rows = np.flatnonzero(corruptions != "")
    result[rows] = [sum(part in counted for part in str(c).split(";")) for c in corruptions[rows]]
    return result
