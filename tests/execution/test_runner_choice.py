"""Which runner ``multiproc=True`` uses when ``use_pool`` is not given (decision 0014), and
who stores the runs of a pool in LOCK mode."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import pytest

from pypet import Environment
from tests.execution.helpers import load, make_env, make_unpicklable_run

pytestmark = pytest.mark.multiproc

RUNS = 8


def pid_run(traj: Any, *args: Any) -> int:
    """Store z; return the pid of the process the run ran in."""
    traj.f_add_result("z", traj.x * 2)
    return os.getpid()


def _pids(results: list[tuple[int, int]]) -> set[int]:
    return {pid for _, pid in results}


def _env(tmp_path, **kwargs: Any) -> Environment:
    return make_env(tmp_path / "choice.hdf5", values=RUNS, multiproc=True, ncores=2, **kwargs)


def test_multiproc_without_use_pool_runs_a_pool_and_says_so(tmp_path, caplog):
    """multiproc=True alone: two worker processes run all eight runs; the log says why."""
    env = _env(tmp_path)
    assert env.settings.parallel.use_pool and env.settings.parallel.pool_chosen
    with caplog.at_level(logging.INFO, logger="pypet.execution"):
        results = env.run(pid_run)
    assert len(_pids(results)) <= 2 and os.getpid() not in _pids(results)
    assert "go to a pool of 2 worker processes (chosen for multiproc=True" in caplog.text
    traj = load(tmp_path / "choice.hdf5")
    assert traj.f_get_from_runs("z", fast_access=True, use_indices=True) == \
        {i: 2.0 * i for i in range(RUNS)}


@pytest.mark.parametrize("kwargs, reason", [
    (dict(use_pool=False), "use_pool=False"),
    (dict(cpu_cap=100.0, memory_cap=99.9), "cpu_cap/memory_cap/swap_cap apply"),
    (dict(immediate_postproc=True), "immediate_postproc=True"),
])
def test_one_process_per_run_when_asked_for_or_needed(tmp_path, caplog, kwargs, reason):
    """use_pool=False, a cap or immediate post-processing: every run in a new process."""
    env = _env(tmp_path, **kwargs)
    assert not env.settings.parallel.use_pool
    with caplog.at_level(logging.INFO, logger="pypet.execution"):
        results = env.run(pid_run)
    assert len(_pids(results)) == RUNS
    assert f"gets a process of its own, at most 2 at a time ({reason}" in caplog.text


def test_an_unpicklable_run_falls_back_to_one_process_per_run_with_a_warning(tmp_path, caplog):
    """Without use_pool, a run argument that does not pickle makes each run a process of
    its own (forked: nothing is pickled); one warning names the argument."""
    env = _env(tmp_path)
    with caplog.at_level(logging.INFO, logger="pypet.execution"):
        results = env.run(pid_run, threading.Lock())
    assert len(_pids(results)) == RUNS
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Run argument 0 (<unlocked _thread.lock" in warnings[0].message
    assert "process of its own instead of a pool worker" in warnings[0].message


def test_an_unpicklable_run_function_falls_back_too(tmp_path):
    """A run function defined inside a function (not picklable) runs, one process each."""
    env = _env(tmp_path)
    assert [value for _, value in env.run(make_unpicklable_run())] == \
        [float(i) for i in range(RUNS)]


def test_use_pool_true_given_keeps_refusing_what_does_not_pickle(tmp_path):
    """use_pool=True asked for explicitly: an unpicklable argument is a TypeError naming it."""
    env = _env(tmp_path, use_pool=True)
    with pytest.raises(TypeError, match="Run argument 0"):
        env.run(pid_run, threading.Lock())


def test_the_chosen_runner_is_recorded_and_serial_records_no_pool(tmp_path):
    """The environment's config records use_pool as chosen; serial experiments keep
    pypet's use_pool=False."""
    env = _env(tmp_path)
    env.run(pid_run)
    traj = load(tmp_path / "choice.hdf5")
    entry = next(iter(traj.f_get_children("config.environment").values()))
    assert entry.f_get("use_pool").f_get() is True
    serial = Environment(trajectory="s", filename=str(tmp_path / "s.hdf5"), log_config=None)
    assert serial.settings.parallel.use_pool is False
    assert serial.settings.parallel.pool_chosen is False


def test_a_lock_pool_stores_runs_in_the_main_process_like_queue(tmp_path):
    """Pool + LOCK: workers send their runs back and the main process stores them in big
    batches, so the file is as small as with QUEUE (small per-worker batches used to grow
    it eight-fold)."""
    sizes = {}
    for mode in ("LOCK", "QUEUE"):
        filename = tmp_path / f"{mode}.hdf5"
        env = make_env(filename, values=3000, multiproc=True, ncores=2, use_pool=True,
                       wrap_mode=mode)
        env.run(pid_run)
        sizes[mode] = os.path.getsize(filename)
    assert sizes["LOCK"] <= 1.3 * sizes["QUEUE"], sizes


def test_freeze_input_with_the_chosen_pool(tmp_path):
    """freeze_input=True needs a pool: multiproc=True without use_pool has one."""
    env = _env(tmp_path, freeze_input=True)
    assert [idx for idx, _ in env.run(pid_run, 1)] == list(range(RUNS))


def test_use_pool_true_and_immediate_postproc_are_refused_also_without_multiproc(tmp_path):
    """As pypet 0.7: use_pool=True with immediate_postproc=True is a ValueError, whatever
    multiproc says; immediate_postproc alone picks one process per run."""
    with pytest.raises(ValueError, match="immediate_postproc=True works only with use_pool=False"):
        Environment(filename=str(tmp_path / "x.hdf5"), log_config=None, use_pool=True,
                    immediate_postproc=True)
