"""The pool runner: ``ncores`` worker processes that receive the trajectory once.

Runs travel to the workers in batches (:class:`~pypet.execution.procs.WorkerPool`, no
helper thread in the main process). A worker that dies (SIGKILL, the OOM killer, a
segfault, ``os._exit``) costs no run: the runs of its batch run again one per task on new
workers, and a run whose process keeps dying is recorded as failed after ``max_retries``
retries with the cause (:class:`~pypet.execution.deaths.RunDiedError`); ``on_error``
then decides, as for a run that raised. In a resumable experiment, the runs a dead
worker finished (and journaled) before it died are taken from its journal segment
instead of running again.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pypet.execution import worker
from pypet.execution.batching import AdaptiveBatches, ArgsFor, RunTask, TaskRange, task_of
from pypet.execution.deaths import died_outcome, journaled_by
from pypet.execution.locks import SharedLock
from pypet.execution.procs import TaskOutcome, WorkerDeath, WorkerPool
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["PoolJob", "run_pool"]

_log = logging.getLogger("pypet.execution.pool")

#: how often the loop looks at a graceful-exit request and the writer's clock while runs go
_POLL_SECONDS = 0.1


@dataclass
class PoolJob:
    """The runs of one round on a pool, and how the pool behaves."""

    indices: Sequence[int]
    args_for: ArgsFor
    constant_args: bool
    payload: bytes  #: the pickled WorkerPayload, sent once to each worker
    hexsha: str
    ncores: int
    max_inflight: int  #: batches submitted at a time (queued or running)
    max_retries: int = 2  #: new processes for a run whose process died
    niceness: int | None = None
    lock: SharedLock | None = None  #: LOCK mode: the FileLock every process stores under
    journal_folder: Path | None = None  #: resumable: where the workers journal their runs


def _label(tasks: Sequence[RunTask]) -> str:
    """A task key that names its runs in log lines (unique: runs in flight are disjoint)."""
    if len(tasks) == 1:
        return f"run {tasks[0].idx}"
    return f"runs {tasks[0].idx}..{tasks[-1].idx} ({len(tasks)} runs)"


class _Round:
    """The state of one round: what runs next, what is in flight, who died how often."""

    def __init__(self, job: PoolJob, sink: OutcomeSink) -> None:
        self.job, self.sink = job, sink
        self._fresh = AdaptiveBatches(job.indices, job.ncores, job.args_for,
                                      job.constant_args)
        self._retry: deque[int] = deque()
        self.deaths: dict[int, list[WorkerDeath]] = defaultdict(list)
        self.inflight: dict[str, worker.PoolTask] = {}
        self.error: BaseException | None = None
        #: the number of the batch whose run made the sweep stop (on_error='raise')
        self.failed_batch: int | None = None
        self._numbers = itertools.count()

    def next_task(self) -> worker.PoolTask | None:
        """Runs to retry first (alone), then new batches."""
        if self._retry:
            idx = self._retry.popleft()
            return worker.PoolTask((task_of(idx, self.job.args_for, self.job.constant_args),),
                                   next(self._numbers))
        batch = self._fresh.next()
        if batch is None:
            return None
        return worker.PoolTask(batch if isinstance(batch, TaskRange) else tuple(batch),
                               next(self._numbers))

    def take(self, outcome: TaskOutcome, halted: bool) -> None:
        """Hand a batch's outcomes to the sink; deal with a dead worker or a failed batch."""
        task = self.inflight.pop(str(outcome.key))
        if outcome.ok:
            runs = outcome.result
            self.sink.accept_many(runs, journaled=self.job.journal_folder is not None)
            if runs:
                self._fresh.observe(sum(r.finish - r.start for r in runs) / len(runs))
        elif outcome.lost:
            self._died(task.tasks, outcome.deaths, halted)
        else:
            self._failed(task.tasks, outcome)
        if self.sink.stopping and self.failed_batch is None:
            self.failed_batch = task.number

    def _died(self, tasks: Sequence[RunTask], deaths: tuple[WorkerDeath, ...],
              halted: bool) -> None:
        job, sink = self.job, self.sink
        left = [task.idx for task in tasks]
        if job.journal_folder is not None:
            # journaled before the death: finished, never run again
            for run in journaled_by(job.journal_folder, deaths[-1].pid, left):
                sink.accept(run, journaled=True)
                left.remove(run.idx)
        if not left:
            return
        if len(tasks) > 1:
            # which run killed the worker is unknown: each runs alone, the guilty one dies
            # again there and only its deaths count
            if halted:
                _log.warning("Runs %s of the dead worker are not completed (the sweep is "
                             "stopping).", left)
            else:
                _log.warning("Runs %s of the dead worker run again, each on its own.", left)
                self._retry.extend(left)
            return
        idx = left[0]
        self.deaths[idx].extend(deaths)
        count = len(self.deaths[idx])
        if count <= job.max_retries and not halted:
            _log.warning("Run %d runs again on a new worker (attempt %d of %d).", idx,
                         count + 1, job.max_retries + 1)
            self._retry.appendleft(idx)
            return
        sink.accept(died_outcome(idx, self.deaths[idx], job.hexsha, job.max_retries))

    def _failed(self, tasks: Sequence[RunTask], outcome: TaskOutcome) -> None:
        """The batch itself raised (not a run): remember the error."""
        error = outcome.error
        assert error is not None
        lost = [task.idx for task in tasks]
        error.add_note(f"pypet: runs {lost} are not completed (the error did not come from "
                       f"the run function). Worker traceback:\n{outcome.traceback}")
        self.error = self.error or error


def run_pool(job: PoolJob, sink: OutcomeSink, stop: GracefulExit) -> None:
    """Run ``job.indices`` on a pool; the payload reaches each worker once.

    A failed run (under ``on_error='raise'``), a batch error or a graceful exit stops the
    round: no new batch starts, running runs finish and are recorded (after a failed run,
    the batches handed out before its batch run to their end); then the first batch error
    is raised (a run's failure is raised by the caller, through the sink).
    """
    state = _Round(job, sink)
    flag = worker.StopFlag()  # workers start no further run of their batch once it is set
    stop.events.append(flag)
    init = partial(worker.pool_init, lock=job.lock, stop_flag=flag)
    halted = False
    with WorkerPool(job.ncores, worker.pool_handle, initializer=init, payload=job.payload,
                    retries=0, start_retries=job.max_retries, niceness=job.niceness) as pool:
        while True:
            if not halted and (state.error is not None or stop.hit or sink.stopping):
                halted = True
                if state.failed_batch is not None and not stop.hit:
                    flag.stop_after(state.failed_batch)  # earlier batches finish
                else:
                    flag.set()
                for key in pool.stop():  # waiting batches never start
                    del state.inflight[str(key)]
            while not halted and pool.busy + pool.waiting < job.max_inflight:
                task = state.next_task()
                if task is None:
                    break
                key = _label(task.tasks)
                state.inflight[key] = task
                pool.submit(task, key=key)
            if pool.idle:
                break
            for outcome in pool.wait(timeout=_POLL_SECONDS):
                state.take(outcome, halted)
            sink.tick()  # finished runs reach the file even while long runs go on
    if state.error is not None:
        raise state.error
