"""Merging trajectories: ``f_merge``, ``f_merge_many`` and ``merge_all_in_folder``.

:mod:`.plan` decides what a merge does (nothing changes there), :mod:`.memory` applies it to
the target in RAM (and undoes it on failure), :mod:`.records` writes the ``config.merge``
entries, :mod:`.merging` runs the steps with the storage transaction, and :mod:`.folder`
merges every file of a folder. The storage side is :mod:`pypet.storage.merging`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["merge", "merge_all_in_folder", "merge_many"]


def __getattr__(name: str) -> Any:
    # imported on first use: every Trajectory has the merge methods, few scripts merge
    if name == "merge_all_in_folder":
        from pypet.trajectory.merge.folder import merge_all_in_folder

        return merge_all_in_folder
    if name in ("merge", "merge_many"):
        from pypet.trajectory.merge import merging

        return getattr(merging, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
