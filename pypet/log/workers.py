"""Logging in worker processes and around each run.

The runners call two functions and know nothing else about logging:

* :func:`configure_worker_logging` once in each worker process (pool worker, forked run
  process, executor worker), with the :class:`WorkerLogSpec` the main process sent along;
* :func:`run_logging` around each run (in any process), which points the per-run log files
  (``$run``/``$set`` in a file name) at that run and closes them when it ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypet.log.filenames import WildcardNames
from pypet.log.handlers import StdoutToLogger, run_file_handlers, set_current_run

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["WorkerLogSpec", "configure_worker_logging", "run_logging"]

_NO_LOGGING = contextlib.nullcontext()


@dataclass(frozen=True)
class WorkerLogSpec:
    """What a worker process needs to set up logging (small and picklable)."""

    config: Any  #: a LogConfig whose ``workers`` part configures workers, or None
    stdout: tuple[str, int] | None  #: ``log_stdout`` as (logger name, level)
    console: bool  #: the library default: a console handler on ``pypet``
    names: WildcardNames
    origin_pid: int  #: the main process (which is configured already)


class _WorkerState:
    """The logging this worker process set up (for the next experiment to replace)."""

    spec: WorkerLogSpec | None = None
    applied: Any = None
    redirect: StdoutToLogger | None = None


def _undo_worker_setup() -> None:
    if _WorkerState.redirect is not None and sys.stdout is _WorkerState.redirect:
        sys.stdout = _WorkerState.redirect.original
    if _WorkerState.applied is not None:
        _WorkerState.applied.undo()
    _WorkerState.spec = _WorkerState.applied = _WorkerState.redirect = None


def configure_worker_logging(spec: WorkerLogSpec | None) -> None:
    """Set up this worker process's logging once per experiment (idempotent).

    With a worker configuration (pypet's ``multiproc_`` part), the handlers inherited from
    the main process (fork) are taken off first, so a worker writes only its own files.
    In the main process itself (threads of an executor) nothing changes.
    """
    if spec is None or os.getpid() == spec.origin_pid or spec == _WorkerState.spec:
        return
    from pypet.log.apply import Applied, apply_config
    from pypet.log.setup import active_setups, add_console

    _undo_worker_setup()
    applied = Applied()
    if spec.config is not None:
        for inherited in list(active_setups()):
            inherited.detach_inherited()
        applied = apply_config(spec.config.part_as_dict(spec.config.workers, spec.names))
    elif spec.console:
        add_console(applied, "pypet")
    _WorkerState.spec, _WorkerState.applied = spec, applied
    if spec.stdout and not isinstance(sys.stdout, StdoutToLogger):
        _WorkerState.redirect = StdoutToLogger(*spec.stdout)
        sys.stdout = _WorkerState.redirect


class _RunScope:
    """Points per-run log files at one run while it executes (this thread only)."""

    __slots__ = ("_names", "_previous")

    def __init__(self, names: tuple[str, str]) -> None:
        self._names = names

    def __enter__(self) -> None:
        self._previous = set_current_run(self._names)

    def __exit__(self, *exc: Any) -> None:
        if sys.stdout is not None and isinstance(sys.stdout, StdoutToLogger):
            sys.stdout.flush()  # a last line without "\n" belongs to this run
        set_current_run(self._previous)
        for handler in list(run_file_handlers()):
            handler.end_run(self._names)


def run_logging(idx: int, traj: Trajectory | None = None) -> Any:
    """A context manager around run ``idx``: its log records go to its own files.

    Costs nothing when no log file name holds ``$run``/``$set``.
    """
    if not run_file_handlers():
        return _NO_LOGGING
    from pypet.runnames import run_name, set_name

    if traj is not None:
        names = (traj.f_wildcard("$", idx), traj.f_wildcard("$set", idx))
    else:
        names = (run_name(idx), set_name(idx))
    return _RunScope(names)
