"""``ProcessPerTask``: every task in a fresh process, at most N at a time, when allowed.

This is pypet's ``use_pool=False`` mode: a run gets a process of its own, which ends after
the run, so memory a simulation leaks or fragments is returned to the system. A process is
started only while ``may_start`` (e.g. the CPU/memory/swap caps) allows. Deaths are detected
and retried as in :class:`~pypet.execution.procs.pool.WorkerPool`.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable
from typing import Any

from pypet.errors import ForkWithThreadsError
from pypet.execution.procs.child import run_once
from pypet.execution.procs.supervisor import Supervisor

__all__ = ["ProcessPerTask"]

#: how often a blocked start (``may_start`` said no) is asked again
RECHECK_SECONDS = 0.1


class ProcessPerTask(Supervisor):
    """Runs each submitted ``func(*args, **kwargs)`` in its own new process.

    Parameters
    ----------
    max_parallel
        At most this many processes at a time.
    may_start
        ``may_start(running) -> bool``: whether one more process may start while
        ``running`` run; asked again every 0.1 s while it says no. It should allow a start
        when ``running == 0``, or nothing ever runs. None: always.
    retries
        How often a task whose process died is started again before it is given up.
    niceness
        Added to each process's niceness; None leaves it.
    start_method
        ``"fork"``, ``"forkserver"``, ``"spawn"`` or None for pypet's choice.
    picklable
        Whether functions and arguments pickle. With ``fork`` nothing is pickled (the
        child inherits them); pypet's choice uses ``forkserver`` instead of ``fork`` while
        other threads run, but only if this is True.
    name
        Prefix of the process names.
    """

    _purpose = "a run process"

    def __init__(self, max_parallel: int, *, may_start: Callable[[int], bool] | None = None,
                 retries: int = 2, niceness: int | None = None,
                 start_method: str | None = None, picklable: bool = False,
                 name: str = "pypet-run") -> None:
        if not isinstance(max_parallel, int) or max_parallel < 1:
            raise ValueError(f"max_parallel must be a positive int, not {max_parallel!r}.")
        super().__init__(retries, niceness, start_method, picklable, name)
        self._max = max_parallel
        self._may_start = may_start
        self._blocked = False

    def submit(self, func: Callable[..., Any], args: tuple = (), kwargs: dict | None = None,
               key: Hashable | None = None) -> Hashable:
        """Queue ``func(*args, **kwargs)``; return its key (a running number by default).

        The process starts at once if ``max_parallel`` and ``may_start`` allow, else in a
        later :meth:`wait`. With ``spawn``/``forkserver`` a call that does not pickle raises
        TypeError when its process starts (here, or from that :meth:`wait`) and is dropped.
        """
        self._check_open()
        if not self._accepting:
            raise RuntimeError("Stopped: no new tasks are taken.")
        key = self._next_key() if key is None else key
        self._book.add(key, (func, tuple(args), dict(kwargs or {})))
        self._dispatch()
        return key

    def _dispatch(self) -> None:
        self._blocked = False
        # a child that sent its outcome counts no more, even before it has quite exited
        while self._accepting and self._book.waiting and self.busy < self._max:
            if self._may_start is not None and not self._may_start(self.busy):
                self._blocked = True
                return
            task = self._book.take()
            assert task is not None  # the book has waiting tasks
            key, (func, args, kwargs) = task
            try:
                child = self._start_child(run_once, (func, args, kwargs, self._niceness))
            except ForkWithThreadsError:
                self._book.finished(key)
                raise
            except (pickle.PicklingError, TypeError, AttributeError) as error:
                self._book.finished(key)  # spawn/forkserver could not pickle the call
                raise TypeError(
                    f"Task {key!r} could not be sent to a new process: {error}. Make the "
                    "function and its arguments picklable, or use start_method='fork'."
                ) from error
            child.key, child.ready = key, True

    def _recheck_seconds(self) -> float | None:
        return RECHECK_SECONDS if self._blocked else None
