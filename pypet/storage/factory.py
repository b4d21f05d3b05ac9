"""Building a storage service from pypet's keywords (``filename=...``, ``storage_service=...``).

Backends are named here as import paths, loaded only when used, so neither the trajectory
nor ``import pypet`` pulls in PyTables.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from pypet.constants import HDF5_EXTENSIONS
from pypet.storage.service import AttachedTrajectory, StorageService

__all__ = ["BACKENDS", "make_service"]

#: backend name -> "module:Class"
BACKENDS = {
    "hdf5": "pypet.storage.hdf5.service:HDF5StorageService",
    "lazy": "pypet.storage.null:LazyStorageService",
    "memory": "pypet.storage.memory:MemoryStorageService",
}


def _load(path: str) -> type:
    module, _, name = path.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), name)


#: what ``storage_service=`` may be: an instance, a class, a name or dotted path, True/None
ServiceChoice = StorageService | type[StorageService] | str | bool | None


def make_service(storage_service: ServiceChoice = None,
                 trajectory: AttachedTrajectory | None = None,
                 **kwargs: Any) -> tuple[StorageService | None, dict[str, Any]]:
    """Return ``(service, unused keywords)``.

    ``storage_service`` may be an instance (used as is), a class, a dotted class path, or
    None/True (HDF5 when a ``filename`` is given or the trajectory needs a file).
    """
    if isinstance(storage_service, StorageService):
        return storage_service, kwargs
    if storage_service is None and "filename" not in kwargs:
        return None, kwargs
    if storage_service is None or storage_service is True:
        filename = kwargs.get("filename")
        if filename is not None and not isinstance(filename, (str, os.PathLike)):
            raise TypeError(
                f"filename must be a path (a str or os.PathLike), got {filename!r}; e.g. "
                "filename='hdf5/experiment.hdf5'."
            )
        if filename is not None:
            ext = os.path.splitext(os.fspath(filename))[1].lower()
            if ext and ext not in HDF5_EXTENSIONS:
                raise ValueError(
                    f"Cannot tell the storage from the file extension of {filename!r}; use one "
                    f"of {HDF5_EXTENSIONS} or pass storage_service=."
                )
        cls = _load(BACKENDS["hdf5"])
    elif isinstance(storage_service, str):
        cls = _load(BACKENDS.get(storage_service.lower(), storage_service))
    elif isinstance(storage_service, type):
        cls = storage_service
    else:
        raise TypeError(
            f"storage_service must be a service instance, class or dotted path, not "
            f"{storage_service!r}."
        )
    if not (isinstance(cls, type) and issubclass(cls, StorageService)):
        raise TypeError(
            f"storage_service {storage_service!r} is not a StorageService subclass; derive "
            "your service from pypet.storage.service.StorageService."
        )
    # the keywords each backend declares (no signature guessing): the rest is the caller's
    accepted = cls.keywords()
    mine = {k: v for k, v in kwargs.items() if k in accepted}
    rest = {k: v for k, v in kwargs.items() if k not in accepted}
    if "trajectory" in accepted and trajectory is not None:
        mine["trajectory"] = trajectory
    return cls(**mine), rest
