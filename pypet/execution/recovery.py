"""Resuming a crashed experiment: file, run table and journal brought back in step.

The journal is the source of truth for finished runs: a killed writer may have left the
HDF5 file with a run's completed flag but not all of its data (or the reverse). So every
journaled outcome is written again (``replace=True``), and the run table is the file's
overlaid with the journal's. A file that cannot be read any more is set aside and the
trajectory is stored anew from the snapshot, then the journal is replayed into it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from pypet import constants as C
from pypet.errors import DataNotInStorageError, FileFormatError
from pypet.execution.journal import RecordRef, load_records
from pypet.execution.returned import ReturnedValues
from pypet.storage.run_writer import RunWriter
from pypet.trajectory.experiment_api import (
    adopt_run_information,
    explored_ranges,
    record_outcome,
    run_information,
)
from pypet.trajectory.persistence import service_of

if TYPE_CHECKING:
    from pypet.execution.resume_folder import ResumeFolder
    from pypet.storage.records import RunInfo
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["restore"]

_log = logging.getLogger("pypet.execution.resume")

#: journal records replayed per storage call (bounds memory, amortises the file opening)
_REPLAY_BATCH = 256


def _same(a: Any, b: Any) -> bool:
    """Whether two explored values are equal (arrays too)."""
    try:
        equal = a == b
        if isinstance(equal, (bool, np.bool_)):
            return bool(equal)
        return np.shape(a) == np.shape(b) and bool(np.all(equal))
    except Exception:  # values that cannot be compared are not the same
        return False


def _check_explored(traj: Trajectory, stored: Trajectory) -> None:
    """The file must hold the snapshot's explored space (either may be longer: a crash
    between storing an expansion and snapshotting it), with no completed run beyond it."""
    mine, theirs = explored_ranges(traj), explored_ranges(stored)
    problem = None
    if set(mine) != set(theirs):
        problem = (f"explored parameters {sorted(theirs)} in the file, {sorted(mine)} in the "
                   "snapshot")
    else:
        for name, values in mine.items():
            other = theirs[name]
            common = min(len(values), len(other))
            bad = next((i for i in range(common) if not _same(values[i], other[i])), None)
            if bad is not None:
                problem = (f"{name} of run {bad} is {other[bad]!r} in the file but "
                           f"{values[bad]!r} in the snapshot")
                break
        completed = np.flatnonzero(run_information(stored).completed)
        if problem is None and len(completed) and completed[-1] >= len(traj):
            problem = (f"the file has completed run {int(completed[-1])} beyond the "
                       f"snapshot's {len(traj)} runs")
    if problem is not None:
        raise ValueError(
            f"Cannot resume {traj.v_name!r}: the explored space changed since the crash "
            f"({problem}). Nothing was written. Resume against the file the experiment "
            "wrote, or start a new experiment."
        )


def _stored_state(traj: Trajectory) -> Trajectory | None:
    """The trajectory as the file holds it (explored ranges and run information), or None
    when it must be stored anew (missing, or set aside because it cannot be read)."""
    from pypet.trajectory import Trajectory

    service = service_of(traj)
    stored = Trajectory(traj.v_name, storage_service=service)
    try:
        stored.f_load(name=traj.v_name, load_parameters=C.LOAD_DATA,
                      load_derived_parameters=C.LOAD_NOTHING, load_results=C.LOAD_NOTHING,
                      load_other_data=C.LOAD_NOTHING)
    except FileFormatError as error:  # not readable as HDF5 any more (e.g. truncated)
        _set_aside(traj, error)
        return None
    except DataNotInStorageError as error:
        _log.warning("Resuming %s: %s It is stored anew from the resume snapshot.",
                     traj.v_name, error)
        return None
    except Exception as error:  # a killed writer can leave any HDF5 error behind
        _set_aside(traj, error)
        return None
    return stored


def _set_aside(traj: Trajectory, error: BaseException) -> None:
    where = service_of(traj).set_aside_damaged(traj.v_name)
    _log.warning("Resuming %s: the stored trajectory cannot be read or written (%s: %s). "
                 "The damaged file is kept as %s; the trajectory is stored anew from the "
                 "resume snapshot and journal.", traj.v_name, type(error).__name__,
                 str(error).strip().splitlines()[0] if str(error).strip() else "", where)


def _store_anew(traj: Trajectory, info: RunInfo) -> None:
    """Store the snapshot's trajectory from scratch, with the snapshot's run information."""
    traj.f_migrate(in_store=False)
    adopt_run_information(traj, info)
    traj.f_store()


def _replay(traj: Trajectory, refs: list[RecordRef]
            ) -> tuple[ReturnedValues, list[int], BaseException | None]:
    """Write the journaled outcomes into the file; return ``(results, runs that could not
    be stored, the first storage error)``. Runs not stored stay not completed."""
    writer = RunWriter(service_of(traj), traj.v_name, len(traj), replace=True)
    unstored: list[int] = []
    writer.on_failure = lambda outcomes: unstored.extend(o.idx for o in outcomes)
    results = ReturnedValues()
    first: BaseException | None = None
    with service_of(traj).session(traj.v_name):
        for start in range(0, len(refs), _REPLAY_BATCH):
            outcomes = load_records(refs[start:start + _REPLAY_BATCH])
            try:
                writer.add_all(outcomes)
                writer.flush()
            except Exception as error:  # kept: the caller decides (damaged file or data)
                first = first or error
            failed = set(unstored)
            for outcome in outcomes:
                if outcome.idx in failed:
                    continue
                record_outcome(traj, outcome)
                if outcome.error is None:
                    results.append((outcome.idx, outcome.value))
    return results, unstored, first


def _verify(traj: Trajectory) -> None:
    """Read the whole run table back: a chunk a killed writer damaged fails here."""
    service = service_of(traj)
    if service.capabilities.run_table:
        service.read_run_table(traj.v_name)


def restore(traj: Trajectory, folder: ResumeFolder) -> ReturnedValues:
    """Bring ``traj`` (the snapshot's) and its file up to the journal; return the journaled
    ``(idx, value)`` of the completed runs.

    If writing the journal into the existing file fails, or the file does not read back,
    the file is set aside and the trajectory stored anew before replaying again.
    """
    snapshot_info = run_information(traj)
    traj.f_migrate(in_store=True)  # the snapshot was taken of a stored trajectory
    stored = _stored_state(traj)
    if stored is None:
        _store_anew(traj, snapshot_info)
    else:
        _check_explored(traj, stored)
        adopt_run_information(traj, run_information(stored))
    refs = sorted(folder.records().values(), key=lambda ref: ref.idx)
    late = [ref.idx for ref in refs if ref.idx >= len(traj)]
    if late:
        _log.warning("Ignoring journal records of runs %s beyond the snapshot's %d runs.",
                     late[:10], len(traj))
        refs = [ref for ref in refs if ref.idx < len(traj)]
    results, unstored, error = _replay(traj, refs)
    if stored is not None:
        try:
            if error is not None:
                raise error
            _verify(traj)
        except Exception as damage:  # a killed writer can leave any HDF5 error behind
            _set_aside(traj, damage)
            _store_anew(traj, snapshot_info)
            results, unstored, error = _replay(traj, refs)
    if unstored:
        _log.error("Resuming %s: the journaled outcomes of runs %s cannot be stored (%r); "
                   "they run again.", traj.v_name, unstored[:10], error)
    _log.info("Resuming %s: %d finished runs from the journal, %d runs to go.", traj.v_name,
              len(results), len(traj) - int(run_information(traj).completed.sum()))
    return results
