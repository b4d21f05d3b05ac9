"""Experiments described in an ini file: ``Environment(config='experiment.ini')``.

Sections (pypet 0.7's format):

* ``[storage_service]``, ``[trajectory]``, ``[environment]``: Environment keywords, read in
  that order (a later section wins); keywords passed to the Environment win over all;
* ``[parameters]``, ``[config]``: entries added to the trajectory, ``name = value`` or
  ``name = value, 'comment'`` (a tuple is passed on as the positional arguments of
  ``f_add_parameter``/``f_add_config``); dotted names create groups;
* logging sections (``[loggers]``, ``[handler_...]``, ``[multiproc_...]``, ...): the logging
  configuration, used when neither ``log_config`` nor the simple logging keywords are given.

Values are Python literals (``ast.literal_eval``): strings need quotes. As in pypet, option
names are lower-cased (a ConfigParser whose ``optionxform`` keeps case keeps it). The file
is only read.
"""

from __future__ import annotations

import ast
import configparser
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

from pypet.errors import ConfigFileError

__all__ = ["IniExperiment", "read_experiment"]

#: sections whose entries are Environment keywords, in the order pypet reads them
KEYWORD_SECTIONS = ("storage_service", "trajectory", "environment")
ITEM_SECTIONS = ("parameters", "config")


@dataclass(frozen=True)
class IniEntry:
    """One ``[parameters]``/``[config]`` entry: a name and the positional arguments."""

    name: str
    args: tuple


@dataclass
class IniExperiment:
    """What an experiment ini file holds."""

    origin: str  #: ``'file.ini'`` or ``'a ConfigParser'``, for messages
    keywords: dict[str, Any] = field(default_factory=dict)
    sections_of: dict[str, str] = field(default_factory=dict)  #: keyword -> its section
    parameters: list[IniEntry] = field(default_factory=list)
    config: list[IniEntry] = field(default_factory=list)
    logging: configparser.RawConfigParser | None = None  #: when it has [loggers]

    def where(self, keyword: str) -> str:
        """``'section [environment] of file.ini'`` for a keyword read from the file."""
        return f"section [{self.sections_of[keyword]}] of {self.origin}"

    def add_items(self, traj: Any) -> None:
        """Add the ``[parameters]`` and ``[config]`` entries to ``traj``."""
        for section, entries, add in (("parameters", self.parameters, traj.f_add_parameter),
                                      ("config", self.config, traj.f_add_config)):
            for entry in entries:
                try:
                    add(entry.name, *entry.args)
                except Exception as error:
                    raise ConfigFileError(
                        f"{self.origin}, section [{section}], key {entry.name!r}: cannot add "
                        f"{entry.args!r} ({type(error).__name__}: {error})."
                    ) from error


def _read(source: str | os.PathLike | configparser.RawConfigParser
          ) -> tuple[configparser.RawConfigParser, str]:
    if isinstance(source, configparser.RawConfigParser):
        return source, "the ConfigParser given as config="
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"config must be the path of an ini file or a ConfigParser, not "
                        f"{source!r}.")
    origin = os.fspath(source)
    if not os.path.isfile(origin):
        raise ConfigFileError(f"config={origin!r}: no such file.")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # see _lower below
    try:
        with open(origin, encoding="utf-8") as handle:
            parser.read_file(handle)
    except configparser.Error as error:
        raise ConfigFileError(f"config={origin!r} is not a valid ini file: {error}") from error
    return parser, origin


def _lower(name: str, section: str, origin: str, is_file: bool) -> str:
    """Option names of a file are lower-cased as in pypet 0.7 (ConfigParser's default); say
    so when that changes a parameter's name. A parser's own ``optionxform`` is respected."""
    if not is_file and section in ITEM_SECTIONS:
        return name
    lower = name.lower()
    if is_file and lower != name and section in ITEM_SECTIONS:
        warnings.warn(
            f"{origin}, section [{section}]: {name!r} becomes {lower!r} (ini option names are "
            "lower-cased, as in pypet 0.7). To keep the case, pass a ConfigParser whose "
            "optionxform is str as config=.", UserWarning,
            stacklevel=4)  # at the user's Environment(...): _lower <- read <- __init__ <- user
    return lower


def _value(parser: configparser.RawConfigParser, section: str, option: str,
           origin: str) -> Any:
    text = parser.get(section, option, raw=True)
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ConfigFileError(
            f"{origin}, section [{section}], key {option!r}: the value {text!r} is not a Python "
            f"literal ({type(error).__name__}). Strings need quotes, e.g. {option} = "
            f"'{text.strip()}'."
        ) from None


def read_experiment(source: str | os.PathLike | configparser.RawConfigParser
                    ) -> IniExperiment:
    """Read an experiment ini file (or parser).

    Raises
    ------
    ConfigFileError
        The file is missing or malformed, or a value is not a Python literal; the message
        names the file, section, key and value.
    """
    parser, origin = _read(source)
    is_file = not isinstance(source, configparser.RawConfigParser)
    experiment = IniExperiment(origin)
    for section in KEYWORD_SECTIONS:
        if not parser.has_section(section):
            continue
        for option in parser.options(section):
            key = _lower(option, section, origin, is_file)
            experiment.keywords[key] = _value(parser, section, option, origin)
            experiment.sections_of[key] = section
    for section, entries in (("parameters", experiment.parameters),
                             ("config", experiment.config)):
        if not parser.has_section(section):
            continue
        for option in parser.options(section):
            value = _value(parser, section, option, origin)
            args = value if isinstance(value, tuple) else (value,)
            entries.append(IniEntry(_lower(option, section, origin, is_file), args))
    if parser.has_section("loggers"):
        experiment.logging = parser
    return experiment
