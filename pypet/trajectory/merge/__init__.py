"""Merging trajectories: ``f_merge``, ``f_merge_many`` and ``merge_all_in_folder``.

:mod:`.plan` decides what a merge does (nothing changes there), :mod:`.memory` applies it to
the target in RAM (and undoes it on failure), :mod:`.records` writes the ``config.merge``
entries, :mod:`.merging` runs the steps with the storage transaction, and :mod:`.folder`
merges every file of a folder. The storage side is :mod:`pypet.storage.merging`.
"""

from pypet.trajectory.merge.folder import merge_all_in_folder
from pypet.trajectory.merge.merging import merge, merge_many

__all__ = ["merge", "merge_all_in_folder", "merge_many"]
