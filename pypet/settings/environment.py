"""The Environment's keywords: defaults, validation and what is not available yet.

pypet's constructor takes ~40 keywords; they are declared once here as a dataclass, checked
in one place, and recorded in the trajectory's config by the Environment.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from pypet import constants as C
from pypet.settings.ineffective import warn_ineffective
from pypet.trajectory.deprecations import ENVIRONMENT_KWARGS, rename_deprecated

__all__ = ["EnvironmentSettings", "positional_settings", "split_kwargs"]

_DEFAULT_PROGRESS = (5, "pypet", logging.INFO)


@dataclass
class EnvironmentSettings:
    """All Environment keywords except the trajectory, storage and trajectory properties."""

    trajectory: Any = "trajectory"
    add_time: bool = False
    comment: str = ""
    dynamic_imports: Any = None
    wildcard_functions: Any = None
    automatic_storing: bool = True
    log_config: Any = C.DEFAULT_LOGGING
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

    def __post_init__(self) -> None:
        self.report_progress = _normalise_progress(self.report_progress)
        self._check_not_yet_available()
        from pypet.settings.multiproc import validate_multiproc

        validate_multiproc(self)
        if self.timeout is not None:
            warn_ineffective("Environment", "timeout", self.timeout)
        if self.immediate_postproc:
            warn_ineffective("Environment", "immediate_postproc", True)

    def _check_not_yet_available(self) -> None:
        """Refuse, with a clear message, what this version cannot do yet."""
        planned = {
            "resumable": (self.resumable, False, "resuming crashed experiments"),
            "git_repository": (self.git_repository, None, "git provenance"),
            "sumatra_project": (self.sumatra_project, None, "Sumatra records"),
        }
        for name, (value, default, what) in planned.items():
            if value != default:
                raise NotImplementedError(
                    f"{name}={value!r}: {what} (not available in this version of pypet yet). "
                    f"Leave {name} at its default ({default!r})."
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
