"""Progress on stderr for the long steps of the command line (``rich``).

:class:`Steps` shows one line per step: a spinner and the elapsed time for a step whose size is
unknown (matching a register), a bar with counts for one that is (writing rows, workbooks).  It
draws only when stderr is a terminal and ``--quiet`` was not given, so logs, pipes and tests
get no control characters; ``NIKMATCH_PROGRESS=1`` draws anyway (``0`` never).

>>> steps = Steps(enabled=False)
>>> with steps.step("writing rows", total=3) as advance:
...     advance(3)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Steps"]


class Steps:
    """Progress lines for the steps of one command (see the module docstring)."""

    def __init__(self, *, enabled: bool = True) -> None:
        from rich.console import Console

        forced = os.environ.get("NIKMATCH_PROGRESS", "")
        self.console = Console(stderr=True, force_terminal=True if forced == "1" else None)
        self.enabled = enabled and forced != "0" and (forced == "1" or self.console.is_terminal)

    @contextmanager
    def step(self, text: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """A step; the context gives ``advance(done)`` to report how much of ``total`` is
        done.  The line stays, with the time the step took, when the step ends."""
        if not self.enabled:
            yield _ignore
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        columns.append(TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=False) as progress:
            task = progress.add_task(text, total=total)

            def advance(done: int) -> None:
                progress.update(task, completed=done)

            yield advance
            progress.update(task, completed=total if total is not None else 1, total=total or 1)


def _ignore(done: int) -> None:
    """An ``advance`` that shows nothing."""
