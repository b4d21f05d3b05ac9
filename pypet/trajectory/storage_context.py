"""``StorageContextManager``: keep a trajectory's file open for a series of calls."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from pypet.trajectory.persistence import service_of

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["StorageContextManager"]


class StorageContextManager:
    """``with StorageContextManager(traj): ...`` opens the storage once for all calls inside.

    Also usable by hand: :meth:`open_store`, :meth:`flush_store`, :meth:`close_store`.
    """

    def __init__(self, trajectory: Trajectory) -> None:
        self._traj = trajectory
        self._stack: contextlib.ExitStack | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("f_"):  # pypet's spellings: f_open_store, f_close_store, ...
            return getattr(self, name[2:])
        raise AttributeError(f"'StorageContextManager' object has no attribute {name!r}")

    def __enter__(self) -> StorageContextManager:
        self.open_store()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close_store()

    def open_store(self) -> None:
        """Open the trajectory's storage (a no-op if it is already open)."""
        if self._stack is None:
            stack = contextlib.ExitStack()
            stack.enter_context(service_of(self._traj).session(self._traj.v_name))
            self._stack = stack

    def flush_store(self) -> None:
        """Write buffered data to disk without closing."""
        service_of(self._traj).flush()

    def close_store(self) -> None:
        """Close the storage opened by :meth:`open_store`."""
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()
