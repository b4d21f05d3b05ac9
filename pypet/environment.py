"""The Environment: runs a function over every point of a trajectory and stores the results.

This is the composition root: settings → logging → trajectory → storage → provenance →
runner. The Environment is not a tree; its API uses plain names (``run``, ``trajectory``)
and accepts pypet's ``f_``/``v_`` spellings (``env.f_run``, ``env.v_trajectory``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pypet._version import __version__
from pypet.execution.postproc import Call, parse_pipeline
from pypet.log.setup import LoggingSetup
from pypet.provenance.git import commit_config, open_repository
from pypet.settings.environment import positional_settings, split_kwargs
from pypet.settings.ini import read_experiment
from pypet.storage.factory import make_service
from pypet.trajectory import Trajectory
from pypet.trajectory.deprecations import ENVIRONMENT_KWARGS, rename_deprecated
from pypet.trajectory.naming import make_unique
from pypet.trajectory.run_table import format_time

__all__ = ["Environment"]

_log = logging.getLogger("pypet.environment")
#: old method names of the Environment → current ones (pypet's f_/v_ prefixes are stripped)
_OLD_NAMES = {"continue": "resume", "add_postproc": "add_postprocessing"}
#: the keywords of pypet's simple logging (an ini file's logging sections are then unused)
_SIMPLE_LOGGING = ("log_folder", "logger_names", "log_levels", "log_level", "log_multiproc")
_NOT_GIVEN: Any = object()  # no trajectory argument: the default name, or the ini file's


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

    Two keywords of ours: ``if_exists='extend'`` continues the study stored under the same
    name (the script's new points are added, stored ones skipped, only runs not completed
    run); ``dry_run=True`` (or ``'print'``) makes ``run`` return the table of runs that would
    run without computing or writing anything. See ``doc/studies.md``.
    """

    def __init__(self, trajectory: Any = _NOT_GIVEN, *args: Any, **kwargs: Any) -> None:
        if trajectory is not _NOT_GIVEN:
            kwargs = {**positional_settings((trajectory, *args)), **kwargs}
        self._ini = None
        if "config" in kwargs:
            self._ini = read_experiment(kwargs.pop("config"))
            kwargs = self._with_ini_keywords(kwargs)
        settings, rest = split_kwargs(kwargs)
        self._settings = settings
        # Wrong paths fail here, before anything is created, committed or written.
        repo = open_repository(settings.git_repository) \
            if settings.git_repository is not None else None
        self._sumatra = self._sumatra_record(settings)
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
        # a dry run writes nothing: the file is not deleted, the plan ignores it instead
        self._ignore_file = bool(settings.dry_run and rest.pop("overwrite_file", False))
        rest = self._apply_trajectory_properties(rest)
        self._attach_storage(rest)
        make_unique(traj)  # add_time names: unique within the file, known before logging
        self._time = format_time(self._timestamp)
        self._commit = None
        if repo is not None:
            from pypet.provenance.git import commit_message, record_commit

            self._commit = record_commit(
                repo, commit_message(settings.git_message, traj.v_name, traj.v_time,
                                     traj.v_comment), settings.git_fail)
        if self._commit is not None and self._commit.new_commit:
            self._hexsha = self._commit.hexsha  # as pypet: only a commit made here
        else:
            self._hexsha = hashlib.sha1(
                f"{traj.v_name}{traj.v_timestamp}{self._timestamp}{__version__}".encode()
            ).hexdigest()
        self._name = f"environment_{self._hexsha[:7]}_{self._time}"
        self._logging = LoggingSetup(settings.log_config, settings.log_stdout,
                                     settings.log_folder, settings.logger_names,
                                     settings.log_levels, settings.log_multiproc,
                                     self._name, traj.v_name)
        self._logging.enable()
        try:
            if self._commit is not None:
                _log.info("%s git commit %s in %s.", "Made a NEW" if self._commit.new_commit
                          else "No changes; recorded the PREVIOUS", self._commit.hexsha,
                          repo.working_tree_dir)
            traj._environment_hexsha = self._hexsha
            traj._environment_name = self._name
            self._current_idx = 0
            self._postproc: Call | None = None
            self._recording = False
            self._add_config()
            if self._ini is not None:
                self._ini.add_items(traj)
        except BaseException:
            self._logging.disable()  # a failed construction leaves logging as it was
            raise
        _log.info("Environment %s created for trajectory %s.", self._name, traj.v_name)

    # --- construction helpers -------------------------------------------------------------
    def _with_ini_keywords(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The keywords with the ini file's added (keywords passed here win, as in pypet);
        its logging sections become ``log_config`` if nothing else configures logging."""
        ini = self._ini
        # Old names in the file are renamed with a warning that names the file; the warning
        # points at the user's Environment(...) line (rename <- here <- __init__ <- user).
        keywords = rename_deprecated(ini.keywords, ENVIRONMENT_KWARGS,
                                     f"config file {ini.origin}", stacklevel=4)
        for old, new in ENVIRONMENT_KWARGS.items():
            if new is not None and old in ini.sections_of:
                ini.sections_of[new] = ini.sections_of[old]
        merged = {**keywords, **kwargs}
        if ini.logging is not None and "log_config" not in merged and \
                not any(key in merged for key in _SIMPLE_LOGGING):
            merged["log_config"] = ini.logging
        return merged

    @staticmethod
    def _sumatra_record(settings: Any) -> Any:
        """The Sumatra record keeper, checked now (project, main script) so that a wrong
        setting fails before anything runs."""
        if settings.sumatra_project is None:
            return None
        from pypet.provenance.sumatra import SumatraRecord, main_script, open_project

        open_project(settings.sumatra_project)
        main_script()
        return SumatraRecord(str(settings.sumatra_project), settings.sumatra_reason,
                             settings.sumatra_label)

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
            hint = " (psweep's simulate is dry_run=True here)" if "simulate" in kwargs else ""
            where = "".join(f" ({key} from {self._ini.where(key)})" for key in sorted(kwargs)
                            if self._ini is not None and key in self._ini.sections_of)
            raise ValueError(
                f"Unknown keyword arguments for the Environment: {sorted(kwargs)}{where}{hint}. "
                "Check "
                "the spelling (storage keywords and trajectory properties are accepted too)."
            )

    def _add_config(self) -> None:
        """Record this environment's settings under ``config.environment.<name>`` (and the
        git commit under ``config.git``)."""
        from pypet.provenance.versions import host_and_user, versions

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
        entries["host"], entries["user"] = host_and_user()
        for name, version in versions().items():
            entries[f"versions.{name}"] = version
        if not traj.f_contains("config.environment", shortcuts=False):
            traj.f_add_config_group("environment",
                                    comment="Settings for the different environments that ran "
                                            "this trajectory")
        for name, value in entries.items():
            traj.f_add_config(f"{prefix}.{name}", value).f_lock()
        if self._commit is not None:
            group, commit_entries = commit_config(self._commit)
            if not traj.f_contains(f"config.git.{group}", shortcuts=False):
                for name, (value, comment) in commit_entries.items():
                    traj.f_add_config(f"git.{group}.{name}", value, comment=comment).f_lock()

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
        """End stdout capture and remove the handlers this environment added (and only those;
        other logging stays). ``remove_all_handlers=False`` keeps the handlers."""
        self._logging.disable(remove_handlers=remove_all_handlers)

    # --- running ------------------------------------------------------------------------------------
    def run(self, runfunc: Callable[..., Any], *args: Any, only_failed: bool = False,
            **kwargs: Any) -> list[tuple[int, Any]]:
        """Call ``runfunc(traj, *args, **kwargs)`` for every run not yet completed.

        With ``dry_run=True`` nothing runs and nothing is written: the table of runs that
        would run (explored values, ``point_hash``, ``state``) is returned instead (see
        ``doc/studies.md``). Otherwise returns ``[(run index, return value), ...]`` sorted by
        index. If a run raises, the
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

    def _dry_run(self) -> Any:
        """The table of runs that would run (see ``dry_run``); nothing runs, nothing is written."""
        from pypet.trajectory.study import plan_runs

        traj = self._traj
        traj._prepare_experiment()  # the same checks as a real run (unused presets, ...)
        plan = plan_runs(traj, extend=self._settings.if_exists == "extend",
                         ignore_file=self._ignore_file or traj._stored)
        frame = plan.to_frame()
        if self._settings.dry_run == "print":
            print(f"Dry run of {traj.v_name}: {len(frame)} runs would run "
                  f"({plan.skipped} points of the exploration are stored already).")
            print(frame.to_string())
        _log.info("Dry run of %s: %d runs would run.", traj.v_name, len(frame))
        return frame

    def _pipeline(self, pipeline: Callable[..., Any],
                  mapped: bool) -> list[tuple[int, Any]] | None:
        with self._recorded():  # building the trajectory is part of the experiment
            return self._pipeline_inner(pipeline, mapped)

    def _pipeline_inner(self, pipeline: Callable[..., Any],
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

    def _start(self, run: Call | None, mapped: bool, only_failed: bool = False) -> Any:
        if run is not None and not callable(run.func):
            raise TypeError(f"The run function must be callable, got {run.func!r}.")
        if mapped and self._settings.resumable:
            raise ValueError(
                "run_map/pipeline_map cannot be combined with resumable=True (as in pypet): "
                "which value goes to which run depends on the order runs start in. Pass the "
                "values as an explored parameter instead."
            )
        if self._settings.dry_run:
            return self._dry_run()
        if self._settings.if_exists == "extend" and not self._traj._stored:
            from pypet.trajectory.study import extend_from_storage

            extend_from_storage(self._traj)
        from pypet.execution.run_args import RunArgs

        args = RunArgs(run.args, run.kwargs, mapped) if run is not None else RunArgs((), {}, False)
        return self._execute(run, args, self._postproc, only_failed=only_failed)

    def _execute(self, run: Call | None, args: Any, postproc: Call | None,
                 only_failed: bool = False, resume: Any = None) -> list[tuple[int, Any]]:
        """The one place every run/pipeline/resume goes through (with its Sumatra record)."""
        from pypet.execution.experiment import ExperimentPlan, run_experiment

        plan = ExperimentPlan(self._traj, self._settings, self._hexsha, self._name,
                              start_idx=self._current_idx, only_failed=only_failed,
                              resume=resume)
        with self._recorded():
            results, self._current_idx = run_experiment(plan, run, args, postproc)
        return results

    @contextlib.contextmanager
    def _recorded(self) -> Iterator[None]:
        """A Sumatra record around one run/pipeline/resume (nested calls share it)."""
        if self._sumatra is None or self._recording:
            yield
            return
        self._recording = True
        label = self._sumatra.start()
        try:
            yield
        except BaseException as error:
            self._recording = False
            try:
                self._finish_sumatra(label, error)
            except Exception as other:  # the experiment's error is the one to see
                error.add_note(f"pypet: completing the Sumatra record {label} failed too: "
                               f"{other!r}")
            raise
        self._recording = False
        self._finish_sumatra(label, None)

    def _finish_sumatra(self, label: str, error: BaseException | None) -> None:
        """Record ``config.sumatra.record_<label>`` and complete the Sumatra record."""
        from pypet.provenance.sumatra import reason_text

        traj = self._traj
        if error is None:
            status = "finished"
            outcome = (f"{len(traj)} runs, all completed" if traj.f_is_completed()
                       else f"{len(traj)} runs, not all completed")
        else:
            status = "killed" if isinstance(error, KeyboardInterrupt) else "failed"
            outcome = f"{status}: {error!r}"
        group = f"sumatra.record_{label}"
        reason = reason_text(self._settings.sumatra_reason, traj)  # the pipeline is built now
        items = []
        for name, value, comment in (("label", label, "label of the Sumatra record"),
                                     ("reason", reason, "reason given in the Sumatra record")):
            if not traj.f_contains(f"config.{group}.{name}", shortcuts=False):
                items.append(traj.f_add_config(f"{group}.{name}", value, comment=comment))
        service = traj.v_storage_service
        if items and self._settings.automatic_storing and service is not None:
            try:
                traj.f_store_items(items)
            except Exception as other:
                if error is None:
                    raise
                # the experiment's error is the one to see; the record is completed below
                error.add_note(f"pypet: storing config.{group} failed too: {other!r}")
        # last: the record holds the digest of the file as it is now
        filename = getattr(service, "filename", None)
        self._sumatra.finish(traj, reason, outcome, status, [filename] if filename else [])
