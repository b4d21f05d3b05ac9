#!/usr/bin/env python
"""Does per-run cost stay flat as the number of runs grows?

N serial runs of the many_small workload (one scalar result per run). The start time of
every run is read back from the run table; the mean time between consecutive run starts in
the first 10% of runs is compared with the last 10%. Prints one JSON line.

Usage: bench_scaling.py N [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np


def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    from pypet import Environment, Trajectory, cartesian_product

    workdir = args.workdir or tempfile.mkdtemp()
    filename = os.path.join(workdir, "scaling.hdf5")
    nx = int(np.sqrt(args.n))
    ny = args.n // nx
    env = Environment(trajectory="scaling", filename=filename, overwrite_file=True,
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("y", 0.0)
    traj.f_explore(cartesian_product({"x": [float(i) for i in range(nx)],
                                      "y": [float(j) for j in range(ny)]}))
    t0 = time.perf_counter()
    env.run(multiply)
    run_s = time.perf_counter() - t0
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_results=0)
    starts = loaded.f_to_dataframe(point_hash=False)["start"].astype("int64").to_numpy() / 1e9
    gaps = np.diff(starts)
    tenth = max(1, len(gaps) // 10)
    first, last = gaps[:tenth].mean(), gaps[-tenth:].mean()
    print(json.dumps({"bench": "scaling", "n": len(loaded), "run_s": run_s,
                      "us_per_run": 1e6 * run_s / len(loaded),
                      "first_10pct_us_per_run": 1e6 * first, "last_10pct_us_per_run": 1e6 * last,
                      "last_over_first": last / first,
                      "bytes_per_run": os.path.getsize(filename) / len(loaded)}))


if __name__ == "__main__":
    main()
