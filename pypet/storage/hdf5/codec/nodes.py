"""Low-level node helpers shared by every stored form.

They hold the three rules that make the file readable without pypet:

* numeric, bool and byte-string arrays are written as they are (h5py reads them directly);
* numpy dtypes HDF5/PyTables cannot hold are mapped to a plain on-disk dtype, and the
  original ``dtype.str`` is recorded in ``pypet_dtype`` (unicode → UTF-8 bytes,
  datetime64/timedelta64 → int64, non-native byte order → as is, cast back on reading);
* metadata are plain string attributes; JSON only where a list is needed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec.spec import ATTR, CHILD, CHUNK_THRESHOLD_BYTES, MAX_ATTR_CHARS, UTF8

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = [
    "from_disk",
    "get_attr",
    "has_plain_form",
    "new_group",
    "read_array",
    "read_json",
    "to_disk",
    "write_array",
    "write_json",
]

_NUMERIC = frozenset("biufcS")
_PLAIN_KINDS = frozenset("biufcSUMm")


def has_plain_form(dtype: np.dtype) -> bool:
    """Tell whether arrays of ``dtype`` (not structured, not object) can be written."""
    return dtype.kind in _PLAIN_KINDS


def to_disk(arr: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Return ``(on-disk array, dtype tag or None)`` for a dtype with :func:`has_plain_form`."""
    dtype = arr.dtype
    kind = dtype.kind
    if kind in _NUMERIC:
        # PyTables writes non-native byte order as is but reads it back native: record it.
        return arr, None if dtype.isnative else dtype.str
    if kind == "U":
        return np.char.encode(arr, *UTF8), dtype.str
    if kind in "Mm":
        return arr.view(dtype.str[0] + "i8"), dtype.str
    raise ValueError(f"arrays of dtype {dtype} have no plain on-disk form")  # callers check


def from_disk(raw: np.ndarray, tag: str | None) -> np.ndarray:
    """Undo :func:`to_disk` given the recorded dtype tag."""
    if tag is None:
        return raw
    dtype = np.dtype(tag)
    if dtype.kind == "U":
        return np.char.decode(raw, *UTF8).astype(dtype, copy=False)
    if dtype.kind in "Mm":
        return raw.view(dtype.newbyteorder("=")).astype(dtype, copy=False)
    return raw.astype(dtype, copy=False)


def new_group(w: Writer, parent: tables.Group, name: str, kind: str) -> tables.Group:
    """Create a child group carrying ``pypet_kind``."""
    group = w.file.create_group(parent, name)
    group._v_attrs[ATTR.KIND] = kind
    return group


def write_array(
    w: Writer, parent: tables.Group, name: str, arr: np.ndarray, kind: str | None
) -> tables.Array:
    """Write ``arr`` as one dataset; chunked with the caller's filters only when big.

    ``kind=None`` writes a bare part of a composite node (sparse indices, codes, masks):
    its parent knows what it is, and skipping the attribute saves its write time.
    The caller checked that the dtype has an on-disk form.
    """
    disk, tag = to_disk(arr)
    if w.filters is not None and disk.ndim and disk.nbytes > CHUNK_THRESHOLD_BYTES:
        node = w.file.create_carray(parent, name, obj=disk, filters=w.filters)
    else:
        node = w.file.create_array(parent, name, obj=disk)
    if kind is not None or tag is not None:
        attrs = node._v_attrs
        if kind is not None:
            attrs[ATTR.KIND] = kind
        if tag is not None:
            attrs[ATTR.DTYPE] = tag
    return node


def read_array(node: tables.Leaf) -> np.ndarray:
    """Read a dataset written by :func:`write_array`, restoring the original dtype."""
    raw = node.read()
    attrs = node._v_attrs
    tag = attrs[ATTR.DTYPE] if ATTR.DTYPE in attrs else None
    return from_disk(raw, tag)


def get_attr(node: tables.Node, name: str, default: Any = None) -> Any:
    """Return attribute ``name`` of ``node``, or ``default`` when it is absent."""
    attrs = node._v_attrs
    return attrs[name] if name in attrs else default


def write_json(w: Writer, node: tables.Group, name: str, obj: Any) -> None:
    """Store ``obj`` as a JSON string attribute, or as a child dataset if it is too long."""
    text = json.dumps(obj)
    if len(text) <= MAX_ATTR_CHARS:
        node._v_attrs[name] = text
    elif not isinstance(node, tables.Group):
        raise CodecError(f"Cannot store {node._v_pathname!r}: its {name} is too long")
    else:  # ensure_ascii JSON has no NUL bytes, so a fixed-length string keeps it whole
        w.file.create_array(node, CHILD.JSON_OVERFLOW % name, obj=np.array(text.encode()))


def read_json(node: tables.Group, name: str, default: Any = None) -> Any:
    """Read what :func:`write_json` stored, or ``default`` when neither form is present."""
    attrs = node._v_attrs
    if name in attrs:
        return json.loads(str(attrs[name]))
    overflow = CHILD.JSON_OVERFLOW % name
    if isinstance(node, tables.Group) and overflow in node:
        return json.loads(node._f_get_child(overflow).read()[()].decode())
    return default
