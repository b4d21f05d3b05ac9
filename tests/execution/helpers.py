"""Run functions and checks shared by the execution tests.

They live in an importable module (``tests.execution.helpers``) so that pool workers and
Dask workers, which unpickle run functions by reference, can import them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pypet import Environment, Trajectory, cartesian_product, manual_run, pypetconstants

#: leaves every rich_run adds (results and a derived parameter)
RICH_NAMES = ("z", "pair", "stats", "arr", "info", "dz")
#: run-table columns that differ between two executions of the same runs
#: run information that differs between two environments running the same runs
TIMING_COLUMNS = ["start", "finish", "runtime", "hexsha", "environment"]
N_RUNS = 6


def make_env(filename: Path | str, values: int | None = None, **kwargs: Any) -> Environment:
    """An Environment on ``filename`` with an explored grid (x, y): 6 runs, or ``values`` x's."""
    kwargs.setdefault("report_progress", False)
    env = Environment(trajectory="t", filename=str(filename), log_config=None, **kwargs)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0, comment="first")
    traj.f_add_parameter("y", 1.0)
    if values is None:
        traj.f_explore(cartesian_product({"x": [1.0, 2.0], "y": [3.0, 4.0, 5.0]}))
    else:
        traj.f_explore({"x": [float(i) for i in range(values)]})
    return env


def load(filename: Path | str) -> Trajectory:
    """The last trajectory of ``filename`` with all its data."""
    traj = Trajectory(filename=str(filename))
    traj.f_load(index=-1, load_data=pypetconstants.LOAD_DATA)
    return traj


def rich_run(traj: Any, offset: float = 0.0) -> float:
    """Add results in groups, with several items and non-columnar data; even runs store."""
    z = traj.x * traj.y + offset
    traj.f_add_result("z", z, comment="product")
    traj.f_add_result("grp.sub.$.pair", traj.x, traj.y, comment="two items")
    traj.f_add_result("stats", mean=z / 2, label=f"run{traj.v_idx}")
    traj.f_add_result("arr", np.arange(1000) * traj.x)
    traj.f_add_result("info", {"idx": traj.v_idx, "vals": [traj.x, traj.y]})
    if traj.v_idx % 2 == 0:
        traj.f_store()  # the run stores what it has so far; the rest is stored after it
    traj.f_add_derived_parameter("dz", z * 2)
    return z


def mapped_run(traj: Any, factor: float, shift: float = 0.0) -> float:
    """run_map target: the k-th factor and shift belong to run k."""
    value = traj.x * factor + shift
    traj.f_add_result("m", value)
    return value


def timed_run(traj: Any) -> int:
    """Record when the run started and finished (to detect overlapping runs)."""
    start = time.time()
    time.sleep(0.25)
    traj.f_add_result("times", start=start, finish=time.time())
    return traj.v_idx


def failing_run(traj: Any) -> float:
    """Raise KeyError in run 5, store x otherwise."""
    if traj.v_idx == 5:
        raise KeyError("bad run")
    traj.f_add_result("z", traj.x)
    return traj.x


def dying_run(traj: Any, how: str = "exit") -> float:
    """The process of run 1 dies without a word (os._exit or SIGKILL); others take a moment."""
    if traj.v_idx == 1:
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(1)
    time.sleep(0.2)
    traj.f_add_result("z", traj.x)
    return traj.x


def loading_run(traj: Any) -> float:
    """Load a stored result explicitly and another one by auto-loading."""
    pre = traj.f_get("results.pre")
    pre.f_empty()
    traj.f_load_item(pre)
    traj.v_auto_load = True
    extra = traj.results.extra  # only in the file: auto-loaded
    traj.f_add_result("z", pre.data + extra + traj.x)
    return pre.data + extra


def leaf_data(leaf: Any) -> dict[str, Any]:
    """A leaf's data as a dict (results: all items; parameters: the value)."""
    return leaf.f_to_dict() if hasattr(leaf, "f_to_dict") else {"value": leaf.f_get()}


def assert_same_as_serial(traj: Trajectory, reference: Trajectory) -> None:
    """Results, run information and the run table frame equal those of the serial run."""
    for name in RICH_NAMES:
        got = traj.f_get_from_runs(name, use_indices=True)
        want = reference.f_get_from_runs(name, use_indices=True)
        assert list(got) == list(want) == list(range(N_RUNS)), name
        for idx, leaf in want.items():
            np.testing.assert_equal(leaf_data(got[idx]), leaf_data(leaf), err_msg=name)
            assert got[idx].v_comment == leaf.v_comment
    assert traj.f_is_completed()
    assert all(traj.f_get_run_information(i)["completed"] for i in range(N_RUNS))
    frame, expected = traj.f_to_dataframe(), reference.f_to_dataframe()
    assert set(TIMING_COLUMNS) <= set(expected.columns)
    pd.testing.assert_frame_equal(frame.drop(columns=TIMING_COLUMNS),
                                  expected.drop(columns=TIMING_COLUMNS))


def make_unpicklable_run() -> Any:
    """A local run function holding a lock and a generator: pickle cannot ship it."""
    lock = threading.Lock()
    counter = iter(range(1000))

    def run(traj: Any) -> float:
        with lock:
            next(counter)
        traj.f_add_result("z", traj.x)
        return traj.x

    return run


def store_own_run(traj: Any) -> float:
    """Store one result explicitly; add a second one afterwards without storing it."""
    traj.f_add_result("kept", traj.x)
    traj.f_store()
    traj.f_add_result("dropped", traj.x)
    return traj.x


@manual_run()
def manual_job(traj: Any) -> float:
    """A manual run (example 20 style): add a run-scoped result and store it."""
    traj.f_add_result("$.sq", traj.x ** 2)
    traj.f_store()
    return traj.x ** 2


def pool_task(args: tuple[Any, int]) -> tuple[int, float]:
    """A user pool task: make run ``idx`` current and execute the manual run."""
    traj, idx = args
    traj.v_idx = idx
    return idx, manual_job(traj)


def loading_pool_task(args: tuple[Any, int]) -> float:
    """A user pool task that loads a stored result (needs LOCK)."""
    traj, idx = args
    traj.v_idx = idx
    pre = traj.f_get("results.pre")
    pre.f_empty()
    traj.f_load_item(pre)
    return pre.data + traj.x


def kill_when_appended(script: str) -> None:
    """Run ``script`` (``python -c``) until it prints ``appended``, then SIGKILL it: a
    process killed right after its journal appends returned."""
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline() == "appended\n"
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    process.stdin.close()
    process.stdout.close()
