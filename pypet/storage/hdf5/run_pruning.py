"""Removing the stored data of runs that no longer exist (a trajectory shrunk with force).

After ``f_shrink(force=True)`` a stored trajectory has fewer runs than its file. Storing it
then removes everything the file holds for the runs beyond the new length: their rows of the
run table and their run groups (run-set groups left empty go too), so a loaded trajectory
never shows results of runs it does not have.
"""

from __future__ import annotations

import logging

import tables

from pypet.runnames import is_run_name, is_set_name
from pypet.storage.hdf5.layout import BUCKET_PREFIX, NODE, RUNS
from pypet.storage.hdf5.ptutil import get_child

__all__ = ["prune_runs"]

_log = logging.getLogger("pypet.storage")


def prune_runs(traj_group: tables.Group, length: int) -> int:
    """Remove the data of runs ``length, length+1, ...``; return how many run groups went."""
    table = traj_group._v_children[RUNS.OVERVIEW]._v_children[RUNS.TABLE]
    for node in list(table._v_children.values()):
        if isinstance(node, tables.EArray) and node.nrows > length:
            node.truncate(length)
    present = get_child(table, RUNS.PRESENT)
    for node in list(present._v_children.values()) if present is not None else ():
        if node.nrows > length:
            node.truncate(length)
    removed = 0
    for name, child in list(traj_group._v_children.items()):
        if name != RUNS.OVERVIEW and isinstance(child, tables.Group):
            removed += _prune_below(child, length)
    if removed:
        _log.warning("Removed %d stored run groups of runs beyond the trajectory's %d runs.",
                     removed, length)
    return removed


def _prune_below(group: tables.Group, length: int) -> int:
    removed = 0
    for name, child in list(group._v_children.items()):
        if not isinstance(child, tables.Group) or NODE.LEAF in child._v_attrs:
            if is_run_name(name) and name != "run_ALL" and int(name[4:]) >= length:
                child._f_remove(recursive=True)  # a leaf named like a run
                removed += 1
            continue
        if is_run_name(name) and name != "run_ALL":
            if int(name[4:]) >= length:
                child._f_remove(recursive=True)
                removed += 1
            continue
        removed += _prune_below(child, length)
        if (name.startswith(BUCKET_PREFIX) or is_set_name(name)) and not child._v_nchildren:
            child._f_remove()
    return removed
