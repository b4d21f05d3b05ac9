"""What the main process learns about a task: its result, its error, or the deaths it caused.

A worker process can end a task in three ways: the handler returns (a result), the handler
raises (an error, the worker lives on), or the process dies (SIGKILL, OOM kill, segfault,
``os._exit``, an exception escaping the worker loop). Deaths are described in words here so
that a run table or a log line says *why* a run is missing, not only that it is.
"""

from __future__ import annotations

import signal
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from pypet.errors import WorkerDiedError

__all__ = [
    "TaskOutcome",
    "WorkerDeath",
    "describe_exit",
]

#: what a signal usually means when it ends a worker running user code
_SIGNAL_HINTS = {
    "SIGKILL": "killed; if nobody killed it on purpose, the kernel's OOM killer probably did "
               "because memory ran out (check `dmesg` or `journalctl -k` for 'Out of memory')",
    "SIGSEGV": "segmentation fault: a crash in compiled code (a C extension, ctypes, a bad "
               "pointer)",
    "SIGBUS": "bus error: a crash in compiled code (often a memory-mapped file that shrank)",
    "SIGABRT": "aborted: usually a failed assertion or a heap corruption in compiled code",
    "SIGFPE": "arithmetic fault in compiled code (e.g. an integer division by zero)",
    "SIGILL": "illegal instruction: compiled code built for another CPU",
    "SIGTERM": "terminated by someone (SIGTERM)",
}


def describe_exit(exitcode: int | None) -> str:
    """Say in words why a process ended, e.g. ``'SIGKILL (-9): killed; ...'``.

    Parameters
    ----------
    exitcode
        ``multiprocessing.Process.exitcode``: negative for a signal, ``None`` if unknown.
    """
    if exitcode is None:
        return "ended for an unknown reason (no exit code)"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            return f"killed by signal {-exitcode} ({exitcode})"
        hint = _SIGNAL_HINTS.get(name, "killed by a signal")
        return f"{name} ({exitcode}): {hint}"
    if exitcode == 0:
        return ("exit code 0 without finishing its task (os._exit(0) or sys.exit() in user "
                "code?)")
    return f"exit code {exitcode} (os._exit/sys.exit in user code, or a fatal error)"


@dataclass(frozen=True, slots=True)
class WorkerDeath:
    """One worker process that died: its pid, exit code and the cause in words.

    ``during`` is ``"init"`` (before the worker was ready) or ``"task"`` (while it held a
    task). ``last_words`` is what the worker said before dying of an exception that escaped
    its loop (e.g. ``SystemExit(3)``), empty otherwise.
    """

    pid: int | None
    exitcode: int | None
    during: str
    last_words: str = ""

    @property
    def cause(self) -> str:
        """The exit described in words (plus the escaping exception, if any)."""
        text = describe_exit(self.exitcode)
        return f"{text}; it raised {self.last_words}" if self.last_words else text

    def __str__(self) -> str:
        when = {"init": "while starting", "task": "while running a task",
                "idle": "while idle"}.get(self.during, self.during)
        return f"process {self.pid} died {when}: {self.cause}"


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """How one task ended.

    Attributes
    ----------
    key
        The caller's name for the task (given to ``submit``).
    result
        What the handler returned (``None`` if it did not return).
    error
        ``None`` on success; the handler's exception if it raised (the worker lives on);
        a :class:`WorkerDiedError` if every attempt's worker died.
    deaths
        Every worker death while this task was held, also when a retry then succeeded.
    traceback
        The worker-side traceback of ``error`` as text (empty if there is none).
    """

    key: Hashable
    result: Any = None
    error: BaseException | None = None
    deaths: tuple[WorkerDeath, ...] = ()
    traceback: str = ""

    @property
    def ok(self) -> bool:
        """Whether the handler returned a result."""
        return self.error is None

    @property
    def lost(self) -> bool:
        """Whether the task was given up because its workers kept dying."""
        return isinstance(self.error, WorkerDiedError)
