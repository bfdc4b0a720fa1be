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
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

__all__ = [
    "NameNoise",
    "abbreviate",
    "add_title",
    "corrupt_dates",
    "corrupt_names",
    "drop_word",
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


def add_title(name: str, female: bool, rng: np.random.Generator) -> str:
    """Add a title before (``H.``, ``HJ.``, ``DRS.``...) or a degree after (``, S.PD``).

    >>> rng = np.random.default_rng(5)
    >>> add_title("SITI AMINAH", True, rng), add_title("BUDI SANTOSO", False, rng)
    ('SITI AMINAH, S.PD', 'KH. BUDI SANTOSO')
    """
    if rng.random() < 0.55:
        pool = _TITLES_BEFORE_F if female else _TITLES_BEFORE_M
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
    """Swap two adjacent words (``RIZKI MUHAMMAD``).

    >>> swap_words("MUHAMMAD RIZKI", np.random.default_rng(0))
    'RIZKI MUHAMMAD'
    """
    words = name.split(" ")
    if len(words) < 2:
        return name
    i = int(rng.integers(0, len(words) - 1))
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


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

    >>> rng = np.random.default_rng(4)
    >>> [typo("HARYANTO", rng) for _ in range(3)]
    ['HARYATNO', 'HARYANTOO', 'HARYANOT']
    """
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[int(rng.integers(1, len(letters)))]
    kind = int(rng.integers(0, 4))
    if kind == 0:
        near = _KEYBOARD.get(text[i], "AEIOU")
        return text[:i] + near[int(rng.integers(0, len(near)))] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    j = i - 1
    if not text[j].isalpha():
        return text[:i] + text[i + 1 :]
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
    "word_order",
    "initials",
    "spelling",
    "typo",
    "title",
)


def _name_step(kind: str, name: str, female: bool, rng: np.random.Generator) -> str:
    if kind == "islamic_form":
        return islamic_form(name, rng)
    if kind == "old_spelling":
        return old_spelling(name, vowels=bool(rng.random() < 0.8))
    if kind == "join_split":
        return join_or_split(name, rng)
    if kind == "drop_word":
        return drop_word(name, rng)
    if kind == "word_order":
        return swap_words(name, rng)
    if kind == "initials":
        return abbreviate(name, rng)
    if kind == "spelling":
        return spelling_variant(name, rng)
    if kind == "typo":
        return typo(name, rng)
    return add_title(name, female, rng)


def corrupt_names(
    rng: np.random.Generator,
    names: npt.NDArray[np.object_],
    female: npt.NDArray[np.bool_],
    birth_year: npt.NDArray[np.int64],
    noise: NameNoise,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Apply :class:`NameNoise` to each name; return new names and the kinds applied.

    Old spelling is three times as likely for people born before 1960 and never for people
    born after 1985; titles only for people born at least 22 years before 2026.  Missing
    names (``None``) stay missing.

    >>> rng = np.random.default_rng(3)
    >>> new, kinds = corrupt_names(rng, np.array(["MUHAMMAD RIZKI", "SITI AMINAH"], dtype=object),
    ...                            np.array([False, True]), np.array([1990, 1950]),
    ...                            NameNoise(typo=1.0, islamic_form=1.0))
    >>> new.tolist(), kinds.tolist()
    (['MJHAMMED RIZKI', 'SITTUE AMINAH'], ['islamic_form;typo', 'islamic_form;typo'])
    """
    n = names.size
    old_factor = np.where(birth_year < 1960, 3.0, np.where(birth_year < 1985, 1.0, 0.0))
    title_ok = birth_year <= 2003
    draws = {f.name: rng.random(n) < getattr(noise, f.name) for f in fields(noise)}
    draws["old_spelling"] = rng.random(n) < noise.old_spelling * old_factor
    draws["title"] &= title_ok
    any_kind = np.zeros(n, dtype=bool)
    for mask in draws.values():
        any_kind |= mask
    present = np.array([isinstance(v, str) and v != "" for v in names], dtype=bool)
    rows = np.flatnonzero(any_kind & present)
    new = names.copy()
    kinds = np.full(n, "", dtype=object)
    for row in rows:
        name = str(names[row])
        applied: list[str] = []
        for kind in _NAME_STEPS:
            if draws[kind][row]:
                changed = _name_step(kind, name, bool(female[row]), rng)
                if changed != name:
                    name = changed
                    applied.append(kind)
        new[row] = name
        kinds[row] = ";".join(applied) if name != names[row] else ""  # steps may cancel out
    return new, kinds


def mistype_date(
    day: dt.date,
    rng: np.random.Generator,
    kind: str | None = None,
    *,
    earliest: dt.date = dt.date(1900, 1, 1),
    latest: dt.date = dt.date(2199, 12, 31),
) -> dt.date:
    """A plausible mistyping of a date: day/month swap, a one-digit slip, or a default date.

    ``kind`` is ``"swap"``, ``"digit"``, ``"default"`` or ``None`` (digit slips, and swaps when
    the day is 12 or less).  The result is always a real date between ``earliest`` and
    ``latest`` and different from ``day`` (falling back to the next or previous day).

    >>> rng = np.random.default_rng(0)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "swap")
    datetime.date(1985, 12, 3)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "digit")
    datetime.date(1986, 3, 12)
    >>> mistype_date(dt.date(1985, 3, 12), rng, "default")
    datetime.date(1985, 12, 31)
    """
    if kind is None:
        kind = "swap" if day.day <= 12 and day.day != day.month and rng.random() < 0.4 else "digit"
    if kind == "swap":
        if day.day <= 12 and day.day != day.month:
            return dt.date(day.year, day.day, day.month)
        kind = "digit"
    if kind == "default":
        options = [d for d in (dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)) if d != day]
        return options[int(rng.integers(0, len(options)))]
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


def corrupt_dates(
    rng: np.random.Generator,
    days: npt.NDArray[np.datetime64],
    *,
    swap: float,
    digit: float,
    default: float,
    latest: dt.date,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_]]:
    """Mistype a share of dates (``datetime64[D]``); return new dates and kinds applied.

    Results stay between ``latest`` minus 95 years and ``latest`` (a slip in the decade digit
    would otherwise make people of 110).

    >>> rng = np.random.default_rng(0)
    >>> days = np.array(["1985-03-12", "1990-05-20"], dtype="datetime64[D]")
    >>> new, kinds = corrupt_dates(rng, days, swap=1.0, digit=0.0, default=0.0,
    ...                            latest=dt.date(2026, 1, 1))
    >>> [str(d) for d in new], kinds.tolist()
    (['1985-12-03', '1990-05-28'], ['date_swap', 'date_digit'])
    """
    n = days.size
    earliest = latest.replace(year=latest.year - 95, day=min(latest.day, 28))
    u = rng.random(n)
    kind = np.full(n, "", dtype=object)
    kind[u < swap + digit + default] = "default"
    kind[u < swap + digit] = "digit"
    kind[u < swap] = "swap"
    new = days.copy()
    out_kind = np.full(n, "", dtype=object)
    for row in np.flatnonzero(kind != ""):
        old = days[row].astype(dt.date)
        if kind[row] == "swap" and not (old.day <= 12 and old.day != old.month):
            kind[row] = "digit"
        changed = mistype_date(old, rng, str(kind[row]), earliest=earliest, latest=latest)
        if changed != old and earliest <= changed <= latest:
            new[row] = np.datetime64(changed, "D")
            out_kind[row] = f"date_{kind[row]}"
    return new, out_kind


def place_variants(
    rng: np.random.Generator, places: npt.NDArray[np.object_], rate: float
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Write a share of places of birth differently (``B. LAMPUNG``, ``BANDARLAMPUNG``, typos).

    >>> rng = np.random.default_rng(1)
    >>> new, changed = place_variants(rng, np.array(["BANDAR LAMPUNG"] * 3, dtype=object), 1.0)
    >>> new.tolist()
    ['BANDAR LAMPUNF', 'BANDAR AMPUNG', 'BANDR LAMPUNG']
    """
    rows = np.flatnonzero(rng.random(places.size) < rate)
    new = places.copy()
    changed = np.zeros(places.size, dtype=bool)
    for row in rows:
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
