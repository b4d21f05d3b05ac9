"""One process per run (pypet's ``use_pool=False``), started only while the caps allow.

With the fork start method the child inherits the trajectory, the run function and its
arguments without pickling, so unpicklable simulation objects work (Linux/macOS).
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from typing import Any

from pypet.execution import worker
from pypet.execution.batching import ArgsFor, RunTask, mp_context
from pypet.execution.caps import CapMonitor
from pypet.execution.locks import SharedLock
from pypet.execution.payload import WorkerPayload
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["run_forked"]


def _child(conn: Any, payload: WorkerPayload | bytes, lock: SharedLock | None,
           task: RunTask) -> None:
    """Body of a run process: run one task and send its outcome (or an error) back."""
    try:
        # spawn: the payload had to be pickled
        given = pickle.loads(payload) if isinstance(payload, bytes) else payload
        prepared = worker.prepare(given, lock)
        worker.process_setup(prepared)
        conn.send(("ok", worker.execute_tasks(prepared, [task])[0]))
    except BaseException as error:  # sent to the parent, which raises it
        try:
            conn.send(("error", error))
        except Exception:  # the error itself does not pickle
            conn.send(("error", RuntimeError(f"run {task.idx} failed: {error!r}")))
    finally:
        conn.close()


def run_forked(indices: Sequence[int], args_for: ArgsFor, sink: OutcomeSink,
               payload: WorkerPayload, ncores: int, lock: SharedLock | None, caps: CapMonitor,
               stop: GracefulExit, on_idle: Callable[[], Sequence[int]] | None = None) -> None:
    """Run each index in its own process, at most ``ncores`` at a time.

    ``on_idle`` (immediate post-processing) is called whenever no run waits any more but
    runs are still going; the indices it returns (after expanding the trajectory) run too.
    """
    ctx = mp_context()
    shipped: WorkerPayload | bytes = payload
    if ctx.get_start_method() != "fork":
        from pypet.execution.payload import dump_payload

        shipped = dump_payload(payload, use_pool=False)
    pending = deque(indices)
    running: dict[Any, tuple[int, Any]] = {}  # connection -> (idx, process)
    error: BaseException | None = None
    idle_called = False
    while pending or running:
        while pending and error is None and not stop.hit and not sink.stopping \
                and len(running) < ncores and caps.allows(len(running)):
            idx = pending.popleft()
            args, kwargs = args_for(idx)
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child,
                                  args=(send, shipped, lock, RunTask(idx, args, kwargs)),
                                  name=f"pypet-run-{idx}", daemon=True)
            process.start()
            send.close()
            running[receive] = (idx, process)
            idle_called = False
        if not running:
            break
        if on_idle is not None and not pending and not idle_called and error is None \
                and not stop.hit and not sink.stopping:
            idle_called = True  # once per time the queue runs dry
            pending.extend(on_idle())
            continue
        ready: list[Any] = wait(list(running), timeout=0.05 if pending else 1.0)
        sink.tick()  # finished runs reach the file even while long runs go on
        for conn in ready:
            idx, process = running.pop(conn)
            try:
                status, value = conn.recv()
            except EOFError:
                process.join()
                status, value = "error", RuntimeError(
                    f"The process of run {idx} died (exit code {process.exitcode}) without "
                    "a result; the run is not completed.")
            conn.close()
            process.join()
            if status == "ok":
                sink.accept(value)
            elif error is None:
                error = value
    if error is not None:
        raise error
