#!/usr/bin/env python
"""Tiny runs in parallel must never be much slower than serially (issue #13, decision 0014).

N runs of the many_small workload (one scalar result ``z = x * y``, no computing time) with
``multiproc=False``; with ``multiproc=True, ncores=2`` and every other setting at its
default; and with a pool of 2 workers in each wrap mode. Each mode runs in a fresh
process, the modes in turn, for ``--rounds`` rounds (the order rotates, so machine noise
hits every mode alike). Prints one JSON line per round and a summary: median seconds,
file bytes per run and the ratio to serial (above 1: slower than serial).

Usage: bench_parallel_defaults.py N [--rounds 3] [--modes serial,default,...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MODES = {
    "serial": dict(multiproc=False),
    "default": dict(multiproc=True, ncores=2),
    "pool:QUEUE": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE"),
    "pool:LOCK": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="LOCK"),
    "pool:PIPE": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="PIPE"),
    "pool:LOCAL": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="LOCAL"),
    "pool:NONE": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode=None),
}


def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)


def one(n: int, mode: str, workdir: str) -> dict:
    """Run the workload once in this process; return seconds and bytes per run."""
    from pypet import Environment, cartesian_product

    filename = os.path.join(workdir, f"{mode.replace(':', '_')}.hdf5")
    env = Environment(trajectory="tiny", filename=filename, overwrite_file=True,
                      log_config=None, report_progress=False, **MODES[mode])
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("y", 0.0)
    nx = int(n ** 0.5)
    traj.f_explore(cartesian_product({"x": [float(i) for i in range(nx)],
                                      "y": [float(j) for j in range(n // nx)]}))
    start = time.perf_counter()
    env.run(multiply)
    seconds = time.perf_counter() - start
    return {"mode": mode, "runs": len(traj), "run_s": seconds,
            "bytes_per_run": os.path.getsize(filename) / len(traj)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--one", help=argparse.SUPPRESS)  # child: run this mode once
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.n, args.one, args.workdir)))
        return
    modes = args.modes.split(",")
    figures: dict[str, list[dict]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as workdir:
        for number in range(args.rounds):
            turn = modes[number % len(modes):] + modes[:number % len(modes)]
            for mode in turn:
                out = subprocess.run([sys.executable, __file__, str(args.n), "--one", mode,
                                      "--workdir", workdir], capture_output=True, text=True,
                                     check=True)
                record = json.loads(out.stdout.strip().splitlines()[-1])
                figures[mode].append(record)
                print(json.dumps({"round": number, **record}), flush=True)
    serial = statistics.median(r["run_s"] for r in figures["serial"]) \
        if "serial" in figures else None
    summary = {}
    for mode, records in figures.items():
        seconds = statistics.median(r["run_s"] for r in records)
        summary[mode] = {"run_s": round(seconds, 3),
                         "bytes_per_run": round(records[-1]["bytes_per_run"], 1),
                         "vs_serial": round(seconds / serial, 2) if serial else None}
    print(json.dumps({"bench": "parallel_defaults", "n": args.n, "rounds": args.rounds,
                      "cpus": os.cpu_count(), "summary": summary}))


if __name__ == "__main__":
    main()
