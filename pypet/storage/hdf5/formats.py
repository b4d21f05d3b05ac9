"""What a file is: ours, pypet 0.7, another program's HDF5, damaged HDF5, or not HDF5 at all.

:func:`inspect_file` tells, using h5py (which never unpickles), before PyTables opens the file;
:func:`check_file` turns what it found into our errors. Every file pypet opens passes through
:func:`check_file` first (see :func:`pypet.storage.hdf5.files.open_file`).

Trajectories of :data:`FileKind.PYPET_07` are read by :mod:`.legacy` (loading and migrating;
never written to).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import Any

from pypet.errors import DataNotInStorageError, FileFormatError, UnsafeDataError
from pypet.storage.hdf5 import safety
from pypet.storage.hdf5.layout import FORMAT_NAME, TRAJ

__all__ = ["FileInfo", "FileKind", "check_file", "inspect_file"]

#: pypet 0.7 keeps a trajectory's metadata in this table below its group
_PYPET07_INFO = ("overview", "info")


class FileKind(enum.Enum):
    """The kinds of file :func:`inspect_file` tells apart."""

    PYPET = "pypet"  #: holds at least one trajectory of our format
    PYPET_07 = "pypet 0.7"  #: holds pypet 0.7 trajectories and none of ours
    FOREIGN = "foreign HDF5"  #: HDF5, but no trajectory of either format
    DAMAGED = "damaged HDF5"  #: starts like HDF5 but cannot be read (e.g. truncated)
    NOT_HDF5 = "not HDF5"


@dataclass
class FileInfo:
    """What :func:`inspect_file` found."""

    path: str
    kind: FileKind
    #: trajectory name -> FileKind.PYPET or FileKind.PYPET_07, in the file's order
    trajectories: dict[str, FileKind] = field(default_factory=dict)
    #: top-level groups and datasets that are no trajectory
    foreign: list[str] = field(default_factory=list)
    #: places that would unpickle (see :mod:`.safety`); empty unless scanned
    unsafe: list[safety.Finding] = field(default_factory=list)
    #: what went wrong for DAMAGED / NOT_HDF5
    detail: str = ""

    def trajectories_of(self, kind: FileKind) -> list[str]:
        """Names of the trajectories of one format."""
        return [name for name, k in self.trajectories.items() if k is kind]


def inspect_file(path: str | os.PathLike, scan: bool = True) -> FileInfo:
    """Tell what the file at ``path`` is; never raises for a bad file (only a missing one).

    ``scan`` also looks for everything that would unpickle (:func:`.safety.scan`).
    """
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataNotInStorageError(f"The file {path!r} does not exist.")
    if not h5py.is_hdf5(path):
        return FileInfo(path, FileKind.NOT_HDF5, detail=_not_hdf5_detail(path))
    try:
        with h5py.File(path, "r") as h5:
            info = _classify(path, h5)
            if scan:
                info.unsafe = safety.scan(h5.id)
    except OSError as error:  # h5py reports damaged files as OSError
        return FileInfo(path, FileKind.DAMAGED, detail=str(error))
    return info


def check_file(path: str | os.PathLike, for_reading: bool = True) -> FileInfo:
    """Refuse a file that pypet cannot or must not open, with an error naming what is wrong.

    Raises :class:`~pypet.errors.FileFormatError` for a file that is not HDF5 or is damaged,
    and :class:`~pypet.errors.UnsafeDataError` for one that would unpickle (see
    :mod:`.safety`). Foreign and pypet 0.7 content is left for the trajectory lookup to
    report (a file may hold ours next to other data).
    """
    info = inspect_file(path)
    if info.kind is FileKind.NOT_HDF5:
        raise FileFormatError(
            f"The file {info.path!r} is not an HDF5 file ({info.detail}); pypet stores "
            "trajectories in HDF5 files. Check the file name."
        )
    if info.kind is FileKind.DAMAGED:
        raise FileFormatError(
            f"The file {info.path!r} is a damaged HDF5 file (for example truncated by a "
            f"crash or an incomplete copy) and cannot be opened: {info.detail}"
        )
    if info.unsafe:
        raise UnsafeDataError(
            f"Refusing to open {info.path!r}: it holds pickled data that reading would "
            f"unpickle, and unpickling runs code from the file. {safety.describe(info.unsafe)}. "
            "pypet never writes such data; open the file only if you trust its source (see "
            "doc/file_safety.md)."
        )
    return info


def _not_hdf5_detail(path: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        return "it is empty"
    return f"it starts with {head!r}, not with the HDF5 signature"


def _classify(path: str, h5: Any) -> FileInfo:
    import h5py

    info = FileInfo(path, FileKind.FOREIGN)
    for name in h5:
        link = h5.get(name, getlink=True)
        item = h5.get(name) if isinstance(link, h5py.HardLink) else None
        if isinstance(item, h5py.Group) and TRAJ.FORMAT in item.attrs and \
                _text(item.attrs[TRAJ.FORMAT]) == FORMAT_NAME:
            info.trajectories[name] = FileKind.PYPET
        elif isinstance(item, h5py.Group) and _is_pypet07_h5py(item):
            info.trajectories[name] = FileKind.PYPET_07
        else:
            info.foreign.append(name)
    kinds = set(info.trajectories.values())
    if FileKind.PYPET in kinds:
        info.kind = FileKind.PYPET
    elif FileKind.PYPET_07 in kinds:
        info.kind = FileKind.PYPET_07
    return info


def _text(value: Any) -> str:
    return value.decode("utf8", "replace") if isinstance(value, bytes) else str(value)


def _is_pypet07_h5py(group: Any) -> bool:
    table = group.get("/".join(_PYPET07_INFO))
    names = getattr(getattr(table, "dtype", None), "names", None) or ()
    return "name" in names and "version" in names
