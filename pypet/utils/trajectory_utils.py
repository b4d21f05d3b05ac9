"""pypet 0.7's module path of ``merge_all_in_folder`` (``pypet.utils.trajectory_utils``)."""

from pypet.trajectory.merge.folder import merge_all_in_folder

__all__ = ["merge_all_in_folder"]
