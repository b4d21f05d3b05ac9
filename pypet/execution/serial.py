"""The serial runner: every run in this process, against the live trajectory."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
    accept = sink.accept
    run = SingleRun(traj, 0, hexsha, automatic_store=options.automatic_store,
                    defer_stores=options.defer_stores, clean_up=clean_up, restore=False)
    try:
        with _collector_set_for_a_sweep():
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
        traj.f_restore_default()  # once, not after every run


@contextmanager
def _collector_set_for_a_sweep() -> Iterator[None]:
    """The cyclic garbage collector set for a long sweep in this process.

    What exists before the sweep (modules, the trajectory) is frozen: the collector would
    otherwise walk all of it at every full collection (a tenth of the time of tiny runs);
    cycles among those objects wait until after. Frozen objects no longer count as the old
    population whose growth by a quarter triggers a full collection, so full collections
    would come at every tenth middle one, each walking the outcomes waiting for the next
    write (a twentieth of the time of tiny runs): the oldest generation's threshold is
    raised tenfold instead. Garbage cycles die young and go with the young collections.
    """
    thresholds = gc.get_threshold()
    young, middle, old = thresholds
    gc.freeze()
    gc.set_threshold(young, middle, 10 * old)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
