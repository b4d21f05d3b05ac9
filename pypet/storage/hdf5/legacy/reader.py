"""Feeding a trajectory written by pypet 0.7 to a load sink, as our own files are fed.

The tree is walked as stored: every HDF5 group is a tree group, except leaf groups
(``SRVC_LEAF``) whose children are the leaf's items; soft links are links. The metadata
comes from ``overview/info``, the run information from ``overview/runs`` and the explored
names from ``overview/explorations``. Leaf items reach the sink as pypet 0.7 stored them
(:class:`~.values.Pypet07Items`); the trajectory's loader converts them for the leaf class.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import tables

from pypet import constants as C
from pypet.storage.hdf5.legacy.layout import ATTR
from pypet.storage.hdf5.legacy.values import read_items
from pypet.storage.hdf5.loading import mode_of
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.modes import LoadMode
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunInfo
from pypet.storage.service import LoadModes, LoadSink

__all__ = ["load_into", "load_parts"]

_BRANCH_GROUPS = {"config": "ConfigGroup", "parameters": "ParameterGroup",
                  "derived_parameters": "DerivedParameterGroup", "results": "ResultGroup"}
#: pypet 0.7 leaves whose class marks a parameter (for the record; the class decides)
_PARAMETERS = ("Parameter", "ArrayParameter", "SparseParameter", "PickleParameter")


def _text(value: Any, encoding: str = "utf8") -> str:
    return value.decode(encoding) if isinstance(value, bytes) else str(value)


class _Reader:
    """Reads the nodes of one pypet 0.7 trajectory group."""

    def __init__(self, group: tables.Group, allow_pickle: bool) -> None:
        self.group = group
        self.allow_pickle = allow_pickle
        self.prefix = group._v_pathname.rstrip("/") + "/"
        settings = get_child(group._v_children["overview"], "hdf5_settings")
        self.encoding = _text(settings.col("encoding")[0]) if settings is not None else "utf8"

    def full_name(self, node: tables.Node) -> str:
        return node._v_pathname[len(self.prefix):].replace("/", ".")

    def node_at(self, full_name: str) -> tables.Node | None:
        node: Any = self.group
        for part in full_name.split(".") if full_name else ():
            if not isinstance(node, tables.Group) or ATTR.LEAF in node._v_attrs:
                return None
            node = get_child(node, part)
            if node is None:
                return None
        return node

    def walk(self, start: tables.Group, max_depth: int | None,
             depth: int = 0) -> Iterator[tuple[str, tables.Node]]:
        """``('group'|'leaf'|'link', node)`` below ``start``, parents first."""
        if max_depth is not None and depth >= max_depth:
            return
        children = start._v_children
        for name in children:
            child = children[name]
            if start is self.group and name == "overview":
                continue
            if isinstance(child, tables.link.SoftLink):
                yield "link", child
            elif isinstance(child, tables.Group):
                if ATTR.LEAF in child._v_attrs:
                    yield "leaf", child
                else:
                    yield "group", child
                    yield from self.walk(child, max_depth, depth + 1)

    @staticmethod
    def _annotations(attrs: Any) -> dict[str, Any] | None:
        found = {name[len(ATTR.ANNOTATION):]: attrs[name] for name in attrs._v_attrnamesuser
                 if name.startswith(ATTR.ANNOTATION)}
        return found or None

    def read_group(self, node: tables.Group) -> GroupRecord:
        attrs = node._v_attrs
        full_name = self.full_name(node)
        default = _BRANCH_GROUPS.get(full_name.partition(".")[0], "NNGroupNode")
        return GroupRecord(full_name, str(attrs[ATTR.CLASS_NAME]) if ATTR.CLASS_NAME in attrs
                           else default, _text(attrs[ATTR.COMMENT]) if ATTR.COMMENT in attrs
                           else "", self._annotations(attrs))

    def read_leaf(self, node: tables.Group, with_data: bool, only: Any = None,
                  exclude: Any = None) -> LeafRecord:
        attrs = node._v_attrs
        class_name = str(attrs[ATTR.CLASS_NAME])
        full_name = self.full_name(node)
        items = read_items(node, self.encoding, self.allow_pickle, full_name, only, exclude) \
            if with_data else {}
        return LeafRecord(full_name, class_name,
                          _text(attrs[ATTR.COMMENT]) if ATTR.COMMENT in attrs else "",
                          self._annotations(attrs), items, class_name in _PARAMETERS)

    def read_link(self, node: tables.link.SoftLink) -> LinkRecord:
        location, _, name = self.full_name(node).rpartition(".")
        return LinkRecord(location, name, node.target[len(self.prefix):].replace("/", "."))

    def read(self, kind: str, node: tables.Node, with_data: bool, only: Any = None,
             exclude: Any = None) -> Any:
        if kind == "group":
            return self.read_group(node)
        return self.read_leaf(node, with_data, only, exclude)


def _meta(group: tables.Group) -> dict[str, Any]:
    row = group._v_children["overview"]._v_children["info"][0]
    attrs = group._v_attrs
    meta = {"name": _text(row["name"]), "time": _text(row["time"]),
            "timestamp": float(row["timestamp"]), "comment": _text(row["comment"]),
            "pypet_version": _text(row["version"]), "python_version": _text(row["python"])}
    if ATTR.COMMENT in attrs and not meta["comment"]:
        meta["comment"] = _text(attrs[ATTR.COMMENT])
    meta["annotations"] = _Reader._annotations(attrs)
    return meta


def _runs(group: tables.Group) -> tuple[int, RunInfo]:
    """The run count and run information; pypet's placeholders of runs that never ran
    (timestamps 42.0 and 1.337, hexsha 'N/A') become ours (NaN and '')."""
    table = group._v_children["overview"]._v_children["runs"].read()
    length = int(group._v_children["overview"]._v_children["info"][0]["length"])
    order = np.argsort(table["idx"], kind="stable")[:length]
    completed = table["completed"][order].astype(np.int8)
    done = completed.astype(bool)
    hexsha = table["short_environment_hexsha"][order]
    return length, RunInfo(
        completed=completed,
        start=np.where(done, table["timestamp"][order], np.nan),
        finish=np.where(done, table["finish_timestamp"][order], np.nan),
        hexsha=np.where(done & (hexsha != b"N/A"), hexsha, b"").astype("S7"),
        failed=np.zeros(length, dtype=np.int8),  # pypet 0.7 recorded no failures
    )


def _explored(group: tables.Group) -> list[str]:
    table = get_child(group._v_children["overview"], "explorations")
    return [] if table is None else [_text(n) for n in table.col("explorations")]


def load_into(sink: LoadSink, group: tables.Group, modes: LoadModes, max_depth: int | None,
              with_run_information: bool = True, with_meta_data: bool = True,
              allow_pickle: bool = False) -> None:
    """Feed the whole pypet 0.7 trajectory in ``group`` to ``sink`` (our load modes);
    pickled items may be unpickled only with ``allow_pickle``."""
    if with_meta_data:
        sink.meta(_meta(group))
    length, info = _runs(group)
    sink.runs(length, info if with_run_information else None)
    sink.explored(_explored(group))
    reader = _Reader(group, allow_pickle)
    links = []
    for kind, node in reader.walk(group, max_depth):
        if kind == "link":
            links.append(node)
            continue
        mode = mode_of(reader.full_name(node), modes)
        if mode != C.LOAD_NOTHING:
            sink.node(reader.read(kind, node, mode >= C.LOAD_DATA), mode)
    for node in links:
        record = reader.read_link(node)
        if mode_of(record.full_name, modes) == C.LOAD_NOTHING:
            continue
        if mode_of(record.target_full_name, modes) == C.LOAD_NOTHING:
            # as pypet: a link whose target was not loaded brings the target's skeleton
            target = reader.node_at(record.target_full_name)
            if target is not None and not isinstance(target, tables.link.SoftLink):
                kind = "leaf" if ATTR.LEAF in target._v_attrs else "group"
                sink.node(reader.read(kind, target, False), LoadMode.SKELETON)
        sink.link(record)


def load_parts(sink: LoadSink, group: tables.Group, full_names: Sequence[str],
               load_data: LoadMode, recursive: bool, max_depth: int | None, load_only: Any,
               load_except: Any, allow_pickle: bool = False) -> int:
    """Feed the nodes at ``full_names`` (and below, if recursive); return how many exist
    (pickled items may be unpickled only with ``allow_pickle``)."""
    reader = _Reader(group, allow_pickle)
    with_data = load_data >= C.LOAD_DATA
    found = 0
    for full_name in full_names:
        node = reader.node_at(full_name)
        if node is None or isinstance(node, tables.link.SoftLink):
            continue
        found += 1
        is_leaf = ATTR.LEAF in node._v_attrs
        if node is not group:
            sink.node(reader.read("leaf" if is_leaf else "group", node, with_data, load_only,
                                  load_except), load_data)
        if recursive and not is_leaf:
            for kind, child in reader.walk(node, max_depth):
                if kind == "link":
                    sink.link(reader.read_link(child))
                else:
                    sink.node(reader.read(kind, child, with_data, load_only, load_except),
                              load_data)
    return found
