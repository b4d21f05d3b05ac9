"""A resumable sweep for the kill harness, run as ``python -m tests.execution.resume_sweep``.

The run function is deterministic (its results depend only on the run index) and reports
to two side channels: it appends ``start <idx> <pid>`` to an executions file (how often
each run executed), and writes ``<idx>`` to a FIFO when its body is done (the harness
counts these events to choose the moment of the kill). Everything lives in an importable
module, so pool and Dask workers can unpickle the run function by reference.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import numpy as np

#: the Environment keywords of each runner/wrap mode the harness exercises
MODES: dict[str, dict[str, Any]] = {
    "serial": {},
    "pool-QUEUE": dict(multiproc=True, use_pool=True, ncores=2, wrap_mode="QUEUE"),
    "pool-LOCK": dict(multiproc=True, use_pool=True, ncores=2, wrap_mode="LOCK"),
    "pool-PIPE": dict(multiproc=True, use_pool=True, ncores=2, wrap_mode="PIPE"),
    "pool-LOCAL": dict(multiproc=True, use_pool=True, ncores=2, wrap_mode="LOCAL"),
    "fork-LOCK": dict(multiproc=True, use_pool=False, ncores=2, wrap_mode="LOCK"),
    "fork-QUEUE": dict(multiproc=True, use_pool=False, ncores=2, wrap_mode="QUEUE"),
    "dask": dict(executor="dask", ncores=2),
}


def _append(path: str | None, line: str) -> None:
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())  # one small O_APPEND write: never interleaved
        finally:
            os.close(fd)


def _notify(fifo: str | None, idx: int) -> None:
    if fifo:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader (the harness stopped listening): nothing to tell
            return
        try:
            os.write(fd, f"{idx}\n".encode())
        except OSError:
            pass
        finally:
            os.close(fd)


def expected(idx: int, size: int = 64) -> dict[str, Any]:
    """What run ``idx`` stores and returns (the clean result). Odd runs store no array:
    their results are all plain (the journal's compact record, codec ``C``)."""
    values = np.random.default_rng(idx).random(size)
    return {"z": float(values.sum()), "arr": values if idx % 2 == 0 else None,
            "text": f"run {idx}"}


def sweep_run(traj: Any, executions: str | None = None, events: str | None = None,
              seconds: float = 0.0, size: int = 64) -> float:
    """Record the execution, compute, store the results, tell the harness, return z."""
    idx = traj.v_idx
    _append(executions, f"start {idx} {os.getpid()}\n")
    result = expected(idx, size)
    if seconds:
        time.sleep(seconds)  # stands for computing time
    if result["arr"] is None:  # plain results only
        traj.f_add_result("z", result["z"])
    else:
        traj.f_add_result("z", result["z"], comment="sum of the values")
        traj.f_add_result("arr", result["arr"])
    traj.f_add_result("text", result["text"])
    _notify(events, idx)
    return result["z"]


def add_points(traj: Any, results: list, extra: int, first: int) -> dict[str, list] | None:
    """Post-processing: add ``extra`` points once, after the ``first`` runs."""
    if len(traj) != first:
        return None
    return {"x": [float(i) for i in range(first, first + extra)]}


def main(config: dict[str, Any]) -> None:
    """Start (``action='run'``) or resume (``action='resume'``) the sweep of ``config``."""
    from pypet import Environment

    folder = config["folder"]
    env = Environment(trajectory="sweep", filename=os.path.join(folder, "sweep.hdf5"),
                      log_config=None, report_progress=False, resumable=True,
                      resume_folder=os.path.join(folder, "resume"),
                      **{**MODES[config["mode"]], **config.get("extra", {})})
    if config["action"] == "resume":
        results = env.resume(trajectory_name="sweep")
    else:
        traj = env.trajectory
        traj.f_add_parameter("x", 0.0)
        traj.f_explore({"x": [float(i) for i in range(config["runs"])]})
        if config.get("expand"):
            env.add_postprocessing(add_points, config["expand"], config["runs"])
        results = env.run(sweep_run, executions=config["executions"],
                          events=config.get("events"), seconds=config.get("seconds", 0.0),
                          size=config.get("size", 64))
    with open(os.path.join(folder, f"results-{config['action']}.json"), "w") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
