#!/usr/bin/env python
"""Tiny runs on a Dask cluster of local workers: per-run overhead of the executor path.

``embedded`` is ``executor='dask'`` (the LocalCluster starts inside env.run, so its start-up
counts); ``client`` reuses a Client started beforehand. Prints one JSON line.

Usage: bench_dask.py [N=2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)


def one(n: int, workdir: str, executor, ncores: int) -> float:
    from pypet import Environment, Trajectory, cartesian_product

    filename = os.path.join(workdir, "dask.hdf5")
    env = Environment(trajectory="dask", filename=filename, overwrite_file=True,
                      log_config=None, report_progress=False, executor=executor, ncores=ncores)
    side = int(n ** 0.5)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_add_parameter("y", 0.0)
    env.trajectory.f_explore(cartesian_product({"x": [float(i) for i in range(side)],
                                                "y": [float(j) for j in range(n // side)]}))
    t0 = time.perf_counter()
    env.run(multiply)
    wall = time.perf_counter() - t0
    check = Trajectory(filename=filename)
    check.f_load(index=-1, load_results=2)
    assert len(check.f_get_from_runs("z")) == len(check), "results missing"
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    workdir = tempfile.mkdtemp()
    out = {"bench": "dask", "n": args.n, "workers": args.workers}
    out["embedded_s"] = one(args.n, workdir, "dask", args.workers)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        out["client_s"] = one(args.n, workdir, client, args.workers)
    out["embedded_ms_per_run"] = 1000 * out["embedded_s"] / args.n
    out["client_ms_per_run"] = 1000 * out["client_s"] / args.n
    print(json.dumps(out))


if __name__ == "__main__":
    main()
