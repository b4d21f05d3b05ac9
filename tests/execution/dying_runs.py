"""Run functions whose processes die, for the tests of dying workers (importable by workers).

Each records its executions (``<idx> <pid>`` lines in ``<folder>/executions``) so that a
test can tell how often each run ran, and misbehaves only as told: the first time (a marker
file created atomically) or every time.
"""

from __future__ import annotations

import collections
import os
import signal
import time
from pathlib import Path
from typing import Any

from tests.execution.procs_helpers import PATIENCE, die, first_time


def _record(folder: str, idx: int) -> None:
    fd = os.open(os.path.join(folder, "executions"), os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{idx} {os.getpid()}\n".encode())  # one small append: never torn
    finally:
        os.close(fd)


def executions(folder: str | os.PathLike[str]) -> collections.Counter:
    """How often each run index started."""
    path = Path(folder) / "executions"
    lines = path.read_text().split() if path.exists() else []
    return collections.Counter(int(idx) for idx in lines[::2])


def wait_for(condition: Any, what: str) -> None:
    """Wait until ``condition()`` holds (a file appears, a process ends); fail after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.002)


def dies_once(traj: Any, folder: str, victims: tuple[int, ...] = (1,),
              how: str = "kill") -> float:
    """Runs in ``victims`` end their own process the first time; every run stores ``z``."""
    idx = traj.v_idx
    _record(folder, idx)
    if idx in victims and first_time(os.path.join(folder, f"died-{idx}")):
        die(how)
    traj.f_add_result("z", traj.x * 2)
    return traj.x * 2


def dies_always(traj: Any, folder: str, victim: int = 1, how: str = "segv") -> float:
    """Run ``victim`` ends its process every time (a segfault by default)."""
    idx = traj.v_idx
    _record(folder, idx)
    if idx == victim:
        die(how)
    traj.f_add_result("z", traj.x * 2)
    return traj.x * 2


def dies_holding_the_lock(traj: Any, folder: str, victim: int = 2) -> float:
    """LOCK mode: run ``victim`` is SIGKILLed the first time while it holds the lock."""
    idx = traj.v_idx
    _record(folder, idx)
    if idx == victim and first_time(os.path.join(folder, f"died-{idx}")):
        with traj.v_storage_service.lock:
            Path(folder, "holder").write_text(str(os.getpid()))
            die("kill")
    traj.f_add_result("z", traj.x * 2)
    return traj.x * 2


def _journaled(journal: str, pid: int, idx: int) -> bool:
    from pypet.execution.journal import scan_segments

    paths = sorted(Path(journal).glob(f"journal-{pid}-*.pjl"))
    return any(ref.idx == idx for ref in scan_segments(paths))


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (dead or a zombie not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


def dies_after_a_journaled_run(traj: Any, folder: str, journal: str) -> float:
    """Resumable pool with batches of two runs: run 1 (the second of its batch) kills its
    worker the first time, once run 0 (the first) is in that worker's journal segment.

    The batch never comes back; run 0 must not run again: its outcome is in the journal.
    """
    idx = traj.v_idx
    _record(folder, idx)
    traj.f_add_result("z", traj.x * 2)
    if idx == 1 and first_time(os.path.join(folder, "first-1")):
        wait_for(lambda: _journaled(journal, os.getpid(), 0), "run 0 in the journal")
        os.kill(os.getpid(), signal.SIGKILL)
    return traj.x * 2
