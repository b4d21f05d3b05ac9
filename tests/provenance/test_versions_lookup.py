"""The package versions pypet records are read from the installed distributions' folder
names in one scan, and equal what importlib.metadata reports."""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile
from pathlib import Path

import pytest

from pypet.provenance import versions


def test_scan_equals_importlib_metadata() -> None:
    """Every recorded package has the version importlib.metadata finds (or N/A for both)."""
    wanted = {versions._normalized(d) for d in versions._PACKAGES.values()}
    scanned = versions._installed(wanted)
    assert scanned is not None  # this virtualenv holds plain dist-info folders
    for distribution in versions._PACKAGES.values():
        try:
            expected = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            expected = "N/A"
        assert scanned.get(versions._normalized(distribution), "N/A") == expected


def test_zip_on_the_path_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip file on ``sys.path`` may hold distributions: the scan defers to importlib."""
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("numpy-0.0.1.dist-info/METADATA", "Name: numpy\nVersion: 0.0.1\n")
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    assert versions._installed({"numpy"}) is None


def test_first_path_entry_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for imports, the first folder on ``sys.path`` that has the distribution counts."""
    (tmp_path / "Numpy-9.9.9.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert versions._installed({"numpy"}) == {"numpy": "9.9.9"}
