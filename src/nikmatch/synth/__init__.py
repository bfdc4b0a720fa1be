"""Generated civil registers with ground truth, for tests, benchmarks and documentation.

Nothing here is real: the people, names, NIKs and KK numbers are drawn from seeded random
generators; only the region codes and names are the public Kemendagri table.

* :func:`generate_population` -- a register of ``n`` records (canonical SIAK columns) in which
  some residents hold two or three NIKs (:data:`SCENARIOS`: moved, entered twice on one KK, a
  whole family re-registered...), and its truth (person of each record, scenario, the
  differences of each record (:data:`DIFFERENCE_KINDS`), hard-negative groups);
* :func:`generate_unrecorded_list` -- a "belum rekam" list linked to such a register;
* :func:`true_pairs`, :func:`hard_negative_pairs`, :func:`true_links` -- the labelled pairs;
* :func:`small_population` -- 2,000 records for examples.

>>> from nikmatch import synth
>>> register, truth = synth.small_population(seed=0)
>>> len(synth.true_pairs(truth)) == int(
...     truth.groupby("person_id").size().map(lambda k: k * (k - 1) // 2).sum())
True
"""

from __future__ import annotations

from nikmatch.synth.corrupt import NameNoise
from nikmatch.synth.differences import DIFFERENCE_KINDS
from nikmatch.synth.names import TWIN_NAME_KINDS
from nikmatch.synth.population import (
    CANONICAL_COLUMNS,
    EXTRA_COLUMNS,
    HARD_NEGATIVE_KINDS,
    SCENARIOS,
    SynthConfig,
    generate_population,
    hard_negative_pairs,
    small_population,
    true_pairs,
)
from nikmatch.synth.unrecorded import generate_unrecorded_list, true_links

__all__ = [
    "CANONICAL_COLUMNS",
    "DIFFERENCE_KINDS",
    "EXTRA_COLUMNS",
    "HARD_NEGATIVE_KINDS",
    "SCENARIOS",
    "TWIN_NAME_KINDS",
    "NameNoise",
    "SynthConfig",
    "generate_population",
    "generate_unrecorded_list",
    "hard_negative_pairs",
    "small_population",
    "true_links",
    "true_pairs",
]
