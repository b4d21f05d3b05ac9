"""Which start method the runners use, and that they never fork beside a running thread.

Decision 0008: fork while no other Python thread runs; a fork server when threads run and
a fresh process can load the payload; fork (with a logged warning) when it cannot, e.g. a
run function defined in a notebook. The suite's fork check (``tests/forkcheck.py``) fails
any test during which this process forked beside a thread.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.execution.helpers import load, make_env

pytestmark = pytest.mark.multiproc

ROOT = Path(__file__).resolve().parents[2]
RUNNERS = {
    "pool-QUEUE": (dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE"),
                   "a pool worker"),
    "fork-LOCK": (dict(multiproc=True, ncores=2, use_pool=False, wrap_mode="LOCK"),
                  "a run process"),
}


def double(traj):
    """A picklable run function (importable from this module)."""
    traj.f_add_result("z", traj.x * 2)
    return traj.x * 2


@contextmanager
def thread_running(name: str) -> Iterator[None]:
    """A thread that is not pypet's (a user's, a library's) runs during the block."""
    done = threading.Event()
    thread = threading.Thread(target=done.wait, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_runners_fork_when_no_thread_runs_and_log_it(tmp_path, runner, caplog):
    """Without other threads the runners fork; the choice is logged (debug level)."""
    kwargs, purpose = RUNNERS[runner]
    env = make_env(tmp_path / "f.hdf5", values=4, **kwargs)
    with caplog.at_level(logging.DEBUG, "pypet.execution.procs"):
        assert env.run(double) == [(i, 2.0 * i) for i in range(4)]
    assert f"{purpose} started with the 'fork' start method" in caplog.text


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_runners_use_a_fork_server_while_a_thread_runs(tmp_path, runner, caplog):
    """With another thread running, the workers come from a fork server: nothing is forked
    beside the thread (the suite's fork check would fail this test)."""
    kwargs, purpose = RUNNERS[runner]
    env = make_env(tmp_path / "s.hdf5", values=4, **kwargs)
    with thread_running("users-thread"), caplog.at_level(logging.DEBUG,
                                                         "pypet.execution.procs"):
        assert env.run(double) == [(i, 2.0 * i) for i in range(4)]
    assert f"{purpose} started with the 'forkserver' start method" in caplog.text
    assert load(tmp_path / "s.hdf5").f_is_completed()


@pytest.mark.forks_beside_threads
def test_a_function_a_fresh_process_cannot_load_is_forked_beside_threads(tmp_path, caplog):
    """A run function only this process has (as in a notebook: defined in ``__main__``) is
    forked even while a thread runs, with one warning naming the thread."""
    main = sys.modules["__main__"]
    source = "def notebook_run(traj):\n    traj.f_add_result('z', traj.x)\n    return traj.x\n"
    exec(compile(source, "<notebook cell>", "exec"), main.__dict__)  # noqa: S102
    try:
        env = make_env(tmp_path / "n.hdf5", values=3, multiproc=True, ncores=2,
                       use_pool=True, wrap_mode="QUEUE")
        with thread_running("kernel-heartbeat"), caplog.at_level(logging.DEBUG,
                                                                 "pypet.execution.procs"):
            assert env.run(main.notebook_run) == [(0, 0.0), (1, 1.0), (2, 2.0)]
    finally:
        del main.notebook_run
    assert "started with the 'fork' start method" in caplog.text
    warnings = [r for r in caplog.records if "kernel-heartbeat" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING


SCRIPT = """
import pickle, sys
sys.path.insert(0, {root!r})
from pypet.execution.procs.start import loads_in_fresh_process

def run(traj):
    return 1

class Value:
    pass

{guard}
    print(loads_in_fresh_process(pickle.dumps([run, Value()])),
          loads_in_fresh_process(pickle.dumps(len)))
"""


@pytest.mark.parametrize(("guard", "expected"), [
    ('if __name__ == "__main__":', "True True"),
    ("if True:  # no __main__ guard", "False False"),
])
def test_a_script_is_reloadable_only_with_a_main_guard(tmp_path, guard, expected):
    """A fresh child runs the main script again: only a guarded script's functions load
    there without running the experiment again."""
    script = tmp_path / "experiment.py"
    script.write_text(SCRIPT.format(root=str(ROOT), guard=guard))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == expected.split()


def test_python_c_and_interactive_functions_do_not_load_in_a_fresh_process():
    """``python -c`` (like a notebook) leaves nothing a fresh child could import."""
    code = textwrap.dedent(f"""
        import pickle, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pypet.execution.procs.start import loads_in_fresh_process
        def run(traj):
            return 1
        print(loads_in_fresh_process(pickle.dumps(run)),
              loads_in_fresh_process(pickle.dumps(len)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
