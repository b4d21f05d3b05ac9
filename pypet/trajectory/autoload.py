"""pypet's ``v_auto_load``: natural naming that loads what is not in memory yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.tree import search

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory
    from pypet.tree.group import NNGroupNode

__all__ = ["get_with_auto_load"]


def get_with_auto_load(traj: Trajectory, group: NNGroupNode, name: str | int,
                       fast_access: bool, with_links: bool, shortcuts: bool,
                       max_depth: int | None) -> Any:
    """Find ``name``; on a miss load the exact path from storage; load empty leaves' data.

    Shortcuts cannot be resolved on disk, so a miss needs the real path below ``group``.
    """
    components = traj._translate(name)
    try:
        node = search.find(group, components, with_links, shortcuts, max_depth)
    except AttributeError as missing:
        full_name = ".".join([group.v_full_name, *components] if group.v_full_name
                             else components)
        if not traj._stored or not traj._load_node(full_name, False, C.LOAD_DATA, None):
            raise missing
        node = search.find(group, components, with_links, False, max_depth)
    if node._is_leaf and node.f_is_empty():
        traj.f_load_item(node)
        if node.v_is_parameter and traj._idx >= 0 and node.f_has_range():
            node._set_parameter_access(traj._idx)
    if fast_access and node._is_leaf and node.f_supports_fast_access():
        return node.f_get()
    return node


