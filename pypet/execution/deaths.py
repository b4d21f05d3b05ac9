"""Runs whose process died: the outcome they are recorded with, and what a dead writer left.

A run whose process dies (SIGKILL, the OOM killer, a segfault, ``os._exit``) runs again on
a new process up to ``max_retries`` times; then it is recorded as failed, like a run that
raised, with a :class:`~pypet.errors.RunDiedError` that says why each process died.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from pypet.errors import RunDiedError
from pypet.execution.journal import PREFIX, SUFFIX, load_records, scan_segments
from pypet.execution.procs import WorkerDeath
from pypet.runnames import run_name
from pypet.storage.records import RunFailure, RunOutcome

__all__ = ["died_outcome", "journaled_by"]


def died_outcome(idx: int, deaths: Sequence[WorkerDeath], hexsha: str,
                 max_retries: int) -> RunOutcome:
    """The outcome of run ``idx`` given up after ``deaths``: failed, not completed."""
    error = RunDiedError(idx, tuple(deaths), run_name(idx), max_retries)
    now = time.time()
    return RunOutcome(idx, None, now, now, completed=False, hexsha=hexsha,
                      error=RunFailure.capture(error))


def journaled_by(folder: str | Path, pid: int | None,
                 indices: Sequence[int]) -> list[RunOutcome]:
    """Outcomes of ``indices`` that process ``pid`` wrote to the journal in ``folder``.

    A worker of a resumable experiment journals each run as it ends; if it dies before
    its batch is back, those runs are finished and must not run again (issue #7's rule).
    """
    if pid is None:
        return []
    wanted = set(indices)
    paths = sorted(Path(folder).glob(f"{PREFIX}{pid}-*{SUFFIX}"))
    refs = {ref.idx: ref for ref in scan_segments(paths) if ref.idx in wanted}
    return load_records(list(refs.values()))
