"""Per-run bookkeeping kept as numpy columns (one row per run).

A million runs cost a few tens of MB here instead of a million dicts; the dict view that
pypet's ``f_get_run_information`` returns is built on demand.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import numpy as np

from pypet.storage.records import RunInfo
from pypet.tree.names import run_name

if TYPE_CHECKING:
    from pypet.storage.records import RunOutcome

__all__ = ["RunTable", "format_time"]


def format_time(timestamp: float) -> str:
    """Format a POSIX timestamp as pypet does: ``YYYY_MM_DD_HHhMMmSSs`` (local time)."""
    if timestamp != timestamp:  # NaN: not started yet
        return ""
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y_%m_%d_%Hh%Mm%Ss")


_T = TypeVar("_T")


class _Column(Generic[_T]):
    """A read-only view of the table's attribute ``name`` that enters queued rows first."""

    def __init__(self, name: str, doc: str) -> None:
        self._name, self.__doc__ = name, doc

    @overload
    def __get__(self, table: None, owner: type | None = None) -> _Column[_T]: ...

    @overload
    def __get__(self, table: RunTable, owner: type | None = None) -> _T: ...

    def __get__(self, table: RunTable | None, owner: type | None = None) -> Any:
        if table is None:  # the class's attribute (help, documentation)
            return self
        if table._queued:
            table._apply()
        return getattr(table, self._name)


class RunTable:
    """Columns ``completed``, ``timestamp``, ``finish_timestamp``, ``hexsha`` and ``failed``
    per run, and the errors of failed runs (``{idx: (summary, traceback)}``).

    :meth:`record` runs once per finished run: it only queues the outcome's row, and the
    queued rows enter the columns together (a handful of numpy writes per batch instead of
    per run) before anyone reads a column.
    """

    #: queued rows enter the columns at the latest after this many
    _MAX_QUEUED = 4096

    def __init__(self, length: int = 1) -> None:
        self._completed = np.zeros(length, dtype=np.int8)
        self._timestamp = np.full(length, np.nan)
        self._finish_timestamp = np.full(length, np.nan)
        self._hexsha = np.full(length, b"", dtype="S7")  # ASCII; decoded one run at a time
        self._failed = np.zeros(length, dtype=np.int8)
        self._errors: dict[int, tuple[str, str]] = {}
        #: recorded outcomes not in the columns yet
        self._queued: list[RunOutcome] = []

    # --- the columns (queued rows enter first) ----------------------------------------------
    completed = _Column[np.ndarray]("_completed", "int8 per run: 1 = completed.")
    timestamp = _Column[np.ndarray]("_timestamp", "float64 per run: start time (NaN: never "
                                    "started).")
    finish_timestamp = _Column[np.ndarray]("_finish_timestamp", "float64 per run: finish time.")
    hexsha = _Column[np.ndarray]("_hexsha", "``S7`` per run: the environment's short hexsha.")
    failed = _Column[np.ndarray]("_failed", "int8 per run: 1 = the last attempt raised.")
    errors = _Column[dict[int, tuple[str, str]]](
        "_errors", "``{idx: (summary, traceback)}`` of the failed runs.")

    @classmethod
    def from_info(cls, length: int, info: RunInfo) -> RunTable:
        """A table holding the run information a backend loaded."""
        table = cls(0)
        table._completed = np.array(info.completed, dtype=np.int8)
        table._timestamp = np.array(info.start, dtype=float)
        table._finish_timestamp = np.array(info.finish, dtype=float)
        table._hexsha = np.array(info.hexsha, dtype="S7")
        table._failed = np.array(info.failed, dtype=np.int8)
        table._errors = dict(info.errors)
        for column in (table._completed, table._timestamp, table._finish_timestamp,
                       table._hexsha, table._failed):
            if len(column) != length:
                raise ValueError(f"The run information has {len(column)} rows for {length} runs.")
        return table

    def as_info(self) -> RunInfo:
        """The run information as a backend stores it."""
        return RunInfo(completed=self.completed, start=self.timestamp,
                       finish=self.finish_timestamp, hexsha=self.hexsha,
                       failed=self.failed, errors=dict(self.errors))

    def __len__(self) -> int:
        return len(self._completed)

    def resize(self, length: int) -> None:
        """Grow (new runs are not started) or cut the table to ``length`` rows."""
        if self._queued:
            self._apply()
        old = len(self)
        if length == old:
            return
        if length < old:
            self._completed = self._completed[:length].copy()
            self._timestamp = self._timestamp[:length].copy()
            self._finish_timestamp = self._finish_timestamp[:length].copy()
            self._hexsha = self._hexsha[:length].copy()
            self._failed = self._failed[:length].copy()
            self._errors = {i: e for i, e in self._errors.items() if i < length}
            return
        extra = length - old
        self._completed = np.concatenate([self._completed, np.zeros(extra, dtype=np.int8)])
        self._timestamp = np.concatenate([self._timestamp, np.full(extra, np.nan)])
        self._finish_timestamp = np.concatenate([self._finish_timestamp,
                                                 np.full(extra, np.nan)])
        self._hexsha = np.concatenate([self._hexsha, np.full(extra, b"", dtype="S7")])
        self._failed = np.concatenate([self._failed, np.zeros(extra, dtype=np.int8)])

    def n_completed(self) -> int:
        """Number of completed runs."""
        return int(self.completed.sum())

    def start(self, idx: int, hexsha: str = "", timestamp: float | None = None) -> None:
        """Record that run ``idx`` started."""
        if self._queued:
            self._apply()
        self._timestamp[idx] = time.time() if timestamp is None else timestamp
        self._hexsha[idx] = hexsha[:7].encode("ascii", "replace")

    def finish(self, idx: int, timestamp: float | None = None, completed: bool = True,
               error: tuple[str, str] | None = None) -> None:
        """Record that run ``idx`` finished (``error``: ``(summary, traceback)`` if it raised)."""
        if self._queued:
            self._apply()
        self._finish_timestamp[idx] = time.time() if timestamp is None else timestamp
        self._completed[idx] = 1 if completed else 0
        if error is None:
            self._errors.pop(idx, None)
            self._failed[idx] = 0
        else:
            self._errors[idx] = error
            self._failed[idx] = 1

    def record(self, outcome: RunOutcome) -> None:
        """Record a run's outcome (start, finish, completed, failure)."""
        if not 0 <= outcome.idx < len(self._completed):
            raise IndexError(f"Run {outcome.idx} is not a run of this table of "
                             f"{len(self._completed)} runs.")
        queued = self._queued
        queued.append(outcome)
        # a failure enters at once: its exception (and traceback) is not kept here
        if outcome.error is not None or len(queued) >= self._MAX_QUEUED:
            self._apply()

    def record_many(self, outcomes: Sequence[RunOutcome]) -> None:
        """:meth:`record` each of ``outcomes``."""
        length = len(self._completed)
        if any(not 0 <= o.idx < length or o.error is not None for o in outcomes):
            for outcome in outcomes:
                self.record(outcome)
            return
        self._queued.extend(outcomes)
        if len(self._queued) >= self._MAX_QUEUED:
            self._apply()

    def __getstate__(self) -> dict[str, Any]:
        if self._queued:
            self._apply()
        return self.__dict__.copy()

    def __setstate__(self, state: dict[str, Any]) -> None:
        # tables pickled before rows were queued (resume snapshots) name the columns plainly
        self.__dict__.update({("_" + k if not k.startswith("_") else k): v
                              for k, v in state.items()})
        self.__dict__.setdefault("_queued", [])

    def _apply(self) -> None:
        """Write the queued outcomes into the columns (in order: a later one wins)."""
        queued, self._queued = self._queued, []
        idx = np.fromiter([o.idx for o in queued], dtype=np.int64, count=len(queued))
        if _repeats(idx):  # a run recorded twice: one by one, in order
            for outcome in queued:
                self._queued = [outcome]
                self._apply()
            return
        self._timestamp[idx] = [o.start for o in queued]
        self._finish_timestamp[idx] = [o.finish for o in queued]
        self._completed[idx] = [o.completed for o in queued]
        hexshas = {o.hexsha for o in queued}
        self._hexsha[idx] = hexshas.pop()[:7].encode("ascii", "replace") \
            if len(hexshas) == 1 else [o.hexsha[:7].encode("ascii", "replace") for o in queued]
        failed = [o.error is not None for o in queued]
        self._failed[idx] = failed
        if any(failed) or self._errors:
            for outcome in queued:
                error = outcome.error
                if error is None:
                    self._errors.pop(outcome.idx, None)
                else:
                    self._errors[outcome.idx] = (error.summary, error.traceback)

    def info(self, idx: int, parameter_summary: str = "") -> dict:
        """Return pypet's run-information dict of run ``idx``."""
        start = float(self.timestamp[idx])
        finish = float(self.finish_timestamp[idx])
        runtime = (
            str(datetime.timedelta(seconds=finish - start)) if finish == finish and start == start
            else ""
        )
        return {
            "idx": idx,
            "name": run_name(idx),
            "timestamp": start,
            "time": format_time(start),
            "finish_timestamp": finish,
            "runtime": runtime,
            "completed": int(self.completed[idx]),
            "parameter_summary": parameter_summary,
            "short_environment_hexsha": self.hexsha[idx].decode("ascii"),
            "failed": int(self.failed[idx]),
            "error": self.errors.get(idx, ("", ""))[0],
            "traceback": self.errors.get(idx, ("", ""))[1],
        }


def _repeats(idx: np.ndarray) -> bool:
    """Whether an index occurs twice in ``idx`` (without ``np.unique``, whose first call
    imports ``numpy.ma``: 6 ms of a short experiment)."""
    if len(idx) < 2 or bool((idx[1:] > idx[:-1]).all()):  # increasing: the usual case
        return False
    ordered = np.sort(idx)
    return bool((ordered[1:] == ordered[:-1]).any())
