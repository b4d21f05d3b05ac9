"""Reading the run results kept in the run table ``/<traj>/overview/runs``.

A run result stored by columns (:mod:`.run_columns`) has a template (:mod:`.run_templates`),
one column per item and a presence column (``present/<template>``, one flag per run) that
also carries the leaf's class, comment and item columns. This module reads them back: which
templates there are, which runs have one, and their values, a few rows or whole blocks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np
import tables

from pypet.runnames import run_index_of
from pypet.storage.hdf5.cells import Cell, from_column
from pypet.storage.hdf5.layout import RUNS
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.hdf5.run_templates import name_from_template

__all__ = ["TMP_PREFIX", "ResultTemplate", "RunResultsReader"]

#: prefix of a column being written (never a tree name, so readers skip it)
TMP_PREFIX = "_tmp_"

#: up to this many requested rows are read one by one instead of reading whole columns
_FEW_ROWS = 64


class ResultTemplate:
    """What every run of one result leaf shares: class, comment and item columns."""

    __slots__ = ("class_name", "comment", "items", "present")

    def __init__(self, class_name: str, comment: str, items: dict[str, str],
                 present: Any) -> None:  # the presence mask (tables.EArray), once created
        self.class_name, self.comment, self.items, self.present = class_name, comment, items, present


class RunResultsReader:
    """Reads the run-result columns of one run table (works on files opened with mode 'r').

    :class:`~.run_columns.RunColumns` extends it with writing; what it buffers and has not
    flushed yet counts only where a method says so (:meth:`is_present`).
    """

    def __init__(self, table: tables.Group | None) -> None:
        self._table: Any = table  # the ``overview/runs`` group; None: the file has no table
        self._present_group: Any = None
        #: rows of the longest column (the writer grows every column to its length)
        self._length = 0
        self._cells: dict[str, Cell] = {}
        self._templates: dict[str, ResultTemplate] = {}
        if table is not None:
            self._present_group = get_child(table, RUNS.PRESENT)
            self._read_existing()

    @classmethod
    def of(cls, traj_group: tables.Group) -> RunResultsReader:
        """The reader of the run table of ``traj_group`` (empty if it has none)."""
        overview = get_child(traj_group, RUNS.OVERVIEW)
        return cls(get_child(overview, RUNS.TABLE) if overview is not None else None)

    def _read_existing(self) -> None:
        for name, node in self._table._v_children.items():
            if not isinstance(node, tables.Leaf) or name.startswith(TMP_PREFIX):
                continue
            self._length = max(self._length, node.nrows)
            attrs = node._v_attrs
            if getattr(attrs, RUNS.COLUMN, None) == "result":
                kind = str(getattr(attrs, RUNS.KIND))
                self._cells[name] = Cell(kind, node.atom.dtype, node.shape[1:])
        if self._present_group is None:
            return
        for template, node in self._present_group._v_children.items():
            attrs = node._v_attrs
            self._templates[template] = ResultTemplate(
                str(getattr(attrs, RUNS.LEAF)), str(getattr(attrs, RUNS.COMMENT, "")),
                json.loads(str(attrs[RUNS.ITEMS])), node)

    @property
    def templates(self) -> dict[str, Any]:
        """Run-result templates: ``{template: (class name, comment, {item: column})}``."""
        return {t: (v.class_name, v.comment, dict(v.items)) for t, v in self._templates.items()}

    # --- which runs have what ----------------------------------------------------------------
    def is_present(self, template: str, idx: int) -> bool:
        """Whether run ``idx`` has the leaf ``template`` in the table."""
        tpl = self._templates.get(template)
        if tpl is None or tpl.present is None or idx >= tpl.present.nrows:
            return False
        return bool(tpl.present[idx])

    def matching(self, full_name: str, recursive: bool) -> list[tuple[str, int | None]]:
        """Stored ``(template, run idx)`` at (or, if recursive, below) ``full_name``.

        The run idx is None when ``full_name`` names no run (every run is meant).
        """
        idx = run_index_of(full_name)
        found = []
        for template in self._templates:
            name = template if idx is None else name_from_template(template, idx)
            if name == full_name or (recursive and
                                     (not full_name or name.startswith(full_name + "."))):
                if idx is None or self.is_present(template, idx):
                    found.append((template, idx))
        return found

    def present_rows(self, template: str) -> np.ndarray:
        """Indices of the runs that have ``template``."""
        present = self._templates[template].present
        return np.zeros(0, dtype=np.int64) if present is None else \
            np.flatnonzero(present.read())

    # --- values ------------------------------------------------------------------------------
    def read_runs(self, template: str, indices: Iterable[int] | None = None
                  ) -> list[tuple[int, dict[str, Any]]]:
        """Return ``[(run idx, {item: value})]`` for the runs that have ``template``.

        With ``indices``, only those rows are read (a few single-row reads), so loading one
        run costs the same among 100 or 1,000,000 runs.
        """
        tpl = self._templates[template]
        if tpl.present is None:
            return []
        if indices is None:
            rows = np.flatnonzero(tpl.present.read())
        else:
            wanted = sorted({int(i) for i in indices if 0 <= int(i) < tpl.present.nrows})
            rows = np.array([i for i in wanted if tpl.present[i]], dtype=np.int64)
        items: dict[str, list] = {}
        for item, column in tpl.items.items():
            node = self._table._v_children[column]
            if len(rows) <= _FEW_ROWS and indices is not None:
                cells = np.array([node[i] for i in rows.tolist()], dtype=node.atom.dtype)
                cells = cells.reshape((len(rows), *node.shape[1:]))
            else:
                cells = node.read()[rows]
            items[item] = from_column(self._cells[column].kind, cells)
        return [(idx, {item: values[pos] for item, values in items.items()})
                for pos, idx in enumerate(rows.tolist())]

    def read_block(self, template: str, rows: np.ndarray
                   ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, Cell]]:
        """Presence flags, raw column cells and cell types of ``template`` at ``rows`` (what
        :meth:`~.run_columns.RunColumns.write_block` of a merge writes)."""
        tpl = self._templates[template]
        if tpl.present is None:
            return np.zeros(len(rows), dtype=bool), {}, {}
        present = tpl.present.read()[rows].astype(bool)
        values, cells = {}, {}
        for column in tpl.items.values():
            values[column] = self._table._v_children[column].read()[rows]
            cells[column] = self._cells[column]
        return present, values, cells
