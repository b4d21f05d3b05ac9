"""Batched storing of run outcomes: one writer, bulk appends every N runs or T seconds."""

from __future__ import annotations

import time
from typing import Any

from pypet.storage.records import RunOutcome

__all__ = ["RunWriter"]


class RunWriter:
    """Collects outcomes and hands them to the storage service in batches.

    Batching is what keeps per-run cost low: the run table is appended in bulk and the file
    is flushed once per batch, not once per node.
    """

    def __init__(self, service: Any, traj_name: str, length: int, max_runs: int = 2000,
                 max_seconds: float = 2.0, slow_run: float = 0.5) -> None:
        self._service, self._name, self._length = service, traj_name, length
        self._max_runs, self._max_seconds, self._slow_run = max_runs, max_seconds, slow_run
        self._pending: list[RunOutcome] = []
        self._last = time.monotonic()
        #: called with the outcomes of a batch that could not be stored
        self.on_failure: Any = None

    def add(self, outcome: RunOutcome) -> None:
        """Queue one outcome; write the batch when it is full or old enough.

        After a slow run (``slow_run`` seconds or more) the batch is written at once: the
        write is cheap next to such runs, and a crash then loses no finished run.
        """
        self._pending.append(outcome)
        if len(self._pending) >= self._max_runs or \
                outcome.finish - outcome.start >= self._slow_run or \
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
                self._service.store_runs(self._name, batch, self._length)
            except Exception:
                self._store_one_by_one(batch)  # keeps the good runs; raises for the bad
        self._last = time.monotonic()

    def _store_one_by_one(self, batch: list[RunOutcome]) -> None:
        """After a failed batch: store each run alone, report and raise the failures."""
        failed, first = [], None
        for outcome in batch:
            try:
                self._service.store_runs(self._name, [outcome], self._length)
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
