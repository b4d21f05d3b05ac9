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
                 max_seconds: float = 2.0) -> None:
        self._service, self._name, self._length = service, traj_name, length
        self._max_runs, self._max_seconds = max_runs, max_seconds
        self._pending: list[RunOutcome] = []
        self._last = time.monotonic()

    def add(self, outcome: RunOutcome) -> None:
        """Queue one outcome; write the batch when it is full or old enough."""
        self._pending.append(outcome)
        if len(self._pending) >= self._max_runs or \
                time.monotonic() - self._last >= self._max_seconds:
            self.flush()

    def flush(self) -> None:
        """Write every queued outcome now."""
        if self._pending:
            batch, self._pending = self._pending, []
            self._service.store_runs(self._name, batch, self._length)
        self._last = time.monotonic()
