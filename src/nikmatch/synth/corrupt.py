"""Record corruption: the variations of DESIGN §5 seen between two records of one person.

Each function changes one value and is deterministic for a given ``numpy`` generator.  The
array functions (:func:`corrupt_names`, :func:`corrupt_dates`, :func:`place_variants`) draw
every decision for all rows at once, then loop in Python only over the rows that change (a
few percent of a register), and return the kinds applied per row so the truth can say what
was done.

>>> rng = np.random.default_rng(0)
>>> old_spelling("JOKO SUSILO"), old_spelling("YANTI CAHYANI")
('DJOKO SOESILO', 'JANTI TJAHJANI')
>>> islamic_form("MUHAMMAD RIZKI", rng)
'MOCHAMAD RIZKI'
>>> abbreviate("MUHAMMAD RIZKI SAPUTRA", rng)
'MUHAMMAD R. SAPUTRA'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_DAYS",
    "NameNoise",
    "abbreviate",
    "add_title",
    "add_word",
    "apply_dates",
    "apply_name_kinds",
    "apply_place_variants",
    "can_join_or_split",
    "corrupt_dates",
    "corrupt_names",
    "drop_word",
    "has_islamic_form",
    "islamic_form",
    "join_or_split",
    "mistype_date",
    "old_spelling",
    "place_variants",
    "spelling_variant",
    "swap_words",
    "typo",
]

_MUHAMMAD = (
    "MUHAMAD",
    "MOHAMMAD",
    "MOHAMAD",
    "MOCH.",
    "MOCH",
    "MOH.",
    "MUH.",
    "MHD.",
    "M.",
    "M",
    "MUCHAMMAD",
    "MOCHAMAD",
    "MUHAMMED",
)
_FORMS: dict[str, tuple[str, ...]] = {
    "AHMAD": ("ACHMAD", "AKHMAD", "AHMAT"),
    "SITI": ("SITTI", "ST.", "SITTIE"),
    "NUR": ("NOOR", "NURUL", "NOER"),
    "YUSUF": ("JUSUF", "YUSUP", "JOESOEF"),
    "RAHMAT": ("RACHMAT", "RAHMAD"),
    "RAHMAN": ("RACHMAN", "ROHMAN"),
    "ABDULLAH": ("ABDULAH", "ABDOELLAH"),
    "FATIMAH": ("FATIMA", "FATHIMAH"),
    "KHADIJAH": ("KHODIJAH", "HADIJAH", "CHADIJAH"),
}
_BARE_J = re.compile(r"(?<!D)J")
_SUN_LETTERS = ("T", "D", "R", "Z", "S", "L", "N")
_TITLES_BEFORE_M = ("H.", "H.", "H.", "DRS.", "IR.", "DR.", "KH.", "HAJI")
_TITLES_BEFORE_F = ("HJ.", "HJ.", "HJ.", "DRA.", "DR.", "IR.", "HAJJAH")
_TITLES_AFTER = (
    ", S.PD",
    ", S.H",
    ", S.E",
    ", S.KOM",
    ", A.MD",
    ", M.M",
    ", S.SOS",
    ", S.T",
    ", M.PD",
    ", S.KEP",
    ", S.AG",
    " S.PD",
    " SE",
    " S.PD.I",
    ", SH., MH",
)
_SPLIT_PREFIXES = (
    "NUR",
    "SRI",
    "ABDUL",
    "ABDUR",
    "SITI",
    "DWI",
    "TRI",
    "EKA",
    "PUSPITA",
    "PERMATA",
    "NOVITA",
    "KARTIKA",
    "RATNA",
    "WULAN",
    "PURNAMA",
    "KOMALA",
    "SUSILA",
)
_JOIN_FIRST = frozenset(
    {
        "NUR",
        "SRI",
        "DWI",
        "TRI",
        "EKA",
        "SITI",
        "ABDUL",
        "PUTRI",
        "DEWI",
        "RATNA",
        "NURUL",
        "AYU",
        "ADI",
        "MUHAMMAD",
        "AHMAD",
    }
)
_SPELLING: tuple[tuple[str, str], ...] = (
    ("KY", "KI"),
    ("KI", "KY"),
    ("DY", "DI"),
    ("FI", "PI"),
    ("F", "P"),
    ("DH", "D"),
    ("TH", "T"),
    ("KH", "K"),
    ("AI", "AE"),
    ("Z", "J"),
    ("Q", "K"),
    ("SY", "S"),
    ("IA", "YA"),
    ("OE", "U"),
    ("MM", "M"),
    ("NN", "N"),
    ("TT", "T"),
    ("UA", "WA"),
    ("EI", "E"),
    ("IE", "I"),
    ("I", "Y"),
    ("PH", "F"),
    ("CH", "KH"),
    ("AU", "O"),
)
_KEYBOARD = {
    "A": "QSZ",
    "B": "VNG",
    "C": "XVD",
    "D": "SFE",
    "E": "WRD",
    "F": "DGR",
    "G": "FHT",
    "H": "GJY",
    "I": "UOK",
    "J": "HKU",
    "K": "JLI",
    "L": "KO",
    "M": "NJ",
    "N": "BMH",
    "O": "IPL",
    "P": "OL",
    "Q": "WA",
    "R": "ETF",
    "S": "ADW",
    "T": "RYG",
    "U": "YIJ",
    "V": "CBF",
    "W": "QES",
    "X": "ZCS",
    "Y": "TUH",
    "Z": "XAS",
}


_ISLAMIC_WORD = re.compile(
    r"\b(?:MUHAMMAD|ABDUL|" + "|".join(sorted(_FORMS, key=len, reverse=True)) + r")\b"
)
_SPLIT_WORD = re.compile(r"\b(?:" + "|".join(_SPLIT_PREFIXES) + r")[A-Z]{3,}")


def has_islamic_form(names: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Whether each name has a word :func:`islamic_form` can rewrite (missing names: False).

    >>> has_islamic_form(np.array(["MUHAMMAD RIZKI", "BUDI SANTOSO", None], dtype=object))
    array([ True, False, False])
    """
    return np.fromiter(
        (isinstance(v, str) and _ISLAMIC_WORD.search(v) is not None for v in names),
        dtype=bool,
        count=names.size,
    )


def can_join_or_split(names: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Whether :func:`join_or_split` changes each name: two words or more, or one to split.

    >>> can_join_or_split(np.array(["NURHAYATI", "SLAMET", "ADI NUGROHO"], dtype=object))
    array([ True, False,  True])
    """
    return np.fromiter(
        (isinstance(v, str) and (" " in v or _SPLIT_WORD.search(v) is not None) for v in names),
        dtype=bool,
        count=names.size,
    )


def old_spelling(name: str, *, vowels: bool = True) -> str:
    """Write a name in pre-1972 spelling: j→dj, y→j, c→tj, kh→ch (and u→oe unless told not).

    >>> old_spelling("SUPARMAN"), old_spelling("NYOMAN"), old_spelling("KHADIJAH", vowels=False)
    ('SOEPARMAN', 'NJOMAN', 'CHADIDJAH')
    """
    text = _BARE_J.sub("DJ", name).replace("Y", "J").replace("C", "TJ").replace("KH", "CH")
    return text.replace("U", "OE") if vowels else text


def islamic_form(name: str, rng: np.random.Generator) -> str:
    """Rewrite one Muhammad/Ahmad/Abdul/Siti/Nur... word in another customary form.

    ``ABDUL RAHMAN`` may become ``ABD. RAHMAN``, ``ABDOEL RAHMAN``, ``ABDULRAHMAN`` or
    ``ABDURRAHMAN`` (assimilated before sun letters).  Returns the name unchanged when no word
    has a variant.

    >>> rng = np.random.default_rng(2)
    >>> [islamic_form("ABDUL RAHMAN", rng) for _ in range(3)]
    ['ABDUL RACHMAN', 'ABDULRAHMAN', 'ABDOEL RAHMAN']
    >>> islamic_form("BUDI SANTOSO", rng)
    'BUDI SANTOSO'
    """
    words = name.split(" ")
    spots = [i for i, w in enumerate(words) if w in ("MUHAMMAD", "ABDUL") or w in _FORMS]
    if not spots:
        return name
    i = spots[int(rng.integers(0, len(spots)))]
    word = words[i]
    if word == "MUHAMMAD":
        words[i] = _MUHAMMAD[int(rng.integers(0, len(_MUHAMMAD)))]
    elif word == "ABDUL" and i + 1 < len(words):
        nxt = words[i + 1]
        choice = int(rng.integers(0, 4))
        if choice == 0 and nxt[:1] in _SUN_LETTERS:
            words[i : i + 2] = [f"ABDU{nxt[0]}{nxt}"]
        elif choice <= 1:
            words[i : i + 2] = [f"ABDUL{nxt}"]
        else:
            words[i] = ("ABD.", "ABDOEL")[choice - 2]
    elif word == "ABDUL":
        words[i] = "ABD."
    else:
        options = _FORMS[word]
        words[i] = options[int(rng.integers(0, len(options)))]
    return " ".join(words)


def add_title(name: str, female: bool, rng: np.random.Generator, muslim: bool = True) -> str:
    """Add a title before (``H.``, ``HJ.``, ``DRS.``...) or a degree after (``, S.PD``).

    The pilgrimage titles (``H.``, ``HJ.``, ``KH.``, ``HAJI``, ``HAJJAH``) only for Muslims.

    >>> rng = np.random.default_rng(5)
    >>> add_title("SITI AMINAH", True, rng), add_title("BUDI SANTOSO", False, rng)
    ('SITI AMINAH, S.PD', 'KH. BUDI SANTOSO')
    >>> add_title("I WAYAN SUDARMA", False, np.random.default_rng(1), muslim=False)
    'DR. I WAYAN SUDARMA'
    """
    if rng.random() < 0.55:
        pool: tuple[str, ...] = _TITLES_BEFORE_F if female else _TITLES_BEFORE_M
        if not muslim:
            pool = tuple(t for t in pool if t[:1] not in "HK")
        return f"{pool[int(rng.integers(0, len(pool)))]} {name}"
    return f"{name}{_TITLES_AFTER[int(rng.integers(0, len(_TITLES_AFTER)))]}"


def abbreviate(name: str, rng: np.random.Generator) -> str:
    """Shorten one word to its initial (``M. RIZKI S.``); one-word names are unchanged.

    >>> rng = np.random.default_rng(0)
    >>> abbreviate("SITI AMINAH", rng), abbreviate("SLAMET", rng)
    ('SITI A.', 'SLAMET')
    """
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 2 and not w.endswith(".")]
    if len(words) < 2 or not candidates:
        return name
    i = candidates[int(rng.integers(0, len(candidates)))]
    words[i] = f"{words[i][0]}."
    return " ".join(words)


def join_or_split(name: str, rng: np.random.Generator) -> str:
    """Join two words (``NUR HAYATI`` → ``NURHAYATI``) or split a joined one (and back).

    >>> rng = np.random.default_rng(0)
    >>> join_or_split("NUR HAYATI", rng), join_or_split("PERMATASARI", rng)
    ('NURHAYATI', 'PERMATA SARI')
    """
    words = name.split(" ")
    joins = [i for i in range(len(words) - 1) if words[i] in _JOIN_FIRST]
    splits = [
        (i, len(p))
        for i, w in enumerate(words)
        for p in _SPLIT_PREFIXES
        if w.startswith(p) and len(w) >= len(p) + 3
    ]
    if joins and (not splits or rng.random() < 0.5):
        i = joins[int(rng.integers(0, len(joins)))]
        words[i : i + 2] = [words[i] + words[i + 1]]
    elif splits:
        i, cut = splits[int(rng.integers(0, len(splits)))]
        words[i : i + 1] = [words[i][:cut], words[i][cut:]]
    elif len(words) >= 2:
        i = int(rng.integers(0, len(words) - 1))
        words[i : i + 2] = [words[i] + words[i + 1]]
    return " ".join(words)


def drop_word(name: str, rng: np.random.Generator) -> str:
    """Leave out one word other than the first (``MUHAMMAD RIZKI SAPUTRA`` → ``MUHAMMAD RIZKI``).

    >>> drop_word("MUHAMMAD RIZKI SAPUTRA", np.random.default_rng(0)), drop_word("SLAMET", None)
    ('MUHAMMAD RIZKI', 'SLAMET')
    """
    words = name.split(" ")
    if len(words) < 2 or rng is None:
        return name
    del words[int(rng.integers(1, len(words)))]
    return " ".join(words)


def swap_words(name: str, rng: np.random.Generator) -> str:
    """Reorder the words: swap two adjacent words (``RIZKI MUHAMMAD``) or, in a name of three
    words or more, put the last word first (``SAPUTRA MUHAMMAD RIZKI``: a family or second
    name written first).

    >>> swap_words("MUHAMMAD RIZKI", np.random.default_rng(0))
    'RIZKI MUHAMMAD'
    >>> sorted({swap_words("MUHAMMAD RIZKI SAPUTRA", np.random.default_rng(s)) for s in range(6)})
    ['MUHAMMAD SAPUTRA RIZKI', 'RIZKI MUHAMMAD SAPUTRA', 'SAPUTRA MUHAMMAD RIZKI']
    """
    words = name.split(" ")
    if len(words) < 2:
        return name
    if len(words) >= 3 and rng.random() < 0.3:
        return " ".join([words[-1], *words[:-1]])
    i = int(rng.integers(0, len(words) - 1))
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def add_word(name: str, word: str) -> str:
    """Write one more word at the end of a name: a second given name or family name left out
    of the other record, or a patronymic (``BIN AHMAD``, ``BINTI SALEH``).

    >>> add_word("WATI", "YULIANTI"), add_word("SITI AMINAH", "BINTI SALEH"), add_word("ADI", "")
    ('WATI YULIANTI', 'SITI AMINAH BINTI SALEH', 'ADI')
    """
    if not word or name.endswith(f" {word}") or name == word:
        return name
    return f"{name} {word}"


def spelling_variant(name: str, rng: np.random.Generator) -> str:
    """A common spelling variant (``RIZKI``/``RIZKY``, ``FITRI``/``PITRI``, ``ZAINAL``/``ZAENAL``).

    >>> spelling_variant("RIZKI RAMADHAN", np.random.default_rng(0))
    'RIZKY RAMADHAN'
    """
    hits = [(a, b) for a, b in _SPELLING if a in name]
    if not hits:
        return typo(name, rng)
    a, b = hits[int(rng.integers(0, len(hits)))]
    starts = [i for i in range(len(name)) if name.startswith(a, i)]
    at = starts[int(rng.integers(0, len(starts)))]
    return name[:at] + b + name[at + len(a) :]


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a neighbouring key, a dropped, doubled or transposed letter.

    The slip falls in a word chosen uniformly among the words of three letters or more, so a
    short word (``WATI``, ``NUR``) is as likely to be mistyped as a long one.  A word's first
    letter is never replaced or dropped.

    >>> rng = np.random.default_rng(4)
    >>> [typo("HARYANTO", rng) for _ in range(3)]
    ['HARYATNO', 'HARYANTOO', 'HARYANOT']
    >>> sorted({typo("WATI YULIANTI", np.random.default_rng(s)).split()[0] for s in range(9)})
    ['WATI', 'WATTI', 'WTAI']
    """
    spans = [m.span() for m in re.finditer(r"[A-Z]{3,}", text)]
    if not spans:
        return text
    start, end = spans[int(rng.integers(0, len(spans)))] if len(spans) > 1 else spans[0]
    i = int(rng.integers(start + 1, end))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        near = _KEYBOARD.get(text[i], "AEIOU")
        return text[:i] + near[int(rng.integers(0, len(near)))] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    j = i - 1
    return text[:j] + text[i] + text[j] + text[i + 1 :]


@dataclass(frozen=True)
class NameNoise:
    """Probabilities that a record's name gets each variation (independently).

    >>> NameNoise().scaled(0.5).typo
    0.06
    """

    islamic_form: float = 0.30
    old_spelling: float = 0.06
    title: float = 0.07
    initials: float = 0.06
    join_split: float = 0.07
    spelling: float = 0.10
    typo: float = 0.12
    drop_word: float = 0.04
    word_order: float = 0.015

    def scaled(self, factor: float) -> NameNoise:
        """The same noise with every probability multiplied by ``factor`` (capped at 1).

        >>> NameNoise().scaled(0).title
        0.0
        """
        return NameNoise(**{f.name: min(1.0, getattr(self, f.name) * factor) for f in fields(self)})


_NAME_STEPS = (
    "islamic_form",
    "old_spelling",
    "join_split",
    "drop_word",
    "add_word",
    "word_order",
    "initials",
    "spelling",
    "typo",
    "title",
)


def _name_step(
    kind: str,
    name: str,
    female: bool,
    rng: np.random.Generator,
    word: str = "",
    muslim: bool = True,
) -> tuple[str, str]:
    """Apply one variation; return the new name and the kind really applied."""
    if kind == "islamic_form":
        return islamic_form(name, rng), kind
    if kind == "old_spelling":
        return old_spelling(name, vowels=bool(rng.random() < 0.8)), kind
    if kind == "join_split":
        return join_or_split(name, rng), kind
    if kind == "drop_word":
        return drop_word(name, rng), kind
    if kind == "add_word":
        return add_word(name, word), kind
    if kind == "word_order":
        return swap_words(name, rng), kind
    if kind == "initials":
        return abbreviate(name, rng), kind
    if kind == "spelling":
        if any(a in name for a, _ in _SPELLING):
            return spelling_variant(name, rng), kind
        return typo(name, rng), "typo"
    if kind == "typo":
        return typo(name, rng), kind
    return add_title(name, female, rng, muslim), kind


def apply_name_kinds(
    rng: np.random.Generator,
    names: npt.NDArray[np.object_],
    female: npt.NDArray[np.bool_],
    draws: Mapping[str, npt.NDArray[np.bool_]],
    words: npt.NDArray[np.object_] | None = None,
    muslim: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Apply the variations chosen per row (``draws[kind][row]``); return names and kinds.

    Kinds are those of :class:`NameNoise` plus ``add_word`` (the word to add per row in
    ``words``); ``muslim`` says per row whether a pilgrimage title may be added (default:
    yes).  They are applied in a fixed order; a kind that changes nothing (no word to drop in
    a one-word name) is not reported, and a spelling variant that finds no spelling to vary is
    a typing slip and reported as ``typo``.  Missing names (``None``) stay missing.
    Only the rows with some variation are visited.

    >>> new, kinds = apply_name_kinds(
    ...     np.random.default_rng(0), np.array(["WATI YULIANTI", "ADI"], dtype=object),
    ...     np.array([True, False]), {"drop_word": np.array([True, True])})
    >>> new.tolist(), kinds.tolist()
    (['WATI', 'ADI'], ['drop_word', ''])
    """
    n = names.size
    any_kind = np.zeros(n, dtype=bool)
    for mask in draws.values():
        any_kind |= mask
    rows = np.flatnonzero(any_kind)
    new = names.copy()
    kinds = np.full(n, "", dtype=object)
    order = [k for k in _NAME_STEPS if k in draws]
    for row in rows:
        value = names[row]
        if not isinstance(value, str) or value == "":
            continue
        name = value
        applied: list[str] = []
        for kind in order:
            if draws[kind][row]:
                word = str(words[row]) if words is not None and kind == "add_word" else ""
                pilgrim = True if muslim is None else bool(muslim[row])
                changed, done = _name_step(kind, name, bool(female[row]), rng, word, pilgrim)
                if changed != name:
                    name = changed
                    applied.append(done)
        new[row] = name
        kinds[row] = ";".join(dict.fromkeys(applied)) if name != value else ""  # may cancel
    return new, kinds


def corrupt_names(
    rng: np.random.Generator,
    names: npt.NDArray[np.object_],
    female: npt.NDArray[np.bool_],
    birth_year: npt.NDArray[np.int64],
    noise: NameNoise,
    muslim: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Apply :class:`NameNoise` to each name; return new names and the kinds applied.

    Old spelling is three times as likely for people born before 1960 and never for people
    born after 1985; titles only for people born at least 22 years before 2026 (pilgrimage
    titles only where ``muslim``, default everyone).  Missing
    names (``None``) stay missing.

    >>> rng = np.random.default_rng(3)
    >>> new, kinds = corrupt_names(rng, np.array(["MUHAMMAD RIZKI", "SITI AMINAH"], dtype=object),
    ...                            np.array([False, True]), np.array([1990, 1950]),
    ...                            NameNoise(typo=1.0, islamic_form=1.0))
    >>> new.tolist(), kinds.tolist()
    (['UMHAMMED RIZKI', 'STTIE AMINAH'], ['islamic_form;typo', 'islamic_form;typo'])
    """
    n = names.size
    old_factor = np.where(birth_year < 1960, 3.0, np.where(birth_year < 1985, 1.0, 0.0))
    title_ok = birth_year <= 2003
    draws = {f.name: rng.random(n) < getattr(noise, f.name) for f in fields(noise)}
    draws["old_spelling"] = rng.random(n) < noise.old_spelling * old_factor
    draws["title"] &= title_ok
    return apply_name_kinds(rng, names, female, draws, muslim=muslim)


#: Dates SIAK records for an unknown birthday (month, day; ``0`` = the person's own month),
#: with how often a retyping officer falls back on each.
DEFAULT_DAYS: tuple[tuple[tuple[int, int], float], ...] = (
    ((7, 1), 0.4),
    ((12, 31), 0.3),
    ((1, 1), 0.2),
    ((0, 15), 0.1),
)


def mistype_date(
    day: dt.date,
    rng: np.random.Generator,
    kind: str | None = None,
    *,
    earliest: dt.date = dt.date(1900, 1, 1),
    latest: dt.date = dt.date(2199, 12, 31),
    default_day: tuple[int, int] | None = None,
) -> dt.date:
    """A plausible mistyping of a date: a day/month swap, a one-digit slip, the year off by one
    or a default date (``default_day`` = (month, day) when given).

    ``kind`` is ``"swap"``, ``"digit"``, ``"year"``, ``"default"`` or ``None`` (digit slips,
    and swaps when the day is 12 or less).  ``"year"`` keeps day and month and moves the year
    by one either way (an age turned into a year, or the last digit of the year slipped);
    ``"default"`` is 1 July, 31 December, 1 January or the 15th of the month (what SIAK
    records for an unknown birthday).  The result is always a real date between ``earliest``
    and ``latest`` and different from ``day`` (falling back to the next or previous day).

    >>> rng = np.random.default_rng(0)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "swap")
    datetime.date(1985, 12, 3)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "digit")
    datetime.date(1986, 3, 12)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "default")
    datetime.date(1985, 7, 1)
    >>> mistype_date(dt.date(1984, 2, 29), rng, "year")
    datetime.date(1985, 2, 28)
    """
    if kind is None:
        kind = "swap" if day.day <= 12 and day.day != day.month and rng.random() < 0.4 else "digit"
    if kind == "swap":
        if day.day <= 12 and day.day != day.month:
            return dt.date(day.year, day.day, day.month)
        kind = "digit"
    if kind == "default":
        options = []
        days = ((default_day, 1.0),) if default_day else DEFAULT_DAYS
        for (month, dom), weight in days:
            option = dt.date(day.year, month or day.month, dom)
            if option != day and earliest <= option <= latest:
                options.append((option, weight))
        if options:
            weights = np.array([w for _, w in options])
            pick = int(rng.choice(len(options), p=weights / weights.sum()))
            return options[pick][0]
        kind = "digit"
    if kind == "year":
        step = 1 if rng.random() < 0.5 else -1
        for year in (day.year + step, day.year - step):
            new = dt.date(year, day.month, min(day.day, 28 if day.month == 2 else 31))
            if day.month == 2 and day.day == 29 and year % 4 == 0:
                new = dt.date(year, 2, 29)
            if earliest <= new <= latest:
                return new
        kind = "digit"
    text = f"{day.day:02d}{day.month:02d}{day.year:04d}"
    for _ in range(20):
        pos = (0, 1, 2, 3, 6, 7)[int(rng.integers(0, 6))]
        digit = str(int(rng.integers(0, 10)))
        if digit == text[pos]:
            continue
        slip = text[:pos] + digit + text[pos + 1 :]
        try:
            new = dt.date(int(slip[4:]), int(slip[2:4]), int(slip[:2]))
        except ValueError:
            continue
        if earliest <= new <= latest:
            return new
    after = day + dt.timedelta(days=1)
    return after if after <= latest else day - dt.timedelta(days=1)


def apply_dates(
    rng: np.random.Generator,
    days: npt.NDArray[np.datetime64],
    kinds: npt.NDArray[np.object_],
    *,
    latest: dt.date,
    defaults: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_]]:
    """Mistype the dates whose ``kinds`` entry is ``swap``, ``digit``, ``year`` or ``default``.

    ``defaults`` (optional, ``MMDD`` per row, 0 = any) fixes the default date of a row.

    Returns the new dates and the kinds applied (``date_swap``...; ``""`` where nothing
    changed).  A swap is only possible with a day of 12 or less that differs from the month,
    else the slip is a digit; results stay between ``latest`` minus 95 years and ``latest``.
    Only the rows to change are visited.

    >>> days = np.array(["1985-03-20", "1990-05-20", "2001-01-09"], dtype="datetime64[D]")
    >>> new, done = apply_dates(np.random.default_rng(0), days,
    ...                         np.array(["year", "", "swap"], dtype=object),
    ...                         latest=dt.date(2025, 12, 31))
    >>> [str(d) for d in new], done.tolist()
    (['1984-03-20', '1990-05-20', '2001-09-01'], ['date_year', '', 'date_swap'])
    """
    earliest = latest.replace(year=latest.year - 95, day=min(latest.day, 28))
    new = days.copy()
    out_kind = np.full(days.size, "", dtype=object)
    for row in np.flatnonzero(kinds != ""):
        old = days[row].astype(dt.date)
        kind = str(kinds[row])
        if kind == "swap" and not (old.day <= 12 and old.day != old.month):
            kind = "digit"
        fixed = int(defaults[row]) if defaults is not None else 0
        default_day = (fixed // 100, fixed % 100) if fixed else None
        changed = mistype_date(
            old, rng, kind, earliest=earliest, latest=latest, default_day=default_day
        )
        if changed != old and earliest <= changed <= latest:
            new[row] = np.datetime64(changed, "D")
            year_only = abs(changed.year - old.year) == 1 and changed.month == old.month and (
                changed.day == old.day or (old.month == 2 and old.day == 29)
            )
            if kind in ("digit", "year"):  # a slip of the year's last digit by one is a year
                kind = "year" if year_only else "digit"
            out_kind[row] = f"date_{kind}"
    return new, out_kind


def corrupt_dates(
    rng: np.random.Generator,
    days: npt.NDArray[np.datetime64],
    *,
    swap: float,
    digit: float,
    default: float,
    latest: dt.date,
    year: float = 0.0,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_]]:
    """Mistype a share of dates (``datetime64[D]``); return new dates and kinds applied.

    Each date gets at most one of a day/month swap, a digit slip, the year off by one or a
    default date, with the given probabilities (see :func:`apply_dates`).

    >>> rng = np.random.default_rng(0)
    >>> days = np.array(["1985-03-12", "1990-05-20"], dtype="datetime64[D]")
    >>> new, kinds = corrupt_dates(rng, days, swap=1.0, digit=0.0, default=0.0,
    ...                            latest=dt.date(2026, 1, 1))
    >>> [str(d) for d in new], kinds.tolist()
    (['1985-12-03', '1990-05-28'], ['date_swap', 'date_digit'])
    """
    n = days.size
    u = rng.random(n)
    kind = np.full(n, "", dtype=object)
    kind[u < swap + digit + year + default] = "default"
    kind[u < swap + digit + year] = "year"
    kind[u < swap + digit] = "digit"
    kind[u < swap] = "swap"
    return apply_dates(rng, days, kind, latest=latest)


def place_variants(
    rng: np.random.Generator, places: npt.NDArray[np.object_], rate: float
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Write a share of places of birth differently (``B. LAMPUNG``, ``BANDARLAMPUNG``, typos).

    >>> rng = np.random.default_rng(1)
    >>> new, changed = place_variants(rng, np.array(["BANDAR LAMPUNG"] * 3, dtype=object), 1.0)
    >>> new.tolist()
    ['BANDAR LAPUNG', 'BNADAR LAMPUNG', 'BANDARLAMPUNG']
    """
    return apply_place_variants(rng, places, rng.random(places.size) < rate)


def apply_place_variants(
    rng: np.random.Generator, places: npt.NDArray[np.object_], rows: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Write the places of birth of the rows marked in ``rows`` differently.

    >>> new, changed = apply_place_variants(np.random.default_rng(1),
    ...     np.array(["METRO", "BANDAR LAMPUNG"], dtype=object), np.array([False, True]))
    >>> new.tolist(), changed.tolist()
    (['METRO', 'B. LAMPUNG'], [False, True])
    """
    new = places.copy()
    changed = np.zeros(places.size, dtype=bool)
    for row in np.flatnonzero(rows):
        value = places[row]
        if not isinstance(value, str):
            continue
        words = value.split(" ")
        kind = int(rng.integers(0, 3))
        if kind == 0 and len(words) > 1:
            text = "".join(words)
        elif kind == 1 and len(words) > 1:
            text = " ".join([f"{words[0][0]}.", *words[1:]])
        else:
            text = typo(value, rng)
        new[row] = text
        changed[row] = text != value
    return new, changed
