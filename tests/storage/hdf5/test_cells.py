"""The column an explored range makes in the run table (pypet.storage.hdf5.cells.column_of)."""

from __future__ import annotations

import numpy as np
import pytest

from pypet.storage.hdf5.cells import column_of, from_column


@pytest.mark.parametrize(("values", "kind", "dtype"), [
    ([0.5, 1.5, -2.0], "float", "f8"),
    ([1, 2, 3], "int", "i8"),
    ([True, False], "bool", "?"),
    ([1 + 2j, 3j], "complex", "c16"),
    ([np.int32(1), np.int32(7)], "numpy:<i4", "i4"),
])
def test_a_range_of_one_type_makes_one_column(values, kind, dtype):
    """Values of one scalar type give one column of their kind that reads back exactly."""
    cell, data = column_of(values)
    assert (cell.kind, data.dtype, data.shape) == (kind, np.dtype(dtype), (len(values),))
    assert from_column(cell.kind, data) == values


def test_strings_take_the_width_of_the_longest():
    """A string column is as wide as its longest value (in UTF-8 bytes)."""
    values = ["a", "ünïcode", ""]
    cell, data = column_of(values)
    assert cell.kind == "str"
    assert data.dtype == np.dtype(f"S{len('ünïcode'.encode())}")
    assert from_column(cell.kind, data) == values


@pytest.mark.parametrize("values", [
    [], [1, 2.0], [1, 2**63], [2**64, 1], [[1, 2], [3]], ["a", None], [np.float32(1), 1.0],
])
def test_a_range_that_fits_no_column_gives_none(values):
    """Empty, mixed, out-of-int64 or non-cell values make no column."""
    assert column_of(values) is None
