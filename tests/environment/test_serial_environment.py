"""The serial Environment end to end: run, store, reload, errors, settings."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from pypet import Environment, Trajectory, cartesian_product, pypetconstants


def multiply(traj, factor=1.0):
    """Store and return x * y * factor."""
    z = traj.x * traj.y * factor
    traj.f_add_result("z", z, comment="the product")
    return z


def make_env(tmp_path, **kwargs):
    env = Environment(trajectory="t", filename=str(tmp_path / "exp.hdf5"), log_config=None,
                      report_progress=False, **kwargs)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0, comment="first")
    traj.f_add_parameter("y", 1.0)
    traj.f_explore(cartesian_product({"x": [1.0, 2.0], "y": [3.0, 4.0, 5.0]}))
    return env


def load(tmp_path):
    traj = Trajectory(filename=str(tmp_path / "exp.hdf5"))
    traj.f_load(index=-1, load_data=pypetconstants.LOAD_DATA)
    return traj


def test_run_returns_sorted_values_and_stores_everything(tmp_path):
    """run returns (idx, value) by index; a fresh trajectory loads the same results."""
    env = make_env(tmp_path)
    results = env.run(multiply, factor=2.0)
    assert results == [(i, v) for i, v in enumerate([6.0, 8.0, 10.0, 12.0, 16.0, 20.0])]
    traj = load(tmp_path)
    assert list(traj.f_get_from_runs("z", fast_access=True, use_indices=True).values()) == \
        [6.0, 8.0, 10.0, 12.0, 16.0, 20.0]
    assert traj.f_is_completed()
    assert traj.f_get("results.runs.run_00000004.z").v_comment == "the product"
    assert traj.f_get("x").v_comment == "first"
    frame = traj.f_to_dataframe()
    assert list(frame["z"]) == [6.0, 8.0, 10.0, 12.0, 16.0, 20.0]
    assert frame["completed"].all() and (frame["runtime"] >= pd.Timedelta(0)).all()


def test_env_config_and_names(tmp_path):
    """The environment records its settings and versions under config.environment."""
    env = make_env(tmp_path)
    env.run(multiply)
    traj = load(tmp_path)
    assert env.name.startswith(f"environment_{env.hexsha[:7]}_")
    group = f"config.environment.{env.name}"
    assert traj.f_get(f"{group}.automatic_storing", fast_access=True) is True
    assert traj.f_get(f"{group}.versions.pypet", fast_access=True) == env.trajectory.v_version
    assert traj.f_contains(f"{group}.runtime", shortcuts=False)
    assert traj.f_get("config.hdf5.complib", fast_access=True) == "zlib"
    assert traj.f_get_run_information(0)["short_environment_hexsha"] == env.hexsha[:7]


def test_failing_run_keeps_finished_runs(tmp_path):
    """A run that raises propagates its error naming the run; earlier runs are stored."""
    def sometimes(traj):
        if traj.v_idx == 3:
            raise RuntimeError("boom")
        traj.f_add_result("z", traj.v_idx)

    env = make_env(tmp_path)
    with pytest.raises(RuntimeError, match="boom") as info:
        env.run(sometimes)
    assert any("run 3" in note for note in info.value.__notes__)
    traj = load(tmp_path)
    assert [traj.f_is_completed(i) for i in range(6)] == [True] * 3 + [False] * 3
    assert sorted(traj.f_get_from_runs("z", fast_access=True, use_indices=True).items()) == \
        [(0, 0), (1, 1), (2, 2)]


def test_run_again_after_expand_runs_only_new_points(tmp_path):
    """current_idx stays at len(traj); after f_expand only the new runs execute."""
    env = make_env(tmp_path)
    env.run(multiply)
    assert env.current_idx == 6
    env.trajectory.f_expand({"x": [3.0], "y": [3.0]})
    assert env.run(multiply) == [(6, 9.0)]
    traj = load(tmp_path)
    assert len(traj) == 7 and traj.f_get_from_runs("z", fast_access=True)["run_00000006"] == 9.0


def test_run_map_passes_kth_values(tmp_path):
    """run_map hands the k-th item of each iterable to the k-th run."""
    env = make_env(tmp_path)
    got = env.run_map(lambda traj, a, b=0: a + b, range(6), b=[10] * 6)
    assert got == [(i, i + 10) for i in range(6)]
    with pytest.raises(ValueError, match="iterable"):
        env.run_map(multiply)


def test_unknown_keyword_is_named(tmp_path):
    """An unknown keyword raises ValueError naming it."""
    with pytest.raises(ValueError, match="bogus_option"):
        Environment(filename=str(tmp_path / "a.hdf5"), log_config=None, bogus_option=3)


def test_deprecated_keyword_is_mapped(tmp_path):
    """Old keyword names still work with a DeprecationWarning."""
    with pytest.warns(DeprecationWarning, match="dynamic_imports"):
        Environment(filename=str(tmp_path / "a.hdf5"), log_config=None,
                    dynamically_imported_classes=[])


def test_trajectory_properties_and_storage_kwargs(tmp_path):
    """Trajectory properties (with or without v_) and storage keywords are accepted."""
    env = Environment(filename=str(tmp_path / "a.hdf5"), log_config=None, v_fast_access=False,
                      auto_load=True, complevel=5)
    assert env.trajectory.v_fast_access is False and env.trajectory.v_auto_load is True
    assert env.trajectory.v_storage_service.complevel == 5


def test_prefixed_aliases(tmp_path):
    """f_run/v_trajectory/traj work as in pypet."""
    env = make_env(tmp_path)
    assert env.v_trajectory is env.traj is env.trajectory
    assert env.f_run(multiply)[0] == (0, 3.0)
    assert repr(env).startswith("<Environment environment_")


def test_no_automatic_storing_and_no_clean_up(tmp_path):
    """automatic_storing=False stores run info but no data; clean_up_runs=False keeps RAM."""
    env = make_env(tmp_path, automatic_storing=False, clean_up_runs=False)
    env.run(multiply)
    assert env.trajectory.f_get_from_runs("z", fast_access=True)["run_00000005"] == 10.0
    traj = load(tmp_path)
    assert traj.f_is_completed() and not traj.f_get_from_runs("z")
    assert not traj.f_contains("parameters.x")


def test_progress_is_logged(tmp_path, caplog):
    """report_progress logs PROGRESS lines to the chosen logger."""
    env = Environment(trajectory="t", filename=str(tmp_path / "p.hdf5"), log_config=None,
                      report_progress=(50, "pypet.progress_test", logging.WARNING))
    env.trajectory.f_add_parameter("x", 1.0)
    env.trajectory.f_add_parameter("y", 1.0)
    env.trajectory.f_explore({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0] * 4})
    with caplog.at_level(logging.WARNING, logger="pypet.progress_test"):
        env.run(multiply)
    lines = [r.getMessage() for r in caplog.records if r.name == "pypet.progress_test"]
    assert any("4/4" in line and "100.0%" in line for line in lines)


def test_progress_print(tmp_path, capsys):
    """report_progress with 'print' writes to stdout."""
    env = Environment(trajectory="t", filename=str(tmp_path / "p.hdf5"), log_config=None,
                      report_progress=(100, "print"))
    env.trajectory.f_add_parameter("x", 1.0)
    env.trajectory.f_add_parameter("y", 2.0)
    env.run(multiply)
    assert "Finished 1/1 runs" in capsys.readouterr().out


def test_log_stdout_and_context_manager(tmp_path, caplog):
    """log_stdout sends print() to a logger until the environment is left."""
    import sys

    original = sys.stdout
    with caplog.at_level(logging.INFO, logger="STDOUT"):
        with Environment(filename=str(tmp_path / "s.hdf5"), log_config=None,
                         log_stdout=True, report_progress=False) as env:
            env.trajectory.f_add_parameter("x", 1.0)
            env.run(lambda traj: print("hello from the run"))
    assert sys.stdout is original
    assert any("hello from the run" in r.getMessage() for r in caplog.records)


def test_existing_trajectory_instance(tmp_path):
    """An Environment can run a trajectory the user built (with its own service)."""
    traj = Trajectory("mine", filename=str(tmp_path / "own.hdf5"))
    traj.f_add_parameter("x", 2.0)
    traj.f_add_parameter("y", 3.0)
    env = Environment(trajectory=traj, log_config=None, report_progress=False)
    assert env.run(multiply) == [(0, 6.0)]
    again = Trajectory(filename=str(tmp_path / "own.hdf5"))
    again.f_load(name="mine", load_data=2)
    assert again.f_get("results.runs.run_00000000.z").f_get() == 6.0
