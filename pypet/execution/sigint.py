"""Graceful exit: the first Ctrl+C lets running runs finish and be stored, the second aborts."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["GracefulExit", "graceful_exit"]


class GracefulExit:
    """State of one experiment's SIGINT handling; ``hit`` turns True at the first Ctrl+C."""

    def __init__(self) -> None:
        self.hit = False
        #: flags (``set()``) raised at the first Ctrl+C so that workers start no new run
        self.events: list[Any] = []

    def _handler(self, signum: int, frame: Any) -> None:
        if self.hit:
            raise KeyboardInterrupt
        self.hit = True
        for event in self.events:
            event.set()
        print("\npypet: Ctrl+C received. Finishing and storing the running runs; no new runs "
              "start. Press Ctrl+C again to abort at once.", file=sys.stderr, flush=True)


@contextlib.contextmanager
def graceful_exit(enabled: bool) -> Iterator[GracefulExit]:
    """Install the handler while the block runs (only in the main thread, when enabled)."""
    state = GracefulExit()
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield state
        return
    previous = signal.signal(signal.SIGINT, state._handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)
