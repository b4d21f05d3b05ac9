"""Code that runs inside worker processes (pool workers, run processes, executors).

:func:`execute_tasks` is the one worker-side entry: a payload and a list of
:class:`~pypet.execution.batching.RunTask` in, a list of picklable
:class:`~pypet.storage.records.RunOutcome` out (a run's error is part of its outcome).
Around it, one adapter per runner:

* :func:`pool_init` / :func:`pool_handle`: the initializer and handler of a
  :class:`~pypet.execution.procs.WorkerPool` (the payload arrives once per worker);
* :func:`run_alone`: the body of a run process (``use_pool=False``);
* :func:`run_batch_with_payload`: a batch submitted to an executor.

What every pypet child process needs (parent-death signal, Ctrl+C left to the main process,
niceness) is done by :mod:`pypet.execution.procs`; only logging is set up here.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import pickle
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pypet.execution.batching import RunTask, TaskRange
from pypet.execution.locks import SharedLock
from pypet.execution.payload import WorkerPayload
from pypet.execution.wrap import DeferredService, LockedService
from pypet.log.handlers import run_file_handlers
from pypet.log.workers import configure_worker_logging, run_logging
from pypet.storage.records import RunOutcome
from pypet.trajectory.single_run import SingleRun

__all__ = ["PoolTask", "StopFlag", "execute_tasks", "pool_handle", "pool_init", "prepare",
           "run_alone", "run_batch_with_payload"]

_runs_done = 0
#: executors without an initializer: payloads unpickled once per process, by digest
_cache: dict[str, WorkerPayload] = {}


#: no stop: every batch runs to its end
_NO_LIMIT = 2 ** 62


class StopFlag:
    """Tells pool workers which batches may still start runs: those numbered up to a limit.

    The main process lowers the limit when the sweep stops: to -1 at a graceful exit (no
    run starts any more; :meth:`set`, as the Ctrl+C handler calls it), or to the number of
    the batch whose run failed under ``on_error='raise'`` (:meth:`stop_after`): batches handed
    out before it finish, as a serial sweep finishes the runs before a failing one; later
    ones start no run. A word of shared memory without a lock: a worker killed while
    reading it cannot leave anything locked (a ``multiprocessing.Event`` has a lock inside).
    """

    def __init__(self) -> None:
        self._limit = mp.RawValue("q", _NO_LIMIT)

    def set(self) -> None:
        """Stop every batch before its next run."""
        self._limit.value = -1

    def stop_after(self, number: int) -> None:
        """Batches numbered above ``number`` start no further run."""
        self._limit.value = min(self._limit.value, number)

    def allows(self, number: int) -> bool:
        """Whether batch ``number`` may start its next run."""
        return number <= self._limit.value


@dataclass(frozen=True, slots=True)
class PoolTask:
    """A batch of runs for a pool worker, numbered in the order batches are handed out."""

    tasks: Sequence[RunTask]  #: a tuple, or a TaskRange (consecutive runs, the payload's args)
    number: int = 0

    def __reduce__(self) -> tuple[Any, tuple]:
        if isinstance(self.tasks, TaskRange):
            return PoolTask, (self.tasks, self.number)  # travels as its range
        # runs whose arguments travel with the payload cross the pipe as their indices
        # (pickling one small dataclass per run cost the main process microseconds per run)
        if all(task.args is None and task.kwargs is None for task in self.tasks):
            return _indices_task, (tuple(task.idx for task in self.tasks), self.number)
        return PoolTask, (self.tasks, self.number)


def _indices_task(indices: tuple[int, ...], number: int) -> PoolTask:
    """The PoolTask of runs ``indices`` whose arguments are the payload's."""
    return PoolTask(tuple(RunTask(idx) for idx in indices), number)


@dataclass
class _PoolState:
    payload: WorkerPayload
    stop: StopFlag | None


def pool_init(payload_bytes: bytes, lock: SharedLock | None = None,
              stop_flag: StopFlag | None = None) -> _PoolState:
    """Pool initializer: unpickle the payload once, set up logging."""
    payload = prepare(pickle.loads(payload_bytes), lock)
    configure_worker_logging(payload.log_spec)
    # the worker's modules and trajectory live as long as the worker: set aside for the
    # cyclic garbage collector, which would otherwise walk them at every full collection
    gc.freeze()
    return _PoolState(payload, stop_flag)


def pool_handle(state: _PoolState, task: PoolTask) -> list[RunOutcome]:
    """Pool handler: run one batch with this worker's payload."""
    flag = state.stop
    stop = None if flag is None else (lambda: not flag.allows(task.number))
    return execute_tasks(state.payload, task.tasks, stop)


def run_alone(shipped: WorkerPayload | bytes, lock: SharedLock | None,
              task: RunTask) -> RunOutcome:
    """Body of a run process: one run. ``shipped`` is the inherited payload (fork) or its
    pickle (a fork server, when threads run in the main process)."""
    given = pickle.loads(shipped) if isinstance(shipped, bytes) else shipped
    payload = prepare(given, lock)
    configure_worker_logging(payload.log_spec)
    return execute_tasks(payload, [task])[0]


def prepare(payload: WorkerPayload, lock: SharedLock | None) -> WorkerPayload:
    """Give the worker's trajectory the service its wrap mode needs, and the worker a
    journal segment of its own (a forked child inherits its parent's writer)."""
    if payload.journal is not None:
        payload.journal = payload.journal.for_this_process()
    traj = payload.traj
    traj.v_full_copy = False
    if payload.service is not None and lock is not None:
        traj.v_storage_service = LockedService(payload.service, lock, travels=False)
    else:
        payload.service = None
        traj.v_storage_service = DeferredService(payload.options.wrap_mode)
    return payload


def execute_tasks(payload: WorkerPayload, tasks: Sequence[RunTask],
                  stop: Callable[[], bool] | None = None) -> list[RunOutcome]:
    """Run ``tasks`` in this process; return their outcomes (ready to be pickled).

    With ``stop_at_failure`` a failing run ends the batch (its outcome is the last one);
    when ``stop()`` turns True (the sweep stops) no further run starts. With a journal
    (resumable), each outcome is journaled as soon as its run ends: if this process dies
    before the batch is back, the finished runs are read from the journal, not run again.
    """
    global _runs_done
    options, traj, journal = payload.options, payload.traj, payload.journal
    per_run_files = run_file_handlers()
    outcomes = []
    # one run object for the batch; the default point comes back once, after the batch
    # (the next run sets its own)
    run = SingleRun(traj, 0, payload.hexsha, automatic_store=options.automatic_store,
                    defer_stores=options.defer_stores, clean_up=True, restore=False)
    for task in tasks:
        if stop is not None and stop():
            break  # graceful exit: the rest of the batch does not start
        args, kwargs = (payload.args, payload.kwargs) if task.args is None else \
            (task.args, task.kwargs or {})
        run.again(task.idx)
        if per_run_files:
            with run_logging(task.idx, traj):  # per-run log files ($run in a file name)
                outcome = run.execute(payload.func, args, kwargs).portable()
        else:
            outcome = run.execute(payload.func, args, kwargs).portable()
        if journal is not None:
            journal.append(outcome)
        outcomes.append(outcome)
        _runs_done += 1
        if options.gc_interval and _runs_done % options.gc_interval == 0:
            gc.collect()
        if outcome.error is not None and options.stop_at_failure:
            break
    traj.f_restore_default()
    if journal is not None:
        journal.sync()  # the batch policy: once per batch of runs
    return outcomes


def run_batch_with_payload(payload_bytes: bytes, digest: str,
                           tasks: Sequence[RunTask]) -> list[RunOutcome]:
    """Executor entry point: the payload travels with the batch, unpickled once per process."""
    # one trajectory per thread: executors such as Dask may run several batches of a
    # process in threads at once, and a trajectory is the state of one run at a time
    key = f"{digest}:{threading.get_ident()}"
    payload = _cache.get(key)
    if payload is None:
        payload = prepare(pickle.loads(payload_bytes), None)
        configure_worker_logging(payload.log_spec)  # executors run no initializer
        for old in [k for k in _cache if not k.startswith(digest)]:
            del _cache[old]  # one experiment at a time per process
        _cache[key] = payload
    return execute_tasks(payload, tasks)
