"""Code that runs inside worker processes (pool workers, forked children, executors).

:func:`execute_tasks` is the one worker-side entry: a payload and a list of
:class:`~pypet.execution.batching.RunTask` in, a list of picklable
:class:`~pypet.storage.records.RunOutcome` out (a run's error is part of its outcome).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from pypet.execution.batching import RunTask
from pypet.execution.locks import SharedLock
from pypet.execution.payload import WorkerPayload
from pypet.execution.wrap import DeferredService, LockedService
from pypet.log.workers import configure_worker_logging, run_logging
from pypet.storage.records import RunOutcome
from pypet.storage.run_writer import RunWriter
from pypet.trajectory.persistence import service_of
from pypet.trajectory.single_run import SingleRun

__all__ = ["execute_tasks", "init_worker", "prepare", "process_setup", "run_batch",
           "run_batch_with_payload"]

#: the payload of this worker process (set once by init_worker)
_payload: WorkerPayload | None = None
_runs_done = 0
#: set by the parent at a graceful exit (pool workers only)
_stop_event: Any = None
#: executors without an initializer: payloads unpickled once per process, by digest
_cache: dict[str, WorkerPayload] = {}


def init_worker(payload_bytes: bytes, lock: SharedLock | None = None,
                stop_event: Any = None) -> None:
    """Pool initializer: unpickle the payload once and apply niceness.

    ``stop_event`` (a multiprocessing Event) is set by the parent at a graceful exit; a
    worker then starts no further run, even of batches already queued to it.
    """
    global _payload, _stop_event
    _payload = prepare(pickle.loads(payload_bytes), lock)
    _stop_event = stop_event
    process_setup(_payload)


def _die_with_parent() -> None:
    """Linux: end this worker when the main process dies (it would otherwise run on alone).

    Elsewhere a no-op; pool workers then notice the broken queue at their next task.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PDEATHSIG
        except (OSError, AttributeError):  # no usable libc: nothing to do
            pass


def process_setup(payload: WorkerPayload) -> None:
    """What every worker process does once: parent-death signal, Ctrl+C, niceness, logging."""
    _die_with_parent()
    configure_worker_logging(payload.log_spec)
    if payload.options.graceful_exit:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process finishes the runs
    if payload.options.niceness:
        os.nice(payload.options.niceness)


def prepare(payload: WorkerPayload, lock: SharedLock | None) -> WorkerPayload:
    """Give the worker's trajectory the service its wrap mode needs."""
    traj = payload.traj
    traj.v_full_copy = False
    if payload.service is not None and lock is not None:
        traj.v_storage_service = LockedService(payload.service, lock)
    else:
        payload.service = None
        traj.v_storage_service = DeferredService(payload.options.wrap_mode)
    return payload


def execute_tasks(payload: WorkerPayload, tasks: Sequence[RunTask]) -> list[RunOutcome]:
    """Run ``tasks`` in this process; return their outcomes (ready to be pickled).

    With ``stop_at_failure`` a failing run ends the batch (its outcome is the last one).
    A LOCK-mode pool worker stores the outcomes itself, through a RunWriter under the lock
    (journaling them first when resumable), and returns them without their data.
    """
    global _runs_done
    options, traj = payload.options, payload.traj
    outcomes = []
    for task in tasks:
        if _stop_event is not None and _stop_event.is_set():
            break  # graceful exit: queued runs do not start
        args, kwargs = (payload.args, payload.kwargs) if task.args is None else \
            (task.args, task.kwargs or {})
        run = SingleRun(traj, task.idx, payload.hexsha,
                        automatic_store=options.automatic_store,
                        defer_stores=options.defer_stores, clean_up=True)
        with run_logging(task.idx, traj):  # per-run log files ($run in a file name)
            outcome = run.execute(payload.func, args, kwargs)
        outcomes.append(outcome)
        _runs_done += 1
        if options.gc_interval and _runs_done % options.gc_interval == 0:
            gc.collect()
        if outcome.error is not None and options.stop_at_failure:
            break
    if outcomes and options.worker_writes and payload.service is not None:
        writer = RunWriter(service_of(traj), traj.v_name, payload.length,
                           journal=payload.journal, replace=options.replace_stored)
        writer.add_all(outcomes)
        writer.flush()
        outcomes = [outcome.without_data() for outcome in outcomes]
    return [outcome.portable() for outcome in outcomes]


def run_batch(tasks: Sequence[RunTask]) -> list[RunOutcome]:
    """Pool entry point: run ``tasks`` with this process's payload."""
    if _payload is None:
        raise RuntimeError("The worker was not initialised (init_worker was not called).")
    return execute_tasks(_payload, tasks)


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
