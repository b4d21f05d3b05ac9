"""Running on any ``concurrent.futures`` executor: Dask, ProcessPoolExecutor, MPI, ...

The driver (this process) alone writes the file; workers return outcomes. With a Dask
``Client`` the payload is scattered to every worker once; other executors get it with each
batch and unpickle it once per process.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from pypet.execution.batching import ArgsFor, batch_size, batches
from pypet.execution.futures_loop import drive
from pypet.execution.procs.start import fork_warning_silenced, other_threads
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink
from pypet.execution.worker import run_batch_with_payload

__all__ = ["executor_for", "run_on_executor"]


@contextlib.contextmanager
def executor_for(executor: Any, ncores: int) -> Iterator[tuple[Any, Any]]:
    """Yield ``(concurrent.futures executor, dask client or None)`` for ``executor``.

    ``'dask'`` starts an embedded LocalCluster with ``ncores`` single-threaded workers for
    the duration of the block; a Dask cluster object (e.g. dask-jobqueue's ``SLURMCluster``)
    gets a client for the duration of the block.
    """
    if executor == "dask":
        from pypet._compat import require

        distributed = require("distributed")
        with distributed.LocalCluster(n_workers=ncores, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            yield client.get_executor(pure=False), client
        return
    if type(executor).__name__ == "Client" and hasattr(executor, "get_executor"):
        yield executor.get_executor(pure=False), executor
        return
    if hasattr(executor, "scheduler_address") and hasattr(executor, "scale"):
        # a Dask cluster object (LocalCluster, dask-jobqueue's SLURMCluster/PBSCluster, ...):
        # a client connects for the duration of the experiment; the cluster stays the user's
        from pypet._compat import require

        with require("distributed").Client(executor) as client:
            yield client.get_executor(pure=False), client
        return
    if not hasattr(executor, "submit"):
        raise TypeError(
            f"executor must be 'dask', a dask.distributed Client or cluster, or a "
            f"concurrent.futures executor, got {executor!r}."
        )
    yield executor, None


def run_on_executor(executor: Any, client: Any, n_workers: int, indices: Sequence[int],
                    args_for: ArgsFor, constant_args: bool,
                    sink: OutcomeSink, payload: bytes, stop: GracefulExit) -> None:
    """Run ``indices`` in batches on ``executor``; outcomes come back to ``sink``."""
    digest = hashlib.sha1(payload).hexdigest()
    shipped: Any = payload
    if client is not None:
        shipped = client.scatter(payload, broadcast=True)
    size = batch_size(len(indices), n_workers, max_size=256)

    def submit(batch: Any) -> Any:
        # A user's ProcessPoolExecutor forks its workers at its first submit (Python < 3.14
        # on Linux). With no other Python thread running, Python's warning there is about
        # the idle native pools of numexpr/OpenBLAS only, which handle fork (decision 0008).
        with fork_warning_silenced(not other_threads()):
            return executor.submit(run_batch_with_payload, shipped, digest, batch)

    drive(submit, batches(indices, size, args_for, constant_args), sink, 4 * n_workers, stop)
