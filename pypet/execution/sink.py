"""Where finished runs go in the main process: writer (journal first), run table, progress.

:meth:`OutcomeSink.accept` is the one place where a run counts as finished: its outcome
is in the journal (when resumable) before the trajectory marks it, and a failed run is
recorded as failed. With ``on_error='raise'`` the first failure stops the sweep: runners
start no new runs (:attr:`OutcomeSink.stopping`) and :meth:`OutcomeSink.raise_failure`
raises the run's own exception once everything that finished is stored.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from pypet.errors import RunFailedError
from pypet.execution.progress import ProgressReporter
from pypet.execution.returned import ReturnedValues
from pypet.storage.records import RunOutcome
from pypet.trajectory.experiment_api import record_outcome, record_outcomes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pypet.storage.run_writer import RunWriter
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["OutcomeSink"]

_log = logging.getLogger("pypet.execution")


class OutcomeSink:
    """Accepts run outcomes in any order.

    Parameters
    ----------
    traj : Trajectory
        The main process's trajectory (its run table records every outcome).
    writer : RunWriter or None
        Stores the outcomes that are not stored yet.
    progress : ProgressReporter
        Reports finished runs.
    stop_on_failure : bool
        ``on_error='raise'``: the first failed run stops the sweep.
    """

    def __init__(self, traj: Trajectory, writer: RunWriter | None,
                 progress: ProgressReporter, stop_on_failure: bool = True) -> None:
        self._traj, self.writer, self.progress = traj, writer, progress
        self._stop_on_failure = stop_on_failure
        self.results = ReturnedValues()  # (idx, value) pairs, 8 bytes a run
        self.failures: list[RunOutcome] = []
        if writer is not None:
            writer.on_failure = self._not_stored

    @property
    def stopping(self) -> bool:
        """Whether runners must start no further run (a run failed under 'raise')."""
        return self._stop_on_failure and bool(self.failures)

    def accept(self, outcome: RunOutcome, journaled: bool = False) -> None:
        """Record one finished (or failed) run; ``journaled``: the worker that ran it has
        journaled it already."""
        if self.writer is not None:
            self.writer.add(outcome, journaled)  # journaled before the run counts
        record_outcome(self._traj, outcome)
        error = outcome.error
        if error is None:
            self.results.append((outcome.idx, outcome.value))
        elif self._stop_on_failure:
            self.failures.append(outcome)
        else:
            _log.error("Run %d failed (on_error='continue' goes on):\n%s", outcome.idx,
                       error.traceback.rstrip())
            # kept without the exception: its traceback would hold the run's frames
            self.failures.append(dataclasses.replace(
                outcome.without_data(), error=dataclasses.replace(error, exception=None)))
        self.progress.run_finished()

    def accept_many(self, outcomes: Sequence[RunOutcome], journaled: bool = False) -> None:
        """:meth:`accept` each of ``outcomes`` (a worker's batch), the usual case in bulk:
        journaled, queued for the writer and recorded with one call each."""
        if len(outcomes) < 2 or any(o.error is not None for o in outcomes):
            for outcome in outcomes:
                self.accept(outcome, journaled)
            return
        if self.writer is not None:
            self.writer.add_many(outcomes, journaled)  # journaled before the runs count
        record_outcomes(self._traj, outcomes)
        self.results.extend_block([o.idx for o in outcomes], [o.value for o in outcomes])
        self.progress.run_finished(len(outcomes))

    def flush(self) -> None:
        """Write what the writer still holds."""
        if self.writer is not None:
            self.writer.flush()

    def tick(self) -> None:
        """Called while waiting for runs: write outcomes that waited too long."""
        if self.writer is not None:
            self.writer.flush_if_due()

    def raise_failure(self) -> None:
        """Under ``on_error='raise'``: raise the first failed run's exception."""
        if not self.stopping:
            return
        failure = self.failures[0].error
        assert failure is not None
        if failure.exception is not None:
            raise failure.exception
        raise RunFailedError(
            f"Run {self.failures[0].idx} failed with {failure.summary} (the exception could "
            f"not be sent back from its process). Its traceback:\n{failure.traceback}"
        )

    def _not_stored(self, outcomes: list[RunOutcome]) -> None:
        """Runs whose storing failed are not completed (a later run() repeats them)."""
        for outcome in outcomes:
            record_outcome(self._traj, dataclasses.replace(outcome, completed=False))
