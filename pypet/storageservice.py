"""pypet 0.7's module path ``pypet.storageservice`` (re-exports; importing it loads PyTables)."""

from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.null import LazyStorageService
from pypet.storage.service import StorageService

__all__ = ["HDF5StorageService", "LazyStorageService", "StorageService"]
