#!/usr/bin/env python
"""``pypet runs`` (and ``ls``, ``show``) on a file with many runs, as a user runs them.

Builds (once, then reuses) a file with N runs made by a real Environment: two explored
float parameters and one scalar result per run, all in the run table. Then times, as
subprocesses (interpreter start included), ``pypet ls``, ``pypet show``, ``pypet runs
--out runs.parquet`` and ``pypet runs --out runs.csv``, and in-process the parts of the
export (loading, reading the table, the point hashes). Prints one JSON line per figure.

Usage: bench_cli_runs.py [N] [--workdir DIR] [--reps R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)


def build(filename: str, n: int) -> float:
    """Run N runs into ``filename``; return the seconds it took (0 if the file exists)."""
    if os.path.exists(filename):
        return 0.0
    from pypet import Environment, cartesian_product

    nx = 1000
    env = Environment(trajectory="million", filename=filename, log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("y", 0.0)
    traj.f_add_parameter("fixed", 1.5)
    traj.f_explore(cartesian_product({"x": [float(i) for i in range(n // nx)],
                                      "y": [float(j) for j in range(nx)]}))
    start = time.perf_counter()
    env.run(_multiply)
    return time.perf_counter() - start


def timed_cli(*args: str, cwd: str) -> float:
    env = {**os.environ, "PYTHONPATH": REPO}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pypet", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process(filename: str) -> dict[str, float]:
    from pypet import load_trajectory
    from pypet import pypetconstants as C
    from pypet.hashing import hash_points

    figures = {}
    start = time.perf_counter()
    traj = load_trajectory(index=-1, filename=filename, load_results=C.LOAD_NOTHING,
                           load_derived_parameters=C.LOAD_NOTHING)
    figures["load_s"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = traj.f_to_dataframe(point_hash=False)
    figures["table_s"] = time.perf_counter() - start
    start = time.perf_counter()
    hash_points({"parameters.x": frame["x"].tolist(), "parameters.y": frame["y"].tolist()})
    figures["hash_s"] = time.perf_counter() - start
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--workdir", default="/tmp/pypet_bench_cli")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    filename = os.path.join(args.workdir, f"runs_{args.n}.hdf5")
    built = build(filename, args.n)
    print(json.dumps({"bench": "cli_runs", "n": args.n, "build_s": built,
                      "file_mb": os.path.getsize(filename) / 1e6}))
    for rep in range(args.reps):
        row = {"bench": "cli_runs", "n": args.n, "rep": rep,
               "ls_s": timed_cli("ls", filename, cwd=args.workdir),
               "show_s": timed_cli("show", filename, cwd=args.workdir),
               "runs_parquet_s": timed_cli("runs", filename, "--out", "runs.parquet",
                                           cwd=args.workdir),
               "runs_csv_s": timed_cli("runs", filename, "--out", "runs.csv",
                                       cwd=args.workdir)}
        row.update(in_process(filename))
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
