#!/usr/bin/env python
"""Does per-run cost stay flat as the number of runs grows, and how do we compare?

One run (``bench_scaling.py N``): N serial runs of the many_small workload (one scalar result
``z = x * y`` per run, a 2-D grid of two float parameters). The start time of every run is
read back from the run table; the mean time between consecutive run starts in the first 10%
of runs is compared with the last 10%. ``--resumable`` runs the same sweep with
``resumable=True``. Prints one JSON line (with the peak RSS of the process).

Side by side (``bench_scaling.py N --side-by-side``): the same workload with

* ``ours``: this script under ``--ours`` (default: this repo's ``.venv``),
* ``ours resumable``: the same with ``--resumable``,
* ``main``: this script under ``--main`` (default: today's main in ``/work/wt/base``),
* ``main resumable``: the same with ``--resumable`` (only with ``--main-resumable``: what
  resumable mode costs on both sides),
* ``psweep``: ``bench_psweep_many_small.py`` under ``--psweep`` (psweep 0.16's venv),

each in a fresh process and scratch folder, ``--rounds`` times in alternating order; prints
a markdown table of the medians and the ratios to ``ours`` (> 1: ours is faster/smaller).
``--skip main,psweep`` leaves configurations out.

Usage: bench_scaling.py N [--workdir DIR] [--resumable]
       bench_scaling.py N --side-by-side [--rounds R] [--ours PY] [--main PY] [--psweep PY]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)


def one(n: int, workdir: str | None, resumable: bool) -> None:
    import numpy as np

    from pypet import Environment, Trajectory, cartesian_product

    workdir = workdir or tempfile.mkdtemp()
    filename = os.path.join(workdir, "scaling.hdf5")
    nx = int(np.sqrt(n))
    ny = n // nx
    extra = dict(resumable=True, resume_folder=os.path.join(workdir, "resume")) \
        if resumable else {}
    env = Environment(trajectory="scaling", filename=filename, overwrite_file=True,
                      log_config=None, report_progress=False, **extra)
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("y", 0.0)
    traj.f_explore(cartesian_product({"x": [float(i) for i in range(nx)],
                                      "y": [float(j) for j in range(ny)]}))
    t0, cpu0 = time.perf_counter(), time.process_time()
    env.run(multiply)
    run_s, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_results=0)
    starts = loaded.f_to_dataframe(point_hash=False)["start"].astype("int64").to_numpy() / 1e9
    gaps = np.diff(starts)
    tenth = max(1, len(gaps) // 10)
    first, last = gaps[:tenth].mean(), gaps[-tenth:].mean()
    print(json.dumps({"bench": "scaling", "n": len(loaded), "resumable": resumable,
                      "run_s": run_s, "us_per_run": 1e6 * run_s / len(loaded),
                      "cpu_s": cpu_s,
                      "first_10pct_us_per_run": 1e6 * first, "last_10pct_us_per_run": 1e6 * last,
                      "last_over_first": last / first,
                      "bytes_per_run": os.path.getsize(filename) / len(loaded),
                      "maxrss_mb": maxrss_mb}))


# --- side by side --------------------------------------------------------------------------
METRICS = ("run_s", "us_per_run", "maxrss_mb", "bytes_per_run", "last_over_first")


def _configs(args: argparse.Namespace) -> dict[str, list[str]]:
    me = os.path.abspath(__file__)
    peer = os.path.join(HERE, "bench_psweep_many_small.py")
    configs = {
        "ours": [args.ours, me, str(args.n)],
        "ours resumable": [args.ours, me, str(args.n), "--resumable"],
        "main": [args.main, me, str(args.n)],
        "main resumable": [args.main, me, str(args.n), "--resumable"],
        "psweep": [args.psweep, peer, str(args.n)],
    }
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if not args.main_resumable:
        skip.add("main resumable")
    return {name: argv for name, argv in configs.items() if name not in skip}


def _run(argv: list[str], timeout: float) -> dict:
    """Run one configuration in a fresh scratch folder; its JSON line (or the error)."""
    scratch = tempfile.mkdtemp(prefix="pypet-scaling-", dir=os.environ.get("PYPETBENCH_TMP"))
    env = dict(os.environ, PYTHONSAFEPATH="1")  # never import the pypet of the cwd
    try:
        done = subprocess.run([*argv, "--workdir", scratch], cwd=scratch, env=env,
                              capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"error": done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]}
    return json.loads(lines[-1])


def side_by_side(args: argparse.Namespace) -> None:
    configs = _configs(args)
    runs: dict[str, list[dict]] = {name: [] for name in configs}
    for rnd in range(args.rounds):
        order = list(configs) if rnd % 2 == 0 else list(reversed(configs))
        for name in order:
            record = _run(configs[name], args.timeout)
            runs[name].append(record)
            print(f"round {rnd + 1} {name}: {json.dumps(record)}", file=sys.stderr)
    medians = {name: {m: statistics.median(r[m] for r in recs if m in r)
                      for m in METRICS if any(m in r for r in recs)}
               for name, recs in runs.items()}
    print(f"\n{args.n:,} serial runs, one scalar result; {args.rounds} round(s), alternating; "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}\n")
    print("| config | run_s | µs per run | peak RSS MB | bytes per run | last/first 10% | "
          "run_s vs ours |")
    print("|---|---|---|---|---|---|---|")
    base = medians.get("ours", {}).get("run_s")
    for name, med in medians.items():
        if not med:
            print(f"| {name} | failed: {runs[name][-1].get('error')} | | | | | |")
            continue
        ratio = f"{med['run_s'] / base:.2f}x" if base else ""
        print(f"| {name} | {med['run_s']:.3f} | {med['us_per_run']:.2f} | "
              f"{med['maxrss_mb']:.0f} | {med['bytes_per_run']:.1f} | "
              f"{med.get('last_over_first', float('nan')):.2f} | {ratio} |")
    # on a shared machine the load changes from round to round: the cost of resumable mode
    # is best read from the ratio of the two runs of one round (run one after the other)
    print()
    for name in ("ours", "main"):
        # (and from the CPU time of env.run, which other load on the machine disturbs less)
        for metric in ("run_s", "cpu_s"):
            pairs = [(p[metric], r[metric]) for p, r in
                     zip(runs.get(name, []), runs.get(f"{name} resumable", []), strict=False)
                     if metric in p and metric in r]
            if pairs:
                ratios = sorted(r / p for p, r in pairs)
                print(f"{name} resumable / {name}, {metric} per round: median "
                      f"{statistics.median(ratios):.3f} (rounds: "
                      f"{', '.join(f'{x:.3f}' for x in ratios)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--resumable", action="store_true")
    ap.add_argument("--side-by-side", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ours", default=os.path.join(REPO, ".venv", "bin", "python"))
    ap.add_argument("--main", default="/work/wt/base/.venv/bin/python")
    ap.add_argument("--psweep", default="/tmp/psweep-venv/bin/python")
    ap.add_argument("--skip", default="", help="comma-separated configurations to leave out")
    ap.add_argument("--main-resumable", action="store_true",
                    help="also run main with resumable=True")
    ap.add_argument("--timeout", type=float, default=1800.0)
    args = ap.parse_args()
    if args.side_by_side:
        side_by_side(args)
    else:
        one(args.n, args.workdir, args.resumable)


if __name__ == "__main__":
    main()
