"""Which start method a child process gets, and never a fork while a thread of ours runs.

A fork copies only the calling thread; a lock another thread held at that instant (logging,
a writer's buffer, HDF5) stays locked for ever in the child. Python 3.12+ warns about forks in
multi-threaded processes and 3.14 no longer forks by default on Linux. The measured costs and
the reasons behind :func:`resolve_start_method` are in
``doc/design/decisions/0008-start-methods.md``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import pickletools
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

from pypet.errors import ForkWithThreadsError

__all__ = [
    "FORKSERVER_PRELOAD",
    "check_fork_is_safe",
    "fork_warning_silenced",
    "get_context",
    "loads_in_fresh_process",
    "other_threads",
    "resolve_start_method",
    "starting",
    "warn_foreign_threads",
]

_log = logging.getLogger("pypet.execution.procs")

#: modules the fork server imports once, so that every child forked from it has them
#: (what unpickling a trajectory payload imports; a missing module is skipped by the server)
FORKSERVER_PRELOAD = ["numpy", "tables", "pandas", "pypet.execution.procs.child",
                      "pypet.execution.worker", "pypet.parameters", "pypet.results",
                      "pypet.storage.hdf5.service"]
#: threads whose name starts with this are pypet's own
OUR_THREAD_PREFIX = "pypet"


def other_threads() -> list[threading.Thread]:
    """Live threads of this process other than the calling one."""
    me = threading.current_thread()
    return [thread for thread in threading.enumerate() if thread is not me and thread.is_alive()]


def check_fork_is_safe(purpose: str) -> list[str]:
    """Raise if a pypet thread runs; return the names of other threads that run.

    Parameters
    ----------
    purpose
        What is being forked, for the message (e.g. ``"a pool worker"``).
    """
    threads = other_threads()
    ours = [t.name for t in threads if t.name.startswith(OUR_THREAD_PREFIX)]
    if ours:
        raise ForkWithThreadsError(
            f"Not forking {purpose}: pypet's thread(s) {ours} are running, and a fork now "
            "could leave the child deadlocked on a lock one of them holds. Use a picklable run "
            "function (then pypet starts processes with 'forkserver'), or finish the "
            "MultiprocContext / executor that owns these threads before running."
        )
    return [t.name for t in threads]


def warn_foreign_threads(purpose: str, names: list[str]) -> None:
    """Log that ``purpose`` is forked while the threads ``names`` (not pypet's) run."""
    _log.warning(
        "Forking %s while other threads run (%s): a lock one of them holds at that moment "
        "stays locked in the child. Make what the child needs picklable so that pypet can "
        "use 'forkserver', or start those threads after the run.", purpose, ", ".join(names))


@contextlib.contextmanager
def fork_warning_silenced(silence: bool) -> Iterator[None]:
    """Hide Python's fork-with-threads DeprecationWarning if ``silence`` (see the notes).

    Only for a fork while no other *Python* thread runs: Python 3.12+ counts the threads of
    the operating system, and numexpr (imported with PyTables and pandas) and OpenBLAS
    start idle worker pools at import, so every fork in a pypet process would warn. Those
    pools re-create themselves in a forked child (numexpr checks its pid; OpenBLAS shuts its
    threads down in a ``pthread_atfork`` handler) and hold no lock while idle; the hazard the warning is about, a
    thread in the middle of Python code holding a lock, needs a Python thread, which
    :func:`check_fork_is_safe` has excluded. ``warnings.catch_warnings`` is not
    thread-safe, which is fine here for the same reason.
    """
    if not silence or sys.version_info < (3, 12):  # older Pythons do not warn
        yield
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"This process \(pid=\d+\) is multi-threaded",
                                category=DeprecationWarning)
        yield


@contextlib.contextmanager
def starting(purpose: str, method: str) -> Iterator[list[str]]:
    """Wrap the start of one process with ``method``: the checks and the warning policy.

    A fork is refused while a pypet thread runs (:func:`check_fork_is_safe`); Python's
    fork-with-threads warning is silenced only when no other Python thread runs
    (:func:`fork_warning_silenced`). Yields the names of the other (foreign) threads a fork
    happens beside, so that the caller can log them once.
    """
    foreign = check_fork_is_safe(purpose) if method == "fork" else []
    with fork_warning_silenced(method == "fork" and not foreign):
        yield foreign


def resolve_start_method(method: str | None, picklable: bool) -> str:
    """The start method to use when the caller asks for ``method`` (None: pypet's choice).

    pypet's choice: ``fork`` while no other thread runs (fastest; the child inherits
    everything, so scripts without a ``__main__`` guard and interactive sessions work as in
    pypet 0.7), ``forkserver`` when threads run and what the child needs pickles, ``fork``
    again (checked by :func:`check_fork_is_safe`) when it does not; ``spawn`` where the
    platform cannot fork.

    Parameters
    ----------
    method
        ``"fork"``, ``"forkserver"``, ``"spawn"`` or None.
    picklable
        Whether what the child needs can be pickled (the payload of a pool always can).
    """
    available = mp.get_all_start_methods()
    if method is not None:
        if method not in available:
            raise ValueError(f"Start method {method!r} is not available here; choose one of "
                             f"{available} (or None for pypet's choice).")
        return method
    if "fork" not in available:
        return "spawn"
    if picklable and other_threads() and "forkserver" in available:
        return "forkserver"
    return "fork"


def get_context(method: str) -> Any:
    """The multiprocessing context of ``method``; the fork server preloads pypet's modules."""
    ctx = mp.get_context(method)
    if method == "forkserver":
        # has effect only before the process's fork server starts; later calls change nothing
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
    return ctx


#: ``if __name__ == "__main__":`` in either order and quoting
_GUARD = re.compile(r"""__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__""")
_STRING_OPS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING",
               "BINSTRING", "SHORT_BINSTRING"}
_GET_OPS = {"GET", "BINGET", "LONG_BINGET"}
_PUT_OPS = {"PUT", "BINPUT", "LONG_BINPUT"}
_SILENT_OPS = {"PROTO", "FRAME", "MEMOIZE", *_PUT_OPS}


def _main_script() -> str | None:
    """The file a fresh child (fork server, spawn) runs again as its ``__main__``, or None.

    Mirrors ``multiprocessing.spawn``: a module run with ``-m`` is imported again by name
    (not a package's ``__main__``), a script by path; an interactive session, a notebook and
    ``python -c`` leave the child's ``__main__`` empty.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return None
    if path is None or os.path.splitext(os.path.basename(path))[0] == "ipython":
        return None
    # relative to where the interpreter started, as multiprocessing.spawn resolves it
    started_in = getattr(mp.process, "ORIGINAL_DIR", None) or ""
    return os.path.normpath(os.path.join(started_in, path))


def _has_guard(script: str) -> bool:
    try:
        with open(script, encoding="utf8", errors="replace") as handle:
            return bool(_GUARD.search(handle.read()))
    except OSError:
        return False


def _main_globals(data: bytes) -> set[str]:
    """Names of ``__main__`` the pickle ``data`` refers to (functions, classes)."""
    memo: dict[Any, Any] = {}
    pushed: list[Any] = []  # recent values on the stack that matter here: strings
    names: set[str] = set()
    for opcode, arg, _ in pickletools.genops(data):
        op = opcode.name
        if op in _STRING_OPS:
            pushed.append(arg)
        elif op in _GET_OPS:
            pushed.append(memo.get(arg))
        elif op == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif op in _PUT_OPS:
            memo[arg] = pushed[-1] if pushed else None
        elif op == "STACK_GLOBAL":
            if len(pushed) >= 2 and pushed[-2] == "__main__":
                names.add(str(pushed[-1]))
            pushed.append(None)
        elif op in ("GLOBAL", "INST"):
            module, _, name = str(arg).partition(" ")
            if module == "__main__":
                names.add(name)
            pushed.append(None)
        elif op not in _SILENT_OPS:
            pushed.append(None)
        del pushed[:-2]
    return names


def loads_in_fresh_process(data: bytes) -> bool:
    """Whether a fresh child (fork server, spawn) can load the pickle ``data`` safely.

    Such a child runs the main script again (as ``__mp_main__``) and finds ``__main__``'s
    functions and classes there. That fails for a script without an
    ``if __name__ == "__main__":`` guard (its experiment would run again in every child),
    and for what a notebook, an interactive session or ``python -c`` defined (the child's
    ``__main__`` lacks it). Then pypet forks instead, as pypet 0.7 did.
    """
    script = _main_script()
    if script is not None and not _has_guard(script):
        return False
    names = _main_globals(data)
    if not names:
        return True
    if script is None:
        return False
    main = sys.modules["__main__"]
    for name in names:
        obj = getattr(main, name.split(".")[0], None)
        code = getattr(obj, "__code__", None)
        if obj is None or (code is not None and
                           os.path.normpath(code.co_filename) != script):
            return False
    return True
