#!/usr/bin/env python
"""The ``many_small`` workload written for psweep 0.16 (the peer of ``bench_scaling.py``).

N runs over the same 2-D grid of two float parameters as ``bench_scaling.py`` (``nx =
int(sqrt(N))`` values of ``x``, ``N // nx`` of ``y``); every run returns ``z = x * y``.
psweep runs them serially (``poolsize=None``) and saves its database (a pickled pandas
DataFrame, psweep's only storage) at the end, as ``ps.run`` does by default. Run it with
psweep's interpreter (``/tmp/psweep-venv/bin/python``); it imports nothing of pypet.

Timed as in ``bench_scaling.py``: ``run_s`` is the ``ps.run`` call alone (the grid is built
before, as our script builds the trajectory before ``env.run``). Prints one JSON line.

Usage: bench_psweep_many_small.py N [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time


def multiply(pset: dict) -> dict:
    return {"z": pset["x"] * pset["y"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    import psweep as ps

    workdir = args.workdir or tempfile.mkdtemp(prefix="psweep-bench-")
    nx = int(args.n ** 0.5)
    ny = args.n // nx
    params = ps.pgrid([ps.plist("x", [float(i) for i in range(nx)]),
                       ps.plist("y", [float(j) for j in range(ny)])])
    t0 = time.perf_counter()
    df = ps.run(multiply, params, calc_dir=os.path.join(workdir, "calc"))
    run_s = time.perf_counter() - t0
    database = os.path.join(workdir, "calc", "database.pk")
    expected = sum(float(i) * float(j) for i in range(nx) for j in range(ny))
    print(json.dumps({
        "bench": "psweep_many_small", "psweep": ps.__version__, "n": len(df),
        "run_s": run_s, "us_per_run": 1e6 * run_s / len(df),
        "bytes_per_run": os.path.getsize(database) / len(df),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "ok": len(df) == nx * ny and abs(float(df["z"].sum()) - expected) <= 1e-6 * expected,
    }))


if __name__ == "__main__":
    main()
