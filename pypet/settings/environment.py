"""The Environment's keywords: defaults, validation and what is not available yet.

pypet's constructor takes ~40 keywords; they are declared once here as a dataclass, checked
in one place, and recorded in the trajectory's config by the Environment.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from dataclasses import dataclass
from typing import Any

from pypet import constants as C
from pypet.trajectory.deprecations import ENVIRONMENT_KWARGS, rename_deprecated

__all__ = ["LOG_CONFIG_NOT_GIVEN", "EnvironmentSettings", "positional_settings", "split_kwargs"]

_DEFAULT_PROGRESS = (5, "pypet", logging.INFO)
#: a Sumatra label becomes part of a config name (``config.sumatra.record_<label>``)
_SUMATRA_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


class _NotGiven:
    """``log_config`` left out: the library default (only a console handler on ``pypet``),
    which differs from an explicit ``log_config='DEFAULT'`` (pypet's log files)."""

    _instance: _NotGiven | None = None

    def __new__(cls) -> _NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<log_config not given>"

    def __reduce__(self) -> str:
        return "LOG_CONFIG_NOT_GIVEN"


LOG_CONFIG_NOT_GIVEN = _NotGiven()


@dataclass
class EnvironmentSettings:
    """All Environment keywords except the trajectory, storage and trajectory properties."""

    trajectory: Any = "trajectory"
    add_time: bool = False
    comment: str = ""
    dynamic_imports: Any = None
    wildcard_functions: Any = None
    automatic_storing: bool = True
    log_config: Any = LOG_CONFIG_NOT_GIVEN
    log_stdout: Any = False
    report_progress: Any = _DEFAULT_PROGRESS
    multiproc: bool = False
    ncores: int = 1
    use_scoop: bool = False
    use_pool: bool = False
    freeze_input: bool = False
    timeout: float | None = None
    cpu_cap: float = 100.0
    memory_cap: Any = 100.0
    swap_cap: float = 100.0
    niceness: int | None = None
    wrap_mode: str = C.MULTIPROC_MODE_LOCK
    queue_maxsize: int = -1
    port: Any = None
    gc_interval: int | None = None
    clean_up_runs: bool = True
    immediate_postproc: bool = False
    resumable: bool = False
    resume_folder: str | None = None
    delete_resume: bool = True
    storage_service: Any = None
    git_repository: str | None = None
    git_message: str = ""
    git_fail: bool = False
    sumatra_project: str | None = None
    sumatra_reason: str = ""
    sumatra_label: str | None = None
    do_single_runs: bool = True
    graceful_exit: bool = False
    lazy_debug: bool = False
    executor: Any = None
    log_folder: str | None = None
    logger_names: Any = None
    log_levels: Any = None
    log_multiproc: bool | None = None
    #: 'fail' (a stored trajectory of the same name is an error) or 'extend' (continue it)
    if_exists: str = "fail"
    #: True: run() returns the table of runs that would run and computes/writes nothing;
    #: 'print' also prints it
    dry_run: Any = False
    on_error: str = "raise"
    resume_fsync: str = "batch"

    def __post_init__(self) -> None:
        self.report_progress = _normalise_progress(self.report_progress)
        if self.if_exists not in ("fail", "extend"):
            raise ValueError(
                f"if_exists must be 'fail' or 'extend' (continue the stored study), got "
                f"{self.if_exists!r}."
            )
        if self.dry_run not in (False, True, "print"):
            raise ValueError(f"dry_run must be False, True or 'print', got {self.dry_run!r}.")
        if self.if_exists == "extend" and self.add_time:
            raise ValueError(
                "if_exists='extend' continues the study stored under the same name, but "
                "add_time=True gives every run of the script a new name; use one of them."
            )
        self._check_provenance()
        from pypet.settings.multiproc import validate_multiproc

        validate_multiproc(self)
        self._check_resume()

    def _check_resume(self) -> None:
        """Normalise and check ``on_error`` and the resume settings."""
        if self.on_error not in ("raise", "continue"):
            raise ValueError(
                f"on_error must be 'raise' (stop at the first failing run, as pypet) or "
                f"'continue' (record the failure and go on), got {self.on_error!r}."
            )
        fsync = self.resume_fsync.lower() if isinstance(self.resume_fsync, str) else None
        if fsync not in ("always", "batch", "never"):
            raise ValueError(
                f"resume_fsync must be 'always', 'batch' or 'never', got {self.resume_fsync!r}."
            )
        self.resume_fsync = fsync
        if self.resume_folder is not None and not isinstance(self.resume_folder,
                                                             (str, os.PathLike)):
            raise TypeError(f"resume_folder must be a path, got {self.resume_folder!r}.")
        if not self.resumable:
            return
        from pypet._compat import require

        require("dill")  # the snapshot of the run function and its arguments
        if not self.automatic_storing:
            raise ValueError(
                "resumable=True needs automatic_storing=True (as in pypet): the journal "
                "replays what the runs add, which only automatic storing collects."
            )

    def _check_provenance(self) -> None:
        """Types of the git and Sumatra keywords (whether the paths are a repository or a
        project is checked when the Environment opens them)."""
        for name in ("git_repository", "sumatra_project"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (str, os.PathLike)):
                raise TypeError(f"{name} must be a path (str) or None, got {value!r}.")
        for name in ("git_message", "sumatra_reason"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a str, got {getattr(self, name)!r}.")
        label = self.sumatra_label
        if label is not None and (not isinstance(label, str) or not _SUMATRA_LABEL.match(label)):
            raise ValueError(
                f"sumatra_label={label!r}: use letters, digits, '_' and '-' only (no '.'), or "
                "None to let Sumatra choose a timestamp label."
            )

    @classmethod
    def names(cls) -> set[str]:
        """All keyword names this dataclass takes."""
        return {f.name for f in dataclasses.fields(cls)}


def _normalise_progress(value: Any) -> tuple[float, str, int] | None:
    """pypet accepts True, a number, a logger name, a 2- or 3-tuple; normalise to a 3-tuple."""
    if value is False or value is None:
        return None
    if value is True:
        return _DEFAULT_PROGRESS
    if isinstance(value, (int, float)):
        if not 0 < value <= 100:
            raise ValueError(f"report_progress step must be in (0, 100], got {value!r}.")
        return (float(value), "pypet", logging.INFO)
    if isinstance(value, str):
        return (5, value, logging.INFO)
    if isinstance(value, tuple) and 1 <= len(value) <= 3:
        step, logger, level = (*value, *_DEFAULT_PROGRESS[len(value):])
        if not 0 < float(step) <= 100:
            raise ValueError(f"report_progress step must be in (0, 100], got {step!r}.")
        return (float(step), str(logger), int(level))
    raise ValueError(
        f"report_progress must be True/False, a percentage, a logger name or a tuple "
        f"(step, logger or 'print', level); got {value!r}."
    )


def positional_settings(args: tuple) -> dict[str, Any]:
    """Map positional Environment arguments onto pypet 0.7's keyword order."""
    names = [f.name for f in dataclasses.fields(EnvironmentSettings)]
    if len(args) > len(names):
        raise TypeError(f"Environment takes at most {len(names)} positional arguments.")
    return dict(zip(names, args, strict=False))


def split_kwargs(kwargs: dict[str, Any]) -> tuple[EnvironmentSettings, dict[str, Any]]:
    """Return the settings and the keywords left for storage and trajectory properties."""
    # the warning points at the user's Environment(...) line: split_kwargs <- __init__ <- user
    kwargs = rename_deprecated(kwargs, ENVIRONMENT_KWARGS, "Environment", stacklevel=4)
    names = EnvironmentSettings.names()
    mine = {k: v for k, v in kwargs.items() if k in names}
    rest = {k: v for k, v in kwargs.items() if k not in names}
    return EnvironmentSettings(**mine), rest
