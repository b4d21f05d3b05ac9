"""``WorkerPool``: N long-lived worker processes, each initialised once, that survive deaths.

Each worker has its own duplex pipe; the payload (bytes, e.g. a pickled trajectory and run
function) goes to each worker once, then tasks go one at a time to idle workers. A worker
that dies is replaced and its task is retried (see :class:`Supervisor`).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Hashable
from multiprocessing.connection import wait as wait_for
from typing import Any

from pypet.errors import WorkerInitError
from pypet.execution.procs.child import serve
from pypet.execution.procs.handle import ChildHandle
from pypet.execution.procs.outcome import WorkerDeath
from pypet.execution.procs.start import loads_in_fresh_process
from pypet.execution.procs.supervisor import Supervisor

__all__ = ["WorkerPool"]

_log = logging.getLogger("pypet.execution.procs")


class WorkerPool(Supervisor):
    """A pool of ``n_workers`` processes running ``handler(state, task)`` for each task.

    Parameters
    ----------
    n_workers
        Number of worker processes (kept at this number: a dead worker is replaced).
    handler
        ``handler(state, task) -> result``, importable (it is pickled by reference unless
        the start method is ``fork``). Tasks and results must pickle; a task may be a batch.
    initializer
        ``initializer(payload) -> state``, called once per worker (importable too). Without
        one, ``state`` is the payload itself.
    payload
        Bytes sent once to every worker, e.g. a pickle of the trajectory and run function.
    retries
        How often a task whose worker died is tried again on another worker before it is
        given up with a :class:`WorkerDiedError` (0: at once; the caller decides).
    start_retries
        How many new workers may die in a row while initialising, per worker, before the
        pool stops replacing them (default: ``retries``).
    niceness
        Added to each worker's niceness (``os.nice``); None leaves it.
    start_method
        ``"fork"``, ``"forkserver"``, ``"spawn"`` or None for pypet's choice
        (:func:`~pypet.execution.procs.start.resolve_start_method`).
    name
        Prefix of the worker process names.

    Raises
    ------
    WorkerInitError
        If the initializer raises, or no worker survives its initialisation.

    Notes
    -----
    The constructor returns once every worker is initialised. Use the pool as a context
    manager: leaving the block ends every worker (see :meth:`close`). If new workers keep
    dying during initialisation (``n_workers * (start_retries + 1)`` times in a row), the
    pool stops replacing them and goes on with the ones it has; with none left,
    :meth:`wait` raises :class:`WorkerInitError`.
    """

    _purpose = "a pool worker"

    def __init__(self, n_workers: int, handler: Callable[[Any, Any], Any], *,
                 initializer: Callable[[bytes], Any] | None = None, payload: bytes = b"",
                 retries: int = 2, start_retries: int | None = None,
                 niceness: int | None = None, start_method: str | None = None,
                 name: str = "pypet-worker") -> None:
        if not isinstance(n_workers, int) or n_workers < 1:
            raise ValueError(f"n_workers must be a positive int, not {n_workers!r}.")
        if not isinstance(payload, bytes | bytearray | memoryview):
            raise TypeError(f"payload must be bytes (pickle it yourself), not "
                            f"{type(payload).__name__}.")
        super().__init__(retries, niceness, start_method, picklable=True, name=name)
        self._n = n_workers
        self._args = (initializer, handler, niceness)
        self._payload = bytes(payload)
        self._fresh_ok: bool | None = None
        self._init_deaths: list[WorkerDeath] = []
        self._max_init_deaths = n_workers * (
            (retries if start_retries is None else start_retries) + 1)
        self._broken: WorkerInitError | None = None
        try:
            for child in [self._start_child(serve, self._args) for _ in range(n_workers)]:
                child.send_bytes(self._payload)  # a dead child shows up in _await_ready
            self._await_ready()
        except BaseException:
            self.terminate()
            raise

    @property
    def n_workers(self) -> int:
        """The number of workers the pool keeps."""
        return self._n

    @property
    def starting(self) -> int:
        """Workers started but not initialised yet."""
        return sum(not child.ready for child in self._children)

    def submit(self, task: Any, key: Hashable | None = None) -> Hashable:
        """Queue ``task`` (pickled now); return its key (a running number by default).

        The task goes to an idle worker at once if there is one. Keys must be unique among
        unfinished tasks; do not mix your own integer keys with the automatic ones.
        """
        self._check_open()
        if not self._accepting:
            raise RuntimeError("The pool was stopped; it takes no new tasks.")
        key = self._next_key() if key is None else key
        try:
            data = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            raise TypeError(f"Task {key!r} cannot be pickled for a worker process: "
                            f"{error}") from error
        self._book.add(key, data)
        self._dispatch()
        return key

    # ---- internals --------------------------------------------------------------------

    def _await_ready(self) -> None:
        """Block until every worker is initialised (dead ones replaced while allowed)."""
        while any(not child.ready for child in self._children):
            starting = [child for child in self._children if not child.ready]
            self._wait_for_events(starting)
            self._replace_dead()
        if not self._children:
            raise self._no_workers_error()

    def _wait_for_events(self, children: list[ChildHandle]) -> None:
        """Handle whatever ``children`` report next (used while they start)."""
        waitables = [item for child in children for item in child.waitables()]
        ready = set(wait_for(waitables))
        for child in children:
            if ready.intersection(child.waitables()):
                self._service(child)

    def _replace_dead(self) -> None:
        """Start workers until there are ``n_workers`` again, unless starting keeps failing."""
        while self._accepting and len(self._children) < self._n:
            if len(self._init_deaths) + self.starting >= self._max_init_deaths:
                return  # the starts in flight may use up the rest of the budget
            self._start_child(serve, self._args).send_bytes(self._payload)

    def _dispatch(self) -> None:
        if self._broken is not None:
            raise self._broken
        self._replace_dead()
        for child in self._children:
            if not (child.ready and child.key is None and not child.gone and self._accepting):
                continue
            item = self._book.take()
            if item is None:
                break
            child.key, data = item
            if not child.send_bytes(data):  # died while idle: its EOF buries it
                self._book.put_back(child.key)
                child.key, child.gone = None, True
        if len(self._book) and not self._children:
            self._broken = self._no_workers_error()
            raise self._broken

    def _loads_in_fresh_process(self) -> bool:
        if self._fresh_ok is None:
            self._fresh_ok = loads_in_fresh_process(self._payload)
        return self._fresh_ok

    def _no_workers_error(self) -> WorkerInitError:
        deaths = "; ".join(str(death) for death in self._init_deaths[-3:]) or "none recorded"
        return WorkerInitError(
            f"No worker process is left: {len(self._init_deaths)} new worker(s) in a row died "
            f"while initialising (last ones: {deaths}). Check that the payload loads in a "
            "fresh process and fits in memory."
        )

    def _on_other_message(self, child: ChildHandle, message: tuple) -> None:
        if message[0] == "ready":
            child.ready = True
            self._init_deaths.clear()
        elif message[0] == "init_failed":
            error, text = message[1], message[2]
            self._broken = WorkerInitError(
                f"The worker initialiser raised {type(error).__name__}: {error}. Nothing was "
                f"run. Worker traceback:\n{text}")
            self._broken.__cause__ = error
            raise self._broken
        else:
            super()._on_other_message(child, message)

    def _on_death(self, child: ChildHandle, death: WorkerDeath) -> None:
        if death.during == "init":
            self._init_deaths.append(death)
            _log.warning("%s.", death)
        elif self._accepting:
            _log.warning("%s (it held no task; it is replaced).", death)
