"""Keywords pypet 0.7 accepted that change nothing here: each warns once, saying why.

Scripts keep running unchanged, and their authors learn which settings they may drop. The
reasons are declared in one table so the documentation (doc/environment_keywords.md) and the
warnings say the same thing.
"""

from __future__ import annotations

import sys
import warnings
from types import FrameType
from typing import Any

from pypet.errors import IneffectiveKeywordWarning

__all__ = ["IneffectiveKeywordWarning", "REASONS", "warn_ineffective"]


#: (where, keyword) -> why it has no effect
REASONS: dict[tuple[str, str], str] = {
    ("Environment", "timeout"):
        "it timed out SCOOP tasks and NETLOCK locks, and neither exists here (executors "
        "replace them; give your executor its own timeout)",
    ("Environment", "immediate_postproc"):
        "it applies to one process per run (multiproc=True, use_pool=False), as in pypet; "
        "elsewhere post-processing starts when the last run has finished",
    ("HDF5StorageService", "pandas_format"):
        "DataFrames and Series are stored in one documented layout (doc/file_format_codec.md) "
        "that pandas, h5py and pypet read; there is no separate 'table' format",
    ("HDF5StorageService", "encoding"):
        "strings are always stored as UTF-8, which round-trips every str exactly",
    ("HDF5StorageService", "display_time"):
        "storing and loading log no periodic progress lines",
    ("MultiprocContext", "port"):
        "it belonged to the zmq modes NETLOCK/NETQUEUE, which do not exist here",
    ("MultiprocContext", "timeout"):
        "it timed out NETLOCK locks, which do not exist here",
    ("MultiprocContext", "gc_interval"):
        "the QUEUE/PIPE writer is a thread of your process, not a server process to clean up",
    ("MultiprocContext", "log_config"):
        "the QUEUE/PIPE writer runs in your process, whose logging you configure yourself",
    ("MultiprocContext", "log_stdout"):
        "the QUEUE/PIPE writer runs in your process, whose stdout you control yourself",
    ("MultiprocContext", "graceful_exit"):
        "there is no server process to shield from Ctrl+C; the writer thread finishes its "
        "queue when the context ends",
}

_warned: set[tuple[str, str]] = set()


def warn_ineffective(where: str, keyword: str, value: Any) -> None:
    """Warn (once per process) that ``where``'s ``keyword=value`` has no effect, and why.

    The warning points at the first caller outside pypet (the user's line).
    """
    key = (where, keyword)
    if key in _warned:
        return
    _warned.add(key)
    warnings.warn(f"{where}: {keyword}={value!r} has no effect here: {REASONS[key]}.",
                  IneffectiveKeywordWarning, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside the pypet package, seen from warn()."""
    frame: FrameType | None = sys._getframe(2)  # the caller of warn_ineffective
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("pypet"):
        frame = frame.f_back
        level += 1
    return level
