"""What a merge records in the target's config: the merge itself and the other's history.

``config.merge.merge_<hex7>_<time>`` describes one merge (pypet's names and entries);
``merge_config`` carries over the other trajectory's ``config.git``, ``config.environment``
and ``config.merge`` entries, so a merged file still says which commits, environments and
earlier merges produced its runs.
"""

from __future__ import annotations

import copy
import hashlib
from typing import TYPE_CHECKING, Any

from pypet._version import __version__
from pypet.trajectory.run_table import format_time
from pypet.tree import edit

if TYPE_CHECKING:
    from pypet.trajectory.merge.plan import MergePlan
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["add_merge_info", "carry_over_config"]

#: config groups of the other trajectory that a merge carries over (``merge_config``)
HISTORY_GROUPS = ("config.git", "config.environment", "config.merge")


def carry_over_config(traj: Trajectory, other: Trajectory) -> list[Any]:
    """Add copies of the other's history config leaves the target lacks; return them."""
    added = []
    for group_name in HISTORY_GROUPS:
        group = edit._lookup_exact(other, group_name)
        if group is None or group.v_is_leaf:
            continue
        for leaf in group.f_iter_leaves(with_links=False):
            if edit._lookup_exact(traj, leaf.v_full_name) is not None or leaf.f_is_empty():
                continue
            twin = copy.copy(leaf)
            twin._stored = False
            added.append(traj.f_add_config(twin))
    return added


def add_merge_info(traj: Trajectory, other: Trajectory, plan: MergePlan, timestamp: float,
                   remove_duplicates: bool, ignore_data: tuple[str, ...],
                   keep_other_trajectory_info: bool) -> list[Any]:
    """Record the merge under ``config.merge.merge_<hex7>_<time>``; return the new leaves."""
    hexsha = hashlib.sha1(
        f"{traj.v_name}{traj.v_timestamp}{other.v_name}{other.v_timestamp}{timestamp}"
        f"{__version__}".encode()).hexdigest()
    base = f"merge.merge_{hexsha[:7]}_{format_time(timestamp)}"
    number = 1
    while edit._lookup_exact(traj, "config." + base) is not None:
        number += 1  # several merges within one second
        base = f"merge.merge_{hexsha[:7]}_{format_time(timestamp)}_{number}"
    entries: list[tuple[str, Any, str]] = [
        ("merged_runs", len(plan.used), "Number of merged runs"),
        ("timestamp", timestamp, "Timestamp of merge"),
        ("hexsha", hexsha, "SHA-1 identifier of the merge"),
        ("remove_duplicates", bool(remove_duplicates), "Option to remove duplicate entries"),
        ("length_before_merge", plan.start, "Length of trajectory before merge"),
    ]
    if ignore_data:
        entries.append(("ignore_data", tuple(ignore_data), "Data to ignore during merge"))
    if traj.v_version != __version__:
        entries.append(("version", traj.v_version,
                        "pypet version of the trajectory (differs from the merging version)"))
    if plan.trial_parameter is not None:
        entries.append(("trial_parameter", plan.trial_parameter, "Name of trial parameter"))
    if keep_other_trajectory_info:
        if other.v_version != traj.v_version:
            entries.append(("other_trajectory.version", other.v_version,
                            "pypet version of the other trajectory"))
        entries += [
            ("other_trajectory.name", other.v_name,
             "Name of other trajectory merged into the current one"),
            ("other_trajectory.timestamp", other.v_timestamp,
             "Timestamp of creation of other trajectory merged into the current one"),
            ("other_trajectory.length", len(other), "Length of other trajectory"),
        ]
        if other.v_comment:
            entries.append(("other_trajectory.comment", other.v_comment,
                            "Comment of other trajectory"))
    added = [traj.f_add_config(f"{base}.{key}", value, comment=comment)
             for key, value, comment in entries]
    merge_group = edit._lookup_exact(traj, "config.merge")
    if not merge_group.v_comment:
        merge_group.v_comment = "Settings and information of the different merges"
    return added
