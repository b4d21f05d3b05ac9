"""Comparing a trajectory we loaded with what pypet 0.7 loaded from the same file.

``expected`` is the plain-value description written by ``tests/data/make_pypet07_fixtures.py``
(pypet 0.7 loading the file itself); :func:`differences` lists every mismatch, and
:func:`pypet07_file` makes bigger files with pypet 0.7 when its interpreter is at hand.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np


def same(a: Any, b: Any) -> bool:
    """Equal values of the very same types (arrays by dtype, shape and content)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a).__name__ == "ObjectTable":
        # cell by cell: pypet 0.7 under pandas 3 turns a loaded ObjectTable's string columns
        # into 'str' columns, ours keeps every column object (what an ObjectTable promises)
        return list(a.columns) == list(b.columns) and a.index.equals(b.index) and all(
            same(x, y) for col in a.columns for x, y in zip(a[col], b[col], strict=True))
    if hasattr(a, "equals"):  # pandas: values, dtypes, index
        return bool(a.equals(b)) and list(a.dtypes if hasattr(a, "columns") else [a.dtype]) \
            == list(b.dtypes if hasattr(b, "columns") else [b.dtype])
    if hasattr(a, "tocsr") and hasattr(a, "nnz"):  # scipy sparse
        return a.format == b.format and a.shape == b.shape and a.dtype == b.dtype and \
            (a != b).nnz == 0
    if isinstance(a, float) and a != a:  # NaN: a missing value on both sides
        return b != b
    return bool(a == b)


def _leaf_state(leaf: Any) -> dict[str, Any]:
    state = {"class": leaf.f_get_class_name(), "comment": leaf.v_comment,
             "annotations": leaf.v_annotations.f_to_dict()}
    if leaf.v_is_parameter:
        state["value"] = None if leaf.f_is_empty() else leaf.f_get_default()
        state["range"] = leaf.f_get_range() if leaf.f_has_range() else None
    else:
        state["items"] = dict(leaf.f_to_dict())
    return state


def _seconds(runtime: str) -> float:
    hours, minutes, seconds = runtime.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def differences(traj: Any, expected: dict[str, Any], skip: str | None = None) -> list[str]:
    """Everything in which ``traj`` differs from pypet 0.7's load (``skip``: a name prefix)."""
    found = []
    for key in ("name", "comment", "length", "timestamp", "time"):
        ours = {"name": traj.v_name, "comment": traj.v_comment, "length": len(traj),
                "timestamp": traj.v_timestamp, "time": traj.v_time}[key]
        if ours != expected[key]:
            found.append(f"{key}: {ours!r} != {expected[key]!r}")
    if sorted(traj.f_get_explored_parameters()) != expected["explored"]:
        found.append(f"explored: {sorted(traj.f_get_explored_parameters())}")
    leaves = {leaf.v_full_name: leaf for leaf in traj.f_iter_leaves(with_links=False)
              if skip is None or not leaf.v_full_name.startswith(skip)}
    wanted = {k: v for k, v in expected["leaves"].items()
              if skip is None or not k.startswith(skip)}
    if sorted(leaves) != sorted(wanted):
        found.append(f"leaves: {sorted(set(leaves) ^ set(wanted))}")
    for name in sorted(set(leaves) & set(wanted)):
        ours, theirs = _leaf_state(leaves[name]), wanted[name]
        for key, value in theirs.items():
            if not same(ours[key], value):
                found.append(f"{name} {key}: {ours[key]!r} != {value!r}")
    groups = {node.v_full_name: node for node in traj.f_iter_nodes(with_links=False)
              if node.v_is_group}
    for name, state in expected["groups"].items():
        if skip is not None and name.startswith(skip):
            continue
        if name not in groups:
            found.append(f"group {name} missing")
        elif groups[name].v_comment != state["comment"] or \
                not same(groups[name].v_annotations.f_to_dict(), state["annotations"]):
            found.append(f"group {name}: comment or annotations differ")
    links = {}
    for group in [traj, *groups.values()]:
        for link, target in group.f_get_links().items():
            links[f"{group.v_full_name}.{link}".lstrip(".")] = target.v_full_name
    if links != expected["links"]:
        found.append(f"links: {links} != {expected['links']}")
    info = traj.f_get_run_information()
    for run, theirs in expected["runs"].items():
        ours = info[run]
        if not theirs["completed"]:  # pypet's placeholders of runs that never ran
            if ours["completed"]:
                found.append(f"{run} completed")
            continue
        for key in ("idx", "completed", "timestamp", "finish_timestamp"):
            if ours[key] != theirs[key]:
                found.append(f"{run} {key}: {ours[key]!r} != {theirs[key]!r}")
        # the runtime is shown from the two timestamps; pypet 0.7 rounded the difference of
        # two datetimes, which can be a microsecond off the float difference
        if abs(_seconds(ours["runtime"]) - _seconds(theirs["runtime"])) > 1.5e-6:
            found.append(f"{run} runtime: {ours['runtime']!r} != {theirs['runtime']!r}")
    return found


#: the pypet 0.7 interpreter that writes the many-run files (its own virtualenv)
PYPET07_PYTHON = os.environ.get("PYPET07_PYTHON", "/tmp/pypet-orig/bin/python")
_SCRIPT = Path(__file__).resolve().parents[2] / "data" / "make_pypet07_fixtures.py"


def pypet07_file(n_runs: int, cache: str | os.PathLike | None = None) -> tuple[Path, dict]:
    """A file of ``n_runs`` runs written by pypet 0.7 and what pypet 0.7 loads from it.

    Made once per script version in ``cache`` (default: a folder in the temp dir), with
    :data:`PYPET07_PYTHON`; raises FileNotFoundError if that interpreter is missing.
    """
    if not os.path.exists(PYPET07_PYTHON):
        raise FileNotFoundError(f"no pypet 0.7 interpreter at {PYPET07_PYTHON}")
    digest = hashlib.sha1(_SCRIPT.read_bytes()).hexdigest()[:10]
    folder = Path(cache or tempfile.gettempdir()) / f"pypet07_{n_runs}_{digest}"
    if not (folder / "fixture_expected.pkl").exists():
        subprocess.run([PYPET07_PYTHON, str(_SCRIPT), str(folder), str(n_runs)], check=True,
                       cwd=tempfile.gettempdir(), capture_output=True)
    with open(folder / "fixture_expected.pkl", "rb") as handle:
        return folder / "fixture.hdf5", pickle.load(handle)
