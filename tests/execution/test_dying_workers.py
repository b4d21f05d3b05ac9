"""Worker and run processes that die (SIGKILL, segfault, os._exit) cost no run and never hang.

A run whose process dies runs again on a new process (``max_retries`` times); then it is
recorded as failed with the cause, and ``on_error`` decides as for a run that raised. The
LOCK-mode lock is released by the kernel when its holder dies.
"""

from __future__ import annotations

import logging

import pytest

from pypet import Environment
from pypet.errors import RunDiedError
from tests.execution.dying_runs import (
    dies_after_a_journaled_run,
    dies_always,
    dies_holding_the_lock,
    dies_once,
    executions,
)
from tests.execution.helpers import load, make_env

pytestmark = pytest.mark.multiproc

POOL = dict(multiproc=True, ncores=2, use_pool=True)
FORK = dict(multiproc=True, ncores=2, use_pool=False)
RUNNERS = {
    "pool-QUEUE": dict(POOL, wrap_mode="QUEUE"),
    "pool-LOCK": dict(POOL, wrap_mode="LOCK"),
    "fork-QUEUE": dict(FORK, wrap_mode="QUEUE"),
    "fork-LOCK": dict(FORK, wrap_mode="LOCK"),
}


def stored_z(filename) -> dict[int, float]:
    return load(filename).f_get_from_runs("z", fast_access=True, use_indices=True)


def assert_every_run_once(filename, n: int) -> None:
    """Every run completed, holding its own result (once: one value per run)."""
    traj = load(filename)
    assert [traj.f_is_completed(i) for i in range(n)] == [True] * n
    assert stored_z(filename) == {i: 2.0 * i for i in range(n)}


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_a_killed_process_costs_no_run(tmp_path, runner):
    """SIGKILL of the process running run 1: it runs again elsewhere; every run is stored
    exactly once and the others ran once."""
    env = make_env(tmp_path / "k.hdf5", values=6, **RUNNERS[runner])
    assert env.run(dies_once, str(tmp_path)) == [(i, 2.0 * i) for i in range(6)]
    assert_every_run_once(tmp_path / "k.hdf5", 6)
    assert executions(tmp_path) == {0: 1, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1}


def test_a_dead_workers_batch_runs_again_and_only_the_killer_is_charged(tmp_path, caplog):
    """Runs travel in batches (64 runs: 4 per batch); the batch of a dead worker runs again
    run by run, so its innocent runs complete and an os._exit costs nothing."""
    env = make_env(tmp_path / "b.hdf5", values=64, **POOL, wrap_mode="QUEUE", max_retries=0)
    with caplog.at_level(logging.WARNING, "pypet.execution"):
        results = env.run(dies_once, str(tmp_path), victims=(10,), how="exit")
    assert results == [(i, 2.0 * i) for i in range(64)]
    assert_every_run_once(tmp_path / "b.hdf5", 64)
    counts = executions(tmp_path)
    assert set(counts) == set(range(64)) and counts[10] == 2
    assert {idx for idx, count in counts.items() if count == 2} <= {8, 9, 10, 11}
    assert "exit code 3" in caplog.text and "each on its own" in caplog.text


@pytest.mark.parametrize("runner", ["pool-QUEUE", "fork-LOCK"])
def test_a_run_that_always_segfaults_is_recorded_failed_and_others_go_on(tmp_path, runner):
    """on_error='continue': after max_retries the run is failed with "SIGSEGV" in the run
    table and failures log; every other run completes."""
    env = make_env(tmp_path / "s.hdf5", values=6, **RUNNERS[runner], max_retries=1,
                   on_error="continue")
    results = env.run(dies_always, str(tmp_path))
    assert results == [(i, 2.0 * i) for i in range(6) if i != 1]
    assert executions(tmp_path)[1] == 2  # the first attempt and one retry
    traj = load(tmp_path / "s.hdf5")
    info = traj.f_get_run_information(1)
    assert not info["completed"] and info["failed"]
    assert "RunDiedError" in info["error"] and "SIGSEGV" in info["error"]
    assert "max_retries=1" in info["error"]
    assert stored_z(tmp_path / "s.hdf5") == {i: 2.0 * i for i in range(6) if i != 1}


@pytest.mark.parametrize("runner", ["pool-LOCK", "fork-QUEUE"])
def test_a_run_that_always_dies_stops_the_sweep_by_default(tmp_path, runner):
    """on_error='raise' (pypet's default): a RunDiedError naming the run and the signal is
    raised after everything that finished is stored."""
    env = make_env(tmp_path / "r.hdf5", values=8, **RUNNERS[runner], max_retries=1)
    with pytest.raises(RunDiedError, match=r"Run 1 \(run_00000001\).*SIGSEGV") as info:
        env.run(dies_always, str(tmp_path))
    assert info.value.idx == 1 and len(info.value.deaths) == 2
    traj = load(tmp_path / "r.hdf5")
    ran = set(executions(tmp_path)) - {1}
    assert {i for i in range(8) if traj.f_is_completed(i)} == ran
    assert set(stored_z(tmp_path / "r.hdf5")) == ran
    assert traj.f_get_run_information(1)["failed"]


@pytest.mark.parametrize("runner", ["pool-LOCK", "fork-LOCK"])
def test_the_others_go_on_when_the_lock_holder_is_killed(tmp_path, runner):
    """A process SIGKILLed while it holds the LOCK-mode lock does not block the others (the
    kernel releases the file lock); its run runs again."""
    env = make_env(tmp_path / "l.hdf5", values=6, **RUNNERS[runner])
    assert env.run(dies_holding_the_lock, str(tmp_path)) == [(i, 2.0 * i) for i in range(6)]
    assert (tmp_path / "holder").exists()  # the lock was held at the kill
    assert_every_run_once(tmp_path / "l.hdf5", 6)
    assert executions(tmp_path)[2] == 2


@pytest.mark.parametrize("runner", ["pool-QUEUE", "pool-LOCK", "fork-LOCK"])
def test_resumable_sweeps_rerun_a_killed_run_and_delete_the_journal(tmp_path, runner):
    """With resumable=True the run of a dead process runs again in the same sweep; every
    other run ran once, and the finished experiment leaves no resume folder."""
    env = make_env(tmp_path / "j.hdf5", values=6, **RUNNERS[runner], resumable=True,
                   resume_folder=str(tmp_path / "resume"))
    assert env.run(dies_once, str(tmp_path)) == [(i, 2.0 * i) for i in range(6)]
    assert executions(tmp_path) == {0: 1, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1}
    assert_every_run_once(tmp_path / "j.hdf5", 6)
    assert not (tmp_path / "resume" / "t").exists()


@pytest.mark.parametrize("runner", ["pool-QUEUE", "pool-LOCK"])
def test_a_run_journaled_by_a_worker_that_then_died_never_runs_again(tmp_path, runner):
    """Resumable pool: a worker journals each run as it ends; killed before its batch came
    back, its journaled run is taken from the journal (not re-run), the other re-runs."""
    # 32 runs on 2 workers: batches of two runs, the first one is runs 0 and 1
    env = make_env(tmp_path / "w.hdf5", values=32, **RUNNERS[runner], resumable=True,
                   resume_folder=str(tmp_path / "resume"))
    results = env.run(dies_after_a_journaled_run, str(tmp_path),
                      str(tmp_path / "resume" / "t"))
    assert results == [(i, 2.0 * i) for i in range(32)]
    assert executions(tmp_path) == {i: 2 if i == 1 else 1 for i in range(32)}
    assert_every_run_once(tmp_path / "w.hdf5", 32)


def test_max_retries_is_validated_and_recorded(tmp_path):
    """max_retries must be an int >= 0; it is recorded in the environment's config."""
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match=r"max_retries must be an int >= 0"):
            Environment(filename=str(tmp_path / "bad.hdf5"), log_config=None,
                        max_retries=bad)
    env = make_env(tmp_path / "ok.hdf5", values=2, **POOL, max_retries=5)
    env.run(dies_once, str(tmp_path), victims=())
    traj = load(tmp_path / "ok.hdf5")
    assert traj.f_get(f"config.environment.{env.name}.max_retries", fast_access=True) == 5
