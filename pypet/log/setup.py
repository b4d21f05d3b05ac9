"""The logging an Environment asked for: set up, handed to workers, and taken down again.

What each ``log_config`` does (see ``doc/logging.md`` and decision 0007):

* not given: a console handler on the ``pypet`` logger, only if it has none; no files
  (a library leaves files and the root logger alone unless asked);
* ``'DEFAULT'``: pypet's packaged configuration: ``logs/<trajectory>/<environment>/LOG.txt``
  and ``ERROR.txt`` and the console for the ``pypet`` logger and the logger of
  ``log_stdout`` (``STDOUT``); worker processes write one file pair per run;
* an ini path, a ConfigParser, a dict, or the simple keywords: that configuration.

Configurations are *added* to the existing logging (:mod:`pypet.log.apply`), and
:meth:`LoggingSetup.disable` removes exactly what was added. A new Environment's
configuration replaces the one of an earlier Environment that is still active, as
pypet 0.7's did, so log lines never land in another environment's files.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from pypet.log.apply import Applied, apply_config
from pypet.log.filenames import WildcardNames
from pypet.log.handlers import StdoutToLogger
from pypet.log.sources import FILE_FORMAT, LogConfig, read_log_config, simple_config
from pypet.log.workers import WorkerLogSpec
from pypet.settings.environment import LOG_CONFIG_NOT_GIVEN

__all__ = ["IMPLICIT", "LoggingSetup", "active_setups", "add_console", "current_worker_spec",
           "stdout_target"]


IMPLICIT = LOG_CONFIG_NOT_GIVEN
#: the enabled setups of this process, oldest first (a forked worker inherits them)
_active: list[LoggingSetup] = []


def active_setups() -> list[LoggingSetup]:
    """The setups enabled in this process (oldest first)."""
    return _active


def stdout_target(log_stdout: Any) -> tuple[str, int] | None:
    """``log_stdout`` as ``(logger name, level)``: True, a name, a level or a tuple."""
    if log_stdout is None or log_stdout is False:
        return None
    if log_stdout is True:
        return "STDOUT", logging.INFO
    if isinstance(log_stdout, str):
        return log_stdout, logging.INFO
    if isinstance(log_stdout, int):
        return "STDOUT", log_stdout
    if isinstance(log_stdout, (tuple, list)) and len(log_stdout) == 2:
        return str(log_stdout[0]), int(log_stdout[1])
    raise ValueError(f"log_stdout must be True/False, a logger name, a level or a tuple "
                     f"(name, level); got {log_stdout!r}.")


class LoggingSetup:
    """The logging part of the Environment's keywords."""

    def __init__(self, log_config: Any = IMPLICIT, log_stdout: Any = False,
                 log_folder: str | None = None, logger_names: Any = None,
                 log_levels: Any = None, log_multiproc: bool | None = None,
                 env_name: str = "", traj_name: str = "") -> None:
        simple = any(v is not None for v in (log_folder, logger_names, log_levels,
                                              log_multiproc))
        if simple and log_config is not IMPLICIT:
            raise ValueError("Pass either log_config or the simple keywords log_folder/"
                             "logger_names/log_levels/log_multiproc, not both.")
        self._stdout = stdout_target(log_stdout)
        self._names = WildcardNames(env_name, traj_name)
        self._config: LogConfig | None = None
        if simple:
            self._config = simple_config(log_folder, logger_names, log_levels, log_multiproc)
        elif log_config is not IMPLICIT and log_config is not None:
            self._config = read_log_config(log_config,
                                           self._stdout[0] if self._stdout else None)
        self._console = log_config is IMPLICIT and not simple
        self._applied: Applied | None = None
        self._redirect: StdoutToLogger | None = None

    @property
    def writes_config(self) -> bool:
        """Whether this setup applies a configuration (not only the console default)."""
        return self._config is not None

    def enable(self) -> None:
        """Apply the configuration (remembering what it adds, for :meth:`disable`)."""
        if self in _active:
            return
        if self._config is not None:
            for earlier in [s for s in _active if s.writes_config]:
                earlier.disable()
        applied = Applied()
        if self._config is not None and self._config.main:
            applied = apply_config(self._config.part_as_dict(self._config.main, self._names))
        elif self._console:
            add_console(applied, "pypet")
            if self._stdout:
                add_console(applied, self._stdout[0])  # captured prints stay visible
        self._applied = applied
        if self._stdout:
            self._redirect = StdoutToLogger(*self._stdout)
            sys.stdout = self._redirect
        if applied.handlers or applied.levels or self._redirect is not None:
            _active.append(self)  # only a setup that changed something needs undoing

    def disable(self, remove_handlers: bool = True) -> None:
        """Undo :meth:`enable`: stop capturing stdout; with ``remove_handlers`` also remove
        the handlers it added and restore the levels it changed."""
        if self._redirect is not None:
            self._redirect.flush()
            if sys.stdout is self._redirect:
                sys.stdout = self._redirect.original
            self._redirect = None
        if remove_handlers and self._applied is not None:
            self._applied.undo()
            self._applied = None
        if self in _active:
            _active.remove(self)

    def detach_inherited(self) -> None:
        """In a forked worker: take this (parent's) setup's handlers off the loggers without
        closing the parent's files."""
        if self._applied is not None:
            self._applied.undo(close=False)
            self._applied = None
        if self in _active:
            _active.remove(self)

    def worker_spec(self) -> WorkerLogSpec:
        """What worker processes need to set up their logging (small and picklable)."""
        config = self._config
        workers = None
        if config is not None and config.workers:
            workers = LogConfig(None, config.workers, config.origin, config.is_ini)
        return WorkerLogSpec(config=workers, stdout=self._stdout, console=self._console,
                             names=self._names, origin_pid=os.getpid())


def add_console(applied: Applied, name: str) -> None:
    """A console handler (stderr) on logger ``name``, unless it has handlers already."""
    logger = logging.getLogger(name)
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    applied.add_handler(logger, handler)
    if logger.level == logging.NOTSET:
        applied.set_level(logger, logging.INFO)


def current_worker_spec() -> WorkerLogSpec | None:
    """The worker logging of the most recently enabled setup of this process, if any."""
    return _active[-1].worker_spec() if _active else None

