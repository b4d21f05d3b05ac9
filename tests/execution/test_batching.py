"""Run tasks and their batches: consecutive runs with the payload's arguments travel as a
range, anything else as one task per run."""

from __future__ import annotations

import pickle

from pypet.execution.batching import AdaptiveBatches, RunTask, TaskRange
from pypet.execution.worker import PoolTask


def _args_for(idx: int) -> tuple[tuple, dict]:
    return (idx * 10,), {"k": idx}


def test_a_task_range_is_a_sequence_of_run_tasks():
    """Indexing, slicing, iterating and len give what a tuple of RunTasks would."""
    tasks = TaskRange(range(5, 9))
    expected = tuple(RunTask(idx) for idx in range(5, 9))
    assert len(tasks) == 4 and tuple(tasks) == expected
    assert tasks[0] == RunTask(5) and tasks[-1] == RunTask(8)
    assert tasks[1:3] == TaskRange(range(6, 8))
    assert [task.idx for task in tasks] == [5, 6, 7, 8]


def test_a_task_range_pickles_as_its_range_whatever_its_length():
    """A batch of a million runs pickles in as few bytes as one of four."""
    small, big = TaskRange(range(0, 4)), TaskRange(range(10**6, 2 * 10**6))
    assert len(pickle.dumps(big)) - len(pickle.dumps(small)) < 16
    assert pickle.loads(pickle.dumps(big)) == big
    task = PoolTask(big, number=3)
    copy = pickle.loads(pickle.dumps(task))
    assert copy.tasks == big and copy.number == 3


def test_fresh_consecutive_runs_with_constant_arguments_become_ranges():
    """A fresh sweep's batches are TaskRanges covering every run once, in order."""
    batches = AdaptiveBatches(range(100), 2, _args_for, constant_args=True)
    seen = []
    while (batch := batches.next()) is not None:
        assert isinstance(batch, TaskRange)
        seen.extend(task.idx for task in batch)
    assert seen == list(range(100))


def test_runs_with_their_own_arguments_or_gaps_travel_one_task_each():
    """run_map arguments, and pending runs that are not consecutive, keep RunTasks."""
    mapped = AdaptiveBatches(range(10), 2, _args_for, constant_args=False).next()
    assert isinstance(mapped, list) and mapped[0] == RunTask(0, (0,), {"k": 0})
    gaps = AdaptiveBatches([1, 4, 7, 9], 1, _args_for, constant_args=True).next()
    assert isinstance(gaps, list) and [task.idx for task in gaps] == [1]
