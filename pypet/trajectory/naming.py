"""Names made with ``add_time=True`` are unique within their file.

pypet appends the start time to the name with one-second resolution, so two studies started
in the same second would get the same name and the second could not be stored. The second
gets ``_2`` appended (then ``_3``, ...), checked against the names in the file and the names
handed out in this process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["make_unique"]

#: (file, name) pairs handed out in this process: two trajectories made in the same second
#: get different names even before either is stored
_CLAIMED: set[tuple[Any, str]] = set()


def make_unique(traj: Trajectory) -> None:
    """Give an ``add_time`` trajectory that is not stored yet a name its file does not hold."""
    if not traj._time_in_name or traj._stored:
        return
    service = traj.v_storage_service
    filename = getattr(service, "filename", None)
    listed = getattr(service, "top_level_names", None)  # what the backend can tell
    taken = set(listed()) if listed is not None else set()
    taken |= {name for where, name in _CLAIMED if where == filename}
    base = name = traj._traj_name
    number = 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    traj._traj_name = name
    _CLAIMED.add((filename, name))
