"""Reading one item of a pypet 0.7 leaf: a data node back to the Python value pypet 0.7 loads.

pypet 0.7 stored scalars, lists, tuples and arrays as PyTables arrays, dicts and
ObjectTables as tables, pandas objects through ``HDFStore``, and nested item names as
groups; attributes name the Python type to recall (``int``, ``float32``, ``str``, ...).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import tables

from pypet.storage.hdf5.legacy.layout import ATTR, STORE
from pypet.storage.pypet07_items import Pypet07Items

__all__ = ["read_items"]

#: type names pypet 0.7 recorded -> the type to recall (also the ``<type 'x'>`` of py2 files)
_TYPES: dict[str, Callable[[Any], Any]] = {
    "bool": bool, "int": int, "float": float, "complex": complex, "bytes": bytes,
    "bool_": np.bool_, "bytes_": np.bytes_,
    **{name: getattr(np, name) for name in (
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float32", "float64", "complex64", "complex128")},
}
_TYPES.update({f"<type '{name}'>": kind for name, kind in list(_TYPES.items())})


def _attr(attrs: Any, name: str) -> str | None:
    return str(attrs[name]) if name in attrs else None


def _scalar(value: Any, typestr: str | None, encoding: str) -> Any:
    if isinstance(value, np.ndarray):  # PyTables gives a 0-d (or 1-element) array
        value = value.reshape(-1)[0] if value.size == 1 else value[()]
    if typestr in ("str", "<type 'str'>"):
        return value.decode(encoding) if isinstance(value, bytes) else str(value)
    convert = _TYPES.get(typestr) if typestr is not None else None
    return value if convert is None else convert(value)


def recall(value: Any, coll: str | None, typestr: str | None, encoding: str) -> Any:
    """The value of type ``coll``/``typestr`` (pypet 0.7's recorded types) from stored data."""
    if coll == "COLL_SCALAR":
        return _scalar(value, typestr, encoding)
    if coll in ("COLL_LIST", "COLL_TUPLE"):
        # an empty list has no element type; else every element is recalled
        items = [item if typestr is None else _scalar(item, typestr, encoding)
                 for item in value]
        return tuple(items) if coll == "COLL_TUPLE" else items
    if coll == "COLL_NDARRAY" or coll == "COLL_MATRIX":
        array = np.asarray(value)
        if typestr == "str" and array.dtype.kind == "S":
            array = np.char.decode(array, encoding)
        return np.matrix(array) if coll == "COLL_MATRIX" else array
    if coll == "COLL_EMPTY_DICT":
        return {}
    return value


def _read_array(node: tables.Leaf, encoding: str) -> Any:
    attrs = node._v_attrs
    return recall(node.read(), _attr(attrs, ATTR.COLL_TYPE), _attr(attrs, ATTR.SCALAR_TYPE),
                  encoding)


def _columns(table: tables.Table, encoding: str) -> dict[str, list]:
    """Each column of a pypet 0.7 table with its cells' recalled types."""
    attrs = table._v_attrs
    data = table.read()
    columns = {}
    for name in table.colnames:
        prefix = f"{ATTR.COLUMN}{name}_"
        coll = _attr(attrs, prefix + "COLL_TYPE")
        typestr = _attr(attrs, prefix + "SCALAR_TYPE")
        columns[name] = [recall(cell, coll, typestr, encoding) for cell in data[name]]
    return columns


def _read_table(node: tables.Table, encoding: str) -> Any:
    # pypet 0.7 read tables back as its ObjectTable (a DataFrame keeping Python types);
    # imported by name, as the codec does, so storage does not depend on the results
    object_table = importlib.import_module("pypet.results.object_table").ObjectTable
    columns = _columns(node, encoding)
    return object_table(data=columns, columns=list(columns))


def _read_dict(node: tables.Table, encoding: str) -> dict[str, Any]:
    return {name: cells[0] for name, cells in _columns(node, encoding).items()}


def _read_pandas(node: tables.Group) -> Any:
    """A DataFrame or Series pypet 0.7 stored with pandas' ``HDFStore.put``."""
    import pandas as pd

    with pd.HDFStore(node._v_file.filename, mode="r") as store:
        return store.get(node._v_pathname)


def _read(node: tables.Node, encoding: str, prefix: str, out: dict[str, Any]) -> None:
    store = _attr(node._v_attrs, ATTR.STORE)
    if store in STORE.ARRAYS:
        out[prefix] = _read_array(node, encoding)
    elif store == STORE.TABLE:
        out[prefix] = _read_table(node, encoding)
    elif store == STORE.DICT:
        out[prefix] = _read_dict(node, encoding)
    elif store in (STORE.FRAME, STORE.SERIES):
        out[prefix] = _read_pandas(node)
    elif store == STORE.NESTED:
        for name in sorted(node._v_children):
            _read(node._v_children[name], encoding, f"{prefix}.{name}", out)
    elif store is not None and store.startswith(STORE.SHARED_PREFIX):
        raise NotImplementedError(
            f"{node._v_pathname!r} holds pypet 0.7 shared data ({store}), which this pypet "
            "does not read; copy it out with PyTables."
        )
    else:
        raise ValueError(f"{node._v_pathname!r} is no pypet 0.7 data node (SRVC_STORE={store!r}).")


def read_items(leaf_group: tables.Group, encoding: str, allow_pickle: bool, leaf: str,
               only: Any = None, exclude: Any = None) -> Pypet07Items:
    """The items of a pypet 0.7 leaf group as pypet 0.7's ``_store()`` dict (nested names
    joined by ``.``); ``only``/``exclude`` pick items by their top-level name. Pickled items
    stay bytes here; ``allow_pickle`` says whether converting them may unpickle them."""
    items = Pypet07Items(allow_pickle, leaf)
    children = leaf_group._v_children
    for name in sorted(children):  # pypet 0.7 gave the items in name order
        child = children[name]
        if (only is not None and name not in only) or (exclude is not None and name in exclude):
            continue
        _read(child, encoding, name, items)
    return items
