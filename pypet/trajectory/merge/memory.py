"""The merge in RAM: the target's parameters, run information and new config entries.

:class:`MergeInMemory` applies a :class:`~pypet.trajectory.merge.plan.MergePlan` to the
target trajectory and remembers how to undo it, so a merge whose storage part fails leaves
the trajectory in RAM as it was (the file is left as it was by the storage side).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pypet.trajectory import copying
from pypet.tree import edit, walk

if TYPE_CHECKING:
    from pypet.trajectory.merge.plan import MergePlan
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["MergeInMemory"]


class MergeInMemory:
    """Apply merge plans to ``traj`` and undo them (and config entries added since) on
    :meth:`rollback`."""

    def __init__(self, traj: Trajectory) -> None:
        self.traj = traj
        self._table = copy.deepcopy(traj._run_table)
        self._explored = dict(traj._explored)
        self._explored_names = list(traj._explored_names)
        self._ranges_changed = set(traj._ranges_changed)
        self._params: dict[str, tuple[Any, int | None]] = {}  # name -> (param, old length)
        config = edit._lookup_exact(traj, "config")
        # merges add only config entries: what config holds now is what it keeps on rollback
        self._config = {node.v_full_name for node in walk.iter_nodes(config, with_links=False)
                        } if config is not None else set()

    def apply(self, plan: MergePlan, other: Trajectory) -> None:
        """Grow the explored parameters and the run table by the merged runs."""
        traj = self.traj
        for name, values in plan.append.items():
            param = edit._lookup_exact(traj, name)
            old = param.f_get_range_length() if param.f_has_range() else None
            self._params.setdefault(name, (param, old))
            new_range = None if old is not None else [param.f_get_default()] * plan.start + values
            param.f_unlock()  # after f_get_default, which locks
            try:
                if new_range is not None:
                    param._explore(new_range)
                else:
                    param._expand(values)
            finally:
                param.f_lock()
            traj._explored[name] = param
            traj._ranges_changed.add(name)
            if name not in traj._explored_names:
                traj._explored_names.append(name)
        table, source = traj._run_table, other._run_table
        table.resize(plan.length)
        rows = slice(plan.start, plan.length)
        table.completed[rows] = source.completed[plan.used]
        table.timestamp[rows] = source.timestamp[plan.used]
        table.finish_timestamp[rows] = source.finish_timestamp[plan.used]
        table.hexsha[rows] = source.hexsha[plan.used]
        table.failed[rows] = source.failed[plan.used]
        for pos, old in enumerate(plan.used.tolist()):
            if old in source.errors:  # the error and traceback of a failed run go along
                table.errors[plan.start + pos] = source.errors[old]

    def rollback(self) -> None:
        """Undo every :meth:`apply` and :meth:`add`."""
        traj = self.traj
        for param, old in self._params.values():
            kept = param.f_get_range(copy=False)[:old] if old is not None and \
                param.f_has_range() else None
            param.f_unlock()
            if param.f_has_range():
                param._shrink()
            if kept is not None:
                param._explore(kept)
            param.f_lock()
        config = edit._lookup_exact(traj, "config")
        if config is not None:
            copying.remove_nodes(traj, [node for node in walk.iter_nodes(config, with_links=False)
                                        if node.v_full_name not in self._config])
        traj._run_table = self._table
        traj._explored = self._explored
        traj._explored_names = self._explored_names
        traj._ranges_changed = self._ranges_changed
