#!/usr/bin/env python
"""The full kill harness: resumable sweeps SIGKILLed at seeded random moments, resumed, checked.

Every trial runs ``tests/execution/resume_sweep.py`` in its own session, SIGKILLs the
whole process group after a seeded random number of finished runs, resumes (with the same
runner, or another one and another core count), and checks every run's result against the
clean one, that every run is completed, that the file opens, and that no run the journal
held at the kill ran again (see ``tests/execution/kill_harness.py``).

The matrix covers serial, pool+QUEUE, pool+LOCK, forked+LOCK, forked+QUEUE and a Dask
LocalCluster; some trials resume with another runner, some expand the trajectory by
post-processing, and some store 1.6 MB per run so that kills land in HDF5 writes.

Worker trials (``--worker-trials``) kill one process instead of the group: a pool worker or
a run process, or in pool+LOCK the worker holding the lock (a file lock: it writes). The
sweep must finish by itself with every run stored once, only the killed worker's runs run
twice, and journaled runs never again; if the killed writer damaged the file, the sweep
fails loudly and ``resume`` must repair it.

Usage (from the repo root):
    bench_kill_resume.py [--trials 66] [--worker-trials 24] [--seed 7] [--json FILE]
Prints one JSON line per trial and a markdown summary.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.execution.kill_harness import Trial, run_trial  # noqa: E402

MODES = ["serial", "pool-QUEUE", "pool-LOCK", "fork-LOCK", "fork-QUEUE", "dask"]
RESUME_WITH = ["serial", "pool-QUEUE", "fork-LOCK", "pool-LOCK"]
#: the worker kills: (runner, victim)
WORKER_KILLS = [("pool-QUEUE", "worker"), ("pool-LOCK", "worker"), ("fork-LOCK", "worker"),
                ("fork-QUEUE", "worker")]


def make_trials(count: int, seed: int) -> list[Trial]:
    """``count`` trials, the modes in turn; kill moments and variants drawn from ``seed``."""
    rng = random.Random(seed)
    trials = []
    for number in range(count):
        mode = MODES[number % len(MODES)]
        variant = (number // len(MODES)) % 4
        runs = 30
        trial = Trial(mode, runs=runs, kill_after=rng.randint(1, runs - 1),
                      seconds=rng.choice([0.0, 0.005, 0.02]))
        if variant == 1:  # resume with another runner and core count
            trial.resume_mode = rng.choice([m for m in RESUME_WITH if m != mode])
        elif variant == 2:  # post-processing expands by 10 runs; kill before or after
            trial.expand = 10
            trial.kill_after = rng.randint(1, runs + 9)
        elif variant == 3:  # 1.6 MB per run: kills land in HDF5 writes
            trial.size = 200_000
            trial.seconds = 0.05
        trials.append(trial)
    return trials


def make_worker_trials(count: int, seed: int) -> list[Trial]:
    """``count`` trials killing one worker, the runners in turn; every third writes 1.6 MB
    per run."""
    rng = random.Random(seed + 1)
    trials = []
    for number in range(count):
        mode, victim = WORKER_KILLS[number % len(WORKER_KILLS)]
        trial = Trial(mode, runs=30, kill_after=rng.randint(1, 25), victim=victim,
                      seconds=rng.choice([0.005, 0.02]))
        if (number // len(WORKER_KILLS)) % 3 == 2:
            trial.size, trial.seconds = 200_000, 0.05
        trials.append(trial)
    return trials


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=66)
    parser.add_argument("--worker-trials", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default=None, help="also append the JSON lines here")
    parser.add_argument("--only", type=int, nargs="*", help="run only these trial numbers")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="kill-resume-"))
    rows = []
    sink = open(args.json, "a") if args.json else None
    trials = make_trials(args.trials, args.seed) + make_worker_trials(args.worker_trials,
                                                                      args.seed)
    for number, trial in enumerate(trials):
        if args.only and number not in args.only:
            continue
        result = run_trial(base / f"trial{number:03d}", trial)
        row = {"trial": number, "mode": trial.mode, "resume_mode": trial.resume_mode or
               trial.mode, "runs": trial.runs + trial.expand, "kill_after": trial.kill_after,
               "expand": trial.expand, "size": trial.size, "victim": trial.victim,
               "killed": result.killed, "resumed": result.resumed,
               "journaled": len(result.journaled), "recomputed": result.recomputed,
               "rebuilt": result.rebuilt, "ok": result.ok, "problems": result.problems[:3],
               "seconds": round(result.seconds, 2)}
        rows.append(row)
        line = json.dumps(row)
        print(line, flush=True)
        if sink is not None:
            sink.write(line + "\n")
            sink.flush()
    summary: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    workers: dict[tuple[str, str], collections.Counter] = collections.defaultdict(
        collections.Counter)
    for row in rows:
        if row.get("victim", "group") != "group":
            counts = workers[(row["mode"], row["victim"])]
            counts["trials"] += 1
            counts["killed"] += row["killed"]
            counts["ok"] += row["ok"]
            counts["resumed"] += row["resumed"]
            counts["big_writes"] += row["size"] > 64
            counts["recomputed"] += len(row["recomputed"])
            counts["rebuilt"] += row["rebuilt"]
            continue
        counts = summary[row["mode"]]
        counts["trials"] += 1
        counts["killed"] += row["killed"]
        counts["ok"] += row["ok"]
        counts["recomputed"] += len(row["recomputed"])
        counts["rebuilt"] += row["rebuilt"]
        counts["other_runner"] += row["resume_mode"] != row["mode"]
        counts["expanded"] += bool(row["expand"])
        counts["big_writes"] += row["size"] > 64
    print(f"\n{len(rows)} trials, {time.strftime('%Y-%m-%d')}, {platform.node()}, "
          f"{os.cpu_count()} CPUs, seed {args.seed}\n")
    print("| crashed runner | trials | killed | passed | resumed with another runner | "
          "with expansion | 1.6 MB/run | runs recomputed (in flight) | files rebuilt |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode in MODES:
        c = summary[mode]
        print(f"| {mode} | {c['trials']} | {c['killed']} | {c['ok']} | {c['other_runner']} | "
              f"{c['expanded']} | {c['big_writes']} | {c['recomputed']} | {c['rebuilt']} |")
    print("\n| runner | process killed | trials | killed | passed | 1.6 MB/run | "
          "sweep failed, resumed | runs run twice | files rebuilt |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (mode, victim), c in sorted(workers.items()):
        print(f"| {mode} | {victim} | {c['trials']} | {c['killed']} | {c['ok']} | "
              f"{c['big_writes']} | {c['resumed']} | {c['recomputed']} | {c['rebuilt']} |")
    failed = [row for row in rows if not row["ok"]]
    print(f"\nfailed trials: {len(failed)}")
    for row in failed:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
