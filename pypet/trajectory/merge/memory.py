"""The merge in RAM: the target's parameters, run information and new config entries.

:class:`MergeInMemory` applies a :class:`~pypet.trajectory.merge.plan.MergePlan` to the
target trajectory and remembers how to undo it, so a merge whose storage part fails leaves
the trajectory in RAM as it was (the file is left as it was by the storage side).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pypet.tree import edit

if TYPE_CHECKING:
    from pypet.trajectory.merge.plan import MergePlan
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["MergeInMemory"]


class MergeInMemory:
    """Apply merge plans to ``traj`` and undo them all on :meth:`rollback`."""

    def __init__(self, traj: Trajectory) -> None:
        self.traj = traj
        self._table = copy.deepcopy(traj._run_table)
        self._explored = dict(traj._explored)
        self._explored_names = list(traj._explored_names)
        self._ranges_changed = set(traj._ranges_changed)
        self._params: dict[str, tuple[Any, int | None]] = {}  # name -> (param, old length)
        self._added: list[Any] = []

    def apply(self, plan: MergePlan, other: Trajectory) -> None:
        """Grow the explored parameters and the run table by the merged runs."""
        traj = self.traj
        for name, values in plan.append.items():
            param = edit._lookup_exact(traj, name)
            old = param.f_get_range_length() if param.f_has_range() else None
            self._params.setdefault(name, (param, old))
            param.f_unlock()
            try:
                if old is None:
                    param._explore([param.f_get_default()] * plan.start + values)
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

    def add(self, node: Any) -> None:
        """Remember a node added to the tree for the merge (removed again on rollback)."""
        self._added.append(node)

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
        for node in reversed(self._added):
            if edit._lookup_exact(traj, node.v_full_name) is node:
                parent = edit._lookup_exact(traj, node.v_location)
                parent.f_remove_child(node.v_name, recursive=True)
        traj._run_table = self._table
        traj._explored = self._explored
        traj._explored_names = self._explored_names
        traj._ranges_changed = self._ranges_changed
