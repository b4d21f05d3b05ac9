"""Failing, dying and unpicklable runs, caps, loading inside runs, and bad settings."""

from __future__ import annotations

import logging
import threading

import psutil
import pytest

from pypet import Environment
from tests.execution.helpers import (
    failing_run,
    load,
    loading_run,
    make_env,
    make_unpicklable_run,
    rich_run,
    timed_run,
)

POOL = dict(multiproc=True, ncores=2, use_pool=True)
FORK = dict(multiproc=True, ncores=2, use_pool=False)


@pytest.mark.multiproc
@pytest.mark.parametrize("kwargs", [
    dict(POOL, wrap_mode="QUEUE"), dict(POOL, wrap_mode="LOCK"),
    dict(FORK, wrap_mode="QUEUE"), dict(FORK, wrap_mode="LOCK"),
], ids=["pool-queue", "pool-lock", "fork-queue", "fork-lock"])
def test_run_error_propagates_and_finished_runs_are_stored(tmp_path, kwargs):
    """A worker's error keeps its type and names the run; finished runs are completed."""
    env = make_env(tmp_path / "fail.hdf5", values=8, **kwargs)
    with pytest.raises(KeyError, match="bad run") as info:
        env.run(failing_run)
    assert any("run 5" in note for note in info.value.__notes__)
    traj = load(tmp_path / "fail.hdf5")
    done = [i for i in range(8) if traj.f_is_completed(i)]
    assert 5 not in done and {0, 1, 2, 3} <= set(done)
    assert sorted(traj.f_get_from_runs("z", fast_access=True, use_indices=True)) == done


@pytest.mark.multiproc
@pytest.mark.parametrize("wrap_mode", ["QUEUE", "LOCK"])
def test_runs_of_a_failed_batch_that_finished_are_kept(tmp_path, wrap_mode):
    """With 32 runs on 2 workers, runs travel in pairs: run 4 shares run 5's batch."""
    env = make_env(tmp_path / "batch.hdf5", values=32, **POOL, wrap_mode=wrap_mode)
    with pytest.raises(KeyError):
        env.run(failing_run)
    traj = load(tmp_path / "batch.hdf5")
    assert traj.f_is_completed(4) and not traj.f_is_completed(5)
    assert traj.f_get_from_runs("z", fast_access=True, use_indices=True)[4] == 4.0


@pytest.mark.multiproc
def test_unpicklable_run_function_needs_fork(tmp_path):
    """A pool cannot ship a function holding a lock and a generator; forking runs it."""
    func = make_unpicklable_run()
    env = make_env(tmp_path / "pool.hdf5", values=3, **POOL)
    with pytest.raises(TypeError, match="use_pool=False") as info:
        env.run(func)
    assert "make_unpicklable_run.<locals>.run" in str(info.value)
    env = make_env(tmp_path / "fork.hdf5", values=3, **FORK)
    assert env.run(func) == [(0, 0.0), (1, 1.0), (2, 2.0)]
    assert load(tmp_path / "fork.hdf5").f_is_completed()


@pytest.mark.multiproc
def test_unpicklable_argument_is_named(tmp_path):
    """An argument that does not pickle is named in the TypeError (pool mode)."""
    env = make_env(tmp_path / "arg.hdf5", values=2, **POOL)
    with pytest.raises(TypeError, match=r"Run keyword argument offset=<unlocked _thread.lock"):
        env.run(rich_run, offset=threading.Lock())


@pytest.mark.multiproc
def test_memory_cap_keeps_one_run_at_a_time(tmp_path, caplog):
    """A memory cap below the current usage allows one run process at a time, one warning."""
    # far below the current usage, so other processes freeing memory cannot lift us over it
    cap = psutil.virtual_memory().percent / 4
    env = make_env(tmp_path / "cap.hdf5", values=4, **FORK, memory_cap=cap, cpu_cap=100,
                   swap_cap=99.5)
    with caplog.at_level(logging.WARNING, logger="pypet.execution.caps"):
        assert env.run(timed_run) == [(i, i) for i in range(4)]
    warnings = [r for r in caplog.records if r.name == "pypet.execution.caps"]
    assert len(warnings) == 1 and "memory" in warnings[0].getMessage()
    traj = load(tmp_path / "cap.hdf5")
    spans = sorted((r.start, r.finish) for r in traj.f_get_from_runs("times").values())
    assert len(spans) == 4
    assert all(first[1] <= second[0] for first, second in zip(spans, spans[1:], strict=False))
    group = f"config.environment.{env.name}"
    assert traj.f_get(f"{group}.memory_cap", fast_access=True)[0] == pytest.approx(cap)
    assert traj.f_get(f"{group}.cpu_cap", fast_access=True) == 100.0
    assert traj.f_get(f"{group}.swap_cap", fast_access=True) == 99.5


def _prepare_loading(traj):
    """A result in memory and one only in the file, for loading_run."""
    traj.f_add_result("pre", 10.0)
    traj.f_store()
    traj.f_add_result("extra", 5.0)
    traj.f_store_item("extra")
    traj.f_remove_child("results", recursive=True)
    traj.f_add_result("pre", 10.0)


@pytest.mark.multiproc
@pytest.mark.parametrize("kwargs", [POOL, FORK], ids=["pool", "fork"])
def test_loading_inside_runs_works_in_lock_mode(tmp_path, kwargs):
    """With LOCK, a run may load items explicitly (f_load_item) and by auto-loading."""
    env = make_env(tmp_path / "load.hdf5", values=3, **kwargs, wrap_mode="LOCK")
    _prepare_loading(env.trajectory)
    assert env.run(loading_run) == [(i, 15.0) for i in range(3)]
    traj = load(tmp_path / "load.hdf5")
    assert list(traj.f_get_from_runs("z", fast_access=True).values()) == [15.0, 16.0, 17.0]


@pytest.mark.multiproc
@pytest.mark.parametrize("kwargs", [POOL, FORK], ids=["pool", "fork"])
def test_loading_inside_runs_is_refused_in_queue_mode(tmp_path, kwargs):
    """With QUEUE, workers never open the file: loading raises NotImplementedError."""
    env = make_env(tmp_path / "queue.hdf5", values=2, **kwargs, wrap_mode="QUEUE")
    _prepare_loading(env.trajectory)
    with pytest.raises(NotImplementedError, match="wrap_mode='QUEUE'.*wrap_mode='LOCK'"):
        env.run(loading_run)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(multiproc=True, ncores=-1), "ncores must be an int >= 0"),
    (dict(multiproc=True, cpu_cap=0), r"cpu_cap must be a percentage in \(0, 100\]"),
    (dict(multiproc=True, memory_cap=100.5), r"memory_cap must be a percentage"),
    (dict(multiproc=True, swap_cap=-3), r"swap_cap must be a percentage"),
    (dict(multiproc=True, memory_cap=(120, 10)), r"memory_cap must be a percentage"),
    (dict(multiproc=True, wrap_mode="FOO"), "wrap_mode must be one of QUEUE, LOCK, PIPE, "
                                            "LOCAL, NONE"),
    (dict(multiproc=True, wrap_mode="NETLOCK"), "executor='dask'"),
    (dict(multiproc=True, wrap_mode="NETQUEUE"), "executor='dask'"),
    (dict(multiproc=True, use_pool=False, freeze_input=True),
     "freeze_input=True needs multiproc=True and use_pool=True"),
    (dict(multiproc=True, use_pool=True, immediate_postproc=True),
     "immediate_postproc=True works only with use_pool=False"),
])
def test_bad_multiproc_settings_raise_value_error(tmp_path, kwargs, message):
    """Bad multiprocessing settings are refused at construction with a clear message."""
    with pytest.raises(ValueError, match=message):
        Environment(filename=str(tmp_path / "bad.hdf5"), log_config=None, **kwargs)
    assert not (tmp_path / "bad.hdf5").exists()
