"""The one run writer: every finished run reaches storage through a :class:`RunWriter`.

The main process hands every outcome to a RunWriter, which first appends it to the
journal (when the experiment is resumable and no worker journaled it already) and then
stores outcomes in batches. Batching is what keeps the
per-run cost low: the run table is appended in bulk and the file is flushed once per
batch, not once per node.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pypet.storage.records import RunOutcome
    from pypet.storage.service import StorageService

__all__ = ["OutcomeLog", "RunWriter"]


class OutcomeLog(Protocol):
    """A durable log of outcomes (the resume journal)."""

    def append(self, outcome: RunOutcome) -> None:
        """Hand ``outcome`` to the kernel; when this returns, a process crash cannot lose it."""

    def sync(self) -> None:
        """Called after each written batch (the log applies its fsync policy)."""


class RunWriter:
    """Journals outcomes at once and stores them in batches of ``max_runs`` / ``max_seconds``.

    Parameters
    ----------
    service : StorageService
        Where the batches go.
    traj_name : str
        The trajectory's name in storage.
    length : int
        The trajectory's number of runs (update :attr:`length` when it grows).
    journal : OutcomeLog, optional
        Appended to before an outcome counts as accepted.
    replace : bool
        Rewrite items the runs already have in storage (resume replaying a journal).
    """

    def __init__(self, service: StorageService, traj_name: str, length: int,
                 journal: OutcomeLog | None = None, max_runs: int = 2000,
                 max_seconds: float = 2.0, slow_run: float = 0.5,
                 replace: bool = False) -> None:
        self._service, self._name, self.length = service, traj_name, length
        self._journal, self._replace = journal, replace
        self._max_runs, self._max_seconds, self._slow_run = max_runs, max_seconds, slow_run
        self._pending: list[RunOutcome] = []
        self._last = time.monotonic()
        #: called with the outcomes of a batch that could not be stored
        self.on_failure: Callable[[list[RunOutcome]], None] | None = None

    def add(self, outcome: RunOutcome, journaled: bool = False) -> None:
        """Journal one outcome (unless its worker did: ``journaled``), queue it, and write
        the batch when it is full or old enough.

        After a slow run (``slow_run`` seconds or more) the batch is written at once: the
        write is cheap next to such runs.
        """
        if self._journal is not None and not journaled:
            self._journal.append(outcome)
        self._pending.append(outcome)
        # the conditions are spelled out here and in add_many: this runs for every run of a
        # serial sweep, and a shared method would cost a call each time
        if len(self._pending) >= self._max_runs or \
                outcome.finish - outcome.start >= self._slow_run or \
                time.monotonic() - self._last >= self._max_seconds:
            self.flush()

    def add_all(self, outcomes: Sequence[RunOutcome]) -> None:
        """:meth:`add` each outcome."""
        for outcome in outcomes:
            self.add(outcome)

    def add_many(self, outcomes: Sequence[RunOutcome], journaled: bool = False) -> None:
        """:meth:`add` a batch of outcomes at once (a worker's): the batch is written
        when it fills, ages or holds a slow run, as with :meth:`add`."""
        if self._journal is not None and not journaled:
            for outcome in outcomes:
                self._journal.append(outcome)
        self._pending.extend(outcomes)
        if len(self._pending) >= self._max_runs or \
                any(o.finish - o.start >= self._slow_run for o in outcomes) or \
                time.monotonic() - self._last >= self._max_seconds:
            self.flush()

    def flush(self) -> None:
        """Write every queued outcome now.

        If storing fails, ``on_failure(batch)`` learns which runs are not stored (so they are
        not reported as completed) and the error propagates: a lost result is loud.
        """
        if self._pending:
            batch, self._pending = self._pending, []
            try:
                self._service.store_runs(self._name, batch, self.length, self._replace)
            except Exception:
                self._store_one_by_one(batch)  # keeps the good runs; raises for the bad
            finally:
                if self._journal is not None:
                    self._journal.sync()
        self._last = time.monotonic()

    def _store_one_by_one(self, batch: list[RunOutcome]) -> None:
        """After a failed batch: store each run alone, report and raise the failures."""
        failed, first = [], None
        for outcome in batch:
            try:
                self._service.store_runs(self._name, [outcome], self.length, self._replace)
            except Exception as error:
                failed.append(outcome)
                first = first or error
        if failed:
            if self.on_failure is not None:
                self.on_failure(failed)
            raise first  # type: ignore[misc]

    def flush_if_due(self) -> None:
        """Write queued outcomes if the oldest waited longer than the time limit."""
        if self._pending and time.monotonic() - self._last >= self._max_seconds:
            self.flush()
