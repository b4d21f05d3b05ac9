"""Submitting batches of runs to a ``concurrent.futures`` executor with bounded memory."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["drive"]

#: how often the loop checks for a graceful-exit request while batches run
_POLL_SECONDS = 0.1


def drive(submit: Callable[[Any], cf.Future], batches: Iterator[Any], sink: OutcomeSink,
          max_inflight: int, stop: GracefulExit) -> None:
    """Keep at most ``max_inflight`` batches running; feed finished outcomes to ``sink``.

    A run's own error comes back inside its outcome. When a run fails (and the sink stops
    at failures) or a batch itself fails (a dead worker, a storage error), no new batches
    start, the running ones finish and are recorded, then the first batch error is raised
    (a run's failure is raised by the caller, through the sink). After a run's failure the
    batches submitted before the failing one still run (executors such as Dask do not keep
    the order, and a serial sweep would have run them); later ones are cancelled if they
    have not started. After a graceful-exit request no new batches start either.
    """
    inflight: dict[cf.Future, tuple[int, list[int]]] = {}  # future -> (number, run indices)
    numbers = itertools.count()
    failed_at: int | None = None  # the number of the batch whose run failed
    error: BaseException | None = None

    def halted() -> bool:
        return error is not None or stop.hit or sink.stopping

    def fill() -> None:
        while len(inflight) < max_inflight and not halted():
            batch = next(batches, None)
            if batch is None:
                return
            inflight[submit(batch)] = (next(numbers), [task.idx for task in batch])

    fill()
    while inflight:
        # Wake up now and then: after Ctrl+C, batches still waiting in the executor must be
        # cancelled at once, before its workers pick them up.
        done, _ = cf.wait(inflight, timeout=_POLL_SECONDS, return_when=cf.FIRST_COMPLETED)
        sink.tick()  # finished runs reach the file even while long runs go on
        for future in done:
            number, runs = inflight.pop(future)
            if future.cancelled():
                continue
            try:
                outcomes = future.result()
            except BaseException as failure:  # not a run's error: those come as outcomes
                if not any(note.startswith("pypet:") for note in
                           getattr(failure, "__notes__", ())):
                    failure.add_note(_lost_runs_note(failure, runs, inflight))
                error = error or failure
                continue
            for outcome in outcomes:
                sink.accept(outcome)
            if sink.stopping and failed_at is None:
                failed_at = number
        if halted():
            # after a run's failure alone, the batches submitted before its batch go on
            keep_before = failed_at if error is None and not stop.hit else None
            if keep_before is None:
                for event in stop.events:
                    event.set()  # workers start no run of batches already queued to them
            # batches that have not started yet never will
            for future, (number, _) in list(inflight.items()):
                if (keep_before is None or number > keep_before) and future.cancel():
                    del inflight[future]
        fill()
    if error is not None:
        raise error


def _lost_runs_note(failure: BaseException, runs: list[int],
                    inflight: dict[cf.Future, tuple[int, list[int]]]) -> str:
    """A note for an error that no run raised: which runs it cost."""
    if isinstance(failure, cf.BrokenExecutor):
        # a dead worker breaks the whole pool: every batch still in it is lost
        lost = sorted(runs + [idx for _, batch in inflight.values() for idx in batch])
        return (f"pypet: a worker process died; runs {lost} were running or waiting and are "
                "not completed. use_pool=False runs each run in its own process, so one "
                "dying run costs only itself.")
    return f"pypet: runs {runs} are not completed (the error did not come from the run function)."
