"""Small PyTables helpers."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import tables

__all__ = ["contiguous_blocks", "extend_rows", "get_child", "increasing", "names_as_given",
           "write_rows"]


@contextlib.contextmanager
def names_as_given() -> Iterator[None]:
    """Create nodes without PyTables' ``NaturalNameWarning``.

    Tree names such as ``a-b`` or ``class`` are valid HDF5 names that PyTables' natural
    naming (``h5.root.a``) cannot reach; we never use natural naming, so the warning says
    nothing. It is silenced only while we write, never for the whole process.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tables.NaturalNameWarning)
        yield


def get_child(group: tables.Group, name: str) -> Any:
    """The child ``name`` of ``group`` or None.

    ``group._v_children.get(name)`` is not usable: PyTables loads children lazily in
    ``__getitem__`` and ``get`` returns None for a child that exists but is not loaded yet.
    """
    children = group._v_children
    return children[name] if name in children else None


def increasing(rows: np.ndarray) -> bool:
    """Whether ``rows`` is strictly increasing (a serial batch's runs are; a pool's may
    come out of order)."""
    return bool((rows[1:] > rows[:-1]).all())


def contiguous_blocks(idx: np.ndarray) -> list[tuple[int, int, int]]:
    """``(first row, position in idx, count)`` of each contiguous run of sorted ``idx``."""
    breaks = [0, *(np.flatnonzero(np.diff(idx) != 1) + 1).tolist(), len(idx)]
    return [(int(idx[a]), a, b - a) for a, b in zip(breaks[:-1], breaks[1:], strict=True)
            if b > a]


def write_rows(node: tables.EArray, idx: np.ndarray, values: np.ndarray) -> None:
    """Write ``values`` at sorted row indices ``idx``, one slice per contiguous block."""
    for first, pos, count in contiguous_blocks(idx):
        node[first:first + count] = values[pos:pos + count]


def extend_rows(node: tables.EArray, length: int, fill: Any) -> None:
    """Extend ``node`` to ``length`` rows of ``fill``.

    A column made with ``fill`` as its HDF5 fill value grows without writing anything:
    HDF5 allocates a chunk only when a row in it is written, and readers (h5py too) get
    the fill value from rows never written. The first batch of a sweep made each new
    result column by writing a fill row for every run (a million for a million runs) and
    then its own rows over them. Columns of older files (fill value 0) get the rows
    written, as before.
    """
    missing = length - node.nrows
    if missing <= 0:
        return
    dtype = node.atom.dtype
    if np.array(node.atom.dflt, dtype).tobytes() == np.array(fill, dtype).tobytes():
        node.truncate(length)
    else:
        node.append(np.full((missing, *node.shape[1:]), fill, dtype=dtype))
