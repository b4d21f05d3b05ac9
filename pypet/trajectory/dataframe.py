"""``traj.f_to_dataframe()`` / ``pypet.to_dataframe(traj)``: one row per run, psweep-style.

The run table is the study's database: explored values, run results, the point hash
(psweep's ``_pset_hash``), timing as pandas timestamps, and which environment (psweep's
``_run_id``) ran each run.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pypet.storage.service import RunTableData
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["RETURNED", "short_names", "to_dataframe"]

#: The result that holds a run function's return value when an Environment stores return
#: values (``results.runs.run_XXXXXXXX.returned``): its items become columns named after
#: the items (a returned dict ``{'z': 1}`` gives the column ``z``; a scalar gives
#: ``returned``), as psweep merges what ``func`` returns into the row.
RETURNED = "returned"


def _short_names(full_names: list[str], cut: Any) -> dict[str, str]:
    """Map each full name to its shortest unique suffix (as natural naming would)."""
    short = {name: cut(name) for name in full_names}
    counts: dict[str, int] = {}
    for value in short.values():
        counts[value] = counts.get(value, 0) + 1
    return {name: (value if counts[value] == 1 else name) for name, value in short.items()}


def short_names(full_names: list[str]) -> dict[str, str]:
    """``parameters.grp.x`` → ``x`` where the last part is unique, else the full name."""
    return _short_names(full_names, lambda n: n.rpartition(".")[2])


def to_dataframe(traj: Trajectory, results: Any = None, with_run_info: bool = True,
                 all_parameters: bool = False, point_hash: bool = True) -> Any:
    """Return a pandas DataFrame with one row per run (index ``idx``).

    Parameters
    ----------
    results : str or list of str, optional
        Only these result columns (by label or full name); default: every result kept in
        the run table (scalars and small arrays; labels like ``z`` or ``grp.q``, with
        ``:item`` for multi-item results). Missing results are ``NaN``/``None``.
    with_run_info : bool
        Add ``completed`` (bool), ``start`` and ``finish`` (UTC timestamps), ``runtime``
        (timedelta), ``hexsha`` (short id of the environment that ran the run, psweep's
        ``_run_id``) and ``environment`` (its name, if the config is loaded).
    all_parameters : bool
        Also add the parameters that are not explored (one constant column each), as a
        psweep row holds the whole parameter set.
    point_hash : bool
        Add ``point_hash``: :func:`pypet.hashing.point_hash` of the run's explored values
        (psweep's ``_pset_hash``): equal points have equal hashes, in any file.

    Explored parameters and constants are named by their last part where that is unique.
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
    constants = _constants(traj, explored) if all_parameters else {}
    for full, short in short_names(explored + list(constants)).items():
        data[short] = [constants[full]] * length if full in constants else \
            table["columns"][full][1]
    result_cols = sorted(n for n, (role, _) in table["columns"].items() if role == "result")
    items_of = Counter(column.partition(":")[0] for column in result_cols)
    names = _short_names(result_cols, lambda c: _result_label(c, items_of[c.partition(":")[0]]))
    taken = set(data)
    names = {c: (label if label not in taken else c) for c, label in names.items()}
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
    if point_hash:
        from pypet.hashing import hash_points
        from pypet.hashing import point_hash as hash_one

        points = {name: table["columns"][name][1] for name in explored}
        try:
            data["point_hash"] = hash_points(points) if points else [hash_one({})] * length
        except TypeError as error:  # e.g. explored objects of a PickleParameter
            logging.getLogger("pypet.trajectory").warning("point_hash left empty: %s", error)
            data["point_hash"] = [None] * length
    if with_run_info:
        data.update(_run_info(traj, table, length))
    frame = pd.DataFrame(data, index=pd.RangeIndex(length, name="idx"))
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(
                lambda v: v is None or isinstance(v, float)).all():
            frame[column] = frame[column].astype(float)
    return frame


def _constants(traj: Trajectory, explored: list[str]) -> dict[str, Any]:
    """The values of the parameters that are not explored (loaded from the file if empty).

    A pickled parameter that the storage refuses to load (``allow_pickle=False``) is None.
    """
    from pypet.errors import UnsafeDataError

    values = {}
    for name, param in sorted(traj.f_get_parameters().items()):
        if name in explored or name in traj._explored_names:
            continue
        if param.f_is_empty() and traj._stored:
            try:
                traj.f_load_item(param)
            except UnsafeDataError:
                pass  # left empty: the reader did not allow unpickling
        values[name] = None if param.f_is_empty() else param.f_get()
    return values


def _run_info(traj: Trajectory, table: dict[str, Any], length: int) -> dict[str, Any]:
    """Run information as pandas values: bool, UTC timestamps, timedeltas, environment."""
    import pandas as pd

    columns = table["columns"]
    info: dict[str, Any] = {}
    if "completed" in columns:
        info["completed"] = np.asarray(columns["completed"][1]).astype(bool)
    for key in ("start", "finish"):
        if key in columns:
            info[key] = pd.to_datetime(np.asarray(columns[key][1], dtype=float), unit="s",
                                       utc=True)
    if "start" in info and "finish" in info:
        # derived from the two timestamps, so that finish - start == runtime to the nanosecond
        info["runtime"] = info["finish"] - info["start"]
    elif "runtime" in columns:
        info["runtime"] = pd.to_timedelta(np.asarray(columns["runtime"][1], dtype=float),
                                          unit="s")
    if "hexsha" in columns:
        short = [h.decode() if isinstance(h, bytes) else str(h) for h in columns["hexsha"][1]]
        names = _environment_names(traj)
        info["hexsha"] = short
        info["environment"] = [names.get(h) if h else None for h in short]
    return info


def _environment_names(traj: Trajectory) -> dict[str, str]:
    """Short environment hexsha → environment name, from ``config.environment`` in memory."""
    found = {}
    for name, leaf in traj.f_get_config().items():
        parts = name.split(".")
        if len(parts) == 4 and parts[1] == "environment" and parts[3] == "hexsha" and \
                not leaf.f_is_empty():
            found[str(leaf.f_get())[:7]] = parts[2]
    return found


def _result_label(column: str, n_items: int = 1) -> str:
    """``results.runs.$.grp.z:item`` → ``grp.z:item`` (the part after the run).

    The ``:item`` part is kept only for leaves with several items: a derived parameter
    ``dp`` (item ``data``) is labelled ``dp``, not ``dp:data``. Items of the result that
    holds stored return values (:data:`RETURNED`) are labelled by the item alone.
    """
    template, _, item = column.partition(":")
    parts = template.split(".")
    label = ".".join(parts[parts.index("$") + 1:]) if "$" in parts else template
    if label == RETURNED:
        return item or label
    return f"{label}:{item}" if item and n_items > 1 else label


def _table_from_memory(traj: Trajectory) -> RunTableData:
    """The same table built from an in-memory trajectory (never stored)."""
    length = len(traj)
    rt = traj._run_table
    columns: dict[str, tuple[str, Any]] = {
        "completed": ("info", rt.completed), "start": ("info", rt.timestamp),
        "finish": ("info", rt.finish_timestamp),
        "runtime": ("info", rt.finish_timestamp - rt.timestamp),
        "hexsha": ("info", rt.hexsha),
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
