"""pypet 0.7's own example scripts, run unchanged with pypet 0.7 and with ours (issue #8).

Uses ``benchmarks/compare_pypet07_examples.py`` on a few quick core examples; needs pypet's
git mirror and pypet 0.7's interpreter (``PYPET07_PYTHON``), else skipped with the reason.
The full comparison of every core example is that script's job (results in
``benchmarks/README.md``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIRROR = os.environ.get("PYPET_MIRROR", "/work/.mirror/SmokinCaterpillar+pypet/repo")
ORIG = os.environ.get("PYPET07_PYTHON", "/tmp/pypet-orig/bin/python")


@pytest.mark.slow
def test_quick_core_examples_print_as_pypet07(tmp_path):
    """Examples 01, 08, 14 and 15 of pypet 0.7 print what pypet 0.7 prints."""
    if not (Path(MIRROR) / "HEAD").exists() and not (Path(MIRROR) / ".git").exists():
        pytest.skip(f"pypet's git mirror is not at {MIRROR} (set PYPET_MIRROR)")
    if not os.path.exists(ORIG):
        pytest.skip(f"pypet 0.7's interpreter is not at {ORIG} (set PYPET07_PYTHON)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "compare_pypet07_examples.py"),
         "01", "08", "14", "15", "--orig", ORIG, "--ours", sys.executable,
         "--mirror", MIRROR, "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("| yes |") == 4
