"""Thread-based executors, failed stores and runs, idle flushing,
orphaned workers, manual runs that fail, run_map argument counts."""

from __future__ import annotations

import concurrent.futures as cf

import pytest

from pypet import Environment, PickleResult, Trajectory, manual_run


def record(traj):
    """Store x (so a mixed-up run shows) and return it."""
    traj.f_add_result("z", traj.x)
    return traj.x


def env_for(tmp_path, name, **kwargs):
    env = Environment(trajectory=name, filename=str(tmp_path / f"{name}.hdf5"),
                      log_config=None, report_progress=False, **kwargs)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": list(range(40))})
    return env


def reload(tmp_path, name):
    traj = Trajectory(filename=str(tmp_path / f"{name}.hdf5"))
    traj.f_load(index=-1, load_data=2)
    return traj


@pytest.mark.multiproc
def test_thread_based_executor_keeps_runs_apart(tmp_path):
    """Several threads of one worker never share a trajectory: every run stores its own x."""
    with cf.ThreadPoolExecutor(4) as executor:
        env = env_for(tmp_path, "threads", executor=executor, ncores=4)
        results = env.run(record)
    assert results == [(i, i) for i in range(40)]
    stored = reload(tmp_path, "threads").f_get_from_runs("z", fast_access=True,
                                                         use_indices=True)
    assert stored == {i: i for i in range(40)}


def test_one_unstorable_run_does_not_lose_the_others(tmp_path):
    """A run whose data cannot be stored fails loudly; the other runs are stored."""
    def sometimes_bad(traj):
        traj.f_add_result("z", traj.x)
        if traj.x == 9:
            traj.f_add_result(PickleResult("bad", lambda: 1))

    env = env_for(tmp_path, "bad")
    with pytest.raises(Exception, match="bad"):
        env.run(sometimes_bad)
    loaded = reload(tmp_path, "bad")
    assert loaded.f_is_completed(8) and not loaded.f_is_completed(9)
    assert loaded.f_get_from_runs("z", fast_access=True)["run_00000008"] == 8


def test_a_failed_run_leaves_nothing_behind(tmp_path):
    """What a failing run added is not stored; running again stores the new values."""
    state = {"fail": True}

    def flaky(traj):
        traj.f_add_result("big", [traj.x] * 3)
        if traj.x == 1 and state["fail"]:
            raise RuntimeError("first attempt fails")

    env = env_for(tmp_path, "flaky")
    with pytest.raises(RuntimeError):
        env.run(flaky)
    assert not reload(tmp_path, "flaky").f_contains("results.runs.run_00000001.big")
    state["fail"] = False
    env.current_idx = 0
    env.run(flaky)
    assert reload(tmp_path, "flaky").f_get("results.runs.run_00000001.big").f_get() == [1] * 3


def test_manual_run_that_raises_is_not_completed(tmp_path):
    """@manual_run records a failing run as not completed."""
    traj = Trajectory("m", filename=str(tmp_path / "m.hdf5"))
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [0, 1]})
    traj.f_store()

    @manual_run()
    def job(t):
        raise ValueError("nope")

    traj.v_idx = 1
    with pytest.raises(ValueError):
        job(traj)
    assert not traj.f_is_completed(1)


def test_run_map_checks_the_argument_count(tmp_path):
    """run_map with too few values fails before any run starts."""
    env = env_for(tmp_path, "short")
    with pytest.raises(ValueError, match="40 runs need arguments"):
        env.run_map(lambda traj, a: a, range(39))
