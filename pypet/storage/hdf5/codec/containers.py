"""Containers: list, tuple, dict (nested to any depth), and the item sequences of object arrays.

A sequence whose items all have the same scalar type (``[1.0, 2.0]``, ``("a", "b")``,
a list of ``np.int8``) is ONE dataset with ``pypet_elem`` naming the item type. Any other
sequence (empty, mixed, nested, with None) is a group whose children ``i0, i1, ...`` are
the items, each encoded on its own.

A dict is a group: ``pypet_keys`` holds the keys in insertion order as JSON (see
:mod:`.labels`), and each value is the child named after its key, or ``_<position>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import tables

from pypet.errors import CodecError, LabelError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.labels import (
    child_names,
    decode_label,
    encode_label,
    label_problem,
)
from pypet.storage.hdf5.codec.spec import ATTR, CHILD, KIND, UTF8, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS", "read_items", "write_items"]

# Item types packed into one dataset, with the numpy dtype they are packed as.
_PLAIN_DTYPES = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}
_PLAIN_KINDS = {bool: KIND.BOOL, int: KIND.INT, float: KIND.FLOAT, complex: KIND.COMPLEX}


def _pack(items: list) -> tuple[np.ndarray, str] | None:
    """Return ``(dataset, item kind)`` for a homogeneous scalar sequence, else None."""
    if not items:
        return None
    first = type(items[0])
    for item in items:
        if type(item) is not first:
            return None
    if first in _PLAIN_DTYPES:
        try:
            return np.array(items, dtype=_PLAIN_DTYPES[first]), _PLAIN_KINDS[first]
        except OverflowError:  # an int beyond int64: items are stored one by one
            return None
    if first is str:
        encoded = [item.encode(*UTF8) for item in items]
        # Fixed-length strings end at NUL; such text goes item by item (uint8 each).
        if any(b"\x00" in data for data in encoded):
            return None
        return np.array(encoded), KIND.STR
    if first is bytes or first is np.bytes_:
        if any(b"\x00" in item for item in items):
            return None
        return np.array(items), KIND.BYTES if first is bytes else KIND.NP_BYTES
    if first is np.str_:
        if any("\x00" in item for item in items):
            return None
        return np.array(items), KIND.NP_STR
    if issubclass(first, np.generic):
        dtype = items[0].dtype
        # Same type may still mean different datetime units; void has no dataset form.
        if any(item.dtype != dtype for item in items) or not nodes.has_plain_form(dtype):
            return None
        return np.array(items, dtype=dtype), KIND.NP_SCALAR
    return None


def write_items(w: Writer, parent: tables.Group, name: str, items: list, kind: str) -> tables.Node:
    """Write ``items`` as one dataset if homogeneous scalars, else as a group of items."""
    packed = _pack(items)
    if packed is not None:
        node = nodes.write_array(w, parent, name, packed[0], kind)
        node._v_attrs[ATTR.ELEM] = packed[1]
        return node
    group = nodes.new_group(w, parent, name, kind)
    for position, item in enumerate(items):
        w.write(group, CHILD.LIST_ITEM % position, item)
    return group


def read_items(node: tables.Node, read: Callable[[tables.Node], Any]) -> list:
    """Invert :func:`write_items`."""
    if isinstance(node, tables.Group):
        get = node._f_get_child
        return [read(get(CHILD.LIST_ITEM % i)) for i in range(node._v_nchildren)]
    arr = nodes.read_array(node)
    elem = node._v_attrs[ATTR.ELEM]
    if elem == KIND.STR:
        return [data.decode(*UTF8) for data in arr.tolist()]
    if elem in (KIND.NP_SCALAR, KIND.NP_STR, KIND.NP_BYTES):
        return list(arr)  # iterating an array yields numpy scalars of its dtype
    return arr.tolist()  # bool/int/float/complex/bytes come back as exact Python types


def write_list(w: Writer, parent: tables.Group, name: str, value: list) -> tables.Node:
    return write_items(w, parent, name, value, KIND.LIST)


def write_tuple(w: Writer, parent: tables.Group, name: str, value: tuple) -> tables.Node:
    return write_items(w, parent, name, list(value), KIND.TUPLE)


def write_dict(w: Writer, parent: tables.Group, name: str, value: dict) -> tables.Node:
    keys = list(value)
    try:
        encoded = [encode_label(key) for key in keys]
    except LabelError as err:
        raise CodecError.unsupported(
            child_path(parent, name), value, f"the dict key {err}"
        ) from None
    group = nodes.new_group(w, parent, name, KIND.DICT)
    if keys:  # an absent key list means the empty dict
        nodes.write_json(w, group, ATTR.KEYS, encoded)
    for child, item in zip(child_names(keys), value.values(), strict=True):
        w.write(group, child, item)
    return group


def _read_dict(node: tables.Group, read: Callable[[tables.Node], Any]) -> dict:
    keys = [decode_label(key) for key in nodes.read_json(node, ATTR.KEYS, [])]
    get = node._f_get_child
    return {key: read(get(child)) for key, child in zip(keys, child_names(keys), strict=True)}


def sequence_problem(value: list | tuple, problem: Callable[[Any], str | None]) -> str | None:
    """First reason why an item of ``value`` cannot be stored, or None."""
    for position, item in enumerate(value):
        why = problem(item)
        if why:
            return f"item {position}: {why}"
    return None


def _dict_problem(value: dict, problem: Callable[[Any], str | None]) -> str | None:
    for key, item in value.items():
        why = label_problem(key)
        if why:
            return f"the dict key {why}"
        why = problem(item)
        if why:
            return f"key {key!r}: {why}"
    return None


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.LIST: read_items,
    KIND.TUPLE: lambda node, read: tuple(read_items(node, read)),
    KIND.DICT: _read_dict,
}

WRITERS: dict[type, Callable[..., Any]] = {list: write_list, tuple: write_tuple, dict: write_dict}

CHECKS: dict[type, Callable[..., str | None]] = {
    list: sequence_problem,
    tuple: sequence_problem,
    dict: _dict_problem,
}
