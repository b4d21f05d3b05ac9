"""Choosing and driving the runner for one round of runs (serial, pool, fork, executor).

Who writes: the main process is the one writer of finished runs, in every mode; workers
send their outcomes back, and the main process stores them in big batches through a
:class:`~pypet.storage.run_writer.RunWriter` (few, large appends keep the file small and
the runs cheap). With LOCK, every process opens the file only while holding a shared lock:
the main process to store the batches, a worker for what a run stores or loads itself
(``traj.f_store()``, ``f_load_items``) inside the run. Without processes, the main process
keeps the file open throughout.

Resumable experiments journal every outcome before it counts: the main process journals
what it runs itself (serially) and what an executor sends back; a pool worker or a run
process appends each outcome to a journal segment of its own as soon as the run ends, so a
SIGKILL of any process, the main one included, loses no run that finished in a worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.execution.batching import ArgsFor
from pypet.execution.caps import CapMonitor
from pypet.execution.locks import FileLock
from pypet.execution.payload import (
    RunOptions,
    WorkerPayload,
    dump_payload,
    picklable_or_explain,
)
from pypet.execution.progress import ProgressReporter
from pypet.execution.serial import run_serial
from pypet.execution.sigint import graceful_exit
from pypet.execution.sink import OutcomeSink
from pypet.execution.wrap import LockedService
from pypet.log.setup import current_worker_spec
from pypet.storage.run_writer import RunWriter
from pypet.trajectory.persistence import service_of

if TYPE_CHECKING:
    from pypet.execution.journal import JournalWriter
    from pypet.execution.returned import ReturnedValues
    from pypet.execution.sigint import GracefulExit
    from pypet.settings.options import EnvironmentSettings, ParallelSettings
    from pypet.storage.service import StorageService
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["Round", "execute"]

_log = logging.getLogger("pypet.execution")

#: runs per written batch (at least every 2 s): a batch ends with an HDF5 flush of
#: every column (a few ms) and, with worker processes, the file is opened per batch
_BATCH_RUNS = 25_000


@dataclass
class Round:
    """One round of runs: which, with what, and where finished runs are journaled."""

    indices: Sequence[int]
    func: Callable[..., Any]
    args_for: ArgsFor
    constant_args: bool
    hexsha: str
    journal: JournalWriter | None = None
    #: rewrite what runs already have in storage (a resumed experiment: runs that were in
    #: flight at the crash may have left part of their data in the file)
    replace: bool = False
    #: immediate post-processing: called when no run waits any more (forked runner)
    on_idle: Callable[[OutcomeSink, Any], Sequence[int]] | None = None


def _lock_mode(settings: EnvironmentSettings, service: StorageService) -> bool:
    """Whether workers use the real service under a shared lock (LOCK, or NONE + a safe service)."""
    if settings.parallel.executor is not None:
        return False
    if settings.parallel.wrap_mode == C.MULTIPROC_MODE_LOCK:
        return True
    return settings.parallel.wrap_mode == C.MULTIPROC_MODE_NONE and \
        service.capabilities.multiproc_safe


def execute(traj: Trajectory, settings: EnvironmentSettings,
            job: Round) -> tuple[ReturnedValues, bool, OutcomeSink]:
    """Run ``job.indices``; return ``([(idx, value), ...], interrupted, sink)``.

    Values come in finishing order; failed runs are in ``sink.failures``. Under
    ``on_error='raise'`` the first failure is raised after everything finished is stored.
    """
    service = service_of(traj)
    store = settings.run.automatic_storing
    parallel = settings.parallel.multiproc or settings.parallel.executor is not None
    # LOCK: workers hold the real service under a lock, also without automatic storing, so
    # that a run's own traj.f_store() and loading work. Otherwise workers send their data
    # back and this process writes it: the automatic store, or what a run stored itself.
    locked = parallel and _lock_mode(settings, service)
    p = settings.parallel
    with _shared_lock(locked) as lock:
        writer_service = LockedService(service, lock) if lock is not None else service
        writer = RunWriter(writer_service, traj.v_name, len(traj), journal=job.journal,
                           replace=job.replace, max_runs=_BATCH_RUNS)
        options = RunOptions(
            automatic_store=store,
            # a resumable run keeps everything in its outcome, so the journal holds it all;
            # workers that do not write leave their f_store() to the writer
            defer_stores=job.journal is not None or (parallel and not locked),
            stop_at_failure=settings.run.on_error == "raise",
            wrap_mode=None if p.executor is not None else p.wrap_mode,
            gc_interval=p.gc_interval)
        progress = ProgressReporter(len(job.indices), settings.run.report_progress)
        sink = OutcomeSink(traj, writer, progress, stop_on_failure=options.stop_at_failure)
        # Only a serial run keeps the file open throughout: with worker processes the file
        # is opened per batch, so no worker is ever forked with an open HDF5 handle (which
        # would keep the file locked if the main process died).
        session = service.session(traj.v_name) if not parallel else contextlib.nullcontext()
        with graceful_exit(settings.run.graceful_exit) as stop, session:
            try:
                if not parallel:
                    run_serial(traj, job.indices, job.func, job.args_for, sink, job.hexsha,
                               options, settings.run.clean_up_runs, stop)
                else:
                    _parallel(traj, settings, job, sink, options, lock, stop)
            finally:
                sink.flush()
    sink.raise_failure()
    return sink.results, stop.hit, sink


@contextlib.contextmanager
def _shared_lock(needed: bool) -> Iterator[FileLock | None]:
    """LOCK mode: a lock file in a new temporary folder, removed afterwards.

    A file lock, not a ``multiprocessing.Lock``: the kernel releases it when its holder
    dies (a run process killed while writing does not block the others for ever).
    """
    if not needed:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="pypet-lock-")
    try:
        yield FileLock(os.path.join(folder, "lock"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _parallel(traj: Trajectory, settings: EnvironmentSettings, job: Round, sink: OutcomeSink,
              options: RunOptions, lock: FileLock | None, stop: GracefulExit) -> None:
    indices = job.indices
    args, kwargs = job.args_for(indices[0]) if job.constant_args and indices else ((), {})
    p = settings.parallel
    # workers on this machine journal their own outcomes (an executor's may be elsewhere)
    journal = job.journal if p.executor is None else None
    payload = WorkerPayload(traj, job.func, args, kwargs, job.hexsha, options, len(traj),
                            service=service_of(traj) if lock is not None else None,
                            journal=journal, log_spec=current_worker_spec())
    if p.executor is not None:
        from pypet.execution.executors import executor_for, run_on_executor

        data = dump_payload(payload, use_pool=True)
        _log.info("Runs of %s go to the executor %r.", traj.v_name, p.executor)
        with executor_for(p.executor, p.ncores) as (executor, client):
            run_on_executor(executor, client, p.ncores, indices, job.args_for,
                            job.constant_args, sink, data, stop)
        return
    pool_data = _pool_payload(payload, job, p) if p.use_pool else None
    if pool_data is not None:
        from pypet.execution.pool import PoolJob, run_pool

        _log.info("Runs of %s go to a pool of %d worker processes (%s).", traj.v_name,
                  p.ncores, "chosen for multiproc=True; use_pool=False gives each run its "
                  "own process" if p.pool_chosen else "use_pool=True")
        maxsize = p.queue_maxsize
        inflight = 2 * p.ncores if maxsize == -1 else (maxsize or len(indices) or 1)
        run_pool(PoolJob(indices, job.args_for, job.constant_args, pool_data, job.hexsha,
                         p.ncores, max(1, inflight), p.max_retries, p.niceness, lock,
                         journal.folder if journal is not None else None), sink, stop)
    else:
        from pypet.execution.forked import run_forked

        if not p.use_pool:
            _log.info("Each run of %s gets a process of its own, at most %d at a time (%s).",
                      traj.v_name, p.ncores, _why_one_process_per_run(p))

        caps = CapMonitor(p.cpu_cap, p.memory_cap, p.swap_cap)
        on_idle = None
        if job.on_idle is not None:
            hook = job.on_idle

            def on_idle() -> Sequence[int]:
                return hook(sink, LockedService(service_of(traj), lock)
                            if lock is not None else None)

        run_forked(indices, job.args_for, sink, payload, p.ncores, lock, caps, stop, on_idle,
                   p.max_retries, p.niceness)


def _why_one_process_per_run(p: ParallelSettings) -> str:
    """Why the runs were not given to a pool (for the log)."""
    if p.capped:
        return "cpu_cap/memory_cap/swap_cap apply to one process per run"
    if p.immediate_postproc:
        return "immediate_postproc=True"
    return "use_pool=False"


def _pool_payload(payload: WorkerPayload, job: Round, p: ParallelSettings) -> bytes | None:
    """The pickled payload for a pool; None when the pool was chosen for the user (not
    asked for) and what the runs need does not pickle: each run then gets a process of its
    own, which needs no pickling (decision 0014)."""
    if not p.pool_chosen:
        return dump_payload(payload, use_pool=True)
    try:
        data = dump_payload(payload, use_pool=True)
        if not job.constant_args and job.indices:  # per-run arguments travel with the runs
            picklable_or_explain(job.args_for(job.indices[0]), "The first run's arguments",
                                 "")
    except TypeError as error:
        _log.warning("%s Each run gets a process of its own instead of a pool worker, which "
                     "is slower for many short runs; pass use_pool=False to choose this "
                     "yourself.", str(error).split(" With a pool")[0])
        return None
    return data
