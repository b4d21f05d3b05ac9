"""The architecture holds: import contracts (DESIGN.md §3, decision 0012), no import side effects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).parent / "lint-imports"
    if not tool.exists():
        pytest.fail(f"lint-imports is missing next to {sys.executable}; pip install -e '.[test]'")
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(tool), "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_are_kept():
    """`lint-imports` finds every contract of pyproject.toml kept."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_wrong_way_import_breaks_a_contract(tmp_path):
    """A backend importing the tree (a copy of the package with one bad line) is caught."""
    shutil.copytree(ROOT / "pypet", tmp_path / "pypet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "pypet" / "storage" / "hdf5" / "layout.py"
    bad.write_text(bad.read_text() + "\nfrom pypet.tree.names import check_name  # noqa\n")
    result = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode != 0
    assert "pypet.storage.hdf5.layout -> pypet.tree.names" in result.stdout


def test_importing_any_module_changes_no_global_state():
    """Importing every pypet module leaves warning filters and logging handlers alone."""
    script = textwrap.dedent("""
        import importlib, logging, pkgutil, warnings
        # third-party libraries set their own filters on import (numpy does); not ours
        import numpy, pandas, scipy.sparse, tables, h5py, psutil, dill
        before = (list(warnings.filters), list(logging.getLogger().handlers),
                  list(logging.getLogger("pypet").handlers), logging.getLogger().level)
        import pypet
        names = [m.name for m in pkgutil.walk_packages(pypet.__path__, "pypet.")
                 if m.name not in ("pypet.__main__", "pypet.storage.testing")]
        for name in names:
            importlib.import_module(name)
        after = (list(warnings.filters), list(logging.getLogger().handlers),
                 list(logging.getLogger("pypet").handlers), logging.getLogger().level)
        assert len(names) > 100, names
        assert before == after, (before, after)
        print("imported", len(names))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")


def test_every_exception_is_defined_in_pypet_errors():
    """pypet.errors is the one home of pypet's exception classes."""
    import importlib
    import pkgutil

    import pypet

    elsewhere = []
    for info in pkgutil.walk_packages(pypet.__path__, "pypet."):
        if info.name in ("pypet.__main__", "pypet.storage.testing"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and \
                    value.__module__ == info.name and info.name != "pypet.errors":
                elsewhere.append(f"{info.name}.{value.__name__}")
    assert elsewhere == []
