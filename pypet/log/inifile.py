"""Logging ini files (the ``logging.config.fileConfig`` format) as ``dictConfig`` dicts.

pypet applies every configuration itself, adding to what exists instead of replacing it
(see :mod:`pypet.log.apply`), so the ini format is translated into the dict format here:
``[loggers]``/``[logger_<key>]`` (``level``, ``handlers``, ``propagate``, ``qualname``),
``[handlers]``/``[handler_<key>]`` (``class``, ``args``, ``kwargs``, ``level``,
``formatter``) and ``[formatters]``/``[formatter_<key>]`` (``format``, ``datefmt``,
``style``, ``class``). As in ``fileConfig``, ``class``, ``args`` and ``kwargs`` are Python
expressions evaluated in the namespace of the ``logging`` module (``sys.stderr`` works).
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Mapping
from typing import Any

from pypet.log.filenames import RUN_WILDCARDS, WildcardNames, looks_like_log_file, make_folder

__all__ = ["IniSections", "ini_handler", "ini_to_dict", "is_logging_ini", "split_sections"]

#: ``{section: {option: raw value}}`` of an ini file
IniSections = Mapping[str, Mapping[str, str]]
MULTIPROC = "multiproc_"


def is_logging_ini(sections: IniSections) -> bool:
    """Whether the sections configure logging (a ``[loggers]`` section)."""
    return "loggers" in sections


def split_sections(sections: IniSections) -> tuple[dict, dict | None]:
    """``(main sections, worker sections or None)``: the ``multiproc_`` sections, with the
    prefix removed, configure worker processes."""
    main = {name: dict(options) for name, options in sections.items()
            if not name.startswith(MULTIPROC)}
    workers = {name[len(MULTIPROC):]: dict(options) for name, options in sections.items()
               if name.startswith(MULTIPROC)}
    return main, (workers or None)


def _keys(sections: IniSections, name: str) -> list[str]:
    raw = sections.get(name, {}).get("keys", "")
    return [key.strip() for key in raw.split(",") if key.strip()]


def _section(sections: IniSections, name: str, origin: str) -> Mapping[str, str]:
    try:
        return sections[name]
    except KeyError:
        raise ValueError(f"Logging config {origin}: section [{name}] is listed in the keys of "
                         f"its group but missing.") from None


def ini_to_dict(sections: IniSections, names: WildcardNames, origin: str) -> dict[str, Any]:
    """The ``dictConfig`` form of logging ini ``sections`` (wildcards filled by ``names``)."""
    config: dict[str, Any] = {"version": 1, "formatters": {}, "handlers": {}, "loggers": {}}
    for key in _keys(sections, "formatters"):
        options = _section(sections, f"formatter_{key}", origin)
        entry: dict[str, Any] = {"format": options.get("format"),
                                 "datefmt": options.get("datefmt"),
                                 "style": options.get("style", "%")}
        if options.get("class"):
            entry["class"] = options["class"]
        config["formatters"][key] = entry
    for key in _keys(sections, "handlers"):
        options = _section(sections, f"handler_{key}", origin)
        if "class" not in options:
            raise ValueError(f"Logging config {origin}: [handler_{key}] has no 'class'.")
        entry = {"()": ini_handler, "klass": options["class"],
                 "args": options.get("args", "()"), "kwargs": options.get("kwargs", "{}"),
                 "names": names, "where": f"{origin} [handler_{key}]"}
        if options.get("level"):
            entry["level"] = options["level"]
        if options.get("formatter"):
            entry["formatter"] = options["formatter"]
        config["handlers"][key] = entry
    for key in _keys(sections, "loggers"):
        options = _section(sections, f"logger_{key}", origin)
        entry = {"handlers": [h.strip() for h in options.get("handlers", "").split(",")
                              if h.strip()]}
        if options.get("level"):
            entry["level"] = options["level"]
        if key == "root":
            config["root"] = entry
            continue
        if "qualname" not in options:
            raise ValueError(f"Logging config {origin}: [logger_{key}] needs a 'qualname' (the "
                             "logger's name).")
        entry["propagate"] = bool(int(options.get("propagate", "1")))
        config["loggers"][options["qualname"]] = entry
    return config


def _evaluate(text: str, what: str, where: str) -> Any:
    try:
        # the fileConfig format: Python expressions in the logging module's namespace
        return eval(text, vars(logging))  # noqa: S307 - the user's own configuration
    except Exception as error:
        raise ValueError(f"Logging config {where}: cannot evaluate {what} = {text!r} "
                         f"({error}).") from error


def _handler_class(text: str, where: str) -> type:
    try:
        return eval(text, vars(logging))  # noqa: S307 - as logging.config.fileConfig does
    except (AttributeError, NameError, SyntaxError):
        module, _, name = text.rpartition(".")
        try:
            return getattr(__import__(module, fromlist=[name]), name)
        except (ImportError, AttributeError, ValueError) as error:
            raise ValueError(f"Logging config {where}: unknown handler class {text!r}.") from error


def _fill(value: Any, names: WildcardNames, keep_run: bool) -> Any:
    """File names in handler arguments with their wildcards filled (folders created)."""
    if isinstance(value, str) and looks_like_log_file(value):
        filled = names.fill(value, keep_run=keep_run)
        if not keep_run:  # a RunFileHandler makes the folders of its files itself
            make_folder(filled)
        return filled
    return value


def ini_handler(klass: str, args: str, kwargs: str, names: WildcardNames, where: str
                ) -> logging.Handler:
    """Build the handler of one ``[handler_<key>]`` section.

    A :class:`logging.FileHandler` whose file name holds ``$run``/``$set`` becomes a
    :class:`~pypet.log.handlers.RunFileHandler` (one file per run).
    """
    from pypet.log.handlers import RunFileHandler

    cls = _handler_class(klass, where)
    positional = _evaluate(args, "args", where)
    if not isinstance(positional, (tuple, list)):
        positional = (positional,)
    keywords = dict(_evaluate(kwargs, "kwargs", where))
    filename = positional[0] if positional else keywords.get("filename")
    per_run = (cls is logging.FileHandler and isinstance(filename, str)
               and any(wildcard in filename for wildcard in RUN_WILDCARDS))
    positional = [_fill(arg, names, per_run) for arg in positional]
    keywords = {key: _fill(value, names, per_run) for key, value in keywords.items()}
    return (RunFileHandler if per_run else cls)(*positional, **keywords)
