"""Setting up (and tearing down) the logging an Environment asked for.

Library-friendly by default: ``log_config='DEFAULT'`` adds one console handler to the
``pypet`` logger (only if it has none); files are written only when asked for (an ini/dict
config, or ``log_folder``). Nothing global is reset: :meth:`LoggingSetup.disable` removes
exactly what was added.
"""

from __future__ import annotations

import configparser
import logging
import logging.config
import os
import sys
from typing import Any

from pypet import constants as C
from pypet.log.filenames import prepare_dict_config, prepare_ini_config

__all__ = ["LoggingSetup", "StdoutToLogger"]

_FORMAT = "%(asctime)s %(name)s %(levelname)-8s %(message)s"


class StdoutToLogger:
    """A stand-in for ``sys.stdout`` that logs every written line."""

    def __init__(self, logger_name: str = "STDOUT", level: int = logging.INFO) -> None:
        self._logger = logging.getLogger(logger_name)
        self._level = level
        self._buffer = ""
        self.original = sys.stdout

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._logger.log(self._level, line)
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self._logger.log(self._level, self._buffer)
        self._buffer = ""

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self._logger.name, "level": self._level}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["name"], state["level"])  # type: ignore[misc]


def _handlers_now() -> dict[logging.Logger, set[logging.Handler]]:
    """The handlers of the root logger and every named logger that exists now."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)]
    return {logger: set(logger.handlers) for logger in loggers}


class LoggingSetup:
    """The logging part of the Environment's keywords."""

    def __init__(self, log_config: Any = C.DEFAULT_LOGGING, log_stdout: Any = False,
                 log_folder: str | None = None, logger_names: Any = None,
                 log_levels: Any = None, env_name: str = "", traj_name: str = "") -> None:
        simple = log_folder is not None or logger_names is not None or log_levels is not None
        if simple and log_config not in (None, C.DEFAULT_LOGGING):
            raise ValueError("Pass either log_config or the simple keywords log_folder/"
                             "logger_names/log_levels, not both.")
        self._config, self._stdout = log_config, log_stdout
        self._folder, self._names, self._levels = log_folder, logger_names, log_levels
        self._env, self._traj = env_name, traj_name
        self._added: list[tuple[logging.Logger, logging.Handler]] = []
        self._levels_before: dict[logging.Logger, int] = {}
        self._removed: list[tuple[logging.Logger, logging.Handler]] = []
        self._redirect: StdoutToLogger | None = None

    def enable(self) -> None:
        """Apply the configuration (remembering what it adds, for :meth:`disable`)."""
        before = _handlers_now()
        levels = {logger: logger.level for logger in before}
        self._configure()
        after = _handlers_now()
        for logger, level in levels.items():
            if logger.level != level:
                self._levels_before.setdefault(logger, level)
        for logger, handlers in after.items():
            for handler in handlers - before.get(logger, set()):
                if (logger, handler) not in self._added:
                    self._added.append((logger, handler))
        # fileConfig/dictConfig replace the handlers of the loggers they configure; those
        # are put back by disable()
        self._removed = [(logger, handler) for logger, handlers in before.items()
                         for handler in handlers - after.get(logger, set())]

    def _configure(self) -> None:
        if self._folder is not None or self._names is not None or self._levels is not None:
            self._simple()
        elif self._config == C.DEFAULT_LOGGING:
            self._console("pypet")
            if self._stdout:
                self._console(self._stdout_logger()[0])  # captured prints stay visible
        elif isinstance(self._config, dict):
            logging.config.dictConfig(prepare_dict_config(self._config, **self._wildcard_names()))
        elif isinstance(self._config, (str, os.PathLike, configparser.RawConfigParser)):
            if not isinstance(self._config, configparser.RawConfigParser) and \
                    not os.path.exists(self._config):
                raise ValueError(f"The logging config file {self._config!r} does not exist.")
            parser = prepare_ini_config(self._config, **self._wildcard_names())
            logging.config.fileConfig(parser, disable_existing_loggers=False)
        elif self._config is not None:
            raise ValueError(
                f"log_config must be 'DEFAULT', None, an ini path, a ConfigParser or a "
                f"dictConfig dict; got {self._config!r}."
            )
        if self._stdout:
            self._redirect = StdoutToLogger(*self._stdout_logger())
            sys.stdout = self._redirect  # type: ignore[assignment]

    def _wildcard_names(self) -> dict[str, str]:
        return {"env_name": self._env, "traj_name": self._traj}

    def _stdout_logger(self) -> tuple[str, int]:
        """``log_stdout``: True, a logger name, a level, or (name, level)."""
        value = self._stdout
        if isinstance(value, str):
            return value, logging.INFO
        if isinstance(value, tuple):
            return value[0], value[1]
        if isinstance(value, int) and value is not True:
            return "STDOUT", value
        return "STDOUT", logging.INFO

    def _console(self, name: str) -> None:
        """A console handler on logger ``name``, unless it already has handlers."""
        logger = logging.getLogger(name)
        if logger.handlers:
            return
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter(_FORMAT))
        self._attach(logger, handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)

    def _attach(self, logger: logging.Logger, handler: logging.Handler) -> None:
        logger.addHandler(handler)
        self._levels_before.setdefault(logger, logger.level)

    def _simple(self) -> None:
        """pypet's simple mode: LOG.txt and ERROR.txt below ``log_folder/<traj>/<env>/``."""
        names = self._names if isinstance(self._names, (list, tuple)) else [self._names or ""]
        levels = self._levels if isinstance(self._levels, (list, tuple)) else \
            [self._levels if self._levels is not None else logging.INFO] * len(names)
        folder = os.path.join(self._folder or "logs", self._traj, self._env)  # pypet's layout
        os.makedirs(folder, exist_ok=True)
        for name, level in zip(names, levels, strict=True):
            logger = logging.getLogger(name)
            self._levels_before.setdefault(logger, logger.level)
            logger.setLevel(level)
            for filename, handler_level in (("LOG.txt", logging.NOTSET),
                                            ("ERROR.txt", logging.ERROR)):
                handler = logging.FileHandler(os.path.join(folder, filename))
                handler.setLevel(handler_level)
                handler.setFormatter(logging.Formatter(_FORMAT))
                self._attach(logger, handler)

    def disable(self) -> None:
        """Undo exactly what :meth:`enable` did (handlers added, stdout redirect)."""
        if self._redirect is not None:
            self._redirect.flush()
            sys.stdout = self._redirect.original
            self._redirect = None
        for logger, handler in self._added:
            logger.removeHandler(handler)
            handler.close()
        self._added.clear()
        for logger, level in self._levels_before.items():
            logger.setLevel(level)
        self._levels_before.clear()
        for logger, handler in self._removed:
            logger.addHandler(handler)
        self._removed.clear()
