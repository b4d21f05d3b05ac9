"""Run pypet 0.7's own example scripts unchanged with pypet 0.7 and with ours; compare output.

    .venv/bin/python benchmarks/compare_pypet07_examples.py [EXAMPLE ...] [--orig PYTHON]
        [--mirror PATH] [--keep DIR]

The examples come from pypet's repository (the git mirror, default
``/work/.mirror/SmokinCaterpillar+pypet/repo``), are written into a scratch folder per
implementation and run there, so each interpreter imports its own installed pypet. Printed output is compared after masking what legitimately differs:
times, durations, paths, hashes, memory addresses, process ids, the wording of error
messages (ours, not pypet's prose) and lines that differ between two runs of pypet 0.7
itself (unseeded random numbers). Prints a markdown
table (exit codes, equal output) and, for differing examples, the first differing lines.
Exits 1 if any example fails on ours where it passes on pypet 0.7, or prints differently.

Only the examples that need nothing beyond pypet's core dependencies are run by default.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: core examples (pypet 0.7's inventory: numpy/pandas/tables/scipy only) and the file to run
CORE = {
    "01": "example_01_first_steps.py",
    "02": "example_02_trajectory_access_and_storage.py",
    "03": "example_03_trajectory_merging.py",
    "04": "example_04_multiprocessing.py",
    "08": "example_08_f_find_idx.py",
    "09": "example_09_large_results.py",
    "12": "example_12_sharing_data_between_processes.py",
    "13": "example_13_post_processing/main.py",
    "13p": "example_13_post_processing/pipeline.py",
    "14": "example_14_links.py",
    "15": "example_15_more_ways_to_add_data.py",
    "16": "example_16_multiproc_context.py",
    "18": "example_18_many_runs.py",
}

_MASKS = [
    # the wording of error messages is ours (pypet's prose is not copied): compare the type
    (re.compile(r"\b(\w+(Error|Exception))\((['\"]).*\3\)"), r"\1(<message>)"),
    (re.compile(r"\d{4}_\d\d_\d\d_\d\dh\d\dm\d\ds"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.\d]*"), "<datetime>"),
    (re.compile(r"\d+:\d\d:\d\d(\.\d+)?"), "<duration>"),
    (re.compile(r"\b\d+(\.\d+)?\s*(s|sec|seconds|ms|µs)\b"), "<seconds>"),
    (re.compile(r"0x[0-9a-fA-F]+"), "<address>"),
    (re.compile(r"\b[0-9a-f]{7,40}\b"), "<hash>"),
    (re.compile(r"(/[\w.+-]*[A-Za-z_][\w.+-]*)+/?"), "<path>"),
    (re.compile(r"\b\d{9,10}\.\d+"), "<timestamp>"),
    (re.compile(r"(Process|pid|PID)[-_ ]?\d+"), r"\1-<n>"),
]


def normalise(text: str) -> list[str]:
    """The output lines with times, paths, hashes and addresses masked."""
    lines = []
    for line in text.splitlines():
        for pattern, replacement in _MASKS:
            line = pattern.sub(replacement, line)
        lines.append(line.rstrip())
    return lines


def extract(mirror: str, target: Path) -> None:
    """Write the mirror's ``examples/`` folder into ``target`` (as a package folder)."""
    archive = subprocess.run(["git", "-C", mirror, "archive", "HEAD", "examples"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def run(python: str, folder: Path, script: str, timeout: int) -> tuple[int, str]:
    # a script's own folder goes on sys.path (example 13's pipeline imports main); the
    # scratch folders hold no pypet package, so each interpreter imports its installed one
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    path = folder / "examples" / script
    try:
        done = subprocess.run([python, path.name], cwd=path.parent, env=env, timeout=timeout,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return -9, "<timeout>"
    return done.returncode, done.stdout + (done.stderr if done.returncode else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", default=list(CORE))
    parser.add_argument("--orig", default="/tmp/pypet-orig/bin/python")
    parser.add_argument("--ours", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--mirror", default="/work/.mirror/SmokinCaterpillar+pypet/repo")
    parser.add_argument("--keep", help="keep the scratch folders here")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="pypet_examples_"))
    folders = {side: scratch / side for side in ("orig", "ours")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
        extract(args.mirror, folder)
    print("| example | pypet 0.7 exit | ours exit | same output |")
    print("|---|---|---|---|")
    failed, report = 0, []
    for key in args.examples:
        script = CORE[key]
        orig_code, orig_out = run(args.orig, folders["orig"], script, args.timeout)
        ours_code, ours_out = run(args.ours, folders["ours"], script, args.timeout)
        a, b = normalise(orig_out), normalise(ours_out)
        # lines that differ between two runs of pypet 0.7 itself (unseeded random numbers)
        # are not compared
        again = normalise(run(args.orig, folders["orig"], script, args.timeout)[1])
        if len(again) == len(a):
            for pos in (i for i, (x, y) in enumerate(zip(a, again, strict=True)) if x != y):
                a[pos] = "<varies between runs>"
                if pos < len(b):
                    b[pos] = "<varies between runs>"
        equal = a == b
        print(f"| {script} | {orig_code} | {ours_code} | {'yes' if equal else 'no'} |")
        if (ours_code != 0 and orig_code == 0) or not equal:
            failed += 1
            diff = list(difflib.unified_diff(a, b, "pypet 0.7", "ours", n=1, lineterm=""))
            report.append((script, diff[:40]))
    for script, diff in report:
        print(f"\n### {script}\n```\n" + "\n".join(diff) + "\n```")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
