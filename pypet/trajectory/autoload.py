"""pypet's ``v_auto_load``: natural naming that loads what is not in memory yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.errors import DataNotInStorageError
from pypet.trajectory import persistence
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
    try:
        node = traj._find(group, name, with_links, shortcuts, max_depth)
    except AttributeError as missing:
        node = None
        if traj._stored:
            # the current run's path first, then (for wildcards) the dummy run's, as pypet
            components = traj._translate(name)
            for candidate in (components, traj._dummy_translation(name, components)):
                if candidate is None:
                    continue
                full_name = ".".join([group.v_full_name, *candidate] if group.v_full_name
                                     else candidate)
                if persistence.load_items(traj, [full_name], C.LOAD_DATA, warn_missing=False):
                    node = search.find(group, candidate, with_links, False, max_depth)
                    break
        if node is None:
            if not traj._stored:
                raise missing
            # as pypet: auto-loading asked the file, and the file does not have it either
            raise DataNotInStorageError(
                f"{name!r} is neither in the trajectory below {group.v_full_name or 'the root'!r} "
                f"nor in its storage ({missing})."
            ) from missing
    if node._is_leaf and node.f_is_empty():
        traj.f_load_item(node)
        if node.v_is_parameter and traj._idx >= 0 and node.f_has_range():
            node._set_parameter_access(traj._idx)
    if fast_access and node._is_leaf and node.f_supports_fast_access():
        return node.f_get()
    return node


