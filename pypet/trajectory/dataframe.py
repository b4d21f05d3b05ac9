"""``traj.f_to_dataframe()`` / ``pypet.to_dataframe(traj)``: one row per run."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["to_dataframe"]


def _short_names(full_names: list[str], cut: Any) -> dict[str, str]:
    """Map each full name to its shortest unique suffix (as natural naming would)."""
    short = {name: cut(name) for name in full_names}
    counts: dict[str, int] = {}
    for value in short.values():
        counts[value] = counts.get(value, 0) + 1
    return {name: (value if counts[value] == 1 else name) for name, value in short.items()}


def to_dataframe(traj: Trajectory, results: Any = None, with_run_info: bool = True) -> Any:
    """Return a pandas DataFrame with one row per run.

    Columns: the explored parameters (short names where unique), the run results kept in
    the run table (scalars and small arrays; names like ``z`` or ``grp.q``, with
    ``:item`` for multi-item results), and, with ``with_run_info``, ``completed``,
    ``start``, ``finish`` and ``runtime``. Missing results are ``NaN``/``None``.
    ``results`` restricts the result columns to the given names.
    """
    import pandas as pd

    service = traj._storage_service
    if traj._stored and service is not None and service.capabilities.run_table:
        table = service.read_run_table(traj.v_name)
    else:
        table = _table_from_memory(traj)
    length = table["length"]
    for name, param in traj._explored.items():
        # ranges that fit no column (e.g. with None, or tuples) come from memory if loaded
        if name not in table["columns"] and param.f_has_range() and \
                param.f_get_range_length() == length:
            table["columns"][name] = ("explored", param.f_get_range(copy=False))
    data: dict[str, Any] = {}
    # explored parameters in exploration order, results by name: the same order whether
    # the table comes from the file (HDF5 lists names sorted) or from memory
    order = {name: pos for pos, name in enumerate(table.get("explored", ()))}
    explored = sorted((n for n, (role, _) in table["columns"].items() if role == "explored"),
                      key=lambda n: order.get(n, len(order)))
    for full, short in _short_names(explored, lambda n: n.rpartition(".")[2]).items():
        data[short] = table["columns"][full][1]
    result_cols = sorted(n for n, (role, _) in table["columns"].items() if role == "result")
    items_of = Counter(column.partition(":")[0] for column in result_cols)
    names = _short_names(result_cols, lambda c: _result_label(c, items_of[c.partition(":")[0]]))
    wanted = None if results is None else set([results] if isinstance(results, str)
                                               else results)
    for column in result_cols:
        label = names[column]
        if wanted is not None and label not in wanted and column not in wanted:
            continue
        template = column.partition(":")[0]
        mask = table["present"].get(template, np.ones(length, dtype=bool))
        values = table["columns"][column][1]
        data[label] = [v if present else None for v, present in zip(values, mask, strict=True)]
    if with_run_info:
        for key in ("completed", "start", "finish", "runtime"):
            if key in table["columns"]:
                data[key] = table["columns"][key][1]
        if "completed" in data:
            data["completed"] = np.asarray(data["completed"]).astype(bool)
    frame = pd.DataFrame(data, index=pd.RangeIndex(length, name="idx"))
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(
                lambda v: v is None or isinstance(v, float)).all():
            frame[column] = frame[column].astype(float)
    return frame


def _result_label(column: str, n_items: int = 1) -> str:
    """``results.runs.$.grp.z:item`` → ``grp.z:item`` (the part after the run).

    The ``:item`` part is kept only for leaves with several items: a derived parameter
    ``dp`` (item ``data``) is labelled ``dp``, not ``dp:data``.
    """
    template, _, item = column.partition(":")
    parts = template.split(".")
    label = ".".join(parts[parts.index("$") + 1:]) if "$" in parts else template
    return f"{label}:{item}" if item and n_items > 1 else label


def _table_from_memory(traj: Trajectory) -> dict[str, Any]:
    """The same table built from an in-memory trajectory (never stored)."""
    length = len(traj)
    rt = traj._run_table
    columns: dict[str, tuple[str, Any]] = {
        "completed": ("info", rt.completed), "start": ("info", rt.timestamp),
        "finish": ("info", rt.finish_timestamp),
        "runtime": ("info", rt.finish_timestamp - rt.timestamp),
    }
    for name, param in traj._explored.items():
        columns[name] = ("explored", param.f_get_range(copy=False))
    from pypet.tree.names import run_index_of, run_name

    present: dict[str, np.ndarray] = {}
    for node in traj.f_iter_leaves(with_links=False):
        idx = run_index_of(node.v_full_name)
        if idx is None or node.v_is_parameter:
            continue
        run = run_name(idx)
        template = ".".join("$" if p == run else p for p in node.v_full_name.split("."))
        for item, value in node._store().items():
            column = template if item == node.v_name else f"{template}:{item}"
            values = columns.setdefault(column, ("result", [None] * length))[1]
            values[idx] = value
        present.setdefault(template, np.zeros(length, dtype=bool))[idx] = True
    return {"length": length, "columns": columns, "present": present,
            "explored": list(traj._explored)}
