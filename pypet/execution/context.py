"""``MultiprocContext``: make a trajectory safe to store from your own processes or pool."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.execution.locks import FileLock
from pypet.execution.procs import ProcessPerTask
from pypet.execution.procs.start import (
    get_context,
    resolve_start_method,
    starting,
    warn_foreign_threads,
)
from pypet.execution.wrap import LockedService, StoreOnlyService
from pypet.storage.messages import (
    StoreMessage,
    StoreRecords,
    StoreRuns,
    StoreTrajectory,
    deliver,
)
from pypet.storage.modes import NO_OVERWRITE, Overwrite, StoreMode
from pypet.storage.service import Capabilities, StorageService

if TYPE_CHECKING:
    from pypet.execution.locks import SharedLock
    from pypet.storage.records import Record, RunOutcome, TrajectoryImage
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["MultiprocContext", "QueueService", "ReferenceService", "start_manager",
           "write_queue"]

_log = logging.getLogger("pypet.execution.context")


class QueueService(StoreOnlyService):
    """A worker's service in QUEUE/PIPE mode: store calls travel as messages to one writer."""

    capabilities = Capabilities(multiproc_safe=True, loads=False)

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def _send(self, message: StoreMessage) -> None:
        self._queue.put(message)

    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        image.records = tuple(image.records)  # a lazy generator cannot travel
        self._send(StoreTrajectory(image, only_init, StoreMode.of(store_data)))

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        self._send(StoreRecords(traj_name, tuple(records), StoreMode.of(store_data),
                                Overwrite.of(overwrite)))

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        self._send(StoreRuns(traj_name, tuple(o.portable() for o in outcomes), length,
                             replace))

    def _refuse(self) -> Any:
        raise NotImplementedError("With wrap_mode='QUEUE' workers can store but not load or "
                                  "delete; use wrap_mode='LOCK' for that.")



class ReferenceService(QueueService):
    """LOCAL mode: store calls are only collected; the main process stores them later."""

    def __init__(self) -> None:
        self.references: list[StoreMessage] = []

    def _send(self, message: StoreMessage) -> None:
        self.references.append(message)

    def free_references(self) -> list[StoreMessage]:
        """Return and forget the collected store calls."""
        refs, self.references = self.references, []
        return refs


class MultiprocContext:
    """Wraps a trajectory's storage for multiprocessing without an Environment.

    ``start()`` (or ``with``) stores the trajectory's skeleton and replaces
    ``traj.v_storage_service`` by a wrapper: LOCK (a file lock around every call; loading
    works too), QUEUE/PIPE (a queue to a writer process; store only), LOCAL (calls are
    collected; pass them to :meth:`store_references`). ``finalize()`` (or leaving the
    ``with`` block) restores the service and raises any error the writer met.

    No thread of pypet's runs in this process meanwhile, so your own pool may fork: the
    QUEUE writer is a process (started before your workers), and the LOCK lock is an
    ``flock`` on a file of its own, which pickles into your workers and is released by the
    kernel if a worker dies while holding it.
    """

    def __init__(self, trajectory: Trajectory, wrap_mode: str = C.MULTIPROC_MODE_LOCK,
                 full_copy: bool | None = None, manager: Any = None, use_manager: bool = True,
                 lock: SharedLock | None = None, queue: Any = None, queue_maxsize: int = 0,
                 port: Any = None,
                 timeout: float | None = None, gc_interval: int | None = None,
                 log_config: Any = None, log_stdout: bool = False,
                 graceful_exit: bool = False) -> None:
        mode = (wrap_mode or C.MULTIPROC_MODE_NONE).upper()
        if mode not in (C.MULTIPROC_MODE_LOCK, C.MULTIPROC_MODE_QUEUE, C.MULTIPROC_MODE_PIPE,
                        C.MULTIPROC_MODE_LOCAL, C.MULTIPROC_MODE_NONE):
            raise ValueError(f"wrap_mode {wrap_mode!r} is not supported by MultiprocContext.")
        self._traj, self._mode = trajectory, mode
        from pypet.ineffective import warn_ineffective

        for keyword, value, default in (("port", port, None), ("timeout", timeout, None),
                                        ("gc_interval", gc_interval, None),
                                        ("log_config", log_config, None),
                                        ("log_stdout", log_stdout, False),
                                        ("graceful_exit", graceful_exit, False)):
            if value != default:
                warn_ineffective("MultiprocContext", keyword, value)
        self._full_copy = full_copy
        self._manager, self._own_manager = manager, False
        self._lock, self._queue, self._maxsize = lock, queue, queue_maxsize
        self._lock_folder: str | None = None
        self._original: Any = None
        self._writer: ProcessPerTask | None = None
        self._started = False

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("f_", "v_")):  # pypet's spellings: f_start, f_finalize, v_lock
            return getattr(self, name[2:])
        raise AttributeError(f"'MultiprocContext' object has no attribute {name!r}")

    @property
    def lock(self) -> Any:
        """The lock (LOCK mode)."""
        return self._lock

    @property
    def queue(self) -> Any:
        """The queue (QUEUE/PIPE mode)."""
        return self._queue

    def __enter__(self) -> MultiprocContext:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.finalize()

    def start(self) -> None:
        """Store the skeleton and install the wrapper service."""
        traj = self._traj
        if self._full_copy is not None:
            traj.v_full_copy = self._full_copy
        traj.f_store(only_init=not traj.v_stored)
        self._original = traj.v_storage_service
        if self._mode == C.MULTIPROC_MODE_LOCK:
            if self._lock is None:
                self._lock_folder = tempfile.mkdtemp(prefix="pypet-lock-")
                self._lock = FileLock(os.path.join(self._lock_folder, "lock"))
            traj.v_storage_service = LockedService(self._original, self._lock)
        elif self._mode in (C.MULTIPROC_MODE_QUEUE, C.MULTIPROC_MODE_PIPE):
            if self._queue is None:
                self._queue = self._manager_obj().Queue(self._maxsize)
            self._writer = ProcessPerTask(1, retries=0, picklable=True,
                                          name="pypet-queue-writer")
            self._writer.submit(write_queue, (self._queue, self._original, traj.v_name))
            traj.v_storage_service = QueueService(self._queue)
        elif self._mode == C.MULTIPROC_MODE_LOCAL:
            traj.v_storage_service = ReferenceService()
        self._started = True

    def _manager_obj(self) -> Any:
        if self._manager is None:
            self._manager = start_manager()
            self._own_manager = True
        return self._manager

    def store_references(self, references: Iterable[StoreMessage]) -> None:
        """LOCAL mode: store calls collected by workers' ``ReferenceService``."""
        for message in references:
            deliver(self._original, message)

    def finalize(self) -> None:
        """Stop the writer, restore the original service, raise a writer error if any."""
        if not self._started:
            return
        self._started = False
        error = None
        try:
            if self._writer is not None:
                error = self._stop_writer()
        finally:
            self._traj.v_storage_service = self._original
            if self._own_manager:
                self._manager.shutdown()
                self._manager, self._own_manager = None, False
            if self._lock_folder is not None:
                shutil.rmtree(self._lock_folder, ignore_errors=True)
                self._lock, self._lock_folder = None, None
        if error is not None:
            raise error

    def _stop_writer(self) -> BaseException | None:
        """Tell the writer process to finish the queue; return the first error it met."""
        writer, self._writer = self._writer, None
        assert writer is not None
        self._queue.put(None)
        outcomes = []
        with writer:
            while not writer.idle:
                outcomes.extend(writer.wait())
        (outcome,) = outcomes
        if outcome.lost:
            return RuntimeError(f"The queue writer process died: {outcome.error}. What it had "
                                "not stored yet is lost; store the runs again.")
        if outcome.error is not None:  # the writer itself failed (e.g. opening the file)
            outcome.error.add_note(f"pypet: the queue writer failed:\n{outcome.traceback}")
            return outcome.error
        if outcome.result is not None:
            outcome.result.add_note("pypet: the queue writer could not store this; it stored "
                                    "the other queued calls.")
        return outcome.result


def write_queue(queue: Any, service: StorageService, traj_name: str) -> BaseException | None:
    """Body of the queue writer process: store queued calls until ``None``; return the first
    error (each failing call is logged, the others are still stored).

    The file is open only while a batch of queued calls is written: processes started
    meanwhile must not inherit an open file (its lock would outlive us).
    """
    import queue as queue_module

    error: BaseException | None = None
    done = False
    while not done:
        batch = [queue.get()]
        while True:
            try:
                batch.append(queue.get_nowait())
            except queue_module.Empty:
                break
        with service.session(traj_name):
            for item in batch:
                if item is None:
                    done = True
                    break
                try:
                    deliver(service, item)
                except Exception as failure:  # kept and raised by finalize()
                    _log.error("Storing from the queue failed: %r", failure)
                    error = error or failure
    return error


def start_manager() -> Any:
    """A ``multiprocessing`` manager started safely (decision 0008: the start method
    chosen as for pypet's workers; no fork while a pypet thread runs)."""
    method = resolve_start_method(None, picklable=True)
    with starting("the manager process of a MultiprocContext", method) as foreign:
        if foreign:
            warn_foreign_threads("the manager process of a MultiprocContext", foreign)
        manager = get_context(method).Manager()
    _log.debug("MultiprocContext: manager process started with %r.", method)
    return manager
