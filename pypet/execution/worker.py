"""Code that runs inside worker processes (pool workers, forked children, executors)."""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Sequence
from typing import Any

from pypet.execution.payload import WorkerPayload
from pypet.execution.single_run import run_one
from pypet.execution.wrap import DeferredService, LockedService
from pypet.storage.records import RunOutcome

__all__ = ["init_worker", "run_batch", "run_batch_with_payload", "strip"]

#: the payload of this worker process (set once by init_worker)
_payload: WorkerPayload | None = None
_runs_done = 0
#: executors without an initializer: payloads unpickled once per process, by digest
_cache: dict[str, WorkerPayload] = {}


def init_worker(payload_bytes: bytes, lock: Any = None) -> None:
    """Pool initializer: unpickle the payload once and apply niceness."""
    global _payload
    _payload = _prepare(pickle.loads(payload_bytes), lock)
    if _payload.niceness:
        os.nice(_payload.niceness)


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
    global _runs_done
    outcomes = []
    for idx, args, kwargs in batch:
        if args is None:
            args, kwargs = payload.args, payload.kwargs or {}
        outcomes.append(run_one(payload.traj, idx, payload.func, args, kwargs, payload.hexsha,
                                store=payload.store, clean_up=payload.clean_up))
        _runs_done += 1
        if payload.gc_interval and _runs_done % payload.gc_interval == 0:
            gc.collect()
    if payload.service is not None and payload.store:  # LOCK: store here, under the lock
        payload.traj._storage_service.store_runs(payload.traj.v_name, outcomes, payload.length)
        outcomes = [strip(o) for o in outcomes]
    return outcomes


def run_batch(batch: Sequence[tuple[int, tuple, dict]]) -> list[RunOutcome]:
    """Run a batch ``[(idx, args, kwargs)]`` with this process's payload."""
    if _payload is None:
        raise RuntimeError("The worker was not initialised (init_worker was not called).")
    return _run(_payload, batch)


def run_batch_with_payload(payload_bytes: bytes, digest: str,
                           batch: Sequence[tuple[int, tuple, dict]]) -> list[RunOutcome]:
    """Executor entry point: the payload travels with the batch, unpickled once per process."""
    payload = _cache.get(digest)
    if payload is None:
        payload = _prepare(pickle.loads(payload_bytes), None)
        _cache.clear()  # one experiment at a time per process
        _cache[digest] = payload
    return _run(payload, batch)
