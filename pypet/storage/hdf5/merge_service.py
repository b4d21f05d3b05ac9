"""Merging trajectories in HDF5 files, all or nothing (a mixin of ``HDF5StorageService``).

A merge never writes into the target file itself. :meth:`MergeMethods.merge_session` copies
the file next to itself (``.<name>.merging``), every merge step and the final store of the
trajectory go into the copy, and only a merge that finished replaces the file, atomically
(``os.replace``). An exception, Ctrl+C or a killed process therefore leaves the target file as
it was; the inputs are only read (deleting the other trajectory from another file is left to
the caller, after the commit). While the session lasts, a second merge into the file and
any writer are locked out (``flock``), so nothing they write can be lost in the swap.
See ``doc/design/decisions/0011-merge-copy-and-swap.md``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import tables

from pypet.storage.hdf5 import files
from pypet.storage.hdf5.node_copy import CopyJob, copy_trees
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.service import LoadModes, LoadSink
from pypet.utils.dirs import fsync_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.service import HDF5StorageService
    from pypet.storage.merging import MergeRequest, MergeStats

__all__ = ["HDF5MergeSession", "MergeMethods", "temporary_name"]

_log = logging.getLogger("pypet.storage.merge")


def temporary_name(filename: str) -> str:
    """The merge copy of ``filename`` (hidden, next to it, so the swap is atomic)."""
    folder, base = os.path.split(filename)
    return os.path.join(folder, f".{base}.merging")


class HDF5MergeSession:
    """Merge steps into the copy of one file (see :meth:`MergeMethods.merge_session`)."""

    def __init__(self, service: HDF5StorageService, h5: tables.File, traj_name: str) -> None:
        self._service, self._h5, self._traj_name = service, h5, traj_name

    def merge(self, request: MergeRequest) -> MergeStats:
        """Copy the other trajectory's data into the target (within the copy of the file)."""
        same_file = os.path.abspath(request.other_filename) == self._service.filename
        if same_file and request.other_name == self._traj_name:
            raise ValueError(f"Cannot merge the trajectory {self._traj_name!r} into itself.")
        target = self._service._trajectory_file(self._h5, self._traj_name)
        # the other file was checked when its trajectory was loaded for the merge
        other_h5 = self._h5 if same_file else \
            files.open_file(request.other_filename, "r", check=False)
        try:
            other = files.find_trajectory(other_h5, request.other_name, None)
            new_length = request.renamer.start + len(request.renamer)
            from pypet.storage.hdf5.merge_copy import copy_trajectory_data

            stats, jobs, retarget = copy_trajectory_data(target, other, request, new_length)
        finally:
            if other_h5 is not self._h5:
                other_h5.close()
        if jobs:
            self._copy_trees(jobs, retarget)
        if request.delete_other and same_file:
            self._h5.remove_node(self._h5.root, request.other_name, recursive=True)
        self._h5.flush()
        return stats

    def _copy_trees(self, jobs: list[CopyJob], retarget: Any) -> None:
        """Let HDF5 copy the queued node trees; PyTables lets go of the file meanwhile."""
        service = self._service
        filename = self._h5.filename
        self._h5.close()
        service._h5 = None
        service._trajectories = {}
        copy_trees(filename, jobs, retarget)  # on failure the session discards the copy
        self._h5 = service._h5 = files.open_file(filename, "a", check=False)


class MergeMethods:
    """Mixin of :class:`~pypet.storage.hdf5.service.HDF5StorageService`: merging."""

    @contextlib.contextmanager
    def merge_session(self, traj_name: str) -> Iterator[HDF5MergeSession]:
        """Merge into trajectory ``traj_name``: all of it or nothing.

        The file is copied to ``.<file>.merging``; inside the block every call of this
        service (merge steps, ``store_trajectory``) works on the copy, which replaces the
        file when the block ends without an exception. On any exception the copy is
        deleted and the file is untouched.
        """
        service: Any = self
        if service._h5 is not None:
            raise RuntimeError(
                f"{service.filename!r} is held open (a StorageContextManager or a running "
                "experiment); merge after it is closed."
            )
        filename = service.filename
        temporary = temporary_name(filename)
        service._known.forget()  # the file is replaced by the merged copy
        with _locked(filename):
            shutil.copyfile(filename, temporary)
            shutil.copymode(filename, temporary)
            committed = False
            try:
                service._h5 = files.open_file(temporary, "a", check=not service._checked)
                try:
                    yield HDF5MergeSession(service, service._h5, traj_name)
                    service._h5.flush()
                finally:  # the session may have reopened the file: close what is open now
                    h5, service._h5 = service._h5, None
                    service._trajectories = {}
                    if h5 is not None:
                        h5.close()
                fsync_path(temporary)
                os.replace(temporary, filename)
                committed = True
                _fsync_folder(os.path.dirname(filename))
            finally:
                if not committed:
                    with contextlib.suppress(OSError):
                        os.remove(temporary)

    def load_trajectory_level(self, sink: LoadSink, name: str | None, modes: LoadModes,
                              index: int | None = None, force: bool = False) -> str:
        """Load a trajectory (by name or index) without anything inside runs (run groups,
        run-table results); return its name.

        What a merge plans with: the metadata, the run information, parameters, config and
        the derived parameters and results outside runs, at the cost of that part alone.
        """
        service: Any = self
        with service._open("r") as h5:
            group = files.find_trajectory(h5, name, index, force)
            from pypet.storage.hdf5 import loading

            loading.load_trajectory(h5, group, sink, modes, None, True, True,
                                    service._allow_pickle, skip_runs=True)
            return group._v_name

    def copy_trajectory_to(self, traj_name: str, filename: str) -> str:
        """Copy the stored trajectory into ``filename`` (created if needed) with HDF5's own
        object copy; refuse a file that holds that trajectory already. Returns the path."""
        import h5py

        service: Any = self
        filename = os.path.abspath(filename)
        if filename == service.filename:
            raise ValueError("The copy must go to another file than the trajectory's.")
        if service._h5 is not None:
            raise RuntimeError(f"{service.filename!r} is held open; copy it after it is closed.")
        with service._open("r") as h5:  # checks the file (and that the trajectory is ours)
            files.find_trajectory(h5, traj_name, None)
        os.makedirs(os.path.dirname(filename), exist_ok=True)
        with h5py.File(service.filename, "r") as source, h5py.File(filename, "a") as target:
            if traj_name in target:
                raise ValueError(f"{filename!r} already holds a trajectory {traj_name!r}; "
                                 "choose another file.")
            target.copy(source[traj_name], traj_name)
        return filename

    def delete_trajectory(self, traj_name: str) -> None:
        """Remove a whole trajectory from the file."""
        service: Any = self
        with service._open("a") as h5:
            group = get_child(h5.root, traj_name)
            if group is None:
                return
            files.check_format(group)
            h5.remove_node(group, recursive=True)


@contextlib.contextmanager
def _locked(filename: str) -> Iterator[None]:
    """Hold the merge locks of ``filename`` (POSIX ``flock``; nothing on Windows).

    An exclusive lock on ``.<file>.merge-lock`` keeps a second merge out, and a shared lock
    on the file itself keeps writers out (HDF5 locks a file exclusively to write it), while
    readers go on reading the old file. Both fail at once instead of being lost when the
    merged copy replaces the file. The kernel drops the locks if the process dies.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; merges into one file must not overlap
        yield
        return
    lock_path = temporary_name(filename)[:-len("merging")] + "merge-lock"
    while True:
        lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            raise RuntimeError(
                f"Another merge into {filename!r} is running; merge when it is done."
            ) from None
        with contextlib.suppress(FileNotFoundError):
            if os.stat(lock_path).st_ino == os.fstat(lock).st_ino:
                break  # still the lock file at that path (not one a finishing merge removed)
        os.close(lock)
    data = os.open(filename, os.O_RDONLY)
    try:
        try:
            fcntl.flock(data, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"{filename!r} is being written by another process; merge when it is done."
            ) from None
        yield
    finally:
        os.close(data)
        with contextlib.suppress(OSError):
            os.remove(lock_path)
        os.close(lock)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); folders cannot be opened on Windows."""
    with contextlib.suppress(OSError):
        fsync_path(folder or ".")
