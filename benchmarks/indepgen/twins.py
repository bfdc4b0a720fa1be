"""Names for twins: two names, each a name in its own right.

Four ways, as families name twins: a pair that belongs together (HASAN / HUSEIN, PUTRA /
PUTRI, ADAM / HAWA), one letter apart (RINA / RINI: a word of the first twin's name and a word
of the name pools one edit away), a shared first word with different second words
(MUHAMMAD HASAN / MUHAMMAD FIKRI), and a small share that sound the same (NAYLA / NAILA).
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict

import numpy as np
import pandas as pd

from . import names as N
from . import pools as P

PROTECTED = {
    "I", "NI", "LUH", "WAYAN", "PUTU", "GEDE", "MADE", "KADEK", "NENGAH", "NYOMAN", "KOMANG",
    "KETUT", "IDA", "BAGUS", "AYU", "GUSTI", "NGURAH", "ANAK", "AGUNG", "ISTRI", "DEWA", "DESAK",
    "BR.", "BR", "BORU", "RADEN", "RATU", "MINAK", "KIMAS", "BATIN", "KEMAS", "KIAGUS", "MASAGUS",
    "NYIMAS", "NYAYU", "MASAYU", "SYARIF", "SYARIFAH", "SAYYID", "ANDI", "SITI", "SITTI", "ST.",
    "NUR", "NOOR", "NURUL", "ABDUL", "ABD.", "AL", "EL", "BIN", "BINTI", *P.MUH_FORMS, *P.AHMAD_FORMS,
}
GENDERED = {"I", "NI", "SITI", "SITTI", "ST.", "ABDUL", "ABD.", "SYARIF", "SYARIFAH", "SAYYID",
            "RATU", "BR.", "BR", "BORU", *P.MUH_FORMS, *P.AHMAD_FORMS}
MALE_POOLS = ["ISL_M", "ABDUL_SFX", "JAV_OLD_M", "JAV_CON_M", "JAV_FIRST_M", "JAV_SUR_M", "MOD_M",
              "MOD_SUR_M", "SUN_FIRST_M", "SUN_SUR_M", "LAM_M", "LAM_SUR_M", "MEL_M", "MEL_SUR_M",
              "MIN_M", "MIN_SUR_M", "BATAK_XT_M", "XT_MOD_M", "TNG_M", "BALI_M"]
FEMALE_POOLS = ["ISL_F", "NUR_SFX", "ISL_F_FIRST", "JAV_OLD_F", "JAV_CON_F", "JAV_FIRST_F",
                "JAV_SUR_F", "MOD_F", "MOD_SUR_F", "SUN_FIRST_F", "SUN_SUR_F", "LAM_F", "LAM_SUR_F",
                "MEL_F", "MEL_SUR_F", "MIN_F", "MIN_SUR_F", "BATAK_XT_F", "XT_MOD_F", "TNG_F", "BALI_F"]


class Lexicon:
    """Words of the name pools of one sex, indexed for one-edit neighbours."""

    def __init__(self, keys: list[str], extra: list[str]) -> None:
        words = {w for key in keys for entry in N.POOLS[key][0] for w in str(entry).split()}
        words |= set(extra)
        self.words = sorted(w for w in words if w.isalpha() and len(w) >= 3)
        self.subst: dict[str, list[str]] = defaultdict(list)
        self.deleted: dict[str, list[str]] = defaultdict(list)
        for w in self.words:
            for i in range(len(w)):
                self.subst[w[:i] + "*" + w[i + 1:]].append(w)
                self.deleted[w[:i] + w[i + 1:]].append(w)
        self.set = set(self.words)

    def neighbours(self, word: str) -> list[str]:
        out: set[str] = set()
        for i in range(len(word)):
            out.update(self.subst.get(word[:i] + "*" + word[i + 1:], ()))
            shorter = word[:i] + word[i + 1:]
            if shorter in self.set:
                out.add(shorter)
        out.update(self.deleted.get(word, ()))
        out.discard(word)
        return sorted(out)


_LEXICONS: dict[int, Lexicon] = {}


def lexicon(sex: int) -> Lexicon:
    if sex not in _LEXICONS:
        extra_m = [a for a, s, b, t in P.TWIN_PAIRS if s == 0] + [b for a, s, b, t in P.TWIN_PAIRS if t == 0]
        extra_f = [a for a, s, b, t in P.TWIN_PAIRS if s == 1] + [b for a, s, b, t in P.TWIN_PAIRS if t == 1]
        _LEXICONS[sex] = Lexicon(MALE_POOLS if sex == 0 else FEMALE_POOLS, extra_m if sex == 0 else extra_f)
    return _LEXICONS[sex]


def _replaceable(words: list[str], family_word: str) -> list[int]:
    return [i for i, w in enumerate(words)
            if w not in PROTECTED and w != family_word and w.isalpha() and w not in P.TITLE_WORDS]


_SOUND = [("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("CH", "K"), ("KH", "K"), ("SJ", "SY"), ("NJ", "NY"),
          ("Q", "K"), ("Y", "I"), ("PH", "F"), ("V", "F"), ("F", "P"), ("Z", "S"), ("TH", "T"), ("DH", "D"), ("W", "U")]


def sound_key(word: str) -> str:
    """A rough key under which spelling variants of one name agree (RIZKI/RIZKY/RIZQI)."""
    text = word.upper()
    for old, new in _SOUND:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)
    return re.sub(r"H$", "", text)


def _one_letter(word: str, sex: int, py: random.Random) -> str | None:
    """A name one edit away from ``word`` that is not merely another spelling of it."""
    near = [w for w in lexicon(sex).neighbours(word) if sound_key(w) != sound_key(word)]
    return py.choice(near) if near else None


def name_twins(people: pd.DataFrame, name: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Rename the second (and third) twin of each twin group; returns names and the way chosen."""
    out = name.copy()
    how = np.full(len(name), "", dtype=object)
    groups = people["twin_group"].to_numpy()
    rows = np.flatnonzero(groups >= 0)
    if rows.size == 0:
        return out, how
    sex = people["sex"].to_numpy()
    family = people["family_word"].to_numpy(dtype=object)
    py = random.Random(int(rng.integers(0, 2**31)))
    order = np.argsort(groups[rows], kind="stable")
    sorted_rows = rows[order]
    bounds = np.flatnonzero(np.r_[True, np.diff(groups[sorted_rows]) != 0, True])
    for a, b in itertools.pairwise(bounds):
        members = [int(x) for x in sorted_rows[a:b]]
        first = members[0]
        taken = {str(out[first])}
        for k, r in enumerate(members[1:]):
            words = str(out[first]).split(" ")
            repl = _replaceable(words, family[first])
            own = str(out[r]).split(" ")
            own_repl = _replaceable(own, family[r])
            new, way = None, ""
            u = py.random()
            if sex[r] == sex[first]:
                if k == 0 and repl and u < 0.07:
                    x, y, _ = py.choice([p for p in P.TWIN_SOUNDALIKE if p[2] == sex[r]])
                    out[first] = _set_word(words, repl[0], x)
                    new, way = _set_word(words, repl[0], y), "soundalike"
                elif k == 0 and repl and u < 0.35:
                    options = [(x, y) for x, s, y, t in P.TWIN_PAIRS if s == t == sex[r]]
                    x, y = py.choice(options)
                    out[first] = _set_word(words, repl[0], x)
                    new, way = _set_word(words, repl[0], y), "pair"
                elif repl and u < 0.75:
                    for i in py.sample(repl, len(repl)):
                        near = _one_letter(words[i], int(sex[r]), py)
                        if near:
                            new, way = _set_word(words, i, near), "one_letter"
                            break
                if new is None and len(repl) >= 2 and own_repl and own[own_repl[-1]] != words[repl[-1]]:
                    new, way = _set_word(words, repl[-1], own[own_repl[-1]]), "shared_first"
            elif repl and own_repl:
                # a boy and a girl: each keeps a name of their sex, the first words belong together
                options = [(x, y) for x, s, y, t in P.TWIN_PAIRS if (s, t) == (sex[first], sex[r])]
                options += [(y, x) for x, s, y, t in P.TWIN_PAIRS if (t, s) == (sex[first], sex[r])]
                if k == 0 and u < 0.45 and options:
                    x, y = py.choice(options)
                    out[first] = _set_word(words, repl[0], x)
                    new, way = _set_word(own, own_repl[0], y), "pair"
                elif u < 0.85:
                    for i in py.sample(repl, len(repl)):
                        near = _one_letter(words[i], int(sex[r]), py)
                        if near:
                            new, way = _set_word(own, own_repl[0], near), "one_letter"
                            break
            if new is None or new in taken:
                new, way = str(out[r]), "other"
            if new in taken:
                new = new + " " + str(N.draw("MOD_SUR_F" if sex[r] else "MOD_SUR_M", 1, rng)[0])
            out[r] = new
            how[r] = way
            taken = {str(out[first])} | {str(out[m]) for m in members[1: k + 2]}
    return out, how


def _set_word(words: list[str], i: int, word: str) -> str:
    copy = list(words)
    copy[i] = word
    return " ".join(copy)
