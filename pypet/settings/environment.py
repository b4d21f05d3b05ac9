"""The Environment's keywords: declared once, validated once, grouped into frozen options.

pypet's constructor takes ~45 flat keywords. :data:`KEYWORDS` lists them in pypet's
positional order with the option group each belongs to; :func:`split_kwargs` checks them
all (errors name the keyword, the value and what to pass instead) and builds one frozen
:class:`~pypet.settings.options.EnvironmentSettings`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from typing import Any

from pypet.ineffective import warn_ineffective
from pypet.settings.deprecations import ENVIRONMENT_KWARGS, rename_deprecated
from pypet.settings.multiproc import validate_multiproc
from pypet.settings.options import (
    EnvironmentSettings,
    LoggingSettings,
    ParallelSettings,
    ProvenanceSettings,
    ResumeSettings,
    RunSettings,
    StorageSettings,
    StudySettings,
    TrajectorySettings,
)

__all__ = ["KEYWORDS", "LOG_CONFIG_NOT_GIVEN", "EnvironmentSettings", "check_flag",
           "positional_settings", "split_kwargs"]

_DEFAULT_PROGRESS = (5.0, "pypet", logging.INFO)
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

#: every keyword in pypet's positional order -> the option group it belongs to ('' for the
#: keywords that are only checked: ``use_scoop`` and ``port`` belong to removed features)
KEYWORDS: dict[str, str] = {
    "trajectory": "trajectory", "add_time": "trajectory", "comment": "trajectory",
    "dynamic_imports": "trajectory", "wildcard_functions": "trajectory",
    "automatic_storing": "run", "log_config": "logging", "log_stdout": "logging",
    "report_progress": "run", "multiproc": "parallel", "ncores": "parallel", "use_scoop": "",
    "use_pool": "parallel", "freeze_input": "parallel", "timeout": "parallel",
    "cpu_cap": "parallel", "memory_cap": "parallel", "swap_cap": "parallel",
    "niceness": "parallel", "wrap_mode": "parallel", "queue_maxsize": "parallel", "port": "",
    "gc_interval": "parallel", "clean_up_runs": "run", "immediate_postproc": "parallel",
    "resumable": "resume", "resume_folder": "resume", "delete_resume": "resume",
    "storage_service": "storage", "git_repository": "provenance", "git_message": "provenance",
    "git_fail": "provenance", "sumatra_project": "provenance", "sumatra_reason": "provenance",
    "sumatra_label": "provenance", "do_single_runs": "run", "graceful_exit": "run",
    "lazy_debug": "run", "executor": "parallel", "log_folder": "logging",
    "logger_names": "logging", "log_levels": "logging", "log_multiproc": "logging",
    "if_exists": "study", "dry_run": "study", "on_error": "run", "resume_fsync": "resume",
    "max_retries": "parallel",
}

_GROUPS: dict[str, type] = {
    "trajectory": TrajectorySettings, "run": RunSettings, "parallel": ParallelSettings,
    "storage": StorageSettings, "logging": LoggingSettings, "provenance": ProvenanceSettings,
    "resume": ResumeSettings, "study": StudySettings,
}

_FLAGS = ("add_time", "automatic_storing", "multiproc", "use_scoop", "use_pool",
          "freeze_input", "clean_up_runs", "immediate_postproc", "resumable", "delete_resume",
          "git_fail", "do_single_runs", "graceful_exit", "lazy_debug")


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = {"use_scoop": False, "port": None,
                              "log_config": LOG_CONFIG_NOT_GIVEN, "wrap_mode": "LOCK",
                              "memory_cap": 100.0,
                              "use_pool": None}  # None: chosen from the other settings
    for group in _GROUPS.values():
        for field in dataclasses.fields(group):
            values.setdefault(field.name, field.default)
    return values


#: the value of every keyword not given (computed once: an Environment is cheap to create)
_DEFAULTS = _defaults()
#: the keywords of each option group, in field order
_GROUP_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls))
                 for name, cls in _GROUPS.items()}


def check_flag(name: str, value: Any) -> bool:
    """``value`` as a bool; anything but True/False (or 1/0) names the keyword and the fix."""
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return bool(value)  # numpy's bool too
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise TypeError(
        f"{name} must be True or False, got {value!r} ({type(value).__name__}); pass "
        f"{name}=True or {name}=False."
    )


def _progress(value: Any) -> tuple[float, str, int] | None:
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
        return (5.0, value, logging.INFO)
    if isinstance(value, tuple) and 1 <= len(value) <= 3:
        step, logger, level = (*value, *_DEFAULT_PROGRESS[len(value):])  # type: ignore[misc]
        if not 0 < float(step) <= 100:
            raise ValueError(f"report_progress step must be in (0, 100], got {step!r}.")
        return (float(step), str(logger), int(level))
    raise ValueError(
        f"report_progress must be True/False, a percentage, a logger name or a tuple "
        f"(step, logger or 'print', level); got {value!r}."
    )


def _check_study(v: dict[str, Any]) -> None:
    if v["if_exists"] not in ("fail", "extend"):
        raise ValueError(
            f"if_exists must be 'fail' or 'extend' (continue the stored study), got "
            f"{v['if_exists']!r}."
        )
    if v["dry_run"] is not False and v["dry_run"] is not True and v["dry_run"] != "print":
        raise ValueError(f"dry_run must be False, True or 'print', got {v['dry_run']!r}.")
    if v["if_exists"] == "extend" and v["add_time"]:
        raise ValueError(
            "if_exists='extend' continues the study stored under the same name, but "
            "add_time=True gives every run of the script a new name; use one of them."
        )


def _check_text(v: dict[str, Any]) -> None:
    """Types of the text and path keywords (whether a path is a repository or a project is
    checked when the Environment opens it)."""
    if not isinstance(v["comment"], str):
        raise TypeError(f"comment must be a str, got {v['comment']!r}.")
    for name in ("git_repository", "sumatra_project", "resume_folder", "log_folder"):
        value = v[name]
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name} must be a path (str) or None, got {value!r}.")
    for name in ("git_message", "sumatra_reason"):
        if not isinstance(v[name], str):
            raise TypeError(f"{name} must be a str, got {v[name]!r}.")
    label = v["sumatra_label"]
    if label is not None and (not isinstance(label, str) or not _SUMATRA_LABEL.match(label)):
        raise ValueError(
            f"sumatra_label={label!r}: use letters, digits, '_' and '-' only (no '.'), or "
            "None to let Sumatra choose a timestamp label."
        )


def _check_resume(v: dict[str, Any]) -> None:
    """Normalise and check ``on_error`` and the resume settings."""
    if v["on_error"] not in ("raise", "continue"):
        raise ValueError(
            f"on_error must be 'raise' (stop at the first failing run, as pypet) or "
            f"'continue' (record the failure and go on), got {v['on_error']!r}."
        )
    fsync = v["resume_fsync"].lower() if isinstance(v["resume_fsync"], str) else None
    if fsync not in ("always", "batch", "never"):
        raise ValueError(
            f"resume_fsync must be 'always', 'batch' or 'never', got {v['resume_fsync']!r}."
        )
    v["resume_fsync"] = fsync
    if v["resume_folder"] is not None:
        v["resume_folder"] = os.fspath(v["resume_folder"])
    if not v["resumable"]:
        return
    folder = v["resume_folder"]
    if folder is not None and os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(
            f"resume_folder={folder!r} is a file, not a folder. Pass a folder (it is created "
            "if missing; each trajectory gets a subfolder there)."
        )
    from pypet._compat import require

    require("dill")  # the snapshot of the run function and its arguments
    if not v["automatic_storing"]:
        raise ValueError(
            "resumable=True needs automatic_storing=True (as in pypet): the journal "
            "replays what the runs add, which only automatic storing collects."
        )


def build_settings(given: dict[str, Any]) -> EnvironmentSettings:
    """Validate the Environment keywords in ``given`` (names of :data:`KEYWORDS` only)."""
    values = {**_DEFAULTS, **given}
    for name in _FLAGS:
        if not (name == "use_pool" and values[name] is None):
            values[name] = check_flag(name, values[name])
    if values["log_multiproc"] is not None:
        values["log_multiproc"] = check_flag("log_multiproc", values["log_multiproc"])
    values["report_progress"] = _progress(values["report_progress"])
    _check_study(values)
    _check_text(values)
    values.update(validate_multiproc(values))
    _check_resume(values)
    if values["timeout"] is not None:
        warn_ineffective("Environment", "timeout", values["timeout"])
    forked = values["multiproc"] and not values["use_pool"] and values["executor"] is None
    if values["immediate_postproc"] and not forked:
        warn_ineffective("Environment", "immediate_postproc", True)
    groups = {name: cls(*[values[field] for field in _GROUP_FIELDS[name]])
              for name, cls in _GROUPS.items()}
    return EnvironmentSettings(**groups)


def positional_settings(args: tuple) -> dict[str, Any]:
    """Map positional Environment arguments onto pypet 0.7's keyword order."""
    names = list(KEYWORDS)
    if len(args) > len(names):
        raise TypeError(f"Environment takes at most {len(names)} positional arguments.")
    return dict(zip(names, args, strict=False))


def split_kwargs(kwargs: dict[str, Any]) -> tuple[EnvironmentSettings, dict[str, Any]]:
    """Return the settings and the keywords left for storage and trajectory properties."""
    # the warning points at the user's Environment(...) line: split_kwargs <- __init__ <- user
    kwargs = rename_deprecated(kwargs, ENVIRONMENT_KWARGS, "Environment", stacklevel=4)
    mine = {k: v for k, v in kwargs.items() if k in KEYWORDS}
    rest = {k: v for k, v in kwargs.items() if k not in KEYWORDS}
    return build_settings(mine), rest
