"""Versions of Python, pypet and the packages an experiment used, the host and the user
(``config.environment.<name>.*``).

Looked up once per process: package metadata is read from disk, and every Environment
records the same values.
"""

from __future__ import annotations

import functools
import getpass
import importlib.metadata
import platform
import socket
import sys

from pypet._version import __version__

__all__ = ["host_and_user", "versions"]

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


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    found = {"pypet": __version__, "python": sys.version.split()[0]}
    for name, distribution in _PACKAGES.items():
        found[name] = _version_of(distribution)
    found["platform"] = ", ".join(platform.uname())
    return tuple(found.items())


def versions(**libraries: str) -> dict[str, str]:
    """``{name: version}`` as pypet records them; ``'N/A'`` for missing packages.

    ``libraries`` adds versions only the caller knows (the Environment adds the HDF5
    library of its storage: provenance does not import a storage backend).
    """
    return {**dict(_versions()), **libraries}


@functools.cache
def host_and_user() -> tuple[str, str]:
    """``(host name, user name)`` of this process; ``'N/A'`` where the system has none."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (e.g. some containers)
        user = "N/A"
    return socket.gethostname() or "N/A", user
