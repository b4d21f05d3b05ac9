#!/usr/bin/env python
"""Benchmark: the cost of creating an Environment, with and without provenance and logging.

Each case creates N environments in one process (after one warm-up creation that pays the
lazy imports) and reports the median creation time:

* ``none``: ``log_config=None``;
* ``default_files``: ``log_config='DEFAULT'`` (pypet's log files), disabled after each;
* ``ini``: ``config='experiment.ini'`` (keywords, 2 parameters, a config entry);
* ``git``: ``git_repository=`` a clean repository (made by the script; ours only unless the
  interpreter has GitPython).

Usage::

    bench_env_creation.py [--n 30] [--python PY]...   # compare interpreters side by side

With ``--python`` given several times, each interpreter runs the cases in turn (alternating
per case) and a markdown table is printed; without it, one JSON line for this interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

INI = """
[trajectory]
comment = 'bench'
[environment]
report_progress = False
[storage_service]
complevel = 1
[parameters]
x = 1.0, 'first'
y = 2
[config]
seed = 42
"""


def _git_repo(folder: str) -> str | None:
    repo = os.path.join(folder, "repo")
    os.makedirs(repo)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    try:
        for args in (["init", "-q"], ["-c", "user.name=b", "-c", "user.email=b@b", "commit",
                                      "--allow-empty", "-q", "-m", "x"]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return repo


def measure(case: str, n: int) -> dict:
    """Median creation time of ``case`` in this process (one warm-up first)."""
    folder = tempfile.mkdtemp(prefix="pypetbench_env_")
    os.chdir(folder)
    try:
        return _measure(case, n, folder)
    finally:
        os.chdir(tempfile.gettempdir())
        shutil.rmtree(folder, ignore_errors=True)


def _measure(case: str, n: int, folder: str) -> dict:
    import logging

    from pypet import Environment

    kwargs: dict = {"log_config": None}
    if case == "default_files":
        kwargs = {"log_config": "DEFAULT"}
    elif case == "ini":
        with open("experiment.ini", "w") as handle:
            handle.write(INI)
        kwargs = {"config": "experiment.ini", "log_config": None}
    elif case == "git":
        try:
            import git  # noqa: F401
        except ImportError:
            return {"case": case, "skipped": "no GitPython"}
        repo = _git_repo(folder)
        if repo is None:
            return {"case": case, "skipped": "no git program"}
        kwargs = {"log_config": None, "git_repository": repo}
    times = []
    for i in range(n + 1):
        start = time.perf_counter()
        env = Environment(trajectory=f"t{i}", filename=f"f{i}.hdf5", **kwargs)
        elapsed = time.perf_counter() - start
        env.disable_logging()
        if i:  # the first creation pays the lazy imports
            times.append(elapsed)
        else:
            first = elapsed
    logging.shutdown()
    return {"case": case, "median_ms": 1000 * statistics.median(times),
            "first_ms": 1000 * first, "n": n}


def compare(pythons: list[str], n: int) -> None:
    cases = ["none", "default_files", "ini", "git"]
    results: dict[str, dict[str, dict]] = {py: {} for py in pythons}
    for case in cases:
        for py in pythons:  # alternating per case, so machine noise hits all
            out = subprocess.run([py, os.path.abspath(__file__), "--case", case, "--n", str(n)],
                                 capture_output=True, text=True, cwd=tempfile.gettempdir(),
                                 env=dict(os.environ, PYTHONSAFEPATH="1"))
            lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
            results[py][case] = json.loads(lines[-1]) if lines else \
                {"case": case, "skipped": out.stderr.strip().splitlines()[-1:]}
    header = "| case | " + " | ".join(f"{py} median (first)" for py in pythons) + " |"
    print(header)
    print("|" + "---|" * (len(pythons) + 1))
    for case in cases:
        cells = []
        for py in pythons:
            r = results[py][case]
            cells.append(f"{r['median_ms']:.2f} ms ({r['first_ms']:.0f} ms)" if "median_ms" in r
                         else f"– ({r.get('skipped')})")
        print(f"| {case} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--case")
    ap.add_argument("--python", action="append")
    args = ap.parse_args()
    if args.case:
        # keep pypet's console output out of the JSON line
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        result = measure(args.case, args.n)
        os.dup2(saved, 1)
        print(json.dumps(result), flush=True)
        return
    compare(args.python or [sys.executable], args.n)


if __name__ == "__main__":
    main()
