"""The kill harness: SIGKILL a resumable sweep at a chosen moment, resume it, check it.

A trial starts :mod:`tests.execution.resume_sweep` in its own session, counts the runs
whose body finished (events on a FIFO), and after the chosen count kills with SIGKILL
either the whole process group (main process, pool workers, run processes, Dask cluster)
or only one worker process (``victim='worker'``: a pool worker or run process).
It notes which runs the journal held at that moment, resumes (maybe with another runner
and core count) if the sweep did not finish by itself, and checks:

* the file opens; every run is completed and holds the clean result (``z``, ``arr`` for
  even runs, ``text``) exactly once; ``resume`` returned every run's value;
* no run the journal held at the kill ran again; every other run ran at most twice (in
  flight at the kill, then again), counted from the executions file; after a worker kill
  at most the runs that worker held ran twice;
* the resume folder is gone.

Used by ``tests/execution/test_kill_resume.py`` (a few trials) and
``benchmarks/bench_kill_resume.py`` (the full matrix).
"""

from __future__ import annotations

import collections
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tests.execution.resume_sweep import expected

__all__ = ["Trial", "TrialResult", "run_trial"]

REPO = Path(__file__).resolve().parents[2]
#: a trial that does not reach its kill within this many seconds is a failure, not a hang
LIMIT = 180.0


@dataclass
class Trial:
    """One kill-and-resume trial."""

    mode: str  #: runner of the crashed sweep (a key of resume_sweep.MODES)
    runs: int = 24
    kill_after: int = 10  #: finished run bodies before the SIGKILL
    seconds: float = 0.01  #: computing time per run
    resume_mode: str | None = None  #: runner of the resume (default: the same)
    expand: int = 0  #: points post-processing adds once (0: no post-processing)
    size: int = 64  #: floats in each run's array result (large: writes take a while)
    extra: dict[str, Any] = field(default_factory=dict)  #: more Environment keywords
    victim: str = "group"  #: 'group' (everything) or 'worker' (one process)


@dataclass
class TrialResult:
    """What a trial observed."""

    trial: Trial
    killed: bool = False  #: False if the sweep finished before the chosen moment
    killed_pid: int | None = None  #: the one process killed (victim 'worker')
    resumed: bool = False  #: the sweep did not finish by itself: it was resumed
    journaled: set[int] = field(default_factory=set)  #: runs in the journal at the kill
    executions: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""

    @property
    def rebuilt(self) -> bool:
        """Whether resume found the file unreadable and rebuilt it."""
        return "cannot be read" in self.log

    @property
    def recomputed(self) -> list[int]:
        """Runs that executed twice (they were in flight at the kill)."""
        return sorted(idx for idx, count in self.executions.items() if count > 1)

    @property
    def ok(self) -> bool:
        return not self.problems


def _config(folder: Path, trial: Trial, action: str, mode: str) -> dict[str, Any]:
    return {"folder": str(folder), "mode": mode, "runs": trial.runs, "action": action,
            "executions": str(folder / "executions"), "events": str(folder / "events"),
            "seconds": trial.seconds, "expand": trial.expand, "extra": trial.extra,
            "size": trial.size}


def _command(config: dict[str, Any]) -> list[str]:
    return [sys.executable, "-m", "tests.execution.resume_sweep", json.dumps(config)]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _children(pid: int) -> list[int]:
    """Pids of the live child processes of ``pid`` (pool workers, run processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid and fields[0] not in "ZX":
            found.append(int(entry))
    return sorted(found)


def _victim(process: subprocess.Popen, trial: Trial, deadline: float) -> int | None:
    """The one process to kill: a worker (chosen by ``kill_after``)."""
    while process.poll() is None and time.monotonic() < deadline:
        children = _children(process.pid)
        if trial.victim == "worker" and children:
            return children[trial.kill_after % len(children)]
        select.select([], [], [], 0.0005)
    return None


def _run_until_kill(folder: Path, trial: Trial, result: TrialResult) -> None:
    """Start the sweep; after ``kill_after`` finished bodies SIGKILL its process group, or
    one of its workers (then let the sweep go on to its end)."""
    fifo = folder / "events"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(fifo, os.O_WRONLY)  # an open writer: reads never see end-of-file
    process = subprocess.Popen(_command(_config(folder, trial, "run", trial.mode)),
                               cwd=REPO, env=_environment(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, deadline = 0, time.monotonic() + LIMIT
    try:
        while seen < trial.kill_after and process.poll() is None:
            if time.monotonic() > deadline:
                result.problems.append("the sweep did not reach the kill in time")
                break
            ready, _, _ = select.select([reader], [], [], 0.2)  # wakes up on an event
            if ready:
                seen += os.read(reader, 65536).count(b"\n")
        if trial.victim != "group":
            _kill_one(folder, process, trial, result, deadline)
        elif process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            result.killed = True
        try:
            _, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
            result.problems.append("the sweep hung after the kill")
        result.log += stderr.decode(errors="replace")
        if not result.killed and process.returncode != 0:
            result.problems.append(f"the sweep failed before the kill (exit "
                                   f"{process.returncode}): {result.log[-2000:]}")
        while not _group_gone(process.pid):  # every worker of the group is gone
            if time.monotonic() > deadline:
                result.problems.append("processes of the killed sweep survived")
                break
            select.select([], [], [], 0.05)
    finally:
        os.close(reader)
        os.close(keeper)
        fifo.unlink()


def _kill_one(folder: Path, process: subprocess.Popen, trial: Trial, result: TrialResult,
              deadline: float) -> None:
    """SIGKILL one worker of the running sweep and note what the journal held then."""
    while (victim := _victim(process, trial, deadline)) is not None:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:  # it ended on its own just now (a run process ends
            continue  # after every run): the next one
        result.killed, result.killed_pid = True, victim
        result.journaled = _journaled(folder)
        return
    # None: the sweep ended first, not killed


def _journaled(folder: Path) -> set[int]:
    from pypet.execution.journal import scan_journal

    path = folder / "resume" / "sweep"
    if not path.is_dir():
        return set()
    return {idx for idx, ref in scan_journal(path).items() if ref.completed}


def _executions(folder: Path) -> dict[int, int]:
    path = folder / "executions"
    if not path.exists():
        return {}
    counts: collections.Counter = collections.Counter()
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "start":
            counts[int(parts[1])] += 1
    return dict(counts)


def _pids_of(folder: Path) -> dict[int, set[int]]:
    """The processes each run started in."""
    pids: dict[int, set[int]] = collections.defaultdict(set)
    for line in (folder / "executions").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "start":
            pids[int(parts[1])].add(int(parts[2]))
    return pids


def _check(folder: Path, trial: Trial, result: TrialResult) -> None:
    from pypet import Trajectory

    problems = result.problems
    total = trial.runs + trial.expand
    traj = Trajectory(filename=str(folder / "sweep.hdf5"))
    traj.f_load(name="sweep", load_data=2)
    if len(traj) != total:
        problems.append(f"{len(traj)} runs in the file, expected {total}")
    zs = traj.f_get_from_runs("z", fast_access=True, use_indices=True)
    arrs = traj.f_get_from_runs("arr", fast_access=True, use_indices=True)
    texts = traj.f_get_from_runs("text", fast_access=True, use_indices=True)
    for idx in range(total):
        want = expected(idx, trial.size)
        if not traj.f_is_completed(idx):
            problems.append(f"run {idx} is not completed")
        array_ok = idx not in arrs if want["arr"] is None else \
            idx in arrs and np.array_equal(arrs[idx], want["arr"])
        if zs.get(idx) != want["z"] or texts.get(idx) != want["text"] or not array_ok:
            problems.append(f"run {idx} does not hold its clean result")
    if len(zs) != total:
        problems.append(f"{len(zs)} z results for {total} runs")
    action = "resume" if result.resumed else "run"
    pairs = json.loads((folder / f"results-{action}.json").read_text())
    returned = {int(idx): value for idx, value in pairs}
    if len(pairs) != total or sorted(returned) != list(range(total)):
        problems.append(f"{action} returned {len(pairs)} values for {total} runs")
    elif any(value != expected(idx, trial.size)["z"] for idx, value in returned.items()):
        problems.append(f"{action} returned wrong values")
    for idx in range(total):
        count = result.executions.get(idx, 0)
        if idx in result.journaled and count != 1:
            problems.append(f"run {idx} was journaled before the kill but ran {count} times")
        elif not 1 <= count <= 2:
            problems.append(f"run {idx} ran {count} times")
    if result.killed_pid is not None and not result.resumed:
        # one worker died and the sweep went on: only what it held ran twice
        held = {idx for idx, pids in _pids_of(folder).items()
                if result.killed_pid in pids}
        twice = set(result.recomputed)
        if not twice <= held:
            problems.append(f"runs {sorted(twice - held)} ran twice though the killed "
                            f"worker {result.killed_pid} never ran them")
    if (folder / "resume" / "sweep").exists():
        problems.append("the resume folder was not removed")


def run_trial(folder: str | os.PathLike, trial: Trial) -> TrialResult:
    """Run one trial in the empty folder ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = TrialResult(trial)
    start = time.monotonic()
    _run_until_kill(folder, trial, result)
    if trial.victim == "group":
        result.journaled = _journaled(folder)
    # a sweep that lost only a worker goes on by itself; it needs resuming only if it
    # failed (e.g. the killed writer left a file the others could not write to)
    result.resumed = result.killed and (trial.victim == "group" or
                                        not (folder / "results-run.json").exists())
    if not result.problems and result.resumed:
        resumed = subprocess.run(
            _command(_config(folder, trial, "resume", trial.resume_mode or trial.mode)),
            cwd=REPO, env=_environment(), capture_output=True, timeout=LIMIT)
        result.log += resumed.stderr.decode(errors="replace")
        if resumed.returncode != 0:
            result.problems.append(f"resume failed (exit {resumed.returncode}): "
                                   f"{resumed.stderr.decode(errors='replace')[-2000:]}")
    result.executions = _executions(folder)
    if not result.problems:
        try:
            _check(folder, trial, result)
        except Exception as error:  # a file that does not load is a finding, not a crash
            result.problems.append(f"checking failed: {type(error).__name__}: {error}")
    result.seconds = time.monotonic() - start
    return result
