"""Sphinx configuration for the nikmatch documentation.

Build (warnings are errors; notebooks are executed and a failing notebook fails the build)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

Two things are generated here rather than typed by hand:

* the benchmark tables of ``comparison.md``: a line ``<!-- benchmark-table: NAME -->`` is replaced
  by an include of ``benchmarks/out/NAME.md`` (written by ``benchmarks/accuracy.py --out`` and
  ``benchmarks/speed.py``); when that file is absent, by a note saying how to produce it.
* the guide's table of contents: entries of ``guide/index.md`` whose page does not exist yet are
  left out (a glob picks up pages added later), so the build never fails on a page in progress.

Tutorials listed in ``PENDING_TUTORIALS`` are not built; every other tutorial is executed.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from sphinx.util import logging

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
BENCHMARK_OUT = Path(os.environ.get("NIKMATCH_BENCHMARK_OUT", ROOT / "benchmarks" / "out"))
sys.path.insert(0, str(ROOT / "src"))

import nikmatch  # noqa: E402  (after the path is set)

logger = logging.getLogger(__name__)

# -- Project -------------------------------------------------------------------------------------
project = "nikmatch"
author = "nikmatch developers"
copyright = "nikmatch developers; all data in these pages is generated"
release = nikmatch.__version__
version = ".".join(release.split(".")[:2])

# -- General -------------------------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "_generate", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store", "README.md"]
# Tutorials still being written (excluded from the build); every other tutorial is executed on
# every build, and a cell that raises fails the build. Empty: all tutorials run.
PENDING_TUTORIALS: list[str] = []
exclude_patterns += PENDING_TUTORIALS
templates_path = ["_templates"]
language = "en"
today_fmt = "%Y-%m-%d"
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- MyST / notebooks ----------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "fieldlist", "substitution"]
myst_heading_anchors = 3
# Every tutorial is executed on every build; a cell that raises fails the build.
nb_execution_mode = os.environ.get("NIKMATCH_NB_EXECUTION", "force")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 180
nb_merge_streams = True

# -- API reference -------------------------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # document exactly nikmatch.__all__
autosummary_imported_members = True
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"nikmatch {release}"
html_static_path: list[str] = []
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
}

# -- Generated content ---------------------------------------------------------------------------
_BENCHMARK_MARKER = re.compile(r"^<!--\s*benchmark-table:\s*([\w.-]+)\s*-->\s*$", re.MULTILINE)
_BENCHMARK_COMMANDS = {
    "accuracy": "python benchmarks/accuracy.py --full --out",
    "speed": "python benchmarks/speed.py --out",
    "spark": "python benchmarks/spark.py",
}


def benchmark_block(name: str, docname: str = "comparison") -> str:
    """MyST text for one benchmark table: an include of the generated file, or a note."""
    path = BENCHMARK_OUT / f"{name}.md"
    if path.is_file():
        rel = os.path.relpath(path, (DOCS / docname).parent)
        return f"```{{include}} {rel}\n:heading-offset: 1\n```\n"
    command = _BENCHMARK_COMMANDS.get(name, f"the benchmark that writes benchmarks/out/{name}.md")
    return (
        ":::{note}\n"
        f"The `{name}` table was not generated for this build of the documentation "
        f"(`benchmarks/out/{name}.md` was absent). Run `{command}` from the repository root, "
        "then rebuild the documentation: the table is included from that file, never typed "
        "by hand.\n"
        ":::\n"
    )


def _toctree_entries_present(text: str, docdir: str, found_docs: set[str]) -> str:
    """Drop toctree lines naming a page that is not (yet) part of the build."""
    out: list[str] = []
    in_toctree = False
    listed = {f"{docdir}/index"}
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("```{toctree}"):
            in_toctree = True
        elif in_toctree and stripped.startswith("```"):
            in_toctree = False
        elif in_toctree and stripped and not stripped.startswith(":") and "*" not in stripped:
            target = stripped.split("<")[-1].rstrip(">").strip()
            listed.add(f"{docdir}/{target}")
            if f"{docdir}/{target}" not in found_docs:
                logger.info("toctree of %s: %s is not written yet; left out", docdir, target)
                continue
        out.append(line)
    unlisted = {d for d in found_docs if d.startswith(f"{docdir}/")} - listed
    if not unlisted:  # a glob that matches nothing is a warning
        out = [line for line in out if line.strip() != "*"]
    return "".join(out)


_FILTERED_TOCTREES = ("guide/index", "tutorials/index")


def _on_source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname in ("comparison", "guide/spark"):
        source[0] = _BENCHMARK_MARKER.sub(
            lambda m: benchmark_block(m.group(1), docname), source[0]
        )
    elif docname in _FILTERED_TOCTREES:
        source[0] = _toctree_entries_present(source[0], docname.split("/")[0], set(app.env.found_docs))


def _always_reread(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    # generated parts depend on files outside the docs tree
    return [d for d in ("comparison", *_FILTERED_TOCTREES) if d in env.found_docs]


# A property or attribute without a docstring of its own inherits, through autodoc, the docstring
# of its value's type (e.g. ``dict.__doc__`` for a class attribute ``{}`` overridden by a
# property): reST-invalid text that is not documentation of nikmatch. Such docstrings are dropped.
_BUILTIN_DOCS = {
    " ".join((t.__doc__ or "").split())
    for t in (dict, list, tuple, set, frozenset, str, bytes, int, float, bool, object, type)
}


def _drop_builtin_docstrings(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if lines and " ".join(" ".join(lines).split()) in _BUILTIN_DOCS:
        logger.info("%s: docstring inherited from a builtin type dropped", name)
        lines[:] = []


def setup(app: Any) -> dict[str, Any]:
    """Register the generators above."""
    app.connect("source-read", _on_source_read)
    app.connect("autodoc-process-docstring", _drop_builtin_docstrings)
    app.connect("env-get-outdated", _always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
