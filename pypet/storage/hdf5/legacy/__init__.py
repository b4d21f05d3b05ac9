"""Reading HDF5 files written by pypet 0.7: one call behind the file-format detection.

``is_pypet07(group)`` recognises a pypet 0.7 trajectory group; ``load_into(sink, group, ...)``
and ``load_parts(sink, group, names, ...)`` feed it to a load sink exactly as our own format's
reader does (:mod:`pypet.storage.hdf5.loading`), so every way of loading works on old files.
Writing into such a file is refused; ``pypet.migrate_pypet07_file`` copies it into our format.
"""

from pypet.storage.hdf5.legacy.layout import is_pypet07, timestamp_of
from pypet.storage.hdf5.legacy.reader import load_into, load_parts

__all__ = ["is_pypet07", "load_into", "load_parts", "timestamp_of"]
