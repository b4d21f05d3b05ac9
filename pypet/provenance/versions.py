"""Versions of Python, pypet and the packages an experiment used, the host and the user
(``config.environment.<name>.*``).

Looked up once per process: package metadata is read from disk, and every Environment
records the same values.
"""

from __future__ import annotations

import functools
import getpass
import os
import platform
import re
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


def _normalized(name: str) -> str:
    """A distribution name as installers spell it in ``<name>-<version>.dist-info``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed(wanted: set[str]) -> dict[str, str] | None:
    """``{normalized name: version}`` of the ``wanted`` distributions, from the names of the
    ``*.dist-info`` folders on ``sys.path`` (first one wins, as for imports).

    One directory listing per path entry instead of importlib.metadata's search per
    package (a tenth of the start-up of a small experiment). None when a path entry is not
    a plain folder (a zip, an import hook) or a match has no version in its name: only
    importlib.metadata knows those.
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return None  # a zip file may hold distributions
            continue  # nothing there (or an import hook's name, e.g. an editable install's)
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            dist, _, version = stem.partition("-")
            key = _normalized(dist)
            if key in wanted and key not in found:
                if suffix == "egg-info" or not version:
                    return None  # an old-style install: its version lives in the metadata
                found[key] = version
    return found


def _version_of(distribution: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "N/A"


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    found = {"pypet": __version__, "python": sys.version.split()[0]}
    installed = _installed({_normalized(d) for d in _PACKAGES.values()})
    for name, distribution in _PACKAGES.items():
        found[name] = (_version_of(distribution) if installed is None
                       else installed.get(_normalized(distribution), "N/A"))
    # system, node, release, version, machine: the processor field would run ``uname -p``
    # in a subprocess on Linux, and says no more than the machine
    uname = platform.uname()
    found["platform"] = ", ".join([uname.system, uname.node, uname.release, uname.version,
                                   uname.machine])
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
