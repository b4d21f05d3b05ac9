"""The pool runner: ``ncores`` worker processes that receive the trajectory once."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Sequence

from pypet.execution.batching import ArgsFor, batch_size, batches, mp_context
from pypet.execution.futures_loop import drive
from pypet.execution.locks import SharedLock
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink
from pypet.execution.worker import init_worker, run_batch

__all__ = ["run_pool"]


def run_pool(indices: Sequence[int], args_for: ArgsFor, constant_args: bool,
             sink: OutcomeSink, payload: bytes, ncores: int, lock: SharedLock | None,
             max_inflight: int,
             stop: GracefulExit) -> None:
    """Run ``indices`` on a process pool; the payload reaches each worker once."""
    size = batch_size(len(indices), ncores)
    ctx = mp_context()
    # Batches wait in the pool's call queue before a worker takes them and cannot be
    # cancelled there; this event tells workers not to start them after a graceful exit.
    stop_event = ctx.Event()
    stop.events.append(stop_event)
    with cf.ProcessPoolExecutor(ncores, mp_context=ctx, initializer=init_worker,
                                initargs=(payload, lock, stop_event)) as pool:
        drive(lambda batch: pool.submit(run_batch, batch),
              batches(indices, size, args_for, constant_args), sink, max_inflight, stop)
