"""Records of studies: list_trajectories and the run table as a database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pypet import Environment, Trajectory, list_trajectories, load_trajectory
from pypet.hashing import point_hash


def _run(path, name, xs, comment="", fail_at=None):
    env = Environment(trajectory=name, filename=str(path), comment=comment, log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0, comment="explored")
    traj.f_add_parameter("grp.rate", 2.5, comment="fixed")
    traj.f_add_parameter("label", "abc")
    traj.f_explore({"x": xs})

    def simulate(t):
        if t.x == fail_at:
            raise ZeroDivisionError("planned")
        t.f_add_result("z", t.x * t.rate)

    if fail_at is None:
        env.run(simulate)
    else:
        with pytest.raises(ZeroDivisionError):
            env.run(simulate)
    return traj


def test_list_trajectories_describes_every_study(tmp_path):
    """One row per trajectory, oldest first, with time, comment, run counts and runtime."""
    path = tmp_path / "studies.hdf5"
    _run(path, "first", [1.0, 2.0, 3.0], comment="three points")
    _run(path, "second", [1.0, 2.0], fail_at=2.0)
    frame = list_trajectories(path)
    assert frame["name"].tolist() == ["first", "second"]
    assert frame["format"].tolist() == ["pypet", "pypet"]
    assert frame["comment"].tolist() == ["three points", ""]
    assert frame["runs"].tolist() == [3, 2] and frame["completed"].tolist() == [3, 1]
    assert frame["failed"].tolist() == [0, 1]
    assert str(frame["time"].dt.tz) == "UTC" and frame["time"].is_monotonic_increasing
    assert (frame["runtime"] > pd.Timedelta(0)).all()
    assert frame["git_commit"].isna().all() and frame["sumatra_label"].isna().all()


def test_list_trajectories_reads_git_and_sumatra_records(tmp_path):
    """The newest git commit and Sumatra label recorded in the config are listed."""
    path = tmp_path / "studies.hdf5"
    traj = Trajectory("recorded", filename=str(path))
    for hexsha, when in (("a" * 40, 100.0), ("b" * 40, 200.0)):
        base = f"git.commit_{hexsha[:7]}_2026_01_01_00h00m00s"
        traj.f_add_config(f"{base}.hexsha", hexsha)
        traj.f_add_config(f"{base}.committed_date", when)
    traj.f_add_config("sumatra.record_20260101-120000.label", "20260101-120000")
    traj.f_store()
    row = list_trajectories(path).iloc[0]
    assert row["git_commit"] == "b" * 40 and row["sumatra_label"] == "20260101-120000"


def test_dataframe_is_a_database(tmp_path):
    """Timestamps, timedelta, point hash, environment, and constants with all_parameters."""
    path = tmp_path / "db.hdf5"
    stored = _run(path, "db", [1.0, 2.0])
    traj = load_trajectory(name="db", filename=str(path))
    frame = traj.f_to_dataframe(all_parameters=True)
    assert frame.columns.tolist() == ["x", "rate", "label", "z", "point_hash", "completed",
                                      "start", "finish", "runtime", "hexsha", "environment"]
    assert frame["rate"].tolist() == [2.5, 2.5] and frame["label"].tolist() == ["abc", "abc"]
    assert str(frame["start"].dtype) == "datetime64[ns, UTC]"
    assert frame["runtime"].dtype == "timedelta64[ns]"
    assert (frame["finish"] - frame["start"] == frame["runtime"]).all()
    assert frame["point_hash"].tolist() == [point_hash({"parameters.x": 1.0}),
                                            point_hash({"parameters.x": 2.0})]
    assert frame["environment"].tolist() == [stored.v_environment_name] * 2
    assert frame["hexsha"].tolist() == [stored.v_environment_hexsha[:7]] * 2
    assert "rate" not in traj.f_to_dataframe().columns


def test_constants_are_loaded_when_only_a_skeleton_is_in_memory(tmp_path):
    """all_parameters fills constants that were loaded as a skeleton from the file."""
    path = tmp_path / "db.hdf5"
    _run(path, "db", [1.0, 2.0])
    traj = load_trajectory(name="db", filename=str(path), load_parameters=1)
    assert traj.f_to_dataframe(all_parameters=True)["rate"].tolist() == [2.5, 2.5]


def test_stored_return_values_become_plain_columns():
    """The plug-in for stored return values: items of results.runs.$.returned are named by
    the item alone (psweep's merged dict), a scalar as 'returned'."""
    traj = Trajectory("r")
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    for idx in range(2):
        traj.f_start_run(idx)
        traj.f_add_result("returned", mean=idx * 1.5, n=idx)
        traj.f_finalize_run(clean_up=False)
    frame = traj.f_to_dataframe(with_run_info=False, point_hash=False)
    assert frame.columns.tolist() == ["x", "mean", "n"]
    assert frame["mean"].tolist() == [0.0, 1.5]
    single = Trajectory("s")
    single.f_add_parameter("x", 0)
    single.f_explore({"x": [1]})
    single.f_start_run(0)
    single.f_add_result("returned", np.float64(3.0))
    single.f_finalize_run(clean_up=False)
    assert single.f_to_dataframe(with_run_info=False)["returned"].tolist() == [3.0]


def test_unhashable_explored_values_leave_the_hash_empty():
    """Explored objects without a stable encoding: the table still comes, point_hash is None."""
    from pypet import PickleParameter

    traj = Trajectory("objects")
    traj.f_add_parameter(PickleParameter, "thing", frozenset({1}))
    traj.f_explore({"thing": [frozenset({1}), frozenset({2})]})
    frame = traj.f_to_dataframe(with_run_info=False)
    assert frame["point_hash"].isna().all() and len(frame) == 2
