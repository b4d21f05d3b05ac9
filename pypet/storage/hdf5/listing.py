"""``pypet.list_trajectories(filename)``: one row per study in a file, like Sumatra's ``smt list``.

Only attributes, the run-information columns and a few small config leaves are read (never a
parameter or a result), so listing a file with a million runs takes a fraction of a second and
never unpickles anything.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import tables

from pypet.storage.hdf5 import codec, files, formats, legacy
from pypet.storage.hdf5.layout import RUNS, TRAJ
from pypet.storage.hdf5.ptutil import get_child

__all__ = ["COLUMNS", "list_trajectories", "trajectory_rows"]

#: the columns of :func:`list_trajectories`, in order
COLUMNS = ("name", "format", "time", "comment", "runs", "completed", "failed", "runtime",
           "git_commit", "sumatra_label")


def list_trajectories(filename: str | os.PathLike) -> Any:
    """Return a pandas DataFrame with one row per trajectory in ``filename``, oldest first.

    Columns: ``name``, ``format`` (``'pypet'``, or ``'pypet 0.7'`` for trajectories of the old
    layout, which are listed but not loaded), ``time`` (creation, a UTC timestamp),
    ``comment``, ``runs``, ``completed``, ``failed`` (runs that started and did not complete),
    ``runtime`` (a timedelta: the summed wall time of the environments that ran it),
    ``git_commit`` and ``sumatra_label`` (the newest ones recorded, when git or Sumatra was
    used; else missing).

    Raises
    ------
    pypet.errors.DataNotInStorageError
        The file does not exist.
    pypet.errors.FileFormatError
        The file is not HDF5 or is damaged.
    pypet.errors.UnsafeDataError
        The file holds pickled attributes (see ``doc/file_safety.md``).
    """
    import pandas as pd

    rows = trajectory_rows(os.fspath(filename))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"].astype(float), unit="s", utc=True)
    frame["runtime"] = pd.to_timedelta(frame["runtime"].astype(float), unit="s")
    for column in ("runs", "completed", "failed"):
        frame[column] = frame[column].astype("Int64")
    return frame


def trajectory_rows(filename: str) -> list[dict[str, Any]]:
    """The rows of :func:`list_trajectories` as plain dicts (times as POSIX seconds)."""
    h5 = files.open_file(os.path.abspath(filename), "r")
    try:
        rows = []
        for name, group in h5.root._v_children.items():
            if not isinstance(group, tables.Group):
                continue
            if TRAJ.FORMAT in group._v_attrs:
                rows.append(_ours(name, group))
            elif legacy.is_pypet07(group):
                rows.append(_pypet07(name, group))
        return sorted(rows, key=lambda row: row["time"])
    finally:
        h5.close()


def _ours(name: str, group: tables.Group) -> dict[str, Any]:
    attrs = group._v_attrs
    length = int(attrs[TRAJ.LENGTH])
    table = group._v_children[RUNS.OVERVIEW]._v_children[RUNS.TABLE]._v_children
    completed = table[RUNS.COMPLETED].read()[:length].astype(bool)
    start = table[RUNS.START].read()[:length]
    if "failed" in table:  # a run table that records failures itself
        failed = int(table["failed"].read()[:length].astype(bool).sum())
    else:
        failed = int((np.isfinite(start) & ~completed).sum())
    config = get_child(group, "config")
    return {
        "name": name, "format": formats.FileKind.PYPET.value,
        "time": float(attrs[TRAJ.TIMESTAMP]),
        "comment": str(attrs[TRAJ.COMMENT]) if TRAJ.COMMENT in attrs else "",
        "runs": length, "completed": int(completed.sum()), "failed": failed,
        "runtime": _runtime(config, start, table[RUNS.FINISH].read()[:length]),
        "git_commit": _newest(config, "git", "commit_", "hexsha", "committed_date"),
        "sumatra_label": _newest(config, "sumatra", "record_", "label"),
    }


def _pypet07(name: str, group: tables.Group) -> dict[str, Any]:
    info = group._v_children["overview"]._v_children["info"].read()
    row = info[0] if len(info) else None

    def field(key: str, default: Any = None) -> Any:
        if row is None or key not in info.dtype.names:
            return default
        value = row[key]
        return value.decode("utf8", "replace") if isinstance(value, bytes) else value

    return {"name": name, "format": formats.FileKind.PYPET_07.value,
            "time": float(field("timestamp", np.nan)), "comment": field("comment", ""),
            "runs": int(field("length", 0)), "completed": None, "failed": None,
            "runtime": np.nan, "git_commit": None, "sumatra_label": None}


def _leaf_value(group: Any, name: str) -> Any:
    node = get_child(group, name)
    if node is None or isinstance(node, tables.Group) and "pypet_leaf" not in node._v_attrs:
        return None
    return codec.read_value(node, allow_pickle=False)


def _runtime(config: Any, start: np.ndarray, finish: np.ndarray) -> float:
    """Summed wall time of the environments; the span of the runs if none recorded it."""
    environments = get_child(config, "environment") if config is not None else None
    total, found = 0.0, False
    for env in (environments._v_children.values() if environments is not None else ()):
        begin, end = (_leaf_value(env, key) for key in ("start_timestamp", "finish_timestamp"))
        if isinstance(begin, float) and isinstance(end, float):
            total, found = total + end - begin, True
    if found:
        return total
    done = np.isfinite(start) & np.isfinite(finish)
    return float(finish[done].max() - start[done].min()) if done.any() else np.nan


def _newest(config: Any, branch: str, prefix: str, item: str,
            when: str | None = None) -> str | None:
    """The ``item`` of the newest ``config.<branch>.<prefix>...`` group.

    Newest by the leaf ``when`` if given (git's ``committed_date``), else by name (Sumatra's
    default labels are times); without the ``item`` leaf, the name after ``prefix``.
    """
    group = get_child(config, branch) if config is not None else None
    if group is None:
        return None
    candidates = []
    for name, child in group._v_children.items():
        if name.startswith(prefix) and isinstance(child, tables.Group):
            order = _leaf_value(child, when) if when else None
            candidates.append((order if isinstance(order, (int, float)) else 0, name, child))
    if not candidates:
        return None
    _, name, child = max(candidates, key=lambda c: (c[0], c[1]))
    value = _leaf_value(child, item)
    return str(value) if value is not None else name[len(prefix):]
