"""numpy arrays and matrices: one dataset each, of any shape (0-d and empty included).

* numeric, bool, complex and byte-string dtypes: the dataset has the array's dtype;
* unicode, datetime64, timedelta64 and non-native byte order: plain on-disk dtype plus
  ``pypet_dtype`` (see :mod:`.nodes`);
* structured dtypes (numeric and byte-string fields): a table of the flattened array
  (h5py reads it as a compound dataset), with ``pypet_dtype`` (the numpy descr) and
  ``pypet_shape``;
* object arrays: kind ``numpy.object_array``, the flattened items stored like a list
  (one dataset when homogeneous, see :mod:`.containers`), with ``pypet_shape``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.containers import read_items, sequence_problem, write_items
from pypet.storage.hdf5.codec.spec import ATTR, CHUNK_THRESHOLD_BYTES, KIND, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS", "array_problem"]

# Field kinds a PyTables table can hold as they are.
_TABLE_FIELD_KINDS = frozenset("biufcS")


def _structured_problem(dtype: np.dtype) -> str | None:
    assert dtype.names is not None and dtype.fields is not None  # a structured dtype
    for field in dtype.names:
        base = dtype.fields[field][0].base
        if base.names is not None or base.kind not in _TABLE_FIELD_KINDS:
            return (
                f"structured field {field!r} has dtype {base}; only numeric, bool and "
                "byte-string fields are stored"
            )
    return None


def array_problem(value: np.ndarray, problem: Callable[[Any], str | None]) -> str | None:
    """Say why ``value`` cannot be stored, or return None."""
    dtype = value.dtype
    if dtype.kind == "O":
        return sequence_problem(list(value.flat), problem)
    if dtype.names is not None:
        return _structured_problem(dtype)
    if not nodes.has_plain_form(dtype):
        return f"arrays of dtype {dtype} have no stored form"
    return None


def _fail(parent: tables.Group, name: str, value: Any, why: str) -> CodecError:
    return CodecError.unsupported(child_path(parent, name), value, why)


def _write_structured(w: Writer, parent: tables.Group, name: str, value: np.ndarray) -> tables.Node:
    why = _structured_problem(value.dtype)
    if why:
        raise _fail(parent, name, value, why)
    # PyTables refuses mixed byte orders; the descr below restores the original ones.
    flat = value.reshape(-1).astype(value.dtype.newbyteorder("="), copy=False)
    big = w.filters is not None and flat.nbytes > CHUNK_THRESHOLD_BYTES
    node = w.file.create_table(parent, name, obj=flat, filters=w.filters if big else None)
    attrs = node._v_attrs
    attrs[ATTR.KIND] = KIND.NDARRAY
    # repr of the numpy descr keeps byte order, offsets and sub-array shapes exactly.
    attrs[ATTR.DTYPE] = repr(np.lib.format.dtype_to_descr(value.dtype))
    attrs[ATTR.SHAPE] = json.dumps(value.shape)
    return node


def write_ndarray(w: Writer, parent: tables.Group, name: str, value: np.ndarray) -> tables.Node:
    """Write a plain ``numpy.ndarray`` (not a subclass; those go through their own writer)."""
    kind = value.dtype.kind
    if kind == "O":
        node = write_items(w, parent, name, list(value.flat), KIND.OBJECT_ARRAY)
        node._v_attrs[ATTR.SHAPE] = json.dumps(value.shape)
        return node
    if value.dtype.names is not None:
        return _write_structured(w, parent, name, value)
    if not nodes.has_plain_form(value.dtype):
        raise _fail(parent, name, value, f"arrays of dtype {value.dtype} have no stored form")
    return nodes.write_array(w, parent, name, value, KIND.NDARRAY)


def write_matrix(w: Writer, parent: tables.Group, name: str, value: np.matrix) -> tables.Node:
    arr = np.asarray(value)
    if not nodes.has_plain_form(arr.dtype):  # object and structured matrices too
        raise _fail(parent, name, value, f"matrices of dtype {arr.dtype} have no stored form")
    return nodes.write_array(w, parent, name, arr, KIND.MATRIX)


def _read_ndarray(node: tables.Leaf, read: Any) -> np.ndarray:
    if isinstance(node, tables.Table):
        attrs = node._v_attrs
        dtype = np.lib.format.descr_to_dtype(ast.literal_eval(str(attrs[ATTR.DTYPE])))
        shape = tuple(json.loads(str(attrs[ATTR.SHAPE])))
        return node.read().astype(dtype, copy=False).reshape(shape)
    return nodes.read_array(node)


def _read_object_array(node: tables.Node, read: Any) -> np.ndarray:
    items = read_items(node, read)
    shape = tuple(json.loads(str(node._v_attrs[ATTR.SHAPE])))
    out = np.empty(len(items), dtype=object)
    # Assign one by one: a slice assignment would broadcast items that are sequences.
    for position, item in enumerate(items):
        out[position] = item
    return out.reshape(shape)


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.NDARRAY: _read_ndarray,
    KIND.MATRIX: lambda node, read: np.asmatrix(nodes.read_array(node)),
    KIND.OBJECT_ARRAY: _read_object_array,
}

WRITERS: dict[type, Callable[..., Any]] = {np.ndarray: write_ndarray, np.matrix: write_matrix}


def _matrix_problem(value: np.matrix, problem: Any) -> str | None:
    arr = np.asarray(value)
    if not nodes.has_plain_form(arr.dtype):  # object and structured matrices too
        return f"matrices of dtype {arr.dtype} have no stored form"
    return None


CHECKS: dict[type, Callable[..., str | None]] = {
    np.ndarray: array_problem,
    np.matrix: _matrix_problem,
}
