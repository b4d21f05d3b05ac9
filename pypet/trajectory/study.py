"""Re-running a script continues its study; a dry run tells what would run.

With ``Environment(..., if_exists='extend')`` the same script can run again with a larger (or
changed) exploration: the trajectory it builds is compared with the one stored under the same
name, the points that are stored already are dropped (found by :func:`pypet.hashing.point_hash`,
one set look-up per point), the new ones are appended to the stored ranges, and only runs that
are not completed run. Coma and psweep users know this as "re-run the script, only the missing
points are computed".

:func:`plan_runs` computes the same without changing anything, for the dry run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.errors import DataNotInStorageError, FileFormatError, existing_trajectory_message
from pypet.hashing import hash_points
from pypet.trajectory.persistence import service_of

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["RunPlan", "extend_from_storage", "plan_runs"]

_log = logging.getLogger("pypet.trajectory.study")


@dataclass
class RunPlan:
    """What a run of a trajectory would do.

    ``stored`` is the trajectory of the same name loaded from the file (None if there is
    none), ``new`` the positions of the script's points that are not stored yet, ``pending``
    the run indices (after extension) that would run, ``hashes`` the point hash of every
    run index after extension.
    """

    name: str
    stored: Any = None
    new: list[int] = field(default_factory=list)
    skipped: int = 0
    pending: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    points: dict[str, list] = field(default_factory=dict)  # explored name -> values, by index

    def to_frame(self) -> Any:
        """The runs that would run: index ``idx``; explored values, ``point_hash``, ``state``."""
        import pandas as pd

        from pypet.trajectory.dataframe import short_names

        stored_length = len(self.stored) if self.stored is not None else 0
        data: dict[str, Any] = {}
        for full, short in short_names(list(self.points)).items():
            values = self.points[full]
            data[short] = [values[i] for i in self.pending]
        data["point_hash"] = [self.hashes[i] for i in self.pending]
        data["state"] = ["new" if i >= stored_length else "not completed" for i in self.pending]
        return pd.DataFrame(data, index=pd.Index(self.pending, name="idx"))


def _load_stored(traj: Trajectory) -> Trajectory | None:
    """The trajectory of ``traj``'s name in its file (parameters and config), or None."""
    from pypet.trajectory.trajectory import Trajectory

    service = traj.v_storage_service
    if service is None:
        return None
    stored = Trajectory(traj.v_name)
    stored.v_storage_service = service
    try:
        stored.f_load(name=traj.v_name, load_parameters=C.LOAD_DATA,
                      load_derived_parameters=C.LOAD_NOTHING, load_results=C.LOAD_NOTHING,
                      load_other_data=C.LOAD_NOTHING)
    except FileFormatError:
        raise
    except DataNotInStorageError:
        return None  # no file yet, or no trajectory of that name: nothing to continue
    return stored


def _check_same_study(traj: Trajectory, stored: Trajectory) -> None:
    """Refuse to mix runs made with different fixed parameters or another explored space."""
    where = f"the stored trajectory {stored.v_name!r}"
    mine = {name: p for name, p in traj.f_get_parameters().items()}
    theirs = {name: p for name, p in stored.f_get_parameters().items()}
    if set(mine) != set(theirs):
        raise ValueError(
            f"Cannot extend {where}: its parameters differ from the script's (only in the "
            f"file: {sorted(set(theirs) - set(mine))}; only in the script: "
            f"{sorted(set(mine) - set(theirs))}). Use another trajectory name for a "
            "different study."
        )
    explored = set(traj._explored)
    if explored != set(stored._explored_names):
        raise ValueError(
            f"Cannot extend {where}: it explores {sorted(stored._explored_names)}, the script "
            f"explores {sorted(explored)}. Explore the same parameters, or use another name."
        )
    for name, param in mine.items():
        if name in explored:
            continue
        value, old = param.f_get(), theirs[name].f_get()
        if type(value) is not type(old) or not param._equal_values(value, old):
            raise ValueError(
                f"Cannot extend {where}: {name} is {value!r} in the script but {old!r} in the "
                "file, so new runs would not be comparable with the stored ones. Restore the "
                "value, explore the parameter, or use another trajectory name."
            )


def plan_runs(traj: Trajectory, extend: bool, ignore_file: bool = False) -> RunPlan:
    """What running ``traj`` would do, without changing it or the file.

    ``extend`` continues a stored trajectory of the same name (else such a trajectory makes
    the run fail, as storing would); ``ignore_file`` plans as if the file were new
    (``overwrite_file=True``).
    """
    stored = None if ignore_file else _load_stored(traj)
    if stored is not None and not extend:
        raise RuntimeError(existing_trajectory_message(service_of(traj).location, traj.v_name))
    names = list(stored._explored_names) if stored is not None else list(traj._explored)
    mine = {name: traj._explored[name].f_get_range(copy=False) for name in traj._explored}
    plan = RunPlan(traj.v_name, stored)
    if stored is None:
        plan.points = mine
        plan.hashes = hash_points(mine) if mine else [_empty_hash()]
        plan.new = list(range(len(traj)))
        plan.pending = [i for i in range(len(traj)) if not traj._run_table.completed[i]]
        return plan
    _check_same_study(traj, stored)
    old = {name: stored._explored[name].f_get_range(copy=False) for name in names}
    old_hashes = hash_points(old) if old else [_empty_hash()]
    known = set(old_hashes)
    new_hashes = hash_points(mine) if mine else [_empty_hash()]
    plan.new = [i for i, h in enumerate(new_hashes) if h not in known]
    plan.skipped = len(new_hashes) - len(plan.new)
    plan.points = {name: list(old[name]) + [mine[name][i] for i in plan.new] for name in names}
    plan.hashes = old_hashes + [new_hashes[i] for i in plan.new]
    completed = stored._run_table.completed
    plan.pending = [i for i in range(len(stored)) if not completed[i]] + \
        list(range(len(stored), len(stored) + len(plan.new)))
    return plan


def _empty_hash() -> str:
    from pypet.hashing import point_hash

    return point_hash({})


def extend_from_storage(traj: Trajectory) -> RunPlan:
    """Make ``traj`` the stored trajectory of its name plus the script's new points.

    Nothing happens if the file holds no trajectory of that name (the first run). Otherwise
    ``traj`` takes over the stored name, time, comment, explored ranges (with the new points
    appended) and run information, and counts as stored; the runs that are not completed are
    then the only ones an Environment runs.
    """
    plan = plan_runs(traj, extend=True)
    stored = plan.stored
    if stored is None:
        return plan
    for attr in ("_timestamp", "_time", "_version", "_python", "_comment"):
        setattr(traj, attr, getattr(stored, attr))
    length = len(stored) + len(plan.new)
    for name, values in plan.points.items():
        param = traj._explored[name]
        param.f_unlock()
        param._shrink()
        param._explore(values)
        param.f_lock()
    traj._explored_names = list(plan.points)
    traj._explored = {name: traj._explored[name] for name in plan.points}
    traj._ranges_changed.update(plan.points)
    table = stored._run_table
    table.resize(length)
    traj._run_table = table
    traj._run_info_loaded = True
    _mark_stored(traj, stored)
    if stored.f_contains("config.environment", shortcuts=False):
        # the environments that ran the stored runs (their names label the run table)
        traj.config.f_load_child("environment", recursive=True, load_data=C.LOAD_DATA)
    _log.info("Continuing %s: %d runs stored (%d completed); %d new points added, %d points "
              "of the exploration were stored already; %d runs to do.", traj.v_name,
              len(stored), int(stored._run_table.completed[:len(stored)].sum()), len(plan.new),
              plan.skipped, len(plan.pending))
    return plan


def _mark_stored(traj: Trajectory, stored: Trajectory) -> None:
    """Nodes that the file holds count as stored (explored ranges are rewritten anyway)."""
    from pypet.tree import walk

    traj._stored = True
    for node in walk.iter_nodes(traj, with_links=False):
        if stored.f_contains(node.v_full_name, shortcuts=False):
            node._stored = True
