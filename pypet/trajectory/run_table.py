"""Per-run bookkeeping kept as numpy columns (one row per run).

A million runs cost a few tens of MB here instead of a million dicts; the dict view that
pypet's ``f_get_run_information`` returns is built on demand.
"""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING

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


def _ascii_bytes(texts: np.ndarray) -> np.ndarray:
    """``texts.astype("S7")`` for ASCII ``U7`` texts (hexshas), without encoding each one.

    ``astype`` encodes row by row (a second for a million rows, at every store); the code
    points of ASCII texts are their bytes.
    """
    return texts.view(np.uint32).astype(np.uint8).view("S7")


class RunTable:
    """Columns ``completed``, ``timestamp``, ``finish_timestamp``, ``hexsha`` and ``failed``
    per run, and the errors of failed runs (``{idx: (summary, traceback)}``)."""

    def __init__(self, length: int = 1) -> None:
        self.completed = np.zeros(length, dtype=np.int8)
        self.timestamp = np.full(length, np.nan)
        self.finish_timestamp = np.full(length, np.nan)
        self.hexsha = np.full(length, "", dtype="U7")
        self.failed = np.zeros(length, dtype=np.int8)
        self.errors: dict[int, tuple[str, str]] = {}

    @classmethod
    def from_info(cls, length: int, info: RunInfo) -> RunTable:
        """A table holding the run information a backend loaded."""
        table = cls(length)
        table.completed[:] = info.completed
        table.timestamp[:] = info.start
        table.finish_timestamp[:] = info.finish
        table.hexsha[:] = np.char.decode(np.asarray(info.hexsha).astype("S7"), "ascii")
        table.failed[:] = info.failed
        table.errors = dict(info.errors)
        return table

    def as_info(self) -> RunInfo:
        """The run information as a backend stores it."""
        return RunInfo(completed=self.completed, start=self.timestamp,
                       finish=self.finish_timestamp, hexsha=_ascii_bytes(self.hexsha),
                       failed=self.failed, errors=dict(self.errors))

    def __len__(self) -> int:
        return len(self.completed)

    def resize(self, length: int) -> None:
        """Grow (new runs are not started) or cut the table to ``length`` rows."""
        old = len(self)
        if length == old:
            return
        if length < old:
            self.completed = self.completed[:length].copy()
            self.timestamp = self.timestamp[:length].copy()
            self.finish_timestamp = self.finish_timestamp[:length].copy()
            self.hexsha = self.hexsha[:length].copy()
            self.failed = self.failed[:length].copy()
            self.errors = {i: e for i, e in self.errors.items() if i < length}
            return
        extra = length - old
        self.completed = np.concatenate([self.completed, np.zeros(extra, dtype=np.int8)])
        self.timestamp = np.concatenate([self.timestamp, np.full(extra, np.nan)])
        self.finish_timestamp = np.concatenate([self.finish_timestamp, np.full(extra, np.nan)])
        self.hexsha = np.concatenate([self.hexsha, np.full(extra, "", dtype="U7")])
        self.failed = np.concatenate([self.failed, np.zeros(extra, dtype=np.int8)])

    def n_completed(self) -> int:
        """Number of completed runs."""
        return int(self.completed.sum())

    def start(self, idx: int, hexsha: str = "", timestamp: float | None = None) -> None:
        """Record that run ``idx`` started."""
        self.timestamp[idx] = time.time() if timestamp is None else timestamp
        self.hexsha[idx] = hexsha[:7]

    def finish(self, idx: int, timestamp: float | None = None, completed: bool = True,
               error: tuple[str, str] | None = None) -> None:
        """Record that run ``idx`` finished (``error``: ``(summary, traceback)`` if it raised)."""
        self.finish_timestamp[idx] = time.time() if timestamp is None else timestamp
        self.completed[idx] = 1 if completed else 0
        if error is None:
            if self.errors:  # cheap test first: this runs once per run
                self.errors.pop(idx, None)
            self.failed[idx] = 0
        else:
            self.errors[idx] = error
            self.failed[idx] = 1

    def record(self, outcome: RunOutcome) -> None:
        """Record a run's outcome (start, finish, completed, failure)."""
        self.start(outcome.idx, outcome.hexsha, outcome.start)
        error = outcome.error
        self.finish(outcome.idx, outcome.finish, outcome.completed,
                    None if error is None else (error.summary, error.traceback))

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
            "short_environment_hexsha": str(self.hexsha[idx]),
            "failed": int(self.failed[idx]),
            "error": self.errors.get(idx, ("", ""))[0],
            "traceback": self.errors.get(idx, ("", ""))[1],
        }
