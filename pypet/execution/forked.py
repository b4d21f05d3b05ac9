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
from pypet.execution.batching import mp_context
from pypet.execution.caps import CapMonitor
from pypet.execution.payload import WorkerPayload
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["run_forked"]


def _child(conn: Any, payload: WorkerPayload | bytes, lock: Any, idx: int, args: tuple,
           kwargs: dict) -> None:
    """Body of a run process: run one index and send the outcome (or the error) back."""
    try:
        if isinstance(payload, bytes):  # spawn: the payload had to be pickled
            payload = pickle.loads(payload)
        payload = worker._prepare(payload, lock)
        worker.process_setup(payload)
        outcome = worker._run(payload, [(idx, args, kwargs)])[0]
        conn.send(("ok", outcome))
    except BaseException as error:  # sent to the parent, which raises it
        try:
            conn.send(("error", error))
        except Exception:  # the error itself does not pickle
            conn.send(("error", RuntimeError(f"run {idx} failed: {error!r}")))
    finally:
        conn.close()


def run_forked(indices: Sequence[int], args_for: Callable[[int], tuple[tuple, dict]],
               sink: OutcomeSink, payload: WorkerPayload, ncores: int, lock: Any,
               caps: CapMonitor, stop: GracefulExit) -> None:
    """Run each index in its own process, at most ``ncores`` at a time."""
    ctx = mp_context()
    shipped: WorkerPayload | bytes = payload
    if ctx.get_start_method() != "fork":
        from pypet.execution.payload import dump_payload

        shipped = dump_payload(payload, use_pool=False)
    pending = deque(indices)
    running: dict[Any, tuple[int, Any]] = {}  # connection -> (idx, process)
    error: BaseException | None = None
    while pending or running:
        while pending and error is None and not stop.hit and len(running) < ncores \
                and caps.allows(len(running)):
            idx = pending.popleft()
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(send, shipped, lock, idx, *args_for(idx)),
                                  name=f"pypet-run-{idx}", daemon=True)
            process.start()
            send.close()
            running[receive] = (idx, process)
        if not running:
            break
        ready = wait(list(running), timeout=0.05 if pending else 1.0)
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
