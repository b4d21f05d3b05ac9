#!/usr/bin/env python
"""What resumable=True costs, and what the journal should hold.

``overhead``: the same serial sweep (runs that busy-wait MS milliseconds and store three
small results) with resumable=False and with resumable=True under each fsync policy,
alternating configurations round by round; prints the median wall time of each and its
ratio to resumable=False (of the medians, and of the fastest rounds).

``content``: the per-run cost of the two designs for the journal, on the writer alone
(outcomes made by real single runs): (a) the journal holds the whole outcome and the HDF5
file is written in batches (what pypet does now); (b) the journal holds only a reference
(the run index) and each outcome is written to the HDF5 file and flushed before the run
counts as finished. For small results (three scalars) and a 1 MB array per run.

``append``: what one journal record costs, ``JournalWriter.append`` alone, per fsync
policy, for the outcome of the ``many_small`` workload (one scalar result per run, made by
real single runs) and for three small results. Uses only the writer's stable interface, so
the same script run by another checkout's interpreter (``PYTHONSAFEPATH=1 other/python
bench_resume_overhead.py append``) measures that checkout's journal side by side.

Usage: bench_resume_overhead.py overhead [--ms 1 10] [--reps 5]
       bench_resume_overhead.py content [--runs 400] [--reps 3]
       bench_resume_overhead.py append [--runs 20000] [--reps 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time

import numpy as np


def busy(traj, seconds):
    """Busy-wait ``seconds`` (stands for computing), then store three small results."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    traj.f_add_result("z", traj.x * 2.0)
    traj.f_add_result("label", f"run {traj.v_idx}")
    traj.f_add_result("pair", traj.x, -traj.x)
    return traj.x


def sweep(workdir: str, n: int, ms: float, **kwargs) -> float:
    from pypet import Environment

    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    env = Environment(trajectory="bench", filename=os.path.join(workdir, "b.hdf5"),
                      log_config=None, report_progress=False,
                      resume_folder=os.path.join(workdir, "resume"), **kwargs)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [float(i) for i in range(n)]})
    start = time.perf_counter()
    env.run(busy, ms / 1000.0)
    return time.perf_counter() - start


CONFIGS = {
    "plain": {},
    "resumable(batch)": dict(resumable=True),
    "resumable(never)": dict(resumable=True, resume_fsync="never"),
    "resumable(always)": dict(resumable=True, resume_fsync="always"),
}


def overhead(args: argparse.Namespace) -> None:
    workdir = tempfile.mkdtemp(prefix="bench-resume-")
    for ms in args.ms:
        n = max(100, int(args.seconds * 1000 / ms))
        times: dict[str, list[float]] = {name: [] for name in CONFIGS}
        for rep in range(args.reps):
            names = list(CONFIGS) if rep % 2 == 0 else list(reversed(CONFIGS))
            for name in names:
                times[name].append(sweep(os.path.join(workdir, "w"), n, ms, **CONFIGS[name]))
        base = statistics.median(times["plain"])
        out = {"bench": "resume_overhead", "ms": ms, "runs": n, "reps": args.reps,
               "machine": platform.node(), "cpus": os.cpu_count(),
               "date": time.strftime("%Y-%m-%d")}
        best = min(times["plain"])
        for name, values in times.items():
            out[f"{name}_s"] = round(statistics.median(values), 4)
            out[f"{name}_ratio"] = round(statistics.median(values) / base, 4)
            # the fastest round of each: the least disturbed by other load on the machine
            out[f"{name}_min_ratio"] = round(min(values) / best, 4)
        print(json.dumps(out), flush=True)
    shutil.rmtree(workdir, ignore_errors=True)


def one_scalar(traj):
    """The ``many_small`` run (bench_scaling.py): one scalar result."""
    traj.f_add_result("z", traj.x * 2.0)


def outcomes(workdir: str, n: int, array_bytes: int, run_function=None) -> tuple:
    """A stored trajectory and ``n`` outcomes made by real single runs."""
    from pypet import Trajectory
    from pypet.trajectory.single_run import SingleRun

    traj = Trajectory("content", filename=os.path.join(workdir, "c.hdf5"))
    traj.f_add_parameter("x", 0.0)
    traj.f_explore({"x": [float(i) for i in range(n)]})
    traj.f_store()

    def run(traj):
        if array_bytes:
            traj.f_add_result("data", np.full(array_bytes // 8, traj.x))
        else:
            busy(traj, 0.0)
        return traj.x

    made = [SingleRun(traj, i).execute(run_function or run) for i in range(n)]
    return traj, made


def content(args: argparse.Namespace) -> None:
    from pypet.execution.journal import JournalWriter
    from pypet.storage.records import RunOutcome
    from pypet.storage.run_writer import RunWriter

    for label, size in (("small", 0), ("1MB-array", 1 << 20)):
        designs = ["a:whole-outcome+batched", "b:reference+flush-per-run"]
        results: dict[str, list[float]] = {name: [] for name in designs}
        for _ in range(args.reps):
            for design in designs:
                workdir = tempfile.mkdtemp(prefix="bench-content-")
                traj, made = outcomes(workdir, args.runs, size)
                service = traj.v_storage_service
                journal = JournalWriter(workdir)
                start = time.perf_counter()
                with service.session(traj.v_name):
                    if design.startswith("a"):
                        writer = RunWriter(service, traj.v_name, len(traj), journal=journal)
                        for outcome in made:
                            writer.add(outcome)
                        writer.flush()
                    else:
                        writer = RunWriter(service, traj.v_name, len(traj), max_runs=1)
                        for outcome in made:
                            writer.add(outcome)  # written and flushed at once (batch of 1)
                            journal.append(RunOutcome(outcome.idx, None, outcome.start,
                                                      outcome.finish, True))
                    journal.sync()
                elapsed = time.perf_counter() - start
                journal.close()
                journal_bytes = sum(os.path.getsize(os.path.join(workdir, f))
                                    for f in os.listdir(workdir) if f.endswith(".pjl"))
                results[design].append(elapsed)
                results[design + "_journal_MB"] = [journal_bytes / 1e6]
                shutil.rmtree(workdir, ignore_errors=True)
        out = {"bench": "journal_content", "results": label, "runs": args.runs,
               "machine": platform.node(), "date": time.strftime("%Y-%m-%d")}
        for name, values in results.items():
            if name.endswith("_MB"):
                out[name] = round(values[0], 3)
            else:
                out[f"{name}_us_per_run"] = round(statistics.median(values) / args.runs * 1e6,
                                                  1)
        print(json.dumps(out), flush=True)


def append(args: argparse.Namespace) -> None:
    import pypet
    from pypet.execution.journal import JournalWriter

    policies = {"never": args.runs, "batch": args.runs, "always": min(args.runs, 300)}
    for label, function in (("one scalar", one_scalar), ("three small", None)):
        workdir = tempfile.mkdtemp(prefix="bench-append-")
        made = outcomes(workdir, args.runs, 0, function)[1]
        times: dict[str, list[float]] = {policy: [] for policy in policies}
        for rep in range(args.reps):
            order = list(policies) if rep % 2 == 0 else list(reversed(policies))
            for policy in order:
                folder = os.path.join(workdir, f"journal-{policy}-{rep}")
                os.makedirs(folder)
                batch = made[:policies[policy]]
                writer = JournalWriter(folder, policy)
                start = time.perf_counter()
                for number, outcome in enumerate(batch, 1):
                    writer.append(outcome)
                    if number % 2000 == 0:
                        writer.sync()  # as the RunWriter does after every written batch
                writer.close()  # its last flush included
                times[policy].append((time.perf_counter() - start) / len(batch))
                shutil.rmtree(folder)
        shutil.rmtree(workdir, ignore_errors=True)
        out = {"bench": "journal_append", "outcome": label, "runs": args.runs,
               "reps": args.reps, "pypet": os.path.dirname(pypet.__file__),
               "machine": platform.node(), "date": time.strftime("%Y-%m-%d"),
               "load": round(os.getloadavg()[0], 2)}
        for policy, values in times.items():
            out[f"{policy}_us_min"] = round(min(values) * 1e6, 2)
            out[f"{policy}_us_median"] = round(statistics.median(values) * 1e6, 2)
        print(json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("part", choices=["overhead", "content", "append"])
    parser.add_argument("--ms", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--seconds", type=float, default=3.0, help="sweep length per round")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--runs", type=int, default=None,
                        help="outcomes (content: 400, append: 20000)")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 20000 if args.part == "append" else 400
    {"overhead": overhead, "content": content, "append": append}[args.part](args)


if __name__ == "__main__":
    main()
