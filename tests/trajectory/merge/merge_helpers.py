"""Helpers for merge tests: stored studies run by real Environments into real HDF5 files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pypet import Environment, load_trajectory


def multiply(traj: Any) -> float:
    """A run: a table result, a node result, a run-set result and a link inside the run."""
    z = traj.x * traj.y
    traj.f_add_result("z", z, comment="the product")
    traj.f_add_result("big", np.arange(100) * traj.x)  # too long for the run table: a node
    traj.f_add_result("$set.$.w", traj.x)
    traj.f_add_derived_parameter("twice", 2 * traj.x)
    traj.res.runs.crun.f_add_link("to_big", traj.f_get("results.runs.crun.big"))
    return z


def make_study(path: Path, name: str = "study", explore: dict | None = None,
               run: Callable | None = multiply, extra: Callable | None = None,
               **env_kwargs: Any) -> Any:
    """Run a small study (parameters x, y) into ``path``; return its trajectory."""
    env = Environment(trajectory=name, filename=str(path), log_config=None,
                      report_progress=False, **env_kwargs)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0, comment="first axis")
    traj.f_add_parameter("y", 1.0)
    if extra is not None:
        extra(traj)
    traj.f_explore(explore or {"x": [1.0, 2.0], "y": [3.0, 4.0]})
    if run is not None:
        env.run(run)
    else:
        traj.f_store()
    return traj


def load_all(path: Path, name: str = "study") -> Any:
    """The stored trajectory with all data."""
    return load_trajectory(name=name, filename=str(path), load_all=2)


def points(traj: Any) -> list[tuple]:
    """``(x, y)`` of every run."""
    return list(zip(traj.f_get("x").f_get_range(), traj.f_get("y").f_get_range(), strict=True))


def digest(path: Path) -> str:
    """SHA-1 of a file's bytes."""
    return hashlib.sha1(path.read_bytes()).hexdigest()
