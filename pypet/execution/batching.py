"""Run tasks and how they travel to workers: one small record per run, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

__all__ = ["AdaptiveBatches", "ArgsFor", "RunTask", "batch_size", "batches", "task_of"]

#: maps a run index to the (args, kwargs) of that run
ArgsFor = Callable[[int], tuple[tuple, dict]]


class RunTask(NamedTuple):
    """One run to execute: its index and, unless they are the same for every run (then
    they travel once, with the worker's payload), its arguments.

    A named tuple: the main process makes one per run of a pool (a frozen dataclass is
    built three times slower).
    """

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


class AdaptiveBatches:
    """Hands out runs in batches sized to hold about ``target`` seconds of work.

    The first batches have the size :func:`batch_size` gives; every finished batch tells
    how long a run takes (:meth:`observe`), and later batches hold as many runs as fit in
    ``target`` seconds: microsecond runs travel by the thousand (the messaging per batch
    then costs nothing next to them), second-long runs one or a few at a time (the workers
    stay balanced). Batches never exceed ``max_size`` runs, nor a quarter of each worker's
    share, so that the last batches end together.
    """

    def __init__(self, indices: Sequence[int], n_workers: int, args_for: ArgsFor,
                 constant_args: bool, target: float = 0.05, max_size: int = 2000) -> None:
        self._indices, self._args_for, self._constant = indices, args_for, constant_args
        self._pos = 0
        self.size = batch_size(len(indices), n_workers)
        self._target = target
        self._max = max(1, min(max_size, len(indices) // max(1, 4 * n_workers)))

    def next(self) -> list[RunTask] | None:
        """The next batch, or None when every run was handed out."""
        start = self._pos
        if start >= len(self._indices):
            return None
        self._pos = min(len(self._indices), start + self.size)
        return [task_of(idx, self._args_for, self._constant)
                for idx in self._indices[start:self._pos]]

    def observe(self, seconds_per_run: float) -> None:
        """A batch finished with runs of ``seconds_per_run`` on average."""
        if seconds_per_run > 0:
            self.size = max(1, min(self._max, int(self._target / seconds_per_run)))
