"""Choosing and driving the runner for one batch of runs (serial, pool, fork, executor).

Who writes: with an executor, or wrap modes QUEUE/PIPE/LOCAL/NONE, the main process is the
one writer and keeps the file open; workers send outcomes back. With LOCK, every process
(the main one included) opens the file only while holding a shared lock: pool workers
store their batches themselves, a forked run process (one run each) sends its outcome back
and the main process stores outcomes in batches, so no process opens the file per run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.execution.batching import mp_context
from pypet.execution.caps import CapMonitor
from pypet.execution.payload import WorkerPayload, dump_payload
from pypet.execution.progress import ProgressReporter
from pypet.execution.serial import run_serial
from pypet.execution.sigint import graceful_exit
from pypet.execution.sink import OutcomeSink
from pypet.execution.wrap import LockedService
from pypet.execution.writer import RunWriter
from pypet.log.setup import current_worker_spec

if TYPE_CHECKING:
    from pypet.settings.environment import EnvironmentSettings
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["execute"]


def _lock_mode(settings: EnvironmentSettings, service: Any) -> bool:
    """Whether workers use the real service under a shared lock (LOCK, or NONE + a safe service)."""
    if settings.executor is not None:
        return False
    if settings.wrap_mode == C.MULTIPROC_MODE_LOCK:
        return True
    return settings.wrap_mode == C.MULTIPROC_MODE_NONE and getattr(service, "multiproc_safe",
                                                                   False)


def execute(traj: Trajectory, settings: EnvironmentSettings, indices: Sequence[int],
            func: Callable[..., Any], args_for: Callable[[int], tuple[tuple, dict]],
            constant_args: bool, hexsha: str) -> tuple[list[tuple[int, Any]], bool]:
    """Run ``indices``; return ``([(idx, value), ...], interrupted)`` in finishing order."""
    service = traj.v_storage_service
    store = settings.automatic_storing
    parallel = settings.multiproc or settings.executor is not None
    # LOCK: workers hold the real service under a lock, also without automatic storing, so
    # that a run's own traj.f_store() and loading work. Otherwise workers send their data
    # back and this process writes it: the automatic store, or what a run stored itself.
    locked = parallel and _lock_mode(settings, service)
    lock = mp_context().Lock() if locked else None
    forked = parallel and settings.executor is None and not settings.use_pool
    workers_store = locked and not forked
    needs_writer = (store or parallel) and not workers_store
    writer_service = LockedService(service, lock) if locked else service
    writer = RunWriter(writer_service, traj.v_name, len(traj)) if needs_writer else None
    sink = OutcomeSink(traj, writer, ProgressReporter(len(indices), settings.report_progress))
    # The one writer keeps the file open for the whole phase, except with an executor: a
    # user's fork-based executor may start workers at any submit, and a worker that inherits
    # the open HDF5 descriptor keeps the file locked after the run (even for reloading).
    # There each batch opens and closes the file instead.
    # Only a serial run keeps the file open throughout: with worker processes the file is
    # opened per batch, so no worker is ever forked with an open HDF5 handle (which would
    # keep the file locked if the main process died).
    long_session = writer is not None and not parallel
    session = service.session(traj.v_name) if long_session else contextlib.nullcontext()
    with graceful_exit(settings.graceful_exit) as stop, session:
        try:
            if not parallel:
                run_serial(traj, indices, func, args_for, sink, hexsha, store,
                           settings.clean_up_runs, stop)
            else:
                _parallel(traj, settings, indices, func, args_for, constant_args, hexsha,
                          sink, store, lock, workers_store, stop)
        finally:
            sink.flush()
    return sink.results, stop.hit


def _parallel(traj: Trajectory, settings: EnvironmentSettings, indices: Sequence[int],
              func: Callable[..., Any], args_for: Callable[[int], tuple[tuple, dict]],
              constant_args: bool, hexsha: str, sink: OutcomeSink, store: bool, lock: Any,
              workers_store: bool, stop: Any) -> None:
    args, kwargs = args_for(indices[0]) if constant_args and indices else ((), {})
    payload = WorkerPayload(traj, func, args, kwargs, hexsha, clean_up=True, store=store,
                            service=traj.v_storage_service if lock is not None else None,
                            store_in_worker=workers_store,
                            wrap_mode=None if settings.executor is not None
                            else settings.wrap_mode, length=len(traj),
                            niceness=settings.niceness, gc_interval=settings.gc_interval,
                            graceful_exit=settings.graceful_exit,
                            log_spec=current_worker_spec())
    if settings.executor is not None:
        from pypet.execution.executors import executor_for, run_on_executor

        data = dump_payload(payload, use_pool=True)
        with executor_for(settings.executor, settings.ncores) as (executor, client):
            run_on_executor(executor, client, settings.ncores, indices, args_for,
                            constant_args, sink, data, stop)
    elif settings.use_pool:
        from pypet.execution.pool import run_pool

        maxsize = settings.queue_maxsize
        inflight = 2 * settings.ncores if maxsize == -1 else (maxsize or len(indices) or 1)
        run_pool(indices, args_for, constant_args, sink, dump_payload(payload, use_pool=True),
                 settings.ncores, lock, max(1, inflight), stop)
    else:
        from pypet.execution.forked import run_forked

        caps = CapMonitor(settings.cpu_cap, settings.memory_cap, settings.swap_cap)
        run_forked(indices, args_for, sink, payload, settings.ncores, lock, caps, stop)
