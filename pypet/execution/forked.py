"""One process per run (pypet's ``use_pool=False``), started only while the caps allow.

Each run gets a new process (:class:`~pypet.execution.procs.ProcessPerTask`). While no
other thread runs in the main process the child is forked: it inherits the trajectory,
the run function and its arguments without pickling, so unpicklable simulation objects
work (Linux/macOS). When threads run and the payload pickles, a fork server starts the
children instead (decision 0008). A run whose process dies runs again on a new process up
to ``max_retries`` times, then is recorded as failed with the cause.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable, Sequence

from pypet.execution import worker
from pypet.execution.batching import ArgsFor, RunTask
from pypet.execution.caps import CapMonitor
from pypet.execution.deaths import died_outcome, journaled_by
from pypet.execution.locks import SharedLock
from pypet.execution.payload import WorkerPayload, dump_payload
from pypet.execution.procs import ProcessPerTask, TaskOutcome, WorkerDeath
from pypet.execution.procs.start import loads_in_fresh_process, other_threads
from pypet.execution.sigint import GracefulExit
from pypet.execution.sink import OutcomeSink

__all__ = ["run_forked"]

_log = logging.getLogger("pypet.execution.forked")

#: how often the loop looks at a graceful-exit request and the writer's clock while runs go
_POLL_SECONDS = 0.1


def _shipped(payload: WorkerPayload) -> tuple[WorkerPayload | bytes, bool]:
    """What the children get, and whether it pickles.

    Without other threads the children are forked and inherit the payload object. With
    threads, a fork server needs the payload pickled (once, here); if it does not pickle or
    a fresh process could not load it (a notebook's function), the children are forked
    anyway (checked and logged by the process machinery).
    """
    if not other_threads():
        return payload, False
    try:
        data = dump_payload(payload, use_pool=False)
    except TypeError:
        return payload, False
    return (data, True) if loads_in_fresh_process(data) else (payload, False)


def run_forked(indices: Sequence[int], args_for: ArgsFor, sink: OutcomeSink,
               payload: WorkerPayload, ncores: int, lock: SharedLock | None, caps: CapMonitor,
               stop: GracefulExit, on_idle: Callable[[], Sequence[int]] | None = None,
               max_retries: int = 2, niceness: int | None = None) -> None:
    """Run each index in its own process, at most ``ncores`` at a time.

    ``on_idle`` (immediate post-processing) is called whenever no run waits any more but
    runs are still going; the indices it returns (after expanding the trajectory) run too.
    """
    shipped, picklable = _shipped(payload)
    pending = deque(indices)
    deaths: dict[int, list[WorkerDeath]] = defaultdict(list)
    error: BaseException | None = None
    halted = idle_called = False
    # retries are decided here, not by the processes' supervisor: a run whose process
    # journaled it before dying is finished and must not run again
    with ProcessPerTask(ncores, may_start=caps.allows, retries=0,
                        niceness=niceness, picklable=picklable) as runs:
        while True:
            if not halted and (error is not None or stop.hit or sink.stopping):
                halted = True
                runs.stop()  # runs not started yet never will
                pending.clear()
            # a short queue: the caps and immediate post-processing see what still waits
            while not halted and pending and runs.waiting < ncores:
                idx = pending.popleft()
                args, kwargs = args_for(idx)
                runs.submit(worker.run_alone, (shipped, lock, RunTask(idx, args, kwargs)),
                            key=idx)
                idle_called = False
            if on_idle is not None and not halted and not pending and not runs.waiting \
                    and not runs.idle and not idle_called:
                idle_called = True  # once per time the queue runs dry
                added = on_idle()
                if added:
                    payload.length = len(payload.traj)
                    shipped, _ = _shipped(payload)  # a pickled payload predates the expansion
                    pending.extend(added)
                continue
            if runs.idle:
                break
            for outcome in runs.wait(timeout=_POLL_SECONDS):
                if outcome.lost:
                    retry = _died(int(outcome.key),  # type: ignore[call-overload]
                                  outcome.deaths, deaths, sink, payload, max_retries, halted)
                    if retry is not None:
                        pending.appendleft(retry)
                else:
                    error = _take(outcome, sink, payload) or error
            sink.tick()  # finished runs reach the file even while long runs go on
    if error is not None:
        raise error


def _died(idx: int, died: tuple[WorkerDeath, ...], deaths: dict[int, list[WorkerDeath]],
          sink: OutcomeSink, payload: WorkerPayload, max_retries: int,
          halted: bool) -> int | None:
    """A run's process died: take the run from its journal, or return it to run again, or
    record it as failed after ``max_retries`` retries."""
    if payload.journal is not None:
        found = journaled_by(payload.journal.folder, died[-1].pid, [idx])
        if found:  # it finished (and was journaled) before its process died
            sink.accept(found[0], journaled=True)
            return None
    deaths[idx].extend(died)
    count = len(deaths[idx])
    if count <= max_retries and not halted:
        _log.warning("Run %d runs again in a new process (attempt %d of %d).", idx,
                     count + 1, max_retries + 1)
        return idx
    sink.accept(died_outcome(idx, deaths[idx], payload.hexsha, max_retries))
    return None


def _take(outcome: TaskOutcome, sink: OutcomeSink,
          payload: WorkerPayload) -> BaseException | None:
    """Record a run's outcome; return the error of a run process that failed otherwise."""
    idx = int(outcome.key)  # type: ignore[call-overload]
    if outcome.ok:  # a resumable run's process journaled it
        sink.accept(outcome.result, journaled=payload.journal is not None)
    else:  # the run process itself failed (not the run function): e.g. logging set-up
        error = outcome.error
        assert error is not None
        error.add_note(f"pypet: run {idx} is not completed (its process failed before or "
                       f"after the run). Traceback there:\n{outcome.traceback}")
        return error
    return None
