"""MultiprocContext with a user's multiprocessing Pool, and the @manual_run decorator."""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from pypet import MultiprocContext, Trajectory
from pypet.errors import DataNotInStorageError
from pypet.execution.procs.start import fork_warning_silenced, other_threads
from tests.execution.helpers import load, loading_pool_task, manual_job, pool_task


def make_traj(filename, n=4):
    traj = Trajectory("ctx", filename=str(filename))
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": list(range(1, n + 1))})
    return traj


def pypet_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pypet")]


@pytest.mark.multiproc
@pytest.mark.parametrize("method", ["fork", "forkserver"])
@pytest.mark.parametrize("wrap_mode", ["LOCK", "QUEUE"])
def test_context_with_user_pool_stores_every_run(tmp_path, wrap_mode, method):
    """Runs stored from a user's Pool (forked, or from a fork server: the lock and the queue
    pickle) through the context's wrapper reach the file; no pypet thread runs meanwhile."""
    traj = make_traj(tmp_path / "ctx.hdf5")
    original = traj.v_storage_service
    with MultiprocContext(traj, wrap_mode=wrap_mode, full_copy=True) as ctx:
        assert traj.v_storage_service is not original
        assert (ctx.lock is not None) == (wrap_mode == "LOCK")
        assert pypet_threads() == []  # the user's pool may fork
        with user_pool(method) as pool:
            values = pool.map(pool_task, [(traj, i) for i in range(4)])
    assert traj.v_storage_service is original
    assert values == [(0, 1), (1, 4), (2, 9), (3, 16)]
    loaded = load(tmp_path / "ctx.hdf5")
    assert list(loaded.f_get_from_runs("sq", fast_access=True).values()) == [1, 4, 9, 16]
    assert loaded.f_is_completed()


@contextmanager
def user_pool(method: str) -> Iterator[Any]:
    """A user's multiprocessing Pool of 2 workers.

    Python 3.12+ warns about a fork in a process with other *operating-system* threads, and
    numexpr (imported with PyTables) keeps idle ones: that warning about the user's own fork
    is not pypet's, and is hidden here exactly as pypet hides it for its own forks.
    """
    with fork_warning_silenced(method == "fork" and not other_threads()), \
            mp.get_context(method).Pool(2) as pool:
        yield pool


@pytest.mark.multiproc
def test_context_lock_mode_allows_loading_in_workers(tmp_path):
    """With LOCK, user workers may load stored items."""
    traj = make_traj(tmp_path / "ctxload.hdf5", n=2)
    traj.f_add_result("pre", 10)
    traj.f_store()  # the context itself stores only the skeleton
    with MultiprocContext(traj, wrap_mode="LOCK", full_copy=True):
        with user_pool("fork") as pool:
            assert pool.map(loading_pool_task, [(traj, i) for i in range(2)]) == [11, 12]


@pytest.mark.multiproc
def test_context_queue_writer_error_is_raised_by_finalize(tmp_path):
    """A store the queue writer process cannot do is raised when the context ends."""
    filename = tmp_path / "ctxerr.hdf5"
    traj = make_traj(filename, n=2)
    with pytest.raises(DataNotInStorageError, match="'ctx' is not in") as info:
        with MultiprocContext(traj, wrap_mode="QUEUE"):
            filename.unlink()  # the trajectory is gone from the file the writer opens
            Trajectory("other", filename=str(filename)).f_store()
            traj.f_add_result("z", 1)
            traj.f_store_item("z")
    assert any("queue writer" in note for note in info.value.__notes__)


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
