#!/usr/bin/env python
"""CPU-bound runs on all cores: serial vs. pool vs. one forked process per run.

N runs that each burn about MS milliseconds of CPU in pure Python and store one scalar.
Prints one JSON line with the wall time of each mode and the speed-up over serial.

Usage: bench_parallel_cpu.py [N=400] [--ms 20] [--ncores 2]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def burn(traj, seconds):
    """Busy-loop for ``seconds`` of CPU time, then store the loop count."""
    end = time.process_time() + seconds
    count = 0
    while time.process_time() < end:
        count += 1
    traj.f_add_result("count", count)
    return count


def one(n: int, ms: float, workdir: str, **kwargs) -> float:
    from pypet import Environment

    env = Environment(trajectory="cpu", filename=os.path.join(workdir, "cpu.hdf5"),
                      overwrite_file=True, log_config=None, report_progress=False, **kwargs)
    env.trajectory.f_add_parameter("i", 0)
    env.trajectory.f_explore({"i": list(range(n))})
    t0 = time.perf_counter()
    env.run(burn, ms / 1000.0)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=400)
    ap.add_argument("--ms", type=float, default=20.0)
    ap.add_argument("--ncores", type=int, default=2)
    args = ap.parse_args()
    workdir = tempfile.mkdtemp()
    modes = {
        "serial": {},
        "pool:QUEUE": dict(multiproc=True, ncores=args.ncores, use_pool=True, wrap_mode="QUEUE"),
        "fork:QUEUE": dict(multiproc=True, ncores=args.ncores, use_pool=False,
                           wrap_mode="QUEUE"),
        "pool:LOCK": dict(multiproc=True, ncores=args.ncores, use_pool=True, wrap_mode="LOCK"),
        "fork:LOCK": dict(multiproc=True, ncores=args.ncores, use_pool=False, wrap_mode="LOCK"),
    }
    out = {"bench": "parallel_cpu", "n": args.n, "ms": args.ms, "ncores": args.ncores,
           "cpus": os.cpu_count()}
    for name, kwargs in modes.items():
        out[f"{name}_s"] = one(args.n, args.ms, workdir, **kwargs)
    for name in modes:
        if name != "serial":
            out[f"{name}_speedup"] = out["serial_s"] / out[f"{name}_s"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
