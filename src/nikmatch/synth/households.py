"""Households (Kartu Keluarga) and the people in them: ages, sex, names, mothers, places.

Households are drawn by type, then filled with members, all as numpy arrays:

==================  =====  ==================================================================
type                share  members
==================  =====  ==================================================================
couple with kids    0.56   head (husband), wife, 1-6 children
extended            0.10   the same + the head's widowed parent (mostly his mother)
couple, no kids     0.08   head and wife (young couples and empty nests)
single parent       0.09   a mother (head) and 1-6 children
single              0.10   one adult (widowed elderly women more often)
elderly couple      0.07   head and wife aged 58-90
==================  =====  ==================================================================

Children's ages follow from their mother's age (mothers 19-42 at birth), so the age pyramid
comes out close to the 2020 census of a Sumatran city: about 26% under 15 and 6-7% aged 65 and
over, nobody over 90.  Siblings who are not twins are born at least 300 days apart (10-14
months: :func:`space_births` moves dates that fall closer).  Children share the household's
KK number, address and RT/RW and have their mother's name as ``nama_ibu``; the head's mother,
when she lives in the household, is his ``nama_ibu``. Twins (same birth date, names that go
together: :func:`~nikmatch.synth.names.twin_names`) and a son named after his father are
planted at configurable rates and reported as groups; apart from such a son, no two members of
a household share a full name (a repeated name is drawn again, see :func:`repeated_names`).

>>> import datetime as dt
>>> from nikmatch.synth.geography import Geography
>>> rng = np.random.default_rng(0)
>>> geo = Geography.build("1871", rng)
>>> people = build_people(rng, 500, geo, dt.date(2026, 1, 1), twin_rate=0.02, father_son_rate=0.02)
>>> len(people["name"]), bool((people["age"] <= 90).all())
(500, True)
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

from nikmatch.synth.geography import Geography
from nikmatch.synth.names import TRADITIONS, draw_names, draw_surnames, twin_names

__all__ = [
    "HOUSEHOLD_TYPES",
    "ROLES",
    "birth_dates",
    "build_people",
    "kk_issue_dates",
    "repeated_names",
    "space_births",
    "whole_years",
]

Columns = dict[str, npt.NDArray[Any]]

#: Household types and their shares (see the module docstring).
HOUSEHOLD_TYPES: tuple[tuple[str, float], ...] = (
    ("couple_kids", 0.56),
    ("extended", 0.10),
    ("couple", 0.08),
    ("single_parent", 0.09),
    ("single", 0.10),
    ("elderly_couple", 0.07),
)
#: Role codes of household members.
ROLES: tuple[str, ...] = ("head", "spouse", "child", "parent")
_HEAD, _SPOUSE, _CHILD, _PARENT = range(4)
_CHILD_COUNTS = np.array([0.27, 0.36, 0.2, 0.1, 0.045, 0.025])
_OCCUPATIONS_ADULT = (
    ("WIRASWASTA", 0.26),
    ("KARYAWAN SWASTA", 0.22),
    ("BURUH HARIAN LEPAS", 0.11),
    ("PEDAGANG", 0.1),
    ("PEGAWAI NEGERI SIPIL (PNS)", 0.06),
    ("PETANI/PEKEBUN", 0.04),
    ("NELAYAN/PERIKANAN", 0.02),
    ("GURU", 0.03),
    ("SOPIR", 0.03),
    ("KARYAWAN HONORER", 0.04),
    ("BELUM/TIDAK BEKERJA", 0.09),
)
#: Least days between the births of consecutive siblings who are not twins: each pair needs
#: a gap drawn from ``[_MIN_GAP, _MAX_GAP)`` (10 to 14 months), so no spike at the minimum.
_MIN_GAP, _MAX_GAP = 300, 420
#: Mothers are at least this old (days: 16 years) at a birth, as far as the gaps allow.
_MIN_MOTHER_AGE = 5844
_OLD_PLACE_NAMES = {"1871": ("TANJUNG KARANG", "TELUK BETUNG", "TANJUNGKARANG")}


def _beta_ages(
    rng: np.random.Generator, n: int, low: int, span: int, a: float, b: float
) -> npt.NDArray[np.int64]:
    return (low + np.floor(span * rng.beta(a, b, size=n))).astype(np.int64)


def _households(rng: np.random.Generator, n: int) -> Columns:
    """Draw household types and member counts until ``n`` people are reached."""
    names = [t for t, _ in HOUSEHOLD_TYPES]
    shares = np.array([s for _, s in HOUSEHOLD_TYPES])
    estimate = int(n / 2.4) + 50
    htype = rng.choice(len(names), size=estimate, p=shares / shares.sum())
    kind = np.asarray(names, dtype=object)[htype]
    with_kids = np.isin(kind, ["couple_kids", "extended", "single_parent"])
    n_kids = np.where(with_kids, 1 + rng.choice(6, size=estimate, p=_CHILD_COUNTS), 0)
    spouse = np.isin(kind, ["couple_kids", "extended", "couple", "elderly_couple"])
    parent = kind == "extended"
    return {"kind": kind, "n_kids": n_kids, "spouse": spouse, "parent": parent}


def birth_dates(
    rng: np.random.Generator, age: npt.NDArray[np.int64], reference: dt.date
) -> npt.NDArray[np.datetime64]:
    """Birth dates for ages in whole years at ``reference``, with the unknown-date defaults.

    A share of people (25% of those born before 1950, falling to 0.5% after 2004) have the
    date SIAK records for an unknown birthday: 31 December (older records) or 1 July, some
    1 January, a few the 15th of the month.

    >>> d = birth_dates(np.random.default_rng(0), np.array([0, 30, 80]), dt.date(2026, 1, 1))
    >>> [str(x) for x in d]
    ['2025-05-14', '1995-09-26', '1945-12-18']
    """
    ref = np.datetime64(reference, "D")
    offset = np.maximum(np.floor((age + rng.random(age.size)) * 365.2425).astype(np.int64), 1)
    days = ref - offset.astype("timedelta64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    share = np.select(
        [year < 1950, year < 1970, year < 1990, year < 2004], [0.25, 0.12, 0.04, 0.015], 0.005
    )
    u = rng.random(age.size)
    default = u < share
    which = rng.random(age.size)
    old = year < 1990
    month_day = np.where(
        old,
        np.select([which < 0.45, which < 0.8, which < 0.95], [1231, 701, 101], 15),
        np.select([which < 0.6, which < 0.85, which < 0.97], [701, 101, 1231], 15),
    )
    month = np.where(
        month_day == 15, days.astype("datetime64[M]").astype(np.int64) % 12 + 1, month_day // 100
    )
    day = np.where(month_day == 15, 15, month_day % 100)
    fixed = (
        (year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (month - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    use = default & (fixed < ref) & (fixed > ref - np.timedelta64(33237, "D"))  # ages 0-90
    result: npt.NDArray[np.datetime64] = np.where(use, fixed, days)
    return result


def whole_years(birth: npt.NDArray[np.datetime64], reference: dt.date) -> npt.NDArray[np.int64]:
    """Age in whole years on ``reference`` of people born on ``birth``.

    >>> b = np.array(["2000-01-01", "2000-01-02", "2025-12-31"], dtype="datetime64[D]")
    >>> whole_years(b, dt.date(2026, 1, 1)).tolist()
    [26, 25, 0]
    """
    days = birth.astype("datetime64[D]")
    year = days.astype("datetime64[Y]")
    month_start = days.astype("datetime64[M]")
    month = (month_start - year.astype("datetime64[M]")).astype(np.int64)
    day = (days - month_start.astype("datetime64[D]")).astype(np.int64)
    not_yet = month * 31 + day > (reference.month - 1) * 31 + reference.day - 1
    years = (np.datetime64(reference, "Y") - year).astype(np.int64)
    result: npt.NDArray[np.int64] = years - not_yet
    return result


def _running(
    values: npt.NDArray[np.int64], rank: npt.NDArray[np.int64], *, backwards: bool = False
) -> npt.NDArray[np.int64]:
    """Running maximum within groups (``rank`` ascending), or running minimum from the end.

    >>> _running(np.array([3, 1, 5, 2, 0]), np.array([0, 0, 0, 1, 1])).tolist()
    [3, 3, 5, 2, 2]
    >>> _running(np.array([3, 1, 5, 2, 0]), np.array([0, 0, 0, 1, 1]), backwards=True).tolist()
    [1, 1, 5, 0, 0]
    """
    low = int(values.min())
    base = rank * (int(values.max()) - low + 1)  # a later group's values all exceed earlier ones
    shifted = values - low + base
    if backwards:
        run = np.minimum.accumulate(shifted[::-1])[::-1]
    else:
        run = np.maximum.accumulate(shifted)
    result: npt.NDArray[np.int64] = run - base + low
    return result


def space_births(
    birth: npt.NDArray[np.datetime64],
    group: npt.NDArray[np.int64],
    gap: npt.NDArray[np.int64],
    latest: np.datetime64,
    earliest: np.datetime64 | npt.NDArray[np.datetime64] | None = None,
) -> npt.NDArray[np.datetime64]:
    """Move siblings' birth dates apart: each at least ``gap`` days after the previous one.

    ``birth`` are the children of households ``group`` (each household's rows contiguous,
    households in ascending order, eldest first); ``gap[i]`` is the least number of days
    between child ``i`` and the child before it (0 for a twin, which keeps the other twin's
    date; ignored for a household's first child).  Dates that are too close move little and
    symmetrically -- about half of each shortfall makes the younger child younger, half the
    elder older -- so the age distribution stays put.  Nobody is born after ``latest`` (elder
    siblings move further back instead) and, where the gaps allow it, before ``earliest``
    (say, the mother's 16th birthday; younger siblings move later instead).

    >>> b = np.array(["2010-05-01", "2010-06-01", "2025-12-20", "2025-12-25"],
    ...              dtype="datetime64[D]")
    >>> out = space_births(b, np.array([0, 0, 1, 1]), np.array([0, 300, 0, 300]),
    ...                    np.datetime64("2025-12-31"))
    >>> [str(d) for d in out]
    ['2009-12-17', '2010-10-13', '2025-03-06', '2025-12-31']
    >>> out = space_births(b, np.array([0, 0, 1, 1]), np.array([0, 300, 0, 300]),
    ...                    np.datetime64("2025-12-31"), np.datetime64("2010-02-01"))
    >>> [str(d) for d in out]
    ['2010-02-01', '2010-11-28', '2025-03-06', '2025-12-31']
    """
    n = birth.size
    if n == 0:
        empty: npt.NDArray[np.datetime64] = birth.astype("datetime64[D]")
        return empty
    days = birth.astype("datetime64[D]").astype(np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    needed = np.where(first, 0, gap).astype(np.int64)
    total = np.cumsum(needed)
    offset = total - np.maximum.accumulate(np.where(first, total, 0))  # gaps since the eldest
    # with ``offset`` taken off, the gaps hold when values never fall within a household: a
    # running maximum pushes younger children later, a running minimum from the youngest
    # backwards pushes elder ones earlier; the mean of the two does half of each
    value = days - offset
    rank = np.cumsum(first) - 1
    spaced = (_running(value, rank) + _running(value, rank, backwards=True)) // 2
    if earliest is not None:
        low = np.broadcast_to(np.asarray(earliest, dtype="datetime64[D]").astype(np.int64), (n,))
        spaced = _running(np.maximum(spaced, low - offset), rank)
    last = np.append(first[1:], True)
    cap = int(latest.astype("datetime64[D]").astype(np.int64)) - offset[last][rank]
    result: npt.NDArray[np.datetime64] = (np.minimum(spaced, cap) + offset).astype("datetime64[D]")
    return result


def repeated_names(
    household: npt.NDArray[np.int64], name: npt.NDArray[np.object_]
) -> npt.NDArray[np.bool_]:
    """Whether each person has the same full name as an earlier row of the same household.

    ``household`` must list each household's rows together (as :func:`build_people` does).

    >>> repeated_names(np.array([0, 0, 0, 1]), np.array(["A", "B", "A", "A"], dtype=object))
    array([False, False,  True, False])
    """
    result = np.zeros(household.size, dtype=bool)
    for k in range(1, household.size):  # compare each row with the row k places earlier
        same = household[k:] == household[:-k]
        rows = np.flatnonzero(same)
        if rows.size == 0:
            break
        if rows.size * 3 > same.size:  # most rows: compare whole slices (no copies)
            result[k:] |= same & (name[k:] == name[:-k])
        else:
            result[rows + k] |= name[rows + k] == name[rows]
    return result


def kk_issue_dates(
    rng: np.random.Generator, earliest: npt.NDArray[np.datetime64], reference: dt.date
) -> npt.NDArray[np.datetime64]:
    """A KK issue date per household: after 2005-01-01 and the youngest member's birth.

    >>> e = np.array(["2010-05-01", "1990-01-01"], dtype="datetime64[D]")
    >>> [str(x) for x in kk_issue_dates(np.random.default_rng(0), e, dt.date(2026, 1, 1))]
    ['2020-04-23', '2010-09-01']
    """
    ref = np.datetime64(reference, "D")
    start = np.maximum(earliest, np.datetime64("2005-01-01"))
    start = np.minimum(start, ref - np.timedelta64(1, "D"))
    span = (ref - start).astype(np.int64)
    offset = np.floor(rng.random(earliest.size) * span).astype(np.int64)
    result: npt.NDArray[np.datetime64] = start + offset.astype("timedelta64[D]")
    return result


def _occupations(
    rng: np.random.Generator,
    age: npt.NDArray[np.int64],
    female: npt.NDArray[np.bool_],
    role: npt.NDArray[np.int64],
) -> npt.NDArray[np.object_]:
    n = age.size
    labels = np.asarray([o for o, _ in _OCCUPATIONS_ADULT], dtype=object)
    weights = np.array([w for _, w in _OCCUPATIONS_ADULT])
    out = labels[rng.choice(labels.size, size=n, p=weights / weights.sum())]
    u = rng.random(n)
    out = np.where(
        female & (role != _CHILD) & (age >= 20) & (u < 0.5), "MENGURUS RUMAH TANGGA", out
    )
    out = np.where((age >= 58) & (u < 0.3), "PENSIUNAN", out)
    out = np.where((age >= 5) & (age < 18), "PELAJAR/MAHASISWA", out)
    out = np.where((age >= 18) & (age < 23) & (u < 0.5), "PELAJAR/MAHASISWA", out)
    out = np.where(age < 5, "BELUM/TIDAK BEKERJA", out)
    result: npt.NDArray[np.object_] = out.astype(object)
    return result


def _share_within_household(
    names: npt.NDArray[np.object_], rows: npt.NDArray[np.int64], household: npt.NDArray[np.int64]
) -> None:
    """Give the children ``rows`` of one household (whose parent is not in the register, so a
    name was drawn for each) the name drawn for the first of them: siblings share a parent.

    Drawing one name per child first and copying afterwards keeps the random draws, and so
    everything else generated, as they were.

    >>> names = np.array(["A", "B", "C", "D"], dtype=object)
    >>> _share_within_household(names, np.array([0, 1, 3]), np.array([5, 5, 6, 6]))
    >>> names.tolist()
    ['A', 'A', 'C', 'D']
    """
    if rows.size == 0:
        return
    _, first, inverse = np.unique(household[rows], return_index=True, return_inverse=True)
    names[rows] = names[rows[first]][inverse]


def build_people(
    rng: np.random.Generator,
    n: int,
    geo: Geography,
    reference: dt.date,
    *,
    twin_rate: float = 0.01,
    father_son_rate: float = 0.01,
    migrant_share: float = 0.3,
    sound_alike_twins: float = 0.03,
) -> Columns:
    """Build exactly ``n`` people in households; one array per attribute (see the source).

    Keys include ``household``, ``role`` (index into :data:`ROLES`), ``female``, ``age``,
    ``birth_date`` (``datetime64[D]``), ``tradition``, ``name``, ``mother_name``,
    ``father_name``, ``district`` (position in ``geo.districts``), ``village``, ``address``,
    ``rt``, ``rw``, ``kk_date``, ``nik_district`` (6-digit code of first registration),
    ``place_of_birth``, ``religion``, ``occupation``, ``mother_row`` (row of the mother when
    she is in the register), ``twin_group``, ``father_son_group`` (-1 when none) and
    ``twin_names`` (how a twin's name relates to the other twin's, one of
    :data:`~nikmatch.synth.names.TWIN_NAME_KINDS`; empty for others).  ``sound_alike_twins``
    is the share of same-sex twin pairs named two spellings of one sound (``NAYLA``/``NAILA``).

    >>> from nikmatch.synth.geography import Geography
    >>> rng = np.random.default_rng(1)
    >>> p = build_people(rng, 50, Geography.build("1871", rng), dt.date(2026, 1, 1))
    >>> ROLES[p["role"][0]], p["name"][0], p["nik_district"][0]
    ('head', 'DWI SUSANTI', '180105')
    """
    hh = _households(rng, n)
    n_hh = hh["kind"].size
    kind = hh["kind"]
    head_age = np.select(
        [kind == "single", kind == "single_parent", kind == "elderly_couple", kind == "couple"],
        [
            _beta_ages(rng, n_hh, 18, 73, 1.3, 1.8),
            _beta_ages(rng, n_hh, 24, 50, 2.0, 2.4),
            _beta_ages(rng, n_hh, 58, 33, 1.4, 2.2),
            _beta_ages(rng, n_hh, 21, 30, 1.2, 2.5),
        ],
        _beta_ages(rng, n_hh, 22, 58, 2.3, 3.2),
    )
    head_female = np.where(
        kind == "single_parent",
        True,
        np.where(
            kind == "single",
            rng.random(n_hh) < np.where(head_age >= 60, 0.65, 0.45),
            rng.random(n_hh) < 0.03,
        ),
    )
    spouse_age = np.clip(head_age - np.round(rng.normal(4, 4, n_hh)).astype(np.int64), 17, 90)
    mother_age = np.where(head_female, head_age, spouse_age)
    parent_age = head_age + rng.integers(20, 34, size=n_hh)
    parent_ok = hh["parent"] & (parent_age <= 90)
    # a young mother has had time for few children (16 or older at each birth, gaps < 420 days)
    room = np.maximum(mother_age - _MIN_MOTHER_AGE // 365, 0) * 365 // _MAX_GAP
    hh["n_kids"] = np.minimum(hh["n_kids"], 1 + room)
    size = 1 + hh["spouse"] + hh["n_kids"] + parent_ok
    n_hh = int(np.searchsorted(np.cumsum(size), n)) + 1  # households needed to reach n people
    hh = {key: value[:n_hh] for key, value in hh.items()}
    kind, head_age, head_female, spouse_age, parent_age, parent_ok, size = (
        kind[:n_hh],
        head_age[:n_hh],
        head_female[:n_hh],
        spouse_age[:n_hh],
        parent_age[:n_hh],
        parent_ok[:n_hh],
        size[:n_hh],
    )
    mother_age = mother_age[:n_hh]

    # ---------------------------------------------------------------- members
    total = int(size.sum())
    household = np.repeat(np.arange(n_hh), size)
    start = np.cumsum(size) - size
    slot = np.arange(total) - start[household]
    has_spouse = hh["spouse"][household]
    role = np.full(total, _CHILD, dtype=np.int64)
    role[slot == 0] = _HEAD
    role[(slot == 1) & has_spouse] = _SPOUSE
    role[(slot == size[household] - 1) & parent_ok[household]] = _PARENT
    child_rank = slot - 1 - has_spouse  # 0 = eldest child

    m_age = mother_age[household]
    at_birth = 19 + rng.random(total) * (np.minimum(42, m_age) - 19).clip(0)
    child_age = np.clip(m_age - np.floor(at_birth).astype(np.int64), 0, None)
    age = np.select(
        [role == _HEAD, role == _SPOUSE, role == _PARENT],
        [head_age[household], spouse_age[household], parent_age[household]],
        child_age,
    )
    # children listed eldest first (child rows are contiguous within a household)
    kids = np.flatnonzero(role == _CHILD)
    age[kids] = age[kids][np.lexsort((-age[kids], household[kids]))]
    female = np.select(
        [role == _HEAD, role == _SPOUSE, role == _PARENT],
        [head_female[household], ~head_female[household], rng.random(total) < 0.75],
        rng.random(total) < 0.49,
    )

    # cut to exactly n people (the last household may lose members)
    keep = np.arange(total) < n
    household, role, age, female, child_rank = (
        household[keep],
        role[keep],
        age[keep],
        female[keep],
        child_rank[keep],
    )
    total = n

    # ---------------------------------------------------------------- twins, dates
    birth = birth_dates(rng, age, reference)
    kids = np.flatnonzero(role == _CHILD)  # contiguous per household: sort eldest first
    days = birth[kids].astype(np.int64)  # |days| < 2**16: 1791 to 2149
    eldest_first = kids[np.argsort(household[kids] * 2**17 + days, kind="stable")]
    birth[kids], age[kids] = birth[eldest_first], age[eldest_first]
    prev_child = np.zeros(total, dtype=bool)
    prev_child[1:] = (
        (role[1:] == _CHILD) & (role[:-1] == _CHILD) & (household[1:] == household[:-1])
    )
    twin = prev_child & (rng.random(total) < twin_rate * 2)
    twin_group = np.full(total, -1, dtype=np.int64)
    for row in np.flatnonzero(twin):  # about 1% of children
        birth[row] = birth[row - 1]
        age[row] = age[row - 1]
        group = twin_group[row - 1] if twin_group[row - 1] >= 0 else row - 1
        twin_group[row] = twin_group[row - 1] = group
    gap = np.where(twin[kids], 0, rng.integers(_MIN_GAP, _MAX_GAP, size=kids.size))
    latest = np.datetime64(reference, "D") - np.timedelta64(1, "D")
    mother = start[household[kids]] + ~head_female[household[kids]]  # head or her spouse
    adult = birth[mother] + np.timedelta64(_MIN_MOTHER_AGE, "D")
    spaced = space_births(birth[kids], household[kids], gap, latest, adult)
    moved = kids[spaced != birth[kids]]
    birth[kids] = spaced
    age[moved] = whole_years(birth[moved], reference)
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970

    # ---------------------------------------------------------------- traditions, names
    trad_names = list(TRADITIONS)
    shares = np.array([TRADITIONS[t].share for t in trad_names])
    hh_trad = rng.choice(len(trad_names), size=n_hh, p=shares / shares.sum())
    tradition = hh_trad[household]
    mixed = (role == _SPOUSE) & (rng.random(total) < 0.1)
    tradition = np.where(
        mixed, rng.choice(len(trad_names), size=total, p=shares / shares.sum()), tradition
    )
    surname = np.full(total, "", dtype=object)
    hh_surname = np.full(n_hh, "", dtype=object)
    for t, tname in enumerate(trad_names):
        tr = TRADITIONS[tname]
        if tr.inherits_surname:
            hh_rows = np.flatnonzero(hh_trad == t)
            hh_surname[hh_rows] = draw_surnames(rng, tr, hh_rows.size)
            rows = np.flatnonzero(tradition == t)
            own = draw_surnames(rng, tr, rows.size)
            same = own == hh_surname[household[rows]]
            own[same] = draw_surnames(rng, tr, int(same.sum()))  # marga exogamy (mostly)
            surname[rows] = own
    takes_family = (role == _HEAD) | (role == _CHILD) | ((role == _PARENT) & ~female)
    surname = np.where(
        takes_family & (tradition == hh_trad[household]), hh_surname[household], surname
    )
    order_word = np.where(role == _CHILD, child_rank, rng.integers(0, 4, size=total))
    name = np.empty(total, dtype=object)

    def draw(rows: npt.NDArray[np.int64]) -> None:
        for t, tname in enumerate(trad_names):
            sub = rows[tradition[rows] == t]
            if sub.size:
                name[sub] = draw_names(
                    rng,
                    TRADITIONS[tname],
                    female[sub],
                    year[sub],
                    surname=surname[sub],
                    birth_order=order_word[sub],
                )

    first_row = start[household]  # the household's rows: first_row[i] to last_row[i]
    last_row = first_row + np.bincount(household, minlength=n_hh)[household]

    twin_kind = np.full(total, "", dtype=object)

    def vary(row: int) -> None:  # a twin: a name that goes with the other twin's
        tr = TRADITIONS[trad_names[tradition[row]]]
        members = range(int(first_row[row]), int(last_row[row]))
        others = [str(name[i]) for i in members if i not in (row, row - 1)]
        eldest = bool(twin_group[row - 1] == row - 1)  # may change: no twin before it
        name[row - 1], name[row], kind = twin_names(
            rng,
            str(name[row - 1]),
            str(name[row]),
            tr,
            bool(female[row - 1]),
            bool(female[row]),
            can_change_first=eldest,
            avoid=others,
            sound_alike=sound_alike_twins,
        )
        twin_kind[row] = kind
        if eldest:
            twin_kind[row - 1] = kind

    draw(np.arange(total))
    variant = twin.copy()
    for row in np.flatnonzero(variant):
        vary(int(row))

    # father and son with the same name: the eldest son of a male head
    father_son_group = np.full(total, -1, dtype=np.int64)
    head_row = first_row
    sons = np.flatnonzero((role == _CHILD) & ~female & (twin_group < 0))
    _, first_idx = np.unique(household[sons], return_index=True)
    son_rows = sons[first_idx]
    heads = head_row[son_rows]
    valid = (
        (~female[heads])
        & (age[heads] - age[son_rows] >= 18)
        & (rng.random(son_rows.size) < father_son_rate)
    )
    for s, h in zip(son_rows[valid], heads[valid], strict=True):
        name[s] = name[h]
        father_son_group[s] = h
        father_son_group[h] = h

    # nobody else in a KK has the name of an earlier member: redraw the later one (a twin's
    # name stays a variant of the other twin's, redrawn with it)
    named_after_father = (father_son_group >= 0) & (role == _CHILD)
    redo = repeated_names(household, name)
    for attempt in itertools.count():
        redo &= ~named_after_father
        if not redo.any():
            break
        plain = redo & ~variant if attempt < 10 else redo
        draw(np.flatnonzero(plain))
        changed = plain.copy()
        for row in np.flatnonzero(variant):
            if (redo[row] and not plain[row]) or changed[row - 1]:
                vary(int(row))
                changed[row] = True
        check = np.zeros(n_hh, dtype=bool)
        check[household[changed]] = True
        rows = np.flatnonzero(check[household])  # households with a new name: check again
        redo = np.zeros(total, dtype=bool)
        redo[rows] = repeated_names(household[rows], name[rows])

    # ---------------------------------------------------------------- mothers, fathers
    child = role == _CHILD
    head_is_female = female[head_row]
    spouse_row = np.where(hh["spouse"][household] & (head_row + 1 < total), head_row + 1, -1)
    mother_row = np.where(child, np.where(head_is_female, head_row, spouse_row), -1)
    father_row = np.where(child, np.where(head_is_female, spouse_row, head_row), -1)
    parent_row = np.full(n_hh, -1, dtype=np.int64)
    p_rows = np.flatnonzero(role == _PARENT)
    parent_row[household[p_rows]] = p_rows
    head_parent = np.where(role == _HEAD, parent_row[household], -1)
    mother_row = np.where(
        (head_parent >= 0) & female[np.maximum(head_parent, 0)], head_parent, mother_row
    )
    mother_name = np.empty(total, dtype=object)
    known = mother_row >= 0
    mother_name[known] = name[mother_row[known]]
    unknown = np.flatnonzero(~known)
    for t, tname in enumerate(trad_names):
        rows = unknown[tradition[unknown] == t]
        if rows.size:
            mother_name[rows] = draw_names(
                rng,
                TRADITIONS[tname],
                np.ones(rows.size, dtype=bool),
                year[rows] - 27,
                surname=draw_surnames(rng, TRADITIONS[tname], rows.size),
            )
    _share_within_household(mother_name, unknown[child[unknown]], household)
    father_row = np.where(
        (head_parent >= 0) & ~female[np.maximum(head_parent, 0)], head_parent, father_row
    )
    father_name = np.empty(total, dtype=object)
    known = father_row >= 0
    father_name[known] = name[father_row[known]]
    unknown = np.flatnonzero(~known)
    for t, tname in enumerate(trad_names):
        rows = unknown[tradition[unknown] == t]
        if rows.size:
            father_name[rows] = draw_names(
                rng,
                TRADITIONS[tname],
                np.zeros(rows.size, dtype=bool),
                year[rows] - 30,
                surname=np.where(takes_family[rows], surname[rows], ""),
            )
    _share_within_household(father_name, unknown[child[unknown]], household)

    # ---------------------------------------------------------------- where
    hh_district = geo.draw_districts(rng, n_hh)
    hh_village = geo.draw_villages(rng, hh_district)
    hh_address = geo.draw_addresses(rng, n_hh)
    hh_rt = rng.integers(1, 21, size=n_hh)
    hh_rw = rng.integers(1, 9, size=n_hh)
    district = hh_district[household]
    city_codes = np.asarray(geo.districts, dtype=object)
    origin_codes = np.asarray(geo.origin_districts, dtype=object)
    origin_places = np.asarray(geo.origin_places, dtype=object)
    hh_migrant = rng.random(n_hh) < migrant_share
    hh_origin = rng.choice(origin_codes.size, size=n_hh, p=geo.origin_weights)
    years_here = rng.integers(0, 30, size=n_hh)
    migrant = hh_migrant[household] & (
        ((role == _HEAD) | (role == _PARENT))
        | ((role == _SPOUSE) & (rng.random(total) < 0.6))
        | ((role == _CHILD) & (age >= years_here[household]))
    )
    # the family was first registered where it lived then (a quarter moved within the city
    # since); a tenth of members were registered elsewhere in the city on their own
    hh_first = np.where(rng.random(n_hh) < 0.25, geo.draw_districts(rng, n_hh), hh_district)
    registered_alone = rng.random(total) < 0.1
    city_district = np.where(registered_alone, geo.draw_districts(rng, total), hh_first[household])
    nik_district = np.where(migrant, origin_codes[hh_origin[household]], city_codes[city_district])
    twins = np.flatnonzero(twin_group >= 0)
    nik_district[twins] = nik_district[twin_group[twins]]  # twins are registered together
    own_place = np.full(total, geo.place_of_birth, dtype=object)
    old_names = _OLD_PLACE_NAMES.get(geo.regency)
    if old_names:
        old = (year < 1983) & (rng.random(total) < 0.6)
        own_place[old] = np.asarray(old_names, dtype=object)[
            rng.integers(0, len(old_names), size=int(old.sum()))
        ]
    born_away = ~migrant & (rng.random(total) < 0.08)
    away_place = origin_places[rng.choice(origin_places.size, size=total, p=geo.origin_weights)]
    place = np.where(
        migrant, origin_places[hh_origin[household]], np.where(born_away, away_place, own_place)
    )
    place[twins] = place[twin_group[twins]]

    # ---------------------------------------------------------------- KK issue date
    youngest = np.full(n_hh, np.datetime64("1900-01-01"), dtype="datetime64[D]")
    np.maximum.at(youngest, household, birth)
    kk_date = kk_issue_dates(rng, youngest, reference)

    hh_religion = np.empty(n_hh, dtype=object)
    for t, tname in enumerate(trad_names):
        rows = np.flatnonzero(hh_trad == t)
        options = TRADITIONS[tname].religions
        labels = np.asarray([r for r, _ in options], dtype=object)
        probs = np.array([p for _, p in options])
        hh_religion[rows] = labels[rng.choice(labels.size, size=rows.size, p=probs / probs.sum())]

    return {
        "household": household.astype(np.int64),
        "role": role,
        "female": female,
        "age": age,
        "birth_date": birth,
        "tradition": np.asarray(trad_names, dtype=object)[tradition],
        "name": name,
        "mother_name": mother_name,
        "father_name": father_name,
        "district": district.astype(np.int64),
        "village": hh_village[household],
        "address": hh_address[household],
        "rt": hh_rt[household],
        "rw": hh_rw[household],
        "kk_date": kk_date[household],
        "nik_district": nik_district,
        "place_of_birth": place,
        "religion": hh_religion[household],
        "occupation": _occupations(rng, age, female, role),
        "mother_row": mother_row,
        "twin_group": twin_group,
        "twin_names": twin_kind,
        "father_son_group": father_son_group,
    }
