"""Types are checked: mypy passes on pypet/, the boundaries take no Any, users see types."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: parameters that cross the storage and execution boundaries, never typed Any there
_BOUNDARY_NAMES = {"traj", "trajectory", "service", "payload", "lock", "sink", "settings",
                   "plan"}
_BOUNDARY_PACKAGES = ("storage", "execution", "environment")


def _mypy(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=env)


def test_mypy_passes_on_the_package():
    """`mypy` (configured in pyproject.toml) finds no error in pypet/."""
    pytest.importorskip("mypy")
    result = _mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success")


def test_the_boundaries_take_no_any():
    """No traj/service/payload/lock/sink/settings parameter of storage/execution is Any."""
    found = []
    for package in _BOUNDARY_PACKAGES:
        for path in sorted((ROOT / "pypet" / package).rglob("*.py")):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                for arg in arguments:
                    if arg.arg in _BOUNDARY_NAMES and (
                            arg.annotation is None or ast.unparse(arg.annotation) == "Any"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {arg.arg}")
    assert found == []


def test_users_see_the_lazy_names_typed(tmp_path):
    """A type checker knows pypet.Trajectory and pypet.Environment despite lazy imports."""
    pytest.importorskip("mypy")
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent("""
        import pypet

        traj = pypet.Trajectory("t")
        env = pypet.Environment(trajectory=traj)
        wrong: int = traj
        also_wrong: str = env.trajectory
    """))
    (tmp_path / "mypy.ini").write_text("[mypy]\nignore_missing_imports = True\nfollow_imports = silent\n")
    # MYPYPATH: an editable install is an import hook that mypy does not follow
    result = _mypy("--no-incremental", "--config-file", "mypy.ini", str(script), cwd=tmp_path,
                   env={**os.environ, "MYPYPATH": str(ROOT)})
    assert 'expression has type "Trajectory", variable has type "int"' in result.stdout, \
        result.stdout + result.stderr
    assert 'expression has type "Trajectory", variable has type "str"' in result.stdout
    assert result.stdout.count("error:") == 2, result.stdout
