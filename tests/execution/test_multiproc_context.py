"""MultiprocContext with a user's multiprocessing Pool, and the @manual_run decorator."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from pypet import MultiprocContext, Trajectory
from tests.execution.helpers import load, loading_pool_task, manual_job, pool_task


def make_traj(filename, n=4):
    traj = Trajectory("ctx", filename=str(filename))
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": list(range(1, n + 1))})
    return traj


@pytest.mark.multiproc
@pytest.mark.parametrize("wrap_mode", ["LOCK", "QUEUE"])
def test_context_with_user_pool_stores_every_run(tmp_path, wrap_mode):
    """Runs stored from a user's Pool through the context's wrapper reach the file."""
    traj = make_traj(tmp_path / "ctx.hdf5")
    original = traj.v_storage_service
    with MultiprocContext(traj, wrap_mode=wrap_mode, full_copy=True) as ctx:
        assert traj.v_storage_service is not original
        assert (ctx.lock is not None) == (wrap_mode == "LOCK")
        with mp.get_context("fork").Pool(2) as pool:
            values = pool.map(pool_task, [(traj, i) for i in range(4)])
    assert traj.v_storage_service is original
    assert values == [(0, 1), (1, 4), (2, 9), (3, 16)]
    loaded = load(tmp_path / "ctx.hdf5")
    assert list(loaded.f_get_from_runs("sq", fast_access=True).values()) == [1, 4, 9, 16]
    assert loaded.f_is_completed()


@pytest.mark.multiproc
def test_context_lock_mode_allows_loading_in_workers(tmp_path):
    """With LOCK, user workers may load stored items."""
    traj = make_traj(tmp_path / "ctxload.hdf5", n=2)
    traj.f_add_result("pre", 10)
    traj.f_store()  # the context itself stores only the skeleton
    with MultiprocContext(traj, wrap_mode="LOCK", full_copy=True):
        with mp.get_context("fork").Pool(2) as pool:
            assert pool.map(loading_pool_task, [(traj, i) for i in range(2)]) == [11, 12]


def test_context_queue_mode_refuses_loading(tmp_path):
    """With QUEUE, loading through the wrapper raises NotImplementedError."""
    traj = make_traj(tmp_path / "ctxq.hdf5", n=2)
    traj.f_add_result("pre", 10)
    traj.f_store()
    with MultiprocContext(traj, wrap_mode="QUEUE"):
        with pytest.raises(NotImplementedError, match="wrap_mode='LOCK'"):
            traj.f_load_item("results.pre")


def test_context_rejects_net_modes(tmp_path):
    """NETLOCK is not a MultiprocContext mode in this version."""
    with pytest.raises(ValueError, match="NETLOCK"):
        MultiprocContext(make_traj(tmp_path / "n.hdf5"), wrap_mode="NETLOCK")


def test_manual_run_marks_runs_completed(tmp_path):
    """@manual_run wraps f_start_run/f_finalize_run: data and run info are stored."""
    traj = make_traj(tmp_path / "manual.hdf5", n=3)
    traj.f_store()
    for idx in (0, 2):
        traj.v_idx = idx
        assert manual_job(traj) == (idx + 1) ** 2
        assert not traj.v_is_run
    traj.v_idx = -1
    loaded = load(tmp_path / "manual.hdf5")
    assert [loaded.f_is_completed(i) for i in range(3)] == [True, False, True]
    assert dict(loaded.f_get_from_runs("sq", fast_access=True, use_indices=True)) == \
        {0: 1, 2: 9}


def test_start_and_finalize_run_by_hand(tmp_path):
    """f_start_run makes a run current; f_finalize_run stores its info and cleans up."""
    traj = make_traj(tmp_path / "hand.hdf5", n=2)
    traj.f_store()
    traj.f_start_run(1)
    assert traj.v_is_run and traj.v_idx == 1 and traj.x == 2
    traj.f_add_result("$.h", 5)
    traj.f_store()
    traj.f_finalize_run()
    assert not traj.v_is_run
    assert not traj.f_contains("results.run_00000001.h", shortcuts=False)
    loaded = load(tmp_path / "hand.hdf5")
    assert loaded.f_is_completed(1) and not loaded.f_is_completed(0)
    assert loaded.f_get("results.run_00000001.h", fast_access=True) == 5
