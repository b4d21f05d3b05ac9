"""What a store writes after expansion, shrinking and partial
loads must match the trajectory."""

from __future__ import annotations

from pypet import Environment, Trajectory, pypetconstants


def reload(path, **kwargs):
    traj = Trajectory(filename=str(path))
    traj.f_load(index=-1, **kwargs)
    return traj


def test_runs_added_by_post_processing_reach_the_stored_ranges(tmp_path):
    """After expansion by post-processing the stored explored range has every run's value."""
    env = Environment(trajectory="e", filename=str(tmp_path / "e.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": [1, 2]})
    env.add_postprocessing(lambda traj, res: {"x": [3, 4]} if len(traj) == 2 else None)
    env.run(lambda traj: traj.x)
    loaded = reload(tmp_path / "e.hdf5", load_data=pypetconstants.LOAD_DATA)
    assert loaded.f_get("x").f_get_range() == [1, 2, 3, 4]
    loaded.v_idx = 3
    assert loaded.x == 4


def test_shrink_and_explore_again_rewrites_the_range(tmp_path):
    """f_shrink(force=True) and a new exploration replace the stored range and column."""
    traj = Trajectory("s", filename=str(tmp_path / "s.hdf5"))
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2, 3]})
    traj.f_store()
    traj.f_shrink(force=True)
    traj.f_explore({"x": [10, 20, 30]})
    traj.f_store()
    loaded = reload(tmp_path / "s.hdf5", load_data=pypetconstants.LOAD_DATA)
    assert loaded.f_get("x").f_get_range() == [10, 20, 30]
    assert list(loaded.f_to_dataframe()["x"]) == [10, 20, 30]


def test_storing_a_partly_loaded_trajectory_keeps_the_file(tmp_path):
    """A store after loading without parameters or run information changes neither."""
    env = Environment(trajectory="p", filename=str(tmp_path / "p.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": [1, 2, 3]})
    env.run(lambda traj: None)
    partial = reload(tmp_path / "p.hdf5", load_parameters=pypetconstants.LOAD_NOTHING,
                     with_run_information=False)
    partial.f_add_result("note", "added later")
    partial.f_store()
    loaded = reload(tmp_path / "p.hdf5", load_data=pypetconstants.LOAD_DATA)
    assert loaded.f_is_completed() and loaded.note == "added later"
    loaded.v_idx = 2
    assert loaded.x == 3


def test_removing_an_explored_parameter_from_memory_keeps_the_runs(tmp_path):
    """Freeing an explored parameter from RAM does not shrink a stored trajectory."""
    env = Environment(trajectory="r", filename=str(tmp_path / "r.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": [1, 2, 3]})
    env.run(lambda traj: None)
    traj = env.trajectory
    traj.parameters.f_remove_child("x")
    assert len(traj) == 3
    traj.f_store()
    loaded = reload(tmp_path / "r.hdf5", load_data=pypetconstants.LOAD_DATA)
    assert len(loaded) == 3 and loaded.f_is_completed()
    assert loaded.f_get("x").f_get_range() == [1, 2, 3]
