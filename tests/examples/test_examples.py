"""Every script in examples/ runs to completion and prints what it claims."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("example_*.py"))

#: Lines (or parts of lines) that must appear in an example's output.
EXPECTED_OUTPUT: dict[str, list[str]] = {
    "example_01_first_steps.py": [
        "6 runs",
        "returned by the runs: [3.0, 4.0, 5.0, 6.0, 8.0, 10.0]",
        "example_01.hdf5",
        "loaded 'first_steps' (a tiny grid search): 6 runs",
        "run_00000005    2.0   5.0   10.0",
        "the first result is results.runs.run_00000000.z (the product of x and y)",
        "5    2.0  5.0  10.0       True",
        "sum of all products: 36.0",
    ],
    "example_02_trajectory_access.py": [
        "traj.nhouses                  = 300",
        "traj.speed -> NotUniqueNodeError",
        "traj.town.speed               = 30.0",
        "without fast access: Parameter parameters.town.nhouses",
        "traj.mean_age = 41.5",
        "households: 480",
        "traj.vars.name = access_demo",
        "children of parameters: ['town', 'traffic']",
        "after f_empty: Result results.census.people",
        "empty: True",
        "after f_load_item: [('households', 480), ('people', 1200)]",
        "stored later: results.census.children",
        "loaded skeleton: ncars is empty: True | results loaded: False",
        "auto-loaded: again.ncars = 42",
        "auto-loaded: again.results.census.children = 310",
        "auto-loaded: households = 480",
    ],
    "example_08_f_find_idx.py": [
        "12 runs",
        "runs with even x and y > 5: [4, 5, 10, 11]",
        "runs with x == 3: [6, 7, 8]",
        "idx 10 = run_00000010: x=4, y=6, product=240",
        "after v_idx = -1: v_crun = None",
    ],
    "example_09_large_results.py": [
        "4 runs stored in",
        "after the skeleton load, empty: [True, True, True, True]",
        "loaded results.runs.run_00000002.activity: items ['spikes'], spikes (50000,)",
        "other runs still empty: [True, True, True]",
        "loaded the rest: items ['spikes', 'trace'], trace (100, 2000)",
        "stats of run 2 (a DataFrame): (100, 3)",
        "3      2.0         2.0",
    ],
    "example_10_get_items_from_all_runs.py": [
        "25 runs over a 5 x 5 grid",
        "first entries: [('run_00000000', 0.162), ('run_00000001', 0.273)]",
        "x=+0.0     0.396   0.765   1.000   0.793   0.340",
        "highest z = 1.000 in run_00000012 at x=0.0, y=0.0",
        "runs with z > 0.5: 9",
        "mean z per x: {-2.0: 0.242, -1.0: 0.513, 0.0: 0.659, 1.0: 0.513, 2.0: 0.242}",
    ],
    "example_15_more_ways_to_add_data.py": [
        "parameters.w ",
        "parameters.physics.mass ",
        "parameters.physics.springs.stiffness ",
        "results.summary ",
        "lazily added: Parameter parameters.u",
        "lazily added: Result results.answer: answer=42",
        "traj.mylink = 1.5 | same object: True",
        "traj.results.physics_link.mass = 0.5",
    ],
    "example_22_psweep_workflow.py": [
        "first study: 6 runs",
        "a dry run of the larger grid would run: [{'a': 4, 'b': 88, 'state': 'new'}, "
        "{'a': 4, 'b': 99, 'state': 'new'}]",
        "extended study: 2 new runs",
        "every point once: True",
        "runs per run of the script (psweep _run_id): [2, 6]",
    ],
    "example_23_coma_workflow.py": [
        "first run (measured, defined): (60, 60)",
        "second run (measured, defined): (0, 60)",
        "theta_0 = -60.0: table (20, 3), largest gap exact - small angle 0.073 s",
    ],
    "example_03_trajectory_merging.py": [
        "before: ana has 4 runs, ben has 4 runs",
        "after the merge: ana has 6 runs",
        "5    0.05     20  265.33",
        "merged from ben - 2 runs merged, 4 runs before",
    ],
    "example_30_shards.py": [
        "4 shards of [4, 4, 4, 3] runs, one file each, the first:",
        "merged: 15 runs in",
        "runs in the order of the whole grid: True",
    ],
    "example_24_sumatra_workflow.py": [
        "0   first look     2          2       0",
        "1  finer rates     4          4       0",
        "distinct names: True",
        "  comment  finer rates",
        "parameters.rate  explored, 4 runs, 4 distinct values: 0.05, 0.1, 0.15, 0.2",
    ],
    "example_25_ini_experiment.py": [
        "from the file: ini_experiment | x = 1.0 | y = 2.0 (the second factor) | seed = 42",
        "returned: [(0, 200.0), (1, 400.0), (2, 600.0)]",
        "stored products: [200.0, 400.0, 600.0]",
        "trajectory stored in hdf5/ini_experiment.hdf5",
        "3 printed lines in the log below $temp, the first: x=1.0 y=2.0 -> 200.0",
    ],
    "example_26_provenance.py": [
        "pypet committed: try RATE = 0.2 -- Trajectory: `rates`, Time: `",
        "Comment: `a faster rate`",
        "environment hexsha is the commit: True",
        "dirty=True",
        "host and user known: True",
        "rates.hdf5",
        "git_fail=True refused: Found uncommitted changes in the git repository",
    ],
    "example_27_logging.py": [
        "main process files: ['ERROR.txt', 'LOG.txt']",
        "per-run files: 3 e.g. ['run', '00000000']",
        "run 0 printed: run 0: x = 1",
        "the main LOG.txt has the experiment: True",
    ],
    "example_31_pypet07_files.py": [
        "loaded 'fixture' written by pypet 0.7.0: 2 runs",
        "run 1: i = 2, z = 4, dp = 2.5, many.d = {'a': 2, 'b': 'x'}",
        "writing into the old file is refused",
        "migrated: ['fixture', 'second'] into migrated.hdf5",
        "the migrated file shows the same table: True",
    ],
    "example_18_many_runs.py": [
        "20000 runs in ",
        " µs per run",
        "n = 12346 takes 112 steps",
        "runs with results in memory: ['run_00012345']",
        "run table read with h5py + pandas:",  # h5py comes with the test extras
        "longest: n = 17647 needs 278 steps (run 17646)",
    ],
    "example_28_crash_and_resume.py": [
        "the sweep was killed: exit code -9",
        "runs finished before the crash: [0, 1, 2, 3, 4, 5, 6]",
        "resume returned 12 results; run 7: (7, 49.5)",
        "every run completed: True",
        "z of runs 5..8: [25.5, 36.5, 49.5, 64.5]",
        "the resume folder is gone: True",
    ],
    "example_29_failed_runs.py": [
        "finished runs: [0, 2, 4]",
        "run 1 failed: ZeroDivisionError: float division by zero",
        "completed: [True, False, True, False, True]",
        "re-ran only: [1, 3]",
        "all completed now: True",
    ],
    "example_32_memory_backend.py": [
        "results: [(0, 1.0), (1, 4.0), (2, 9.0)]",
        "stored trajectories: ['in_memory'] in <memory>",
        "loaded back: {'run_00000000': 1.0, 'run_00000001': 4.0, 'run_00000002': 9.0}",
        "the counting backend 'demo' saw 2 runs",
        "refused: multiproc must be True or False, got 'yes'",
    ],
    "example_33_dying_worker.py": [
        "finished runs: [0, 1, 2, 4, 5]",
        "attempts per run: [1, 1, 2, 3, 1, 1]",
        "run 3 failed: True",
        "why: RunDiedError: Run 3 (run_00000003) was given up: its process died on all 3 "
        "attempts (max_retries=2). Cause: SIGABRT (-6)",
        "completed: [True, True, True, False, True, True]",
    ],
}

#: A path ending in .hdf5 in an example's output (examples print where their file is).
HDF5_PATH = re.compile(r"[^\s,:()'\"]+\.hdf5")


def run_example(script: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``script`` with this interpreter in ``cwd``, importing pypet from this checkout.

    Temporary folders (``tempfile.mkdtemp``) are created below ``cwd/tmp``, so everything
    an example writes stays inside ``cwd``.
    """
    env = dict(os.environ)
    (cwd / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(cwd / "tmp")
    # Test the checked-out code even if another copy of pypet is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"  # examples that plot must not open windows
    return subprocess.run(
        [sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_examples_were_found():
    """The examples folder holds the numbered scripts this module checks."""
    names = {script.name for script in EXAMPLES}
    assert set(EXPECTED_OUTPUT) <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script: Path, tmp_path: Path):
    """The example exits with 0 when run in a scratch directory and prints what it claims."""
    before = hdf5_files_in_repo()
    proc = run_example(script, tmp_path)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout}\n{proc.stderr}"
    for expected in EXPECTED_OUTPUT.get(script.name, []):
        assert expected in proc.stdout, f"{expected!r} missing from the output:\n{proc.stdout}"
    # Files go below the working directory or a temporary folder, never into the repository.
    for printed in HDF5_PATH.findall(proc.stdout):
        assert (tmp_path / printed).resolve().is_relative_to(tmp_path.resolve()), printed
        assert (tmp_path / printed).is_file(), f"{printed} was printed but not written"
    assert hdf5_files_in_repo() <= before, "the example wrote an HDF5 file into the repository"


def hdf5_files_in_repo() -> set[Path]:
    """HDF5 files in the places an example might write to by mistake."""
    return {p for folder in (REPO, REPO / "examples", REPO / "hdf5") for p in folder.glob("*.hdf5")}
