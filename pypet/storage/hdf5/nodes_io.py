"""Writing tree records as HDF5 nodes (reading them back: :mod:`.node_reader`).

A leaf with one item is *compact*: its item is the node itself (named like the leaf, with
the leaf attributes on it). A leaf with several items is a group holding one node per item.
Values are encoded by :mod:`.codec`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import tables

from pypet import constants as C
from pypet.storage.hdf5 import codec
from pypet.storage.hdf5.annotations import is_annotation, write_annotations
from pypet.storage.hdf5.codec.spec import ATTR as CODEC_ATTR
from pypet.storage.hdf5.layout import NODE, hdf5_path
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.modes import NO_OVERWRITE, Overwrite, StoreMode
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord

__all__ = ["NodeWriter", "PICKLE_KEY", "is_compact", "item_order"]

#: item of Pickle* leaves that carries the pickle protocol (not stored as an item)
PICKLE_KEY = C.PICKLE_PROTOCOL_KEY
#: prefix of a leaf being rewritten; a leading underscore is never a tree name
_TMP = "_pypet_tmp_"


def is_compact(node: tables.Node) -> bool:
    """Whether a leaf node is its single item itself (not a group of items)."""
    return CODEC_ATTR.KIND in node._v_attrs


def item_order(group: tables.Group) -> list[str]:
    """Item names of a leaf group: in stored order, then any others by name."""
    children = group._v_children
    attrs = group._v_attrs
    order = json.loads(str(attrs[NODE.ORDER])) if NODE.ORDER in attrs else []
    known = [item for item in order if item in children]
    return known + sorted(set(children) - set(known))


class NodeWriter:
    """Writes group, leaf and link records below one trajectory group."""

    def __init__(self, h5: tables.File, traj_group: tables.Group, filters: tables.Filters):
        self._h5, self._root, self._filters = h5, traj_group, filters
        self._groups: dict[tuple[str, ...], tables.Group] = {(): traj_group}
        #: called with every leaf written for the first time; False drops its comment
        #: (pypet's purge_duplicate_comments, decided by the overview tables)
        self.on_new_leaf: Callable[[LeafRecord], bool] | None = None

    def group_at(self, components: list[str]) -> tables.Group:
        """Return the HDF5 group at ``components`` (creating missing ones)."""
        key = tuple(components)
        group = self._groups.get(key)
        if group is not None:
            return group
        parent = self.group_at(components[:-1])
        child = get_child(parent, components[-1])
        if child is None:
            child = self._h5.create_group(parent, components[-1])
        elif not isinstance(child, tables.Group) or NODE.LEAF in child._v_attrs:
            raise ValueError(
                f"Cannot store below {'.'.join(components)!r}: it is a leaf in the file."
            )
        self._groups[key] = child
        return child

    def exists(self, full_name: str) -> bool:
        """Whether the node of tree name ``full_name`` is in the file."""
        path = hdf5_path(full_name)
        try:
            parent = self._root._f_get_child("/".join(path[:-1])) if len(path) > 1 else self._root
        except tables.NoSuchNodeError:
            return False
        return path[-1] in parent._v_children

    def forget(self, components: list[str]) -> None:
        """Drop cached groups at or below ``components`` (after a removal)."""
        prefix = tuple(components)
        for key in [k for k in self._groups if k[: len(prefix)] == prefix and k]:
            del self._groups[key]

    # --- groups and links -----------------------------------------------------------------
    def write_group(self, record: GroupRecord, overwrite: bool = False) -> None:
        """Create the group and write its comment, class and annotations."""
        group = self.group_at(hdf5_path(record.full_name))
        attrs = group._v_attrs
        if record.comment and (overwrite or NODE.COMMENT not in attrs):
            attrs[NODE.COMMENT] = record.comment
        if record.class_name and NODE.GROUP not in attrs:
            attrs[NODE.GROUP] = record.class_name
        write_annotations(attrs, record.annotations, overwrite)

    def write_link(self, record: LinkRecord) -> None:
        """Store a link as an HDF5 soft link (skipped if it exists)."""
        group = self.group_at(hdf5_path(record.group_full_name))
        if record.name in group._v_children:
            return
        target = "/".join([self._root._v_pathname, *hdf5_path(record.target_full_name)])
        self._h5.create_soft_link(group, record.name, target)

    # --- leaves ---------------------------------------------------------------------------------
    def write_leaf(self, record: LeafRecord, store_data: StoreMode = StoreMode.DATA,
                   overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Store a leaf with pypet's store modes (skip / add new items / overwrite)."""
        if store_data == StoreMode.NOTHING:
            return
        path = hdf5_path(record.full_name)
        parent = self.group_at(path[:-1])
        name = path[-1]
        existing = get_child(parent, name)
        items = dict(record.data)
        protocol = items.pop(PICKLE_KEY, None)
        if existing is not None and isinstance(existing, tables.Group) and \
                NODE.LEAF not in existing._v_attrs and not is_compact(existing):
            raise ValueError(
                f"Cannot store the leaf {record.full_name!r}: the file has a group there. "
                "Delete it first (f_delete_item) or use another name."
            )
        if existing is None:
            if self.on_new_leaf is not None and not self.on_new_leaf(record):
                record = dataclasses.replace(record, comment="")
            self._write_new(parent, name, record, items, protocol)
        elif store_data == StoreMode.DATA_SKIPPING and not overwrite:
            return
        elif store_data == StoreMode.OVERWRITE or overwrite.every_item:
            self._overwrite(parent, existing, name, record, items, protocol)
        else:
            if overwrite.items:
                existing = self._drop_items(existing, name, sorted(overwrite.items))
            if existing is None:
                self._write_new(parent, name, record, items, protocol)
            else:
                self._add_items(parent, existing, name, items, protocol, record)

    def replace_leaf(self, record: LeafRecord) -> None:
        """Replace a leaf completely (items it no longer has are gone), atomically: the new
        leaf is written under a temporary name first, so a failure keeps the old one."""
        path = hdf5_path(record.full_name)
        parent = self.group_at(path[:-1])
        name = path[-1]
        items = dict(record.data)
        protocol = items.pop(PICKLE_KEY, None)
        existing = get_child(parent, name)
        if existing is None:
            self._write_new(parent, name, record, items, protocol)
            return
        self._write_new(parent, _TMP + name, record, items, protocol, name)
        self._h5.remove_node(existing, recursive=True)
        self._h5.rename_node(parent._v_children[_TMP + name], name)

    def _overwrite(self, parent: tables.Group, node: tables.Node, name: str,
                   record: LeafRecord, items: dict[str, Any], protocol: int | None) -> None:
        """OVERWRITE: replace the items the record holds, keep the others, rewrite metadata.

        As in pypet, an item stored but absent from the record stays, so storing a partly
        loaded (or skeleton) leaf with OVERWRITE_DATA never deletes data.
        """
        if is_compact(node):
            present = str(node._v_attrs[NODE.ITEM]) if NODE.ITEM in node._v_attrs else name
            if items and set(items) == {present}:
                # written under a temporary name first, so a failure keeps the stored leaf
                self._write_new(parent, _TMP + name, record, items, protocol, name)
                self._h5.remove_node(node, recursive=True)
                self._h5.rename_node(parent._v_children[_TMP + name], name)
                return
            if items:
                node = self._expand_compact(parent, node, name, present)
        if items:
            before = item_order(node)
            for item, value in items.items():
                _write_item(self._h5, node, item, value, self._filters, protocol, record,
                            overwrite=item in before)
            node._v_attrs[NODE.ORDER] = json.dumps(list(dict.fromkeys([*before, *items])))
        attrs = node._v_attrs
        if protocol is not None:
            attrs[NODE.PICKLED] = int(protocol)
        if record.comment:
            attrs[NODE.COMMENT] = record.comment
        elif NODE.COMMENT in attrs:
            del attrs[NODE.COMMENT]
        for key in [k for k in attrs._v_attrnamesuser if is_annotation(k)]:
            del attrs[key]
        write_annotations(attrs, record.annotations, True)

    def _write_new(self, parent: tables.Group, name: str, record: LeafRecord,
                   items: dict[str, Any], protocol: int | None,
                   leaf_name: str | None = None) -> None:
        if len(items) == 1:
            item, value = next(iter(items.items()))
            _write_item(self._h5, parent, name, value, self._filters, protocol, record, item)
            node = parent._v_children[name]
            if item != (leaf_name or name):
                node._v_attrs[NODE.ITEM] = item
        else:
            node = self._h5.create_group(parent, name)
            try:
                for item, value in items.items():
                    _write_item(self._h5, node, item, value, self._filters, protocol, record)
            except BaseException:
                # a leaf group without its leaf attribute would read as a broken group
                self._h5.remove_node(node, recursive=True)
                raise
            if len(items) > 1:  # HDF5 lists children by name; the order of items is ours
                node._v_attrs[NODE.ORDER] = json.dumps(list(items))
        attrs = node._v_attrs
        attrs[NODE.LEAF] = record.class_name
        if record.comment:
            attrs[NODE.COMMENT] = record.comment
        if protocol is not None:
            attrs[NODE.PICKLED] = int(protocol)
        write_annotations(attrs, record.annotations, True)

    def _add_items(self, parent: tables.Group, node: tables.Node, name: str,
                   items: dict[str, Any], protocol: int | None, record: LeafRecord) -> None:
        """STORE_DATA on a stored leaf: write only items that are not in the file yet."""
        if is_compact(node):
            present = str(node._v_attrs[NODE.ITEM]) if NODE.ITEM in node._v_attrs else name
            if not any(k != present for k in items):
                return
            node = self._expand_compact(parent, node, name, present)
        new = [item for item in items if item not in node._v_children]
        for item in new:
            _write_item(self._h5, node, item, items[item], self._filters, protocol, record)
        if new:
            node._v_attrs[NODE.ORDER] = json.dumps(item_order(node) + new)

    def _expand_compact(self, parent: tables.Group, node: tables.Node, name: str,
                        item: str) -> tables.Group:
        """Turn a compact leaf into a leaf group so it can hold more items."""
        value = codec.read_value(node)
        attrs = {k: node._v_attrs[k] for k in node._v_attrs._v_attrnamesuser
                 if k in (NODE.LEAF, NODE.COMMENT, NODE.PICKLED) or is_annotation(k)}
        protocol = attrs.get(NODE.PICKLED)
        self._h5.remove_node(node, recursive=True)
        group = self._h5.create_group(parent, name)
        for key, val in attrs.items():
            group._v_attrs[key] = val
        codec.write_value(self._h5, group, item, value, self._filters,
                          pickle_protocol=None if protocol is None else int(protocol))
        return group

    def _drop_items(self, node: tables.Node, name: str, names: list[str]) -> tables.Node | None:
        if is_compact(node):
            present = str(node._v_attrs[NODE.ITEM]) if NODE.ITEM in node._v_attrs else name
            if present in names:
                self._h5.remove_node(node, recursive=True)
                return None
            return node
        for item in names:
            child = get_child(node, item)
            if child is not None:
                self._h5.remove_node(child, recursive=True)
        return node

    def delete(self, full_name: str, recursive: bool = False,
               delete_only: list[str] | None = None) -> None:
        """Remove a node (or some items of a leaf) from the file."""
        path = hdf5_path(full_name)
        try:
            node = self._root._f_get_child("/".join(path))
        except tables.NoSuchNodeError:
            from pypet.errors import DataNotInStorageError

            raise DataNotInStorageError(f"{full_name!r} is not in the file.") from None
        if delete_only:
            self._drop_items(node, path[-1], list(delete_only))
            return
        if isinstance(node, tables.Group) and NODE.LEAF not in node._v_attrs and \
                node._v_nchildren and not recursive:
            raise TypeError(f"{full_name!r} is a group with children; pass recursive=True.")
        self._h5.remove_node(node, recursive=True)
        self.forget(path)


def _write_item(h5: tables.File, parent: tables.Group, name: str, value: Any,
                filters: tables.Filters, protocol: int | None, record: LeafRecord,
                item: str | None = None, overwrite: bool = False) -> None:
    """Write one item; a codec error names the tree leaf and item, not only the HDF5 path."""
    try:
        codec.write_value(h5, parent, name, value, filters, pickle_protocol=protocol,
                          overwrite=overwrite)
    except codec.CodecError as error:
        raise codec.CodecError(
            f"Cannot store item {item or name!r} of {record.full_name!r}: {error}"
        ) from error
