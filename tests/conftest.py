"""Shared test set-up: hypothesis profiles.

Profiles (choose with the environment variable ``HYPOTHESIS_PROFILE``; default ``ci``):

* ``ci``   -- modest example counts, derandomised (the same examples on every run, so CI is
  reproducible), no example database, no deadline (shared 2-core machines are noisy).
* ``dev``  -- random examples with the example database, for local exploration.
* ``long`` -- 100,000 examples per test, used by ``benchmarks/fuzz.py``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.register_profile("dev", max_examples=200, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "long",
    max_examples=100_000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
