"""The Environment: runs a function over every point of a trajectory and stores the results.

This is the composition root: settings → logging → trajectory → storage → provenance →
runner. It only delegates: keywords to :mod:`.keywords`, git and Sumatra to
:mod:`.recording`, config entries to :mod:`.config_entries`, dry runs to :mod:`.dry_run`,
resume set-up to :mod:`.resuming`, and every run to
:func:`pypet.execution.experiment.run_experiment` through one
:class:`~pypet.execution.experiment.ExperimentPlan`. The Environment is not a tree; its API
uses plain names (``run``, ``trajectory``) and accepts pypet's ``f_``/``v_`` spellings
(``env.f_run``, ``env.v_trajectory``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from pypet.environment import config_entries, keywords, recording
from pypet.execution.postproc import Call, parse_pipeline
from pypet.log.setup import LoggingSetup
from pypet.provenance.git import open_repository
from pypet.settings.environment import positional_settings, split_kwargs
from pypet.settings.ini import read_experiment
from pypet.settings.options import EnvironmentSettings
from pypet.trajectory import Trajectory
from pypet.trajectory.naming import make_unique
from pypet.trajectory.run_table import format_time

__all__ = ["Environment"]

_log = logging.getLogger("pypet.environment")
#: old method names of the Environment → current ones (pypet's f_/v_ prefixes are stripped)
_OLD_NAMES = {"continue": "resume", "add_postproc": "add_postprocessing"}
_NOT_GIVEN: Any = object()  # no trajectory argument: the default name, or the ini file's

Results = list[tuple[int, Any]]


class Environment:
    """Runs ``func(traj, *args, **kwargs)`` for every run of a trajectory.

    Takes pypet 0.7's keywords (``trajectory``, ``filename``, ``comment``, ``add_time``,
    ``automatic_storing``, ``clean_up_runs``, ``report_progress``, ``log_config``, storage
    keywords such as ``complevel``, trajectory properties such as ``v_auto_load`` ...).
    Every keyword is checked when the Environment is created; an unknown or malformed one
    raises an error naming it and what to pass instead.

    Two keywords of ours: ``if_exists='extend'`` continues the study stored under the same
    name (the script's new points are added, stored ones skipped, only runs not completed
    run); ``dry_run=True`` (or ``'print'``) makes ``run`` return the table of runs that would
    run without computing or writing anything. See ``doc/studies.md``.
    """

    def __init__(self, trajectory: str | Trajectory = _NOT_GIVEN, *args: Any,
                 **kwargs: Any) -> None:
        if trajectory is not _NOT_GIVEN:
            kwargs = {**positional_settings((trajectory, *args)), **kwargs}
        ini = None
        if "config" in kwargs:
            ini = read_experiment(kwargs.pop("config"))
            kwargs = keywords.with_ini_keywords(ini, kwargs)
        settings, rest = split_kwargs(kwargs)
        self._settings = settings
        provenance = settings.provenance
        # Wrong paths fail here, before anything is created, committed or written.
        repo = open_repository(provenance.git_repository) \
            if provenance.git_repository is not None else None
        self._sumatra = recording.SumatraRun(recording.open_sumatra(provenance),
                                             provenance.sumatra_reason, settings.run)
        self._traj = traj = self._make_trajectory(settings)
        self._timestamp = traj.v_timestamp if isinstance(settings.trajectory.trajectory, str) \
            else time.time()
        # a dry run writes nothing: the file is not deleted, the plan ignores it instead
        self._ignore_file = bool(settings.study.dry_run and rest.pop("overwrite_file", False))
        rest = keywords.apply_trajectory_properties(traj, rest)
        keywords.attach_storage(traj, settings, rest, ini)
        make_unique(traj)  # add_time names: unique within the file, known before logging
        self._time = format_time(self._timestamp)
        self._commit = recording.commit_code(repo, provenance, traj) if repo else None
        self._hexsha = recording.environment_hexsha(traj, self._timestamp, self._commit)
        self._name = f"environment_{self._hexsha[:7]}_{self._time}"
        log = settings.logging
        self._logging = LoggingSetup(log.log_config, log.log_stdout, log.log_folder,
                                     log.logger_names, log.log_levels, log.log_multiproc,
                                     self._name, traj.v_name)
        self._logging.enable()
        try:
            if self._commit is not None:
                recording.log_commit(self._commit, repo)
            self._current_idx = 0
            self._postproc: Call | None = None
            self._adopt(traj)
            if ini is not None:
                ini.add_items(traj)
        except BaseException:
            self._logging.disable()  # a failed construction leaves logging as it was
            raise
        _log.info("Environment %s created for trajectory %s.", self._name, traj.v_name)

    @staticmethod
    def _make_trajectory(settings: EnvironmentSettings) -> Trajectory:
        given = settings.trajectory
        if isinstance(given.trajectory, str):
            return Trajectory(given.trajectory, add_time=given.add_time, comment=given.comment,
                              dynamic_imports=given.dynamic_imports,
                              wildcard_functions=given.wildcard_functions)
        if isinstance(given.trajectory, Trajectory):
            return given.trajectory
        raise TypeError(
            f"trajectory must be a name or a Trajectory, not {given.trajectory!r}."
        )

    def _adopt(self, traj: Trajectory) -> None:
        """Make ``traj`` this environment's: its runs carry our name and hexsha, and our
        settings go into its config."""
        traj._environment_hexsha = self._hexsha
        traj._environment_name = self._name
        config_entries.add_config(traj, self._settings, self._name, self._timestamp,
                                  self._hexsha, self._commit)

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
    def settings(self) -> EnvironmentSettings:
        """The validated keywords, grouped (frozen: create a new Environment to change them)."""
        return self._settings

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

    # --- running -------------------------------------------------------------------------------
    def run(self, runfunc: Callable[..., Any], *args: Any, only_failed: bool = False,
            **kwargs: Any) -> Results:
        """Call ``runfunc(traj, *args, **kwargs)`` for every run not yet completed.

        With ``dry_run=True`` nothing runs and nothing is written: the table of runs that
        would run (explored values, ``point_hash``, ``state``) is returned instead (see
        ``doc/studies.md``). Otherwise returns ``[(run index, return value), ...]`` sorted by
        index. If a run raises, the error propagates (with a note naming the run) after
        every run finished before it was stored and marked completed; with
        ``on_error='continue'`` the failure is recorded in the run table instead and the
        other runs go on. ``only_failed=True`` runs only the runs that failed before. A
        registered post-processing function runs after the runs and may add points, which
        are then run too.
        """
        return self._start(Call(runfunc, args, kwargs), mapped=False, only_failed=only_failed)

    def run_map(self, runfunc: Callable[..., Any], *iter_args: Iterable,
                **iter_kwargs: Iterable) -> Results:
        """Like :meth:`run`, with the k-th value of every iterable passed to the k-th run."""
        if not iter_args and not iter_kwargs:
            raise ValueError("run_map needs at least one iterable of arguments.")
        return self._start(Call(runfunc, iter_args, iter_kwargs), mapped=True)

    def pipeline(self, pipeline: Callable[..., Any]) -> Results | None:
        """``pipeline(traj)`` builds the trajectory and returns what to run (see
        :mod:`pypet.execution.postproc`); returns what :meth:`run` returns."""
        return self._pipeline(pipeline, mapped=False)

    def pipeline_map(self, pipeline: Callable[..., Any]) -> Results | None:
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
               continue_folder: str | None = None) -> Results:
        """Resume a crashed (or stopped, or partly failed) resumable experiment.

        ``trajectory_name`` defaults to this environment's trajectory name and
        ``resume_folder`` to its ``resume_folder`` setting (pypet's ``continue_folder``
        is accepted). The trajectory, run function, arguments and post-processing come from
        the experiment's snapshot; this environment's other settings (``ncores``, runner,
        wrap mode ...) may differ from the crashed one's. Finished runs are not run again;
        runs that were in flight, never started or failed are. Returns what :meth:`run`
        returns, for every run of the experiment.
        """
        from pypet.environment.resuming import open_snapshot, resume_folder_argument
        from pypet.execution.run_args import RunArgs

        folder = resume_folder_argument(resume_folder, continue_folder)
        name = trajectory_name if trajectory_name is not None else self._traj.v_name
        snapshot, settings = open_snapshot(self._settings, name, folder)
        self._traj = snapshot.trajectory
        self._adopt(self._traj)
        args = RunArgs(snapshot.run_args, snapshot.run_kwargs, False)
        return self._execute(snapshot.run, args, snapshot.postproc, settings, resume=snapshot)

    def _pipeline(self, pipeline: Callable[..., Any], mapped: bool) -> Results | None:
        with self._sumatra.around(lambda: self._traj):  # building the trajectory counts too
            run, postproc = parse_pipeline(pipeline(self._traj))
            if run is None and self._settings.run.do_single_runs:
                raise ValueError(
                    "The pipeline returned no run function; return one, or create the "
                    "Environment with do_single_runs=False for analysis-only pipelines."
                )
            if postproc is not None:
                self._postproc = postproc
            return self._start(run, mapped)

    def _start(self, run: Call | None, mapped: bool, only_failed: bool = False) -> Any:
        if run is not None and not callable(run.func):
            raise TypeError(f"The run function must be callable, got {run.func!r}.")
        settings = self._settings
        if mapped and settings.resume.resumable:
            raise ValueError(
                "run_map/pipeline_map cannot be combined with resumable=True (as in pypet): "
                "which value goes to which run depends on the order runs start in. Pass the "
                "values as an explored parameter instead."
            )
        if settings.study.dry_run:
            from pypet.environment.dry_run import dry_run

            return dry_run(self._traj, settings.study, self._ignore_file)
        if settings.study.if_exists == "extend" and not self._traj._stored:
            from pypet.trajectory.study import extend_from_storage

            extend_from_storage(self._traj)
        from pypet.execution.run_args import RunArgs

        args = RunArgs(run.args, run.kwargs, mapped) if run is not None else RunArgs((), {}, False)
        return self._execute(run, args, self._postproc, settings, only_failed=only_failed)

    def _execute(self, run: Call | None, args: Any, postproc: Call | None,
                 settings: EnvironmentSettings, only_failed: bool = False,
                 resume: Any = None) -> Results:
        """The one place every run/pipeline/resume goes through (with its Sumatra record)."""
        from pypet.execution.experiment import ExperimentPlan, run_experiment

        plan = ExperimentPlan(self._traj, settings, self._hexsha, self._name,
                              start_idx=self._current_idx, only_failed=only_failed,
                              resume=resume)
        with self._sumatra.around(lambda: self._traj):
            results, self._current_idx = run_experiment(plan, run, args, postproc)
        return results
