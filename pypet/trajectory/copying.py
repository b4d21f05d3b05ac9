"""Copying a trajectory's tree and removing the nodes a run added."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pypet.tree import edit, walk

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["copy_trajectory", "remove_nodes"]


def _shallow(obj: Any) -> Any:
    """A shallow copy of a group or trajectory (leaves define their own ``__copy__``)."""
    if not obj._is_leaf:
        new = object.__new__(type(obj))
        new.__dict__.update(obj.__dict__)
        return new
    return copy.copy(obj)


def copy_trajectory(traj: Trajectory, copy_leaves: bool | str = True,
                    with_links: bool = True) -> Trajectory:
    """Return a new trajectory with the same tree (see ``Trajectory.f_copy``)."""
    if copy_leaves not in (True, False, "explored"):
        raise ValueError(f"copy_leaves must be True, False or 'explored', not {copy_leaves!r}.")
    if traj._unplaced:
        traj._place_unplaced()  # the copy holds what the run added so far
    new = _shallow(traj)
    new._deferred = None  # the walk below makes every deferred node of ``traj``; they are copied
    new._children, new._links, new._index = {}, {}, {}
    new._root, new._link_count, new._links_to = new, 0, {}
    new._found, new._unplaced, new._plain_names, new._run_places = {}, {}, set(), None
    new._explored, new._presets, new._run = {}, dict(traj._presets), None
    new._explored_names = list(traj._explored_names)
    new._ranges_changed = set(traj._ranges_changed)
    new._run_table = copy.deepcopy(traj._run_table)
    if traj._annotations is not None:
        new._annotations = copy.deepcopy(traj._annotations)
    groups_with_links = [traj] if traj._links else []
    for node in walk.iter_nodes(traj, with_links=False):
        parent = edit._lookup_exact(new, node.v_location)
        if node._is_leaf:
            explored = node.v_full_name in traj._explored
            if copy_leaves is True or (copy_leaves == "explored" and explored):
                twin = copy.copy(node)
                if node._annotations is not None:
                    twin._annotations = copy.deepcopy(node._annotations)
                if explored and not traj._full_copy:
                    twin._drop_range()  # as pypet: ranges travel only with v_full_copy
            else:
                twin = node
        else:
            twin = _shallow(node)
            twin._children, twin._links = {}, {}
            if node._annotations is not None:
                twin._annotations = copy.deepcopy(node._annotations)
            if node._links:
                groups_with_links.append(node)
        edit.insert_child(parent, node.v_name, twin)
    for full_name in traj._explored:
        new._explored[full_name] = edit._lookup_exact(new, full_name)
    if with_links:
        for group in groups_with_links:
            new_group = edit._lookup_exact(new, group.v_full_name)
            for name, target in group._links.items():
                edit.add_link(new_group, name, edit._lookup_exact(new, target.v_full_name),
                              frozenset())
    return new


def remove_nodes(traj: Trajectory, nodes: Iterable[Any]) -> None:
    """Remove ``nodes`` (and what lies below them) from the tree, outermost first."""
    for node in sorted(nodes, key=lambda n: n.v_depth):
        if edit._lookup_exact(traj, node.v_full_name) is not node:
            continue  # already gone with an ancestor
        parent = edit._lookup_exact(traj, node.v_location)
        edit.remove_child(parent, node.v_name, recursive=True)
