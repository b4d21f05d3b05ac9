"""Which values fit into a run-table cell, which column a whole range of them makes (an
explored parameter's), and how a cell turns back into the exact value.

A run result whose items are all small scalars or small fixed-shape numeric arrays is stored
as one row in per-item columns (see :mod:`.run_columns`); everything else is stored as
ordinary nodes. A *kind* string records the Python type so a cell comes back exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["MAX_CELL_ARRAY", "MAX_CELL_STR", "Cell", "cell_of", "column_of", "fill_value",
           "from_column"]

#: Arrays with more elements, and strings with more characters, are stored as nodes.
MAX_CELL_ARRAY = 64
MAX_CELL_STR = 256

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_PLAIN = {float: ("float", np.dtype("f8")), bool: ("bool", np.dtype("?")),
          complex: ("complex", np.dtype("c16"))}


class Cell:
    """The column type of a value: kind string, numpy dtype and per-row shape."""

    __slots__ = ("dtype", "kind", "shape")

    def __init__(self, kind: str, dtype: np.dtype, shape: tuple[int, ...] = ()) -> None:
        self.kind, self.dtype, self.shape = kind, dtype, shape

    def fits(self, other: Cell) -> bool:
        """Whether a value of cell type ``other`` can go into this column."""
        if self.kind != other.kind or self.shape != other.shape:
            return False
        if self.kind == "str":
            return True  # the column widens when needed
        return self.dtype == other.dtype


def cell_of(value: Any) -> Cell | None:
    """Return the cell type of ``value``, or None if it must be stored as a node."""
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return Cell(plain[0], plain[1])
    kind = type(value)
    if kind is int:
        return Cell("int", np.dtype("i8")) if _INT64_MIN <= value <= _INT64_MAX else None
    if kind is str:
        if len(value) > MAX_CELL_STR or "\x00" in value:
            return None
        return Cell("str", np.dtype(f"S{max(1, len(value.encode('utf8')))}"))
    if isinstance(value, np.generic):
        dtype = value.dtype
        if _numeric(dtype) and type(value) is dtype.type:
            return Cell("numpy:" + dtype.str, dtype)
        return None
    if kind is np.ndarray:
        dtype = value.dtype
        if 0 < value.ndim and 0 < value.size <= MAX_CELL_ARRAY and _numeric(dtype):
            return Cell("ndarray:" + dtype.str, dtype, value.shape)
    return None


def column_of(values: list) -> tuple[Cell, np.ndarray] | None:
    """The cell and data of one column holding ``values`` (an explored range), or None if
    a value fits no cell or the values share none (ints and floats, say)."""
    found = _plain_column(values)
    if found is not None:
        return found
    cells_found = [cell_of(v) for v in values]
    cells = [c for c in cells_found if c is not None]
    if not cells or len(cells) < len(cells_found) or any(not cells[0].fits(c) for c in cells):
        return None
    cell = cells[0]
    data = np.array([v.encode("utf8") if cell.kind == "str" else v for v in values],
                    dtype=_widest(cell, cells))
    return cell, data


def _plain_column(values: list) -> tuple[Cell, np.ndarray] | None:
    """Cell and data of a range of Python floats, ints (int64) or bools in one go (the usual
    explored range; a million values take milliseconds instead of a second), else None."""
    kinds = {type(v) for v in values}
    if len(kinds) != 1 or not kinds <= {float, int, bool}:
        return None
    cell = cell_of(values[0])
    if cell is None:  # an int beyond int64
        return None
    try:
        return cell, np.array(values, dtype=cell.dtype)
    except OverflowError:  # an int beyond int64 somewhere: no column
        return None


def _widest(cell: Cell, cells: Sequence[Cell | None]) -> np.dtype:
    """The dtype of a column of ``cells`` (of one kind): strings take the longest."""
    if cell.kind != "str":
        return cell.dtype
    return np.dtype(f"S{max(c.dtype.itemsize for c in cells if c is not None)}")


def _numeric(dtype: np.dtype) -> bool:
    # float128/complex256 have no portable HDF5 type; they go to the node form
    return dtype.kind in "biufc" and dtype.itemsize <= (16 if dtype.kind == "c" else 8)


def fill_value(cell: Cell) -> Any:
    """The value of rows that hold nothing (masked out by the presence column)."""
    if cell.kind in ("float", "complex") or cell.dtype.kind in "fc":
        return np.nan
    if cell.kind == "str":
        return b""
    return 0


def from_column(kind: str, values: np.ndarray) -> list[Any]:
    """Turn cells of one column back into exact Python/numpy values."""
    if kind in ("float", "int", "bool", "complex"):
        return values.tolist()
    if kind == "str":
        return [v.decode("utf8") for v in values.tolist()]
    if kind.startswith("numpy:"):
        return list(values)
    if kind.startswith("ndarray:"):
        return [np.array(v) for v in values]
    raise ValueError(f"Unknown cell kind {kind!r} in the run table (newer file format?).")
