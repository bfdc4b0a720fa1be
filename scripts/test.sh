#!/usr/bin/env bash
# The one test command named in README.md. Run after the README's set-up command.
# Every step fails loudly; the first failure stops the run with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
step() { printf '\n==== %s\n' "$*"; }

step "ruff (lint)"
"$PY" -m ruff check src tests benchmarks docs

step "mypy --strict (src/)"
"$PY" -m mypy --strict src/nikmatch

step "pytest + doctests (pandas $("$PY" -c 'import pandas; print(pandas.__version__)'))"
"$PY" -m pytest

if [ "${NIKMATCH_SKIP_PANDAS2:-0}" != "1" ]; then
  step "pytest on pandas 2.x (separate venv .venv-pd2)"
  if [ ! -x .venv-pd2/bin/python ]; then
    python3 -m venv .venv-pd2
    .venv-pd2/bin/pip install -q -U pip
  fi
  .venv-pd2/bin/pip install -q -e ".[test]" "pandas>=2.2,<3" "numpy>=2"
  .venv-pd2/bin/python -c 'import pandas, sys; v = pandas.__version__; print("pandas", v); sys.exit(0 if v.startswith("2.") else 1)'
  .venv-pd2/bin/python -m pytest -p no:cacheprovider
fi
