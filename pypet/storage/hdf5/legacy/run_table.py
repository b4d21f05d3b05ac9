"""The run table of a pypet 0.7 trajectory, as ``f_to_dataframe`` reads ours.

pypet 0.7 has no run-result columns; its run results are nodes. The table is rebuilt by the
rule our writer uses to put run results into columns (:meth:`RunColumns.add`): a result leaf
takes part when it has no annotations and every item fits a cell of the kind its first run
gave. So a trajectory loaded from a pypet 0.7 file and the same trajectory migrated into our
format give the same ``f_to_dataframe()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tables

from pypet.errors import UnsafeDataError
from pypet.runnames import run_index_of
from pypet.storage.hdf5.cells import Cell, cell_of
from pypet.storage.hdf5.legacy.reader import _explored, _Reader, _runs
from pypet.storage.hdf5.run_templates import template_of
from pypet.storage.pypet07_items import PARAMETER_KINDS, RESULT_KINDS, convert
from pypet.storage.service import RunTableData

__all__ = ["read_table"]


class _Template:
    __slots__ = ("class_name", "comment", "cells", "values", "present")

    def __init__(self, class_name: str, comment: str, cells: dict[str, Cell],
                 length: int) -> None:
        self.class_name, self.comment, self.cells = class_name, comment, cells
        self.values: dict[str, list[Any]] = {item: [None] * length for item in cells}
        self.present = np.zeros(length, dtype=bool)


def _fits(tpl: _Template | None, class_name: str, comment: str,
          cells: dict[str, Cell]) -> bool:
    if tpl is None:
        return True
    return (tpl.class_name == class_name and tpl.comment == comment
            and tpl.cells.keys() == cells.keys()
            and all(tpl.cells[item].fits(cell) for item, cell in cells.items()))


def read_table(group: tables.Group, allow_pickle: bool = False) -> RunTableData:
    """The run table of ``group`` in the form of :func:`run_table_reader.read_table`.

    Pickle leaves (``PickleResult``) give columns only with ``allow_pickle``: without it
    the table is read without unpickling anything.
    """
    length, info = _runs(group)
    columns: dict[str, tuple[str, Any]] = {
        "completed": ("info", info.completed), "start": ("info", info.start),
        "finish": ("info", info.finish), "runtime": ("info", info.finish - info.start),
        "hexsha": ("info", info.hexsha),
    }
    reader = _Reader(group, allow_pickle)
    leaves = []
    for kind, node in reader.walk(group, None):
        full_name = reader.full_name(node)
        idx = run_index_of(full_name)
        if kind == "leaf" and idx is not None and template_of(full_name) is not None:
            leaves.append((idx, full_name, node))
    templates: dict[str, _Template] = {}
    for idx, full_name, node in sorted(leaves, key=lambda leaf: leaf[0]):
        record = reader.read_leaf(node, with_data=True)
        if record.annotations or record.class_name not in (*PARAMETER_KINDS, *RESULT_KINDS) \
                or idx >= length:
            continue
        try:
            data = convert(record.class_name, record.data)
        except UnsafeDataError:  # a pickle leaf, and allow_pickle=False: no column
            continue
        template = template_of(full_name)
        assert template is not None  # only run leaves were collected
        found = {item: cell_of(value) for item, value in data.items()}
        cells = {item: cell for item, cell in found.items() if cell is not None}
        if not data or len(cells) < len(found) or \
                not _fits(templates.get(template), record.class_name, record.comment, cells):
            continue
        tpl = templates.setdefault(template, _Template(record.class_name, record.comment,
                                                        cells, length))
        for item, value in data.items():
            tpl.values[item][idx] = value
        tpl.present[idx] = True
    present = {}
    for template, tpl in templates.items():
        leaf_name = template.rpartition(".")[2]
        for item, values in tpl.values.items():
            column = template if item == leaf_name else f"{template}:{item}"
            columns[column] = ("result", values)
        present[template] = tpl.present
    return {"length": length, "columns": columns, "present": present,
            "explored": _explored(group)}
