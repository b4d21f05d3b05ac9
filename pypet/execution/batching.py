"""Run tasks and how they travel to workers: one small record per run, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ArgsFor", "RunTask", "batch_size", "batches", "task_of"]

#: maps a run index to the (args, kwargs) of that run
ArgsFor = Callable[[int], tuple[tuple, dict]]


@dataclass(frozen=True, slots=True)
class RunTask:
    """One run to execute: its index and, unless they are the same for every run (then
    they travel once, with the worker's payload), its arguments."""

    idx: int
    args: tuple | None = None
    kwargs: dict[str, Any] | None = None


def batch_size(n_runs: int, n_workers: int, max_size: int = 64) -> int:
    """Runs per batch: big enough to amortise messaging, small enough to balance load."""
    return max(1, min(max_size, n_runs // max(1, 8 * n_workers)))


def task_of(idx: int, args_for: ArgsFor, constant_args: bool) -> RunTask:
    """The task of run ``idx`` (without arguments when they are constant)."""
    if constant_args:
        return RunTask(idx)
    args, kwargs = args_for(idx)
    return RunTask(idx, args, kwargs)


def batches(indices: Sequence[int], size: int, args_for: ArgsFor,
            constant_args: bool) -> Iterator[list[RunTask]]:
    """Yield the tasks of ``indices`` in lists of ``size``."""
    for start in range(0, len(indices), size):
        yield [task_of(idx, args_for, constant_args) for idx in indices[start:start + size]]
