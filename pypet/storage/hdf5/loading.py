"""Reading a trajectory (or parts of it) from an open file into a load sink."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import tables

from pypet.runnames import run_index_of
from pypet.storage.hdf5.annotations import read_annotations
from pypet.storage.hdf5.layout import RUNS, TRAJ
from pypet.storage.hdf5.node_reader import NodeReader
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.hdf5.run_results_reader import RunResultsReader
from pypet.storage.hdf5.run_templates import name_from_template
from pypet.storage.modes import LoadMode, LoadModes
from pypet.storage.records import GroupRecord, LeafRecord, RunInfo
from pypet.storage.service import LoadSink

__all__ = ["load_parts", "load_trajectory", "mode_of"]

_META_KEYS = (TRAJ.NAME, TRAJ.TIMESTAMP, TRAJ.TIME, TRAJ.COMMENT, TRAJ.PYPET_VERSION,
              TRAJ.PYTHON)


def mode_of(full_name: str, modes: LoadModes) -> LoadMode:
    """The load mode of a node by its branch."""
    return modes.for_branch(full_name.partition(".")[0])


def read_run_info(group: tables.Group) -> tuple[int, RunInfo]:
    """The run count and the run information (with the errors of failed runs)."""
    overview = group._v_children[RUNS.OVERVIEW]
    table = overview._v_children[RUNS.TABLE]._v_children
    length = int(group._v_attrs[TRAJ.LENGTH])

    def column(key: str, dtype: str) -> np.ndarray:
        node = table[key] if key in table else None
        if node is None:  # written before the column existed
            return np.zeros(length, dtype=dtype)
        values = node.read()[:length]
        if len(values) < length:  # rows of runs added after the last store of the table
            fill = np.nan if np.dtype(dtype).kind == "f" else 0
            values = np.concatenate([values, np.full(length - len(values), fill, dtype)])
        return values

    info = RunInfo(completed=column(RUNS.COMPLETED, "i1"), start=column(RUNS.START, "f8"),
                   finish=column(RUNS.FINISH, "f8"), hexsha=column(RUNS.HEXSHA, "S7"),
                   failed=column(RUNS.FAILED, "i1"))
    if info.failed.any():
        info.errors = read_failures(overview, info.failed)
    return length, info


def read_failures(overview: tables.Group, failed: np.ndarray) -> dict[int, tuple[str, str]]:
    """``{idx: (summary, traceback)}`` of the last recorded failure of each failed run."""
    log = get_child(overview, RUNS.FAILURES)
    errors: dict[int, tuple[str, str]] = {}
    if log is None:
        return errors
    for row in log.read():
        entry = json.loads(bytes(row).decode("utf8"))
        idx = int(entry["idx"])
        if idx < len(failed) and failed[idx]:
            errors[idx] = (str(entry["error"]), str(entry["traceback"]))
    return errors


def explored_names(group: tables.Group) -> list[str]:
    """Full names of the explored parameters."""
    node = get_child(group._v_children[RUNS.OVERVIEW], RUNS.EXPLORED)
    return [] if node is None else [n.decode("utf8") for n in node.read().tolist()]


def load_trajectory(h5: tables.File, group: tables.Group, sink: LoadSink, modes: LoadModes,
                    max_depth: int | None, with_run_information: bool,
                    with_meta_data: bool, allow_pickle: bool = True,
                    skip_runs: bool = False) -> None:
    """Feed the whole trajectory in ``group`` to ``sink`` (``skip_runs``: all but what lies
    inside numbered runs)."""
    attrs = group._v_attrs
    if with_meta_data:
        meta = {key: attrs[key] for key in _META_KEYS if key in attrs}
        meta["annotations"] = read_annotations(attrs)
        sink.meta(meta)
    length, info = read_run_info(group)
    sink.runs(length, info if with_run_information else None)
    sink.explored(explored_names(group))
    reader = NodeReader(group, allow_pickle)
    links = []
    for kind, node in reader.walk(group, max_depth, skip_runs=skip_runs):
        if kind == "link":
            links.append(node)
            continue
        full_name = reader.full_name(node)
        mode = mode_of(full_name, modes)
        if mode == LoadMode.NOTHING:
            continue
        if kind == "group":
            sink.node(reader.read_group(node), mode)
        else:
            sink.node(reader.read_leaf(node, with_data=mode >= LoadMode.DATA), mode)
    columns = RunResultsReader.of(group)
    for template, (class_name, comment, _items) in columns.templates.items():
        if skip_runs:
            break
        mode = mode_of(template, modes)
        if mode == LoadMode.NOTHING:
            continue
        if max_depth is not None and template.count(".") + 1 > max_depth:
            continue
        with_data = mode >= LoadMode.DATA
        if not with_data:  # one call for every run: the tree makes the nodes when needed
            sink.run_leaves(template, class_name, comment, columns.present_rows(template), mode)
            continue
        for idx, items in columns.read_runs(template):
            sink.node(LeafRecord(name_from_template(template, idx), class_name, comment, None,
                                 items if with_data else {}), mode)
    for node in links:
        record = reader.read_link(node)
        if mode_of(record.full_name, modes) == LoadMode.NOTHING:
            continue
        if mode_of(record.target_full_name, modes) == LoadMode.NOTHING or (
                max_depth is not None and record.target_full_name.count(".") >= max_depth):
            # as in pypet: a link whose target was not loaded brings the target's skeleton
            target = reader.node_at(record.target_full_name)
            if target is None:  # a run result kept in the run table
                _load_cells(columns, sink, record.target_full_name, False, None,
                            LoadMode.SKELETON, None, None)
            elif not isinstance(target, tables.link.SoftLink):
                sink.node(_read(reader, target, False, None, None), LoadMode.SKELETON)
        sink.link(record)


def load_parts(h5: tables.File, group: tables.Group, sink: LoadSink, full_names: Sequence[str],
               load_data: LoadMode, recursive: bool, max_depth: int | None, load_only: Any,
               load_except: Any, allow_pickle: bool = True) -> int:
    """Feed the nodes at ``full_names`` (and below, if recursive) to ``sink``."""
    reader = NodeReader(group, allow_pickle)
    found = 0
    with_data = load_data >= LoadMode.DATA
    columns = RunResultsReader.of(group)
    for full_name in full_names:
        node = reader.node_at(full_name)
        if node is not None and not isinstance(node, tables.link.SoftLink):
            found += 1
            if node is not group:
                sink.node(_read(reader, node, with_data, load_only, load_except), load_data)
            if recursive and isinstance(node, tables.Group) and \
                    "pypet_leaf" not in node._v_attrs:
                for kind, child in reader.walk(node, max_depth):
                    if kind == "link":
                        sink.link(reader.read_link(child))
                    else:
                        sink.node(_read(reader, child, with_data, load_only, load_except),
                                  load_data)
        found += _load_cells(columns, sink, full_name, recursive, max_depth, load_data,
                             load_only, load_except)
    return found


def _read(reader: NodeReader, node: tables.Node, with_data: bool, load_only: Any,
          load_except: Any) -> Any:
    if isinstance(node, tables.Group) and "pypet_leaf" not in node._v_attrs:
        return reader.read_group(node)
    return reader.read_leaf(node, with_data, load_only, load_except)


def _below(name: str, full_name: str, recursive: bool, max_depth: int | None) -> bool:
    """Whether the node ``name`` is ``full_name`` or, if recursive, within reach below it."""
    if name == full_name:
        return True
    if not recursive or (full_name and not name.startswith(full_name + ".")):
        return False
    depth = name.count(".") - full_name.count(".") if full_name else name.count(".") + 1
    return max_depth is None or depth <= max_depth


def _load_cells(columns: RunResultsReader, sink: LoadSink, full_name: str, recursive: bool,
                max_depth: int | None, load_data: LoadMode, load_only: Any,
                load_except: Any) -> int:
    """Load run results kept in the run table that lie at or below ``full_name``."""
    idx = run_index_of(full_name)
    indices = None if idx is None else [idx]
    found = 0
    implied = False
    for template, (class_name, comment, _items) in columns.templates.items():
        name = template if indices is None else name_from_template(template, indices[0])
        if not _below(name, full_name, recursive, max_depth):
            if not implied and indices is not None and name.startswith(full_name + ".") and \
                    columns.is_present(template, indices[0]):
                # A run group whose results all live in the table has no HDF5 group of its
                # own; loading it non-recursively still yields the (empty) group.
                sink.node(GroupRecord(full_name, "", "", None), load_data)
                implied = True
                found += 1
            continue
        for idx, items in columns.read_runs(template, indices):
            if load_only is not None:
                items = {k: v for k, v in items.items() if k in load_only}
            if load_except is not None:
                items = {k: v for k, v in items.items() if k not in load_except}
            sink.node(LeafRecord(name_from_template(template, idx), class_name, comment, None,
                                 items if load_data >= LoadMode.DATA else {}), load_data)
            found += 1
    return found
