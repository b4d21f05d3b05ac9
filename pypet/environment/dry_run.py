"""``dry_run=True``: the table of runs that would run; nothing runs, nothing is written."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.settings.options import StudySettings
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["dry_run"]

_log = logging.getLogger("pypet.environment")


def dry_run(traj: Trajectory, study: StudySettings, ignore_file: bool) -> Any:
    """The runs that would run, as a DataFrame (printed too with ``dry_run='print'``)."""
    from pypet.trajectory.study import plan_runs

    traj._prepare_experiment()  # the same checks as a real run (unused presets, ...)
    plan = plan_runs(traj, extend=study.if_exists == "extend",
                     ignore_file=ignore_file or traj._stored)
    frame = plan.to_frame()
    if study.dry_run == "print":
        print(f"Dry run of {traj.v_name}: {len(frame)} runs would run "
              f"({plan.skipped} points of the exploration are stored already).")
        print(frame.to_string())
    _log.info("Dry run of %s: %d runs would run.", traj.v_name, len(frame))
    return frame
