"""``merge_all_in_folder``: merge the trajectories of every file in a folder (e.g. shards)."""

from __future__ import annotations

import logging
import os
from typing import Any

__all__ = ["merge_all_in_folder", "merge_candidates"]

_log = logging.getLogger("pypet.merge")


def merge_candidates(folder: str | os.PathLike, ext: str = ".hdf5") -> list[str]:
    """The files ``merge_all_in_folder`` merges, in order: ``*<ext>`` in ``folder`` (not
    recursive), sorted by name, without hidden files and the ``backup_*`` files merges make.
    """
    folder = os.fspath(folder)
    found = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path) or os.path.splitext(name)[1] != ext or name.startswith("."):
            continue
        if name.startswith("backup_"):
            _log.info("Skipping %s: a backup made by an earlier merge.", path)
            continue
        found.append(path)
    return found


def merge_all_in_folder(folder: str | os.PathLike, ext: str = ".hdf5",
                        dynamic_imports: Any = None, storage_service: Any = None,
                        force: bool = False, ignore_data: Any = (), move_data: bool = False,
                        delete_other_files: bool = False, keep_info: bool = True,
                        keep_other_trajectory_info: bool = True, merge_config: bool = True,
                        backup: bool = True, into: str | os.PathLike | None = None,
                        remove_duplicates: bool = False) -> Any:
    """Merge the newest trajectory of every ``*<ext>`` file in ``folder`` into one.

    Files are taken in the order of their names; the others are merged into the first one
    (pypet's behaviour), or, with ``into='merged.hdf5'``, into a copy of the first
    trajectory written to that new file, leaving every input file as it was. Hidden files
    and ``backup_*`` files are skipped. The merge is one transaction: it all happens or the
    target file is left as it was.

    Parameters
    ----------
    folder : path
        Where the files are (not searched recursively).
    ext : str
        Extension of the files to merge.
    dynamic_imports, storage_service, force
        Passed to :func:`~pypet.load_trajectory` for each file.
    ignore_data, move_data, keep_info, keep_other_trajectory_info, merge_config, backup
        As in :meth:`~pypet.Trajectory.f_merge_many` (``backup`` is moot with ``into``).
    delete_other_files : bool
        Delete the files whose trajectories were merged (all but the first, or all of them
        with ``into``) once the merge is committed.
    into : path, optional
        A new file to hold the merged trajectory (must not exist yet).
    remove_duplicates : bool
        Leave out points that are in the target already (shards that overlap).

    Returns
    -------
    Trajectory
        The merged trajectory (its parameters loaded, results as stored).
    """
    from pypet.trajectory.merge.merging import load_for_merge, merge_many
    from pypet.trajectory.trajectory import Trajectory

    files = merge_candidates(folder, ext)
    if not files:
        raise ValueError(f"No *{ext} files to merge in {os.fspath(folder)!r}.")

    def load(path: str, index: int = -1) -> Any:
        """The trajectory at ``index`` of ``path``, loaded for merging (nothing inside runs:
        pypet's load_data=0 would still walk every run group)."""
        traj = Trajectory(filename=path, dynamic_imports=dynamic_imports) \
            if storage_service is None else \
            Trajectory(dynamic_imports=dynamic_imports, storage_service=storage_service,
                       filename=path)
        load_for_merge(traj, index=index, force=force)
        return traj

    target = load(files[0])
    # loaded one by one as the merge reaches them, so only one at a time is in memory
    others: Any = (load(path) for path in files[1:])
    if into is not None:
        into = os.path.abspath(os.fspath(into))
        if os.path.exists(into):
            raise FileExistsError(f"{into!r} exists already; into= must name a new file.")
        target.v_storage_service.copy_trajectory_to(target.v_name, into)  # the first one
        target = Trajectory(filename=into, dynamic_imports=dynamic_imports)
        load_for_merge(target, index=-1)
        backup = False
    _log.info("Merging %d files of %s into %s.", len(files), os.fspath(folder),
              target.v_storage_service.filename)
    try:
        merge_many(target, others, ignore_data=ignore_data, move_data=move_data,
                   keep_info=keep_info, keep_other_trajectory_info=keep_other_trajectory_info,
                   merge_config=merge_config, backup=backup,
                   remove_duplicates=remove_duplicates, loaded=True)
    except BaseException:
        if into is not None and os.path.exists(into):
            os.remove(into)  # the half-made target; every input is as it was
        raise
    if delete_other_files:
        for path in files if into is not None else files[1:]:
            os.remove(path)
    return target
