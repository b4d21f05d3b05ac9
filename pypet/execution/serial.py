"""The serial runner: every run in this process, against the live trajectory."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pypet.execution.sigint import GracefulExit
from pypet.execution.single_run import run_one
from pypet.execution.sink import OutcomeSink

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["ArgsFor", "run_serial"]

#: maps a run index to the (args, kwargs) of that run
ArgsFor = Callable[[int], tuple[tuple, dict]]


def run_serial(traj: Trajectory, indices: Iterable[int], func: Callable[..., Any],
               args_for: ArgsFor, sink: OutcomeSink, hexsha: str, store: bool,
               clean_up: bool, stop: GracefulExit) -> None:
    """Run ``indices`` one after the other, handing each outcome to ``sink``."""
    try:
        for idx in indices:
            if stop.hit:
                break
            args, kwargs = args_for(idx)
            sink.accept(run_one(traj, idx, func, args, kwargs, hexsha, store=store,
                                clean_up=clean_up, restore=False))
    finally:
        traj.f_restore_default()  # once, not after every run
