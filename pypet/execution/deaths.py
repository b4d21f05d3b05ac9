"""Runs whose process died: the error they are recorded with, and what a dead writer left.

A run whose process dies (SIGKILL, the OOM killer, a segfault, ``os._exit``) runs again on
a new process up to ``max_retries`` times; then it is recorded as failed, like a run that
raised, with a :class:`RunDiedError` that says why each process died.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from pypet.execution.journal import PREFIX, SUFFIX, load_records, scan_segments
from pypet.execution.procs import WorkerDeath, WorkerDiedError
from pypet.storage.records import RunFailure, RunOutcome
from pypet.tree.names import run_name

__all__ = ["RunDiedError", "died_outcome", "journaled_by"]


class RunDiedError(WorkerDiedError):
    """A run was given up: the process running it died on every attempt.

    ``idx`` is the run, ``deaths`` every :class:`~pypet.execution.procs.WorkerDeath`
    (pid, exit code, the cause in words, e.g. ``SIGSEGV (-11): segmentation fault``).
    """

    def __init__(self, idx: int, deaths: tuple[WorkerDeath, ...]) -> None:
        super().__init__(idx, deaths)
        attempts = len(deaths)
        tries = "once" if attempts == 1 else f"on all {attempts} attempts"
        causes = "; ".join(sorted({death.cause for death in deaths}))
        self.args = (
            f"Run {idx} ({run_name(idx)}) was given up: its process died {tries} "
            f"(max_retries={attempts - 1}). Cause: {causes}. Nothing from the run was kept; "
            "run it alone (serially) to see what kills it, or give its process more memory.",)
        self.idx = idx

    def __str__(self) -> str:
        return str(self.args[0])


def died_outcome(idx: int, deaths: Sequence[WorkerDeath], hexsha: str) -> RunOutcome:
    """The outcome of run ``idx`` given up after ``deaths``: failed, not completed."""
    error = RunDiedError(idx, tuple(deaths))
    now = time.time()
    return RunOutcome(idx, None, now, now, completed=False, hexsha=hexsha,
                      error=RunFailure.capture(error))


def journaled_by(folder: str | Path, pid: int | None,
                 indices: Sequence[int]) -> list[RunOutcome]:
    """Outcomes of ``indices`` that process ``pid`` wrote to the journal in ``folder``.

    A LOCK-mode pool worker journals its batch before it stores it; if it dies after
    that, those runs are finished and must not run again (issue #7's journal rule).
    """
    if pid is None:
        return []
    wanted = set(indices)
    paths = sorted(Path(folder).glob(f"{PREFIX}{pid}-*{SUFFIX}"))
    refs = {ref.idx: ref for ref in scan_segments(paths) if ref.idx in wanted}
    return load_records(list(refs.values()))
