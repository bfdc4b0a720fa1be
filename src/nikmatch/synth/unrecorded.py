"""A "belum rekam" list: residents who never recorded their KTP-el, to link to the register.

Disdukcapil offices keep lists of residents of KTP age (17+) whose biometric recording (*perekaman
KTP-el*) is still missing.  Some of them are not missing at all: they recorded under **another**
NIK, because they hold two.  :func:`generate_unrecorded_list` draws such a list from a register
made by :func:`~nikmatch.synth.population.generate_population`: every row is a resident of the
register carrying the NIK of one of their records, and a share of them (``share_with_other_nik``)
have at least one more record, with another NIK, in the register.  The list was typed again by
field officers, so a share of its names and mothers' names differ slightly from the register.

>>> from nikmatch.synth.population import small_population
>>> register, truth = small_population(seed=0)
>>> listed, list_truth = generate_unrecorded_list(register, truth, n=100, seed=0)
>>> listed.index.name, len(listed), int(list_truth["has_other_nik"].sum())
('list_id', 100, 25)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.synth.corrupt import NameNoise, corrupt_names
from nikmatch.synth.population import CANONICAL_COLUMNS, EXTRA_COLUMNS

__all__ = ["generate_unrecorded_list", "true_links"]

_LIST_NOISE = NameNoise(
    islamic_form=0.3,
    old_spelling=0.1,
    title=0.2,
    initials=0.15,
    join_split=0.15,
    spelling=0.25,
    typo=0.25,
    drop_word=0.05,
    word_order=0.02,
)


def _birth_dates(values: pd.Series) -> npt.NDArray[np.datetime64]:
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, format="%d-%m-%Y", errors="coerce")
    result: npt.NDArray[np.datetime64] = values.to_numpy().astype("datetime64[D]")
    return result


def generate_unrecorded_list(
    register: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    n: int = 16_000,
    seed: int,
    share_with_other_nik: float = 0.25,
    noise: float = 0.2,
    min_age: int = 17,
    reference_date: dt.date = dt.date(2026, 1, 1),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a "belum rekam" list of ``n`` residents of ``register``, and its truth.

    ``register``/``truth`` come from :func:`~nikmatch.synth.population.generate_population`.
    Rows are distinct residents aged ``min_age`` or more at ``reference_date``.  About
    ``share_with_other_nik * n`` of them hold another NIK in the register (fewer when the
    register has fewer such adults); the others have one record only.  A share ``noise`` of
    rows have their name (and mother's name) retyped with small variations.

    Returns ``(listed, list_truth)`` indexed by ``list_id`` (0..n-1, shuffled).  ``listed`` has
    the register's columns and formats.  ``list_truth`` has ``person_id`` (as in ``truth``),
    ``own_record_id`` (the register record whose NIK the row carries), ``has_other_nik``,
    ``n_register_records`` and ``corruptions``.  Use :func:`true_links` for the labelled pairs.

    Raises :class:`ValueError` when the register has fewer than ``n`` eligible residents.

    >>> from nikmatch.synth.population import small_population
    >>> register, truth = small_population(seed=0)
    >>> listed, list_truth = generate_unrecorded_list(register, truth, n=50, seed=1)
    >>> bool(listed["nik"].isin(register["nik"]).all())
    True
    >>> generate_unrecorded_list(register, truth, n=5_000, seed=1)
    Traceback (most recent call last):
    ...
    ValueError: the register has ... eligible residents, fewer than n=5000
    """
    if not 0.0 <= share_with_other_nik <= 1.0 or not 0.0 <= noise <= 1.0:
        raise ValueError("share_with_other_nik and noise must be in [0, 1]")
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if not register.index.equals(truth.index):
        raise ValueError("register and truth must have the same index (record_id)")
    rng = np.random.default_rng([int(seed), 0xBE1A])
    person = truth["person_id"].to_numpy(dtype=np.int64)
    records = np.asarray(register.index, dtype=np.int64)
    birth = _birth_dates(register["tanggal_lahir"])
    cutoff = np.datetime64(
        reference_date.replace(year=reference_date.year - min_age, day=min(reference_date.day, 28)),
        "D",
    )
    adult = ~np.isnat(birth) & (birth <= cutoff)
    counts = pd.Series(person).value_counts()
    per_record_count = counts.reindex(person).to_numpy(dtype=np.int64)

    # one record per eligible person, chosen at random (sort by person, random tie-break)
    rows = np.flatnonzero(adult)
    rows = rows[np.lexsort((rng.random(rows.size), person[rows]))]
    keep = np.ones(rows.size, dtype=bool)
    keep[1:] = person[rows][1:] != person[rows][:-1]
    rows = rows[keep]
    multi = rows[per_record_count[rows] >= 2]
    single = rows[per_record_count[rows] == 1]
    if rows.size < n:
        raise ValueError(f"the register has {rows.size} eligible residents, fewer than n={n}")
    n_other = min(round(share_with_other_nik * n), multi.size)
    n_single = n - n_other
    if n_single > single.size:  # not enough one-record residents: take more with another NIK
        n_other = n - single.size
        n_single = single.size
    chosen = np.concatenate(
        [
            rng.choice(multi, size=n_other, replace=False),
            rng.choice(single, size=n_single, replace=False),
        ]
    )
    chosen = chosen[rng.permutation(chosen.size)]

    columns = [c for c in (*CANONICAL_COLUMNS, *EXTRA_COLUMNS) if c in register.columns]
    listed = register.iloc[chosen][columns].copy()
    index = pd.Index(np.arange(chosen.size, dtype=np.int64), name="list_id")
    listed.index = index
    year = birth[chosen].astype("datetime64[Y]").astype(np.int64) + 1970
    female = (listed["jenis_kelamin"] == "PEREMPUAN").to_numpy(dtype=bool)
    retyped = rng.random(chosen.size) < noise
    names = listed["nama"].to_numpy(dtype=object)
    mothers = listed["nama_ibu"].to_numpy(dtype=object, na_value=None)
    new_names, name_kind = corrupt_names(rng, names, female, year, _LIST_NOISE)
    new_mothers, mother_kind = corrupt_names(
        rng, mothers, np.ones(chosen.size, dtype=bool), year - 27, _LIST_NOISE.scaled(0.5)
    )
    listed["nama"] = np.where(retyped, new_names, names)
    listed["nama_ibu"] = np.where(retyped, new_mothers, mothers)
    kinds = [
        ";".join(k for k in (a, f"mother_{b}" if b else "") if k) if r else ""
        for a, b, r in zip(name_kind, mother_kind, retyped, strict=True)
    ]
    list_truth = pd.DataFrame(
        {
            "person_id": person[chosen],
            "own_record_id": records[chosen],
            "has_other_nik": per_record_count[chosen] >= 2,
            "n_register_records": per_record_count[chosen],
            "corruptions": np.asarray(kinds, dtype=object),
        },
        index=index,
    )
    return listed, list_truth


def true_links(list_truth: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """All (list row, register record) pairs of the same person: ``id_l`` = ``list_id``,
    ``id_r`` = ``record_id`` (int64), sorted.

    >>> from nikmatch.synth.population import small_population
    >>> register, truth = small_population(seed=0)
    >>> listed, list_truth = generate_unrecorded_list(register, truth, n=40, seed=2)
    >>> links = true_links(list_truth, truth)
    >>> len(links) == int(list_truth["n_register_records"].sum())
    True
    """
    left = pd.DataFrame(
        {
            "person_id": list_truth["person_id"].to_numpy(dtype=np.int64),
            "id_l": np.asarray(list_truth.index, dtype=np.int64),
        }
    )
    right = pd.DataFrame(
        {
            "person_id": truth["person_id"].to_numpy(dtype=np.int64),
            "id_r": np.asarray(truth.index, dtype=np.int64),
        }
    )
    merged = left.merge(right, on="person_id")[["id_l", "id_r"]]
    merged = merged.sort_values(["id_l", "id_r"], kind="stable").reset_index(drop=True)
    result: pd.DataFrame = merged.astype(np.int64)
    return result
