"""Book-keeping of submitted tasks: the queue, the retries and who gave up when."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from pypet.errors import WorkerDiedError
from pypet.execution.procs.outcome import TaskOutcome, WorkerDeath

__all__ = ["TaskBook"]


@dataclass
class _Task:
    data: Any  #: what a child needs to run it (pickled bytes, or a call for a new process)
    deaths: list[WorkerDeath] = field(default_factory=list)


class TaskBook:
    """Tasks not yet finished: those waiting, and those a child holds.

    A task whose child died goes back to the *front* of the queue (it has waited longest)
    until it has caused ``retries + 1`` deaths; then it is given up.
    """

    def __init__(self, retries: int) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries!r}.")
        self.retries = retries
        self._tasks: dict[Hashable, _Task] = {}
        self._queue: deque[Hashable] = deque()

    def __len__(self) -> int:
        """Tasks not finished (waiting or held)."""
        return len(self._tasks)

    @property
    def waiting(self) -> int:
        """Tasks in the queue."""
        return len(self._queue)

    def add(self, key: Hashable, data: Any) -> None:
        """Queue a new task; keys must be unique among unfinished tasks."""
        if key in self._tasks:
            raise ValueError(f"A task with key {key!r} is already submitted and not finished; "
                             "give each task its own key.")
        self._tasks[key] = _Task(data)
        self._queue.append(key)

    def take(self) -> tuple[Hashable, Any] | None:
        """The next task to hand out (key, data), or None if none waits."""
        if not self._queue:
            return None
        key = self._queue.popleft()
        return key, self._tasks[key].data

    def put_back(self, key: Hashable) -> None:
        """Return a task that never reached its child (no attempt is charged)."""
        self._queue.appendleft(key)

    def finished(self, key: Hashable, result: Any = None, error: BaseException | None = None,
                 traceback: str = "") -> TaskOutcome:
        """Close a task that ran to its end (returned or raised)."""
        task = self._tasks.pop(key)
        return TaskOutcome(key, result, error, tuple(task.deaths), traceback)

    def died(self, key: Hashable, death: WorkerDeath, retry: bool = True) -> TaskOutcome | None:
        """A child died holding ``key``: queue it again, or give it up (returns its outcome)."""
        task = self._tasks[key]
        task.deaths.append(death)
        if retry and len(task.deaths) <= self.retries:
            self._queue.appendleft(key)
            return None
        del self._tasks[key]
        deaths = tuple(task.deaths)
        return TaskOutcome(key, error=WorkerDiedError(key, deaths), deaths=deaths)

    def drop_waiting(self) -> list[Hashable]:
        """Forget every waiting task (a graceful stop); return their keys in queue order."""
        keys = list(self._queue)
        self._queue.clear()
        for key in keys:
            del self._tasks[key]
        return keys
