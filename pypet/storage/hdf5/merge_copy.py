"""Copying another trajectory's stored data into a trajectory of an open file (merging).

Run results kept in the run table move as whole column blocks (one read and one write per
column, whatever the number of runs). Everything stored as nodes is walked once: a run group
(``run_XXXXXXXX``, or a user wildcard's name) is copied with HDF5's node copy under its new
name (by HDF5's object copy, :mod:`.node_copy`), and the soft links inside it are pointed at
their renamed targets; outside runs, what the target lacks is copied and what it has is left
alone. With ``slow`` the data go through
Python values (read as records, written as records) instead of node copies.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import tables

from pypet import constants as C
from pypet.runnames import run_index_of
from pypet.storage.hdf5.layout import BUCKET_PREFIX, NODE, RUNS, hdf5_path, tree_name
from pypet.storage.hdf5.node_copy import CopyJob
from pypet.storage.hdf5.node_reader import NodeReader
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.hdf5.run_results_reader import RunResultsReader
from pypet.storage.hdf5.run_templates import name_from_template, template_of
from pypet.storage.hdf5.storing import TrajectoryFile, write_records
from pypet.storage.merging import MergeRequest, MergeStats, RunRenamer
from pypet.storage.modes import StoreMode
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord

__all__ = ["copy_trajectory_data"]

_log = logging.getLogger("pypet.storage.merge")

_DUMMIES = frozenset({C.RUN_NAME_DUMMY, C.SET_NAME_DUMMY})


def copy_trajectory_data(target: TrajectoryFile, other: tables.Group, request: MergeRequest,
                         new_length: int) -> tuple[MergeStats, list[CopyJob], Any]:
    """Copy ``other`` (a trajectory group, maybe in another file) into ``target``.

    Returns the statistics, the node copies still to do (:func:`.node_copy.copy_trees`, after
    the PyTables file is closed) and the function that renames their links' targets.
    """
    stats = MergeStats()
    target.columns.ensure_length(new_length)
    _copy_columns(target, other, request, stats)
    _copy_failures(target, other, request.renamer)
    copier = _TreeCopier(target, other, request, stats)
    copier.run()
    for old, new in request.copies:
        copier.copy_named(old, new)
    for link in request.links:
        target.writer.write_link(link)
        stats.links += 1
    target.columns.flush()
    return stats, copier.jobs, copier.retarget


# --- the run table ---------------------------------------------------------------------------
def _copy_columns(target: TrajectoryFile, other: tables.Group, request: MergeRequest,
                  stats: MergeStats) -> None:
    renamer = request.renamer
    if not len(renamer):
        return
    source = RunResultsReader.of(other)
    columns = target.columns
    stats.rows = len(renamer)
    for template, (class_name, comment, items) in source.templates.items():
        new_template = renamer.rename(template)
        if new_template is None or _ignored(template, request.ignore) \
                or template.partition(".")[0] in request.skip_branches:
            continue
        present, values, cells = source.read_block(template, renamer.used)
        present &= ~_ignored_rows(template, renamer.used, request.ignore)
        if not present.any():
            continue
        if not request.slow and columns.write_block(
                new_template, class_name, comment, items, cells, renamer.start, present, values):
            continue
        # The target stores this leaf differently (class, comment or types): its runs go in
        # as records, into the columns where they fit and as nodes where they do not.
        if not request.slow:
            stats.fallback_templates.append(template)
        rows = renamer.used[present]
        records = (LeafRecord(name_from_template(new_template, _kept(renamer, idx)),
                              class_name, comment, None, data)
                   for idx, data in source.read_runs(template, rows.tolist()))
        write_records(target, records, StoreMode.DATA)


def _copy_failures(target: TrajectoryFile, other: tables.Group, renamer: RunRenamer) -> None:
    """Carry the failure log entries (error, traceback) of merged runs, renumbered."""
    log = get_child(other._v_children[RUNS.OVERVIEW], RUNS.FAILURES)
    if log is None or not log.nrows:
        return
    entries = []
    for row in log.read():
        entry = json.loads(bytes(row).decode("utf8"))
        new = renamer.new_index(int(entry["idx"]))
        if new is not None:
            entries.append(json.dumps({**entry, "idx": new}).encode("utf8"))
    if not entries:
        return
    overview = target.group._v_children[RUNS.OVERVIEW]
    mine = get_child(overview, RUNS.FAILURES)
    if mine is None:
        mine = target.h5.create_vlarray(overview, RUNS.FAILURES, tables.VLStringAtom(),
                                        filters=None)
    for entry in entries:
        mine.append(entry)


def _ignored(name: str, ignore: frozenset[str]) -> bool:
    """Whether ``name`` or a group above it is ignored."""
    if not ignore:
        return False
    parts = name.split(".")
    return any(".".join(parts[:i]) in ignore for i in range(1, len(parts) + 1))


def _kept(renamer: RunRenamer, idx: int) -> int:
    """The target index of a run the merge keeps."""
    new = renamer.new_index(idx)
    assert new is not None, idx  # rows are taken from the kept runs only
    return new


def _ignored_rows(template: str, used: np.ndarray, ignore: frozenset[str]) -> np.ndarray:
    """Rows (positions in ``used``) of ``template`` that an ignored run-scoped name names."""
    mask = np.zeros(len(used), dtype=bool)
    for name in ignore:
        idx, named = run_index_of(name), template_of(name)
        if idx is None or named is None:
            continue
        if template == named or template.startswith(named + "."):
            pos = np.searchsorted(used, idx)
            if pos < len(used) and used[pos] == idx:
                mask[pos] = True
    return mask


# --- nodes -------------------------------------------------------------------------------------
class _TreeCopier:
    """One walk over the other trajectory's nodes (run table and skipped branches aside)."""

    def __init__(self, target: TrajectoryFile, other: tables.Group, request: MergeRequest,
                 stats: MergeStats) -> None:
        self.target, self.other, self.request, self.stats = target, other, request, stats
        self.renamer: RunRenamer = request.renamer
        self.reader = NodeReader(other)
        self.writer = target.writer
        self.h5 = target.h5
        self.move = request.move and other._v_file is target.h5
        self.jobs: list[CopyJob] = []
        self._other_prefix = other._v_pathname + "/"
        self._target_prefix = target.group._v_pathname

    def run(self) -> None:
        for name, child in list(self.other._v_children.items()):
            if name == RUNS.OVERVIEW or name in self.request.skip_branches:
                continue
            self._visit(child, [name], in_run=False)

    def _visit(self, node: tables.Node, parts: list[str], in_run: bool) -> None:
        """Handle ``node`` (tree name ``parts``); ``in_run``: a run component is above."""
        name = parts[-1]
        full_name = ".".join(parts)
        if _ignored(full_name, self.request.ignore):
            return
        is_run = name not in _DUMMIES and self.renamer.is_run_component(name)
        if isinstance(node, tables.link.SoftLink):
            self._link(node, parts)
            return
        if NODE.LEAF in node._v_attrs or not isinstance(node, tables.Group):
            self._leaf(node, parts, in_run or is_run)
            return
        if is_run and not name.startswith(C.SET_NAME):
            self._run_group(node, parts)
            return
        # a plain group, a bucket or a run set: merge its children one by one
        new_parts = parts if not (in_run or is_run) else self.renamer.rename_parts(parts)
        if new_parts is None:
            return
        self._ensure_group(node, new_parts)
        for child_name in list(node._v_children):
            if child_name.startswith(BUCKET_PREFIX):
                self._bucket(node._v_children[child_name], parts, in_run or is_run)
            elif not child_name.startswith("_"):
                self._visit(node._v_children[child_name], [*parts, child_name], in_run or is_run)

    def _bucket(self, bucket: tables.Group, parts: list[str], in_run: bool) -> None:
        """The runs in a bucket: each copied whole by name, without PyTables opening them."""
        children = bucket._v_children
        for run_name in list(children):  # names only: no node objects for thousands of runs
            run_parts = [*parts, run_name]
            if self.request.slow or self.move or not self.renamer.is_run_component(run_name) \
                    or _ignored(".".join(run_parts), self.request.ignore) \
                    or self._ignored_below(run_parts):
                self._visit(children[run_name], run_parts, in_run)
                continue
            new_parts = self.renamer.rename_parts(run_parts)
            if new_parts is None:
                continue
            if self.writer.exists(".".join(new_parts)):  # merge into the existing run group
                self._visit(children[run_name], run_parts, in_run)
                continue
            path = hdf5_path(".".join(new_parts))
            parent = self.writer.group_at(path[:-1])
            self.jobs.append(CopyJob(self.other._v_file.filename,
                                     f"{bucket._v_pathname}/{run_name}",
                                     f"{parent._v_pathname.rstrip('/')}/{path[-1]}"))
            self.stats.run_nodes += 1

    def _ignored_below(self, parts: list[str]) -> bool:
        prefix = ".".join(parts) + "."
        return any(name.startswith(prefix) for name in self.request.ignore)

    # --- the three kinds of nodes ---------------------------------------------------------
    def _run_group(self, node: tables.Group, parts: list[str]) -> None:
        """A run's group: copied whole under its new name (merged if the name is taken)."""
        new_parts = self.renamer.rename_parts(parts)
        if new_parts is None:
            return
        new_name = ".".join(new_parts)
        if self.writer.exists(new_name) or self._ignored_below(parts):
            self._ensure_group(node, new_parts)
            for child_name, child in list(node._v_children.items()):
                if not child_name.startswith("_"):
                    self._visit(child, [*parts, child_name], in_run=True)
            return
        self._copy_node(node, new_parts)
        self.stats.run_nodes += 1

    def _leaf(self, node: tables.Node, parts: list[str], in_run: bool) -> None:
        new_parts = self.renamer.rename_parts(parts) if in_run else parts
        if new_parts is None:
            return
        if self.writer.exists(".".join(new_parts)):
            if not in_run:
                self.stats.skipped.append(".".join(parts))
                _log.info("%s is in the target already; the other trajectory's copy is "
                          "not merged.", ".".join(parts))
            return
        self._copy_node(node, new_parts)
        if in_run:
            self.stats.run_nodes += 1
        else:
            self.stats.nodes += 1

    def _link(self, link: tables.link.SoftLink, parts: list[str]) -> None:
        new_parts = self.renamer.rename_parts(parts)
        target = self._renamed_target(str(link.target))
        if new_parts is None or target is None:
            return
        record = LinkRecord(".".join(new_parts[:-1]), new_parts[-1], target)
        if self.writer.exists(record.full_name):
            return
        self.writer.write_link(record)
        self.stats.links += 1

    # --- helpers --------------------------------------------------------------------------------
    def _ensure_group(self, node: tables.Group, new_parts: list[str]) -> None:
        """Create the group in the target (with the other's comment, class, annotations)."""
        if self.writer.exists(".".join(new_parts)):
            return
        if self.request.slow:
            record = self.reader.read_group(node)
            self.writer.write_group(GroupRecord(".".join(new_parts), record.class_name,
                                                record.comment, record.annotations))
        else:
            group = self.writer.group_at(hdf5_path(".".join(new_parts)))
            node._v_attrs._f_copy(group)
        self.stats.nodes += 1

    def _copy_node(self, node: tables.Node, new_parts: list[str]) -> None:
        """Copy (or move) a leaf or a run group to ``new_parts``; links inside it will point
        at their renamed targets. Copies are queued (:attr:`jobs`) and done by HDF5 itself
        once PyTables has closed the file (:mod:`.node_copy`)."""
        path = hdf5_path(".".join(new_parts))
        parent = self.writer.group_at(path[:-1])
        if self.request.slow:
            self._copy_slowly(node, new_parts)
            return
        target = f"{parent._v_pathname.rstrip('/')}/{path[-1]}"
        if self.move:  # within one file: a rename; only links inside need fixing
            node._f_move(newparent=parent, newname=path[-1])
            self.jobs.append(CopyJob("", "", target, copy=False))
        else:
            self.jobs.append(CopyJob(self.other._v_file.filename, node._v_pathname, target))

    def retarget(self, path: str) -> str | None:
        """Absolute path in the target of a link target path of the other trajectory."""
        name = self._renamed_target(path)
        return None if name is None else "/".join([self._target_prefix, *hdf5_path(name)])

    def _copy_slowly(self, node: tables.Node, new_parts: list[str]) -> None:
        """Read records and write them again (values pass through Python)."""
        base = len(self.reader.full_name(node))
        new_base = ".".join(new_parts)
        items = [("leaf", node)] if NODE.LEAF in node._v_attrs else \
            [("group", node), *self.reader.walk(node)]
        for kind, child in items:
            rest = self.reader.full_name(child)[base:] if child is not node else ""
            name = new_base + rest
            if kind == "leaf":
                leaf = self.reader.read_leaf(child)
                self.writer.write_leaf(LeafRecord(name, leaf.class_name, leaf.comment,
                                                  leaf.annotations, leaf.data),
                                       StoreMode.DATA)
            elif kind == "group":
                group = self.reader.read_group(child)
                self.writer.write_group(GroupRecord(name, group.class_name, group.comment,
                                                    group.annotations))
            else:
                target = self._renamed_target(str(child.target))
                if target is not None:
                    location, _, link_name = name.rpartition(".")
                    self.writer.write_link(LinkRecord(location, link_name, target))

    def copy_named(self, old: str, new: str) -> None:
        """Copy the leaf ``old`` of the other trajectory to ``new`` (if the target lacks it)."""
        node = self.reader.node_at(old)
        if node is None or self.writer.exists(new):
            return
        self._copy_node(node, new.split("."))
        self.stats.nodes += 1

    def _renamed_target(self, path: str) -> str | None:
        """Tree name in the target of a link target path in the other trajectory."""
        if not path.startswith(self._other_prefix):
            return None  # points outside the other trajectory: not ours to carry over
        old = tree_name(path[len(self._other_prefix):].split("/"))
        if _ignored(old, self.request.ignore):
            _log.info("A link to %s is not merged: its target is ignored.", old)
            return None
        new = self.renamer.rename(old)
        if new is None:
            _log.info("A link to %s is not merged: its run is not merged.", old)
        return new
