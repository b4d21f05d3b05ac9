"""What a worker needs once: the trajectory, the run call, how runs behave and who writes.

It is pickled by us (not by the multiprocessing machinery) so that an unpicklable object is
reported with its name and a way out, and so that behaviour does not depend on the start
method.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.execution.journal import JournalWriter
    from pypet.log.workers import WorkerLogSpec
    from pypet.storage.service import StorageService
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["RunOptions", "WorkerPayload", "dump_payload", "picklable_or_explain"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How every run of an experiment behaves, wherever it executes."""

    automatic_store: bool = True  #: the outcome carries every unstored item the run added
    defer_stores: bool = True  #: a run's own f_store() travels with its outcome
    stop_at_failure: bool = True  #: a failing run ends its batch (on_error='raise')
    wrap_mode: str | None = "QUEUE"  #: None on an executor
    gc_interval: int | None = None


@dataclass
class WorkerPayload:
    """Everything that stays the same across the runs of one experiment."""

    traj: Trajectory
    func: Callable[..., Any]
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    hexsha: str = ""
    options: RunOptions = field(default_factory=RunOptions)
    length: int = 0  #: the trajectory's number of runs (for the writer)
    service: StorageService | None = None  #: LOCK: the real service, used under the lock
    #: resumable: the journal a worker appends each outcome to (a segment per process)
    journal: JournalWriter | None = None
    log_spec: WorkerLogSpec | None = None  #: the workers' logging


def picklable_or_explain(obj: Any, what: str, hint: str) -> bytes:
    """Pickle ``obj`` or raise TypeError naming ``what`` and the offending object."""
    try:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # pickle raises several types (PicklingError, TypeError, ...)
        raise TypeError(f"{what} cannot be pickled ({error}). {hint}") from error


def dump_payload(payload: WorkerPayload, use_pool: bool) -> bytes:
    """Pickle the payload, checking the run function and its arguments one by one."""
    hint = ("With a pool (or an executor) everything a run needs must be picklable; use "
            "use_pool=False to fork one process per run instead (no pickling on Linux/macOS)."
            if use_pool else "Make it picklable or run without multiprocessing.")
    picklable_or_explain(payload.func, f"The run function {payload.func!r}", hint)
    for pos, arg in enumerate(payload.args):
        picklable_or_explain(arg, f"Run argument {pos} ({arg!r})", hint)
    for key, arg in payload.kwargs.items():
        picklable_or_explain(arg, f"Run keyword argument {key}={arg!r}", hint)
    traj = payload.traj
    full_copy = traj.v_full_copy
    traj.v_full_copy = True  # every worker must be able to set any run
    try:
        return picklable_or_explain(payload, "The trajectory", hint)
    finally:
        traj.v_full_copy = full_copy
