"""Files written by pypet 0.7: load them with pypet 0.7 and with ours, migrate, compare.

    .venv/bin/python benchmarks/bench_pypet07_files.py [N_RUNS] [--orig /tmp/pypet-orig/bin/python]

Writes (once, cached in the temp folder) a trajectory of N_RUNS runs with pypet 0.7 itself
(``tests/data/make_pypet07_fixtures.py``), then measures loading it completely with pypet
0.7 and with ours, checks that every value we load equals pypet 0.7's, migrates the file
into our format (``pypet.migrate_pypet07_file``), checks the migrated file the same way and
that both give the same ``f_to_dataframe()``. Prints a markdown table; exits 1 on a mismatch.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_ORIG_LOAD = """
import sys, time
from pypet import load_trajectory
start = time.perf_counter()
load_trajectory(name='fixture', filename=sys.argv[1], load_all=2)
print(time.perf_counter() - start)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=1000)
    parser.add_argument("--orig", default="/tmp/pypet-orig/bin/python")
    args = parser.parse_args()
    os.environ["PYPET07_PYTHON"] = args.orig
    from tests.storage.hdf5 import pypet07_compare as compare

    compare.PYPET07_PYTHON = args.orig
    old, expected = compare.pypet07_file(args.runs)
    orig_load = float(subprocess.run([args.orig, "-c", _ORIG_LOAD, str(old)], check=True,
                                     capture_output=True, text=True,
                                     cwd=tempfile.gettempdir()).stdout.split()[-1])
    from pypet import load_trajectory, migrate_pypet07_file

    start = time.perf_counter()
    ours = load_trajectory(name="fixture", filename=str(old), load_all=2)
    ours_load = time.perf_counter() - start
    problems = compare.differences(ours, expected["fixture"], skip="config.hdf5")
    with tempfile.TemporaryDirectory() as scratch:
        new = Path(scratch) / "migrated.hdf5"
        start = time.perf_counter()
        migrate_pypet07_file(old, new)
        migrate_time = time.perf_counter() - start
        start = time.perf_counter()
        migrated = load_trajectory(name="fixture", filename=str(new), load_all=2)
        migrated_load = time.perf_counter() - start
        problems += compare.differences(migrated, expected["fixture"], skip="config.hdf5")
        before, after = ours.f_to_dataframe(), migrated.f_to_dataframe()
        same_frame = list(before.columns) == list(after.columns) and all(
            compare.same(x, y) for col in before.columns
            for x, y in zip(before[col], after[col], strict=True))
        new_size = new.stat().st_size
    print(f"| {args.runs} runs, file of {old.stat().st_size / 1e6:.1f} MB | seconds |")
    print("|---|---|")
    print(f"| pypet 0.7 loads it (load_data=2) | {orig_load:.2f} |")
    print(f"| ours loads it | {ours_load:.2f} |")
    print(f"| ours migrates it (file of {new_size / 1e6:.1f} MB) | {migrate_time:.2f} |")
    print(f"| ours loads the migrated file | {migrated_load:.2f} |")
    print(f"\nvalues equal to pypet 0.7's: {not problems}; same f_to_dataframe(): {same_frame}")
    for problem in problems[:20]:
        print("  ", problem)
    return 0 if not problems and same_frame else 1


if __name__ == "__main__":
    sys.exit(main())
