"""The main process's side of one child: its process, its pipe end, the task it holds."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Hashable, Iterable
from multiprocessing.connection import wait
from typing import Any

from pypet.execution.procs.outcome import WorkerDeath

__all__ = ["ChildHandle", "reap"]

#: how long children may take to leave after being asked to (then they are killed)
GRACE_SECONDS = 2.0


class ChildHandle:
    """One started child process and its duplex pipe.

    The child's end of the pipe is closed here right after the start, so the pipe reports
    EOF as soon as the child is gone, whatever killed it.
    """

    def __init__(self, ctx: Any, target: Callable[..., None], args: tuple, name: str) -> None:
        self.conn, child_end = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=target, args=(child_end, *args), name=name,
                                   daemon=True)
        try:
            self.process.start()
        except BaseException:
            self.conn.close()
            raise
        finally:
            child_end.close()
        self._pid = self.process.pid  # kept: a closed Process no longer tells it
        self.key: Hashable | None = None  #: the task this child holds
        self.ready = False  #: initialised (pool workers) and able to take a task
        self.last_words = ""  #: the exception that ended it, if it said so
        self.gone = False  #: a send failed: dead, waiting to be buried

    @property
    def pid(self) -> int | None:
        return self._pid

    def waitables(self) -> tuple[Any, Any]:
        """What ``multiprocessing.connection.wait`` watches for this child."""
        return self.conn, self.process.sentinel

    def send_bytes(self, data: bytes) -> bool:
        """Send raw bytes; False if the child is gone (its end of the pipe is closed)."""
        try:
            self.conn.send_bytes(data)
            return True
        except OSError:  # BrokenPipeError, ConnectionResetError: the child died
            return False

    def has_message(self) -> bool:
        """Whether a message or the EOF of a dead child waits on the pipe."""
        try:
            return self.conn.poll()
        except OSError:
            return True  # a broken pipe: the next receive reports the death

    def receive(self) -> tuple | None:
        """The next message, or None if the child is gone.

        A message that does not unpickle here (e.g. a result class the main process cannot
        import) becomes a ``("raised", error, "")`` message: the child itself is fine.
        """
        try:
            data = self.conn.recv_bytes()
        except (EOFError, OSError):
            return None
        try:
            return pickle.loads(data)
        except Exception as error:
            return ("raised", RuntimeError(
                f"What process {self.pid} sent back could not be unpickled in the main "
                f"process ({type(error).__name__}: {error}). Results and exceptions must be "
                "importable here, e.g. defined in a module rather than in a function."), "")

    def death(self, during: str) -> WorkerDeath:
        """Reap the (dead or dying) child and describe its death."""
        if self.process.is_alive():
            # EOF without exit: the child closed its pipe or lingers; do not wait for it
            self.process.join(GRACE_SECONDS)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.conn.close()
        death = WorkerDeath(self.pid, self.process.exitcode, during, self.last_words)
        self.process.close()  # its sentinel now, not whenever the garbage collector runs
        return death


def reap(children: Iterable[ChildHandle], polite: Iterable[ChildHandle] = ()) -> None:
    """End ``children`` for good: ask the ``polite`` ones to stop, kill the rest.

    Children asked politely get :data:`GRACE_SECONDS` to leave; anything still alive then
    is killed. Returns only when every child is reaped, so no zombie and no orphan remains.
    """
    children = list(children)
    polite_ids = {id(child) for child in polite}
    for child in children:
        if id(child) in polite_ids:
            child.send_bytes(b"")  # stop: a worker ends after its current message
        elif child.process.is_alive():
            child.process.kill()
    waiting = {child.process.sentinel for child in children}
    deadline = time.monotonic() + GRACE_SECONDS
    while waiting and (left := deadline - time.monotonic()) > 0:
        waiting.difference_update(wait(list(waiting), timeout=left))
    for child in children:
        if child.process.is_alive():
            child.process.kill()
        child.process.join()
        child.process.close()
        child.conn.close()
