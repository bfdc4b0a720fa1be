"""``python -m nikmatch``: the same as the ``nikmatch`` command (see :mod:`nikmatch.cli`)."""

from __future__ import annotations

import sys

from nikmatch.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
