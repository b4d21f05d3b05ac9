"""The values of a pandas Series, DataFrame column or Index.

Values with a numpy dtype are written as numpy arrays (:mod:`.array`; object columns
item by item, or as one dataset when homogeneous). pandas extension dtypes get a form each:

* ``pandas.Categorical``: group with ``codes`` (plain integer dataset) and ``categories``
  (an Index node), ``pypet_ordered = 1`` when ordered;
* ``pandas.masked`` (nullable Int*/UInt*/Float*/boolean and the string dtypes): group with
  ``values`` (missing entries filled with 0/False/"") and, when anything is missing, a
  bool ``mask``; ``pypet_dtype`` names the dtype (``Int64``, ``string[python]``,
  ``str[python]`` for pandas' NaN-variant default string dtype);
* ``pandas.DatetimeTZ``: the UTC instants as datetime64 (stored as int64 + ``pypet_dtype``)
  and ``pypet_tz`` naming the time zone.

This module imports pandas; the codec imports it only when a pandas value or node is met.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.spec import ATTR, CHILD, KIND, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS", "values_of", "values_problem", "write_values"]

_MASKED_DTYPES = frozenset(
    f"{base}{bits}" for base in ("Int", "UInt") for bits in (8, 16, 32, 64)
) | {"Float32", "Float64", "boolean"}


def values_of(obj: pd.Series | pd.Index) -> Any:
    """The values of ``obj``: an ndarray for numpy dtypes, else the ExtensionArray."""
    return obj.to_numpy() if isinstance(obj.dtype, np.dtype) else obj.array


def _string_tag(dtype: pd.StringDtype) -> str:
    name = "string" if dtype.na_value is pd.NA else "str"
    return f"{name}[{dtype.storage}]"


def _dtype_from_tag(tag: str) -> Any:
    if tag.startswith(("string[", "str[")):
        name, storage = tag[:-1].split("[")
        return pd.StringDtype(storage, na_value=pd.NA if name == "string" else np.nan)
    return pd.api.types.pandas_dtype(tag)


def _form(dtype: Any) -> str | None:
    """The kind a pandas dtype is stored as, or None if it has no stored form."""
    if isinstance(dtype, np.dtype):
        return KIND.NDARRAY
    if isinstance(dtype, pd.CategoricalDtype):
        return KIND.CATEGORICAL
    if isinstance(dtype, pd.StringDtype) or dtype.name in _MASKED_DTYPES:
        return KIND.MASKED
    if isinstance(dtype, pd.DatetimeTZDtype):
        return KIND.DATETIME_TZ
    return None


def write_categorical(w: Writer, parent: tables.Group, name: str,
                      values: pd.Categorical) -> tables.Node:
    group = nodes.new_group(w, parent, name, KIND.CATEGORICAL)
    if values.ordered:
        group._v_attrs[ATTR.ORDERED] = 1
    nodes.write_array(w, group, CHILD.CODES, np.asarray(values.codes), None)
    w.write(group, CHILD.CATEGORIES, values.categories)
    return group


def _write_masked(w: Writer, parent: tables.Group, name: str, values: Any) -> tables.Node:
    dtype = values.dtype
    group = nodes.new_group(w, parent, name, KIND.MASKED)
    if isinstance(dtype, pd.StringDtype):
        group._v_attrs[ATTR.DTYPE] = _string_tag(dtype)
        filled = values.to_numpy(dtype=object, na_value="")
    else:
        group._v_attrs[ATTR.DTYPE] = dtype.name
        fill = np.zeros((), dtype=dtype.numpy_dtype)[()]
        filled = values.to_numpy(dtype=dtype.numpy_dtype, na_value=fill)
    w.write(group, CHILD.VALUES, filled)
    mask = np.asarray(values.isna(), dtype=np.bool_)
    if mask.any():
        nodes.write_array(w, group, CHILD.MASK, mask, None)
    return group


def _write_datetime_tz(w: Writer, parent: tables.Group, name: str, values: Any) -> tables.Node:
    utc = np.asarray(values.tz_convert(None))  # naive datetime64 in UTC
    node = nodes.write_array(w, parent, name, utc, KIND.DATETIME_TZ)
    node._v_attrs[ATTR.TZ] = str(values.dtype.tz)
    return node


def write_values(w: Writer, parent: tables.Group, name: str, values: Any) -> tables.Node:
    """Write what :func:`values_of` returned, in the form its dtype calls for."""
    form = _form(values.dtype)
    if form == KIND.NDARRAY:
        return w.write(parent, name, values)
    if form == KIND.CATEGORICAL:
        return write_categorical(w, parent, name, values)
    if form == KIND.MASKED:
        return _write_masked(w, parent, name, values)
    if form == KIND.DATETIME_TZ:
        return _write_datetime_tz(w, parent, name, values)
    raise CodecError.unsupported(
        child_path(parent, name), values, f"pandas dtype {values.dtype} is not stored"
    )


def values_problem(values: Any, problem: Callable[[Any], str | None]) -> str | None:
    """Say why ``values`` (from :func:`values_of`) cannot be stored, or return None."""
    form = _form(values.dtype)
    if form == KIND.NDARRAY:
        return problem(values)
    if form == KIND.CATEGORICAL:
        return problem(values.categories)
    if form is None:
        return f"pandas dtype {values.dtype} is not stored"
    return None


def _read_categorical(node: tables.Group, read: Callable[[tables.Node], Any]) -> Any:
    ordered = bool(nodes.get_attr(node, ATTR.ORDERED, 0))
    dtype = pd.CategoricalDtype(read(node._f_get_child(CHILD.CATEGORIES)), ordered=ordered)
    codes = nodes.read_array(node._f_get_child(CHILD.CODES))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def _read_masked(node: tables.Group, read: Callable[[tables.Node], Any]) -> Any:
    dtype = _dtype_from_tag(str(node._v_attrs[ATTR.DTYPE]))
    result = pd.array(read(node._f_get_child(CHILD.VALUES)), dtype=dtype)
    if CHILD.MASK in node:
        result[nodes.read_array(node._f_get_child(CHILD.MASK))] = None
    return result


def _read_datetime_tz(node: tables.Leaf, read: Any) -> Any:
    utc = pd.array(nodes.read_array(node))
    return utc.tz_localize("UTC").tz_convert(str(node._v_attrs[ATTR.TZ]))


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.CATEGORICAL: _read_categorical,
    KIND.MASKED: _read_masked,
    KIND.DATETIME_TZ: _read_datetime_tz,
}
WRITERS: dict[type, Callable[..., Any]] = {pd.Categorical: write_categorical}
CHECKS: dict[type, Callable[..., str | None]] = {pd.Categorical: values_problem}
