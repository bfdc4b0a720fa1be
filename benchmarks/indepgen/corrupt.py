"""What goes wrong when a record is typed again: one function per kind of difference.

Every function takes the value (and a ``random.Random``) and returns the new value, or ``None``
when the kind does not apply (a single-word name cannot lose a word), so the caller can pick
another kind.  Only the few percent of rows that get corrupted pass through here.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from . import pools as P

_ROWS = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]
_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}


def _key_neighbours(c: str) -> str:
    """Keys around ``c`` on a QWERTY keyboard (rows are offset by half a key)."""
    r, i = _POS[c]
    spots = [(r, i - 1), (r, i + 1), (r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i)]
    return "".join(_ROWS[a][b] for a, b in spots if 0 <= a < 3 and 0 <= b < len(_ROWS[a]))


KEY_NEIGHBOURS = {c: _key_neighbours(c) for c in _POS}

MUH_VARIANTS = ["MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOCHAMAD", "MOCHAMMAD", "MOCH.",
                "MOH.", "MUH.", "M.", "MHD.", "MUCHAMMAD", "MOHD."]
ABBREV_GROUPS = [
    MUH_VARIANTS,
    ["AHMAD", "ACHMAD", "AKHMAD", "AHMAT", "A."],
    ["ABDUL", "ABD.", "ABDOEL"],
    ["SITI", "SITTI", "ST."],
    ["NUR", "NOOR", "NUUR"],
    ["BR.", "BR", "BORU"],
    ["KEMAS", "KMS."], ["KIAGUS", "KGS."], ["MASAGUS", "MGS."], ["RADEN", "R."], ["NYIMAS", "NY."],
    ["SYARIFAH", "SY.", "SYARIFA"], ["SYARIF", "SY."],
    ["GUSTI", "GST."], ["NYOMAN", "NYM."], ["WAYAN", "WYN."], ["KETUT", "KT."], ["MADE", "MD."],
]
_ABBREV_OF = {w: g for g in ABBREV_GROUPS for w in g}

SPELLING: list[tuple[str, str]] = [
    ("OE", "U"), (r"(?<=[BCDGHJKLMNPRSTWY])U(?=[BCDGJKLMNPRSTWY])", "OE"), ("DJ", "J"),
    (r"(?<![DN])J(?=[AIUEO])", "DJ"), ("TJ", "C"), (r"C(?=[AIUEO])", "TJ"), ("CH", "KH"), ("KH", "CH"),
    ("KH", "K"), (r"(?<=[AIUEO])CH", "H"), ("SJ", "SY"), ("SY", "SJ"), ("NJ", "NY"), ("NY", "NJ"),
    (r"Y\b", "I"), (r"(?<=[^AIUEO])I\b", "Y"), (r"^Y(?=[AU])", "J"), ("IA", "YA"), ("YA", "IA"),
    ("F", "P"), (r"P(?=[AIUEO])", "F"), ("V", "F"), ("Q", "K"), ("ZK", "ZQ"), (r"^Z", "J"),
    ("AI", "E"), ("AI", "OI"), ("OI", "AI"), ("TH", "T"), ("DH", "D"), ("X", "KS"), ("IE", "I"),
    (r"AH\b", "A"), (r"(?<=[RLNY])A\b", "AH"), ("ROHM", "RAHM"), ("RAHM", "ROHM"), ("SHO", "SO"),
    (r"([BCDFGKLMNPRSTZ])\1", r"\1"), (r"(?<=[AIUEO])([LMNRS])(?=[AIUEO])", r"\1\1"), ("EE", "E"),
    (r"(?<=[AIUEO])H\b", ""),
]
_SPELLING = [(re.compile(p), r) for p, r in SPELLING]


def _words(name: str) -> list[str]:
    return name.split()


def _is_title(word: str) -> bool:
    return word.rstrip(",") in P.TITLE_WORDS or word.startswith(("S.", "A.MD", "M.PD", "M.SI"))


def _core(words: list[str]) -> list[int]:
    """Positions of the words that are not titles (the name proper)."""
    return [i for i, w in enumerate(words) if not _is_title(w) and w != ","]


def split_suffix(name: str) -> tuple[str, str]:
    """``"SRI LESTARI, S.PD."`` -> ``("SRI LESTARI", ", S.PD.")``."""
    if "," in name:
        head, _, tail = name.partition(",")
        return head.strip(), "," + tail
    return name, ""


def typo_word(word: str, py: random.Random) -> str | None:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if not letters:
        return None
    op = py.choices(["sub", "del", "dbl", "swap", "ins"], [0.35, 0.25, 0.15, 0.15, 0.10])[0]
    if len(letters) <= 2 and op in ("del", "swap"):
        op = "sub"
    i = py.choice(letters)
    c = word[i]
    if op == "sub":
        new = word[:i] + py.choice(KEY_NEIGHBOURS.get(c, "A")) + word[i + 1:]
    elif op == "del":
        new = word[:i] + word[i + 1:]
    elif op == "dbl":
        new = word[:i] + c + word[i:]
    elif op == "swap":
        j = i + 1 if i + 1 < len(word) and word[i + 1].isalpha() else i - 1
        if j < 0 or word[j] == c:
            return None
        a, b = min(i, j), max(i, j)
        new = word[:a] + word[b] + word[a] + word[b + 1:]
    else:
        new = word[:i] + py.choice(KEY_NEIGHBOURS.get(c, "A")) + word[i:]
    return new if new != word and new else None


def name_typo(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    core = _core(words)
    if not core:
        return None
    weights = [len(words[i]) ** 0.5 for i in core]
    for _ in range(4):
        i = py.choices(core, weights)[0]
        new = typo_word(words[i], py)
        if new:
            words[i] = new
            return " ".join(words) + tail
    return None


def spelling(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    options = []
    for i in _core(words):
        for pattern, repl in _SPELLING:
            for m in pattern.finditer(words[i]):
                options.append((i, pattern, repl, m.start()))
    py.shuffle(options)
    for i, pattern, repl, start in options:
        word = words[i]
        new = word[:start] + pattern.sub(repl, word[start:], count=1)
        if new != word and len(new) >= 2:
            words[i] = new
            return " ".join(words) + tail
    return None


def abbrev(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    spots = [i for i, w in enumerate(words) if w in _ABBREV_OF]
    if not spots:
        return None
    i = py.choice(spots)
    group = _ABBREV_OF[words[i]]
    words[i] = py.choice([w for w in group if w != words[i]])
    return " ".join(words) + tail


def join_split(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    core = _core(words)
    options: list[Callable[[], list[str]]] = []
    for k, i in enumerate(core):
        w = words[i]
        if w.startswith("NUR") and len(w) > 5 and w not in ("NURUL", "NURDIN"):
            options.append(lambda i=i, w=w: [*words[:i], "NUR", w[3:], *words[i + 1:]])
        if re.match(r"ABDU([RSZNTD])\1", w):
            options.append(lambda i=i, w=w: [*words[:i], "ABDUL", w[5:], *words[i + 1:]])
        if w.endswith("SYAH") and len(w) > 7:
            options.append(lambda i=i, w=w: [*words[:i], w[:-4], "SYAH", *words[i + 1:]])
        if k + 1 < len(core) and core[k + 1] == i + 1:
            nxt = words[i + 1]
            if w in ("NUR", "NOOR", "AL", "EL", "SRI", "DWI", "TRI", "EKA", "ABDUL") or py.random() < 0.3:
                if w == "ABDUL" and nxt[:1] in "RSZNTD":
                    options.append(lambda i=i, nxt=nxt: [*words[:i], "ABDU" + nxt[0] + nxt, *words[i + 2:]])
                else:
                    options.append(lambda i=i, w=w, nxt=nxt: [*words[:i], w.rstrip(".") + nxt, *words[i + 2:]])
    if not options:
        return None
    new = " ".join(py.choice(options)()) + tail
    return new if new != name else None


def title(name: str, py: random.Random, *, sex: int, age: float, muslim: bool) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    titles = [i for i, w in enumerate(words) if _is_title(w)]
    if (titles or tail) and py.random() < 0.6:
        if tail and (not titles or py.random() < 0.5):
            variants = [tail.replace(".", ""), tail.rstrip("."), tail.replace(", ", " "), ""]
            new_tail = py.choice([v for v in variants if v != tail])
            return (" ".join(words) + new_tail).strip()
        i = py.choice(titles)
        variants = {"H.": ["H", "HAJI", ""], "HJ.": ["HJ", "HAJAH", ""], "DRS.": ["DRS", ""],
                    "DRA.": ["DRA", ""]}.get(words[i], [""])
        words[i] = py.choice(variants)
        return " ".join(w for w in words if w) + tail
    if age < 21:
        return None
    if muslim and age >= 30 and py.random() < 0.5 and not titles:
        return ("HJ. " if sex == 1 else "H. ") + name
    degree = py.choice(P.SUFFIX_DEGREES[:10])
    if tail:
        return None
    return head + py.choice([", ", " "]) + py.choice([degree, degree.rstrip("."), degree.replace(".", "")])


def word_dropped(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    core = _core(words)
    if len(core) < 2:
        return None
    r = py.random()
    i = core[-1] if r < 0.45 else core[0] if r < 0.75 or len(core) < 3 else py.choice(core[1:-1])
    if words[i] in ("BR.", "BR", "BORU") and len(core) < 3:
        return None
    del words[i]
    return " ".join(words) + tail


def word_added(name: str, py: random.Random, *, sex: int, father: str, muslim: bool) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    r = py.random() if muslim else 1.0
    father_first = father.split()[0] if father and father not in ("-",) else ""
    if r < 0.25 and father_first and not _is_title(father_first):
        words += ["BINTI" if sex == 1 else "BIN", father_first]
    elif r < 0.45:
        first = py.choice(["SITI", "NUR", "DEWI"] if sex == 1 else ["MUHAMMAD", "M.", "AHMAD"])
        if words and words[0] == first:
            return None
        words = [first, *words]
    else:
        pool = (P.JAV_SUR_F + P.MOD_SUR_F) if sex == 1 else (P.JAV_SUR_M + P.MOD_SUR_M)
        words.append(py.choice(pool[:30]))
    return " ".join(words) + tail


def word_order(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    core = _core(words)
    if len(core) < 2:
        return None
    core_words = [words[i] for i in core]
    if py.random() < 0.5:
        new = [core_words[-1], *core_words[:-1]]
    else:
        k = py.randrange(len(core_words) - 1)
        new = list(core_words)
        new[k], new[k + 1] = new[k + 1], new[k]
    if new == core_words:
        return None
    for i, w in zip(core, new, strict=True):
        words[i] = w
    return " ".join(words) + tail


def initials(name: str, py: random.Random) -> str | None:
    head, tail = split_suffix(name)
    words = _words(head)
    core = [i for i in _core(words) if len(words[i]) > 2 and words[i].isalpha()]
    if len(_core(words)) < 2 or not core:
        return None
    r = py.random()
    i = core[-1] if r < 0.5 else core[0] if r < 0.75 or len(core) < 3 else py.choice(core[1:-1])
    words[i] = words[i][0] + ("." if py.random() < 0.8 else "")
    if len(core) >= 3 and py.random() < 0.3:
        j = py.choice([c for c in core if c != i])
        words[j] = words[j][0] + "."
    return " ".join(words) + tail


NAME_KINDS: dict[str, Callable[..., str | None]] = {
    "name_typo": name_typo, "name_spelling": spelling, "name_abbrev": abbrev,
    "name_join_split": join_split, "name_word_dropped": word_dropped,
    "name_word_order": word_order, "name_initials": initials,
}


# --- dates ----------------------------------------------------------------------------------------


def _valid(y: int, m: int, d: int) -> bool:
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2024):
        return False
    days = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][m - 1]
    return d <= days


def date_year(ymd: tuple[int, int, int], py: random.Random) -> tuple[int, int, int] | None:
    y, m, d = ymd
    delta = py.choices([1, -1, 10, -10, 2, -2], [0.45, 0.40, 0.05, 0.05, 0.03, 0.02])[0]
    if not _valid(y + delta, m, d):
        d = 28 if m == 2 else d
    return (y + delta, m, d) if _valid(y + delta, m, d) else None


_DIGIT_NEAR = {"0": "9 8", "1": "2 4 7", "2": "1 3 5", "3": "2 6 8", "4": "1 5 7", "5": "4 6 2 8",
               "6": "5 3 9", "7": "4 8 1", "8": "7 9 5 0 3", "9": "8 6 0"}


def date_digit(ymd: tuple[int, int, int], py: random.Random) -> tuple[int, int, int] | None:
    y, m, d = ymd
    text = f"{d:02d}{m:02d}{y:04d}"
    for _ in range(8):
        pos = py.choice([0, 1, 2, 3, 6, 7, 7])
        new = text[:pos] + py.choice(_DIGIT_NEAR[text[pos]].split()) + text[pos + 1:]
        nd, nm, ny = int(new[:2]), int(new[2:4]), int(new[4:])
        if _valid(ny, nm, nd) and (ny, nm, nd) != (y, m, d):
            return ny, nm, nd
    return None


def date_swap(ymd: tuple[int, int, int], py: random.Random) -> tuple[int, int, int] | None:
    y, m, d = ymd
    return (y, d, m) if d <= 12 and d != m else None


def date_default(ymd: tuple[int, int, int], py: random.Random) -> tuple[int, int, int] | None:
    y, m, _d = ymd
    options = [(y, 12, 31), (y, 7, 1), (y, 1, 1), (y, m, 15)]
    new = py.choices(options, [0.35, 0.3, 0.2, 0.15])[0]
    return new if new != ymd else None


DATE_KINDS = {"date_year": date_year, "date_digit": date_digit, "date_swap": date_swap,
              "date_default": date_default}


# --- parents' names, place, sex ---------------------------------------------------------------------


def is_missing(value: str) -> bool:
    return value.strip() in ("", "-")


def parent_typo(value: str, py: random.Random) -> str | None:
    if is_missing(value):
        return None
    return (spelling(value, py) if py.random() < 0.4 else None) or name_typo(value, py)


def parent_short(value: str, py: random.Random) -> str | None:
    if is_missing(value):
        return None
    head, tail = split_suffix(value)
    words = _words(head)
    if tail:
        return head
    if words and _is_title(words[0]):
        return " ".join(words[1:])
    if len(words) < 2:
        return None
    return (initials(value, py) if py.random() < 0.3 else None) or word_dropped(value, py)


def parent_missing(value: str, py: random.Random) -> str | None:
    return None if is_missing(value) else py.choice(["", "", "-"])


def place_variant(value: str, py: random.Random, *, alternative: str) -> str | None:
    for full, short in P.PLACE_ABBREV.items():
        if value == full:
            return short
        if value == short and py.random() < 0.5:
            return full
    if alternative and alternative != value and py.random() < 0.7:
        return alternative
    if " " in value and py.random() < 0.5:
        return value.replace(" ", "", 1)
    return name_typo(value, py)
