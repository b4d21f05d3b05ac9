"""The resume folder of one trajectory: its snapshot, its journal, and the checks around them.

``<resume_folder>/<trajectory name>/`` holds

* ``experiment.dill``: the trajectory (every explored point), the run function and its
  arguments, the post-processing, written with dill before the first run and again after
  every post-processing round that expanded the trajectory (write-then-rename: a reader
  sees the old or the new snapshot, never half of one);
* ``journal-*.pjl``: the outcome of every finished run (:mod:`pypet.execution.journal`);
* ``finished``: only when the experiment finished and ``delete_resume=False``.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypet.execution.journal import FsyncPolicy, JournalWriter, RecordRef, scan_journal
from pypet.execution.journal import segments as journal_segments
from pypet.utils.dirs import fsync_path

if TYPE_CHECKING:
    from pypet.execution.postproc import Call
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["ResumeFolder", "Snapshot", "default_resume_folder"]

SNAPSHOT = "experiment.dill"
FINISHED = "finished"
OWNER = "environment"  #: the name of the environment that started the experiment
#: bumped when a snapshot written by this version cannot be read by an older one
SNAPSHOT_FORMAT = 1


def default_resume_folder() -> str:
    """pypet's default: ``./resume`` below the working directory."""
    return os.path.join(os.getcwd(), "resume")


@dataclass
class Snapshot:
    """What resuming needs besides the journal (dill-pickled as a whole)."""

    trajectory: Trajectory
    run: Call | None
    run_args: tuple = ()
    run_kwargs: dict[str, Any] = field(default_factory=dict)
    postproc: Call | None = None
    #: how many post-processing rounds expanded the trajectory before this snapshot
    round: int = 0
    expanded: bool = False
    traj_name: str = ""
    env_name: str = ""
    created: float = field(default_factory=time.time)
    format: int = SNAPSHOT_FORMAT


def _dill() -> Any:
    from pypet._compat import require

    return require("dill")


def _check(obj: Any, what: str, dill: Any) -> None:
    try:
        dill.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL, recurse=True)
    except Exception as error:  # dill raises many types; each means "cannot snapshot"
        raise TypeError(
            f"{what} cannot be snapshotted with dill ({type(error).__name__}: {error}). "
            "resumable=True saves the run function, its arguments and the trajectory so "
            "that a crashed experiment can be resumed; make them picklable (e.g. define "
            "the function at module level, pass plain data) or use resumable=False."
        ) from error


def dump_snapshot(snapshot: Snapshot) -> bytes:
    """The snapshot as bytes; what dill cannot handle is named in a TypeError."""
    dill = _dill()
    if snapshot.run is not None:
        _check(snapshot.run.func, f"The run function {snapshot.run.func!r}", dill)
    for pos, arg in enumerate(snapshot.run_args):
        _check(arg, f"Run argument {pos} ({arg!r})", dill)
    for key, arg in snapshot.run_kwargs.items():
        _check(arg, f"Run keyword argument {key}={arg!r}", dill)
    if snapshot.postproc is not None:
        _check(snapshot.postproc, f"The post-processing {snapshot.postproc.func!r} (with its "
                                  "arguments)", dill)
    traj = snapshot.trajectory
    full_copy = traj.v_full_copy
    traj.v_full_copy = True  # every explored point, not only the current one
    try:
        try:
            return _dumps_mostly_c(snapshot, dill)
        except Exception:  # something only dill handles, or nothing does (named below)
            pass
        _check(traj, f"The trajectory {traj.v_name!r}", dill)
        return dill.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL, recurse=True)
    finally:
        traj.v_full_copy = full_copy


class _MostlyC(pickle.Pickler):
    """The C pickler, with dill only for code that must travel by value.

    dill pickles everything in Python, a million explored values one by one; here only
    functions and classes of ``__main__`` (and lambdas, local definitions) go through dill,
    as dill would pickle them, and everything else at C speed.
    """

    def __init__(self, file: io.BytesIO, dill: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._dill = dill

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, (types.FunctionType, type)) and (
                getattr(obj, "__module__", None) == "__main__"
                or "<" in getattr(obj, "__qualname__", "")):  # <lambda>, <locals>
            return self._dill.loads, (self._dill.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL,
                                                       recurse=True),)
        return NotImplemented


def _dumps_mostly_c(obj: Any, dill: Any) -> bytes:
    buffer = io.BytesIO()
    _MostlyC(buffer, dill).dump(obj)
    return buffer.getvalue()


def _bind_to_main(func: Any) -> Any:
    """A function of the crashed script's ``__main__`` (dill saved it by value) as this
    process's ``__main__`` knows it, so that pickling it by reference (pool workers) works:
    the script's own function if it defines one of that name, else the saved one, made
    visible in ``__main__``."""
    if getattr(func, "__module__", None) != "__main__":
        return func
    name = getattr(func, "__qualname__", "")
    main = sys.modules.get("__main__")
    if main is None or not name.isidentifier():
        return func
    existing = getattr(main, name, None)
    if callable(existing):
        return existing
    setattr(main, name, func)
    return func


class ResumeFolder:
    """``<base>/<traj_name>``: where one trajectory's snapshot and journal live."""

    def __init__(self, base: str | os.PathLike | None, traj_name: str,
                 fsync: FsyncPolicy = FsyncPolicy.BATCH) -> None:
        self.base = Path(base if base is not None else default_resume_folder()).absolute()
        self.traj_name = traj_name
        self.path = self.base / traj_name
        self.fsync = FsyncPolicy.of(fsync)

    def __repr__(self) -> str:
        return f"<ResumeFolder {str(self.path)!r}>"

    # --- a new experiment ---------------------------------------------------------------
    def prepare_new(self, owner: str) -> None:
        """Make sure no unfinished experiment would be mixed with a new one.

        An unfinished experiment of another environment is an error (resume it, or delete
        the folder); one of environment ``owner`` itself goes on (e.g. ``run(...,
        only_failed=True)`` after failures); a finished one's leftovers
        (``delete_resume=False``) are removed.
        """
        if self.path.exists():
            unfinished = (self.path / SNAPSHOT).exists() or bool(journal_segments(self.path))
            if (self.path / FINISHED).exists() or not unfinished:
                shutil.rmtree(self.path)  # leftovers of a finished (or never begun) one
            elif self._owner() == owner:
                return
            else:
                raise RuntimeError(
                    f"The resume folder {str(self.path)!r} holds an unfinished experiment of "
                    f"trajectory {self.traj_name!r}. Resume it with env.resume("
                    f"trajectory_name={self.traj_name!r}, resume_folder="
                    f"{str(self.base)!r}), or delete that folder to start anew."
                )
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / OWNER).write_text(owner)

    def claim(self, owner: str) -> None:
        """Environment ``owner`` (one that resumes) now runs the experiment."""
        (self.path / OWNER).write_text(owner)

    def _owner(self) -> str:
        try:
            return (self.path / OWNER).read_text()
        except OSError:
            return ""

    def write_snapshot(self, data: bytes) -> None:
        """Replace the snapshot atomically (and durably: it is written rarely)."""
        temporary = self.path / (SNAPSHOT + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path / SNAPSHOT)
        fsync_path(self.path)

    def journal(self) -> JournalWriter:
        """A new journal segment for this process."""
        return JournalWriter(self.path, self.fsync)

    # --- resuming -------------------------------------------------------------------------
    def read_snapshot(self) -> Snapshot:
        """The snapshot, after checking the folder belongs to an unfinished experiment."""
        if not self.path.is_dir():
            raise FileNotFoundError(
                f"Nothing to resume for trajectory {self.traj_name!r}: {str(self.path)!r} "
                f"does not exist. Pass the resume_folder the experiment was started with "
                "(resumable=True); a finished experiment's folder is deleted unless "
                "delete_resume=False."
            )
        if (self.path / FINISHED).exists():
            raise ValueError(
                f"Trajectory {self.traj_name!r} already finished (see {str(self.path)!r}); "
                "there is nothing to resume. Load it with Trajectory.f_load, or expand it "
                "and call env.run to add runs."
            )
        source = self.path / SNAPSHOT
        if not source.is_file():
            raise ValueError(
                f"{str(self.path)!r} is not the resume folder of an experiment: it has no "
                f"{SNAPSHOT}. Pass the folder given as resume_folder= to the crashed "
                "experiment (its parent, not the trajectory's subfolder)."
            )
        try:
            snapshot = _dill().loads(source.read_bytes())
        except Exception as error:  # unpickling raises many types
            raise ValueError(
                f"The snapshot {str(source)!r} cannot be read ({type(error).__name__}: "
                f"{error}); was the experiment's code (its run function's module) changed "
                "or removed since?"
            ) from error
        if not isinstance(snapshot, Snapshot) or snapshot.format > SNAPSHOT_FORMAT:
            raise ValueError(f"{str(source)!r} is not a snapshot this pypet can resume.")
        if snapshot.traj_name != self.traj_name:
            raise ValueError(
                f"{str(source)!r} belongs to trajectory {snapshot.traj_name!r}, not "
                f"{self.traj_name!r}."
            )
        for call in (snapshot.run, snapshot.postproc):
            if call is not None:
                call.func = _bind_to_main(call.func)
        return snapshot

    def records(self) -> dict[int, RecordRef]:
        """The journal record of every run that finished (or failed) before the crash."""
        return scan_journal(self.path)

    def has_journal(self) -> bool:
        """Whether any journal segment exists."""
        return bool(journal_segments(self.path))

    # --- the end --------------------------------------------------------------------------
    def finish(self, delete: bool) -> None:
        """The experiment finished: delete the folder, or mark it finished."""
        if delete:
            shutil.rmtree(self.path, ignore_errors=True)
        elif self.path.is_dir():
            (self.path / FINISHED).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
