"""A lock between processes that the kernel releases when its holder dies (LOCK mode).

A ``multiprocessing.Lock`` is a semaphore: if the process holding it is killed (SIGKILL, the
OOM killer, a segfault) nobody ever releases it and every other process waits for ever.
:class:`FileLock` is an ``flock`` on a lock file instead: the lock belongs to an open file,
and the kernel closes the files of a dead process, so the next process gets the lock at once.

Use a lock file of its own, never the HDF5 file (HDF5 locks that file itself). Do not delete
the lock file while processes may use it (a process holding the old file and one creating a
new file would both "hold" the lock); put it in a directory that is removed after the run.
On NFS, ``flock`` works only where the client maps it to NFS locks (Linux >= 2.6.12).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from types import TracebackType
from typing import Any, Protocol

__all__ = ["FileLock", "SharedLock"]


class SharedLock(Protocol):
    """A lock shared by processes: a :class:`FileLock`, or a ``multiprocessing`` (manager)
    lock. Workers in LOCK mode hold it around every storage call."""

    def acquire(self, block: bool = ..., timeout: float | None = ...) -> bool: ...

    def release(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: Any) -> Any: ...

#: every FileLock of this process, reset in a forked child (see _forget_after_fork)
_instances: weakref.WeakSet[FileLock] = weakref.WeakSet()


class FileLock:
    """An exclusive lock shared by every process that uses the same lock file.

    * A context manager (``with lock: ...``) with ``acquire(block=True, timeout=None)`` and
      ``release()`` as ``multiprocessing.Lock`` has them, so it can replace one.
    * Picklable: it carries only the path; the process that unpickles it opens the file
      itself. A forked child forgets the parent's open file and state (an inherited open
      file would share the parent's lock instead of competing for it).
    * Reentrant within a thread; threads of one process exclude each other.

    Parameters
    ----------
    path
        The lock file; created if missing (its directory must exist).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            import fcntl  # noqa: F401  (POSIX only)
        except ImportError as error:
            raise NotImplementedError(
                "FileLock needs fcntl.flock (Linux, macOS, other POSIX systems); use a "
                "multiprocessing lock on this platform.") from error
        self.path = os.fspath(path)
        self._reset()
        _instances.add(self)

    def _reset(self) -> None:
        """Fresh per-process state: no open file, not held."""
        self._fd: int | None = None
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        """Take the lock; return False if ``block`` is False or ``timeout`` ran out first."""
        wait = -1 if timeout is None else max(0.0, timeout)
        started = time.monotonic()
        if not (self._thread_lock.acquire(True, wait) if block
                else self._thread_lock.acquire(False)):
            return False
        if self._depth == 0:
            try:
                left = None if timeout is None else timeout - (time.monotonic() - started)
                taken = self._lock_file(block, left)
            except BaseException:
                self._thread_lock.release()
                raise
            if not taken:
                self._thread_lock.release()
                return False
            self._owner = threading.get_ident()
        self._depth += 1
        return True

    def release(self) -> None:
        """Give the lock back (as often as it was acquired)."""
        if self._depth == 0 or self._owner != threading.get_ident():
            raise RuntimeError(f"FileLock({self.path!r}) is released by a thread that does "
                               "not hold it.")
        self._depth -= 1
        if self._depth == 0:
            import fcntl

            self._owner = None
            assert self._fd is not None  # held since acquire() opened it
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    def _lock_file(self, block: bool, timeout: float | None) -> bool:
        """flock the file; poll (1 ms to 50 ms apart) only when a timeout is given."""
        import fcntl

        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        if block and timeout is None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # interrupted calls are retried (PEP 475)
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                left = 0.0 if deadline is None else deadline - time.monotonic()
                if not block or left <= 0:
                    return False
                time.sleep(min(pause, left))
                pause = min(2 * pause, 0.05)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._reset()
        _instances.add(self)

    def __repr__(self) -> str:
        return f"FileLock({self.path!r})"

    def _forget(self) -> None:
        """In a forked child: close the inherited file without unlocking the parent's lock."""
        if self._fd is not None:
            try:
                os.close(self._fd)  # the parent's descriptor keeps its lock
            except OSError:
                pass
        self._reset()


def _forget_after_fork() -> None:
    for lock in list(_instances):
        lock._forget()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
