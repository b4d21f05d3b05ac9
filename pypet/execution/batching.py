"""Run tasks and how they travel to workers: one small record per run, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, overload

__all__ = ["AdaptiveBatches", "ArgsFor", "RunTask", "TaskRange", "batch_size", "batches",
           "task_of"]

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


class TaskRange(Sequence[RunTask]):
    """The tasks of consecutive runs whose arguments travel with the payload: kept, and
    pickled, as their range of indices (two numbers for a batch of thousands of runs;
    making and pickling a task per run cost the main process a microsecond per run)."""

    __slots__ = ("runs",)

    def __init__(self, runs: range) -> None:
        self.runs = runs

    def __len__(self) -> int:
        return len(self.runs)

    @overload
    def __getitem__(self, index: int) -> RunTask: ...

    @overload
    def __getitem__(self, index: slice) -> TaskRange: ...

    def __getitem__(self, index: int | slice) -> RunTask | TaskRange:
        if isinstance(index, slice):
            return TaskRange(self.runs[index])
        return RunTask(self.runs[index])

    def __iter__(self) -> Iterator[RunTask]:
        return map(RunTask, self.runs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaskRange) and other.runs == self.runs

    def __hash__(self) -> int:
        return hash(self.runs)

    def __reduce__(self) -> tuple[type[TaskRange], tuple[range]]:
        return TaskRange, (self.runs,)

    def __repr__(self) -> str:
        return f"TaskRange({self.runs!r})"


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

    def next(self) -> Sequence[RunTask] | None:
        """The next batch (a :class:`TaskRange` where it can be), or None when every run
        was handed out."""
        start = self._pos
        if start >= len(self._indices):
            return None
        self._pos = min(len(self._indices), start + self.size)
        chunk = self._indices[start:self._pos]
        if self._constant and isinstance(chunk, range) and chunk.step == 1:
            return TaskRange(chunk)
        return [task_of(idx, self._args_for, self._constant) for idx in chunk]

    def observe(self, seconds_per_run: float) -> None:
        """A batch finished with runs of ``seconds_per_run`` on average."""
        if seconds_per_run > 0:
            self.size = max(1, min(self._max, int(self._target / seconds_per_run)))
