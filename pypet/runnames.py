"""Run and run-set names (``run_00000042``, ``run_set_00000``), from pypet's constants.

Pure functions of strings and indices, at the bottom of the package: the tree, the storage
backends and logging all name runs the same way without importing one another.
"""

from __future__ import annotations

import re

from pypet import constants as C

__all__ = ["is_run_name", "is_set_name", "run_index_of", "run_name", "set_name"]

_RUN = re.compile(rf"^run_\d{{{C.FORMAT_ZEROS}}}$")
_SET = re.compile(rf"^run_set_\d{{{C.FORMAT_ZEROS_SET}}}$")


def run_name(idx: int) -> str:
    """Return the run name of index ``idx`` (``run_00000042``; ``run_ALL`` for -1)."""
    return C.RUN_NAME_DUMMY if idx < 0 else C.FORMATTED_RUN_NAME % idx


def set_name(idx: int) -> str:
    """Return the run-set name holding run ``idx`` (``run_set_00000``; ``run_set_ALL`` for -1)."""
    return C.SET_NAME_DUMMY if idx < 0 else C.FORMATTED_SET_NAME % (idx // C.RUNS_PER_SET)


def is_run_name(name: str) -> bool:
    """Tell whether ``name`` is a run name or the run dummy ``run_ALL``."""
    return name == C.RUN_NAME_DUMMY or _RUN.match(name) is not None


def is_set_name(name: str) -> bool:
    """Tell whether ``name`` is a run-set name or the dummy ``run_set_ALL``."""
    return name == C.SET_NAME_DUMMY or _SET.match(name) is not None


def run_index_of(full_name: str) -> int | None:
    """Index of the first numbered run (``run_00000007`` → 7) in a dotted name, or None."""
    for part in full_name.split("."):
        if part != C.RUN_NAME_DUMMY and is_run_name(part):
            return int(part[len(C.RUN_NAME):])
    return None
