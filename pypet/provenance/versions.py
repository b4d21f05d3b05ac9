"""Versions of Python, pypet and the packages an experiment used (``config.environment.*``)."""

from __future__ import annotations

import importlib.metadata
import platform
import sys

from pypet._version import __version__

__all__ = ["versions"]

#: config name -> distribution name
_PACKAGES = {
    "scipy": "scipy",
    "numpy": "numpy",
    "PyTables": "tables",
    "pandas": "pandas",
    "Sumatra": "sumatra",
    "dill": "dill",
    "GitPython": "gitpython",
    "psutil": "psutil",
}


def _version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "N/A"


def versions() -> dict[str, str]:
    """``{name: version}`` as pypet records them; ``'N/A'`` for missing packages."""
    found = {"pypet": __version__, "python": sys.version.split()[0]}
    for name, distribution in _PACKAGES.items():
        found[name] = _version_of(distribution)
    found["platform"] = ", ".join(platform.uname())
    try:
        from pypet.storage.hdf5.library import hdf5_version

        found["HDF5"] = hdf5_version()
    except ImportError:  # pragma: no cover - tables is a hard dependency
        found["HDF5"] = "N/A"
    return found
