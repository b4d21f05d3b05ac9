"""Code that runs inside the child processes of :mod:`pypet.execution.procs`.

The protocol on a child's duplex pipe (child ends write tuples with ``send``; the parent
reads raw bytes and unpickles them itself, so a message that does not unpickle is reported
instead of breaking the parent):

====================  ==========================================  ======================
direction             message                                     meaning
====================  ==========================================  ======================
parent -> worker      bytes (once, first)                         initialisation payload
parent -> worker      non-empty bytes                             one pickled task
parent -> worker      ``b""``                                     stop after this
worker -> parent      ``("ready",)``                              initialised
worker -> parent      ``("init_failed", error, traceback)``       initialiser raised
child  -> parent      ``("done", result)``                        task finished
child  -> parent      ``("raised", error, traceback)``            task raised
child  -> parent      ``("fatal", repr)``                         a BaseException escapes
====================  ==========================================  ======================

Children die with the main process: on Linux through ``PR_SET_PDEATHSIG`` (the kernel
sends SIGKILL when the parent ends), everywhere else an idle worker ends at the EOF of its
pipe. The pdeath signal was chosen over a watchdog thread because it also stops a child that
is busy in compiled code and costs no thread in the child. With ``forkserver`` the parent is
the fork server, which ends when every holder of the main process's "alive" pipe is gone;
multiprocessing hands that pipe to every child too, so a child closes its copy here (it
starts no processes of its own), and the chain main -> fork server -> child holds.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from multiprocessing.reduction import ForkingPickler
from typing import Any

__all__ = ["pack_error", "prepare_process", "run_once", "serve"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no usable libc: the pipe EOF still ends idle workers
        pass


def _release_fork_server() -> None:
    """Close this child's copy of the fork server's "alive" pipe (see the module notes)."""
    # without the module no fork server was ever started here; importing it would cost
    # every forked child ~1.5 ms of CPU for nothing
    forkserver = sys.modules.get("multiprocessing.forkserver")
    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if server is not None and fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None


def prepare_process(niceness: int | None, parent_pid: int | None) -> None:
    """Once per child: die with the parent, leave Ctrl+C to the parent, lower the priority.

    ``parent_pid`` is the main process's pid when it is this child's parent (fork, spawn):
    if it is no longer the parent, it died before the pdeath signal was armed, and this
    child ends at once. SIGINT is ignored because the main process decides what a Ctrl+C
    means (finish the running tasks, or stop the children itself); a child's
    KeyboardInterrupt would only turn into a spurious death.
    """
    _die_with_parent()
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)  # orphaned already: nobody waits for this child
    _release_fork_server()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)


def pack_error(error: BaseException) -> tuple[BaseException, str]:
    """The error (or a picklable stand-in) and its traceback as text, ready to send."""
    text = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))  # also catches errors that pickle but do not unpickle
    except Exception:
        error = RuntimeError(f"{type(error).__name__}: {error} (the original exception could "
                             f"not be pickled; its traceback follows)\n{text}")
    return error, text


def _send_result(conn: Any, result: Any) -> None:
    """Send a result; a result that does not pickle becomes the task's error."""
    try:
        data = ForkingPickler.dumps(("done", result))
    except Exception as error:  # pickle raises many types (PicklingError, TypeError, ...)
        conn.send(("raised", *pack_error(TypeError(
            f"The task's result ({type(result).__name__}) could not be pickled to go back "
            f"to the main process: {error}"))))
    else:
        conn.send_bytes(data)


def serve(conn: Any, parent_pid: int | None, initializer: Callable[[bytes], Any] | None,
          handler: Callable[[Any, Any], Any], niceness: int | None) -> None:
    """Body of a pool worker: initialise once from the payload, then handle tasks until told."""
    try:
        try:
            prepare_process(niceness, parent_pid)  # os.nice may be refused
            payload = conn.recv_bytes()
            state = payload if initializer is None else initializer(payload)
        except Exception as error:  # deterministic: the pool fails at once, no retries
            conn.send(("init_failed", *pack_error(error)))
            return
        conn.send(("ready",))
        while True:
            try:
                data = conn.recv_bytes()
            except EOFError:  # the parent is gone or closed the pipe
                return
            if not data:
                return
            try:
                result = handler(state, pickle.loads(data))
            except Exception as error:
                conn.send(("raised", *pack_error(error)))
            else:
                _send_result(conn, result)
    except BaseException as error:  # SystemExit, KeyboardInterrupt, ... end this worker
        _last_words(conn, error)
        raise


def run_once(conn: Any, parent_pid: int | None, func: Callable[..., Any], args: tuple,
             kwargs: dict, niceness: int | None) -> None:
    """Body of a one-task process: run ``func(*args, **kwargs)`` and send how it ended."""
    try:
        prepare_process(niceness, parent_pid)
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            conn.send(("raised", *pack_error(error)))
        else:
            _send_result(conn, result)
    except BaseException as error:
        _last_words(conn, error)
        raise
    finally:
        conn.close()


def _last_words(conn: Any, error: BaseException) -> None:
    """Tell the parent which exception ends this process (best effort: the pipe may be gone)."""
    try:
        conn.send(("fatal", repr(error)))
    except Exception:
        pass
