"""Folders and files on disk: ``racedirs`` (create a folder even if another process creates
it at the same moment) and ``fsync_path`` (force a file or a folder to the disk)."""

from __future__ import annotations

import os

__all__ = ["fsync_path", "racedirs"]


def racedirs(path: str | os.PathLike) -> None:
    """``os.makedirs`` that tolerates the folder appearing concurrently (pypet's helper)."""
    os.makedirs(path, exist_ok=True)


def fsync_path(path: str | os.PathLike) -> None:
    """``fsync`` a file, or a folder (which makes the names in it, e.g. of a rename,
    survive a power loss; POSIX: Windows cannot open folders)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
