"""Initializers, handlers and waiting aids for the ``pypet.execution.procs`` tests.

Importable (``tests.execution.procs_helpers``) so that workers started with ``spawn`` or
``forkserver`` find them. A "once" action misbehaves only the first time it runs for a
given marker file (created atomically), so a retry on a new worker succeeds.
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
import pickle
import resource
import select
import signal
from pathlib import Path
from typing import Any

#: upper bound for waiting on an event that should come at once (a failure guard, not a pause)
PATIENCE = 60.0


def first_time(marker: str | os.PathLike[str]) -> bool:
    """True exactly once per marker file, across processes."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def die(how: str) -> None:
    """End this process the way ``how`` says, without any Python cleanup."""
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif how == "exit":
        os._exit(3)
    elif how == "segv":
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
        faulthandler.disable()  # no traceback dump in the test output
        ctypes.string_at(0)
    elif how == "sysexit":
        raise SystemExit(4)
    raise AssertionError(f"still alive after {how!r}")


def init(payload: bytes) -> dict:
    """Initializer: record this pid, optionally die or raise; the state is the payload dict."""
    config = pickle.loads(payload)
    if config.get("init_log"):
        with open(config["init_log"], "a") as log:
            log.write(f"{os.getpid()}\n")
    if config.get("init_die_once") and first_time(config["init_die_once"]):
        die("kill")
    if config.get("init_die_if") and os.path.exists(config["init_die_if"]):
        die("exit")
    if config.get("init_die_always"):
        die(config["init_die_always"])
    if config.get("init_raise"):
        raise ValueError(f"bad configuration {config['init_raise']!r}")
    return config


def act(state: dict, task: tuple[str, Any]) -> Any:
    """Handler: ``(action, argument)``."""
    action, arg = task
    if action == "value":
        return arg, os.getpid(), state.get("tag")
    if action == "once":  # arg = (how, marker)
        how, marker = arg
        if first_time(marker):
            die(how)
        return "survived", os.getpid()
    if action == "always":
        die(arg)
    if action == "raise":
        raise KeyError(arg)
    if action == "unpicklable_result":
        return lambda: arg
    if action == "block":  # arg = (report fifo, release fifo[, marker: block only once])
        if len(arg) == 3 and not first_time(arg[2]):
            return "second attempt", os.getpid()
        report(arg[0], os.getpid())
        with open(arg[1], "rb") as release:
            release.read(1)
        return "released", os.getpid()
    if action == "nice":
        return os.nice(0)
    raise ValueError(f"unknown action {action!r}")


def run_call(x: int) -> tuple[int, int]:
    """A one-process-per-task body: the square and the pid."""
    return x * x, os.getpid()


def run_once_then(how: str, marker: str, value: Any) -> Any:
    """A one-process task that dies the first time, then returns ``value``."""
    if first_time(marker):
        die(how)
    return value


def run_blocking(report_fifo: str, release_fifo: str) -> str:
    """A one-process task that reports its pid, then waits for its release."""
    return act({}, ("block", (report_fifo, release_fifo)))[0]


def report(fifo: str, pid: int) -> None:
    """Write ``pid`` as one line to a FIFO the test reads."""
    with open(fifo, "w") as out:
        out.write(f"{pid}\n")


class Reports:
    """The read end of a FIFO that children write their pids to, one line each."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = str(path)
        self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self._keep = os.open(path, os.O_WRONLY)  # no EOF between two writers
        self._buffer = b""

    def next_pid(self) -> int:
        """Block until the next pid arrives (fails after PATIENCE seconds)."""
        while b"\n" not in self._buffer:
            readable, _, _ = select.select([self._fd], [], [], PATIENCE)
            assert readable, "no child reported within PATIENCE seconds"
            self._buffer += os.read(self._fd, 4096)
        line, self._buffer = self._buffer.split(b"\n", 1)
        return int(line)

    def close(self) -> None:
        os.close(self._fd)
        os.close(self._keep)


def release(path: Path) -> None:
    """Let the child blocked on FIFO ``path`` go on (waits until it opened the FIFO)."""
    with open(path, "wb") as out:
        out.write(b"x")


def make_fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


def wait_gone(pid: int) -> bool:
    """Block until process ``pid`` has ended; False if it is still alive after PATIENCE."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], PATIENCE)
        return bool(readable)
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def collect(pool: Any) -> dict:
    """Wait until ``pool`` is idle; return ``{key: outcome}``."""
    outcomes = {}
    while not pool.idle:
        arrived = pool.wait(timeout=PATIENCE)
        assert arrived or pool.idle, "no outcome within PATIENCE seconds"
        outcomes.update((outcome.key, outcome) for outcome in arrived)
    return outcomes


def increment_under_lock(lock: Any, counter: str, times: int) -> int:
    """Read-modify-write a counter file ``times`` times, each under ``lock``."""
    for _ in range(times):
        with lock:
            with open(counter) as handle:
                value = int(handle.read() or 0)
            with open(counter, "w") as handle:
                handle.write(str(value + 1))
    return os.getpid()


def hold_lock(lock: Any, report_fifo: str, release_fifo: str) -> str:
    """Take ``lock``, report the pid, keep the lock until released (or killed)."""
    with lock:
        report(report_fifo, os.getpid())
        with open(release_fifo, "rb") as release:
            release.read(1)
    return "held and released"


def try_lock(lock: Any) -> bool:
    """Whether ``lock`` can be taken at once (released again if so)."""
    if lock.acquire(block=False):
        lock.release()
        return True
    return False


def fresh_process_report(folder: str) -> None:
    """In a fresh interpreter (no other thread): start method and fork warnings, as JSON.

    Run as ``python -c "...; fresh_process_report(folder)"``; prints one JSON line.
    """
    import json
    import threading
    import warnings

    import tables  # noqa: F401  (its numexpr threads are what Python 3.12+ counts)

    from pypet.execution.procs import ProcessPerTask, WorkerPool, resolve_start_method

    report_ = {"threads": [t.name for t in threading.enumerate()],
               "choice": resolve_start_method(None, picklable=True),
               "os_threads": len(os.listdir("/proc/self/task"))}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with WorkerPool(2, act, initializer=init, payload=pickle.dumps({})) as workers:
            report_["pool"] = workers.start_method
            workers.submit(("once", ("kill", os.path.join(folder, "m"))))  # a replacement
            for i in range(4):
                workers.submit(("value", i))
            report_["pool_ok"] = all(o.ok for o in collect(workers).values())
        with ProcessPerTask(2) as runs:
            for x in range(4):
                runs.submit(run_call, (x,))
            report_["per_task"] = runs.start_method
            report_["per_task_ok"] = all(o.ok for o in collect(runs).values())
    report_["fork_warnings"] = [str(w.message) for w in caught
                                if "multi-threaded" in str(w.message)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    report_["bare_fork_warned"] = any("multi-threaded" in str(w.message) for w in caught)
    print(json.dumps(report_))
