"""Merging shards: S shard files of N runs each merged into one trajectory, ours vs pypet 0.7.

Each shard is a slice of one 2-D exploration (parameters ``x``, ``y``; one scalar result
``z = x * y`` per run), run by an Environment into its own file, as batch jobs on a cluster
would. The merge is pypet's own call, ``merge_all_in_folder(folder, backup=False)`` (the
others are merged into the first file), run in a fresh process so its time and peak memory
are its own. The same script runs with either interpreter; only pypet's public API is used.

    .venv/bin/python benchmarks/bench_merge.py --shards 10 --runs 1000
    .venv/bin/python benchmarks/bench_merge.py --shards 10 --runs 100000 --impls ours
    .venv/bin/python benchmarks/bench_merge.py --shards 10 --runs 1000 --arrays

Prints one JSON line per implementation (``create_s``: making the shards; ``merge_s`` and
``merge_peak_mb``: the merge; ``base_mb``: the process after ``import pypet`` before merging)
and a markdown table. ``--save`` appends the lines to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def multiply(traj):
    """The run: one scalar result."""
    traj.f_add_result("z", traj.x * traj.y, comment="product")


def multiply_with_array(traj):
    """The run: a scalar result and an array of 1,000 floats (stored as a node per run)."""
    import numpy as np

    traj.f_add_result("z", traj.x * traj.y, comment="product")
    traj.f_add_result("curve", np.linspace(0.0, traj.x, 1000))


def create(folder: str, shards: int, runs: int, arrays: bool = False) -> dict:
    """Run ``shards`` slices of one grid, each into ``shard_XXXX.hdf5`` in ``folder``."""
    from pypet import Environment

    total = shards * runs
    xs = [float(i // 100) for i in range(total)]
    ys = [float(i % 100) for i in range(total)]
    start = time.perf_counter()
    for shard in range(shards):
        part = slice(shard * runs, (shard + 1) * runs)
        env = Environment(trajectory="study", filename=os.path.join(folder, f"shard_{shard:04d}.hdf5"),
                          log_config=None, report_progress=False, overwrite_file=True)
        traj = env.trajectory
        traj.f_add_parameter("x", 0.0)
        traj.f_add_parameter("y", 0.0)
        traj.f_explore({"x": xs[part], "y": ys[part]})
        env.run(multiply_with_array if arrays else multiply)
        env.disable_logging() if hasattr(env, "disable_logging") else None
    return {"create_s": time.perf_counter() - start}


def merge(folder: str, shards: int, runs: int, check: bool) -> dict:
    """``merge_all_in_folder`` on the shards; then check the merged trajectory."""
    from pypet import load_trajectory, merge_all_in_folder

    base = _peak_mb()
    start = time.perf_counter()
    merged = merge_all_in_folder(folder, backup=False)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    out = {"merge_s": seconds, "merge_peak_mb": peak, "base_mb": base, "runs": len(merged)}
    first = os.path.join(folder, "shard_0000.hdf5")
    loaded = load_trajectory(index=-1, filename=first, load_parameters=2, load_results=0,
                             load_derived_parameters=0, add_time=False)
    total = shards * runs
    xs = loaded.f_get("x").f_get_range()
    ys = loaded.f_get("y").f_get_range()
    out["points_ok"] = (len(loaded) == total and xs == [float(i // 100) for i in range(total)]
                        and ys == [float(i % 100) for i in range(total)])
    if check:  # every run's result, through natural naming (small sizes only)
        loaded.f_load(load_results=2)
        zs = loaded.f_get_from_runs("z", fast_access=True)
        out["results_ok"] = len(zs) == total and all(
            z == x * y for z, x, y in zip(zs.values(), xs, ys, strict=True))
    return out


def _worker(args: argparse.Namespace) -> None:
    if args.workload == "create":
        result = create(args.folder, args.shards, args.runs, args.arrays)
    else:
        result = merge(args.folder, args.shards, args.runs, args.check)
    print(json.dumps(result), flush=True)


def _run(python: str, workload: str, folder: str, args: argparse.Namespace) -> dict:
    command = [python, os.path.abspath(__file__), "--worker", workload, "--folder", folder,
               "--shards", str(args.shards), "--runs", str(args.runs)]
    if args.shards * args.runs <= 20000:
        command.append("--check")
    if args.arrays:
        command.append("--arrays")
    env = {**os.environ, "PYTHONSAFEPATH": "1"}  # import the interpreter's pypet, not ./pypet
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
    if done.returncode != 0:
        raise RuntimeError(f"{workload} with {python} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000, help="runs per shard")
    parser.add_argument("--impls", default="ours,orig")
    parser.add_argument("--ours", default=os.path.join(os.path.dirname(HERE), ".venv/bin/python"))
    parser.add_argument("--orig", default="/tmp/pypet-orig/bin/python")
    parser.add_argument("--save", action="store_true", help="append to benchmarks/results/")
    parser.add_argument("--worker", dest="workload", choices=["create", "merge"])
    parser.add_argument("--folder")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--arrays", action="store_true",
                        help="each run also stores an array of 1,000 floats (a node per run)")
    args = parser.parse_args()
    if args.workload:
        _worker(args)
        return
    rows = []
    for impl in args.impls.split(","):
        folder = tempfile.mkdtemp(prefix=f"bench_merge_{impl}_")
        try:
            python = getattr(args, impl)
            result = {"bench": "merge", "impl": impl, "shards": args.shards,
                      "runs_per_shard": args.runs, "arrays": args.arrays, **_run(python, "create", folder, args),
                      **_run(python, "merge", folder, args)}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(json.dumps(result), flush=True)
        rows.append(result)
        if args.save:
            name = f"{impl}_merge_{args.shards}x{args.runs}{'_arrays' if args.arrays else ''}.json"
            with open(os.path.join(HERE, "results", name), "a") as out:
                out.write(json.dumps(result) + "\n")
    print("\n| impl | shards x runs | create (s) | merge (s) | merge peak RSS (MB) | "
          "RSS before merge (MB) | checked |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        checked = r["points_ok"] and r.get("results_ok", True)
        print(f"| {r['impl']} | {r['shards']} x {r['runs_per_shard']:,} | {r['create_s']:.1f} | "
              f"{r['merge_s']:.2f} | {r['merge_peak_mb']:.0f} | {r['base_mb']:.0f} | "
              f"{'yes' if checked else 'NO'} |")


if __name__ == "__main__":
    sys.exit(main())
