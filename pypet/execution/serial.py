"""The serial runner: every run in this process, against the live trajectory."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pypet.execution.progress import ProgressReporter
from pypet.execution.single_run import run_one
from pypet.execution.writer import RunWriter

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["ArgsFor", "run_serial"]

#: maps a run index to the (args, kwargs) of that run
ArgsFor = Callable[[int], tuple[tuple, dict]]


def run_serial(traj: Trajectory, indices: Iterable[int], func: Callable[..., Any],
               args_for: ArgsFor, writer: RunWriter | None, progress: ProgressReporter,
               hexsha: str, clean_up: bool = True) -> list[tuple[int, Any]]:
    """Run ``indices`` one after the other; return ``[(idx, return value), ...]``.

    Every finished run reaches the writer before an error propagates, so nothing finished
    is lost when a later run raises.
    """
    results: list[tuple[int, Any]] = []
    try:
        for idx in indices:
            args, kwargs = args_for(idx)
            outcome = run_one(traj, idx, func, args, kwargs, hexsha, store=writer is not None,
                              clean_up=clean_up)
            results.append((idx, outcome.value))
            if writer is not None:
                writer.add(outcome)
            progress.run_finished()
    finally:
        if writer is not None:
            writer.flush()
    return results
