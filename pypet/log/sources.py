"""Where a logging configuration comes from: ``log_config`` (``'DEFAULT'``, an ini path, a
ConfigParser, a dict) or the simple keywords (``log_folder``, ``logger_names``,
``log_levels``, ``log_multiproc``).

Every source becomes a :class:`LogConfig`: a part for this process and a part for worker
processes (pypet's ``multiproc_`` sections or keys). Both stay plain, picklable data (ini
sections as strings), and are turned into ``dictConfig`` dicts only in the process that
applies them (:func:`as_dict_config`).
"""

from __future__ import annotations

import configparser
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypet import constants as C
from pypet.log.filenames import RUN_WILDCARDS, WildcardNames, looks_like_log_file, make_folder
from pypet.log.inifile import MULTIPROC, ini_to_dict, split_sections

__all__ = ["DEFAULT_INI", "FILE_FORMAT", "STREAM_FORMAT", "LogConfig", "as_dict_config",
           "read_ini_sections", "read_log_config", "simple_config"]

#: the packaged configuration behind ``log_config='DEFAULT'``
DEFAULT_INI = Path(__file__).resolve().parents[1] / "configs" / "default.ini"
FILE_FORMAT = "%(asctime)s %(name)s %(levelname)-8s %(message)s"
STREAM_FORMAT = "%(processName)-10s %(name)s %(levelname)-8s %(message)s"
_FILE_HANDLERS = ("logging.FileHandler", "FileHandler", logging.FileHandler)
_RUN_FILE_HANDLER = "pypet.log.handlers.RunFileHandler"


@dataclass(frozen=True)
class LogConfig:
    """A logging configuration: ``main`` for this process, ``workers`` for worker processes.

    Each part is ini sections (``{section: {option: text}}``) or a ``dictConfig`` dict.
    """

    main: Any
    workers: Any
    origin: str  #: for messages, e.g. ``"log_config='my.ini'"``
    is_ini: bool = True  #: the parts are ini sections (else dictConfig dicts)

    def part_as_dict(self, part: Any, names: WildcardNames) -> dict[str, Any]:
        """``main`` or ``workers`` as a ``dictConfig`` dict (see :func:`as_dict_config`)."""
        return as_dict_config(part, names, self.origin, self.is_ini)


def read_ini_sections(source: str | os.PathLike | configparser.RawConfigParser
                      ) -> dict[str, dict[str, str]]:
    """``{section: {option: raw text}}`` of an ini file or parser (no interpolation: ``%``
    in formats is literal)."""
    if isinstance(source, configparser.RawConfigParser):  # option names as fileConfig reads them
        return {name: {key.lower(): value for key, value in source.items(name, raw=True)}
                for name in source.sections()}
    parser = configparser.ConfigParser(interpolation=None)
    with open(source, encoding="utf-8") as handle:
        parser.read_file(handle)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _default_sections(stdout_logger: str | None) -> dict[str, dict[str, str]]:
    sections = read_ini_sections(DEFAULT_INI)
    if stdout_logger:  # the default files also receive prints under another logger name
        for name in ("logger_stdout", f"{MULTIPROC}logger_stdout"):
            sections[name]["qualname"] = stdout_logger
    return sections


def read_log_config(log_config: Any, stdout_logger: str | None = None) -> LogConfig:
    """The :class:`LogConfig` of a ``log_config`` value (not None)."""
    if isinstance(log_config, str) and log_config == C.DEFAULT_LOGGING:
        main, workers = split_sections(_default_sections(stdout_logger))
        return LogConfig(main, workers, "log_config='DEFAULT'")
    if isinstance(log_config, dict):
        main = {k: v for k, v in log_config.items() if not k.startswith(MULTIPROC)}
        workers = {k[len(MULTIPROC):]: v for k, v in log_config.items()
                   if k.startswith(MULTIPROC)}
        if workers:
            workers["version"] = log_config.get("version", 1)
        return LogConfig(main, workers or None, "log_config (a dict)", is_ini=False)
    if isinstance(log_config, configparser.RawConfigParser):
        main, workers = split_sections(read_ini_sections(log_config))
        return LogConfig(main, workers, "log_config (a ConfigParser)")
    if isinstance(log_config, (str, os.PathLike)):
        if not os.path.isfile(log_config):
            raise ValueError(f"log_config={os.fspath(log_config)!r}: no such logging ini file. "
                             "Pass an existing file, 'DEFAULT', a dict, a ConfigParser or None.")
        try:
            main, workers = split_sections(read_ini_sections(log_config))
        except configparser.Error as error:
            raise ValueError(f"log_config={os.fspath(log_config)!r} is not a valid ini file: "
                             f"{error}") from error
        return LogConfig(main, workers, f"log_config={os.fspath(log_config)!r}")
    raise ValueError(
        f"log_config must be 'DEFAULT', None, an ini path, a ConfigParser or a dictConfig "
        f"dict; got {log_config!r}."
    )


def simple_config(log_folder: str | None, logger_names: Any, log_levels: Any,
                  log_multiproc: bool | None) -> LogConfig:
    """pypet's simple logging: ``LOG.txt``, ``ERROR.txt`` and the console for each logger."""
    names = list(logger_names) if isinstance(logger_names, (list, tuple)) \
        else [logger_names if logger_names is not None else ""]
    if isinstance(log_levels, (list, tuple)):
        levels = list(log_levels)
    else:
        levels = [log_levels if log_levels is not None else logging.INFO] * len(names)
    if len(levels) != len(names):
        raise ValueError(f"log_levels: give one level, or one per logger name; got "
                         f"{len(levels)} levels for the loggers {names}.")
    folder = os.path.join(log_folder if log_folder is not None else "logs", C.LOG_TRAJ,
                          C.LOG_ENV)

    def part(handlers: dict[str, dict]) -> dict[str, Any]:
        return {"version": 1,
                "formatters": {"file": {"format": FILE_FORMAT},
                               "stream": {"format": STREAM_FORMAT}},
                "handlers": handlers,
                "loggers": {name: {"level": level, "handlers": list(handlers)}
                            for name, level in zip(names, levels, strict=True)}}

    def files(prefix: str) -> dict[str, dict]:
        return {"file_main": {"class": "logging.FileHandler", "formatter": "file",
                              "filename": os.path.join(folder, f"{prefix}LOG.txt")},
                "file_error": {"class": "logging.FileHandler", "formatter": "file",
                               "level": "ERROR",
                               "filename": os.path.join(folder, f"{prefix}ERROR.txt")}}

    main = part({"stream": {"class": "logging.StreamHandler", "formatter": "stream"},
                 **files("")})
    workers = None
    if log_multiproc is None or log_multiproc:
        workers = part(files(f"{C.LOG_RUN}_{C.LOG_HOST}_{C.LOG_PROC}_"))
    return LogConfig(main, workers, "log_folder/logger_names/log_levels", is_ini=False)


def _copy(value: Any) -> Any:
    """Copy the dicts and lists of a config (handler objects and streams are shared)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def as_dict_config(part: Any, names: WildcardNames, origin: str, is_ini: bool
                   ) -> dict[str, Any]:
    """A ``dictConfig`` dict of one part, file-name wildcards filled (folders created).

    A ``logging.FileHandler`` whose file name holds ``$run``/``$set`` becomes a
    :class:`~pypet.log.handlers.RunFileHandler` (one file per run).
    """
    if is_ini:
        return ini_to_dict(part, names, origin)
    config = _copy(part)
    for handler in (config.get("handlers") or {}).values():
        filename = handler.get("filename") if isinstance(handler, dict) else None
        if not isinstance(filename, str) or not looks_like_log_file(filename):
            continue
        per_run = handler.get("class") in _FILE_HANDLERS and \
            any(wildcard in filename for wildcard in RUN_WILDCARDS)
        handler["filename"] = names.fill(filename, keep_run=per_run)
        if per_run:
            handler["class"] = _RUN_FILE_HANDLER
        else:
            make_folder(handler["filename"])
    return config
