"""Long fuzz run: every hypothesis test in ``tests/test_fuzz_*.py`` with many examples.

CI runs the same tests with the short ``ci`` profile (100 examples each); this script runs them
with ``--examples`` (default 100,000) random examples each and prints, per public entry point,
the examples tried and the outcomes (returned / documented exception), then every failure.

    .venv/bin/python benchmarks/fuzz.py                  # 100,000 examples per test
    .venv/bin/python benchmarks/fuzz.py --examples 5000 --only check_niks
    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_*.py   # same, via pytest

Exit status 1 when any test failed.  Inputs that hit bugs already reported (``fuzzkit.KNOWN_BUGS``)
are steered around, so the run measures everything else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parents[1] / "tests"


def fuzz_tests(only: str | None) -> list[tuple[str, Callable[..., Any]]]:
    sys.path.insert(0, str(TESTS))
    found = []
    for path in sorted(TESTS.glob("test_fuzz_*.py")):
        module = importlib.import_module(path.stem)
        for name in sorted(dir(module)):
            fn = getattr(module, name)
            if name.startswith("test_") and hasattr(fn, "hypothesis"):
                label = f"{path.stem}::{name}"
                if only is None or only in label:
                    found.append((label, fn))
    return found


def run(examples: int, only: str | None, seed: int | None) -> int:
    tests = fuzz_tests(only)
    import fuzzkit  # found on the path set by fuzz_tests

    tried: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    for label, fn in tests:
        inner = fn.hypothesis.inner_test

        def counting(*args: Any, _inner: Any = inner, _label: str = label, **kwargs: Any) -> Any:
            tried[_label] += 1
            return _inner(*args, **kwargs)

        fn.hypothesis.inner_test = counting
        configured = settings(
            max_examples=examples, deadline=None, database=None, derandomize=False,
            suppress_health_check=list(HealthCheck), print_blob=True,
        )(fn)
        if seed is not None:
            from hypothesis import seed as hypothesis_seed

            configured = hypothesis_seed(seed)(configured)
        start = time.perf_counter()
        try:
            configured()
        except Exception:
            failures.append((label, traceback.format_exc(limit=6)))
        finally:
            fn.hypothesis.inner_test = inner
        timings[label] = time.perf_counter() - start
        print(f"{label:<75} {tried[label]:>8} examples {timings[label]:8.1f} s", flush=True)

    print("\nExamples tried per public entry point (outcome counts):")
    for entry in sorted(fuzzkit.CALLS):
        outcomes = ", ".join(f"{kind} {count}" for (name, kind), count
                             in sorted(fuzzkit.OUTCOMES.items()) if name == entry)
        print(f"  {entry:<22} {fuzzkit.CALLS[entry]:>9}   ({outcomes})")
    print(f"\nTotal: {sum(tried.values())} examples in {sum(timings.values()):.0f} s; "
          f"{len(failures)} failing test(s)")
    for label, text in failures:
        print(f"\n---- FAILED {label}\n{text}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000, help="examples per test")
    parser.add_argument("--only", help="run only tests whose name contains this text")
    parser.add_argument("--seed", type=int, help="hypothesis seed (default: random)")
    args = parser.parse_args()
    sys.exit(run(args.examples, args.only, args.seed))


if __name__ == "__main__":
    main()
