"""The run-information columns of the run table: ``idx``, ``completed``, ``start``,
``finish``, ``runtime``, ``hexsha`` and ``failed``, one row per run.

Rows are written per batch of finished runs (:meth:`RunInfoColumns.write`) and for every
run by a full store (:meth:`RunInfoColumns.write_all`), which leaves out what it knows the
file holds already: rows still "not started" since this object wrote them so, and blocks
a batch wrote that are unchanged since (:class:`~.written_info.WrittenInfo`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tables

from pypet.storage.hdf5.layout import RUNS
from pypet.storage.hdf5.ptutil import contiguous_blocks, get_child
from pypet.storage.hdf5.written_info import WrittenInfo

__all__ = ["INFO_DTYPES", "RunInfoColumns"]

#: each run-info column and its dtype
INFO_DTYPES: dict[str, np.dtype[Any]] = {
    RUNS.IDX: np.dtype("i8"),
    RUNS.COMPLETED: np.dtype("i1"),
    RUNS.START: np.dtype("f8"),
    RUNS.FINISH: np.dtype("f8"),
    RUNS.RUNTIME: np.dtype("f8"),
    RUNS.HEXSHA: np.dtype("S7"),
    RUNS.FAILED: np.dtype("i1"),
}

#: what a run-info row of a run that never started holds, per dtype kind
#: (``np.full(n, 0, "S7")`` would be ``b"0"``, not the empty hexsha)
_FILL: dict[str, Any] = {"f": np.nan, "i": 0, "S": b""}


class RunInfoColumns:
    """Writes the run-info columns of one run table (an open ``overview/runs`` group)."""

    def __init__(self, h5: tables.File, table: tables.Group, filters: tables.Filters | None,
                 written: WrittenInfo | None = None) -> None:
        self._h5, self._table, self._filters = h5, table, filters
        #: the rows written before and what they held (None: nothing is known)
        self._written = written
        #: rows from here on hold the fill values this object wrote (never anything else
        #: since): see write_all
        self._fill_from: int = 2**62

    def ensure(self, length: int) -> None:
        """Create missing run-info columns and extend them to ``length`` rows."""
        table = self._table
        nodes = [get_child(table, name) for name in INFO_DTYPES]
        first_fill = min(0 if node is None else node.nrows for node in nodes)
        if first_fill < length:  # rows from here on hold fill values, written just now
            self._fill_from = min(self._fill_from, first_fill)
        for (name, dtype), node in zip(INFO_DTYPES.items(), nodes, strict=True):
            if node is None:
                self._h5.create_earray(table, name, tables.Atom.from_dtype(dtype), (0,),
                                       filters=self._filters, expectedrows=max(length, 1000))
                node = table._v_children[name]
                node._v_attrs[RUNS.COLUMN] = "info"
            missing = length - node.nrows
            if missing <= 0:
                continue
            # written, not grown through a fill value as result columns are: the file of a
            # sweep killed before its first batch still has its run table in chunks (a
            # resume that finds one damaged rebuilds the file; tests/execution/test_resume)
            if name == RUNS.IDX:
                node.append(np.arange(length - missing, length, dtype=dtype))
            else:
                node.append(np.full(missing, _FILL[dtype.kind], dtype=dtype))

    def write(self, idx: np.ndarray, completed: np.ndarray, start: np.ndarray,
              finish: np.ndarray, hexsha: np.ndarray, failed: np.ndarray) -> None:
        """Write run-info rows ``idx`` (sorted indices) in contiguous slices."""
        if not len(idx):
            return
        self._fill_from = max(self._fill_from, int(idx[-1]) + 1)
        digested = _as_written(completed, start, finish, hexsha, failed)
        completed, start, finish, hexsha, failed = digested
        columns = {RUNS.COMPLETED: completed, RUNS.START: start, RUNS.FINISH: finish,
                   RUNS.RUNTIME: finish - start, RUNS.HEXSHA: hexsha, RUNS.FAILED: failed}
        blocks = contiguous_blocks(idx)
        written = self._written
        if written is not None:  # before writing: a failed write leaves no block behind
            for first, _, count in blocks:
                written.forget_rows(first, first + count)
        nodes = self._table._v_children
        for name, values in columns.items():
            node = nodes[name]
            for first, pos, count in blocks:
                node[first:first + count] = values[pos:pos + count]
        if written is not None:
            for first, pos, count in blocks:
                written.written(first, first + count, digested, offset=pos)

    def write_all(self, completed: np.ndarray, start: np.ndarray, finish: np.ndarray,
                  hexsha: np.ndarray, failed: np.ndarray) -> None:
        """Write the run information of every run (row ``i`` is run ``i``).

        Left out: rows this object filled with "not started" and still not started (a fresh
        trajectory of a million runs would otherwise be written twice), and blocks of rows
        that a batch wrote and that hold the same values now (the usual sweep: all).
        """
        columns = _as_written(completed, start, finish, hexsha, failed)
        completed, start, finish, hexsha, failed = columns
        rows = np.arange(len(completed))
        keep = np.ones(len(rows), dtype=bool) if self._written is None else \
            ~self._written.unchanged(columns)
        if self._fill_from < len(rows):
            tail = slice(self._fill_from, None)
            started = (completed[tail] != 0) | ~np.isnan(start[tail]) | \
                ~np.isnan(finish[tail]) | (hexsha[tail] != b"") | (failed[tail] != 0)
            keep[tail] &= started
        if keep.all():
            self.write(rows, completed, start, finish, hexsha, failed)
        elif keep.any():
            self.write(rows[keep], completed[keep], start[keep], finish[keep], hexsha[keep],
                       failed[keep])


def _as_written(completed: np.ndarray, start: np.ndarray, finish: np.ndarray,
                hexsha: np.ndarray, failed: np.ndarray) -> list[np.ndarray]:
    """The run-info columns (all but runtime) in the dtypes of their datasets."""
    return [np.ascontiguousarray(values, dtype=INFO_DTYPES[name]) for name, values in (
        (RUNS.COMPLETED, completed), (RUNS.START, start), (RUNS.FINISH, finish),
        (RUNS.HEXSHA, hexsha), (RUNS.FAILED, failed))]
