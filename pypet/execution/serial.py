"""The serial runner: every run in this process, against the live trajectory."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pypet.execution.batching import ArgsFor
from pypet.execution.payload import RunOptions
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink
from pypet.log.handlers import run_file_handlers
from pypet.log.workers import run_logging
from pypet.trajectory.single_run import SingleRun

if TYPE_CHECKING:
    from collections.abc import Callable

    from pypet.trajectory.trajectory import Trajectory

__all__ = ["run_serial"]


def run_serial(traj: Trajectory, indices: Iterable[int], func: Callable[..., Any],
               args_for: ArgsFor, sink: OutcomeSink, hexsha: str, options: RunOptions,
               clean_up: bool, stop: GracefulExit) -> None:
    """Run ``indices`` one after the other, handing each outcome to ``sink``."""
    per_run_files = run_file_handlers()  # the live list: a handler may come or go
    # What exists before the sweep (modules, the trajectory) is set aside for the cyclic
    # garbage collector, which would otherwise walk all of it at every full collection:
    # about a tenth of the time of tiny runs. Cycles among those objects wait until after.
    gc.freeze()
    automatic_store, defer_stores = options.automatic_store, options.defer_stores
    accept = sink.accept
    run = SingleRun(traj, 0, hexsha, automatic_store=automatic_store,
                    defer_stores=defer_stores, clean_up=clean_up, restore=False)
    try:
        for idx in indices:
            if stop.hit or sink.stopping:
                break
            args, kwargs = args_for(idx)
            run.again(idx)
            if per_run_files:
                with run_logging(idx, traj):  # per-run log files ($run in a file name)
                    outcome = run.execute(func, args, kwargs)
            else:
                outcome = run.execute(func, args, kwargs)
            accept(outcome)
    finally:
        gc.unfreeze()
        traj.f_restore_default()  # once, not after every run
