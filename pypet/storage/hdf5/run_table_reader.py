"""Reading the whole run table as numpy columns (for ``to_dataframe``)."""

from __future__ import annotations

from typing import Any

import tables

from pypet.storage.hdf5.cells import from_column
from pypet.storage.hdf5.layout import RUNS, TRAJ
from pypet.storage.hdf5.loading import explored_names
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.service import RunTableData

__all__ = ["read_table"]


def read_table(group: tables.Group) -> RunTableData:
    """Return ``{'length': n, 'columns': {name: (role, values)}, 'present': {template: mask},
    'explored': [explored names in exploration order]}``.

    ``role`` is ``'info'``, ``'explored'`` or ``'result'``; values are exact Python/numpy
    values for explored and result columns (numpy arrays for run info).
    """
    length = int(group._v_attrs[TRAJ.LENGTH])
    table = group._v_children[RUNS.OVERVIEW]._v_children[RUNS.TABLE]
    columns: dict[str, tuple[str, Any]] = {}
    for name, node in table._v_children.items():
        if not isinstance(node, tables.Leaf) or name.startswith("_"):  # "_tmp_": unfinished
            continue
        role = str(node._v_attrs[RUNS.COLUMN])
        values = node.read()[:length]
        if role != "info":
            values = from_column(str(node._v_attrs[RUNS.KIND]), values)
        columns[name] = (role, values)
    present = {}
    group_present = get_child(table, RUNS.PRESENT)
    if group_present is not None:
        for template, node in group_present._v_children.items():
            present[template] = node.read()[:length].astype(bool)
    return {"length": length, "columns": columns, "present": present,
            "explored": explored_names(group)}
