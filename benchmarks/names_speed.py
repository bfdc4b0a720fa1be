"""Speed of nikmatch.names on generated names with realistic repetition.

Run: ``.venv/bin/python benchmarks/names_speed.py [--rows 1000000] [--pairs 1000000]``

Prints, measured in the same run:

* ``normalize_names`` and ``name_keys`` on ``--rows`` names (vectorised over distinct values)
  against calling the scalar function once per row (all rows, or --sample rows scaled up);
* ``name_agreement`` on ``--pairs`` distinct aligned pairs, and its Jaro-Winkler kernel
  (rapidfuzz ``cpdist``) against jellyfish called per pair.

All names are generated from common name words; none belongs to a real person.
"""

from __future__ import annotations

import argparse
import time

import jellyfish
import numpy as np
import pandas as pd

from nikmatch.names import (
    default_rules,
    jaro_winkler_pairs,
    name_agreement,
    name_key,
    name_keys,
    normalize_name,
    normalize_names,
)
from nikmatch.names.normalize import _analyse

GIVEN = [
    "agus",
    "budi",
    "dedi",
    "eko",
    "fajar",
    "hendra",
    "indra",
    "joko",
    "kurniawan",
    "lukman",
    "nanang",
    "rizki",
    "rudi",
    "slamet",
    "teguh",
    "wahyu",
    "yusuf",
    "bambang",
    "dwi",
    "sri",
    "tri",
    "ani",
    "dewi",
    "fitri",
    "indah",
    "lestari",
    "maya",
    "nia",
    "putri",
    "rina",
    "sari",
    "wulan",
    "yuni",
    "aminah",
    "aisyah",
    "fatimah",
    "khadijah",
    "zainab",
    "hasan",
    "husein",
    "ali",
    "umar",
    "usman",
    "ilham",
    "arif",
    "fauzi",
    "hidayat",
    "rahmat",
    "hadi",
    "santoso",
    "purnomo",
    "setiawan",
    "saputra",
    "pratama",
    "wijaya",
    "susanto",
    "hartono",
    "gunawan",
    "kusuma",
    "nugroho",
    "prasetyo",
    "wibowo",
    "hidayah",
    "rahayu",
    "handayani",
    "kartika",
    "nurhayati",
    "suryani",
    "sulastri",
    "sumarni",
    "sutrisno",
    "suparman",
    "sugianto",
    "mulyadi",
    "haryanto",
    "firmansyah",
    "ramadhan",
    "hakim",
    "hamid",
    "karim",
    "latif",
    "malik",
    "nasir",
    "rasyid",
    "salim",
    "syarif",
    "yahya",
    "zulkifli",
    "faisal",
    "irfan",
    "rizal",
    "taufik",
    "syaiful",
    "khoirul",
    "choirul",
    "abdurrahman",
    "anwar",
    "ridwan",
    "ihsan",
    "ikhsan",
    "fadli",
    "fadly",
    "heru",
    "sudarma",
    "sukarno",
    "sujono",
    "suyono",
    "joko",
    "djoko",
    "soesilo",
    "susilo",
    "wahyudi",
    "adi",
    "ade",
    "ayu",
    "dian",
    "eka",
]
_HEADS = [
    "su",
    "sri",
    "har",
    "wi",
    "pra",
    "mul",
    "kus",
    "yu",
    "ra",
    "ti",
    "dar",
    "sar",
    "pur",
    "wa",
    "ju",
    "si",
    "ma",
    "ri",
    "an",
    "ha",
]
_MIDS = ["", "har", "yan", "man", "ti", "di", "wan", "ri", "so"]
_ENDS = ["to", "no", "ti", "ni", "di", "yati", "wati", "yanto", "man", "wan", "ah", "i", "a", "na"]
WORDS = GIVEN + [h + m + e for h in _HEADS for m in _MIDS for e in _ENDS if h + m + e not in GIVEN]
PREFIX = {
    "": 0.62,
    "muhammad ": 0.08,
    "moch. ": 0.01,
    "m. ": 0.01,
    "muh ": 0.005,
    "siti ": 0.06,
    "st. ": 0.01,
    "ahmad ": 0.03,
    "achmad ": 0.005,
    "nur ": 0.03,
    "i wayan ": 0.01,
    "ni made ": 0.01,
    "i ketut ": 0.005,
    "abdul ": 0.02,
    "raden ": 0.005,
    "dewi ": 0.04,
    "sri ": 0.05,
}
TITLES = {
    "": 0.94,
    "h. ": 0.02,
    "hj. ": 0.015,
    "h ": 0.01,
    "drs. ": 0.005,
    "dr. ": 0.005,
    "ir. ": 0.005,
}
SUFFIX = {
    "": 0.95,
    ", s.pd": 0.015,
    ", s.h.": 0.01,
    " se": 0.01,
    ", m.m.": 0.005,
    ", a.md.": 0.005,
    " spd": 0.005,
}


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> list[str]:
    keys = list(table)
    p = np.asarray(list(table.values()))
    return [keys[i] for i in rng.choice(len(keys), n, p=p / p.sum())]


def generate(n: int, seed: int = 7) -> pd.Series:
    """``n`` generated names with register-like repetition (Zipf-like word frequencies, mostly
    two or three words, a few titles, abbreviations and spelling variants, mostly upper case)."""
    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, len(WORDS) + 1) ** 1.15
    w /= w.sum()
    words = rng.choice(len(WORDS), (n, 3), p=w)
    n_words = rng.choice([1, 2, 3], n, p=[0.15, 0.65, 0.2])
    pre, tit, suf = _pick(rng, PREFIX, n), _pick(rng, TITLES, n), _pick(rng, SUFFIX, n)
    upper = rng.random(n) < 0.85
    out = []
    for i in range(n):
        name = " ".join(WORDS[j] for j in words[i, : n_words[i]])
        name = tit[i] + pre[i] + name + suf[i]
        out.append(name.upper() if upper[i] else name.title())
    return pd.Series(out, dtype=object)


def timed(label: str, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.3f} s")
    return seconds


def fresh_rules() -> None:
    """Empty the per-rules caches so every measurement starts cold."""
    default_rules().cache.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument(
        "--sample", type=int, default=None, help="rows timed per row (default: all)"
    )
    args = parser.parse_args()
    args.sample = args.sample or args.rows

    names = generate(args.rows)
    print(f"{args.rows:,} names, {names.nunique():,} distinct")
    rules = default_rules()
    fresh_rules()
    t_vec = timed("normalize_names (vectorised, cold caches)", lambda: normalize_names(names))
    sample = names.iloc[: args.sample]
    scale = len(names) / len(sample)
    fresh_rules()
    t_loop = scale * timed(
        f"normalize_name per row ({len(sample):,} rows, its own memo)",
        lambda: [normalize_name(v) for v in sample],
    )
    t_raw = scale * timed(
        f"uncached scalar normaliser per row ({len(sample):,} rows)",
        lambda: [" ".join(_analyse(v, rules)[0]) for v in sample],
    )
    print(
        f"  ratio per-row/vectorised: {t_loop / t_vec:.1f}x (memo), {t_raw / t_vec:.1f}x (uncached)"
    )
    fresh_rules()
    t_key = timed("name_keys (vectorised, cold caches)", lambda: name_keys(names))
    fresh_rules()
    t_kloop = scale * timed(
        f"name_key per row ({len(sample):,} rows)", lambda: [name_key(v) for v in sample]
    )
    print(f"  ratio per-row/vectorised: {t_kloop / t_key:.1f}x")

    # distinct aligned pairs like blocking output: names sharing their first word (neighbours in
    # first-word order), plus perturbed copies (a word dropped, an initial, words swapped)
    fresh_rules()
    norm = normalize_names(names)
    uniq = pd.unique(norm[norm != ""].to_numpy())
    rng = np.random.default_rng(11)
    first = np.asarray([u.split()[0] for u in uniq], dtype=object)
    order = np.lexsort((rng.random(len(uniq)), first))
    pos = rng.integers(0, len(uniq), args.pairs * 2)
    near = np.clip(pos + rng.integers(1, 40, len(pos)), 0, len(uniq) - 1)
    a_list = list(uniq[order[pos]])
    b_list = list(uniq[order[near]])
    for i in rng.choice(len(a_list), len(a_list) // 5, replace=False):
        words = a_list[i].split()
        if len(words) < 2:
            continue
        how = rng.integers(0, 3)
        if how == 0:
            words = words[:-1]
        elif how == 1:
            words[-1] = words[-1][0]
        else:
            words = words[1:] + words[:1]
        b_list[i] = " ".join(words)
    pairs = pd.DataFrame({"a": a_list, "b": b_list}).drop_duplicates().head(args.pairs)
    a, b = pairs["a"].to_numpy(dtype=object), pairs["b"].to_numpy(dtype=object)
    print(f"{len(a):,} distinct pairs over {len(set(a_list) | set(b_list)):,} distinct names")
    fresh_rules()
    levels = np.zeros(0)

    def run() -> None:
        nonlocal levels
        levels = name_agreement(a, b)

    t_agree = timed("name_agreement (cold caches)", run)
    counts = pd.Series(levels).value_counts().sort_index(ascending=False)
    print("  levels:", ", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    t_jw = timed("jaro_winkler_pairs (rapidfuzz cpdist)", lambda: jaro_winkler_pairs(a, b))
    la, lb = a.tolist(), b.tolist()
    t_jf = timed(
        "jellyfish.jaro_winkler_similarity per pair",
        lambda: [jellyfish.jaro_winkler_similarity(x, y) for x, y in zip(la, lb, strict=True)],
    )
    print(f"  rapidfuzz cpdist is {t_jf / t_jw:.1f}x faster than jellyfish per pair")
    print(
        f"targets: normalize_names {t_vec:.2f}/3 s, name_keys {t_key:.2f}/3 s, "
        f"name_agreement {t_agree:.2f}/5 s"
    )


if __name__ == "__main__":
    main()
