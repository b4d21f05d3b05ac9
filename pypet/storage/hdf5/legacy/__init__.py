"""Reading HDF5 files written by pypet 0.7: one call behind the file-format detection.

``is_pypet07(group)`` recognises a pypet 0.7 trajectory group; ``load_into(sink, group, ...)``
and ``load_parts(sink, group, names, ...)`` feed it to a load sink exactly as our own format's
reader does (:mod:`pypet.storage.hdf5.loading`), so every way of loading works on old files.
Writing into such a file is refused; ``pypet.migrate_pypet07_file`` copies it into our format.
"""

from typing import Any

from pypet.storage.hdf5.legacy.layout import is_pypet07, timestamp_of

__all__ = ["is_pypet07", "load_into", "load_parts", "timestamp_of"]


def __getattr__(name: str) -> Any:
    # the reader (and our own format's loading code it builds on) is imported when a file is
    # loaded, not at every start of an experiment, which only needs the detection
    if name in ("load_into", "load_parts"):
        from pypet.storage.hdf5.legacy import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
