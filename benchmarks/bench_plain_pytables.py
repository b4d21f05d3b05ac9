#!/usr/bin/env python
"""Reference: the arrays of ``bench_arrays.py`` written with plain PyTables.

The floor our pypet's array storage is measured against ("within 1.3x of
plain PyTables"). Same data as ``../shared/bench/bench_arrays.py``:

* random: ``np.random.default_rng(12345).standard_normal(SIZE) + i``
* smooth: ``np.linspace(0.0, 1.0, SIZE) + i``

for run i in 0..N-1, float64. Every run's array goes into its own CArray
``/results/run_set_XXXXX/run_XXXXXXXX`` (1000 runs per group), with
``tables.Filters(complevel, complib, shuffle)`` (no filters at complevel 0)
and the chunk shape PyTables picks. No pypet, no pandas, no logging.

Timed: run_s = open file, create groups and arrays (computing ``base + i``
inside the loop, as the run function does in bench_arrays.py), close the
file; load_s = reopen and read every array back (plus a check of three).

Usage: bench_plain_pytables.py N [--size 100000] [--data random|smooth]
                               [--complevel 9] [--complib zlib] [--shuffle 1]
                               [--reps 3] [--fsync] [--workdir DIR]
Prints one JSON line (medians over --reps, plus the raw values).
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time

GROUP_SIZE = 1000


def one_rep(fname, n, base, filters, fsync):
    import numpy as np
    import tables

    rec = {}
    c0 = _cpu()
    t0 = time.perf_counter()
    with tables.open_file(fname, mode="w") as h5:
        results = h5.create_group("/", "results")
        group = None
        for i in range(n):
            if i % GROUP_SIZE == 0:
                group = h5.create_group(results, f"run_set_{i // GROUP_SIZE:05d}")
            arr = base + float(i)
            h5.create_carray(group, f"run_{i:08d}", obj=arr, filters=filters)
        h5.flush()
        if fsync:
            os.fsync(h5.fileno())
    rec["run_s"] = time.perf_counter() - t0
    rec["run_cpu_s"] = _cpu() - c0
    rec["file_bytes"] = os.path.getsize(fname)

    t0 = time.perf_counter()
    arrs = {}
    with tables.open_file(fname, mode="r") as h5:
        for group in h5.root.results._f_iter_nodes("Group"):
            for node in group._f_iter_nodes("Leaf"):
                arrs[int(node._v_name[4:])] = node.read()
    rec["load_s"] = time.perf_counter() - t0
    ok = len(arrs) == n
    for idx in {0, n // 2, n - 1}:
        ok = ok and bool(np.array_equal(arrs[idx], base + float(idx)))
    rec["ok"] = ok
    return rec


def _cpu():
    a = resource.getrusage(resource.RUSAGE_SELF)
    return a.ru_utime + a.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--size", type=int, default=100000)
    ap.add_argument("--data", choices=["random", "smooth"], default="random")
    ap.add_argument("--complevel", type=int, default=9)
    ap.add_argument("--complib", default="zlib")
    ap.add_argument("--shuffle", type=int, choices=[0, 1], default=1)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--fsync", action="store_true", help="fsync the file before closing")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()

    import numpy as np
    import tables

    if args.data == "random":
        base = np.random.default_rng(12345).standard_normal(args.size)
    else:
        base = np.linspace(0.0, 1.0, args.size)
    if args.complevel > 0:
        filters = tables.Filters(
            complevel=args.complevel, complib=args.complib, shuffle=bool(args.shuffle)
        )
    else:
        filters = None

    made = args.workdir is None
    wd = args.workdir or tempfile.mkdtemp(
        prefix="plainbench_", dir=os.environ.get("PYPETBENCH_TMP")
    )
    os.makedirs(wd, exist_ok=True)
    fname = os.path.join(wd, "plain_arrays.h5")
    reps = []
    try:
        for _ in range(args.reps):
            reps.append(one_rep(fname, args.n, base, filters, args.fsync))
            os.remove(fname)
    finally:
        if made:
            shutil.rmtree(wd, ignore_errors=True)

    raw_mb = args.n * args.size * 8 / 1e6
    out = {
        "bench": "plain_pytables",
        "n": args.n,
        "size": args.size,
        "data": args.data,
        "complevel": args.complevel,
        "complib": args.complib if filters is not None else None,
        "shuffle": bool(args.shuffle) if filters is not None else None,
        "fsync": args.fsync,
        "reps": args.reps,
        "raw_mb": raw_mb,
    }
    for k in ("run_s", "run_cpu_s", "file_bytes", "load_s"):
        out[k] = statistics.median([r[k] for r in reps])
    out["s_per_run"] = out["run_s"] / args.n
    out["write_mb_per_s"] = raw_mb / out["run_s"]
    out["read_mb_per_s"] = raw_mb / out["load_s"]
    out["file_mb"] = out["file_bytes"] / 1e6
    out["compression_ratio"] = raw_mb * 1e6 / out["file_bytes"]
    out["ok"] = all(r["ok"] for r in reps)
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["raw"] = {k: [round(r[k], 4) for r in reps] for k in ("run_s", "run_cpu_s", "load_s")}
    out["python"] = platform.python_version()
    out["cpus"] = os.cpu_count()
    out["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    out["numpy"] = np.__version__
    out["tables"] = tables.__version__
    out["hdf5"] = tables.hdf5_version
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
