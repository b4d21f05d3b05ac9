"""ProcessPerTask: every task in a new process, at most N at a time, deaths retried."""

from __future__ import annotations

import signal

import pytest

from pypet.execution.procs import ProcessPerTask, WorkerDiedError
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc


def test_each_task_runs_in_a_process_of_its_own():
    """Results come back under their keys, each from a different process."""
    with ProcessPerTask(2) as runs:
        for x in range(6):
            runs.submit(h.run_call, (x,), key=x)
        outcomes = h.collect(runs)
    assert {k: o.result[0] for k, o in outcomes.items()} == {x: x * x for x in range(6)}
    assert len({o.result[1] for o in outcomes.values()}) == 6


def test_unpicklable_function_runs_with_fork():
    """With fork nothing is pickled: a closure over a lambda runs (as use_pool=False promises)."""
    offset = 10
    shift = lambda x: x + offset  # noqa: E731  (deliberately unpicklable)
    with ProcessPerTask(1, start_method="fork") as runs:
        runs.submit(lambda: shift(1), key="closure")
        outcome = h.collect(runs)["closure"]
    assert outcome.ok and outcome.result == 11


def test_unpicklable_function_with_spawn_is_refused_with_a_way_out():
    """With spawn an unpicklable task raises TypeError naming the key and suggesting fork."""
    with ProcessPerTask(1, start_method="spawn", picklable=True) as runs:
        with pytest.raises(TypeError, match="'closure'.*start_method='fork'"):
            runs.submit(lambda: 1, key="closure")
        assert runs.idle


@pytest.mark.parametrize("how, exitcode", [("kill", -signal.SIGKILL), ("segv", -11),
                                           ("exit", 3)])
def test_dying_task_process_is_started_again(tmp_path, how, exitcode):
    """A task process that dies is replaced by a new one for the same task."""
    with ProcessPerTask(2) as runs:
        runs.submit(h.run_once_then, (how, str(tmp_path / "m"), "done"), key="t")
        runs.submit(h.run_call, (3,), key="other")
        outcomes = h.collect(runs)
    assert outcomes["t"].result == "done"
    assert [d.exitcode for d in outcomes["t"].deaths] == [exitcode]
    assert outcomes["other"].result[0] == 9


def test_task_whose_process_always_dies_is_given_up(tmp_path):
    """After retries + 1 deaths the task fails with WorkerDiedError; the others complete."""
    with ProcessPerTask(2, retries=2) as runs:
        runs.submit(h.die, ("segv",), key="crash")
        for x in range(3):
            runs.submit(h.run_call, (x,), key=x)
        outcomes = h.collect(runs)
    crash = outcomes["crash"]
    assert isinstance(crash.error, WorkerDiedError) and len(crash.deaths) == 3
    assert "SIGSEGV" in str(crash.error)
    assert all(outcomes[x].ok for x in range(3))


def test_raising_task_is_an_error_outcome_without_retry():
    """An exception in the task is its outcome; the process is not started again."""
    with ProcessPerTask(1) as runs:
        runs.submit(h.act, ({}, ("raise", "k")), key="bad")
        outcome = h.collect(runs)["bad"]
    assert isinstance(outcome.error, KeyError) and outcome.deaths == ()


def test_may_start_holds_back_new_processes(tmp_path):
    """No process starts while may_start says no; one always may when none runs."""
    reports = h.Reports(tmp_path / "report")
    releases = [h.make_fifo(tmp_path / f"r{i}") for i in range(2)]
    asked = []

    def one_at_a_time(running: int) -> bool:
        asked.append(running)
        return running == 0

    try:
        with ProcessPerTask(2, may_start=one_at_a_time) as runs:
            for i in range(2):
                runs.submit(h.run_blocking, (reports.path, releases[i]), key=i)
            first = reports.next_pid()
            assert runs.busy == 1 and runs.waiting == 1 and runs.pids == [first]
            assert runs.wait(timeout=0.3) == []  # asked again meanwhile, still no
            assert asked.count(1) >= 2
            h.release(tmp_path / "r0")
            outcomes = {o.key: o for o in runs.wait(timeout=h.PATIENCE)}
            second = reports.next_pid()
            assert second != first and runs.busy == 1
            h.release(tmp_path / "r1")
            outcomes.update(h.collect(runs))
    finally:
        reports.close()
    assert outcomes[0].result == outcomes[1].result == "released"
