#!/usr/bin/env bash
# The one test command named in README.md. Run after the README's set-up command.
# Every step fails loudly; the first failure stops the run with a non-zero exit.
#
# Steps, in order: ruff, mypy --strict, bandit, pip-audit, pytest (main venv, pandas 3),
# pytest on pandas 2 (.venv-pd2), docs build (notebooks executed), accuracy gate.
#
# Environment:
#   PYTHON=...                  interpreter of the main venv (default .venv/bin/python)
#   NIKMATCH_SKIP_PANDAS2=1     skip the pandas 2 run
#   NIKMATCH_SKIP_ACCURACY=1    skip the accuracy gate (benchmarks/accuracy.py --ci)
#   NIKMATCH_ACCURACY_TIMEOUT   seconds per data set for the accuracy gate (default 1200)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

# -- step bookkeeping: name, elapsed time per step, a summary at the end (also on failure) -------
RUN_T0=$EPOCHREALTIME
STEP_NAME=""
STEP_T0=""
SUMMARY=()
NOTES=()
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
end_step() {
  if [ -n "$STEP_NAME" ]; then
    local took
    took=$(elapsed "$STEP_T0")
    printf '==== ok (%ss): %s\n' "$took" "$STEP_NAME"
    SUMMARY+=("$(printf '%8ss  ok       %s' "$took" "$STEP_NAME")")
    STEP_NAME=""
  fi
}
step() {
  end_step
  STEP_NAME="$*"
  STEP_T0=$EPOCHREALTIME
  printf '\n==== %s\n' "$*"
}
skipped() {
  end_step
  printf '\n==== SKIPPED: %s\n' "$*"
  SUMMARY+=("$(printf '%8s   skipped  %s' "-" "$*")")
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$STEP_NAME" ]; then
    SUMMARY+=("$(printf '%8ss  FAILED   %s' "$(elapsed "$STEP_T0")" "$STEP_NAME")")
  else
    end_step
  fi
  printf '\n==== summary (total %ss)\n' "$(elapsed "$RUN_T0")"
  printf '%s\n' "${SUMMARY[@]}"
  if [ "${#NOTES[@]}" -gt 0 ]; then printf '%s\n' "${NOTES[@]}"; fi
  if [ "$rc" -ne 0 ]; then
    printf '\n==== FAILED (exit %s) in step: %s\n' "$rc" "${STEP_NAME:-?}"
  else
    printf '\n==== all steps passed\n'
  fi
}
trap on_exit EXIT

# -- 1. lint -----------------------------------------------------------------------------------
step "ruff (lint)"
"$PY" -m ruff check src tests benchmarks docs

# -- 2. types ----------------------------------------------------------------------------------
step "mypy --strict (src/)"
"$PY" -m mypy --strict src/nikmatch

# -- 3. security: static analysis of the library ----------------------------------------------
step "bandit (src/nikmatch, config [tool.bandit] in pyproject.toml)"
"$PY" -m bandit -r src/nikmatch -c pyproject.toml

# -- 4. security: known vulnerabilities of the installed packages -------------------------------
# pip-audit looks up each installed release in its vulnerability service. Where that service cannot
# be reached (no network, or a package mirror without the per-release vulnerability data) pip-audit
# "skips" every package and may still exit 0, auditing nothing. So its own JSON report is read: a
# report where every package was skipped, or no report with a network error, means the service was
# unreachable; the step says so loudly and the run goes on. A vulnerability found fails the run.
step "pip-audit (packages installed in the main venv)"
audit_dir=$(mktemp -d)
audit_rc=0
"$PY" -m pip_audit --skip-editable --progress-spinner off --desc on \
  --format json --output "$audit_dir/report.json" 2> "$audit_dir/stderr" || audit_rc=$?
verdict=0
"$PY" - "$audit_dir" "$audit_rc" <<'EOF' || verdict=$?
import json
import re
import sys
from pathlib import Path

folder, rc = Path(sys.argv[1]), int(sys.argv[2])
err = (folder / "stderr").read_text(errors="replace")
report = folder / "report.json"
data = json.loads(report.read_text()) if report.is_file() and report.stat().st_size else None
if data is None:
    print(err)
    if re.search(r"ConnectionError|Could not connect|timed out|Max retries|name resolution|"
                 r"Name or service not known|Temporary failure", err):
        print("!!!! pip-audit NOT run: vulnerability service unreachable (network error above)")
        sys.exit(3)
    print(f"pip-audit failed (exit {rc}) without a report")
    sys.exit(1)
deps = data.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if d.get("skip_reason")]
for d in vulnerable:
    for v in d["vulns"]:
        fix = ", ".join(v.get("fix_versions") or []) or "no fixed release"
        aliases = ", ".join(v.get("aliases") or [])
        print(f"VULNERABLE {d['name']} {d['version']}: {v['id']} ({aliases}); fixed in: {fix}")
        if v.get("description"):
            print("    " + " ".join(v["description"].split())[:300])
if vulnerable:
    print(f"pip-audit: {len(vulnerable)} installed package(s) with known vulnerabilities")
    sys.exit(1)
if deps and len(skipped) == len(deps):
    print(f"!!!! pip-audit NOT run: vulnerability service unreachable "
          f"(all {len(deps)} packages skipped: {skipped[0]['skip_reason']})")
    sys.exit(3)
for d in skipped:
    print(f"!!!! not audited: {d['name']}: {d['skip_reason']}")
if rc != 0:
    print(err)
    print(f"pip-audit exited {rc} without naming a vulnerability")
    sys.exit(1)
print(f"pip-audit: no known vulnerabilities in {len(deps) - len(skipped)} packages"
      + (f" ({len(skipped)} not audited, listed above)" if skipped else ""))
EOF
rm -rf "$audit_dir"
if [ "$verdict" -eq 3 ]; then
  NOTES+=("!!!! pip-audit NOT run: vulnerability service unreachable (see the pip-audit step)")
elif [ "$verdict" -ne 0 ]; then
  exit "$verdict"
fi

# -- 5. tests on pandas 3 (the main venv) ------------------------------------------------------
step "pytest + doctests (pandas $("$PY" -c 'import pandas; print(pandas.__version__)'))"
# recordlinkage pins pandas < 3: its round trip runs in the pandas-2 venv (step 6), not here
"$PY" -m pytest --ignore=tests/test_interop_recordlinkage.py

# -- 6. tests on pandas 2 (a second venv) ------------------------------------------------------
if [ "${NIKMATCH_SKIP_PANDAS2:-0}" != "1" ]; then
  step "pytest on pandas 2.x (separate venv .venv-pd2)"
  if [ ! -x .venv-pd2/bin/python ]; then
    rm -rf .venv-pd2
    # the main venv's base interpreter (the one .ci/run checked), not whatever python3 is first
    "$PY" -m venv .venv-pd2
    .venv-pd2/bin/python -m pip install -q -U pip
  fi
  # recordlinkage (pins pandas < 3) only here: tests/test_interop_recordlinkage.py runs in it
  .venv-pd2/bin/python -m pip install -q -e ".[test]" "pandas>=2.2,<3" "numpy>=2" "recordlinkage==0.16"
  .venv-pd2/bin/python -c 'import recordlinkage; print("recordlinkage", recordlinkage.__version__)' 
  .venv-pd2/bin/python -c 'import pandas, sys; v = pandas.__version__; print("pandas", v); sys.exit(0 if v.startswith("2.") else 1)'
  # the Spark engine's tests run once, in the main venv (step 5): PySpark is not installed here
  .venv-pd2/bin/python -m pytest -p no:cacheprovider \
    --ignore=tests/test_spark.py --ignore=src/nikmatch/spark
else
  skipped "pytest on pandas 2.x (NIKMATCH_SKIP_PANDAS2=1)"
fi

# -- 7. documentation (warnings are errors; tutorials executed by myst-nb) -----------------------
step "docs (sphinx -W, notebooks executed)"
rm -rf docs/_build/html  # a full build every time: an incremental one would not repeat old warnings
"$PY" -m sphinx -W --keep-going -b html docs docs/_build/html

# -- 8. accuracy gate (nikmatch vs benchmarks/thresholds.json) ---------------------------------
if [ "${NIKMATCH_SKIP_ACCURACY:-0}" != "1" ]; then
  step "accuracy gate (benchmarks/accuracy.py --ci vs benchmarks/thresholds.json)"
  "$PY" benchmarks/accuracy.py --ci --timeout "${NIKMATCH_ACCURACY_TIMEOUT:-1200}"
  # a register from the independent generator (benchmarks/indepgen), every default: floors
  # measured 2026-12-05 minus 0.005 (docs/guide/benchmarks.md)
  "$PY" benchmarks/indep_eval.py indep-50k-s1 --min-precision 0.994 --min-recall 0.8436 \
    --max-twins 0
else
  skipped "accuracy gate (NIKMATCH_SKIP_ACCURACY=1)"
fi
end_step
