"""Robust worker processes for pypet's runners (no helper thread in the main process).

Two ways to run tasks in other processes, with one behaviour when a process dies:

:class:`WorkerPool`
    ``WorkerPool(n_workers, handler, initializer=..., payload=bytes)``: long-lived workers;
    ``initializer(payload) -> state`` runs once per worker, ``handler(state, task) -> result``
    once per task (a task may be a batch of runs).
:class:`ProcessPerTask`
    ``ProcessPerTask(max_parallel, may_start=caps.allows)``: every ``func(*args, **kwargs)``
    in a fresh process, started only while ``may_start(running)`` allows.

Both are driven from the main process, without threads::

    with WorkerPool(2, handler, initializer=init, payload=data) as pool:
        for task in tasks:
            pool.submit(task, key=...)
        while not pool.idle:
            for outcome in pool.wait(timeout=0.1):   # also the moment to flush a writer
                ...  # outcome.key, outcome.ok, outcome.result, outcome.error, outcome.deaths

``wait`` returns :class:`TaskOutcome` objects. A process that dies (SIGKILL, the OOM killer,
a segfault, ``os._exit``, an exception escaping the child) is noticed at once; its task goes
back to the front of the queue and a new process takes it, up to ``retries`` times; then the
task's outcome carries a :class:`WorkerDiedError` whose ``deaths`` say why
(``SIGKILL (-9): killed; ... OOM killer ...``). The other tasks go on.

``stop()`` is a graceful stop (no new tasks; running ones finish), ``terminate()`` a hard
one, and leaving the ``with`` block always reaps every child. Children ignore Ctrl+C (the
main process decides) and die with the main process (``PR_SET_PDEATHSIG`` on Linux).

Start methods: see :mod:`pypet.execution.procs.start`; no child is forked while a pypet
thread runs.
"""

from pypet.errors import ForkWithThreadsError, WorkerDiedError, WorkerInitError
from pypet.execution.procs.oneshot import ProcessPerTask
from pypet.execution.procs.outcome import TaskOutcome, WorkerDeath, describe_exit
from pypet.execution.procs.pool import WorkerPool
from pypet.execution.procs.start import resolve_start_method

__all__ = [
    "ForkWithThreadsError",
    "ProcessPerTask",
    "TaskOutcome",
    "WorkerDeath",
    "WorkerDiedError",
    "WorkerInitError",
    "WorkerPool",
    "describe_exit",
    "resolve_start_method",
]
