"""Dask: the embedded LocalCluster (executor='dask') and a user's Client match serial runs."""

from __future__ import annotations

import pytest
from distributed import Client, LocalCluster

from tests.execution.helpers import failing_run, load, loading_run, make_env
from tests.execution.test_parallel_runners import check_run

pytestmark = pytest.mark.multiproc


@pytest.fixture(scope="module", autouse=True)
def _no_dask_thread_left():
    """After this module, stop the thread Dask keeps for ever in this process.

    distributed starts an "offload" thread at its first use and never ends it. Left alone,
    every later test would run beside a foreign thread, so pypet would rightly start its
    workers with forkserver instead of fork (decision 0008) and the tests of forking would
    test something else. A fresh executor (threads start lazily) keeps Dask usable.
    """
    yield
    from concurrent.futures import ThreadPoolExecutor

    from distributed import utils

    old = utils._offload_executor
    utils._offload_executor = ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix="Dask-Offload")
    old.shutdown(wait=True)


@pytest.fixture(scope="module")
def dask_client():
    """One LocalCluster (2 single-threaded worker processes) for the whole module."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def test_embedded_dask_cluster_matches_serial(tmp_path, serial_reference, caplog):
    """executor='dask' starts a LocalCluster with ncores workers; the data equal serial."""
    check_run(tmp_path, serial_reference, caplog, executor="dask", ncores=2)


@pytest.mark.parametrize("wrap_mode", ["LOCK", "QUEUE"])
def test_user_dask_client_matches_serial(tmp_path, serial_reference, caplog, dask_client,
                                         wrap_mode):
    """A Client on the user's cluster (wrap mode ignored: the driver writes) matches serial."""
    check_run(tmp_path, serial_reference, caplog, executor=dask_client, ncores=2,
              wrap_mode=wrap_mode)


def test_dask_run_error_propagates_and_finished_runs_are_stored(tmp_path, dask_client):
    """A run's error comes back with its type and a note naming the run; others stored."""
    env = make_env(tmp_path / "fail.hdf5", values=8, executor=dask_client, ncores=2)
    with pytest.raises(KeyError, match="bad run") as info:
        env.run(failing_run)
    assert any("run 5" in note for note in info.value.__notes__)
    traj = load(tmp_path / "fail.hdf5")
    assert not traj.f_is_completed(5)
    done = [i for i in range(8) if traj.f_is_completed(i)]
    assert {0, 1, 2, 3} <= set(done)
    assert sorted(traj.f_get_from_runs("z", fast_access=True, use_indices=True)) == done


def test_loading_inside_a_run_on_an_executor_is_refused_clearly(tmp_path, dask_client):
    """On an executor only the driver opens the file: loading in a run says so."""
    env = make_env(tmp_path / "load.hdf5", values=2, executor=dask_client, ncores=2)
    env.trajectory.f_add_result("pre", 10.0)
    with pytest.raises(NotImplementedError, match="on an executor: only the driver"):
        env.run(loading_run)
