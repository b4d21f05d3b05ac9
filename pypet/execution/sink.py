"""Where finished runs go in the main process: run table, writer, progress, return values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.execution.progress import ProgressReporter
from pypet.execution.writer import RunWriter
from pypet.storage.records import RunOutcome

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["OutcomeSink"]


class OutcomeSink:
    """Accepts run outcomes in any order (the one place that records a finished run)."""

    def __init__(self, traj: Trajectory, writer: RunWriter | None,
                 progress: ProgressReporter) -> None:
        self._traj, self._writer, self._progress = traj, writer, progress
        self.results: list[tuple[int, Any]] = []
        if writer is not None:
            writer.on_failure = self._not_stored

    def accept(self, outcome: RunOutcome) -> None:
        """Record one finished run."""
        table = self._traj._run_table
        table.start(outcome.idx, outcome.hexsha, outcome.start)
        table.finish(outcome.idx, outcome.finish, outcome.completed)
        if self._writer is not None:
            self._writer.add(outcome)
        self.results.append((outcome.idx, outcome.value))
        self._progress.run_finished()

    def flush(self) -> None:
        """Write what the writer still holds."""
        if self._writer is not None:
            self._writer.flush()

    def tick(self) -> None:
        """Called while waiting for runs: write outcomes that waited too long."""
        if self._writer is not None:
            self._writer.flush_if_due()

    def _not_stored(self, outcomes: list[RunOutcome]) -> None:
        """Runs whose storing failed are not completed (a later run() repeats them)."""
        completed = self._traj._run_table.completed
        for outcome in outcomes:
            completed[outcome.idx] = 0
