"""Reading tree nodes of a trajectory group back as records (the inverse of :mod:`.nodes_io`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import tables

from pypet.errors import UnsafeDataError
from pypet.runnames import is_run_name, is_set_name
from pypet.storage.hdf5 import codec
from pypet.storage.hdf5.annotations import read_annotations
from pypet.storage.hdf5.layout import BUCKET_PREFIX, NODE, RUNS, hdf5_path, tree_name
from pypet.storage.hdf5.nodes_io import PICKLE_KEY, is_compact, item_order
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord

__all__ = ["NodeReader"]

_log = logging.getLogger("pypet.storage.hdf5")


class NodeReader:
    """Reads nodes below one trajectory group as records."""

    def __init__(self, traj_group: tables.Group, allow_pickle: bool = True) -> None:
        self._root = traj_group
        self._prefix = len(traj_group._v_pathname) + 1
        self._allow_pickle = allow_pickle

    def node_at(self, full_name: str) -> tables.Node | None:
        """The HDF5 node of a tree name, or None."""
        if not full_name:
            return self._root
        try:
            return self._root._f_get_child("/".join(hdf5_path(full_name)))
        except tables.NoSuchNodeError:
            return None

    def full_name(self, node: tables.Node) -> str:
        """Tree name of an HDF5 node."""
        return tree_name(node._v_pathname[self._prefix:].split("/"))

    def read_leaf(self, node: tables.Node, with_data: bool = True, load_only: Any = None,
                  load_except: Any = None) -> LeafRecord:
        """Read a leaf node (skeleton only unless ``with_data``)."""
        attrs = node._v_attrs
        data: dict[str, Any] = {}
        if with_data:
            if is_compact(node):
                item = str(attrs[NODE.ITEM]) if NODE.ITEM in attrs else node._v_name
                if _wanted(item, load_only, load_except):
                    data[item] = self._read_item(node)
            else:
                children = node._v_children
                for item in item_order(node):
                    if _wanted(item, load_only, load_except):
                        data[item] = self._read_item(children[item])
            if NODE.PICKLED in attrs:
                data[PICKLE_KEY] = int(attrs[NODE.PICKLED])
        return LeafRecord(self.full_name(node), str(attrs[NODE.LEAF]),
                          str(attrs[NODE.COMMENT]) if NODE.COMMENT in attrs else "",
                          read_annotations(attrs), data)

    def _read_item(self, node: tables.Node) -> Any:
        try:
            return codec.read_value(node, self._allow_pickle)
        except UnsafeDataError as error:
            if self._allow_pickle:
                raise  # a pickle where pypet never writes one
            leaf = self.full_name(node if NODE.LEAF in node._v_attrs else node._v_parent)
            raise UnsafeDataError.pickle_leaf(leaf) from error

    def read_group(self, node: tables.Group) -> GroupRecord:
        """Read a group node's record."""
        attrs = node._v_attrs
        return GroupRecord(self.full_name(node),
                           str(attrs[NODE.GROUP]) if NODE.GROUP in attrs else "",
                           str(attrs[NODE.COMMENT]) if NODE.COMMENT in attrs else "",
                           read_annotations(attrs))

    def walk(self, start: tables.Group, max_depth: int | None = None,
             depth: int = 0, skip_runs: bool = False) -> Iterator[tuple[str, tables.Node]]:
        """Yield ``('group' | 'leaf' | 'link', node)`` below ``start``, parents first.

        ``skip_runs`` leaves out everything inside a numbered run or run set.
        """
        # ``depth`` is the tree depth of ``start``'s children minus one; buckets are not
        # tree nodes, so they neither count as a level nor get yielded.
        too_deep = max_depth is not None and depth >= max_depth
        for name, child in start._v_children.items():
            if start is self._root and name == RUNS.OVERVIEW:
                continue
            is_bucket = name.startswith(BUCKET_PREFIX)
            if skip_runs and (is_bucket or _numbered_run(name)):
                continue
            if (too_deep and not is_bucket) or (name.startswith("_") and not is_bucket):
                continue  # a leading underscore is never a tree name (e.g. an interrupted rewrite)
            if isinstance(child, tables.link.SoftLink):
                yield "link", child
                continue
            if NODE.LEAF in child._v_attrs:
                yield "leaf", child
                continue
            if not isinstance(child, tables.Group):
                _log.warning("Skipping %s: a dataset that is not a pypet leaf.",
                             child._v_pathname)
                continue
            if not is_bucket:
                yield "group", child
            yield from self.walk(child, max_depth, depth if is_bucket else depth + 1, skip_runs)

    def read_link(self, link: tables.link.SoftLink) -> LinkRecord:
        """Read a soft link as a record."""
        group = self.full_name(link._v_parent)
        target = tree_name(str(link.target)[self._prefix:].split("/"))
        return LinkRecord(group, link._v_name, target)


def _numbered_run(name: str) -> bool:
    """A run or run-set name other than the dummies ``run_ALL``/``run_set_ALL``."""
    return name.startswith("run_") and not name.endswith("_ALL") and (
        is_run_name(name) or is_set_name(name))


def _wanted(item: str, load_only: Any, load_except: Any) -> bool:
    if load_only is not None and item not in load_only:
        return False
    return not (load_except is not None and item in load_except)
