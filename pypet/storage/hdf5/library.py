"""Facts about the HDF5 library in use (for provenance records)."""

from __future__ import annotations

__all__ = ["hdf5_version"]


def hdf5_version() -> str:
    """The version of the HDF5 C library that PyTables uses."""
    import tables

    return str(tables.hdf5_version)
