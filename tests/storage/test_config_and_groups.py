"""Storage settings recorded in the config, and run groups whose results live in the table."""

from __future__ import annotations

from pypet import Environment, Trajectory, pypetconstants


def test_loaded_trajectory_adopts_the_files_storage_settings(tmp_path):
    """After loading, config.hdf5 and the service show the settings the file was written with."""
    filename = str(tmp_path / "settings.hdf5")
    traj = Trajectory("modes", filename=filename, complevel=9, complib="blosc")
    traj.f_add_parameter("x", 1)
    traj.f_store()
    loaded = Trajectory(filename=filename)
    loaded.f_load(name="modes")
    assert loaded.config.hdf5.complevel == 9 and loaded.config.hdf5.complib == "blosc"
    assert loaded.v_storage_service.complevel == 9


def test_changing_config_changes_how_storing_behaves(tmp_path):
    """config.hdf5 entries are read back at every store (pypet's rule)."""
    traj = Trajectory("c", filename=str(tmp_path / "c.hdf5"))
    traj.f_add_parameter("x", 1)
    traj.f_store()
    node = traj.f_get("config.hdf5.complevel")
    node.f_unlock()
    node.f_set(4)
    traj.f_store()
    assert traj.v_storage_service.complevel == 4


def test_run_group_with_only_table_results_loads_without_recursion(tmp_path):
    """f_load_child of a run group (non-recursive) and auto-loading through it both work."""
    env = Environment(trajectory="many", filename=str(tmp_path / "m.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": list(range(12))})
    env.run(lambda traj: traj.f_add_result("z", traj.x * traj.x))
    loaded = Trajectory(filename=str(tmp_path / "m.hdf5"))
    loaded.f_load(index=-1, load_results=pypetconstants.LOAD_NOTHING)
    group = loaded.f_load_child("results.runs.run_00000007")
    assert group.v_full_name == "results.runs.run_00000007"
    loaded.v_auto_load = True
    assert loaded.results.runs.run_00000008.z == 64


def test_explored_names_are_known_after_a_partial_load(tmp_path):
    """f_get_explored_parameters lists every explored name (None until loaded), and an
    auto-loaded explored parameter follows the run view."""
    traj = Trajectory("e", filename=str(tmp_path / "e.hdf5"))
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2, 3]})
    traj.f_store()
    loaded = Trajectory(filename=str(tmp_path / "e.hdf5"))
    loaded.f_load(index=-1, load_parameters=pypetconstants.LOAD_SKELETON)
    assert loaded.f_get_explored_parameters() == {"parameters.x": None}
    loaded.v_auto_load = True
    loaded.v_idx = 2
    assert loaded.x == 3
    loaded.v_idx = 0
    assert loaded.x == 1


def test_wildcard_function_can_replace_the_run_name(tmp_path):
    """wildcard_functions={('$', 'crun'): f} renames the runs (the spec's example)."""
    traj = Trajectory("w", wildcard_functions={("$", "crun"): lambda idx: f"sim{idx}"})
    assert traj.f_wildcard("$", 4) == "sim4"
    import pytest

    with pytest.raises(ValueError, match="other names"):
        traj.f_add_wildcard_functions({("$", "mine"): lambda idx: "x"})
