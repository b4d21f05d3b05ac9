"""The batching writer: when finished runs reach the file."""

from __future__ import annotations

import time

from pypet import Trajectory
from pypet.storage.records import RunOutcome
from pypet.storage.run_writer import RunWriter


def stored_trajectory(tmp_path):
    traj = Trajectory("w", filename=str(tmp_path / "w.hdf5"))
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [0, 1, 2]})
    traj.f_store()
    return traj


def completed_in_file(tmp_path):
    loaded = Trajectory(filename=str(tmp_path / "w.hdf5"))
    loaded.f_load(index=-1, load_parameters=0)
    return loaded._run_table.completed.tolist()


def test_fast_runs_wait_for_the_batch_and_slow_runs_are_written_at_once(tmp_path):
    """Quick runs are batched; a run of 0.5 s or more is written right away (with the
    batch before it), so a crash then loses no finished run."""
    traj = stored_trajectory(tmp_path)
    writer = RunWriter(traj.v_storage_service, "w", 3)
    now = time.time()
    writer.add(RunOutcome(0, None, now, now + 0.001, True))
    assert completed_in_file(tmp_path) == [0, 0, 0]
    writer.add(RunOutcome(1, None, now, now + 0.6, True))
    assert completed_in_file(tmp_path) == [1, 1, 0]
    writer.add(RunOutcome(2, None, now, now + 0.001, True))
    writer.flush()
    assert completed_in_file(tmp_path) == [1, 1, 1]
