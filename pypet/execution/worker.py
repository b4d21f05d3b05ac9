"""Code that runs inside worker processes (pool workers, forked children, executors)."""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from pypet.execution.payload import WorkerPayload
from pypet.execution.single_run import run_one
from pypet.execution.wrap import DeferredService, LockedService
from pypet.log.workers import configure_worker_logging
from pypet.storage.records import RunOutcome

__all__ = ["init_worker", "run_batch", "run_batch_with_payload", "strip"]

#: the payload of this worker process (set once by init_worker)
_payload: WorkerPayload | None = None
_runs_done = 0
#: set by the parent at a graceful exit (pool workers only)
_stop_event: Any = None
#: attribute of a run's exception that carries the batch's runs finished before it
FINISHED_ATTR = "_pypet_finished_outcomes"
#: executors without an initializer: payloads unpickled once per process, by digest
_cache: dict[str, WorkerPayload] = {}


def init_worker(payload_bytes: bytes, lock: Any = None, stop_event: Any = None) -> None:
    """Pool initializer: unpickle the payload once and apply niceness.

    ``stop_event`` (a multiprocessing Event) is set by the parent at a graceful exit; a
    worker then starts no further run, even of batches already queued to it.
    """
    global _payload, _stop_event
    _payload = _prepare(pickle.loads(payload_bytes), lock)
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
    if payload.graceful_exit:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process finishes the runs
    if payload.niceness:
        os.nice(payload.niceness)


def _prepare(payload: WorkerPayload, lock: Any) -> WorkerPayload:
    """Give the worker's trajectory the service its wrap mode needs."""
    traj = payload.traj
    traj.v_full_copy = False
    if payload.service is not None and lock is not None:
        traj._storage_service = LockedService(payload.service, lock)
    else:
        payload.service = None
        traj._storage_service = DeferredService(payload.wrap_mode)
    return payload


def strip(outcome: RunOutcome) -> RunOutcome:
    """The outcome without its data (after a worker stored the data itself)."""
    return RunOutcome(outcome.idx, outcome.value, outcome.start, outcome.finish,
                      outcome.completed, outcome.hexsha)


def _run(payload: WorkerPayload, batch: Sequence[tuple[int, tuple, dict]]
         ) -> list[RunOutcome]:
    """Run a batch; a run's error carries the batch's finished runs so they are not lost."""
    global _runs_done
    outcomes = []
    failure: Exception | None = None
    for idx, args, kwargs in batch:
        if _stop_event is not None and _stop_event.is_set():
            break  # graceful exit: queued runs do not start
        if args is None:
            args, kwargs = payload.args, payload.kwargs or {}
        try:
            outcomes.append(run_one(payload.traj, idx, payload.func, args, kwargs,
                                    payload.hexsha, store=payload.store,
                                    clean_up=payload.clean_up))
        except Exception as error:
            failure = error
            break
        _runs_done += 1
        if payload.gc_interval and _runs_done % payload.gc_interval == 0:
            gc.collect()
    if outcomes and payload.service is not None and payload.store and payload.store_in_worker:
        # LOCK: store here, under the lock (also the runs finished before a failure)
        payload.traj._storage_service.store_runs(payload.traj.v_name, outcomes, payload.length)
        outcomes = [strip(o) for o in outcomes]
    if failure is not None:
        # An exception's __dict__ is pickled with it, so the finished runs of this batch
        # travel back to the parent, which records them before raising (no lost results).
        if outcomes:
            setattr(failure, FINISHED_ATTR, outcomes)
        raise failure
    return outcomes


def run_batch(batch: Sequence[tuple[int, tuple, dict]]) -> list[RunOutcome]:
    """Run a batch ``[(idx, args, kwargs)]`` with this process's payload."""
    if _payload is None:
        raise RuntimeError("The worker was not initialised (init_worker was not called).")
    return _run(_payload, batch)


def run_batch_with_payload(payload_bytes: bytes, digest: str,
                           batch: Sequence[tuple[int, tuple, dict]]) -> list[RunOutcome]:
    """Executor entry point: the payload travels with the batch, unpickled once per process."""
    # one trajectory per thread: executors such as Dask may run several batches of a
    # process in threads at once, and a trajectory is the state of one run at a time
    key = f"{digest}:{threading.get_ident()}"
    payload = _cache.get(key)
    if payload is None:
        payload = _prepare(pickle.loads(payload_bytes), None)
        configure_worker_logging(payload.log_spec)  # executors run no initializer
        for old in [k for k in _cache if not k.startswith(digest)]:
            del _cache[old]  # one experiment at a time per process
        _cache[key] = payload
    return _run(payload, batch)
