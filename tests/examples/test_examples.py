"""Every script in examples/ runs to completion and prints what it claims."""

from __future__ import annotations

import os
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
        "run_00000005    2.0   5.0   10.0",
        "the first result is results.runs.run_00000000.z",
        "sum of all products: 36.0",
    ],
    "example_02_trajectory_access.py": [
        "traj.nhouses                  = 300",
        "traj.speed -> NotUniqueNodeError",
        "traj.town.speed               = 30.0",
        "without fast access: <Parameter> parameters.town.nhouses",
        "traj.mean_age = 41.5",
        "households: 480",
        "traj.vars.name = access_demo",
        "children of parameters: ['town', 'traffic']",
        "after f_empty: <Result> results.census.people",
        "empty: True",
    ],
    "example_08_f_find_idx.py": [
        "12 runs",
        "runs with even x and y > 5: [4, 5, 10, 11]",
        "runs with x == 3: [6, 7, 8]",
        "idx 10 = run_00000010: x=4, y=6, product=240",
        "after v_idx = -1: v_crun = None",
    ],
    "example_15_more_ways_to_add_data.py": [
        "parameters.w ",
        "parameters.physics.mass ",
        "parameters.physics.springs.stiffness ",
        "results.summary ",
        "lazily added: <Parameter> parameters.u",
        "lazily added: <Result> results.answer: answer=42",
        "traj.mylink = 1.5 | same object: True",
        "traj.results.physics_link.mass = 0.5",
    ],
}


def run_example(script: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``script`` with this interpreter in ``cwd``, importing pypet from this checkout."""
    env = dict(os.environ)
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
    proc = run_example(script, tmp_path)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout}\n{proc.stderr}"
    for expected in EXPECTED_OUTPUT.get(script.name, []):
        assert expected in proc.stdout, f"{expected!r} missing from the output:\n{proc.stdout}"
