"""pandas DataFrame and Series.

* ``pandas.DataFrame``: group with ``__index__`` and ``__columns__`` (index nodes, see
  :mod:`.pdindex`) and one child per column, named after its label when that is a plain
  identifier (``f["df/price"][:]`` in h5py) and ``_<position>`` otherwise (see
  :mod:`.labels`). A column is a numpy dataset when its dtype is a numpy dtype, else the
  extension-array form of :mod:`.pdarray`.
* ``pandas.Series``: group with ``index`` and ``values``; ``pypet_name`` when named.

pypet's ``ObjectTable`` (a DataFrame subclass) is stored as a DataFrame with
``pypet_class = "ObjectTable"`` and read back as an ObjectTable.
``DataFrame.attrs`` and ``flags`` are not stored.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import tables

from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.labels import child_names, label_problem
from pypet.storage.hdf5.codec.pdarray import values_of, values_problem, write_values
from pypet.storage.hdf5.codec.pdindex import index_problem, read_name, write_name
from pypet.storage.hdf5.codec.spec import ATTR, CHILD, KIND

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS"]

#: ``pypet_class`` of a DataFrame stored from pypet's ObjectTable (read back as one)
OBJECT_TABLE = "ObjectTable"


def _write_frame(w: Writer, parent: tables.Group, name: str, frame: pd.DataFrame) -> tables.Node:
    group = nodes.new_group(w, parent, name, KIND.FRAME)
    w.write(group, CHILD.INDEX, frame.index)
    w.write(group, CHILD.COLUMNS, frame.columns)
    for position, child in enumerate(child_names(frame.columns)):
        write_values(w, group, child, values_of(frame.iloc[:, position]))
    return group


def _write_object_table(w: Writer, parent: tables.Group, name: str,
                        frame: pd.DataFrame) -> tables.Node:
    group = _write_frame(w, parent, name, frame)
    group._v_attrs[ATTR.CLASS] = OBJECT_TABLE
    return group


def _object_table_class() -> type:
    # pypet's ObjectTable (a DataFrame of Python objects) lives with the results; imported
    # by name so the codec does not depend on the package that uses it
    return importlib.import_module("pypet.results.object_table").ObjectTable


def _write_series(w: Writer, parent: tables.Group, name: str, series: pd.Series) -> tables.Node:
    group = nodes.new_group(w, parent, name, KIND.SERIES)
    w.write(group, CHILD.SERIES_INDEX, series.index)
    write_values(w, group, CHILD.VALUES, values_of(series))
    write_name(w, group, series.name)
    return group


def _column(values: Any, index: pd.Index) -> pd.Series:
    # dtype= stops pandas from inferring (an object array of str would become 'str').
    return pd.Series(values, index=index, dtype=values.dtype, copy=False)


def _read_frame(node: tables.Group, read: Callable[[tables.Node], Any]) -> pd.DataFrame:
    get = node._f_get_child
    index = read(get(CHILD.INDEX))
    columns = read(get(CHILD.COLUMNS))
    # Integer keys and one shared index object: pandas neither aligns nor reorders.
    data = {
        position: _column(read(get(child)), index)
        for position, child in enumerate(child_names(columns))
    }
    frame = pd.DataFrame(data, index=index, copy=False)
    frame.columns = columns
    if ATTR.CLASS in node._v_attrs and str(node._v_attrs[ATTR.CLASS]) == OBJECT_TABLE:
        return _object_table_class()(frame)
    return frame


def _read_series(node: tables.Group, read: Callable[[tables.Node], Any]) -> pd.Series:
    get = node._f_get_child
    values = read(get(CHILD.VALUES))
    index = read(get(CHILD.SERIES_INDEX))
    return pd.Series(values, index=index, dtype=values.dtype, name=read_name(node), copy=False)


def _frame_problem(frame: pd.DataFrame, problem: Callable[[Any], str | None]) -> str | None:
    why = index_problem(frame.index, problem) or index_problem(frame.columns, problem)
    if why:
        return why
    for position, label in enumerate(frame.columns):
        why = values_problem(values_of(frame.iloc[:, position]), problem)
        if why:
            return f"column {label!r}: {why}"
    return None


def _series_problem(series: pd.Series, problem: Callable[[Any], str | None]) -> str | None:
    why = label_problem(series.name)
    if why:
        return f"the series name {why}"
    return index_problem(series.index, problem) or values_problem(values_of(series), problem)


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.FRAME: _read_frame,
    KIND.SERIES: _read_series,
}
WRITERS: dict[type, Callable[..., Any]] = {pd.DataFrame: _write_frame, pd.Series: _write_series,
                                           _object_table_class(): _write_object_table}
CHECKS: dict[type, Callable[..., str | None]] = {
    pd.DataFrame: _frame_problem,
    pd.Series: _series_problem,
    _object_table_class(): _frame_problem,
}
