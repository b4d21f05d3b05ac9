"""The Environment's settings as frozen option objects, one per concern.

:func:`pypet.settings.environment.split_kwargs` validates pypet's flat keywords once and
builds these; nothing changes them afterwards (``dataclasses.replace`` makes a changed
copy, as resuming does). Each part of the library takes only the group it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "EnvironmentSettings",
    "LoggingSettings",
    "ParallelSettings",
    "ProvenanceSettings",
    "ResumeSettings",
    "RunSettings",
    "StorageSettings",
    "StudySettings",
    "TrajectorySettings",
]


@dataclass(frozen=True, slots=True)
class TrajectorySettings:
    """The trajectory an Environment creates (or the one it is given)."""

    trajectory: Any = "trajectory"  #: a name, or a Trajectory to use as it is
    add_time: bool = False
    comment: str = ""
    dynamic_imports: Any = None
    wildcard_functions: Any = None


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How each run behaves and what happens around it."""

    automatic_storing: bool = True
    clean_up_runs: bool = True
    #: ``(step in percent, logger name or 'print', level)``; None: no progress reports
    report_progress: tuple[float, str, int] | None = (5.0, "pypet", 20)
    do_single_runs: bool = True
    on_error: str = "raise"  #: 'raise' or 'continue'
    graceful_exit: bool = False
    lazy_debug: bool = False


@dataclass(frozen=True, slots=True)
class ParallelSettings:
    """Where runs execute: serially, in a pool, one process per run, or on an executor."""

    multiproc: bool = False
    ncores: int = 1  #: the number of CPUs when ``ncores=0`` was given
    #: a pool of ``ncores`` workers (True) or one process per run (False); when not given,
    #: chosen from the other settings (see :attr:`pool_chosen`)
    use_pool: bool = False
    freeze_input: bool = False
    timeout: float | None = None
    cpu_cap: float = 100.0
    memory_cap: tuple[float, float] = (100.0, 0.0)  #: (percent, MB per process)
    swap_cap: float = 100.0
    niceness: int | None = None
    wrap_mode: str = "LOCK"  #: upper case; 'NONE' for None
    queue_maxsize: int = -1
    gc_interval: int | None = None
    executor: Any = None
    immediate_postproc: bool = False
    #: how often a run whose process died (SIGKILL, OOM kill, segfault) runs again on a new
    #: process before it is recorded as failed (a run that raises is not retried)
    max_retries: int = 2
    #: ``use_pool`` was not given and the pool was chosen: if the run function or its
    #: arguments do not pickle, the runs get one process each instead (decision 0014)
    pool_chosen: bool = False

    @property
    def parallel(self) -> bool:
        """Whether runs leave the main process (multiproc or an executor)."""
        return self.multiproc or self.executor is not None

    @property
    def capped(self) -> bool:
        """Whether a CPU, memory or swap cap is set."""
        return self.cpu_cap < 100 or self.memory_cap[0] < 100 or self.swap_cap < 100


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """The storage service chosen by keyword (the HDF5 keywords go to its factory)."""

    storage_service: Any = None


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    """pypet's logging keywords (see ``doc/logging.md``)."""

    log_config: Any = None  #: the not-given marker, None, a file, a dict or 'DEFAULT'
    log_stdout: Any = False
    log_folder: str | None = None
    logger_names: Any = None
    log_levels: Any = None
    log_multiproc: bool | None = None


@dataclass(frozen=True, slots=True)
class ProvenanceSettings:
    """git and Sumatra records of an experiment."""

    git_repository: str | None = None
    git_message: str = ""
    git_fail: bool = False
    sumatra_project: str | None = None
    sumatra_reason: str = ""
    sumatra_label: str | None = None


@dataclass(frozen=True, slots=True)
class ResumeSettings:
    """Crash-proof experiments: the journal and snapshot in the resume folder."""

    resumable: bool = False
    resume_folder: str | None = None
    delete_resume: bool = True
    resume_fsync: str = "batch"  #: 'always', 'batch' or 'never'


@dataclass(frozen=True, slots=True)
class StudySettings:
    """Re-running a script to extend its study, and dry runs (``doc/studies.md``)."""

    if_exists: str = "fail"  #: 'fail' or 'extend'
    dry_run: bool | str = False  #: False, True or 'print'


@dataclass(frozen=True, slots=True)
class EnvironmentSettings:
    """Every Environment keyword, validated, grouped by concern."""

    trajectory: TrajectorySettings = TrajectorySettings()
    run: RunSettings = RunSettings()
    parallel: ParallelSettings = ParallelSettings()
    storage: StorageSettings = StorageSettings()
    logging: LoggingSettings = LoggingSettings()
    provenance: ProvenanceSettings = ProvenanceSettings()
    resume: ResumeSettings = ResumeSettings()
    study: StudySettings = StudySettings()
