"""``migrate_pypet07_file(old, new)``: copy a file written by pypet 0.7 into this pypet's format.

Every trajectory of the old file (or those named) is loaded completely — parameters with
their ranges, derived parameters, results, run information, links, comments and
annotations — and stored under the same name in ``new``. The old file is only read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from pypet import constants as C

__all__ = ["migrate_pypet07_file"]


def migrate_pypet07_file(old: str | os.PathLike, new: str | os.PathLike,
                         names: Iterable[str] | None = None,
                         dynamic_imports: Any = None, allow_pickle: bool = True,
                         on_written: Callable[[str], Any] | None = None) -> list[str]:
    """Copy the trajectories of the pypet 0.7 file ``old`` into ``new``, in our format.

    Parameters
    ----------
    old : path
        A file written by pypet 0.7 (files of this pypet are refused: nothing to migrate).
    new : path
        The file to write; trajectories are added to it (a name it holds already is an error).
    names : iterable of str, optional
        The trajectories to copy (default: all, oldest first).
    dynamic_imports : class, str or list, optional
        Your own leaf or group classes the old file uses (as for ``load_trajectory``).
    allow_pickle : bool
        Load the old file's pickled data (``PickleParameter``, ``PickleResult``, pickled
        attributes). Unpickling runs code that came with the file: pass False for a file
        from someone else, and the migration stops with ``UnsafeDataError`` at pickled data.
    on_written : callable, optional
        Called with each trajectory's name once it is written (progress, e.g. the command
        line's lines).

    Returns
    -------
    list of str
        The names of the copied trajectories.
    """
    from pypet.storage.hdf5.service import HDF5StorageService
    from pypet.trajectory.storage_api import load_trajectory

    old, new = os.fspath(old), os.fspath(new)
    if os.path.abspath(old) == os.path.abspath(new):
        raise ValueError("migrate_pypet07_file writes a new file; give a different path.")
    source = HDF5StorageService(filename=old, allow_pickle=allow_pickle)
    if names is None:
        names = source.trajectory_names()
    names = list(names)
    if not names:
        raise ValueError(f"{old!r} holds no trajectory to migrate.")
    if os.path.exists(new):
        clash = sorted(set(names) & set(HDF5StorageService(filename=new).trajectory_names()))
        if clash:
            which = "trajectory" if len(clash) == 1 else "trajectories"
            raise ValueError(f"{new!r} already holds the {which} {', '.join(map(repr, clash))}: "
                             "migrate into another file, or name the trajectories to copy.")
    for name in names:
        if not source.is_pypet07(name):
            raise ValueError(
                f"The trajectory {name!r} in {old!r} is already in this pypet's format; "
                "copy it with f_migrate/f_store instead."
            )
        traj = load_trajectory(name=name, filename=old, load_data=C.LOAD_DATA,
                               dynamic_imports=dynamic_imports, add_time=False,
                               allow_pickle=allow_pickle)
        traj.f_migrate(new_storage_service=HDF5StorageService(filename=new, trajectory=None))
        traj.f_store()
        if on_written is not None:
            on_written(name)
    return names
