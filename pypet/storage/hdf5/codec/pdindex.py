"""pandas indexes: RangeIndex, MultiIndex and every Index with storable values.

* ``pandas.RangeIndex``: one int64 dataset ``[start, stop, step]``;
* ``pandas.Index`` (also Datetime-, Timedelta-, CategoricalIndex, whose class follows from
  the values): group with ``values`` (see :mod:`.pdarray`) and ``pypet_freq`` when the
  index has a frequency;
* ``pandas.MultiIndex``: group with levels ``l0, l1, ...`` (Index nodes) and codes
  ``c0, c1, ...`` (plain integer datasets), ``pypet_names`` holding the level names.

``pypet_name`` (a JSON label, see :mod:`.labels`) is present when the index has a name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import tables

from pypet.errors import CodecError, LabelError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.labels import decode_label, encode_label, label_problem
from pypet.storage.hdf5.codec.pdarray import values_of, values_problem, write_values
from pypet.storage.hdf5.codec.spec import ATTR, CHILD, KIND

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS", "write_name"]

_INDEX_CLASSES = (pd.Index, pd.DatetimeIndex, pd.TimedeltaIndex, pd.CategoricalIndex)


def write_name(w: Writer, node: tables.Node, name: Any) -> None:
    """Record a Series/Index name (nothing for None, the common case)."""
    if name is None:
        return
    try:
        nodes.write_json(w, node, ATTR.NAME, encode_label(name))
    except LabelError as err:
        raise CodecError.unsupported(node._v_pathname, name, f"the name {err}") from None


def read_name(node: tables.Node) -> Any:
    """Invert :func:`write_name`."""
    return decode_label(nodes.read_json(node, ATTR.NAME))


def _write_range(w: Writer, parent: tables.Group, name: str, index: pd.RangeIndex) -> tables.Node:
    bounds = np.array([index.start, index.stop, index.step], dtype=np.int64)
    node = nodes.write_array(w, parent, name, bounds, KIND.RANGE_INDEX)
    write_name(w, node, index.name)
    return node


def _write_multi(w: Writer, parent: tables.Group, name: str, index: pd.MultiIndex) -> tables.Node:
    group = nodes.new_group(w, parent, name, KIND.MULTI_INDEX)
    try:
        names = [encode_label(level_name) for level_name in index.names]
    except LabelError as err:
        raise CodecError.unsupported(group._v_pathname, index, f"the name {err}") from None
    nodes.write_json(w, group, ATTR.NAMES, names)
    for position, (level, codes) in enumerate(zip(index.levels, index.codes, strict=True)):
        w.write(group, CHILD.LEVEL % position, level)
        nodes.write_array(w, group, CHILD.LEVEL_CODES % position, np.asarray(codes), None)
    return group


def _write_index(w: Writer, parent: tables.Group, name: str, index: pd.Index) -> tables.Node:
    group = nodes.new_group(w, parent, name, KIND.INDEX)
    write_values(w, group, CHILD.VALUES, values_of(index))
    write_name(w, group, index.name)
    if getattr(index, "freq", None) is not None:
        group._v_attrs[ATTR.FREQ] = index.freqstr
    return group


def _read_range(node: tables.Leaf, read: Any) -> pd.RangeIndex:
    start, stop, step = node.read().tolist()
    return pd.RangeIndex(start, stop, step, name=read_name(node))


def _read_multi(node: tables.Group, read: Callable[[tables.Node], Any]) -> pd.MultiIndex:
    names = [decode_label(name) for name in nodes.read_json(node, ATTR.NAMES)]
    get = node._f_get_child
    levels = [read(get(CHILD.LEVEL % i)) for i in range(len(names))]
    codes = [nodes.read_array(get(CHILD.LEVEL_CODES % i)) for i in range(len(names))]
    return pd.MultiIndex(levels=levels, codes=codes, names=names, verify_integrity=False)


def _read_index(node: tables.Group, read: Callable[[tables.Node], Any]) -> pd.Index:
    values = read(node._f_get_child(CHILD.VALUES))
    # dtype= stops pandas from inferring (an object array of str would become 'str').
    index = pd.Index(values, dtype=values.dtype, name=read_name(node), copy=False)
    freq = nodes.get_attr(node, ATTR.FREQ)
    if freq is not None:
        index = type(index)(index, freq=str(freq))
    return index


def index_problem(index: pd.Index, problem: Callable[[Any], str | None]) -> str | None:
    """Say why ``index`` cannot be stored, or return None."""
    for name in index.names:
        why = label_problem(name)
        if why:
            return f"the index name {why}"
    if type(index) is pd.MultiIndex:
        for level in index.levels:
            why = index_problem(level, problem)
            if why:
                return why
        return None
    if type(index) is pd.RangeIndex:
        return None
    return values_problem(values_of(index), problem)


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.RANGE_INDEX: _read_range,
    KIND.MULTI_INDEX: _read_multi,
    KIND.INDEX: _read_index,
}
WRITERS: dict[type, Callable[..., Any]] = {
    pd.RangeIndex: _write_range,
    pd.MultiIndex: _write_multi,
    **{cls: _write_index for cls in _INDEX_CLASSES},
}
CHECKS: dict[type, Callable[..., str | None]] = {cls: index_problem for cls in WRITERS}
