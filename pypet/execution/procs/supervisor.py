"""What :class:`WorkerPool` and :class:`ProcessPerTask` share: watching children, deaths, stops.

The main process has no helper thread. It waits in :meth:`Supervisor.wait` with
``multiprocessing.connection.wait`` on every child's pipe and process sentinel, so a message
and a death are noticed at once and it always knows which task each child holds.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable, Hashable
from multiprocessing.connection import wait as wait_for
from typing import Any, Self

from pypet.execution.procs.handle import ChildHandle, reap
from pypet.execution.procs.outcome import TaskOutcome, WorkerDeath
from pypet.execution.procs.start import (
    get_context,
    other_threads,
    resolve_start_method,
    starting,
    warn_foreign_threads,
)
from pypet.execution.procs.tasks import TaskBook

__all__ = ["Supervisor"]

_log = logging.getLogger("pypet.execution.procs")


class Supervisor:
    """Children that run tasks, watched from the main process (a base class).

    Subclasses start children (:meth:`_dispatch`) and may add message kinds
    (:meth:`_on_other_message`) and death handling (:meth:`_on_death`). Not thread-safe:
    drive it from one thread (it needs none of its own).
    """

    #: what a child is, for messages
    _purpose = "a child process"

    def __init__(self, retries: int, niceness: int | None, start_method: str | None,
                 picklable: bool, name: str) -> None:
        if niceness is not None and not isinstance(niceness, int):
            raise TypeError(f"niceness must be an int or None, not {niceness!r}.")
        resolve_start_method(start_method, picklable)  # an unknown method fails here, early
        self._book = TaskBook(retries)
        self._children: list[ChildHandle] = []
        self._requested, self._picklable = start_method, picklable
        self._niceness, self._name = niceness, name
        self._accepting = True
        self._closed = False
        self._warned_threads = False
        self._numbers = itertools.count(1)
        self._keys = itertools.count()
        #: the start method of the most recently started child
        self.start_method: str | None = None

    # ---- the public surface ------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Submitted tasks no child holds yet."""
        return self._book.waiting

    @property
    def busy(self) -> int:
        """Tasks a child holds now."""
        return sum(child.key is not None for child in self._children)

    @property
    def idle(self) -> bool:
        """Whether every submitted task has an outcome (or was dropped by :meth:`stop`)."""
        return len(self._book) == 0

    @property
    def pids(self) -> list[int]:
        """Process ids of the live children."""
        return [child.pid for child in self._children if child.pid is not None]

    def wait(self, timeout: float | None = None) -> list[TaskOutcome]:
        """Wait until some tasks end; return their outcomes (maybe none after ``timeout``).

        Returns at once with ``[]`` when no task is waiting or running. Dead children are
        noticed here: their task is queued again (or given up after the retries) and a new
        child takes it.
        """
        self._check_open()
        self._dispatch()
        deadline = None if timeout is None else time.monotonic() + timeout
        outcomes: list[TaskOutcome] = []
        while not outcomes and not self.idle:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            recheck = self._recheck_seconds()
            if recheck is not None:
                left = recheck if left is None else min(left, recheck)
            waitables = [item for child in self._children for item in child.waitables()]
            if not waitables and left is None:  # would block for ever: a bug, say so
                raise RuntimeError(f"{len(self._book)} task(s) unfinished but no process "
                                   "runs them.")
            ready = set(wait_for(waitables, left)) if waitables else set()
            for child in list(self._children):
                if ready.intersection(child.waitables()):
                    outcomes.extend(self._service(child))
            self._dispatch()
            if deadline is not None and time.monotonic() >= deadline:
                break
        return outcomes

    def stop(self) -> list[Hashable]:
        """Graceful stop: start no new task; running ones go on (collect them with :meth:`wait`).

        Returns the keys of the waiting tasks, which are dropped and never start. A task
        whose child dies after this point is given up, not retried.
        """
        self._accepting = False
        return self._book.drop_waiting()

    def close(self) -> None:
        """End every child: idle ones are asked to leave, ones holding a task are killed.

        To let running tasks finish, call :meth:`stop` and :meth:`wait` until :attr:`idle`
        first. Safe to call twice.
        """
        if self._closed:
            return
        self._closed, self._accepting = True, False
        children, self._children = self._children, []
        reap(children, polite=[child for child in children if child.key is None])

    def terminate(self) -> None:
        """Hard stop: kill every child now; running tasks are abandoned."""
        if self._closed:
            return
        self._closed, self._accepting = True, False
        children, self._children = self._children, []
        reap(children)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- shared machinery -------------------------------------------------------------

    def _next_key(self) -> int:
        return next(self._keys)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"This {type(self).__name__} is closed; create a new one.")

    def _start_child(self, target: Callable[..., None], args: tuple) -> ChildHandle:
        """Start ``target(conn, parent_pid, *args)`` with the start method safe right now."""
        picklable = self._picklable
        if picklable and self._requested is None and other_threads():
            picklable = self._loads_in_fresh_process()
        method = resolve_start_method(self._requested, picklable)
        # the main process is the child's parent except with a fork server
        parent = None if method == "forkserver" else os.getpid()
        with starting(self._purpose, method) as foreign:
            if foreign and not self._warned_threads:
                warn_foreign_threads(self._purpose, foreign)
                self._warned_threads = True
            child = ChildHandle(get_context(method), target, (parent, *args),
                                name=f"{self._name}-{next(self._numbers)}")
        if method != self.start_method:
            _log.debug("%s: %s started with the %r start method.", self._name,
                       self._purpose, method)
        self.start_method = method
        self._children.append(child)
        return child

    def _service(self, child: ChildHandle) -> list[TaskOutcome]:
        """Read everything ``child`` sent; notice its death."""
        outcomes: list[TaskOutcome] = []
        while child in self._children:
            if not child.has_message():
                if not child.process.is_alive():
                    outcomes.extend(self._bury(child))
                break
            message = child.receive()
            if message is None:
                outcomes.extend(self._bury(child))
            elif message[0] in ("done", "raised"):
                key, child.key = child.key, None
                if message[0] == "done":
                    outcomes.append(self._book.finished(key, result=message[1]))
                else:
                    outcomes.append(self._book.finished(key, error=message[1],
                                                        traceback=message[2]))
            elif message[0] == "fatal":
                child.last_words = message[1]
            else:
                self._on_other_message(child, message)
        return outcomes

    def _bury(self, child: ChildHandle) -> list[TaskOutcome]:
        """Reap a dead child; its task is retried or given up."""
        during = "task" if child.key is not None else "init" if not child.ready else "idle"
        death = child.death(during)
        self._children.remove(child)
        if child.key is None:
            self._on_death(child, death)
            return []
        outcome = self._book.died(child.key, death, retry=self._accepting)
        if outcome is None:
            fate = "goes back to the queue to be retried"
        elif self._book.retries:
            fate = f"is given up after {len(outcome.deaths)} attempt(s)"
        else:
            fate = "ends without a result"  # the caller decides (it asked for no retries)
        _log.warning("%s; task %r %s.", death, child.key, fate)
        return [outcome] if outcome else []

    # ---- for subclasses ---------------------------------------------------------------

    def _dispatch(self) -> None:
        """Start children / hand waiting tasks to them."""
        raise NotImplementedError

    def _recheck_seconds(self) -> float | None:
        """How soon :meth:`wait` must look again without any event (None: no need)."""
        return None

    def _loads_in_fresh_process(self) -> bool:
        """Whether a fresh child (fork server) could load what it needs (see
        :func:`~pypet.execution.procs.start.loads_in_fresh_process`); asked only when
        threads run."""
        return True

    def _on_other_message(self, child: ChildHandle, message: tuple) -> None:
        raise RuntimeError(f"Unexpected message {message[0]!r} from process {child.pid}.")

    def _on_death(self, child: ChildHandle, death: WorkerDeath) -> None:
        """A child died (or ended) without holding a task."""
