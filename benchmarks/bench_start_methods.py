#!/usr/bin/env python
"""Cost of the start methods fork, forkserver and spawn for pypet's worker processes.

Three workloads, each measured in a fresh interpreter (so the fork server's own start and
every import count, as they do for a user's script), the methods alternating per round:

* ``start``: a ``WorkerPool`` of 2 workers until both have loaded a realistic payload
  (a trajectory with 20 parameters, 2 explored over 2,000 points, and the run function);
* ``tasks``: 2,000 tiny runs on that pool, one run per task (after the start);
* ``per_run``: 200 runs with ``ProcessPerTask`` (2 at a time), one new process each; with
  fork the child inherits the payload, otherwise it is pickled and loaded per process.

``tasks`` is also run on a ``concurrent.futures.ProcessPoolExecutor`` (fork), which the pool
runner used before ``WorkerPool``, for reference. Prints a markdown table (medians) and one JSON line.

Usage: bench_start_methods.py [--reps 3] [--methods fork,forkserver,spawn]
                              [--tasks 2000] [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def tiny_run(traj):
    """The run function: one scalar result."""
    traj.f_add_result("z", traj.x * traj.y)
    return traj.x * traj.y


_state = None  # the executor variant's worker state (ProcessPoolExecutor has no handler state)


def init(payload: bytes):
    """Pool initializer: what the pool runner's workers do once (unpickle, prepare)."""
    from pypet.execution import worker

    global _state
    _state = worker.pool_init(payload)
    return _state


def handle(state, batch):
    """Pool handler: run a batch of runs as the pool runner's workers do."""
    from pypet.execution import worker
    from pypet.execution.batching import RunTask

    return worker.pool_handle(state if state is not None else _state,
                              worker.PoolTask(tuple(RunTask(idx) for idx, _, _ in batch)))


def one_run(payload, idx: int):
    """Body of a one-process-per-run task, as the forked runner's children do it."""
    from pypet.execution import worker
    from pypet.execution.batching import RunTask

    return worker.run_alone(payload, None, RunTask(idx, (), {}))


def make_payload(workdir: str):
    """A realistic payload: the trajectory of a 2,000-point sweep and the run function."""
    from pypet import Environment, cartesian_product
    from pypet.execution.payload import RunOptions, WorkerPayload, dump_payload

    env = Environment(trajectory="bench", filename=os.path.join(workdir, "b.hdf5"),
                      overwrite_file=True, log_config=None, report_progress=False)
    traj = env.trajectory
    for i in range(16):
        traj.f_add_parameter(f"model.p{i}", float(i), comment=f"parameter {i}")
    traj.f_add_parameter("model.name", "integrate-and-fire")
    traj.f_add_parameter("model.weights", np.linspace(0, 1, 1000))
    traj.f_add_parameter("x", 1.0)
    traj.f_add_parameter("y", 1.0)
    traj.f_explore(cartesian_product({"x": [float(v) for v in range(40)],
                                      "y": [float(v) for v in range(50)]}))
    traj.f_store(only_init=True)
    payload = WorkerPayload(traj, tiny_run, length=len(traj),
                            options=RunOptions(wrap_mode="QUEUE"))
    return payload, dump_payload(payload, use_pool=True), len(traj)


def child(workload: str, method: str, n_tasks: int, n_runs: int) -> dict:
    """One measurement in this (fresh) process."""
    from pypet.execution.procs import ProcessPerTask, WorkerPool

    workdir = tempfile.mkdtemp(prefix="bench_start_")
    payload, data, length = make_payload(workdir)
    out = {"payload_bytes": len(data)}
    if workload in ("start", "tasks") and method != "executor":
        t0 = time.perf_counter()
        with WorkerPool(2, handle, initializer=init, payload=data, start_method=method) as pool:
            out["start_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            for i in range(n_tasks if workload == "tasks" else 0):
                pool.submit([(i % length, None, None)])
            done = 0
            while not pool.idle:
                outcomes = pool.wait()
                assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
                done += len(outcomes)
            out["tasks_s"] = time.perf_counter() - t0
            assert done == (n_tasks if workload == "tasks" else 0)
    elif workload == "tasks":  # today's runner: ProcessPoolExecutor with fork
        import concurrent.futures as cf
        import multiprocessing as mp

        t0 = time.perf_counter()
        with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("fork"),
                                    initializer=init, initargs=(data,)) as pool:
            futures = [pool.submit(handle, None, [(i % length, None, None)])
                       for i in range(n_tasks)]
            assert all(len(f.result()) == 1 for f in futures)
        out["tasks_s"] = time.perf_counter() - t0  # includes the start: it is lazy
    else:  # per_run
        shipped = payload if method == "fork" else data
        t0 = time.perf_counter()
        with ProcessPerTask(2, start_method=method, picklable=True) as runs:
            for i in range(n_runs):
                runs.submit(one_run, (shipped, i % length))
            done = 0
            while not runs.idle:
                outcomes = runs.wait()
                assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
                done += len(outcomes)
        out["per_run_s"] = time.perf_counter() - t0
        assert done == n_runs
    return out


def measure(workload: str, method: str, args: argparse.Namespace) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning")
    # a user's installation has bytecode caches; without them spawn pays for compiling
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run([sys.executable, __file__, "--child", workload, method,
                           "--tasks", str(args.tasks), "--runs", str(args.runs)],
                          capture_output=True, text=True, env=env, timeout=1800)
    if proc.returncode:
        raise RuntimeError(f"{workload}/{method} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--methods", default="fork,forkserver,spawn")
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--child", nargs=2, metavar=("WORKLOAD", "METHOD"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args.tasks, args.runs)))
        return
    methods = args.methods.split(",")
    plan = [("start", "start_s", methods), ("tasks", "tasks_s", methods + ["executor"]),
            ("per_run", "per_run_s", methods)]
    measure("start", "spawn", args)  # writes the bytecode caches (not counted)
    figures: dict[tuple[str, str], list[float]] = {}
    payload_bytes = 0
    for rep in range(args.reps):
        for workload, field, names in plan:
            for method in (names if rep % 2 == 0 else names[::-1]):
                result = measure(workload, method, args)
                payload_bytes = result["payload_bytes"]
                figures.setdefault((workload, method), []).append(result[field])
                print(f"# rep {rep} {workload:8s} {method:10s} {result[field]:8.3f} s",
                      file=sys.stderr, flush=True)
    medians = {key: statistics.median(values) for key, values in figures.items()}
    print(f"\n{platform.node()} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
          f"payload {payload_bytes / 1e6:.2f} MB · median of {args.reps}\n")
    print("| workload | " + " | ".join(methods) + " | " +
          " | ".join(f"{m}/fork" for m in methods[1:]) + " |")
    print("|---" * (1 + 2 * len(methods) - 1) + "|")
    for workload, _, _ in plan:
        base = medians[(workload, "fork")]
        cells = [f"{medians[(workload, m)]:.3f} s" for m in methods]
        ratios = [f"{medians[(workload, m)] / base:.2f}" for m in methods[1:]]
        print(f"| {workload} | " + " | ".join(cells + ratios) + " |")
    if ("tasks", "executor") in medians:
        print(f"\ntasks on today's ProcessPoolExecutor (fork, start included): "
              f"{medians[('tasks', 'executor')]:.3f} s")
    print(json.dumps({"bench": "start_methods", "python": platform.python_version(),
                      "payload_bytes": payload_bytes, "reps": args.reps,
                      **{f"{w}:{m}": v for (w, m), v in medians.items()}}))


if __name__ == "__main__":
    main()
