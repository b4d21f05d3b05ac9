"""Which values fit into a run-table cell, and how a cell turns back into the exact value.

A run result whose items are all small scalars or small fixed-shape numeric arrays is stored
as one row in per-item columns (see :mod:`.run_columns`); everything else is stored as
ordinary nodes. A *kind* string records the Python type so a cell comes back exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_CELL_ARRAY", "MAX_CELL_STR", "Cell", "cell_of", "fill_value", "from_column"]

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
