"""pypet's overview tables: ``/<traj>/overview/{info, explorations, hdf5_settings, *_overview,
*_summary}``, for eye-balling a file in a viewer (pypet's chapter "HDF5 Overview Tables").

They mirror what loading uses (attributes, the run table ``overview/runs``) and are never read
back. As in pypet, the ``*_overview`` tables get one row per leaf the first time it is stored
(deleting or merging leaves them alone) and stop at 1000 rows; a ``*_summary`` table gets a row
for the first leaf with a given comment. Rows are buffered and appended in bulk when the
run table is flushed, so the cost per stored leaf is a few dictionary look-ups; nothing is
written for a table that is switched off (``config.hdf5.overview.<table>``) or full.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import tables

from pypet import constants as C
from pypet.storage.hdf5.layout import RUNS
from pypet.storage.hdf5.ptutil import get_child
from pypet.storage.hdf5.settings import OVERVIEW_TABLES, HDF5Settings
from pypet.storage.records import LeafRecord
from pypet.valuetext import items_str

__all__ = ["OverviewTables"]

_BRANCHES = ("config", "parameters", "derived_parameters", "results")
_SUMMARIES = {"derived_parameters": "derived_parameters_summary",
              "results": "results_summary"}


def _text(value: str, length: int) -> bytes:
    """UTF-8 bytes cut to ``length`` with ``...`` (pypet's string columns)."""
    data = value.encode("utf-8")
    return data if len(data) <= length else data[: length - 3] + b"..."


def _description(table: str) -> dict[str, tables.Col]:
    """Columns of an overview table (names, widths and order as in pypet 0.7)."""
    columns = {
        "location": tables.StringCol(C.HDF5_STRCOL_MAX_LOCATION_LENGTH, pos=0),
        "name": tables.StringCol(C.HDF5_STRCOL_MAX_NAME_LENGTH, pos=1),
        "value": tables.StringCol(C.HDF5_STRCOL_MAX_VALUE_LENGTH, pos=2),
        "comment": tables.StringCol(C.HDF5_STRCOL_MAX_COMMENT_LENGTH, pos=3),
    }
    if table == "explored_parameters_overview":
        columns["range"] = tables.StringCol(C.HDF5_STRCOL_MAX_RANGE_LENGTH, pos=4)
        columns["length"] = tables.IntCol(pos=5)
    if table.endswith("summary"):
        columns["hexdigest"] = tables.StringCol(64, pos=10)
    return columns


def _holds(table: tables.Table, row: dict[str, Any]) -> bool:
    """Whether a one-row table holds exactly ``row`` (and no other column)."""
    if table.nrows != 1 or set(table.colnames) != set(row):
        return False
    stored = table.read()[0]
    return all(stored[key] == value for key, value in row.items())


def value_str(record: LeafRecord) -> str:
    """What pypet's ``value`` column shows: the parameter's value or the result's items."""
    data = record.data
    if record.is_parameter:
        return repr(data["data"]) if "data" in data else ""
    return items_str({k: v for k, v in data.items() if k != C.PICKLE_PROTOCOL_KEY})


def _range_str(values: list) -> str:
    shown = values[: C.HDF5_STRCOL_MAX_RANGE_LENGTH // 3 + 10]  # enough to fill the column
    return ", ".join(repr(v) for v in shown)


class OverviewTables:
    """The overview tables of one trajectory group in an open file."""

    def __init__(self, h5: tables.File, traj_group: tables.Group, settings: HDF5Settings,
                 filters: tables.Filters, length: int = 1) -> None:
        self._h5, self._filters = h5, filters
        # pypet's *_per_run hints size the run-wide tables (capped like the tables)
        self._expected = {
            "results_overview": settings.results_per_run * length,
            "derived_parameters_overview": settings.derived_parameters_per_run * length,
        }
        self._group = get_child(traj_group, RUNS.OVERVIEW)
        if self._group is None:
            self._group = h5.create_group(traj_group, RUNS.OVERVIEW)
        self._on = {name for name, on in (settings.tables or {}).items() if on}
        self._purge = settings.purge_duplicate_comments
        self._rows: dict[str, list[dict[str, Any]]] = {}
        #: rows an overview table still takes, and the comment digests of a summary; read
        #: from a stored table only when a leaf comes for it (opening a table costs ~1 ms,
        #: and most stores after the first bring no new leaf)
        self._room: dict[str, int] = {}
        self._digests: dict[str, set[bytes]] = {}
        for name in self._on:
            if name not in self._group._v_children:  # a name look-up: no node is opened
                self._table(name)
                self._room[name] = C.HDF5_MAX_OVERVIEW_TABLE_LENGTH
                self._digests[name] = set()
        # nothing to do for a leaf unless some table may take it (the common case: only
        # the summaries, which skip leaves without comment)
        self.active = bool(self._on)

    def _room_in(self, name: str) -> int:
        """Rows the overview table ``name`` still takes (0 if it is switched off)."""
        if name not in self._on or not name.endswith("overview"):
            return 0
        room = self._room.get(name)
        if room is None:
            room = max(0, C.HDF5_MAX_OVERVIEW_TABLE_LENGTH - self._table(name).nrows)
            self._room[name] = room
        return room

    def _digests_of(self, summary: str) -> set[bytes]:
        """Digests of the comments the summary table ``summary`` (switched on) lists."""
        digests = self._digests.get(summary)
        if digests is None:
            digests = set(self._table(summary).col("hexdigest").tolist())
            self._digests[summary] = digests
        return digests

    def _table(self, name: str) -> tables.Table:
        table = get_child(self._group, name)
        if table is None:
            expected = min(self._expected.get(name, 0), C.HDF5_MAX_OVERVIEW_TABLE_LENGTH)
            table = self._h5.create_table(self._group, name, _description(name), title=name,
                                          filters=self._filters,
                                          expectedrows=expected or 100)
        return table

    # --- trajectory-level tables -------------------------------------------------------------
    def write_info(self, meta: dict[str, Any], length: int) -> None:
        """The one-row ``info`` table (name, time, length, timestamp, comment, versions)."""
        row = {"name": _text(meta["name"], C.HDF5_STRCOL_MAX_LOCATION_LENGTH),
               "time": meta["time"].encode(), "length": length,
               "timestamp": meta["timestamp"],
               "comment": _text(meta["comment"], C.HDF5_STRCOL_MAX_COMMENT_LENGTH),
               "version": _text(meta["pypet_version"], C.HDF5_STRCOL_MAX_NAME_LENGTH),
               "python": _text(meta["python_version"], C.HDF5_STRCOL_MAX_NAME_LENGTH)}
        description = {
            "name": tables.StringCol(C.HDF5_STRCOL_MAX_LOCATION_LENGTH, pos=0),
            "time": tables.StringCol(max(len(row["time"]), 1), pos=1),
            "length": tables.IntCol(pos=2),
            "timestamp": tables.FloatCol(pos=3),
            "comment": tables.StringCol(C.HDF5_STRCOL_MAX_COMMENT_LENGTH, pos=4),
            "version": tables.StringCol(C.HDF5_STRCOL_MAX_NAME_LENGTH, pos=5),
            "python": tables.StringCol(C.HDF5_STRCOL_MAX_NAME_LENGTH, pos=6),
        }
        self._one_row("info", description, row)

    def write_settings(self, settings: HDF5Settings) -> None:
        """The one-row ``hdf5_settings`` table."""
        description: dict[str, tables.Col] = {
            "complib": tables.StringCol(7, pos=0), "complevel": tables.IntCol(pos=1),
            "shuffle": tables.BoolCol(pos=2), "fletcher32": tables.BoolCol(pos=3),
            "pandas_format": tables.StringCol(7, pos=4), "encoding": tables.StringCol(11, pos=5),
        }
        for pos, name in enumerate(OVERVIEW_TABLES, start=7):
            description[name] = tables.BoolCol(pos=pos)
        description["purge_duplicate_comments"] = tables.BoolCol(pos=16)
        description["results_per_run"] = tables.IntCol(pos=17)
        description["derived_parameters_per_run"] = tables.IntCol(pos=18)
        row = {"complib": settings.complib.encode(), "complevel": settings.complevel,
               "shuffle": settings.shuffle, "fletcher32": settings.fletcher32,
               "pandas_format": settings.pandas_format.encode(),  # as given, 't' too (pypet)
               "encoding": settings.encoding.encode(),
               **(settings.tables or {}),
               "purge_duplicate_comments": settings.purge_duplicate_comments,
               "results_per_run": settings.results_per_run,
               "derived_parameters_per_run": settings.derived_parameters_per_run}
        self._one_row("hdf5_settings", description, row)

    def write_explorations(self, names: Iterable[str]) -> None:
        """The ``explorations`` table: one row per explored parameter name."""
        encoded = [n.encode("utf-8") for n in names]
        old = get_child(self._group, "explorations")
        if old is not None:
            if sorted(old.col("explorations").tolist()) == sorted(encoded):
                return
            self._h5.remove_node(old)
        width = max((len(n) for n in encoded), default=1)
        # sized for its few rows: PyTables' default (10,000 expected rows) reserves a
        # 64 KB chunk per table, which would make a small file several times larger
        table = self._h5.create_table(self._group, "explorations",
                                      {"explorations": tables.StringCol(width)},
                                      filters=self._filters,
                                      expectedrows=max(len(encoded), 1))
        if encoded:
            table.append([(n,) for n in encoded])

    def _one_row(self, name: str, description: dict[str, tables.Col], row: dict) -> None:
        old = get_child(self._group, name)
        if old is not None:
            if _holds(old, row):  # every store after the first: reading is cheaper
                return
            self._h5.remove_node(old)
        table = self._h5.create_table(self._group, name, description, title=name,
                                      filters=self._filters, expectedrows=1)
        new = table.row
        for key, value in row.items():
            new[key] = value
        new.append()
        table.flush()

    # --- leaf rows ----------------------------------------------------------------------------
    def has_room(self, branch: str) -> bool:
        """Whether a leaf of ``branch`` without a comment would still get an overview row."""
        return self.active and self._room_in(f"{branch}_overview") > 0

    def leaf_stored(self, record: LeafRecord) -> bool:
        """Note a leaf stored for the first time; return whether its comment is written.

        With ``purge_duplicate_comments`` only the first leaf with a given comment (per
        summary table) keeps it in the file, as in pypet.
        """
        if not self.active:
            return True
        branch = record.full_name.partition(".")[0]
        if branch not in _BRANCHES:
            return True
        keep_comment = True
        summary = _SUMMARIES.get(branch)
        if record.comment and summary in self._on:
            digest = hashlib.sha1(record.comment.encode("utf-8")).hexdigest().encode()
            seen = self._digests_of(summary)
            if digest in seen:
                keep_comment = not self._purge
            else:
                seen.add(digest)
                self._add(summary, record, hexdigest=digest)
        overview = f"{branch}_overview"
        if self._room_in(overview) > 0:
            self._room[overview] -= 1
            self._add(overview, record)
        if record.is_parameter and "explored_data" in record.data and \
                self._room_in("explored_parameters_overview") > 0:
            self._room["explored_parameters_overview"] -= 1
            values = list(record.data["explored_data"])
            self._add("explored_parameters_overview", record, length=len(values),
                      range=_text(_range_str(values), C.HDF5_STRCOL_MAX_RANGE_LENGTH))
        return keep_comment

    def _add(self, table: str, record: LeafRecord, **extra: Any) -> None:
        location, _, name = record.full_name.rpartition(".")
        self._rows.setdefault(table, []).append({
            "location": location.encode("utf-8"), "name": name.encode("utf-8"),
            "value": _text(value_str(record), C.HDF5_STRCOL_MAX_VALUE_LENGTH),
            "comment": _text(record.comment, C.HDF5_STRCOL_MAX_COMMENT_LENGTH), **extra})

    def flush(self) -> None:
        """Append the buffered rows."""
        for name, rows in self._rows.items():
            table = self._table(name)
            columns = table.colnames
            table.append([tuple(row.get(col, b"" if col != "length" else 0) for col in columns)
                          for row in rows])
        self._rows.clear()
