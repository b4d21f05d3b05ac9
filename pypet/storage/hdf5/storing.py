"""Writing a trajectory image and run outcomes into an open file."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import tables

from pypet.errors import DataNotInStorageError, existing_trajectory_message
from pypet.runnames import run_index_of
from pypet.storage.hdf5 import files
from pypet.storage.hdf5.codec import CODEC_VERSION, CODEC_VERSION_ATTR
from pypet.storage.hdf5.layout import FORMAT_NAME, FORMAT_VERSION, RUNS, TRAJ
from pypet.storage.hdf5.nodes_io import NodeWriter
from pypet.storage.hdf5.overview import OverviewTables
from pypet.storage.hdf5.ptutil import get_child, increasing
from pypet.storage.hdf5.run_columns import RunColumns
from pypet.storage.hdf5.run_templates import in_a_run, plain_template, template_of
from pypet.storage.hdf5.settings import HDF5Settings
from pypet.storage.hdf5.written_info import WrittenInfo
from pypet.storage.modes import NO_OVERWRITE, Overwrite, StoreMode
from pypet.storage.records import (
    PLAIN_RUN_GROUPS,
    GroupRecord,
    LeafRecord,
    LinkRecord,
    Record,
    RunInfo,
    RunOutcome,
    TrajectoryImage,
    plain_leaf,
)

__all__ = ["TrajectoryFile", "write_records"]

#: the groups above the run groups that plain run results imply (bare: made if missing)
_PLAIN_GROUPS = (GroupRecord("results", "", "", None),
                 GroupRecord(PLAIN_RUN_GROUPS, "", "", None))

#: runs stored one by one between two looks at the room left in the overview tables
_ROOM_CHUNK = 256
#: a stretch of runs with plain results only is stored by columns from this many runs on
_MIN_COLUMNS = 64



class TrajectoryFile:
    """One trajectory group in an open file, with its node writer and run table."""

    def __init__(self, h5: tables.File, group: tables.Group, settings: HDF5Settings,
                 length: int, written: WrittenInfo | None = None) -> None:
        self.h5, self.group = h5, group
        filters = settings.filters()
        self.writer = NodeWriter(h5, group, filters)
        self.columns = RunColumns(h5, group, filters, length, written=written)
        self.overview = OverviewTables(h5, group, settings, filters, length)
        if self.overview.active:
            self.writer.on_new_leaf = self.overview.leaf_stored

    def flush(self) -> None:
        """Write what the run table and the overview tables buffered."""
        self.columns.flush()
        self.overview.flush()

    @classmethod
    def create(cls, h5: tables.File, image: TrajectoryImage, settings: HDF5Settings,
               written: WrittenInfo | None = None) -> TrajectoryFile:
        """Create (or reopen) the group of ``image`` and write its metadata (``written``:
        the run-info rows written before, see :class:`RunColumns`)."""
        group = get_child(h5.root, image.name)
        if group is None:
            group = h5.create_group(h5.root, image.name)
        elif not image.is_new:
            files.check_format(group)  # never write into pypet 0.7's (or foreign) groups
        else:
            raise RuntimeError(existing_trajectory_message(h5.filename, image.name))
        attrs = group._v_attrs
        attrs[TRAJ.FORMAT] = FORMAT_NAME
        attrs[TRAJ.VERSION] = FORMAT_VERSION
        attrs[CODEC_VERSION_ATTR] = CODEC_VERSION
        for key, value in image.meta.items():
            attrs[key] = value
        if TRAJ.LENGTH in attrs and int(attrs[TRAJ.LENGTH]) > image.length:
            from pypet.storage.hdf5.run_pruning import prune_runs

            prune_runs(group, image.length)  # shrunk with force: its dropped runs go
            if written is not None:
                written.clear()
        attrs[TRAJ.LENGTH] = image.length
        tfile = cls(h5, group, settings, image.length, written)
        tfile.overview.write_info(image.meta, image.length)
        tfile.overview.write_settings(settings)
        return tfile

    def write_explored(self, image: TrajectoryImage) -> None:
        """Record the explored names and their scalar ranges as run-table columns."""
        overview = self.group._v_children[RUNS.OVERVIEW]
        old = get_child(overview, RUNS.EXPLORED)
        if old is not None:
            self.h5.remove_node(old)
        names = [n.encode("utf8") for n in image.explored_names]
        self.h5.create_array(overview, RUNS.EXPLORED,
                             obj=np.array(names) if names else np.zeros(0, dtype="S1"))
        self.columns.drop_explored(keep=image.explored_names)
        for name, values in image.explored.items():
            self.columns.write_explored(name, values)

    def write_run_info(self, info: RunInfo) -> None:
        """Write the run-info columns of every run."""
        self.columns.write_all_info(np.asarray(info.completed), np.asarray(info.start),
                                    np.asarray(info.finish), np.asarray(info.hexsha),
                                    np.asarray(info.failed))

    def store_runs(self, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Store run outcomes: table cells where they fit, nodes otherwise.

        ``replace`` rewrites items a run already has in the file (a resume replaying a
        journal cannot trust what a killed writer left there).
        """
        self.columns.ensure_length(length)
        self.group._v_attrs[TRAJ.LENGTH] = length
        if replace:
            self._store_each(outcomes, replace=True, cells_only=False)
        else:
            # plain results that fit their cells need nothing else unless they may get an
            # overview row: the first runs of a sweep go run by run while there is room
            # (rooms only shrink), the others by whole columns where they can
            done = 0
            while done < len(outcomes) and self.overview.has_room("results"):
                chunk = outcomes[done:done + _ROOM_CHUNK]
                self._store_each(chunk, replace=False, cells_only=False)
                done += len(chunk)
            rest = outcomes[done:] if done else outcomes
            for start, stop, clean in _stretches(rest):
                part = rest[start:stop] if stop - start < len(rest) else rest
                plain_columns = _plain_columns(part) if clean else None
                if plain_columns is not None:
                    self._store_plain_columns(part, plain_columns)
                else:
                    self._store_each(part, replace=False, cells_only=True)
        self.flush()
        if outcomes:
            self._store_info(outcomes)

    def _store_each(self, outcomes: Sequence[RunOutcome], replace: bool,
                    cells_only: bool) -> None:
        """Store the items of ``outcomes`` run by run (any outcome, any mode)."""
        mode = StoreMode.OVERWRITE if replace else StoreMode.DATA
        plain_groups: set[str] = set()  # written in this batch: bare groups need no rewrite
        last_groups: tuple = ()  # runs of a sweep share their tuple of groups above the run
        add_plain = self.columns.add_plain
        if any(outcome.plain for outcome in outcomes):  # the groups plain results imply
            self._store_groups(_PLAIN_GROUPS, plain_groups, replace)
        for outcome in outcomes:
            groups = outcome.groups
            if groups and groups is not last_groups:
                self._store_groups(groups, plain_groups, replace)
                last_groups = groups
            if outcome.leaves:
                self._store_leaves(outcome.idx, outcome.leaves, mode, replace)
            for link in outcome.links:
                self.writer.write_link(link)
            plain = outcome.plain
            if plain:
                for name, value in plain.items():
                    if not cells_only:
                        self._store_plain(outcome.idx, name, value, mode, replace)
                    elif not add_plain(outcome.idx, name, value):  # e.g. a longer string
                        self._store_plain(outcome.idx, name, value, mode, replace)

    def _store_plain_columns(self, outcomes: Sequence[RunOutcome],
                             plain_columns: dict[str, list[Any]]) -> None:
        """Store a batch whose runs all hold only plain results of the same names, one name
        at a time: what :meth:`_store_each` would do, with whole columns where it can.

        A name's values go into its column at once when its lane is known and every value
        fits it (:meth:`RunColumns.add_plain_many`); otherwise the first run opens the lane
        and the rest are tried at once again, and run by run if that fails too.
        """
        self._store_groups(_PLAIN_GROUPS, set(), False)
        columns = self.columns
        rows = [o.idx for o in outcomes]
        for name, values in plain_columns.items():
            if columns.add_plain_many(rows, name, values):
                continue
            if not columns.add_plain(rows[0], name, values[0]):
                self._store_plain(rows[0], name, values[0], StoreMode.DATA, False)
            if columns.add_plain_many(rows[1:], name, values[1:]):
                continue
            for idx, value in zip(rows[1:], values[1:], strict=True):
                if not columns.add_plain(idx, name, value):  # e.g. a longer string
                    self._store_plain(idx, name, value, StoreMode.DATA, False)

    def _store_groups(self, groups: Sequence[GroupRecord], plain_groups: set[str],
                      replace: bool) -> None:
        for group in groups:
            if group.full_name in plain_groups:
                continue
            if _needs_node(group):
                self.writer.write_group(group, overwrite=replace)
                if not (group.comment or group.annotations or group.class_name):
                    plain_groups.add(group.full_name)

    def _store_leaves(self, idx: int, leaves: Sequence[LeafRecord], mode: StoreMode,
                      replace: bool) -> None:
        columns, writer = self.columns, self.writer
        note = self.overview.leaf_stored if self.overview.active else None
        for leaf in leaves:
            template = template_of(leaf.full_name)
            if template is None or not columns.add(idx, template, leaf):
                if replace and template is not None:
                    columns.remove_if_present(template, idx)
                writer.write_leaf(leaf, mode)
            else:
                if note is not None:
                    note(leaf)
                if replace and writer.exists(leaf.full_name):
                    writer.delete(leaf.full_name, recursive=True)  # now in the table

    def _store_info(self, outcomes: Sequence[RunOutcome]) -> None:
        """The run-info rows of ``outcomes`` (and the failure log of the failed ones)."""
        count = len(outcomes)
        # (comprehensions: faster than map and attrgetter on CPython 3.11)
        errors = [o.error for o in outcomes]
        if errors.count(None) == count:
            failed = np.zeros(count, dtype=np.int8)
        else:
            failed = np.fromiter([e is not None for e in errors], dtype=np.int8, count=count)
            self._log_failures([o for o in outcomes if o.error is not None])
        shas = {o.hexsha for o in outcomes}
        codes = np.full(count, shas.pop()[:7].encode(), dtype="S7") if len(shas) == 1 else \
            np.array([o.hexsha[:7].encode() for o in outcomes], dtype="S7")
        rows = np.fromiter([o.idx for o in outcomes], dtype=np.int64, count=count)
        info = [np.fromiter([o.completed for o in outcomes], dtype=np.int8, count=count),
                np.fromiter([o.start for o in outcomes], dtype=float, count=count),
                np.fromiter([o.finish for o in outcomes], dtype=float, count=count),
                codes, failed]
        if not increasing(rows):  # a pool's runs: sorted, a later one wins
            order = np.argsort(rows, kind="stable")
            rows, info = rows[order], [values[order] for values in info]
        self.columns.write_info(rows, *info)

    def _store_plain(self, idx: int, name: str, value: Any, mode: StoreMode,
                     replace: bool) -> None:
        """Store one :attr:`~RunOutcome.plain` result of run ``idx`` as :meth:`store_runs`
        stores any leaf: a cell if it fits, a node otherwise."""
        leaf = plain_leaf(idx, name, value)
        writer = self.writer
        if self.columns.add_plain(idx, name, value):
            if self.overview.active:
                self.overview.leaf_stored(leaf)
            if replace and writer.exists(leaf.full_name):
                writer.delete(leaf.full_name, recursive=True)  # now in the table
        else:
            if replace:
                self.columns.remove_if_present(plain_template(name), idx)
            writer.write_leaf(leaf, mode)

    def _log_failures(self, outcomes: Sequence[RunOutcome]) -> None:
        """Append one JSON row per failed run to ``overview/failures``."""
        overview = self.group._v_children[RUNS.OVERVIEW]
        log = get_child(overview, RUNS.FAILURES)
        if log is None:
            log = self.h5.create_vlarray(overview, RUNS.FAILURES, tables.VLStringAtom(),
                                         filters=None)
        for outcome in outcomes:
            error = outcome.error
            assert error is not None
            log.append(json.dumps({"idx": outcome.idx, "time": outcome.finish,
                                   "error": error.summary,
                                   "traceback": error.traceback}).encode("utf8"))

    def delete(self, full_name: str, recursive: bool = False,
               delete_only: list[str] | None = None) -> None:
        """Remove a node, or some items of a leaf, whether stored as nodes or as cells.

        A run result kept in the run table is removed by clearing its presence flag; with
        ``delete_only`` the remaining items move out of the table into a node leaf.
        """
        exact = self.columns.matching(full_name, recursive=False)
        below = [c for c in self.columns.matching(full_name, recursive=True) if c not in exact]
        in_file = self.writer.exists(full_name)
        if not (in_file or exact or below):
            raise DataNotInStorageError(
                f"{full_name!r} of trajectory {self.group._v_name!r} is not in the file."
            )
        if below and not recursive:
            raise TypeError(f"{full_name!r} is a group with children; pass recursive=True.")
        if in_file:
            self.writer.delete(full_name, recursive, delete_only)
        for template, idx in exact + below:
            if delete_only and idx is not None:
                (_, items), = self.columns.read_runs(template, [idx]) or [(idx, {})]
                keep = {k: v for k, v in items.items() if k not in delete_only}
                class_name, comment, _ = self.columns.templates[template]
                self.columns.remove(template, idx)
                if keep:
                    self.writer.write_leaf(LeafRecord(full_name, class_name, comment, None, keep))
            elif not delete_only:
                self.columns.remove(template, idx)


def write_records(tfile: TrajectoryFile, records: Iterable[Record], store_data: StoreMode,
                  overwrite: Overwrite = NO_OVERWRITE) -> None:
    """Write group/leaf/link records in order (links last, so their targets exist)."""
    links = []
    for record in records:
        if isinstance(record, LeafRecord):
            if not _into_table(tfile, record, store_data, overwrite):
                tfile.writer.write_leaf(record, store_data, overwrite)
        elif isinstance(record, GroupRecord):
            if _needs_node(record):
                tfile.writer.write_group(record, overwrite=store_data == StoreMode.OVERWRITE)
        elif isinstance(record, LinkRecord):
            links.append(record)
    for link in links:
        tfile.writer.write_link(link)
    tfile.flush()


def _stretches(outcomes: Sequence[RunOutcome]) -> list[tuple[int, int, bool]]:
    """Split ``outcomes`` into ``(start, stop, clean)``: clean stretches of at least
    ``_MIN_COLUMNS`` runs without leaf, group or link records, and the rest between them.

    Runs whose results travel as records (a comment set in the run, a first run that
    checks its names) split a batch; the plain runs around them still go by columns.
    """
    count = len(outcomes)
    # (a comprehension: faster than map and attrgetter on CPython 3.11)
    with_records = [i for i, o in enumerate(outcomes) if o.leaves or o.groups or o.links]
    if not with_records:
        return [(0, count, True)] if count else []
    stretches: list[tuple[int, int, bool]] = []
    start = 0  # where the stretch that is not clean began
    clean_from = 0  # where the clean runs before ``idx`` began
    for idx in [*with_records, count]:
        if idx - clean_from >= _MIN_COLUMNS:
            if clean_from > start:
                stretches.append((start, clean_from, False))
            stretches.append((clean_from, idx, True))
            start = idx
        clean_from = idx + 1
    if start < count:
        stretches.append((start, count, False))
    return stretches


def _plain_columns(outcomes: Sequence[RunOutcome]) -> dict[str, list[Any]] | None:
    """``{name: [value of each run]}`` if every run of ``outcomes`` (runs without leaf,
    group or link records) holds plain results of the same names, else None."""
    plains = [o.plain or {} for o in outcomes]
    first = plains[0]
    if not first or len(set(map(len, plains))) != 1:
        return None
    try:  # same sizes and every name in every run: the same names
        return {name: [plain[name] for plain in plains] for name in first}
    except KeyError:
        return None


def _needs_node(group: GroupRecord) -> bool:
    """Whether a group gets an HDF5 group of its own.

    Groups inside a run (``results.runs.run_00000007``, ``...run_00000007.grp``) are
    implied by their leaves; writing them for every run would cost one HDF5 group per run
    even when all its results live in the run table. They get a node only when they carry
    something: a comment, annotations or a class other than the standard group.
    """
    if group.comment or group.annotations or group.class_name:
        return True
    return not in_a_run(group.full_name)


def _into_table(tfile: TrajectoryFile, record: LeafRecord, store_data: StoreMode,
                overwrite: Overwrite) -> bool:
    """Put a run result into the run table if it belongs there; True if handled."""
    template = template_of(record.full_name)
    if template is None or store_data == StoreMode.NOTHING:
        return template is not None and store_data == StoreMode.NOTHING
    if tfile.writer.exists(record.full_name):
        return False  # stored as nodes before: keep it there
    idx = run_index_of(record.full_name)
    assert idx is not None  # the name has a template, so it names a run
    columns = tfile.columns
    if not columns.is_present(template, idx):
        if not columns.add(idx, template, record):
            return False
        if tfile.overview.active:
            tfile.overview.leaf_stored(record)
        return True
    # In the table already. As for nodes: STORE_DATA adds only items not stored yet;
    # OVERWRITE_DATA (or overwrite=True / [names]) replaces the record's (or the named) items;
    # stored items the record lacks always stay.
    stored_items = columns.templates[template][2]
    if store_data == StoreMode.OVERWRITE or overwrite.every_item:
        chosen = set(record.data)
    else:
        chosen = set(overwrite.items) & set(record.data)
    new = [item for item in record.data if item not in stored_items]
    if not new and not chosen:
        return True
    columns.flush()
    ((_, stored),) = columns.read_runs(template, [idx])
    record = dataclasses.replace(record, data={
        **stored, **{k: v for k, v in record.data.items() if k in chosen or k in new}})
    if not new and columns.add(idx, template, record):
        return True
    # the leaf no longer fits its columns: it moves to a node (and leaves the table)
    columns.remove(template, idx)
    tfile.writer.write_leaf(record, StoreMode.DATA)
    return True
