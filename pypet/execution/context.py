"""``MultiprocContext``: make a trajectory safe to store from your own processes or pool."""

from __future__ import annotations

import logging
import multiprocessing as mp
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.execution.wrap import LockedService
from pypet.storage.messages import (
    StoreMessage,
    StoreRecords,
    StoreRuns,
    StoreTrajectory,
    deliver,
)
from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.service import Capabilities, LoadSink, StorageService

if TYPE_CHECKING:
    from pypet.execution.locks import SharedLock
    from pypet.storage.records import LinkRecord, Record, RunOutcome, TrajectoryImage
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["MultiprocContext", "QueueService", "ReferenceService"]

_log = logging.getLogger("pypet.execution.context")


class QueueService(StorageService):
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

    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        return self._refuse()

    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        return self._refuse()

    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        self._refuse()

    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        self._refuse()


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
    ``traj.v_storage_service`` by a wrapper: LOCK (a manager lock around every call; loading
    works too), QUEUE/PIPE (a queue to a writer thread in this process; store only), LOCAL
    (calls are collected; pass them to :meth:`store_references`). ``finalize()`` (or leaving
    the ``with`` block) restores the service and raises any error the writer met.
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
        self._manager, self._use_manager = manager, use_manager
        self._lock, self._queue, self._maxsize = lock, queue, queue_maxsize
        self._original: Any = None
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
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
                self._lock = self._manager_obj().Lock() if self._use_manager else mp.Lock()
            traj.v_storage_service = LockedService(self._original, self._lock)
        elif self._mode in (C.MULTIPROC_MODE_QUEUE, C.MULTIPROC_MODE_PIPE):
            if self._queue is None:
                self._queue = self._manager_obj().Queue(self._maxsize)
            self._writer = threading.Thread(target=self._write_loop, name="pypet-writer",
                                            daemon=True)
            self._writer.start()
            traj.v_storage_service = QueueService(self._queue)
        elif self._mode == C.MULTIPROC_MODE_LOCAL:
            traj.v_storage_service = ReferenceService()
        self._started = True

    def _manager_obj(self) -> Any:
        if self._manager is None:
            self._manager = mp.Manager()
        return self._manager

    def _write_loop(self) -> None:
        """The one writer: store queued calls; remember the first error.

        The file is open only while a batch of queued calls is written: processes the user
        forks meanwhile must not inherit an open file (its lock would outlive us).
        """
        import queue as queue_module

        try:
            done = False
            while not done:
                batch = [self._queue.get()]
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue_module.Empty:
                        break
                with self._original.session(self._traj.v_name):
                    for item in batch:
                        if item is None:
                            done = True
                            break
                        self._store(item)
        except BaseException as error:  # the writer itself died: finalize() must say so
            _log.error("The queue writer stopped: %r", error)
            self._error = self._error or error

    def _store(self, message: StoreMessage) -> None:
        try:
            deliver(self._original, message)
        except BaseException as error:  # kept and raised by finalize()
            _log.error("Storing from the queue failed: %r", error)
            self._error = self._error or error

    def store_references(self, references: Iterable[StoreMessage]) -> None:
        """LOCAL mode: store calls collected by workers' ``ReferenceService``."""
        for message in references:
            deliver(self._original, message)

    def finalize(self) -> None:
        """Stop the writer, restore the original service, raise a writer error if any."""
        if not self._started:
            return
        self._started = False
        if self._writer is not None:
            if self._writer.is_alive():
                self._queue.put(None)
            self._writer.join()
            self._writer = None
        self._traj.v_storage_service = self._original
        if self._manager is not None and self._use_manager:
            self._manager.shutdown()
            self._manager = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
