"""WorkerPool: results, and what happens when a worker dies while it holds a task."""

from __future__ import annotations

import os
import pickle
import signal

import pytest

from pypet.execution.procs import WorkerDiedError, WorkerPool
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc


def make_pool(n: int = 2, retries: int = 2, method: str | None = None, **config) -> WorkerPool:
    return WorkerPool(n, h.act, initializer=h.init, payload=pickle.dumps(config),
                      retries=retries, start_method=method)


def test_results_come_back_under_their_keys(tmp_path):
    """Every task's result comes back under the key it was submitted with."""
    with make_pool(tag="T") as pool:
        for i in range(20):
            pool.submit(("value", i), key=f"k{i}")
        outcomes = h.collect(pool)
    assert sorted(outcomes) == sorted(f"k{i}" for i in range(20))
    for i in range(20):
        outcome = outcomes[f"k{i}"]
        assert outcome.ok and outcome.deaths == ()
        assert outcome.result[0] == i and outcome.result[2] == "T"


def test_payload_is_sent_once_per_worker(tmp_path):
    """The initializer runs once per worker process, however many tasks follow."""
    log = tmp_path / "init.log"
    with make_pool(init_log=str(log)) as pool:
        for i in range(60):
            pool.submit(("value", i))
        outcomes = h.collect(pool)
    init_pids = [int(line) for line in log.read_text().split()]
    assert len(init_pids) == 2 == len(set(init_pids))
    assert {o.result[1] for o in outcomes.values()} <= set(init_pids)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_worker_killed_mid_task_is_replaced_and_the_task_retried(tmp_path, method):
    """A SIGKILL mid-task: the task runs again on a new worker and completes (every method)."""
    with make_pool(method=method) as pool:
        pool.submit(("once", ("kill", str(tmp_path / "m"))), key="victim")
        for i in range(4):
            pool.submit(("value", i))
        outcomes = h.collect(pool)
        assert len(pool.pids) == 2
    victim = outcomes["victim"]
    assert victim.ok and victim.result[0] == "survived"
    assert [d.exitcode for d in victim.deaths] == [-signal.SIGKILL]
    assert victim.result[1] != victim.deaths[0].pid
    assert victim.deaths[0].during == "task"
    assert all(outcomes[i].ok for i in range(4))


@pytest.mark.parametrize("how, exitcode, words", [
    ("exit", 3, "exit code 3"),
    ("segv", -signal.SIGSEGV, "SIGSEGV (-11): segmentation fault"),
    ("sysexit", 4, "it raised SystemExit(4)"),
])
def test_every_kind_of_death_is_retried_and_described(tmp_path, how, exitcode, words):
    """os._exit, a segfault and an escaping SystemExit: retried, and the death says which."""
    with make_pool() as pool:
        pool.submit(("once", (how, str(tmp_path / "m"))), key="victim")
        outcomes = h.collect(pool)
    victim = outcomes["victim"]
    assert victim.ok and victim.result[0] == "survived"
    (death,) = victim.deaths
    assert death.exitcode == exitcode
    assert words in death.cause


def test_task_that_always_kills_its_worker_is_given_up_with_the_cause(tmp_path):
    """After retries + 1 deaths the task fails with SIGKILL and an OOM hint; others go on."""
    with make_pool(retries=1) as pool:
        pool.submit(("always", "kill"), key="poison")
        for i in range(6):
            pool.submit(("value", i))
        outcomes = h.collect(pool)
        pool.submit(("value", 99), key="after")  # the pool still works
        after = h.collect(pool)["after"]
    poison = outcomes["poison"]
    assert not poison.ok and poison.lost
    assert isinstance(poison.error, WorkerDiedError)
    assert len(poison.deaths) == 2 and poison.error.deaths == poison.deaths
    message = str(poison.error)
    assert "SIGKILL (-9)" in message and "OOM killer" in message and "'poison'" in message
    assert all(outcomes[i].ok for i in range(6))
    assert after.ok and after.result[0] == 99


def test_worker_killed_from_outside_mid_task(tmp_path):
    """A worker SIGKILLed by someone else while it runs: its task is retried elsewhere."""
    reports = h.Reports(tmp_path / "report")
    release = h.make_fifo(tmp_path / "release")
    try:
        with make_pool() as pool:
            pool.submit(("block", (reports.path, release, str(tmp_path / "once"))), key="t")
            victim = reports.next_pid()
            assert pool.busy == 1
            os.kill(victim, signal.SIGKILL)
            outcome = h.collect(pool)["t"]
    finally:
        reports.close()
    assert outcome.ok and outcome.result[0] == "second attempt"
    assert outcome.result[1] != victim
    assert outcome.deaths[0].pid == victim and outcome.deaths[0].exitcode == -9


def test_handler_exception_is_an_error_outcome_and_the_worker_lives(tmp_path):
    """A raising handler gives an outcome with the exception and traceback; no death."""
    with make_pool(n=1) as pool:
        pid = pool.pids[0]
        pool.submit(("raise", "missing"), key="bad")
        pool.submit(("value", 1), key="good")
        outcomes = h.collect(pool)
        assert pool.pids == [pid]
    bad = outcomes["bad"]
    assert isinstance(bad.error, KeyError) and bad.error.args == ("missing",)
    assert "KeyError" in bad.traceback and "procs_helpers.py" in bad.traceback
    assert bad.deaths == () and not bad.lost
    assert outcomes["good"].result[1] == pid


def test_result_that_does_not_pickle_is_reported(tmp_path):
    """A result that cannot travel back becomes the task's TypeError, naming its type."""
    with make_pool(n=1) as pool:
        pool.submit(("unpicklable_result", 1), key="fn")
        outcome = h.collect(pool)["fn"]
    assert isinstance(outcome.error, TypeError) and "function" in str(outcome.error)


def test_bad_submissions_are_refused(tmp_path):
    """Unpicklable tasks and duplicate keys raise at submit, naming the key."""
    with make_pool(n=1) as pool:
        with pytest.raises(TypeError, match="'f'.*pickled"):
            pool.submit(("value", lambda: 1), key="f")
        pool.submit(("value", 1), key="dup")
        with pytest.raises(ValueError, match="'dup'"):
            pool.submit(("value", 2), key="dup")
        h.collect(pool)
    with pytest.raises(ValueError, match="n_workers"):
        WorkerPool(0, h.act)
    with pytest.raises(ValueError, match="spork"):
        WorkerPool(1, h.act, start_method="spork")
    with pytest.raises(TypeError, match="bytes"):
        WorkerPool(1, h.act, payload={"not": "bytes"})
