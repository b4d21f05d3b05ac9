#!/usr/bin/env python
"""Benchmark: loading a large trajectory with default arguments, and start-up.

Two workloads, each run in fresh processes, interpreters alternating round by round:

* ``load FILE``: ``load_trajectory(filename=FILE, index=-1)`` with every other argument at its
  default (parameters with data, results and derived parameters as skeletons); reports the
  wall time of that call, the process's CPU time and peak RSS, and ``len(traj)``.
  ``--make N`` first writes FILE (the ``many_small`` workload: N runs over a 1000 x N/1000
  grid, one scalar result ``z = x * y`` per run, serial, ``log_config=None``) with the first
  interpreter, once.
* ``startup``: a fresh process from ``import pypet`` to the end of a two-run experiment
  (HDF5 file, default settings, default logging); reports the in-process wall time and the
  CPU time of the whole process (interpreter start included). Each interpreter keeps its own
  bytecode cache (``PYTHONPYCACHEPREFIX``), warmed once, so no side pays for compiling.

Usage::

    bench_lazy_load.py load /tmp/lazy/runs_1m.hdf5 --make 1000000 --python A --python B
    bench_lazy_load.py startup --python A --python B --python C [--reps 9]

Prints a markdown table (medians; CPU time is the steadier figure on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile

LOAD = """
import json, resource, sys, time
from pypet import load_trajectory
start = time.perf_counter()
traj = load_trajectory(filename=sys.argv[1], index=-1)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"load_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "runs": len(traj)}))
"""

MAKE = """
import sys
from pypet import Environment, cartesian_product
n = int(sys.argv[2]); nx = 1000 if n >= 1000 else n; ny = n // nx
env = Environment(trajectory="many_small", filename=sys.argv[1], overwrite_file=True,
                  multiproc=False, log_config=None)
traj = env.trajectory
traj.f_add_parameter("x", 0.0); traj.f_add_parameter("y", 0.0)
traj.f_explore(cartesian_product({"x": [float(i) for i in range(nx)],
                                  "y": [float(j) for j in range(ny)]}))
env.run(lambda traj: traj.f_add_result("z", traj.x * traj.y))
"""

STARTUP = """
import json, sys, time
start = time.perf_counter()
from pypet import Environment

def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)

env = Environment(trajectory="two", filename="two.hdf5", overwrite_file=True)
traj = env.trajectory
traj.f_add_parameter("x", 1.0)
traj.f_add_parameter("y", 2.0)
traj.f_explore({"x": [1.0, 2.0]})
env.run(multiply)
env.disable_logging()
print(json.dumps({"startup_s": time.perf_counter() - start}))
"""


def _env(py: str, pos: int, cache_root: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONSAFEPATH="1",
               PYTHONPYCACHEPREFIX=os.path.join(cache_root, f"pycache_{pos}"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(py: str, code: str, args: list[str], env: dict[str, str]) -> tuple[dict, float]:
    """Run ``code`` in a fresh ``py``: its JSON line and the CPU time of the whole process."""
    folder = tempfile.mkdtemp(prefix="pypetbench_lazy_")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run([py, "-c", code, *args], cwd=folder, env=env, capture_output=True,
                             text=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise RuntimeError(f"{py} failed:\n{out.stderr[-3000:]}")
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(line), cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=["load", "startup"])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--make", type=int, help="write FILE with this many runs first")
    ap.add_argument("--python", action="append", required=True)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    args.python = [os.path.abspath(py) for py in args.python]  # runs cd elsewhere; no realpath:
    # a virtualenv's python is a symlink that must keep its path
    cache_root = tempfile.mkdtemp(prefix="pypetbench_pycache_")
    envs = {py: _env(py, pos, cache_root) for pos, py in enumerate(args.python)}
    if args.workload == "load":
        if not args.file:
            ap.error("load needs FILE")
        path = os.path.abspath(args.file)
        if args.make:
            subprocess.run([args.python[0], "-c", MAKE, path, str(args.make)],
                           env=envs[args.python[0]], check=True)
        code, extra, keys = LOAD, [path], ["load_s", "cpu_s", "peak_mb", "runs"]
    else:
        code, extra, keys = STARTUP, [], ["startup_s", "process_cpu_s"]
    for py in args.python:  # warm-up: bytecode caches, file system cache
        _run(py, code, extra, envs[py])
    rows: dict[str, dict[str, list[float]]] = {py: {k: [] for k in keys} for py in args.python}
    for rep in range(args.reps):
        order = args.python if rep % 2 == 0 else args.python[::-1]
        for py in order:
            found, cpu = _run(py, code, extra, envs[py])
            found["process_cpu_s"] = cpu
            for key in keys:
                rows[py][key].append(found[key])
    print(f"| {args.workload} | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for py in args.python:
        cells = [f"{statistics.median(rows[py][k]):.3f}" if k != "runs"
                 else str(int(rows[py][k][0])) for k in keys]
        print(f"| {py} | " + " | ".join(cells) + " |")
    shutil.rmtree(cache_root, ignore_errors=True)


if __name__ == "__main__":
    main()
