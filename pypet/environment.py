"""The Environment: runs a function over every point of a trajectory and stores the results.

This is the composition root: settings → logging → trajectory → storage → provenance →
runner. The Environment is not a tree; its API uses plain names (``run``, ``trajectory``)
and accepts pypet's ``f_``/``v_`` spellings (``env.f_run``, ``env.v_trajectory``).
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from pypet._version import __version__
from pypet.execution.postproc import Call, parse_pipeline
from pypet.log.setup import LoggingSetup
from pypet.settings.environment import positional_settings, split_kwargs
from pypet.storage.factory import make_service
from pypet.trajectory import Trajectory
from pypet.trajectory.run_table import format_time

__all__ = ["Environment"]

_log = logging.getLogger("pypet.environment")
#: old method names of the Environment → current ones (pypet's f_/v_ prefixes are stripped)
_OLD_NAMES = {"continue": "resume", "add_postproc": "add_postprocessing"}


def _multiproc_config(s: Any) -> dict[str, Any]:
    """The run settings pypet records under ``config.environment.<name>``."""
    entries: dict[str, Any] = {"multiproc": s.multiproc}
    if s.multiproc:
        entries["use_pool"] = s.use_pool
        entries["use_scoop"] = False
        if s.niceness is not None:
            entries["niceness"] = s.niceness
        if s.use_pool:
            entries["freeze_input"] = s.freeze_input
        else:
            entries.update(cpu_cap=s.cpu_cap, memory_cap=s.memory_cap, swap_cap=s.swap_cap,
                           immediate_postprocessing=s.immediate_postproc)
    if s.executor is not None:
        entries["executor"] = s.executor if isinstance(s.executor, str) else repr(s.executor)
    entries.update(ncores=s.ncores, wrap_mode=s.wrap_mode)
    if s.multiproc and s.wrap_mode in ("QUEUE", "PIPE"):
        entries["queue_maxsize"] = s.queue_maxsize
    if s.gc_interval is not None:
        entries["gc_interval"] = s.gc_interval
    entries.update(clean_up_runs=s.clean_up_runs, resumable=s.resumable,
                   graceful_exit=s.graceful_exit)
    if s.on_error != "raise":
        entries["on_error"] = s.on_error
    return entries


class Environment:
    """Runs ``func(traj, *args, **kwargs)`` for every run of a trajectory.

    Takes pypet 0.7's keywords (``trajectory``, ``filename``, ``comment``, ``add_time``,
    ``automatic_storing``, ``clean_up_runs``, ``report_progress``, ``log_config``, storage
    keywords such as ``complevel``, trajectory properties such as ``v_auto_load`` ...).
    An unknown keyword raises ``ValueError`` naming it.
    """

    def __init__(self, trajectory: Any = "trajectory", *args: Any, **kwargs: Any) -> None:
        settings, rest = split_kwargs({**positional_settings((trajectory, *args)), **kwargs})
        if "config" in rest:
            raise NotImplementedError("config= (ini-file configuration) is not available yet.")
        self._settings = settings
        self._timestamp = time.time()
        if isinstance(settings.trajectory, str):
            self._traj = Trajectory(settings.trajectory, add_time=settings.add_time,
                                    comment=settings.comment,
                                    dynamic_imports=settings.dynamic_imports,
                                    wildcard_functions=settings.wildcard_functions)
            self._timestamp = self._traj.v_timestamp
        elif isinstance(settings.trajectory, Trajectory):
            self._traj = settings.trajectory
        else:
            raise TypeError(
                f"trajectory must be a name or a Trajectory, not {settings.trajectory!r}."
            )
        traj = self._traj
        self._time = format_time(self._timestamp)
        self._hexsha = hashlib.sha1(
            f"{traj.v_name}{traj.v_timestamp}{self._timestamp}{__version__}".encode()
        ).hexdigest()
        self._name = f"environment_{self._hexsha[:7]}_{self._time}"
        self._logging = LoggingSetup(settings.log_config, settings.log_stdout,
                                     settings.log_folder, settings.logger_names,
                                     settings.log_levels, self._name, traj.v_name)
        self._logging.enable()
        rest = self._apply_trajectory_properties(rest)
        self._attach_storage(rest)
        traj._environment_hexsha = self._hexsha
        traj._environment_name = self._name
        self._current_idx = 0
        self._postproc: Call | None = None
        self._add_config()
        _log.info("Environment %s created for trajectory %s.", self._name, traj.v_name)

    # --- construction helpers -------------------------------------------------------------
    def _apply_trajectory_properties(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        rest = {}
        for key, value in kwargs.items():
            name = key if key.startswith("v_") else "v_" + key
            if hasattr(Trajectory, name) and not callable(getattr(Trajectory, name)):
                self._traj.f_set_properties(**{name: value})
            else:
                rest[key] = value
        return rest

    def _attach_storage(self, kwargs: dict[str, Any]) -> None:
        traj, settings = self._traj, self._settings
        if settings.lazy_debug and "pydevd" in sys.modules:
            from pypet.storage.null import LazyStorageService

            traj.v_storage_service = LazyStorageService()
            kwargs = {}
        if traj.v_storage_service is None:
            service, kwargs = make_service(settings.storage_service or True, trajectory=traj,
                                           **kwargs)
            traj.v_storage_service = service
        if kwargs:
            from pypet.storage.hdf5.settings import HDF5Settings

            storage_words = {"filename", "file_title", "overwrite_file",
                             *HDF5Settings.field_names()}
            if traj.v_storage_service is not None and storage_words & set(kwargs):
                raise ValueError(
                    f"The trajectory already has a storage service, so the storage keywords "
                    f"{sorted(kwargs)} cannot be used; set them on its service instead."
                )
            raise ValueError(
                f"Unknown keyword arguments for the Environment: {sorted(kwargs)}. Check the "
                "spelling (storage keywords and trajectory properties are accepted too)."
            )

    def _add_config(self) -> None:
        """Record this environment's settings under ``config.environment.<name>``."""
        from pypet.provenance.versions import versions

        traj, settings = self._traj, self._settings
        prefix = f"config.environment.{self._name}"
        entries: dict[str, Any] = {}
        if settings.do_single_runs:
            entries.update(_multiproc_config(settings))
        entries.update({"trajectory.name": traj.v_name,
                        "trajectory.timestamp": traj.v_timestamp,
                        "timestamp": self._timestamp, "hexsha": self._hexsha,
                        "automatic_storing": settings.automatic_storing})
        main = sys.modules.get("__main__")
        script = getattr(main, "__file__", None)
        if script:
            entries["script"] = str(script)
        for name, version in versions().items():
            entries[f"versions.{name}"] = version
        if not traj.f_contains("config.environment", shortcuts=False):
            traj.f_add_config_group("environment",
                                    comment="Settings for the different environments that ran "
                                            "this trajectory")
        for name, value in entries.items():
            traj.f_add_config(f"{prefix}.{name}", value).f_lock()

    # --- pypet's names --------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith(("f_", "v_")):
            plain = name[2:]
            return getattr(self, _OLD_NAMES.get(plain, plain))
        raise AttributeError(f"'Environment' object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("v_") and isinstance(getattr(type(self), name[2:], None), property):
            name = name[2:]  # env.v_current_idx = 0 sets current_idx, as in pypet
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<Environment {self._name} for Trajectory {self._traj.v_name}>"

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.disable_logging()

    @property
    def trajectory(self) -> Trajectory:
        """The trajectory this environment runs."""
        return self._traj

    traj = trajectory

    @property
    def current_idx(self) -> int:
        """The next run index to try (runs below it that are completed are skipped)."""
        return self._current_idx

    @current_idx.setter
    def current_idx(self, idx: int) -> None:
        self._current_idx = int(idx)

    @property
    def hexsha(self) -> str:
        """SHA-1 id of this environment."""
        return self._hexsha

    @property
    def name(self) -> str:
        """``environment_<hex7>_<time>``."""
        return self._name

    @property
    def time(self) -> str:
        """Creation time, formatted."""
        return self._time

    @property
    def timestamp(self) -> float:
        """Creation time (POSIX)."""
        return self._timestamp

    def disable_logging(self, remove_all_handlers: bool = True) -> None:
        """Undo this environment's logging setup (only what it added) and stdout capture."""
        self._logging.disable()

    # --- running ------------------------------------------------------------------------------------
    def run(self, runfunc: Callable[..., Any], *args: Any, only_failed: bool = False,
            **kwargs: Any) -> list[tuple[int, Any]]:
        """Call ``runfunc(traj, *args, **kwargs)`` for every run not yet completed.

        Returns ``[(run index, return value), ...]`` sorted by index. If a run raises, the
        error propagates (with a note naming the run) after every run finished before it
        was stored and marked completed; with ``on_error='continue'`` the failure is
        recorded in the run table instead and the other runs go on. ``only_failed=True``
        runs only the runs that failed before. A registered post-processing function runs
        after the runs and may add points, which are then run too.
        """
        return self._start(Call(runfunc, args, kwargs), mapped=False, only_failed=only_failed)

    def run_map(self, runfunc: Callable[..., Any], *iter_args: Iterable,
                **iter_kwargs: Iterable) -> list[tuple[int, Any]]:
        """Like :meth:`run`, with the k-th value of every iterable passed to the k-th run."""
        if not iter_args and not iter_kwargs:
            raise ValueError("run_map needs at least one iterable of arguments.")
        return self._start(Call(runfunc, iter_args, iter_kwargs), mapped=True)

    def pipeline(self, pipeline: Callable[..., Any]) -> list[tuple[int, Any]] | None:
        """``pipeline(traj)`` builds the trajectory and returns what to run (see
        :mod:`pypet.execution.postproc`); returns what :meth:`run` returns."""
        return self._pipeline(pipeline, mapped=False)

    def pipeline_map(self, pipeline: Callable[..., Any]) -> list[tuple[int, Any]] | None:
        """Like :meth:`pipeline`; the run arguments are iterables as in :meth:`run_map`."""
        return self._pipeline(pipeline, mapped=True)

    def add_postprocessing(self, postproc: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Register ``postproc(traj, results, *args, **kwargs)``, called after the runs.

        It may return a dict of points (or a tuple ``(points, run_args, run_kwargs,
        postproc_args, postproc_kwargs)``) to expand the trajectory; the new runs execute
        and it is called again, until it adds nothing (adaptive searches).
        """
        if not callable(postproc):
            raise TypeError(f"The post-processing function must be callable, got {postproc!r}.")
        self._postproc = Call(postproc, args, kwargs)

    def resume(self, trajectory_name: str | None = None, resume_folder: str | None = None,
               continue_folder: str | None = None) -> list[tuple[int, Any]]:
        """Resume a crashed (or stopped, or partly failed) resumable experiment.

        ``trajectory_name`` defaults to this environment's trajectory name and
        ``resume_folder`` to its ``resume_folder`` setting (pypet's ``continue_folder``
        is accepted). The trajectory, run function, arguments and post-processing come from
        the experiment's snapshot; this environment's other settings (``ncores``, runner,
        wrap mode ...) may differ from the crashed one's. Finished runs are not run again;
        runs that were in flight, never started or failed are. Returns what :meth:`run`
        returns, for every run of the experiment.
        """
        import dataclasses

        from pypet.execution.resume_folder import ResumeFolder
        from pypet.execution.run_args import RunArgs

        if continue_folder is not None:
            if resume_folder is not None:
                raise ValueError("Pass either resume_folder or continue_folder (old name).")
            warnings.warn("resume: the keyword 'continue_folder' is deprecated; use "
                          "'resume_folder'.", DeprecationWarning, stacklevel=2)
            resume_folder = continue_folder
        settings = self._settings
        name = trajectory_name if trajectory_name is not None else self._traj.v_name
        folder = ResumeFolder(resume_folder if resume_folder is not None
                              else settings.resume_folder, name, settings.resume_fsync)
        snapshot = folder.read_snapshot()
        traj = snapshot.trajectory
        self._traj = traj
        traj._environment_hexsha = self._hexsha
        traj._environment_name = self._name
        self._add_config()
        self._settings = dataclasses.replace(settings, resumable=True,
                                             resume_folder=str(folder.base))
        try:
            run = snapshot.run
            args = RunArgs(snapshot.run_args, snapshot.run_kwargs, False)
            return self._execute(run, args, snapshot.postproc, resume=snapshot)
        finally:
            self._settings = settings

    def _pipeline(self, pipeline: Callable[..., Any],
                  mapped: bool) -> list[tuple[int, Any]] | None:
        run, postproc = parse_pipeline(pipeline(self._traj))
        if run is None and self._settings.do_single_runs:
            raise ValueError(
                "The pipeline returned no run function; return one, or create the Environment "
                "with do_single_runs=False for analysis-only pipelines."
            )
        if postproc is not None:
            self._postproc = postproc
        return self._start(run, mapped)

    def _start(self, run: Call | None, mapped: bool,
               only_failed: bool = False) -> list[tuple[int, Any]]:
        if run is not None and not callable(run.func):
            raise TypeError(f"The run function must be callable, got {run.func!r}.")
        if mapped and self._settings.resumable:
            raise ValueError(
                "run_map/pipeline_map cannot be combined with resumable=True (as in pypet): "
                "which value goes to which run depends on the order runs start in. Pass the "
                "values as an explored parameter instead."
            )
        from pypet.execution.run_args import RunArgs

        args = RunArgs(run.args, run.kwargs, mapped) if run is not None else RunArgs((), {}, False)
        return self._execute(run, args, self._postproc, only_failed=only_failed)

    def _execute(self, run: Call | None, args: Any, postproc: Call | None,
                 only_failed: bool = False, resume: Any = None) -> list[tuple[int, Any]]:
        """The one place every run/pipeline/resume goes through (provenance wraps it)."""
        from pypet.execution.experiment import ExperimentPlan, run_experiment

        plan = ExperimentPlan(self._traj, self._settings, self._hexsha, self._name,
                              start_idx=self._current_idx, only_failed=only_failed,
                              resume=resume)
        results, self._current_idx = run_experiment(plan, run, args, postproc)
        return results
