"""Opening the file (after checking it) and finding the trajectory group in it."""

from __future__ import annotations

import os
from typing import Any

import tables

from pypet.errors import DataNotInStorageError, FileFormatError, VersionMismatchError
from pypet.storage.hdf5 import formats, legacy
from pypet.storage.hdf5.layout import FORMAT_NAME, FORMAT_VERSION, TRAJ

__all__ = ["find_trajectory", "open_file", "resolve_filename", "trajectory_names"]


def resolve_filename(filename: str | os.PathLike | None, traj_name: str | None) -> str:
    """pypet's filename rules: None → ``./hdf5/<traj>.hdf5``; a folder gets ``<traj>.hdf5``."""
    default = f"{traj_name}.hdf5" if traj_name else "Experiments.hdf5"
    if filename is None:
        return os.path.abspath(os.path.join("hdf5", default))
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(
            f"filename must be a path (a str or os.PathLike), got {filename!r}; e.g. "
            "filename='hdf5/experiment.hdf5'."
        )
    filename = os.fspath(filename)
    if not isinstance(filename, str):  # an os.PathLike of bytes
        raise TypeError(f"filename must be a text path, got {filename!r}.")
    if filename.endswith(os.sep) or os.path.isdir(filename):
        filename = os.path.join(filename, default)
    filename = os.path.abspath(filename)
    _check_folders(filename)
    return filename


def _check_folders(filename: str) -> None:
    """Refuse a path whose folder part runs through a regular file (``data.txt/x.hdf5``)."""
    folder = os.path.dirname(filename)
    while folder and not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent
    if folder and not os.path.isdir(folder):
        raise NotADirectoryError(
            f"Cannot use the file {filename!r}: {folder!r} is a file, not a folder. Choose "
            "a filename in a folder (missing folders are created)."
        )


def trajectory_names(h5: tables.File) -> list[str]:
    """Names of the pypet trajectories in the file (ours and pypet 0.7's), oldest first."""
    found = []
    for name, group in h5.root._v_children.items():
        if not isinstance(group, tables.Group):
            continue
        attrs = group._v_attrs
        if TRAJ.FORMAT in attrs:
            found.append((float(attrs[TRAJ.TIMESTAMP]), name))
        elif legacy.is_pypet07(group):
            found.append((legacy.timestamp_of(group), name))
    return [name for _, name in sorted(found)]


def find_trajectory(h5: tables.File, name: str | None, index: int | None,
                    force: bool = False) -> tables.Group:
    """Return the trajectory group chosen by ``name`` or ``index`` for loading.

    Groups of our format are checked for their version; pypet 0.7 trajectories are returned
    too (the caller reads them with :mod:`.legacy`).
    """
    names = trajectory_names(h5)
    if (name is None) == (index is None):
        raise ValueError("Pass exactly one of name= or index= to choose the trajectory.")
    if name is not None:
        if name not in h5.root._v_children:
            raise DataNotInStorageError(
                f"The file {h5.filename!r} has no trajectory {name!r}; it holds {names}."
            )
        group = h5.root._v_children[name]
    else:
        if not names:
            raise _no_trajectory(h5)
        assert index is not None
        try:
            group = h5.root._v_children[names[index]]
        except IndexError:
            raise DataNotInStorageError(
                f"Trajectory index {index} is out of range: {h5.filename!r} holds "
                f"{len(names)} trajectories {names}."
            ) from None
    if not legacy.is_pypet07(group):
        check_format(group, force)
    return group


def _no_trajectory(h5: tables.File) -> DataNotInStorageError:
    found = sorted(h5.root._v_children)
    return FileFormatError(
        f"The file {h5.filename!r} holds no pypet trajectory: it is an HDF5 file written by "
        f"another program (top-level nodes {found[:10]})." if found else
        f"The file {h5.filename!r} holds no pypet trajectory (it is an empty HDF5 file)."
    )


def check_format(group: tables.Group, force: bool = False) -> None:
    """Refuse groups that are not ours, or that a newer format version wrote."""
    attrs = group._v_attrs
    if attrs.__contains__(TRAJ.FORMAT) is False or str(attrs[TRAJ.FORMAT]) != FORMAT_NAME:
        filename = group._v_file.filename
        if legacy.is_pypet07(group):
            raise FileFormatError(
                f"{group._v_pathname!r} in {filename!r} was written by pypet 0.7: it can be "
                "loaded, but not written to. Store into another file, or copy the whole file "
                "into this pypet's format with pypet.migrate_pypet07_file(old, new)."
            )
        raise FileFormatError(
            f"{group._v_pathname!r} in {filename!r} is not a trajectory of pypet (it was written "
            "by another program)."
        )
    version = int(attrs[TRAJ.VERSION])
    if version > FORMAT_VERSION and not force:
        raise VersionMismatchError(
            f"{group._v_pathname!r} was written in file format version {version}, but this "
            f"pypet reads versions up to {FORMAT_VERSION}. Upgrade pypet to load it."
        )


#: PyTables' per-file memory settings. Its defaults (16 MB) are sized for huge tables; ours
#: hold 64 KB chunks, and every run-table column of a million runs written at once (the
#: first and the last store of a sweep) filled a 16 MB chunk cache each: ~100 MB of C
#: memory that the allocator kept afterwards. HDF5's own default chunk cache is 1 MB (16 of
#: our chunks: plenty for batches written in order); the I/O buffer serves only iteration
#: over the small overview tables.
MEMORY_PARAMS = {"chunk_cache_size": 1 << 20, "io_buffer_size": 1 << 20}


def open_file(filename: str, mode: str, title: str | None = None,
              check: bool = True) -> Any:
    """Open ``filename`` with PyTables; create its folder when writing.

    An existing file is first checked (:func:`.formats.check_file`): a file that is not HDF5,
    is damaged, or holds data PyTables would unpickle is refused before PyTables reads any
    of it. ``check=False`` skips that for a file this service checked before.
    """
    exists = os.path.exists(filename)
    if mode == "r" and not exists:
        raise DataNotInStorageError(f"The file {filename!r} does not exist.")
    if exists and check:
        formats.check_file(filename)
    if mode != "r":
        os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
    # PyTables system attributes (CLASS, VERSION, TITLE) cost ~50 µs per node and no reader
    # of ours needs them; h5py ignores them anyway.
    try:
        h5 = tables.open_file(filename, mode=mode, title=title or "", pytables_sys_attrs=False,
                              **MEMORY_PARAMS)
    except (tables.HDF5ExtError, OSError) as error:
        if not exists:
            raise
        if "unable to lock file" in str(error):
            raise BlockingIOError(
                f"{filename!r} is locked by another process (HDF5 file locking: it is being "
                "written, or merged into); try again when that is done."
            ) from error
        raise FileFormatError(f"The HDF5 file {filename!r} cannot be opened: {error}") from error
    if not exists and title:
        h5.root._v_attrs["TITLE"] = title  # the file title (file_title=) is still recorded
    return h5
