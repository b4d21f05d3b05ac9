"""Writing the run table ``/<traj>/overview/runs``: run info, explored ranges and run results.

Every column is a 1-D (or, for small arrays, N-D) extendable dataset with one row per run,
so plain h5py/pandas read the whole table at once and one run costs one row per column.
Run results enter as :class:`~pypet.storage.records.LeafRecord` s; those whose items all
fit a cell (:mod:`.cells`) are buffered here and written in bulk by :meth:`RunColumns.flush`.
Their names come from :mod:`.run_templates`, the run-info columns from
:mod:`.run_info_columns`; reading results back is :mod:`.run_results_reader`'s.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import tables

from pypet.storage.hdf5.cells import Cell, cell_of, column_of, fill_value
from pypet.storage.hdf5.layout import RUNS
from pypet.storage.hdf5.ptutil import extend_rows, get_child, increasing, write_rows
from pypet.storage.hdf5.run_info_columns import RunInfoColumns
from pypet.storage.hdf5.run_results_reader import TMP_PREFIX, ResultTemplate, RunResultsReader
from pypet.storage.hdf5.run_templates import column_name, plain_template
from pypet.storage.hdf5.written_info import WrittenInfo
from pypet.storage.records import LeafRecord, plain_leaf

__all__ = ["RunColumns"]

#: Python scalar types whose cell never changes with the value (ints: within int64)
_SCALAR_KINDS = {float: "float", bool: "bool", complex: "complex", int: "int"}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class _Pending:
    """The buffered cells of one column: run indices and values, in the order they came.

    Two lists rather than a list of pairs, so a batch of runs appends its whole column in
    two ``extend`` calls (:meth:`RunColumns.add_plain_many`).
    """

    __slots__ = ("rows", "values")

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.values: list[Any] = []


class RunColumns(RunResultsReader):
    """Writes the run table of one trajectory group in an open file (and reads it, as
    :class:`~.run_results_reader.RunResultsReader`)."""

    def __init__(self, h5: tables.File, traj_group: tables.Group,
                 filters: tables.Filters | None, length: int,
                 written: WrittenInfo | None = None) -> None:
        overview = get_child(traj_group, RUNS.OVERVIEW)
        if overview is None:
            overview = h5.create_group(traj_group, RUNS.OVERVIEW)
        table = get_child(overview, RUNS.TABLE)
        if table is None:
            table = h5.create_group(overview, RUNS.TABLE)
        if get_child(table, RUNS.PRESENT) is None:
            h5.create_group(table, RUNS.PRESENT)
        super().__init__(table)
        self._h5, self._filters = h5, filters
        self._info = RunInfoColumns(h5, table, filters, written)
        self._buffer: dict[str, _Pending] = {}
        #: per template whose items all went into columns of their Python scalar type:
        #: ``(item, column, type)`` of each item (see _add_scalars)
        self._scalars: dict[str, tuple[tuple[str, str, type], ...]] = {}
        self._present_buffer: dict[str, list[int]] = {}
        #: per name of a plain run result whose template is known to take it as a scalar:
        #: its column's buffer, its Python type and its presence buffer (see add_plain)
        self._plain: dict[str, tuple[_Pending, type, list[int]]] = {}
        self.ensure_length(length)

    # --- run info ----------------------------------------------------------------------------
    def write_info(self, idx: np.ndarray, completed: np.ndarray, start: np.ndarray,
                   finish: np.ndarray, hexsha: np.ndarray, failed: np.ndarray) -> None:
        """Write run-info rows ``idx`` (sorted indices): :meth:`RunInfoColumns.write`."""
        self._info.write(idx, completed, start, finish, hexsha, failed)

    def write_all_info(self, completed: np.ndarray, start: np.ndarray, finish: np.ndarray,
                       hexsha: np.ndarray, failed: np.ndarray) -> None:
        """Write the run information of every run: :meth:`RunInfoColumns.write_all`."""
        self._info.write_all(completed, start, finish, hexsha, failed)

    # --- size -----------------------------------------------------------------------------------
    def ensure_length(self, length: int) -> None:
        """Extend every column (with fill values) to ``length`` rows."""
        if length <= self._length:
            self._info.ensure(self._length)  # a file from before a column existed
            return
        self._info.ensure(length)
        for name, cell in self._cells.items():
            extend_rows(self._table._v_children[name], length, fill_value(cell))
        for tpl in self._templates.values():
            extend_rows(tpl.present, length, 0)
        self._length = length

    # --- explored ranges ------------------------------------------------------------------------
    def write_explored(self, name: str, values: list) -> bool:
        """Write an explored parameter's range as a column (if its values fit cells)."""
        found = column_of(values)
        if found is None:
            stale = get_child(self._table, name)
            if stale is not None:  # the range changed to values that fit no column
                self._h5.remove_node(stale)
            return False
        cell, data = found
        self._h5.create_earray(self._table, TMP_PREFIX + name, obj=data, filters=self._filters)
        attrs = self._table._v_children[TMP_PREFIX + name]._v_attrs
        attrs[RUNS.COLUMN] = "explored"
        attrs[RUNS.KIND] = cell.kind
        self._swap(TMP_PREFIX + name, name)
        return True

    def drop_explored(self, keep: list[str]) -> None:
        """Remove explored-parameter columns of parameters that are no longer explored."""
        for name, node in list(self._table._v_children.items()):
            if isinstance(node, tables.Leaf) and name not in keep and \
                    str(node._v_attrs[RUNS.COLUMN]) == "explored":
                self._h5.remove_node(node)

    # --- run results ------------------------------------------------------------------------------
    def add(self, idx: int, template: str, record: LeafRecord) -> bool:
        """Buffer ``record`` of run ``idx`` if it fits the table; return False otherwise."""
        if record.annotations or record.flags or not record.data:
            return False
        tpl = self._templates.get(template)
        if tpl is not None and (tpl.class_name != record.class_name
                                or tpl.comment != record.comment
                                or tpl.items.keys() != record.data.keys()):
            return False
        scalars = self._scalars.get(template)
        if scalars is not None and self._add_scalars(idx, template, record.data, scalars):
            return True
        leaf_name = template.rpartition(".")[2]
        staged = []
        for item, value in record.data.items():
            cell = cell_of(value)
            if cell is None:
                return False
            column = column_name(template, leaf_name, item)
            known = self._cells.get(column)
            if known is not None and not known.fits(cell):
                return False
            staged.append((column, cell, value))
        if tpl is None:
            self._templates[template] = ResultTemplate(
                record.class_name, record.comment,
                {item: column_name(template, leaf_name, item) for item in record.data}, None)
        for column, cell, value in staged:
            if column not in self._cells:
                self._cells[column] = cell
            pending = self._pending(column)
            pending.rows.append(idx)
            pending.values.append(value)
        self._present_buffer.setdefault(template, []).append(idx)
        if all(type(value) in _SCALAR_KINDS and self._cells[column].kind == _SCALAR_KINDS[
                type(value)] for column, _, value in staged):
            self._scalars[template] = tuple((item, column, type(value)) for (item, (
                column, _, value)) in zip(record.data, staged, strict=True))
        return True

    def add_plain(self, idx: int, name: str, value: Any) -> bool:
        """:meth:`add` for a plain run result (:attr:`RunOutcome.plain`): a standard Result
        ``results.runs.<run>.<name>`` with the one item ``name``."""
        lane = self._plain.get(name)
        if lane is not None:
            pending, kind, present = lane
            if type(value) is kind and (kind is not int or
                                        _INT64_MIN <= value <= _INT64_MAX):  # type: ignore[operator]
                pending.rows.append(idx)
                pending.values.append(value)
                present.append(idx)
                return True
        template = plain_template(name)
        if not self.add(idx, template, plain_leaf(idx, name, value)):
            return False
        scalars = self._scalars.get(template)
        if scalars is not None:  # the template is this plain result's: next time directly
            ((_, column, kind),) = scalars
            self._plain[name] = (self._buffer[column], kind, self._present_buffer[template])
        return True

    def add_plain_many(self, rows: list[int], name: str, values: list[Any]) -> bool:
        """:meth:`add_plain` for one plain result of many runs (``values[i]`` of run
        ``rows[i]``), all or nothing.

        Only a result whose lane is known takes this way (:meth:`add_plain` found it fit
        before, in this batch), and only when every value has the lane's Python type (ints
        within int64): then each would have gone in as a cell one by one. Otherwise nothing
        is buffered and False returned, and the caller goes run by run.
        """
        lane = self._plain.get(name)
        if lane is None:
            return False
        if not values:
            return True
        pending, kind, present = lane
        if len(set(map(type, values))) != 1 or type(values[0]) is not kind:
            return False
        if kind is int and (min(values) < _INT64_MIN or max(values) > _INT64_MAX):
            return False
        pending.rows.extend(rows)
        pending.values.extend(values)
        present.extend(rows)
        return True

    def _pending(self, column: str) -> _Pending:
        """The buffer of ``column`` (made when missing)."""
        pending = self._buffer.get(column)
        if pending is None:
            pending = self._buffer[column] = _Pending()
        return pending

    def _add_scalars(self, idx: int, template: str, data: dict[str, Any],
                     scalars: tuple[tuple[str, str, type], ...]) -> bool:
        """:meth:`add` for a leaf whose items are Python scalars of the types its columns
        were made for (most run results): no cell checks; False if that is not so."""
        for item, _, kind in scalars:
            if type(data[item]) is not kind or (kind is int and not
                                                _INT64_MIN <= data[item] <= _INT64_MAX):
                return False
        for item, column, _ in scalars:
            pending = self._pending(column)
            pending.rows.append(idx)
            pending.values.append(data[item])
        self._present_buffer.setdefault(template, []).append(idx)
        return True

    def is_present(self, template: str, idx: int) -> bool:
        """Whether run ``idx`` has the leaf ``template`` in the table or the buffer."""
        return idx in self._present_buffer.get(template, ()) or \
            super().is_present(template, idx)

    def remove_if_present(self, template: str, idx: int) -> None:
        """Mark leaf ``template`` absent in run ``idx`` if the table has it there."""
        if template in self._templates and self.is_present(template, idx):
            self.remove(template, idx)

    def remove(self, template: str, idx: int | None) -> None:
        """Mark leaf ``template`` as absent in run ``idx`` (None: in every run)."""
        self.flush()
        tpl = self._templates[template]
        if tpl.present is None:
            return
        if idx is None:
            tpl.present[:] = np.zeros(tpl.present.nrows, dtype=np.uint8)
        elif idx < tpl.present.nrows:
            tpl.present[idx] = 0

    def flush(self) -> None:
        """Write every buffered run result."""
        for column, pending in self._buffer.items():
            if pending.rows:
                self._write_column(column, pending)
        self._buffer.clear()
        self._plain.clear()  # its lanes point into the buffers just written
        for template, indices in self._present_buffer.items():
            tpl = self._templates[template]
            if tpl.present is None:
                tpl.present = self._create_present(template, tpl)
            rows = np.array(indices, dtype=np.int64)
            if not increasing(rows):
                rows = np.unique(rows)
            write_rows(tpl.present, rows, np.ones(len(rows), dtype=np.uint8))
        self._present_buffer.clear()

    def _create_present(self, template: str, tpl: ResultTemplate) -> tables.EArray:
        node = self._h5.create_earray(self._present_group, template,
                                      tables.UInt8Atom(), (0,), filters=self._filters,
                                      expectedrows=max(self._length, 1000))
        extend_rows(node, self._length, 0)
        attrs = node._v_attrs
        attrs[RUNS.LEAF] = tpl.class_name
        attrs[RUNS.COMMENT] = tpl.comment
        attrs[RUNS.ITEMS] = json.dumps(tpl.items)
        return node

    def _write_column(self, column: str, pending: _Pending) -> None:
        cell = self._cells[column]
        idx = np.array(pending.rows, dtype=np.int64)
        if cell.kind == "str":
            values = np.array([value.encode("utf8") for value in pending.values])
            needed = max(values.dtype.itemsize, cell.dtype.itemsize)
            if needed > cell.dtype.itemsize or column not in self._table._v_children:
                cell.dtype = np.dtype(f"S{needed}")
                self._recreate(column, cell)
            values = values.astype(cell.dtype)
        else:
            values = np.array(pending.values, dtype=cell.dtype)
        if not increasing(idx):  # runs of a pool arrive out of order; a later one wins
            order = np.argsort(idx, kind="stable")
            idx, values = idx[order], values[order]
        node = get_child(self._table, column)
        if node is None:
            node = self._recreate(column, cell)
        write_rows(node, idx, values)

    def _recreate(self, column: str, cell: Cell) -> tables.EArray:
        """Create the column, or re-create it wider (strings) keeping its rows."""
        old = get_child(self._table, column)
        # the new column is complete before the old one goes: a failure keeps the old one
        node = self._h5.create_earray(self._table, TMP_PREFIX + column,
                                      tables.Atom.from_dtype(cell.dtype, fill_value(cell)),
                                      (0, *cell.shape), filters=self._filters,
                                      expectedrows=max(self._length, 1000))
        if old is not None:
            node.append(old.read().astype(cell.dtype))
        else:
            extend_rows(node, self._length, fill_value(cell))
        attrs = node._v_attrs
        attrs[RUNS.COLUMN] = "result"
        attrs[RUNS.KIND] = cell.kind
        return self._swap(TMP_PREFIX + column, column)

    def _swap(self, temporary: str, name: str) -> tables.Leaf:
        """Replace the column ``name`` by the finished column ``temporary``."""
        old = get_child(self._table, name)
        if old is not None:
            self._h5.remove_node(old)
        self._h5.rename_node(self._table._v_children[temporary], name)
        return self._table._v_children[name]

    # --- whole blocks of rows (merging trajectories) ---------------------------------------------
    def write_block(self, template: str, class_name: str, comment: str, items: dict[str, str],
                    cells: dict[str, Cell], start: int, present: np.ndarray,
                    values: dict[str, np.ndarray]) -> bool:
        """Write rows ``start, start+1, ...`` of a run-result leaf in one go.

        Returns False, writing nothing, when the leaf is stored with another class, comment,
        item set or cell types (its runs must then be stored as nodes). String columns
        widen as needed. The table must already be long enough (:meth:`ensure_length`).
        """
        self.flush()
        tpl = self._templates.get(template)
        if tpl is not None and (tpl.class_name != class_name or tpl.comment != comment
                                or tpl.items != items):
            return False
        if any(column in self._cells and not self._cells[column].fits(cell)
               for column, cell in cells.items()):
            return False
        self._scalars.pop(template, None)  # its columns may widen below
        self._plain.clear()
        if tpl is None:
            tpl = self._templates[template] = ResultTemplate(class_name, comment, dict(items), None)
        stop = start + len(present)
        for column, cell in cells.items():
            known = self._cells.get(column)
            if known is None:
                known = self._cells[column] = Cell(cell.kind, cell.dtype, cell.shape)
            data = values[column]
            node = get_child(self._table, column)
            if known.kind == "str" and data.dtype.itemsize > known.dtype.itemsize:
                known.dtype = data.dtype
                node = self._recreate(column, known)
            elif node is None:
                node = self._recreate(column, known)
            node[start:stop] = data.astype(known.dtype, copy=False)
        if tpl.present is None:
            tpl.present = self._create_present(template, tpl)
        tpl.present[start:stop] = present.astype(np.uint8)
        return True
