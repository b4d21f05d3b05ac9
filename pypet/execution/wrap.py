"""Storage services as workers see them, one per wrap mode.

* LOCK: :class:`LockedService` — the real service, every call under a shared lock; workers
  store (and may load) themselves.
* QUEUE / PIPE / LOCAL / NONE: :class:`DeferredService` — workers never touch the file; what a
  run adds travels back with its outcome and the one writer stores it.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from pypet.storage.service import StorageService

__all__ = ["DeferredService", "LockedService"]


def _unwrapped(service: Any) -> Any:
    return service


class LockedService(StorageService):
    """Wraps a service so that each call holds ``lock`` (a multiprocessing lock)."""

    multiproc_safe = True

    def __init__(self, service: Any, lock: Any) -> None:
        self._service, self._lock = service, lock

    def session(self, traj_name: str) -> Any:
        return nullcontext()  # never keep the file open: other processes take turns

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A lock travels only to a process being started. Pickled otherwise (a run returning
        # its trajectory, as pypet's own tests do), the wrapper goes as the service it wraps.
        # (A manager's lock pickles anywhere and stays; a plain one cannot leave.)
        from multiprocessing.context import get_spawning_popen
        from multiprocessing.synchronize import SemLock

        if isinstance(self._lock, SemLock) and get_spawning_popen() is None:
            return _unwrapped, (self._service,)
        return super().__reduce_ex__(protocol)

    def _locked(self, method: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return getattr(self._service, method)(*args, **kwargs)

    def store_trajectory(self, *args: Any, **kwargs: Any) -> None:
        self._locked("store_trajectory", *args, **kwargs)

    def store_records(self, *args: Any, **kwargs: Any) -> None:
        self._locked("store_records", *args, **kwargs)

    def store_runs(self, *args: Any, **kwargs: Any) -> None:
        self._locked("store_runs", *args, **kwargs)

    def load_trajectory(self, *args: Any, **kwargs: Any) -> str:
        return self._locked("load_trajectory", *args, **kwargs)

    def load_records(self, *args: Any, **kwargs: Any) -> int:
        return self._locked("load_records", *args, **kwargs)

    def delete_nodes(self, *args: Any, **kwargs: Any) -> None:
        self._locked("delete_nodes", *args, **kwargs)

    def delete_links(self, *args: Any, **kwargs: Any) -> None:
        self._locked("delete_links", *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet while unpickling
            raise AttributeError(name)
        return getattr(self._service, name)  # settings such as filename, complevel


class DeferredService(StorageService):
    """A worker's service when one writer stores everything: storing is left to the writer.

    ``f_store()`` inside a run is accepted (the run's items travel with its outcome anyway);
    loading is not possible because the worker must not open the file.
    """

    #: run_one includes nodes the user "stored" during the run in the outcome
    defers = True

    def __init__(self, wrap_mode: str | None) -> None:
        self._mode = wrap_mode  #: None on an executor (there wrap modes do not apply)

    def _no_load(self, *args: Any, **kwargs: Any) -> Any:
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

    def store_trajectory(self, *args: Any, **kwargs: Any) -> None:
        """Deferred to the writer."""

    def store_records(self, *args: Any, **kwargs: Any) -> None:
        """Deferred to the writer."""

    def store_runs(self, *args: Any, **kwargs: Any) -> None:
        """Deferred to the writer."""

    load_trajectory = load_records = _no_load  # type: ignore[assignment]

    def delete_nodes(self, *args: Any, **kwargs: Any) -> None:
        self._no_load()

    def delete_links(self, *args: Any, **kwargs: Any) -> None:
        self._no_load()
