"""``MemoryStorageService``: trajectories kept in this process's memory (the reference backend).

It implements the storage interface in the plainest way: one dict of records per
trajectory. The conformance suite (:mod:`pypet.storage.testing`) runs against it and the
HDF5 backend alike, so it is also the executable description of what a backend must do.
Stored and loaded values are deep copies: changing a loaded (or a stored) object never
changes what is stored.

A copy of the service in another process (a pickled trajectory in a pool worker) holds no
data and refuses every call: the memory of the first process is out of its reach. Run
parallel experiments with a wrap mode in which workers send their data back
(``wrap_mode='QUEUE'``, ``'PIPE'`` or ``'LOCAL'``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pypet.constants import PICKLE_PROTOCOL_KEY
from pypet.errors import DataNotInStorageError, existing_trajectory_message
from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.records import (
    GroupRecord,
    LeafRecord,
    LinkRecord,
    Record,
    RunInfo,
    RunOutcome,
    TrajectoryImage,
)
from pypet.storage.service import Capabilities, LoadSink, StorageService

__all__ = ["MemoryStorageService"]


@dataclass
class _Node:
    """A stored group (``data is None``) or leaf."""

    class_name: str
    comment: str
    annotations: dict[str, Any]
    data: dict[str, Any] | None = None

    def record(self, full_name: str, data: dict[str, Any] | None = None) -> Any:
        annotations = copy.deepcopy(self.annotations) or None
        if self.data is None:
            return GroupRecord(full_name, self.class_name, self.comment, annotations)
        return LeafRecord(full_name, self.class_name, self.comment, annotations, data or {})


@dataclass
class _Stored:
    """One stored trajectory."""

    meta: dict[str, Any]
    length: int = 0
    explored: list[str] = field(default_factory=list)
    info: dict[str, np.ndarray] = field(default_factory=dict)
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: full name -> node, parents before children ("" is the trajectory itself)
    nodes: dict[str, _Node] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  #: full name -> target full name

    def resize(self, length: int) -> None:
        """Grow (or cut) the run information to ``length`` runs."""
        empty = {"completed": (0, "i1"), "start": (np.nan, "f8"), "finish": (np.nan, "f8"),
                 "hexsha": (b"", "S7"), "failed": (0, "i1")}
        for key, (fill, dtype) in empty.items():
            old = self.info.get(key, np.zeros(0, dtype))[:length]
            self.info[key] = np.concatenate([old, np.full(length - len(old), fill, dtype)])
        self.length = length


def _items(data: dict[str, Any]) -> dict[str, Any]:
    """A leaf's items without the pickle protocol entry."""
    return {k: v for k, v in data.items() if k != PICKLE_PROTOCOL_KEY}


def _copied(annotations: dict[str, Any] | None) -> dict[str, Any]:
    return copy.deepcopy(annotations) if annotations else {}


def _depth(full_name: str) -> int:
    return full_name.count(".") + 1 if full_name else 0


class MemoryStorageService(StorageService):
    """Stores trajectories in memory, in this process, until the service is dropped."""

    capabilities = Capabilities(multiproc_safe=False, run_table=False, loads=True)

    def __init__(self) -> None:
        self._trajectories: dict[str, _Stored] = {}
        self._detached = False

    def __repr__(self) -> str:
        return f"<MemoryStorageService {sorted(self._trajectories)}>"

    def __getstate__(self) -> dict[str, Any]:
        return {"_trajectories": {}, "_detached": True}  # the data never travels

    @property
    def location(self) -> str:
        """``'<memory>'``: this process's memory."""
        return "<memory>"

    def trajectory_names(self) -> list[str]:
        """Names of the stored trajectories, oldest first."""
        return list(self._trajectories)

    def _check_attached(self) -> None:
        if self._detached:
            raise RuntimeError(
                "This MemoryStorageService is a copy in another process and cannot reach the "
                "stored data; use wrap_mode='QUEUE' (workers send their data back) or run "
                "serially."
            )

    def _get(self, name: str) -> _Stored:
        self._check_attached()
        stored = self._trajectories.get(name)
        if stored is None:
            raise DataNotInStorageError(
                f"The memory storage has no trajectory {name!r}; it holds "
                f"{self.trajectory_names()}. Store it first with traj.f_store()."
            )
        return stored

    # --- storing ------------------------------------------------------------------------------
    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        """Store metadata, run information and (unless ``only_init``) every record."""
        self._check_attached()
        first = image.name not in self._trajectories
        if not first and image.is_new:
            raise RuntimeError(existing_trajectory_message(self.location, image.name))
        if first:
            self._trajectories[image.name] = _Stored(meta={}, nodes={"": _Node("", "", {})})
        stored = self._trajectories[image.name]
        try:
            stored.meta.update(copy.deepcopy(image.meta))
            stored.resize(image.length)
            stored.explored = list(image.explored_names)
            for record in image.changed:  # changed ranges are rewritten by every store
                stored.nodes[record.full_name] = _Node(
                    record.class_name, record.comment, _copied(record.annotations),
                    copy.deepcopy(record.data))
            if image.run_info is not None:
                self._write_info(stored, image.run_info)
            if not only_init:
                self._write(stored, image.records, store_data, NO_OVERWRITE)
        except BaseException:
            if first:  # a first store that fails leaves nothing behind
                del self._trajectories[image.name]
            raise

    @staticmethod
    def _write_info(stored: _Stored, info: RunInfo) -> None:
        stored.resize(max(stored.length, len(info.completed)))
        rows = len(info.completed)
        for key in ("completed", "start", "finish", "hexsha", "failed"):
            stored.info[key][:rows] = np.asarray(getattr(info, key))[:rows]
        stored.errors = dict(info.errors)

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Store records of an already stored trajectory."""
        self._write(self._get(traj_name), records, store_data, overwrite)

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Store the items and run information of finished runs."""
        stored = self._get(traj_name)
        stored.resize(length)
        mode = StoreMode.OVERWRITE if replace else StoreMode.DATA
        for outcome in outcomes:
            outcome = outcome.expanded()
            records: list[Record] = [*outcome.groups, *outcome.leaves, *outcome.links]
            self._write(stored, records, mode, NO_OVERWRITE)
            info, idx = stored.info, outcome.idx
            info["completed"][idx] = outcome.completed
            info["start"][idx], info["finish"][idx] = outcome.start, outcome.finish
            info["hexsha"][idx] = outcome.hexsha[:7].encode()
            info["failed"][idx] = outcome.error is not None
            if outcome.error is not None:
                stored.errors[idx] = (outcome.error.summary, outcome.error.traceback)

    def _write(self, stored: _Stored, records: Iterable[Record], store_data: StoreMode,
               overwrite: Overwrite) -> None:
        links = []
        for record in records:
            if isinstance(record, LeafRecord):
                self._write_leaf(stored, record, store_data, overwrite)
            elif isinstance(record, GroupRecord):
                self._write_group(stored, record, store_data == StoreMode.OVERWRITE)
            elif isinstance(record, LinkRecord):
                links.append(record)
        for link in links:  # last, so that their targets exist
            self._parent(stored, link.full_name)
            stored.links.setdefault(link.full_name, link.target_full_name)

    @staticmethod
    def _parent(stored: _Stored, full_name: str) -> None:
        """Create the groups above ``full_name``; refuse to store below a leaf."""
        parts = full_name.split(".")
        for end in range(1, len(parts)):
            name = ".".join(parts[:end])
            node = stored.nodes.get(name)
            if node is None:
                stored.nodes[name] = _Node("", "", {})
            elif node.data is not None:
                raise ValueError(f"Cannot store below {name!r}: it is a leaf in the storage.")

    def _write_group(self, stored: _Stored, record: GroupRecord, overwrite: bool) -> None:
        if record.full_name:
            self._parent(stored, record.full_name)
        node = stored.nodes.setdefault(record.full_name, _Node("", "", {}))
        if node.data is not None:
            raise ValueError(f"Cannot store below {record.full_name!r}: it is a leaf in the "
                             "storage.")
        if record.comment and (overwrite or not node.comment):
            node.comment = record.comment
        if record.class_name and not node.class_name:
            node.class_name = record.class_name
        for key, value in (record.annotations or {}).items():
            if overwrite or key not in node.annotations:
                node.annotations[key] = copy.deepcopy(value)

    def _write_leaf(self, stored: _Stored, record: LeafRecord, store_data: StoreMode,
                    overwrite: Overwrite) -> None:
        """pypet's store modes: skip, add items not stored yet, or replace items."""
        if store_data == StoreMode.NOTHING:
            return
        self._parent(stored, record.full_name)
        node = stored.nodes.get(record.full_name)
        if node is not None and node.data is None:
            raise ValueError(
                f"Cannot store the leaf {record.full_name!r}: the storage has a group there. "
                "Delete it first (f_delete_item) or use another name."
            )
        data = copy.deepcopy(record.data)
        if node is not None and store_data == StoreMode.DATA_SKIPPING and not overwrite:
            return
        if node is not None and (store_data == StoreMode.OVERWRITE or overwrite.every_item):
            # the record's items replace the stored ones; stored items it lacks stay
            assert node.data is not None
            node.data.update(data)
            node.comment = record.comment
            node.annotations = _copied(record.annotations)
            return
        if node is not None and overwrite.items:
            assert node.data is not None
            for item in overwrite.items:
                node.data.pop(item, None)
            if not _items(node.data):
                node = None
        if node is None:
            stored.nodes[record.full_name] = _Node(
                record.class_name, record.comment, _copied(record.annotations),
                data)
            return
        assert node.data is not None
        for item, value in data.items():  # STORE_DATA: only items not stored yet
            node.data.setdefault(item, value)

    # --- loading ------------------------------------------------------------------------------
    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        """Load a trajectory by name or index (negative indices count from the newest)."""
        name = self._choose(name, index)
        stored = self._get(name)
        if with_meta_data:
            meta = copy.deepcopy(stored.meta)
            meta["annotations"] = copy.deepcopy(stored.nodes[""].annotations) or None
            sink.meta(meta)
        info = None
        if with_run_information:
            info = RunInfo(**{key: values.copy() for key, values in stored.info.items()},
                           errors={i: e for i, e in stored.errors.items()
                                   if stored.info["failed"][i]})
        sink.runs(stored.length, info)
        sink.explored(list(stored.explored))

        def wanted(full_name: str) -> LoadMode:
            if max_depth is not None and _depth(full_name) > max_depth:
                return LoadMode.NOTHING
            return modes.for_branch(full_name.partition(".")[0])

        for full_name, node in stored.nodes.items():
            mode = wanted(full_name) if full_name else LoadMode.NOTHING
            if mode != LoadMode.NOTHING:
                sink.node(self._record(full_name, node, mode >= LoadMode.DATA), mode)
        for full_name, target in stored.links.items():
            if (max_depth is not None and _depth(full_name) > max_depth) or \
                    modes.for_branch(full_name.partition(".")[0]) == LoadMode.NOTHING:
                continue
            if wanted(target) == LoadMode.NOTHING and target in stored.nodes:
                # as in pypet: a link whose target was not loaded brings the target's skeleton
                sink.node(self._record(target, stored.nodes[target], False), LoadMode.SKELETON)
            group, _, link = full_name.rpartition(".")
            sink.link(LinkRecord(group, link, target))
        return name

    def _choose(self, name: str | None, index: int | None) -> str:
        if (name is None) == (index is None):
            raise ValueError("Pass exactly one of name= or index= to choose the trajectory.")
        if name is not None:
            return name
        names = self.trajectory_names()
        try:
            return names[index]  # type: ignore[index]
        except IndexError:
            raise DataNotInStorageError(
                f"Trajectory index {index} is out of range: the memory storage holds "
                f"{len(names)} trajectories {names}."
            ) from None

    @staticmethod
    def _record(full_name: str, node: _Node, with_data: bool, load_only: Any = None,
                load_except: Any = None) -> Any:
        data = None
        if node.data is not None and with_data:
            data = {k: copy.deepcopy(v) for k, v in node.data.items()
                    if k == PICKLE_PROTOCOL_KEY or (
                        (load_only is None or k in load_only)
                        and (load_except is None or k not in load_except))}
        return node.record(full_name, data)

    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        """Load the nodes at ``full_names`` (and below, if recursive); return how many."""
        stored = self._get(traj_name)
        with_data = load_data >= LoadMode.DATA
        found = 0
        for full_name in full_names:
            node = stored.nodes.get(full_name)
            if node is None:
                continue
            found += 1
            if full_name:
                sink.node(self._record(full_name, node, with_data, load_only, load_except),
                          load_data)
            if not recursive or node.data is not None:
                continue
            prefix, base = (full_name + "." if full_name else ""), _depth(full_name)
            for name, child in stored.nodes.items():
                if name.startswith(prefix) and name and (
                        max_depth is None or _depth(name) - base <= max_depth):
                    sink.node(self._record(name, child, with_data, load_only, load_except),
                              load_data)
            for name, target in stored.links.items():
                if name.startswith(prefix) and (
                        max_depth is None or _depth(name) - base <= max_depth):
                    group, _, link = name.rpartition(".")
                    sink.link(LinkRecord(group, link, target))
        return found

    # --- deleting -----------------------------------------------------------------------------
    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        """Remove nodes (or only some of a leaf's items)."""
        stored = self._get(traj_name)
        for full_name in full_names:
            node = stored.nodes.get(full_name)
            if node is None:
                raise DataNotInStorageError(
                    f"{full_name!r} of trajectory {traj_name!r} is not in the memory storage."
                )
            if delete_only:
                if node.data is not None:
                    for item in delete_only:
                        node.data.pop(item, None)
                continue
            prefix = full_name + "."
            below = [n for n in [*stored.nodes, *stored.links] if n.startswith(prefix)]
            if below and not recursive:
                raise TypeError(f"{full_name!r} is a group with children; pass recursive=True.")
            for name in [full_name, *below]:
                stored.nodes.pop(name, None)
                stored.links.pop(name, None)

    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        """Remove links."""
        stored = self._get(traj_name)
        for link in links:
            if stored.links.pop(link.full_name, None) is None:
                raise DataNotInStorageError(f"The link {link.full_name!r} is not in the memory "
                                            "storage.")
