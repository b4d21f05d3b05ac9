"""``racedirs``: create a folder even if another process creates it at the same moment."""

from __future__ import annotations

import os

__all__ = ["racedirs"]


def racedirs(path: str | os.PathLike) -> None:
    """``os.makedirs`` that tolerates the folder appearing concurrently (pypet's helper)."""
    os.makedirs(path, exist_ok=True)
