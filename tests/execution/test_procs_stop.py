"""Stopping: graceful and hard stops, leaving early, Ctrl+C, and a main process that dies."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pypet.execution.procs import ProcessPerTask, WorkerPool
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc

ROOT = Path(__file__).resolve().parents[2]


def pool(n: int = 2, **kwargs) -> WorkerPool:
    return WorkerPool(n, h.act, initializer=h.init, payload=pickle.dumps({}), **kwargs)


def test_graceful_stop_finishes_running_tasks_and_drops_waiting_ones(tmp_path):
    """stop(): running tasks finish and are returned; waiting ones are dropped, never run."""
    reports = h.Reports(tmp_path / "report")
    releases = [h.make_fifo(tmp_path / f"release{i}") for i in range(2)]
    try:
        with pool() as workers:
            for i in range(2):
                workers.submit(("block", (reports.path, releases[i])), key=f"running{i}")
            for i in range(3):
                workers.submit(("value", i), key=f"waiting{i}")
            started = {reports.next_pid(), reports.next_pid()}
            assert started == set(workers.pids) and workers.waiting == 3
            assert workers.stop() == ["waiting0", "waiting1", "waiting2"]
            with pytest.raises(RuntimeError, match="stopped"):
                workers.submit(("value", 9))
            for release in releases:
                h.release(Path(release))
            outcomes = h.collect(workers)
    finally:
        reports.close()
    assert sorted(outcomes) == ["running0", "running1"]
    assert all(o.ok and o.result[0] == "released" for o in outcomes.values())


def test_terminate_kills_busy_workers_at_once(tmp_path):
    """terminate(): a worker in the middle of a task is killed, and reaped."""
    reports = h.Reports(tmp_path / "report")
    try:
        workers = pool()
        workers.submit(("block", (reports.path, h.make_fifo(tmp_path / "never"))))
        busy = reports.next_pid()
        pids = workers.pids
        workers.terminate()
    finally:
        reports.close()
    assert busy in pids
    assert not any(h.alive(pid) for pid in pids)
    with pytest.raises(ValueError, match="closed"):
        workers.wait()


def test_leaving_the_block_early_reaps_every_worker(tmp_path):
    """A caller that stops consuming (an exception in the block) leaves no process behind."""
    reports = h.Reports(tmp_path / "report")
    try:
        with pytest.raises(LookupError), pool() as workers:
            workers.submit(("block", (reports.path, h.make_fifo(tmp_path / "never"))))
            workers.submit(("value", 1))
            reports.next_pid()
            pids = workers.pids
            raise LookupError("the caller gives up")
    finally:
        reports.close()
    assert not any(h.alive(pid) for pid in pids)


def test_process_per_task_reaps_its_children_on_exit(tmp_path):
    """Leaving a ProcessPerTask block kills the task processes still running."""
    reports = h.Reports(tmp_path / "report")
    try:
        with ProcessPerTask(2) as runs:
            for i in range(2):
                runs.submit(h.run_blocking, (reports.path, h.make_fifo(tmp_path / f"r{i}")))
            pids = {reports.next_pid(), reports.next_pid()}
            assert set(runs.pids) == pids
    finally:
        reports.close()
    assert not any(h.alive(pid) for pid in pids)


def test_niceness_is_applied_to_every_child(tmp_path):
    """niceness raises the nice value of pool workers and task processes alike."""
    base = os.nice(0)
    with pool(1, niceness=3) as workers:
        workers.submit(("nice", None), key="n")
        assert h.collect(workers)["n"].result == base + 3
    with ProcessPerTask(1, niceness=2) as runs:
        runs.submit(os.nice, (0,), key="n")
        assert h.collect(runs)["n"].result == base + 2


def _driver(tmp_path: Path, scenario: str, method: str) -> tuple[subprocess.Popen, list[int]]:
    """Start procs_driver in its own session; return it and its children's pids."""
    h.make_fifo(tmp_path / "release")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    reports = h.Reports(tmp_path / "report")
    driver = subprocess.Popen(
        [sys.executable, "-m", "tests.execution.procs_driver", scenario, str(tmp_path), method],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    line = driver.stdout.readline().split()
    assert line and line[0] == "pids", driver.stderr.read()
    reports.next_pid()  # the first task runs
    reports.close()
    return driver, [int(pid) for pid in line[1:]]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
@pytest.mark.parametrize("scenario", ["hold", "per_task"])
def test_children_die_with_the_main_process(tmp_path, method, scenario):
    """SIGKILL of the main process ends its busy and idle children (parent-death signal)."""
    driver, pids = _driver(tmp_path, scenario, method)
    assert len(pids) == 2
    driver.kill()
    driver.wait()  # not communicate(): surviving children would keep its pipes open
    try:
        assert all(h.wait_gone(pid) for pid in pids)
    finally:
        driver.stdout.close()
        driver.stderr.close()
        for pid in pids:  # after a failure: no orphan outlives the test
            if h.alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_ctrl_c_ends_the_main_process_and_its_workers(tmp_path):
    """Ctrl+C (SIGINT to the process group): workers ignore it, the main process reaps them."""
    driver, pids = _driver(tmp_path, "interrupt", "auto")
    os.killpg(driver.pid, signal.SIGINT)
    _, err = driver.communicate(timeout=h.PATIENCE)
    assert driver.returncode != 0 and "KeyboardInterrupt" in err
    assert not any(h.alive(pid) for pid in pids)


def test_ctrl_c_as_a_graceful_stop_lets_the_running_task_finish(tmp_path):
    """With a handler calling stop(), Ctrl+C lets the running task finish; the queued is dropped."""
    driver, _ = _driver(tmp_path, "graceful", "auto")
    os.killpg(driver.pid, signal.SIGINT)  # the worker, in the same group, ignores it
    assert driver.stdout.readline() == "stopping\n"
    h.release(tmp_path / "release")
    out, err = driver.communicate(timeout=h.PATIENCE)
    assert driver.returncode == 0, err
    assert out.split() == ["finished", "running", "dropped", "queued-behind"]
