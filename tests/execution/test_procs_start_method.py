"""Start methods: never a fork while a thread of ours runs, and no fork-with-threads warning.

Python 3.12+ warns (DeprecationWarning) when it forks a process that runs other threads. The
warning is issued inside ``os.fork`` after the fork, where CPython drops it silently if the
warnings filter turns it into an error; so these tests *record* warnings instead of relying
on ``-W error``, and a control test shows that the recorder does catch the warning.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pypet.execution.procs import (
    ForkWithThreadsError,
    ProcessPerTask,
    WorkerPool,
    resolve_start_method,
)
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc

ROOT = Path(__file__).resolve().parents[2]

warns_on_fork = pytest.mark.skipif(sys.version_info < (3, 12),
                                   reason="Python < 3.12 does not warn about fork with threads")


@contextmanager
def thread_running(name: str) -> Iterator[threading.Thread]:
    """A thread called ``name`` that runs until the block ends."""
    done = threading.Event()
    thread = threading.Thread(target=done.wait, name=name, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        done.set()
        thread.join()


@contextmanager
def fork_warnings() -> Iterator[list[str]]:
    """Collect the messages of fork-with-threads warnings issued in the block."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    found.extend(str(w.message) for w in caught if "multi-threaded" in str(w.message))


def pool(**kwargs) -> WorkerPool:
    return WorkerPool(2, h.act, initializer=h.init, payload=pickle.dumps({}), **kwargs)


def test_resolve_start_method_rules():
    """Explicit methods are kept; with a thread running, picklable work gets forkserver."""
    assert resolve_start_method("spawn", picklable=False) == "spawn"
    with pytest.raises(ValueError, match="'spork'.*not available"):
        resolve_start_method("spork", picklable=True)
    with thread_running("someone-else"):
        assert resolve_start_method(None, picklable=True) == "forkserver"
        assert resolve_start_method(None, picklable=False) == "fork"


def test_fresh_process_forks_without_any_warning(tmp_path):
    """In a process without other Python threads (but with numexpr's): fork, and no warning.

    Run in a fresh interpreter: threads that earlier tests leave behind (Dask's offload
    thread) would rightly make this process choose forkserver.
    """
    code = ("import sys; from tests.execution.procs_helpers import fresh_process_report; "
            "fresh_process_report(sys.argv[1])")
    # native thread pools as on any multi-core machine (Dask's tests set OMP_NUM_THREADS=1)
    pools = {name: "2" for name in ("NUMEXPR_MAX_THREADS", "NUMEXPR_NUM_THREADS",
                                    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **pools),
                          capture_output=True, text=True, timeout=h.PATIENCE)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["threads"] == ["MainThread"] and report["choice"] == "fork"
    assert report["pool"] == report["per_task"] == "fork"
    assert report["pool_ok"] and report["per_task_ok"]
    assert report["fork_warnings"] == []
    # the control: in that same process a bare os.fork() is warned about (3.12+), because
    # numexpr and OpenBLAS threads run; pypet's forks were not
    assert report["os_threads"] > 1
    assert report["bare_fork_warned"] == (sys.version_info >= (3, 12))


@warns_on_fork
@pytest.mark.forks_beside_threads
def test_recorder_catches_a_fork_with_threads():
    """Control: forking while a thread runs is seen by the recorder the other tests use."""
    with thread_running("someone-else"), fork_warnings() as found:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    assert found


def test_no_fork_while_a_pypet_thread_runs():
    """Forking while a pypet thread runs is refused with an error that names the thread."""
    with thread_running("pypet-writer"):
        with pytest.raises(ForkWithThreadsError, match="pypet-writer"):
            pool(start_method="fork")
        with ProcessPerTask(1) as runs, pytest.raises(ForkWithThreadsError, match="picklable"):
            runs.submit(h.run_call, (1,))
        assert runs.idle


def test_threads_running_switch_picklable_work_to_forkserver():
    """With a thread running, pypet's choice for a pool is forkserver: no fork, no warning."""
    with thread_running("pypet-writer"), fork_warnings() as found:
        with pool() as workers:
            assert workers.start_method == "forkserver"
            workers.submit(("value", 1), key="a")
            assert h.collect(workers)["a"].ok
    assert found == []


@pytest.mark.forks_beside_threads
def test_fork_beside_foreign_threads_is_logged_and_not_hidden(caplog):
    """An unpicklable task forked while another library's thread runs: done, logged once,
    and Python's own warning (3.12+) is left visible."""
    with thread_running("library-thread"), caplog.at_level(logging.WARNING,
                                                            "pypet.execution.procs"):
        with fork_warnings() as found, ProcessPerTask(1) as runs:
            runs.submit(lambda: 7, key="closure")
            runs.submit(lambda: 8, key="again")
            outcomes = h.collect(runs)
    assert outcomes["closure"].result == 7 and runs.start_method == "fork"
    messages = [r.getMessage() for r in caplog.records if "library-thread" in r.getMessage()]
    assert len(messages) == 1 and "forkserver" in messages[0]
    assert len(found) == (2 if sys.version_info >= (3, 12) else 0)
