"""``@manual_run``: turn a function into a single run without an Environment."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["manual_run"]


def manual_run(turn_into_run: bool = True, store_meta_data: bool = True,
               clean_up: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate ``func(traj, ...)`` so it runs as the trajectory's current run.

    Calls ``traj.f_start_run(turn_into_run=...)`` before and ``traj.f_finalize_run(...)``
    after (both drive one :class:`~pypet.trajectory.single_run.SingleRun`); a run that
    raises is finalized as failed (not completed) and the error propagates. Inside an
    Environment's run (``traj.v_is_run``) it only calls the function.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(traj: Trajectory, *args: Any, **kwargs: Any) -> Any:
            if traj.v_is_run:
                return func(traj, *args, **kwargs)
            traj.f_start_run(turn_into_run=turn_into_run)
            try:
                result = func(traj, *args, **kwargs)
            except BaseException as error:
                traj.f_finalize_run(store_meta_data=store_meta_data, clean_up=clean_up,
                                    error=error)
                raise
            traj.f_finalize_run(store_meta_data=store_meta_data, clean_up=clean_up)
            return result

        return run

    return decorate
