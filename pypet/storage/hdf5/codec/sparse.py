"""scipy.sparse matrices and arrays, every format, as a group of their defining arrays.

The group carries ``pypet_class`` (e.g. ``csr_matrix``, ``coo_array``) and ``pypet_shape``;
its children are plain datasets, so any HDF5 reader can rebuild the matrix:

* csr, csc, bsr: ``data``, ``indices``, ``indptr`` (scipy's compressed layout, explicit
  zeros and index order kept; bsr blocks are the trailing axes of ``data``);
* dia: ``data``, ``offsets``;
* coo, and lil/dok (which are converted to coo for storage): ``data`` and ``coords``
  (one row per axis).

This module imports scipy; the codec imports it only when such a value or node is met.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.spec import ATTR, KIND, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS"]

_FORMATS = ("csr", "csc", "bsr", "dia", "coo", "lil", "dok")
#: class name -> class, for both the spmatrix and the sparray families
_CLASSES: dict[str, type] = {
    f"{fmt}_{family}": getattr(sp, f"{fmt}_{family}")
    for fmt in _FORMATS
    for family in ("matrix", "array")
}


def _parts(value: Any) -> dict[str, np.ndarray]:
    fmt = value.format
    if fmt in ("csr", "csc", "bsr"):
        return {"data": value.data, "indices": value.indices, "indptr": value.indptr}
    if fmt == "dia":
        return {"data": value.data, "offsets": value.offsets}
    coo = value if fmt == "coo" else value.tocoo()
    return {"data": coo.data, "coords": np.stack(coo.coords)}  # shape (ndim, nnz)


def write_sparse(w: Writer, parent: tables.Group, name: str, value: Any) -> tables.Node:
    """Write one sparse matrix/array whose class is one of :data:`_CLASSES`."""
    if not nodes.has_plain_form(value.dtype):
        raise CodecError.unsupported(
            child_path(parent, name), value, f"sparse dtype {value.dtype} is not stored"
        )
    group = nodes.new_group(w, parent, name, KIND.SPARSE)
    attrs = group._v_attrs
    attrs[ATTR.CLASS] = type(value).__name__
    attrs[ATTR.SHAPE] = json.dumps(value.shape)
    for part, arr in _parts(value).items():
        nodes.write_array(w, group, part, np.asarray(arr), None)
    return group


def _read_sparse(node: tables.Group, read: Any) -> Any:
    attrs = node._v_attrs
    class_name = str(attrs[ATTR.CLASS])
    cls = _CLASSES.get(class_name)
    if cls is None:
        raise CodecError(f"{node._v_pathname!r}: unknown sparse class {class_name!r}")
    shape = tuple(json.loads(str(attrs[ATTR.SHAPE])))
    part = {child: nodes.read_array(node._f_get_child(child)) for child in node._v_children}
    fmt = class_name[:3]
    if fmt in ("csr", "csc", "bsr"):
        return cls((part["data"], part["indices"], part["indptr"]), shape=shape)
    if fmt == "dia":
        return cls((part["data"], part["offsets"]), shape=shape)
    coo_cls = sp.coo_array if class_name.endswith("_array") else sp.coo_matrix
    coo = coo_cls((part["data"], tuple(part["coords"])), shape=shape)
    return coo if cls is coo_cls else cls(coo)


def _sparse_problem(value: Any, problem: Any) -> str | None:
    if not nodes.has_plain_form(value.dtype):
        return f"sparse dtype {value.dtype} is not stored"
    return None


READERS: dict[str, Callable[[Any, Any], Any]] = {KIND.SPARSE: _read_sparse}
WRITERS: dict[type, Callable[..., Any]] = {cls: write_sparse for cls in _CLASSES.values()}
CHECKS: dict[type, Callable[..., str | None]] = {cls: _sparse_problem for cls in _CLASSES.values()}
