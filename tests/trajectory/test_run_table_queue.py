"""RunTable queues recorded outcomes; every read, copy and pickle sees them applied."""

from __future__ import annotations

import copy
import gc
import pickle
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from pypet.storage.records import RunFailure, RunInfo, RunOutcome
from pypet.trajectory.run_table import RunTable, _repeats


class _RunError(Exception):
    """An exception that can be watched with a weak reference."""


def _done(idx: int, start: float = 10.0, finish: float = 12.5, hexsha: str = "abcdef0123",
          completed: bool = True, value: Any = None) -> RunOutcome:
    return RunOutcome(idx, value, start, finish, completed, hexsha)


def _failed(idx: int, message: str = "bad run", start: float = 20.0,
            finish: float = 21.0) -> RunOutcome:
    try:
        raise _RunError(message)
    except _RunError as error:
        failure = RunFailure.capture(error)
    return RunOutcome(idx, None, start, finish, False, "fa11ed0", error=failure)


#: each way of reading the table, giving run 1's (completed, start, finish, hexsha, failed)
READERS: dict[str, Callable[[RunTable], tuple]] = {
    "columns": lambda t: (int(t.completed[1]), float(t.timestamp[1]),
                          float(t.finish_timestamp[1]), bytes(t.hexsha[1]), int(t.failed[1])),
    "info": lambda t: (lambda i: (i["completed"], i["timestamp"], i["finish_timestamp"],
                                  i["short_environment_hexsha"].encode(), i["failed"]))(
        t.info(1)),
    "as_info": lambda t: (lambda r: (int(r.completed[1]), float(r.start[1]),
                                     float(r.finish[1]), bytes(r.hexsha[1]),
                                     int(r.failed[1])))(t.as_info()),
}
#: each column read alone, first thing after record
COLUMNS: dict[str, Callable[[RunTable], Any]] = {
    "completed": lambda t: int(t.completed[1]),
    "timestamp": lambda t: float(t.timestamp[1]),
    "finish_timestamp": lambda t: float(t.finish_timestamp[1]),
    "hexsha": lambda t: bytes(t.hexsha[1]),
    "failed": lambda t: int(t.failed[1]),
    "n_completed": lambda t: t.n_completed(),
}
EXPECTED_COLUMNS = {"completed": 1, "timestamp": 10.0, "finish_timestamp": 12.5,
                    "hexsha": b"abcdef0", "failed": 0, "n_completed": 1}


@pytest.mark.parametrize("column", list(COLUMNS))
def test_each_column_shows_a_recorded_outcome_at_once(column: str) -> None:
    """The first read of any one column after record already holds the recorded row."""
    table = RunTable(3)
    table.record(_done(1))
    assert COLUMNS[column](table) == EXPECTED_COLUMNS[column]


@pytest.mark.parametrize("reader", list(READERS))
def test_info_and_as_info_show_a_recorded_outcome_at_once(reader: str) -> None:
    """info(idx) and as_info() right after record give the recorded start, finish, sha."""
    table = RunTable(3)
    table.record(_done(1))
    assert READERS[reader](table) == (1, 10.0, 12.5, b"abcdef0", 0)


def test_info_right_after_record_has_runtime_and_no_error() -> None:
    """info of a completed recorded run: its runtime, and empty error and traceback."""
    table = RunTable(2)
    table.record(_done(0, start=100.0, finish=102.0))
    info = table.info(0)
    assert info["runtime"] == "0:00:02" and info["name"] == "run_00000000"
    assert (info["error"], info["traceback"]) == ("", "")


def test_a_failed_run_shows_its_error_at_once() -> None:
    """A recorded failure is in failed, errors and info(idx) before any other call."""
    table = RunTable(2)
    table.record(_failed(0, "x=3 is refused"))
    assert table.errors[0][0] == "_RunError: x=3 is refused"
    info = table.info(0)
    assert info["failed"] == 1 and info["completed"] == 0
    assert info["error"] == "_RunError: x=3 is refused"
    assert "x=3 is refused" in info["traceback"]


def test_failed_then_completed_ends_completed_without_a_stale_error() -> None:
    """A run recorded as failed and then as completed is completed, not failed, no error."""
    table = RunTable(3)
    table.record(_done(0))
    table.record(_failed(1))
    table.record(_done(1, start=30.0, finish=31.0))
    table.record(_done(2))
    assert table.completed.tolist() == [1, 1, 1]
    assert table.failed.tolist() == [0, 0, 0]
    assert table.errors == {}
    info = table.info(1)
    assert (info["error"], info["traceback"], info["timestamp"]) == ("", "", 30.0)


def test_completed_then_failed_ends_failed() -> None:
    """A run recorded completed and then failed (queued together) ends failed."""
    table = RunTable(2)
    table.record(_done(1))
    table.record(_failed(1, "second attempt"))
    assert table.failed.tolist() == [0, 1] and table.completed.tolist() == [0, 0]
    assert table.errors[1][0] == "_RunError: second attempt"


def test_a_run_queued_twice_keeps_the_later_row() -> None:
    """Two queued rows of one run apply in order: the later start, finish and sha win."""
    table = RunTable(3)
    table.record(_done(2, start=1.0, finish=2.0, hexsha="1111111"))
    table.record(_done(0))
    table.record(_done(2, start=5.0, finish=6.0, hexsha="2222222", completed=False))
    assert table.timestamp[2] == 5.0 and table.finish_timestamp[2] == 6.0
    assert table.hexsha[2] == b"2222222" and table.completed[2] == 0
    assert table.completed[0] == 1


def test_an_error_loaded_from_storage_is_cleared_by_a_queued_completion() -> None:
    """A table from storage with a failed run: recording the run completed drops its error."""
    info = RunInfo(completed=np.zeros(2, np.int8), start=np.full(2, 1.0),
                   finish=np.full(2, 2.0), hexsha=np.array([b"a", b"b"], dtype="S7"),
                   failed=np.array([0, 1], np.int8), errors={1: ("KeyError: 'k'", "tb")})
    table = RunTable.from_info(2, info)
    table.record(_done(1))
    assert table.errors == {} and table.failed.tolist() == [0, 0]
    assert table.info(1)["error"] == ""


def test_more_rows_than_the_queue_holds_all_arrive() -> None:
    """Thousands of recorded runs (past the queue's bound) all reach the columns."""
    n = RunTable._MAX_QUEUED * 2 + 5
    table = RunTable(n)
    for idx in range(n):
        table.record(_done(idx, start=float(idx), finish=idx + 0.5, hexsha=f"{idx % 7}" * 7))
    assert table.n_completed() == n
    assert np.array_equal(table.timestamp, np.arange(n, dtype=float))
    assert np.array_equal(table.finish_timestamp, np.arange(n) + 0.5)
    assert table.hexsha[:8].tolist() == [f"{i % 7}".encode() * 7 for i in range(8)]


def test_start_and_finish_after_a_queued_record_come_later() -> None:
    """start()/finish() after a queued record of the same run override it, as called."""
    table = RunTable(2)
    table.record(_failed(0))
    table.record(_done(1))
    table.start(1, "feedbee", timestamp=50.0)
    table.finish(1, timestamp=51.0, completed=False)
    table.finish(0, timestamp=60.0)
    assert table.timestamp[1] == 50.0 and table.finish_timestamp[1] == 51.0
    assert table.hexsha[1] == b"feedbee" and table.completed.tolist() == [1, 0]
    assert table.errors == {} and table.failed.tolist() == [0, 0]


def test_resize_keeps_queued_rows() -> None:
    """Growing or cutting a table with queued rows keeps those rows (within the length)."""
    table = RunTable(3)
    table.record(_done(0))
    table.record(_done(2))
    table.resize(5)
    assert table.completed.tolist() == [1, 0, 1, 0, 0]
    table.record(_done(4))
    table.resize(2)
    assert table.completed.tolist() == [1, 0]


def test_a_failure_does_not_keep_its_exception() -> None:
    """After recording a failure, the table holds its texts but not the exception object."""
    table = RunTable(2)
    table.record(_done(0))  # something queued before the failure
    outcome = _failed(1, "watched")
    watch = weakref.ref(outcome.error.exception)
    table.record(outcome)
    del outcome
    gc.collect()
    assert watch() is None, "the table keeps the failed run's exception alive"
    assert table.errors[1][0] == "_RunError: watched"


@pytest.mark.parametrize("copier", ["pickle", "deepcopy"])
def test_copies_keep_queued_rows(copier: str) -> None:
    """A pickled or deep-copied table holds the rows that were still queued."""
    table = RunTable(3)
    table.record(_done(0, value=lambda: None))  # a value that cannot be pickled
    table.record(_done(2, start=3.0, finish=4.0))
    copied = pickle.loads(pickle.dumps(table)) if copier == "pickle" else copy.deepcopy(table)
    for each in (copied, table):
        assert each.completed.tolist() == [1, 0, 1]
        assert each.timestamp[2] == 3.0 and each.finish_timestamp[2] == 4.0
    copied.record(_done(1))
    assert copied.completed.tolist() == [1, 1, 1] and table.completed.tolist() == [1, 0, 1]


class _OldTable:
    """Pickles as a RunTable did before rows were queued: its columns under plain names."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    def __reduce__(self) -> tuple:
        return object.__new__, (RunTable,), self.state


def test_a_pickle_of_the_old_attribute_layout_loads() -> None:
    """A table pickled with ``completed``, ``timestamp``, ... attributes loads and works."""
    state = {"completed": np.array([1, 0, 0], np.int8),
             "timestamp": np.array([1.0, 2.0, np.nan]),
             "finish_timestamp": np.array([1.5, 2.5, np.nan]),
             "hexsha": np.array([b"aaaaaaa", b"bbbbbbb", b""], dtype="S7"),
             "failed": np.array([0, 1, 0], np.int8),
             "errors": {1: ("ValueError: old", "old traceback")}}
    table = pickle.loads(pickle.dumps(_OldTable(state)))
    assert type(table) is RunTable and len(table) == 3
    assert table.completed.tolist() == [1, 0, 0]
    assert table.info(1)["error"] == "ValueError: old"
    assert table.info(0)["short_environment_hexsha"] == "aaaaaaa"
    table.record(_done(1))
    table.record(_done(2))
    assert table.completed.tolist() == [1, 1, 1] and table.errors == {}


@pytest.mark.parametrize("idx", [3, 10, -1])
def test_record_outside_the_table_names_the_run(idx: int) -> None:
    """record of an index the table has no row for raises IndexError naming that run."""
    table = RunTable(3)
    table.record(_done(0))
    with pytest.raises(IndexError, match=rf"Run {idx} .*3 runs"):
        table.record(_done(idx))
    assert table.completed.tolist() == [1, 0, 0]


@pytest.mark.parametrize(("indices", "expected"), [
    ([], False), ([5], False), ([0, 1, 2], False), ([2, 0, 1], False), ([1, 0, 1], True),
    ([3, 3], True), ([0, 1, 2, 2], True),
])
def test_repeated_indices_are_recognised_in_any_order(indices, expected) -> None:
    """The queue's check for a run recorded twice, sorted or not."""
    assert _repeats(np.array(indices, dtype=np.int64)) is expected
