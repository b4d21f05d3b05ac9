"""The trajectory's merge methods (``f_merge``, ``f_merge_many``), a mixin of Trajectory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pypet.settings.deprecations import TRAJECTORY_KWARGS, rename_deprecated
from pypet.trajectory.guards import not_in_run

__all__ = ["MergeMethods"]


class MergeMethods:
    """Mixin of the Trajectory: merging other trajectories into this one."""

    @not_in_run
    def f_merge(self, other_trajectory: Any, trial_parameter: str | None = None,
                remove_duplicates: bool = False, ignore_data: Sequence[str] = (),
                backup: bool = True, move_data: bool = False,
                delete_other_trajectory: bool = False, keep_info: bool = True,
                keep_other_trajectory_info: bool = True, merge_config: bool = True,
                consecutive_merge: bool = False, slow_merge: bool = False,
                **old: Any) -> None:
        """Merge another trajectory (stored in an HDF5 file) into this one.

        Parameters that differ between the two (or are explored in either) become explored;
        the other's runs are appended with new indices, and everything it stored inside its
        runs is copied under the new run names (links inside point at the renamed targets).
        Both must have the same parameters with values of the same types (TypeError
        otherwise). The merge is all or nothing: if it fails, both trajectories and their
        files are as they were. See ``doc/merging.md``.

        Parameters
        ----------
        other_trajectory : Trajectory
            The trajectory to merge in (stored; it is only read, see below).
        trial_parameter : str, optional
            An int parameter counting trials 0..T on both sides: the other's trials are
            renumbered to follow this one's.
        remove_duplicates : bool
            Leave out the other's runs whose point is explored here already (found by point
            hash, not by comparing all pairs).
        ignore_data : sequence of str
            Full names of items (or groups) of the other trajectory not to merge.
        backup : bool
            First copy both trajectories to ``backup_<name>.hdf5`` next to their files.
        move_data : bool
            If both share a file, move the other's nodes instead of copying them.
        delete_other_trajectory : bool
            Remove the other trajectory from its file after the merge.
        keep_info, keep_other_trajectory_info : bool
            Record the merge under ``config.merge.merge_<hex>_<time>`` (with the other's
            name, timestamp, length and comment).
        merge_config : bool
            Copy the other's ``config.git``, ``config.environment`` and ``config.merge``.
        consecutive_merge : bool
            Skip reloading this trajectory and store only what the merge needs (call
            ``f_store()`` after a loop of merges); :meth:`f_merge_many` does this for you.
        slow_merge : bool
            Copy item by item through Python values instead of HDF5 node copies.
        """
        old = rename_deprecated(old, TRAJECTORY_KWARGS, "f_merge", stacklevel=4)  # user -> guard
        backup = old.pop("backup", backup)
        move_data = old.pop("move_data", move_data)
        if old:
            raise TypeError(f"f_merge() got unexpected keyword arguments {sorted(old)}.")
        from pypet.trajectory.merge.merging import merge

        merge(self, other_trajectory, trial_parameter, remove_duplicates, ignore_data,  # type: ignore[arg-type]
              bool(backup), move_data, delete_other_trajectory, keep_info,
              keep_other_trajectory_info, merge_config, consecutive_merge, slow_merge)

    @not_in_run
    def f_merge_many(self, other_trajectories: Sequence[Any], ignore_data: Sequence[str] = (),
                     move_data: bool = False, delete_other_trajectory: bool = False,
                     keep_info: bool = True, keep_other_trajectory_info: bool = True,
                     merge_config: bool = True, backup: bool = True,
                     remove_duplicates: bool = False, trial_parameter: str | None = None,
                     slow_merge: bool = False) -> None:
        """Merge several trajectories into this one, in one transaction.

        Like a loop of :meth:`f_merge` but this trajectory is backed up once (``backup``;
        the others are only read) and the file is written once, so merging many shards
        costs the sum of their sizes. Keywords as in :meth:`f_merge`.
        """
        from pypet.trajectory.merge.merging import merge_many

        merge_many(self, other_trajectories, ignore_data, move_data,  # type: ignore[arg-type]
                   delete_other_trajectory, keep_info, keep_other_trajectory_info,
                   merge_config, backup, remove_duplicates, trial_parameter, slow_merge)
