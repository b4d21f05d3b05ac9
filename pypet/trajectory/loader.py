"""The load sink: turns records from a storage backend into nodes of a trajectory."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunInfo
from pypet.trajectory.legacy_items import is_pypet07_items, our_load_dict
from pypet.trajectory.run_table import RunTable, format_time
from pypet.tree import edit

if TYPE_CHECKING:
    import numpy as np

    from pypet.trajectory.trajectory import Trajectory

__all__ = ["TreeLoader"]

_log = logging.getLogger("pypet.trajectory.loader")


class TreeLoader:
    """Receives records while loading and applies pypet's load modes to the tree."""

    def __init__(self, traj: Trajectory, as_new: bool = False, with_links: bool = True) -> None:
        self.traj = traj
        self.as_new = as_new
        self.with_links = with_links  # False: link records are skipped (pypet's with_links)
        self.explored_names: list[str] = []
        self.loaded = 0

    # --- trajectory-level data ---------------------------------------------------------------
    def meta(self, meta: dict[str, Any]) -> None:
        if self.as_new:
            return
        traj = self.traj
        traj._traj_name = str(meta.get("name", traj._traj_name))
        traj._timestamp = float(meta.get("timestamp", traj._timestamp))
        traj._time = str(meta.get("time", format_time(traj._timestamp)))
        traj._comment = str(meta.get("comment", ""))
        traj._version = str(meta.get("pypet_version", traj._version))
        traj._python = str(meta.get("python_version", traj._python))
        if meta.get("annotations"):
            self._annotate(traj, GroupRecord("", "", "", meta["annotations"]))

    def runs(self, length: int, info: RunInfo | None) -> None:
        traj = self.traj
        if info is None and not self.as_new and traj._stored and \
                len(traj._run_table) == length and traj._run_info_loaded:
            # Reloading (e.g. f_load_skeleton) without run information keeps what the
            # trajectory already knows about its runs, as pypet does.
            return
        traj._run_info_loaded = info is not None or self.as_new
        if info is not None and not self.as_new:
            traj._run_table = RunTable.from_info(length, info)
        else:
            traj._run_table = RunTable(length)

    def explored(self, names: list[str]) -> None:
        self.explored_names = list(names)
        self.traj._explored_names = list(names)

    # --- nodes ---------------------------------------------------------------------------------
    def node(self, record: GroupRecord | LeafRecord, mode: int) -> None:
        if mode == C.LOAD_NOTHING or (self.as_new and record.full_name.startswith("config")):
            return
        traj = self.traj
        existing = edit._lookup_exact(traj, record.full_name)
        if isinstance(record, GroupRecord):
            if existing is None:
                parent, name = self._parent(record.full_name)
                cls = (traj._dynamic_imports.resolve(record.class_name) if record.class_name
                       else traj._group_factory_class(record.full_name.partition(".")[0]))
                existing = edit.insert_child(parent, name, cls(""))
            self._annotate(existing, record, mode == C.OVERWRITE_DATA)
            existing._stored = True
            return
        self.loaded += 1
        if existing is None:
            parent, name = self._parent(record.full_name)
            cls = traj._dynamic_imports.resolve(record.class_name)
            leaf = cls(record.full_name, traj) if getattr(cls, "KNOWS_TRAJECTORY", False) \
                else cls(record.full_name)
            self._annotate(leaf, record)
            if record.data and mode >= C.LOAD_DATA:
                leaf._load(self._load_dict(leaf, record.data))
            leaf._stored = True
            edit.insert_child(parent, name, leaf)
            return
        if not existing._is_leaf:
            raise TypeError(f"{record.full_name!r} is a group in RAM but a leaf in storage.")
        self._annotate(existing, record, mode == C.OVERWRITE_DATA)
        existing._stored = True
        if not record.data or mode < C.LOAD_DATA:
            return
        if mode == C.OVERWRITE_DATA:
            if existing.v_is_parameter and existing.v_locked:
                _log.debug("%s is locked and was not overwritten.", record.full_name)
                return
            existing.f_empty()
        data = self._load_dict(existing, record.data)
        if existing.f_is_empty():
            existing._load(data)
        elif not existing.v_is_parameter:
            # DATA on a non-empty result: add the items it does not hold yet
            missing = {k: v for k, v in data.items() if k not in existing._store()}
            if missing:
                existing._load(missing)

    def run_leaves(self, template: str, class_name: str, comment: str, rows: np.ndarray,
                   mode: int) -> None:
        """Defer the skeleton of ``template`` in every run of ``rows`` (made on first use)."""
        if mode == C.LOAD_NOTHING or not len(rows):
            return
        from pypet.trajectory.deferred_runs import DeferredRunLeaves

        traj = self.traj
        deferred = traj._deferred
        if not isinstance(deferred, DeferredRunLeaves):
            deferred = traj._deferred = DeferredRunLeaves(traj)
        deferred.add(template, class_name, comment, rows, mode)
        self.loaded += len(rows)

    def ensure_groups(self, full_name: str) -> None:
        """Make the groups of the path ``full_name`` that do not exist yet."""
        if full_name:
            parts = full_name.split(".")
            edit.ensure_groups(self.traj, parts, self.traj._group_factory(parts[0]), frozenset())

    @staticmethod
    def _load_dict(leaf: Any, data: Any) -> dict[str, Any]:
        """What ``leaf._load`` takes: the record's items, converted if pypet 0.7 stored them."""
        if is_pypet07_items(data):
            return our_load_dict(type(leaf), data)
        return dict(data)

    def _parent(self, full_name: str) -> tuple[Any, str]:
        location, _, name = full_name.rpartition(".")
        traj = self.traj
        if not location:
            return traj, name
        parts = location.split(".")
        factory = traj._group_factory(parts[0])
        return edit.ensure_groups(traj, parts, factory, frozenset()), name

    @staticmethod
    def _annotate(node: Any, record: GroupRecord | LeafRecord, overwrite: bool = False) -> None:
        """Comment and annotations from storage: missing ones are added; with
        ``overwrite`` (OVERWRITE_DATA) the stored ones replace what is in memory."""
        if record.comment and (overwrite or not node._comment):
            node._comment = record.comment
        if record.annotations:
            ann = node.v_annotations
            for key, value in record.annotations.items():
                if overwrite or key not in ann:
                    ann.f_set_single(key, value)

    def link(self, record: LinkRecord) -> None:
        if not self.with_links:
            return
        traj = self.traj
        group = edit._lookup_exact(traj, record.group_full_name)
        target = edit._lookup_exact(traj, record.target_full_name)
        if group is None or target is None:
            _log.warning("The link %s points to %s, which was not loaded; skipped.",
                         record.full_name, record.target_full_name)
            return
        if record.name not in group._links and record.name not in group._children:
            edit.add_link(group, record.name, target, frozenset())

    # --- after loading ---------------------------------------------------------------------------
    def finish(self) -> None:
        """Register the explored parameters that were loaded."""
        traj = self.traj
        for name in self.explored_names or traj._explored_names:
            node = edit._lookup_exact(traj, name)
            if node is not None and node._is_leaf and node.f_has_range():
                traj._explored[name] = node
                if traj._idx >= 0:  # loaded while a run is current: show that run's point
                    node._set_parameter_access(traj._idx)
