"""Guards shared by the trajectory's method groups."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["not_in_run"]


def not_in_run(method: Callable) -> Callable:
    """Forbid ``method`` while the trajectory is inside a single run."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.v_is_run:
            raise TypeError(f"{method.__name__} is not allowed during a single run.")
        return method(self, *args, **kwargs)

    return guarded
