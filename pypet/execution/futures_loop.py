"""Submitting batches of runs to a ``concurrent.futures`` executor with bounded memory."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterator
from typing import Any

from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["drive"]


def drive(submit: Callable[[Any], cf.Future], batches: Iterator[Any], sink: OutcomeSink,
          max_inflight: int, stop: GracefulExit) -> None:
    """Keep at most ``max_inflight`` batches running; feed finished outcomes to ``sink``.

    When a batch fails, no new batches start, the running ones finish and are recorded,
    then the first error is raised. After a graceful-exit request no new batches start.
    """
    inflight: set[cf.Future] = set()
    error: BaseException | None = None

    def fill() -> None:
        while len(inflight) < max_inflight and error is None and not stop.hit:
            batch = next(batches, None)
            if batch is None:
                return
            inflight.add(submit(batch))

    fill()
    while inflight:
        done, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
        for future in done:
            inflight.discard(future)
            try:
                outcomes = future.result()
            except BaseException as failure:  # the run's own error, re-raised below
                error = error or failure
                continue
            for outcome in outcomes:
                sink.accept(outcome)
        fill()
    if error is not None:
        raise error
