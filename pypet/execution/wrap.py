"""Storage services as workers see them, one per wrap mode.

* LOCK: :class:`LockedService` — the real service, every call under a shared lock; workers
  store (and may load) themselves.
* QUEUE / PIPE / LOCAL / NONE: :class:`DeferredService` — workers never touch the file; what a
  run adds travels back with its outcome and the one writer stores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.service import Capabilities, LoadSink, RunTableData, StorageService

if TYPE_CHECKING:
    from pypet.execution.locks import SharedLock
    from pypet.storage.records import LinkRecord, Record, RunOutcome, TrajectoryImage

__all__ = ["DeferredService", "LockedService", "StoreOnlyService"]


def _unwrapped(service: StorageService) -> StorageService:
    return service


class LockedService(StorageService):
    """Wraps a service so that each call holds ``lock`` (shared by several processes: a
    :class:`~pypet.execution.locks.FileLock`, which the kernel releases if its holder dies).

    Settings of the wrapped service (``filename``, ``complevel`` ...) read through.
    ``travels``: whether the wrapper keeps its lock when pickled (a ``MultiprocContext``'s,
    handed to the user's workers); an Environment's workers get the lock when they start,
    so their wrapper, pickled later (a run returning its trajectory), goes as the service
    it wraps.
    """

    def __init__(self, service: StorageService, lock: SharedLock,
                 travels: bool = True) -> None:
        self._service, self._lock, self._travels = service, lock, travels
        # what the wrapped service can do, now safe for several processes
        self.capabilities = Capabilities(  # type: ignore[misc]
            multiproc_safe=True, run_table=service.capabilities.run_table,
            loads=service.capabilities.loads)
        self.config_group = service.config_group  # type: ignore[misc]

    @property
    def location(self) -> str:
        return self._service.location

    @property
    def wrapped(self) -> StorageService:
        """The service every call goes to."""
        return self._service

    @property
    def lock(self) -> Any:
        """The shared lock (a run may hold it to do several storage calls in one turn)."""
        return self._lock

    def session(self, traj_name: str) -> AbstractContextManager[Any]:
        return nullcontext()  # never keep the file open: other processes take turns

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A lock travels only to a process being started. Pickled otherwise (a run returning
        # its trajectory, as pypet's own tests do), the wrapper goes as the service it wraps.
        # (A manager's lock pickles anywhere and stays; a plain one cannot leave.)
        from multiprocessing.context import get_spawning_popen
        from multiprocessing.synchronize import SemLock

        if get_spawning_popen() is None and (not self._travels or
                                             isinstance(self._lock, SemLock)):
            return _unwrapped, (self._service,)
        return super().__reduce_ex__(protocol)

    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        with self._lock:
            self._service.store_trajectory(image, only_init, store_data)

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        records = list(records)  # made outside the lock: it may take a while
        with self._lock:
            self._service.store_records(traj_name, records, store_data, overwrite)

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        with self._lock:
            self._service.store_runs(traj_name, outcomes, length, replace)

    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        with self._lock:
            return self._service.load_trajectory(sink, name, index, modes, max_depth,
                                                 with_run_information, with_meta_data, force)

    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        with self._lock:
            return self._service.load_records(sink, traj_name, full_names, load_data,
                                              recursive, max_depth, load_only, load_except)

    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        with self._lock:
            self._service.delete_nodes(traj_name, full_names, recursive, delete_only)

    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        with self._lock:
            self._service.delete_links(traj_name, links)

    def read_run_table(self, traj_name: str) -> RunTableData:
        with self._lock:
            return self._service.read_run_table(traj_name)

    def config_entries(self) -> dict[str, Any]:
        return self._service.config_entries()

    def adopt_config(self, entries: dict[str, Any]) -> None:
        self._service.adopt_config(entries)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet while unpickling
            raise AttributeError(name)
        return getattr(self._service, name)  # settings such as filename, complevel


class StoreOnlyService(StorageService):
    """A worker's service that stores (or hands storing on) but never opens the file: every
    load and delete raises :meth:`_refuse`'s error, which names the way out."""

    capabilities = Capabilities(loads=False)

    def _refuse(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} cannot load or delete.")

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


class DeferredService(StoreOnlyService):
    """A worker's service when one writer stores everything: storing is left to the writer.

    Runs in such workers defer their own ``f_store()`` (see
    :class:`~pypet.trajectory.single_run.SingleRun`); loading is not possible because the
    worker must not open the file.
    """

    def __init__(self, wrap_mode: str | None) -> None:
        self._mode = wrap_mode  #: None on an executor (there wrap modes do not apply)

    def _refuse(self) -> Any:
        if self._mode is None:
            raise NotImplementedError(
                "Loading (or deleting) during a run is not possible on an executor: only the "
                "driver process opens the file. Load what the runs need before env.run, or "
                "use multiproc=True with wrap_mode='LOCK'."
            )
        raise NotImplementedError(
            f"Loading (or deleting) during a run is not possible with "
            f"wrap_mode={self._mode!r}: workers do not open the file. Use wrap_mode='LOCK' "
            "to load inside runs."
        )

    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        """Deferred to the writer."""

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Deferred to the writer."""

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Deferred to the writer."""

