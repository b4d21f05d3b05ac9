"""Recording forks made while other threads run, for the suite's fork check (conftest).

Python 3.12+ warns (DeprecationWarning) when a process forks while it has other threads, but
the warning is issued inside ``os.fork`` after the fork, where CPython drops it silently if
a filter turns it into an error (``-W error`` cannot catch it). So the check records instead:

* the warning itself (3.12+; it counts the operating system's threads, which pypet silences
  only for forks while no other *Python* thread runs, see decision 0008);
* on every Python, an ``os.register_at_fork`` hook that notes the other Python threads
  alive at each fork of this process.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

__all__ = ["FORK_WARNING", "ForkRecord", "forks_beside_threads"]

#: Python's message (3.12+)
FORK_WARNING = re.compile(r"This process \(pid=\d+\) is multi-threaded, use of fork\(\) may "
                          r"lead to deadlocks")


@dataclass
class ForkRecord:
    """Forks of this process that happened while other Python threads were alive."""

    beside: list[list[str]] = field(default_factory=list)


forks_beside_threads = ForkRecord()
_main_pid = os.getpid()


def _before_fork() -> None:
    if os.getpid() != _main_pid:
        return  # a child of the test process forking on its own is not the suite's concern
    me = threading.current_thread()
    others = [t.name for t in threading.enumerate() if t is not me and t.is_alive()]
    if others:
        forks_beside_threads.beside.append(others)


os.register_at_fork(before=_before_fork)
