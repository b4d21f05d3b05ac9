"""FileLock: the LOCK-mode lock that the kernel releases when its holder dies."""

from __future__ import annotations

import os
import pickle
import signal
import threading

import pytest

from pypet.execution.locks import FileLock
from pypet.execution.procs import ProcessPerTask
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_processes_take_turns(tmp_path, method):
    """Three processes incrementing one counter under the lock lose no update."""
    lock, counter = FileLock(tmp_path / "lock"), tmp_path / "counter"
    counter.write_text("0")
    with ProcessPerTask(3, start_method=method, picklable=True) as runs:
        for _ in range(3):
            runs.submit(h.increment_under_lock, (lock, str(counter), 150))
        outcomes = h.collect(runs)
    assert all(o.ok for o in outcomes.values())
    assert counter.read_text() == "450"


def test_holder_killed_lets_the_others_go_on_at_once(tmp_path):
    """SIGKILL of the process holding the lock: a process waiting for it gets it."""
    lock = FileLock(tmp_path / "lock")
    reports = h.Reports(tmp_path / "report")
    try:
        with ProcessPerTask(2, retries=0, picklable=True) as runs:
            runs.submit(h.hold_lock, (lock, reports.path, h.make_fifo(tmp_path / "never")),
                        key="holder")
            holder = reports.next_pid()
            assert not h.try_lock(lock)
            release = h.make_fifo(tmp_path / "release")
            runs.submit(h.hold_lock, (lock, reports.path, release), key="waiter")
            assert runs.wait(timeout=0.2) == []  # the waiter waits for the lock
            os.kill(holder, signal.SIGKILL)
            waiter = reports.next_pid()  # it got the lock
            assert not h.try_lock(lock)
            h.release(tmp_path / "release")
            outcomes = h.collect(runs)
    finally:
        reports.close()
    assert outcomes["holder"].lost and outcomes["holder"].deaths[0].exitcode == -9
    assert outcomes["waiter"].result == "held and released" and waiter != holder
    assert h.try_lock(lock)


def test_forked_child_does_not_share_the_parents_hold(tmp_path):
    """A child forked while the parent holds the lock competes for it like anyone else."""
    lock = FileLock(tmp_path / "lock")
    with lock, ProcessPerTask(1, start_method="fork") as runs:
        runs.submit(h.try_lock, (lock,), key="child")
        assert h.collect(runs)["child"].result is False
    with ProcessPerTask(1, start_method="fork") as runs:
        runs.submit(h.try_lock, (lock,), key="child")
        assert h.collect(runs)["child"].result is True


def test_reentrant_in_a_thread_exclusive_between_threads(tmp_path):
    """The holding thread may take it again; another thread waits until the last release."""
    lock = FileLock(tmp_path / "lock")
    got: list[bool] = []

    def other() -> None:
        got.append(lock.acquire(timeout=0.05))
        if got[-1]:
            lock.release()

    with lock:
        with lock:
            pass
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert got == [False]
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert got == [False, True]


def test_misuse_and_pickling(tmp_path):
    """Releasing an unheld lock raises; a pickled copy competes with the original."""
    lock = FileLock(tmp_path / "lock")
    with pytest.raises(RuntimeError, match="not hold"):
        lock.release()
    with lock:
        copy = pickle.loads(pickle.dumps(lock))
        assert copy.path == lock.path and repr(copy) == repr(lock)
        assert copy.acquire(block=False) is False
        assert copy.acquire(timeout=0.01) is False
    assert copy.acquire(block=False) is True
    copy.release()
