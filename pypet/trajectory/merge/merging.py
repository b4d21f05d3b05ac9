"""``f_merge`` and ``f_merge_many``: the steps of a merge, in order.

1. Load what the plan needs: both trajectories without the inside of their runs
   (parameters, config, derived parameters and results outside runs, run information).
2. Plan (:mod:`.plan`): check both live in one space, pick the runs to merge, compute how the
   parameters grow. Nothing has changed yet; a TypeError/ValueError here changes nothing.
3. Back up (``backup=True``) as pypet does.
4. Apply the plan in RAM (:mod:`.memory`) and add the config records (:mod:`.records`).
5. In one storage transaction (``merge_session``): copy the other trajectories' data in bulk,
   then store the target. The transaction replaces the file only when everything worked;
   on any error step 4 is undone too, so both trajectories are as they were.
6. Only then: delete the other trajectory from its own file (``delete_other_trajectory``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pypet.storage.merging import MergeRequest
from pypet.storage.modes import LoadMode, LoadModes, StoreMode
from pypet.trajectory import persistence
from pypet.trajectory.loader import TreeLoader
from pypet.trajectory.merge.memory import MergeInMemory
from pypet.trajectory.merge.plan import MergePlan, plan_merge
from pypet.trajectory.merge.records import add_merge_info, carry_over_config
from pypet.tree import walk

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["merge", "merge_many"]

_log = logging.getLogger("pypet.merge")

#: load modes of a merge: parameters and config, derived parameters (outside runs only)
_PLAN_MODES = LoadModes(LoadMode.DATA, LoadMode.DATA, LoadMode.NOTHING, LoadMode.NOTHING)


def _filename(traj: Trajectory) -> str:
    service = persistence.service_of(traj)
    if not service.capabilities.merges:
        raise TypeError(
            f"The storage service of {traj.v_name!r} ({type(service).__name__}) cannot merge "
            "trajectories; merging needs both trajectories stored by an HDF5StorageService."
        )
    return os.path.abspath(service.location)


def load_for_merge(traj: Trajectory, index: int | None = None, force: bool = False) -> None:
    """Load ``traj`` without the inside of its runs (what planning a merge reads); with
    ``index``, the trajectory at that index of its file (a fresh Trajectory object)."""
    if not traj._stored and index is None:
        raise TypeError(
            f"The trajectory {traj.v_name!r} was never stored; store it (f_store) before "
            "merging, so its runs can be copied from its file."
        )
    service = persistence.service_of(traj)
    loader = TreeLoader(traj)
    service.load_trajectory_level(loader, None if index is not None else traj.v_name,
                                  _PLAN_MODES, index=index, force=force)
    loader.finish()
    traj._stored = True
    persistence.sync_storage_config(traj, service)
    traj.f_restore_default()


def _backup(traj: Trajectory) -> str:
    """Back up ``traj`` into the first free ``backup_<name>[_<n>].hdf5`` next to its file
    (as ``f_backup`` does, with HDF5's own copy of the whole group)."""
    folder = os.path.dirname(_filename(traj))
    number, candidate = 0, os.path.join(folder, f"backup_{traj.v_name}.hdf5")
    while os.path.exists(candidate):
        number += 1
        candidate = os.path.join(folder, f"backup_{traj.v_name}_{number}.hdf5")
    path = persistence.service_of(traj).copy_trajectory_to(traj.v_name, candidate)
    _log.info("Backed up %s to %s.", traj.v_name, path)
    return path


def merge(traj: Trajectory, other: Trajectory, trial_parameter: str | None = None,
          remove_duplicates: bool = False, ignore_data: Sequence[str] = (),
          backup: bool = True, move_data: bool = False, delete_other_trajectory: bool = False,
          keep_info: bool = True, keep_other_trajectory_info: bool = True,
          merge_config: bool = True, consecutive_merge: bool = False,
          slow_merge: bool = False) -> None:
    """Merge ``other`` into ``traj`` (``Trajectory.f_merge``; see the module docstring)."""
    if other is traj:
        raise ValueError(f"Cannot merge the trajectory {traj.v_name!r} into itself.")
    if consecutive_merge and backup:
        _log.warning("backup=True with consecutive_merge=True copies the growing trajectory "
                     "at every merge; back up once before the loop instead.")
    ignore = tuple(ignore_data)
    if _filename(traj) == _filename(other) and traj.v_name == other.v_name:
        raise ValueError(f"Cannot merge the trajectory {traj.v_name!r} into itself.")
    if not consecutive_merge or not traj._stored or _unloaded(traj):
        load_for_merge(traj)
    load_for_merge(other)
    plan = plan_merge(traj, other, trial_parameter, remove_duplicates, frozenset(ignore))
    if backup:
        _backup(other)
        _backup(traj)
    _run(traj, [(other, plan)], ignore, move_data, delete_other_trajectory, keep_info,
         keep_other_trajectory_info, merge_config, remove_duplicates, slow_merge,
         store_all=not consecutive_merge)


def merge_many(traj: Trajectory, others: Iterable[Trajectory], ignore_data: Sequence[str] = (),
               move_data: bool = False, delete_other_trajectory: bool = False,
               keep_info: bool = True, keep_other_trajectory_info: bool = True,
               merge_config: bool = True, backup: bool = True,
               remove_duplicates: bool = False, trial_parameter: str | None = None,
               slow_merge: bool = False, loaded: bool = False) -> None:
    """Merge several trajectories into ``traj`` in one transaction (``f_merge_many``).

    The target is backed up once (``backup``; the others are only read, unless
    ``move_data``/``delete_other_trajectory``), every other trajectory is planned against
    the target as grown by the ones before it, and the file is written once. ``loaded``:
    the others come loaded by :func:`load_for_merge` already.
    """
    if isinstance(others, Sequence):
        if any(o is traj for o in others):
            raise ValueError(f"Cannot merge the trajectory {traj.v_name!r} into itself.")
        if not others:
            return
        for other in others:
            _filename(other)
    # any other iterable is consumed lazily (merge_all_in_folder loads file after file)
    ignore = tuple(ignore_data)
    _filename(traj)
    load_for_merge(traj)
    if backup:
        _backup(traj)
    _log.info("Merging %s trajectories into %s.",
              len(others) if isinstance(others, Sequence) else "several", traj.v_name)
    _run(traj, others, ignore, move_data, delete_other_trajectory, keep_info,
         keep_other_trajectory_info, merge_config, remove_duplicates, slow_merge,
         store_all=True, trial_parameter=trial_parameter, loaded=loaded)


def _unstored(traj: Trajectory) -> frozenset[str]:
    """Leaves outside runs that the target has in RAM only: they win over the other's
    (stored with the target at the end of the merge), as the target's stored ones do."""
    from pypet.trajectory.merge.plan import is_run_scoped

    return frozenset(leaf.v_full_name for branch in ("results", "derived_parameters")
                     for leaf in traj._branch_dict(branch, False, True).values()
                     if not leaf._stored and not is_run_scoped(leaf.v_full_name, traj))


def _unloaded(traj: Trajectory) -> bool:
    """Whether an explored parameter of ``traj`` is not in RAM (so it must be loaded)."""
    return any(name not in traj._explored for name in traj._explored_names)


def _run(traj: Trajectory, pending: Iterable[Any], ignore: tuple[str, ...], move_data: bool,
         delete_other: bool, keep_info: bool, keep_other_info: bool, merge_config: bool,
         remove_duplicates: bool, slow: bool, store_all: bool,
         trial_parameter: str | None = None, loaded: bool = False) -> None:
    """Steps 4-6 for ``pending``: ``(other, plan)`` pairs, or trajectories to plan on the way.

    Every other trajectory is planned against the target as grown by the ones before it.
    """
    service = persistence.service_of(traj)
    target_file = _filename(traj)
    memory = MergeInMemory(traj)
    delete_after: list[Trajectory] = []
    start = time.time()
    try:
        with service.merge_session(traj.v_name) as session:
            for number, item in enumerate(pending, 1):
                other, plan = item if isinstance(item, tuple) else (item, None)
                if other is traj:
                    raise ValueError(f"Cannot merge the trajectory {traj.v_name!r} into itself.")
                if plan is None:  # planned against the target grown by the merges before
                    _filename(other)
                    if not loaded:
                        load_for_merge(other)  # readers may open the file during the session
                    plan = plan_merge(traj, other, trial_parameter, remove_duplicates,
                                      frozenset(ignore))
                other_file = _filename(other)
                _apply(traj, other, plan, memory, ignore, keep_info, keep_other_info,
                       merge_config, remove_duplicates)
                stats = session.merge(MergeRequest(
                    other_file, other.v_name, plan.renamer,
                    frozenset(ignore) | _unstored(traj), move=move_data, slow=slow,
                    delete_other=delete_other and other_file == target_file,
                    copies=tuple(plan.copies), links=tuple(plan.links)))
                if delete_other and other_file != target_file:
                    delete_after.append(other)
                _log.info("Merged %s into %s (#%d): %d runs (%d duplicates left out), "
                          "%d run groups, %d other nodes, %d links.", other.v_name, traj.v_name,
                          number, stats.rows, plan.duplicates, stats.run_nodes,
                          stats.nodes, stats.links)
                if stats.fallback_templates:
                    _log.info("Copied row by row (stored differently in the target): %s",
                              stats.fallback_templates)
            persistence.sync_storage_config(traj, service)
            service.store_trajectory(persistence.image_of(traj), only_init=not store_all,
                                     store_data=StoreMode.DATA)
    except BaseException:
        memory.rollback()
        raise
    traj._stored = True
    traj._ranges_changed.clear()
    if store_all:
        for node in walk.iter_nodes(traj, with_links=False):
            node._stored = True
    for other in delete_after:
        persistence.service_of(other).delete_trajectory(other.v_name)
    _log.info("Merge into %s committed in %.2f s; it has %d runs.", traj.v_name,
              time.time() - start, len(traj))


def _apply(traj: Trajectory, other: Trajectory, plan: MergePlan, memory: MergeInMemory,
           ignore: tuple[str, ...], keep_info: bool, keep_other_info: bool,
           merge_config: bool, remove_duplicates: bool) -> None:
    """Step 4 for one other trajectory."""
    memory.apply(plan, other)
    if merge_config:
        carry_over_config(traj, other)
    if keep_info:
        add_merge_info(traj, other, plan, time.time(), remove_duplicates, ignore,
                       keep_other_info)
