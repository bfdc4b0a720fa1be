"""Comparison levels on small hand-built frames, run through :func:`nikmatch.prepare.prepare`.

Every test builds records, prepares them as the matcher does, and checks the level of chosen
record pairs.  Level 0 is always "missing" (no evidence); the last level is the strongest.
All names, NIKs and KK numbers are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nikmatch.comparisons import (
    COMPARISON_KINDS,
    Comparison,
    DateComparison,
    DomicileComparison,
    ExactComparison,
    HouseholdComparison,
    IdentifierComparison,
    NameComparison,
    NIKComparison,
    TextComparison,
    WilayahComparison,
    _has_distinct_word,
    _split_joined,
    compare,
    comparison_from_dict,
    default_comparisons,
)
from nikmatch.dates import DEFAULT_DATES
from nikmatch.nik import compose_nik
from nikmatch.prepare import prepare

NAME_PAIRS = Path(__file__).parent / "data" / "name_pairs.csv"


def levels(comp: Comparison, df: pd.DataFrame, pairs: list[tuple[int, int]]) -> list[int]:
    prepared = prepare(df)
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    out: npt.NDArray[np.int8] = comp.compute(prepared, left, right)
    assert out.dtype == np.int8
    assert len(out) == len(pairs)
    return [int(x) for x in out]


def level_of(comp: Comparison, label: str) -> int:
    """The level whose label is ``label``, or else the only one starting with it."""
    if label in comp.level_labels:
        return comp.level_labels.index(label)
    matches = [i for i, text in enumerate(comp.level_labels) if text.startswith(label)]
    assert len(matches) == 1, (label, comp.level_labels)
    return matches[0]


# ---- birth dates ---------------------------------------------------------------------------


DATE_CASES = [
    ("1985-03-14", "1985-03-14", "exact"),
    ("1985-07-01", "1985-07-01", "exact, on a default date"),
    ("1985-12-31", "1985-12-31", "exact, on a default date"),
    ("1985-01-01", "1985-01-01", "exact, on a default date"),
    ("1985-03-04", "1985-04-03", "day and month swapped"),
    ("1985-03-14", "1985-03-15", "a digit of the day or month"),
    ("1985-03-14", "1985-03-41", "missing"),  # no such date
    ("1985-03-14", "1985-08-14", "a digit of the day or month"),
    ("1985-03-14", "1986-03-14", "the year mistyped"),
    ("1989-03-14", "1990-03-14", "the year mistyped"),  # a year off, two digits
    ("1985-03-14", "1958-03-14", "the year mistyped"),  # adjacent digits transposed
    ("1985-03-14", "1985-11-20", "within one year"),
    ("1985-03-14", "1962-09-27", "different"),
    ("1985-03-14", None, "missing"),
    (None, None, "missing"),
    ("1985-03-14", "not a date", "missing"),
]


@pytest.mark.parametrize(("a", "b", "label"), DATE_CASES)
def test_date_levels(a: str | None, b: str | None, label: str) -> None:
    comp = DateComparison("tanggal_lahir")
    df = pd.DataFrame({"nama": ["Budi Santoso", "Budi Santoso"], "tanggal_lahir": [a, b]})
    assert levels(comp, df, [(0, 1), (1, 0)]) == [level_of(comp, label)] * 2


def _date_level_reference(a: dt.date, b: dt.date) -> str:
    """The date levels written out plainly on DDMMYYYY strings, one pair at a time."""
    da, db = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    if a == b:
        return "exact, on a default" if (a.month, a.day) in DEFAULT_DATES else "exact"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return "day and month swapped"
    differ = [i for i in range(8) if da[i] != db[i]]
    transposed = (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and da[differ[0]] == db[differ[1]]
        and da[differ[1]] == db[differ[0]]
    )
    same_day = (a.month, a.day) == (b.month, b.day)
    if (len(differ) == 1 or transposed) and a.year == b.year:
        return "a digit of the day or month"
    if same_day and (len(differ) == 1 or transposed or abs(a.year - b.year) == 1):
        return "the year mistyped"
    on_default = (a.month, a.day) in DEFAULT_DATES or (b.month, b.day) in DEFAULT_DATES
    if a.year == b.year and on_default:
        return "the same year, one date a default"
    return "within one year" if abs((a - b).days) <= 366 else "different"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
            st.sampled_from(["same", "day", "month", "year", "swap", "default", "near", "any"]),
            st.integers(0, 400),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_date_levels_match_a_plain_reference(cases: list[tuple[dt.date, str, int]]) -> None:
    """The vectorised levels (digits packed into integers, a per-record table) agree with
    the levels computed one pair at a time on digit strings."""
    pairs: list[tuple[dt.date, dt.date]] = []
    for a, how, k in cases:
        b = a
        try:
            if how == "day":
                b = a.replace(day=1 + k % 28)
            elif how == "month":
                b = a.replace(month=1 + k % 12, day=min(a.day, 28))
            elif how == "year":
                b = a.replace(year=1900 + k % 130, day=min(a.day, 28))
            elif how == "swap" and a.day <= 12:
                b = a.replace(month=a.day, day=a.month)
            elif how == "default":
                month, day = DEFAULT_DATES[k % len(DEFAULT_DATES)]
                b = a.replace(month=month, day=day)
            elif how == "near":
                b = a + dt.timedelta(days=k - 200)
            elif how == "any":
                b = dt.date(1900, 1, 1) + dt.timedelta(days=k * 97)
        except ValueError:
            b = a
        pairs.append((a, b))
    df = pd.DataFrame(
        {"nama": ["A"] * (2 * len(pairs)),
         "tanggal_lahir": [d.isoformat() for pair in pairs for d in pair]}
    )
    comp = DateComparison("tanggal_lahir")
    got = levels(comp, df, [(2 * i, 2 * i + 1) for i in range(len(pairs))])
    assert got == [level_of(comp, _date_level_reference(a, b)) for a, b in pairs]


def test_date_levels_ignore_the_input_format() -> None:
    comp = DateComparison("tanggal_lahir")
    dates = ["14-03-1985", "1985-03-14", "19850314", "14/03/1985"]
    df = pd.DataFrame({"nama": ["A B"] * 4, "tanggal_lahir": dates})
    assert levels(comp, df, [(0, 1), (0, 2), (0, 3)]) == [level_of(comp, "exact")] * 3


def test_date_falls_back_to_the_nik_birth_date() -> None:
    nik = compose_nik("187101", pd.Timestamp("1985-03-14").date(), "L", 1)
    df = pd.DataFrame({"nik": [nik, None], "nama": ["Budi", "Budi"],
                       "tanggal_lahir": [None, "1985-03-14"]})
    comp = DateComparison("tanggal_lahir")
    assert levels(comp, df, [(0, 1)]) == [level_of(comp, "exact")]


def test_value_pair_scores_are_the_same_from_the_table_and_per_distinct_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small column is scored as a table of all its value pairs, a large one per distinct
    pair in the data: both give the same scores."""
    from rapidfuzz.distance import JaroWinkler

    import nikmatch.comparisons as comparisons

    kel = ["Kedaton", "Kedatom", "Sukarame", "Way Halim", "Way Halim Permai", None]
    df = pd.DataFrame({"nama": ["A"] * 6, "tanggal_lahir": ["1990-01-02"] * 6, "kelurahan": kel})
    rng = np.random.default_rng(3)
    left, right = rng.integers(0, 6, 200), rng.integers(0, 6, 200)
    scorer = JaroWinkler.normalized_similarity

    def scores() -> list[float]:
        p = prepare(df)
        cl, cr = p.codes["kelurahan"][left], p.codes["kelurahan"][right]
        ok = (cl >= 0) & (cr >= 0)
        return comparisons._pair_scores(p, "kelurahan", cl[ok], cr[ok], scorer).tolist()

    from_table = scores()
    monkeypatch.setattr(comparisons, "_SMALL_VOCABULARY", 0)
    assert scores() == from_table
    assert max(from_table) == 1.0
    assert min(from_table) < 0.8


# ---- NIK -----------------------------------------------------------------------------------


def test_a_kk_read_as_a_number_is_the_same_kk() -> None:
    """Excel turns a KK column into floats (``1871011203150007.0``) or keeps an apostrophe
    or spaces; each is the same card as the plain text, and the ``.0`` is not a 17th digit."""
    kk = "1871011203150007"
    df = pd.DataFrame({
        "nama": ["Budi"] * 5,
        "tanggal_lahir": ["1990-01-01"] * 5,
        "no_kk": [kk, float(kk), f"'{kk}", "1871 0112 0315 0007", "1871011203150008"],
    })
    comp = ExactComparison("no_kk")
    assert levels(comp, df, [(0, 1), (0, 2), (0, 3), (0, 4)]) == [2, 2, 2, 1]
    assert prepare(df).values["no_kk"].tolist() == [kk, "1871011203150008"]


def test_nik_levels() -> None:
    born = pd.Timestamp("1985-03-14").date()
    a = compose_nik("187101", born, "L", 1)
    same_region = compose_nik("187101", born, "L", 2)
    other_region = compose_nik("317101", born, "L", 1)
    df = pd.DataFrame(
        {
            "nik": [a, f"'{a[:6]} {a[6:]}", same_region, other_region, "abc", None],
            "nama": ["Budi"] * 6,
        }
    )
    comp = NIKComparison("nik")
    got = levels(comp, df, [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (4, 5)])
    assert got == [
        level_of(comp, "identical"),  # the same NIK written with damage
        level_of(comp, "same region"),
        level_of(comp, "different"),
        0,
        0,
        0,
    ]


# ---- names ---------------------------------------------------------------------------------


def _golden_name_pairs() -> list[dict[str, str]]:
    with NAME_PAIRS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_name_levels_follow_the_golden_name_pairs() -> None:
    """The matcher's name levels on the golden table (tests/data/name_pairs.csv): what each
    row expects, and two people never at a level that says one name (a mistyped word, words
    reordered, one key, exact)."""
    rows = _golden_name_pairs()
    assert len(rows) > 300
    n = len(rows)
    df = pd.DataFrame(
        {"nama": [r["name_a"] for r in rows] + [r["name_b"] for r in rows],
         "tanggal_lahir": ["1990-05-06"] * (2 * n)}
    )
    comp = NameComparison("nama")
    got = levels(comp, df, [(i, i + n) for i in range(n)])
    back = levels(comp, df, [(i + n, i) for i in range(n)])
    assert got == back, "name levels must be symmetric"
    one_name = NameComparison.SLIP
    problems = []
    for row, level in zip(rows, got, strict=True):
        ok = {
            "exact": level == NameComparison.EXACT,
            "key": level in (NameComparison.KEY, NameComparison.EXACT),
            "reordered": level >= NameComparison.REORDERED,
            "initials": level >= NameComparison.OMITTED,
            "apart": NameComparison.DIFFERENT <= level < one_name,
            "none": level == NameComparison.DIFFERENT,
            "similar": level >= NameComparison.OMITTED,
            "weak": NameComparison.DIFFERENT <= level < one_name,
        }[row["expect"]]
        if row["same_person"] == "no":
            ok = ok and level < one_name
        if not ok:
            problems.append((row["name_a"], row["name_b"], row["expect"], level))
    assert not problems, problems[:10]


def test_a_word_one_letter_from_another_name_says_two_names_whatever_else_differs() -> None:
    """Twins Lina and Linda, one written with an initial: words left out would read as one
    name shortened, but a word one letter from another name in use says two names.  The same
    with a rare word (a keyboard slip, nobody else so called) stays one name."""
    df = pd.DataFrame(
        {"nama": ["Lina Wijaya", "Linda W.", "Febriansyah Wijaya", "Febrianyah W."]
         + ["Lina Sari", "Linda Sari", "Febriansyah Putra"] * 3,
         "tanggal_lahir": ["1998-10-21"] * 13}
    )
    comp = NameComparison("nama")
    twins, slip = levels(comp, df, [(0, 1), (2, 3)])
    assert twins == NameComparison.TWO_NAMES
    assert slip == NameComparison.OMITTED


def test_name_missing_is_level_zero() -> None:
    df = pd.DataFrame({"nama": ["Siti Aminah", None, "", "H."],
                       "tanggal_lahir": ["1990-01-01"] * 4})
    comp = NameComparison("nama")
    assert levels(comp, df, [(0, 1), (0, 2), (1, 2), (0, 3)]) == [0, 0, 0, 0]


# ---- where people live ---------------------------------------------------------------------


def _domicile_frame() -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        # 0: reference record
        {"no_kk": "1871010101100001", "alamat": "Jl. Mawar No. 12", "rt": "003", "rw": "001",
         "kelurahan": "Kedaton", "kecamatan": "Kedaton"},
        # 1: same KK, everything else different
        {"no_kk": "1871010101100001", "alamat": "Jl. Melati 4", "rt": "009", "rw": "004",
         "kelurahan": "Sukarame", "kecamatan": "Sukarame"},
        # 2: same address written differently, same kelurahan, other KK
        {"no_kk": "1871010101100002", "alamat": "JALAN MAWAR NOMOR 12", "rt": "005", "rw": "002",
         "kelurahan": "KEDATON", "kecamatan": "Kedaton"},
        # 3: same kelurahan, RT and RW, other address
        {"no_kk": "1871010101100003", "alamat": "Gg. Anggrek 7", "rt": "3", "rw": "1",
         "kelurahan": "Kedaton", "kecamatan": "Kedaton"},
        # 4: same kelurahan only
        {"no_kk": "1871010101100004", "alamat": "Jl. Kenanga 99", "rt": "008", "rw": "006",
         "kelurahan": "Kedaton", "kecamatan": "Kedaton"},
        # 5: same kecamatan, other kelurahan
        {"no_kk": "1871010101100005", "alamat": "Jl. Durian 1", "rt": "001", "rw": "001",
         "kelurahan": "Surabaya", "kecamatan": "Kedaton"},
        # 6: other kecamatan
        {"no_kk": "1871010101100006", "alamat": "Jl. Durian 1", "rt": "001", "rw": "001",
         "kelurahan": "Way Halim", "kecamatan": "Way Halim"},
        # 7: nothing known
        {"no_kk": None, "alamat": None, "rt": None, "rw": None, "kelurahan": None,
         "kecamatan": None},
    ]
    df = pd.DataFrame(rows)
    df.insert(0, "nama", "Budi Santoso")
    df.insert(1, "tanggal_lahir", "1985-03-14")
    return df


def test_domicile_levels() -> None:
    comp = DomicileComparison()
    got = levels(comp, _domicile_frame(), [(0, k) for k in range(1, 8)] + [(7, 7)])
    assert got == [
        level_of(comp, "same KK"),
        level_of(comp, "same address"),
        level_of(comp, "same kelurahan, RT and RW"),
        level_of(comp, "same kelurahan"),
        level_of(comp, "same kecamatan"),
        level_of(comp, "other kecamatan"),
        0,
        0,
    ]
    assert comp.name == "domisili"


def test_domicile_same_address_with_a_mistyped_kelurahan_or_kecamatan() -> None:
    """The same address in one kelurahan (one slip in its name allowed) is "same address"
    whatever the kecamatan says; where the kelurahan differs, the same address (up to a slip)
    has a level of its own; another house number, or another street, does not."""
    rows = [
        ("Jl. Mawar No. 12", "Kedaton", "Kedaton"),
        ("JALAN MAWAR NOMOR 12", "Kedatom", "Kedaton"),  # a slip in the kelurahan: same one
        ("Jl. Mawar No. 12", "Kedaton", "Way Halim"),  # a slip in the kecamatan: same too
        ("Jl. Mawra No. 12", "Sukarame", "Sukarame"),  # a slip in the address, elsewhere
        ("Jl. Mawar No. 13", "Sukarame", "Sukarame"),  # another house
        ("Jl. Kenanga No. 12", "Sukarame", "Kedaton"),  # another street
    ]
    df = pd.DataFrame(rows, columns=["alamat", "kelurahan", "kecamatan"])
    df["nama"], df["tanggal_lahir"] = "Budi", "1990-01-01"
    comp = DomicileComparison()
    assert levels(comp, df, [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]) == [
        level_of(comp, "same address"),
        level_of(comp, "same address"),
        level_of(comp, "same address, kelurahan or kecamatan differ"),
        level_of(comp, "other kecamatan"),
        level_of(comp, "same kecamatan"),
    ]
    assert comp.level_labels[DomicileComparison.ADDRESS_ELSEWHERE].startswith("same address, k")
    assert comp.level_labels[DomicileComparison.SAME_KK] == "same KK"


def test_domicile_same_address_with_a_second_line_or_a_building_name() -> None:
    """One address written with more words than the other (a building, a second line) is the
    same address when all the shorter one's words are in it and the house number agrees; an
    address without a number, or with another one, is not."""
    rows = [
        ("Jl. Mawar No. 12", "Kedaton"),
        ("Jl. Mawar No. 12 Komplek Griya Asri", "Kedaton"),  # a second line
        ("Jl. Mawar No. 12 Komplek Griya Asri", "Sukarame"),  # and elsewhere
        ("Jl. Mawar", "Kedaton"),  # no number: not the same address
        ("Jl. Mawar No. 21 Komplek Griya Asri", "Kedaton"),  # another number
    ]
    df = pd.DataFrame(rows, columns=["alamat", "kelurahan"])
    df["nama"], df["tanggal_lahir"], df["kecamatan"] = "Budi", "1990-01-01", "Kedaton"
    comp = DomicileComparison()
    assert levels(comp, df, [(0, 1), (0, 2), (3, 1), (0, 4)]) == [
        DomicileComparison.SAME_ADDRESS,
        DomicileComparison.ADDRESS_ELSEWHERE,
        DomicileComparison.SAME_KELURAHAN,
        DomicileComparison.SAME_KELURAHAN,
    ]


def test_domicile_same_postal_code_places_records_in_one_kelurahan() -> None:
    """A postal code (``KODE_POS``, any spelling: its digits) shared by two records puts them in
    one kelurahan where the kelurahan is missing or written differently, and lets their
    addresses count as one; two codes, or one missing, change nothing."""
    from nikmatch.schema import resolve_columns

    rows = [
        ("Jl. Mawar No. 12", "Kedaton", "35141"),
        ("Jl. Mawar No. 12", None, "35.141"),  # no kelurahan, same code
        ("Jl. Kenanga No. 3", "Sidodadi", "Kode pos 35141"),  # another name, same code
        ("Jl. Kenanga No. 3", "Sidodadi", "35142"),  # another code
        ("Jl. Kenanga No. 3", "Sidodadi", None),
    ]
    df = pd.DataFrame(rows, columns=["ALAMAT", "KEL", "KODE_POS"])
    df["nama"], df["tanggal_lahir"], df["KEC"] = "Budi", "1990-01-01", "Kedaton"
    assert resolve_columns(df)["kode_pos"] == "KODE_POS"
    prepared = prepare(df)
    assert prepared.values["kode_pos"].tolist() == ["35141", "35142"]
    comp = DomicileComparison()
    assert levels(comp, df, [(0, 1), (0, 2), (0, 3), (0, 4)]) == [
        DomicileComparison.SAME_ADDRESS,
        DomicileComparison.SAME_KELURAHAN,
        DomicileComparison.SAME_KECAMATAN,
        DomicileComparison.SAME_KECAMATAN,
    ]


def test_wilayah_levels() -> None:
    comp = WilayahComparison()
    got = levels(comp, _domicile_frame(), [(0, 3), (0, 4), (0, 5), (0, 6), (0, 7)])
    assert got == [
        level_of(comp, "same kelurahan, RT and RW"),
        level_of(comp, "same kelurahan"),
        level_of(comp, "same kecamatan"),
        level_of(comp, "other kecamatan"),
        0,
    ]


# ---- household context (fixed weights) -----------------------------------------------------

KK_A = "1871010101100001"
KK_B = "1871010101100009"


def _household_frame() -> pd.DataFrame:
    rows = [
        # 0, 1: twins on one KK: same birth date, different given name word
        ("Fahri Hakim", "1990-05-06", KK_A, "Siti Aminah", "L"),
        ("Fahmi Hakim", "1990-05-06", KK_A, "Siti Aminah", "L"),
        # 2: the father, same name as his son (3), a generation earlier, same KK
        ("Agus Setiawan", "1960-02-03", KK_A, "Rohmah", "L"),
        ("Agus Setiawan", "1988-08-09", KK_A, "Siti Aminah", "L"),
        # 4: a sister: same KK, another birth date and name
        ("Dewi Lestari", "1994-11-20", KK_A, "Siti Aminah", "P"),
        # 5: the same person as 0 on the same KK, entered again with the same name and date
        ("Fahri Hakim", "1990-05-06", KK_A, "Siti Aminah", "L"),
        # 6: someone in another household altogether
        ("Joko Susilo", "1990-05-06", KK_B, "Wati", "L"),
        # 7: no KK, no mother
        ("Fahri Hakim", "1990-05-06", None, None, "L"),
    ]
    return pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu",
                                       "jenis_kelamin"])


def test_household_levels() -> None:
    comp = HouseholdComparison()
    df = _household_frame()
    got = levels(comp, df, [(0, 1), (2, 3), (0, 4), (0, 5), (0, 6), (0, 7), (1, 0)])
    assert got == [
        level_of(comp, "same household, same birth date"),  # twins
        level_of(comp, "same household and name, a generation apart"),  # parent / child
        level_of(comp, "same household, unrelated birth dates"),  # another family member
        level_of(comp, "same household, consistent"),
        level_of(comp, "not the same household"),
        level_of(comp, "not the same household"),
        level_of(comp, "same household, same birth date"),
    ]
    assert comp.fixed_weights is not None
    for label in ("same household, same birth", "same household and name", "same household, unr"):
        assert comp.fixed_weights[level_of(comp, label)] <= -40


def test_household_same_name_within_a_year_is_not_a_sibling() -> None:
    """One household, the same name (or phonetic key) and mother, birth dates within a year
    (a placeholder date or not): one person entered twice with a mistyped date, not another
    child -- parents do not give two living children one name.  Years apart, another name,
    or the same name and mother's name in another kelurahan: still another family member."""
    rows = [
        ("Nur Zahra", "1980-12-24", KK_A, "Siti Halimah", "P", "SUKABUMI"),
        ("Nur Zahra", "1980-07-01", KK_A, "Siti Halimah", "P", "SUKABUMI"),
        ("Nur Zahra", "1980-03-05", KK_A, "Siti Halimah", "P", "SUKABUMI"),  # no default date
        ("Dewi Lestari", "1980-07-01", KK_A, "Siti Halimah", "P", "SUKABUMI"),  # another name
        ("Budy Santoso", "1986-04-19", KK_B, "Tuminah", "L", "SURABAYA"),
        ("Budi Santoso", "1987-04-11", KK_A, "Tuminah", "L", "SURABAYA"),  # same key, apart KK
        ("Budi Santoso", "1984-04-11", KK_A, "Tuminah", "L", "SURABAYA"),  # years apart
        ("Budi Santoso", "1986-08-11", KK_B, "Tuminah", "L", "KEDATON"),  # another kelurahan
    ]
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu",
                                     "jenis_kelamin", "kelurahan"])
    comp = HouseholdComparison()
    consistent = level_of(comp, "same household, consistent")
    family = level_of(comp, "same household, unrelated birth dates")
    got = levels(comp, df, [(0, 1), (0, 2), (2, 3), (4, 5), (4, 6), (5, 7)])
    assert got == [consistent, consistent, family, consistent, family, family]


def test_household_joined_words_are_not_twins() -> None:
    rows = [
        ("Meilani Gunawan", "1979-12-25", KK_A, None, "P"),
        ("Meilanigunwan", "1975-12-25", KK_A, None, "P"),
        ("Fahri Hakim", "1990-05-06", KK_A, None, "L"),
        ("Fahmi Hakim", "1990-05-06", KK_A, None, "L"),
    ]
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu",
                                     "jenis_kelamin"])
    comp = HouseholdComparison()
    got = levels(comp, df, [(0, 1), (2, 3)])
    assert got[0] != level_of(comp, "same household, same birth date")
    assert got[1] == level_of(comp, "same household, same birth date")


def test_household_a_joined_name_is_compared_word_with_word() -> None:
    """``Wulansuparmi`` written as one word is ``Wulan Suparmi``: another given name than
    ``Wulan Susanti`` (twins, one mother, apart), while ``Wulansusanti`` is the same name."""
    rows = [
        ("Wulan Susanti", "2005-10-27", KK_A, "Lusi Rahayu"),
        ("Wulansuparmi", "2005-10-27", KK_B, "Lusi Rahayu"),
        ("Wulansusanti", "2005-10-27", KK_B, "Lusi Rahayu"),
    ]
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu"])
    comp = HouseholdComparison()
    got = levels(comp, df, [(0, 1), (0, 2)])
    assert got[0] == level_of(comp, "same household, same birth date")
    assert got[1] != level_of(comp, "same household, same birth date")


def test_household_twins_at_one_address_without_kk_or_mother() -> None:
    """Twins who moved out together keep one address; a missing mother does not hide them."""
    rows = [
        ("Intan Safitri Sari", "2018-09-14", KK_A, "Selly Aprilia", "P", "JL. PINANG NO. 81"),
        ("Intan Safitri Selly", "2018-09-14", KK_B, None, "P", "JL. PINANG NO. 81"),
        ("Intan Safitri Selly", "2018-09-14", KK_B, None, "P", "JL. DUKU NO. 3"),
    ]
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu",
                                     "jenis_kelamin", "alamat"])
    df["kelurahan"] = "SUKABUMI"
    comp = HouseholdComparison()
    got = levels(comp, df, [(0, 1), (0, 2)])
    assert got[0] == level_of(comp, "same household, same birth date")
    assert got[1] == level_of(comp, "not the same household")


def test_household_twins_through_compare_with_known_levels() -> None:
    """compare() hands name/date levels to the household comparison: same answer."""
    df = _household_frame()
    prepared = prepare(df)
    comps = [*default_comparisons(prepared), HouseholdComparison()]  # no longer a default
    names = [c.name for c in comps]
    assert "household" in names
    left, right = np.array([0, 2, 0, 0]), np.array([1, 3, 4, 5])
    together = compare(comps, prepared, left, right)[:, names.index("household")]
    alone = HouseholdComparison().compute(prepared, left, right)
    assert together.tolist() == alone.tolist() == [2, 3, 4, 1]


def test_household_twins_apart_through_the_fathers_name() -> None:
    """Twins in two KKs, the mother's name missing on one: the father's name ties them, so
    a clearly different given name on the same birth date is the twins pattern."""
    rows = [
        ("Desi Maharani", "2012-03-31", KK_A, "Sumini", "Riko Syahputra", "JL. A"),
        ("Desi Lestari", "2012-03-31", KK_B, None, "Riko Syahputra", "GG. B"),
        ("Desi Lestari", "2012-03-31", KK_B, None, "Bambang Hartono", "GG. B"),
        ("Desi Lestari", "2012-03-31", KK_B, None, None, "GG. B"),
    ]
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "no_kk", "nama_ibu", "nama_ayah",
                                     "alamat"])
    comp = HouseholdComparison()
    got = levels(comp, df, [(0, 1), (0, 2), (0, 3)])
    assert got[0] == level_of(comp, "same household, same birth date")
    assert got[1:] == [level_of(comp, "not the same household")] * 2


def test_fathers_name_is_compared_when_present() -> None:
    df = pd.DataFrame({"nama": ["Budi", "Budi"], "tanggal_lahir": ["1990-01-01"] * 2,
                       "nama_ayah": ["Slamet Riyadi", "SLAMET RIYADI"]})
    prepared = prepare(df)
    comps = default_comparisons(prepared)
    assert [c.name for c in comps if isinstance(c, NameComparison)] == ["nama", "nama_ayah"]
    got = compare(comps, prepared, np.array([0]), np.array([1]))
    father = next(c for c in comps if c.name == "nama_ayah")
    assert got[0, [c.name for c in comps].index("nama_ayah")] == level_of(father, "exact")
    without = prepare(df.drop(columns=["nama_ayah"]))
    assert "nama_ayah" not in [c.name for c in default_comparisons(without)]


def _in_common_use(lasts: tuple[str, ...], givens: tuple[str, ...] = (
    "Siti", "Nur", "Dewi", "Rina", "Sri")) -> list[tuple[str, str, str]]:
    """Filler records that make every word of ``lasts`` and ``givens`` a name in common use
    (each written in five names at least), unrelated to the records under test."""
    return [(f"{given} {last}", f"19{70 + i % 20}-0{1 + i % 9}-1{i % 9}", f"Ibu {i}{last}")
            for i, given in enumerate(givens) for last in lasts]


def _twins(rows: list[tuple[str, str, str]], kks: list[str],
           pairs: list[tuple[int, int]]) -> list[bool]:
    """Whether each pair of ``rows`` (name, date, mother; then filler) gets the twins level."""
    df = pd.DataFrame(rows, columns=["nama", "tanggal_lahir", "nama_ibu"])
    df["no_kk"] = kks + [None] * (len(rows) - len(kks))
    comp = HouseholdComparison()
    twins = level_of(comp, "same household, same birth date")
    return [level == twins for level in levels(comp, df, pairs)]


def test_two_common_names_off_one_kk_are_two_people() -> None:
    """Across households a two-slip difference is usually a typing slip (Endang Lurwanty /
    Endang Purwanti) but not when both words are names in common use in the register
    (Aminah / Afifah): then same mother, same date and those names are twins."""
    rows = [
        ("Khoirunnisa Aminah", "2003-11-05", "Aulia Aminah"),
        ("Khoirunnisa Afifah", "2003-11-05", "Aulia Aminah"),
        ("Endang Purwanti", "1963-12-14", "Sumiati"),
        ("Endang Lurwanty", "1963-12-14", "Sumiati"),
        *_in_common_use(("Aminah", "Afifah"), ("Siti", "Nur", "Dewi", "Rina", "Sri") * 2),
    ]
    assert _twins(rows, [KK_A, KK_B, KK_A, KK_B], [(0, 1), (2, 3)]) == [True, False]


def test_household_never_applies_to_one_nik() -> None:
    nik = compose_nik("187101", pd.Timestamp("1990-05-06").date(), "L", 1)
    df = _household_frame().iloc[:2].copy()
    df["nik"] = nik
    assert levels(HouseholdComparison(), df, [(0, 1)]) == [0]


# ---- other kinds ---------------------------------------------------------------------------


def test_exact_text_and_identifier_levels() -> None:
    df = pd.DataFrame(
        {
            "nama": ["Budi"] * 5,
            "tanggal_lahir": ["1990-01-01"] * 5,
            "jenis_kelamin": ["LAKI-LAKI", "L", "P", None, "2"],
            "tempat_lahir": ["Bandar Lampung", "BANDAR LAMPUNG", "Bandarlampung", "Metro", None],
            "no_identitas": ["0001234567", "0001234567", "0001234576", "9998887776", None],
        }
    )
    sex = ExactComparison("jenis_kelamin")
    assert levels(sex, df, [(0, 1), (0, 2), (0, 3), (2, 4)]) == [2, 1, 0, 2]
    place = TextComparison("tempat_lahir", tf=True)
    got = levels(place, df, [(0, 1), (0, 2), (0, 3), (0, 4)])
    assert got[0] == level_of(place, "exact")
    assert level_of(place, "partly similar") <= got[1] < level_of(place, "exact")
    assert got[2] == level_of(place, "different")
    assert got[3] == 0
    slips = pd.DataFrame(
        {
            "nama": ["Budi"] * 4,
            "tanggal_lahir": ["1990-01-01"] * 4,
            "tempat_lahir": ["Bandar Lampung", "Bandar Almpung", "Tulang Bawang Barat",
                             "Tulangbawangbarat"],
        }
    )
    # a slip in the first word, words joined: similar, not "different"
    assert levels(place, slips, [(0, 1), (2, 3)]) == [level_of(place, "similar")] * 2
    ident = IdentifierComparison("no_identitas")
    assert levels(ident, df, [(0, 1), (0, 2), (0, 3), (0, 4)]) == [3, 2, 1, 0]


ALL_KINDS: list[Comparison] = [
    NameComparison("nama"),
    NameComparison("nama_ibu"),
    DateComparison("tanggal_lahir"),
    NIKComparison("nik"),
    ExactComparison("jenis_kelamin"),
    ExactComparison("no_kk", tf=True),
    TextComparison("tempat_lahir", tf=True),
    TextComparison("alamat"),
    IdentifierComparison("no_identitas"),
    WilayahComparison(),
    DomicileComparison(),
    HouseholdComparison(),
]


def test_every_kind_is_covered() -> None:
    assert {c.kind for c in ALL_KINDS} == set(COMPARISON_KINDS)


@pytest.mark.parametrize("comp", ALL_KINDS, ids=lambda c: f"{c.kind}:{c.name}")
def test_comparison_from_dict_round_trip(comp: Comparison) -> None:
    data = comp.to_dict()
    assert data["kind"] == comp.kind
    again = comparison_from_dict(data)
    assert again == comp
    assert type(again) is type(comp)
    assert again.to_dict() == data
    assert again.level_labels == comp.level_labels


def test_comparison_from_dict_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown comparison kind"):
        comparison_from_dict({"kind": "telepathy", "column": "nama"})


def test_missing_values_are_level_zero_for_every_kind() -> None:
    full = {
        "nik": compose_nik("187101", pd.Timestamp("1985-03-14").date(), "L", 1),
        "no_kk": KK_A,
        "nama": "Budi Santoso",
        "tempat_lahir": "Metro",
        "tanggal_lahir": "1985-03-14",
        "jenis_kelamin": "L",
        "nama_ibu": "Siti Aminah",
        "alamat": "Jl. Mawar 1",
        "rt": "001",
        "rw": "002",
        "kelurahan": "Kedaton",
        "kecamatan": "Kedaton",
        "no_identitas": "0001234567",
    }
    empty = dict.fromkeys(full)
    garbage = {**dict.fromkeys(full, ""), "nik": "abc", "tanggal_lahir": "31-02-1990"}
    other_nik = compose_nik("187101", pd.Timestamp("1985-03-14").date(), "L", 2)
    df = pd.DataFrame([full, empty, garbage, {**full, "nik": other_nik}])
    prepared = prepare(df)
    left, right = np.array([0, 1, 0, 2, 1]), np.array([1, 0, 2, 0, 2])
    for comp in ALL_KINDS:
        got = comp.compute(prepared, left, right)
        assert got.tolist() == [0] * 5, comp.name
        assert levels(comp, df, [(0, 3)]) != [0], comp.name  # present values do compare


def test_level_constants_name_the_levels_they_stand_for() -> None:
    """The strata, the household veto and the joint-name correction read levels through
    these names; a level inserted without updating them fails here, not silently."""
    name, date = NameComparison("nama"), DateComparison("tanggal_lahir")
    assert name.level_labels[NameComparison.EXACT] == "exact (normalised)"
    assert name.level_labels[NameComparison.KEY] == "same phonetic key"
    assert name.level_labels[NameComparison.REORDERED] == "same words in another order"
    assert name.level_labels[NameComparison.SLIP].startswith("the same words, one mistyped")
    assert name.level_labels[NameComparison.OMITTED] == "words left out, or initials"
    assert NameComparison.INITIALS == NameComparison.OMITTED
    assert name.level_labels[NameComparison.VERY_SIMILAR].startswith("very similar")
    assert name.level_labels[NameComparison.TWO_NAMES].startswith("a word one letter from")
    assert name.level_labels[NameComparison.PARTLY].startswith("partly the same")
    assert name.level_labels[NameComparison.SIMILAR].startswith("similar")
    assert name.level_labels[NameComparison.DIFFERENT] == "different"
    assert date.level_labels[DateComparison.EXACT] == "exact"
    assert date.level_labels[DateComparison.EXACT_DEFAULT].startswith("exact, on a default")
    assert date.level_labels[DateComparison.SWAPPED] == "day and month swapped"
    assert date.level_labels[DateComparison.DAY_SLIP].startswith("a digit of the day")
    assert date.level_labels[DateComparison.YEAR_SLIP].startswith("the year mistyped")
    assert min(DateComparison.DAY_SLIP, DateComparison.YEAR_SLIP) == DateComparison.ONE_DIGIT
    assert date.level_labels[DateComparison.WITHIN_YEAR] == "within one year"
    assert date.level_labels[DateComparison.DIFFERENT] == "different"



def test_a_common_name_inside_another_is_another_name() -> None:
    """Twins apart named Aisyah Rahma / Aisyah Rahmawati: both names in common use, so
    ``rahma`` inside ``rahmawati`` is another name, not a word written joined; Permatasari /
    Sari stays one name possibly written in two words (``permata`` is a name too)."""
    rows = [
        ("Aisyah Rahma", "2007-02-27", "Alya Halimah"),
        ("Aisyah Rahmawati", "2007-02-27", "Alya Halymah"),
        ("Erni Permatasari", "1989-10-25", "Lasmi"),
        ("Erni Sari", "1989-10-25", "Lasmi"),
    ]
    filler = _in_common_use(("Rahma", "Rahmawati", "Sari", "Permatasari", "Permata"))
    kks = [KK_A, KK_B, KK_A, KK_B]
    assert _twins(rows + filler, kks, [(0, 1), (2, 3)]) == [True, False]
    # without the register to say the names are in common use, no veto: a slip is likelier
    assert _twins(rows, kks, [(0, 1)]) == [False]



def test_household_a_slip_to_a_rare_word_is_not_another_name() -> None:
    """On one KK, Maruli / Mauli and Noa / Nova (one letter apart, one of them no name in use
    in the register) are slips, not twins, when the dates differ by a slip too (on the very
    same date one KK's names short of one key are twins); Rina / Rini (both names in use)
    stay twins."""
    rows = [
        ("Maruli Lubis", "2002-09-07", "Dameria Ruth"),
        ("Mauli Lubis", "2002-09-06", "Dameria Ruth"),
        ("Noa Sari", "1994-02-08", "Lamria Siagian"),
        ("Nova Sari", "1994-08-02", "Lamria Siagian"),  # and day and month swapped
        ("Rina Sari", "1999-03-01", "Lilis"),
        ("Rini Sari", "1999-03-01", "Lilis"),
        *_in_common_use(("Rina", "Rini", "Maruli", "Nova", "Sari", "Lubis"),
                        ("Siti", "Dewi", "Sri", "Putri", "Ayu")),
    ]
    kks = [KK_A, KK_A, KK_B, KK_B, KK_A, KK_A]
    assert _twins(rows, kks, [(0, 1), (2, 3), (4, 5)]) == [False, False, True]



def test_household_a_lone_m_may_be_any_name_with_m() -> None:
    """``M. Salmah`` is normalised as ``muhammad salmah``, but a lone M. is as often the
    initial of another name (Minan, Maruli): no twins veto against a name with that initial;
    a name with another initial is still another name."""
    rows = [
        ("Minan Salmah", "1990-10-12", "Masitoh"),
        ("M. Salmah", "1990-10-12", "Masitoh"),
        ("Rosita Salmah", "1990-10-12", "Masitoh"),
    ]
    assert _twins(rows, [KK_A, KK_B, KK_B], [(0, 1), (1, 2)]) == [False, True]


_WORDS = st.sampled_from(
    ["siti", "aminah", "afifah", "nur", "hayati", "wulan", "susanti", "suparmi", "dewi",
     "sartika", "muhammad", "rizki", "rizky", "ahmad", "fauzi", "fauzan", "i", "putu", "ni",
     "rahma", "rahmawati", "wati", "permatasari", "permata", "sari", "nurul"]
)
_NAMES = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)


@given(a=_NAMES, b=_NAMES, join=st.booleans(), common=st.booleans())
def test_distinct_word_is_symmetric_and_never_within_one_name(
    a: str, b: str, join: bool, common: bool
) -> None:
    """Whether two names have distinct words does not depend on their order; a name has none
    against itself, nor against itself with its words joined."""
    if join:
        b = b.replace(" ", "", 1)
    words = frozenset(a.split()) | frozenset(b.split()) if common else frozenset()
    for strict in (False, True):
        ab = _has_distinct_word(a, b, strict=strict, common=words)
        assert ab == _has_distinct_word(b, a, strict=strict, common=words)
        assert not _has_distinct_word(a, a, strict=strict, common=words)
        assert not _has_distinct_word(a, a.replace(" ", ""), strict=strict, common=words)


@given(words=st.lists(_WORDS, min_size=1, max_size=4), other=st.lists(_WORDS, max_size=4))
def test_split_joined_keeps_every_letter_in_order(words: list[str], other: list[str]) -> None:
    for common in (frozenset(), frozenset(words) | frozenset(other)):
        split = _split_joined(words, other, common)
        assert "".join(split) == "".join(words)
        assert len(split) >= len(words)


@given(
    st.lists(st.text(alphabet="0123456789 .-abcKODEPOS", max_size=12), min_size=1, max_size=8),
    st.sampled_from(["{}", " {} ", "kode pos {}", "{}."]),
)
def test_kode_pos_is_its_digits_whatever_the_writing(codes: list[str], writing: str) -> None:
    """A postal code is kept as its digits (a value without digits is missing), so one code
    written two ways is one value."""
    df = pd.DataFrame({"nama": ["Budi"] * len(codes), "tanggal_lahir": ["1990-01-01"] * len(codes)})
    df["kode_pos"] = codes
    plain = prepare(df)
    df["kode_pos"] = [writing.format(c) for c in codes]
    written = prepare(df)
    assert all(v.isdigit() for v in plain.values["kode_pos"].tolist())
    for i, code in enumerate(codes):
        digits = "".join(ch for ch in code if ch.isdigit())
        for frame in (plain, written):
            c = int(frame.codes["kode_pos"][i])
            assert (c < 0) if not digits else frame.values["kode_pos"][c] == digits
