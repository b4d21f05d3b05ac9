"""Applying a ``dictConfig`` dict by adding to the logging setup, and undoing exactly that.

``logging.config.dictConfig`` and ``fileConfig`` first close every handler of the process
and replace the handlers of each logger they name, which would close the files and
consoles of the user's own logging (and of test tools). pypet instead builds the
formatters, filters and handlers with the standard :class:`logging.config.DictConfigurator`
and *adds* them to the named loggers, remembering the levels and flags it changed, so
:meth:`Applied.undo` restores the state from before. ``disable_existing_loggers`` is
ignored: no logger is disabled.
"""

from __future__ import annotations

import logging
import logging.config
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Applied", "apply_config"]


@dataclass
class Applied:
    """What one configuration added and changed (for :meth:`undo`)."""

    handlers: list[logging.Handler] = field(default_factory=list)
    attached: list[tuple[logging.Logger, logging.Handler]] = field(default_factory=list)
    filters: list[tuple[logging.Logger, Any]] = field(default_factory=list)
    levels: dict[logging.Logger, int] = field(default_factory=dict)
    propagate: dict[logging.Logger, bool] = field(default_factory=dict)

    def add_handler(self, logger: logging.Logger, handler: logging.Handler) -> None:
        """Attach ``handler`` to ``logger`` and remember it."""
        logger.addHandler(handler)
        self.attached.append((logger, handler))
        if handler not in self.handlers:
            self.handlers.append(handler)

    def set_level(self, logger: logging.Logger, level: Any) -> None:
        """Set ``logger``'s level, remembering the first previous value."""
        self.levels.setdefault(logger, logger.level)
        logger.setLevel(level)

    def undo(self, close: bool = True) -> None:
        """Remove what was added and restore what was changed.

        ``close=False`` (a forked child leaving its parent's handlers) leaves the files open.
        """
        for logger, handler in self.attached:
            logger.removeHandler(handler)
        for logger, log_filter in self.filters:
            logger.removeFilter(log_filter)
        for logger, level in self.levels.items():
            logger.setLevel(level)
        for logger, value in self.propagate.items():
            logger.propagate = value
        if close:
            for handler in self.handlers:
                handler.close()
        self.attached.clear()
        self.filters.clear()
        self.levels.clear()
        self.propagate.clear()
        self.handlers.clear()


def _logger(name: str) -> logging.Logger:
    return logging.getLogger() if name in ("", "root") else logging.getLogger(name)


def _build_all(kind: str, entries: Any, build: Any) -> None:
    """Build every entry of a section in place; entries that refer to others not built yet
    (e.g. a MemoryHandler's target) are retried after the rest."""
    pending = list(entries)
    errors: dict[str, Exception] = {}
    while pending:
        failed = []
        for name in pending:
            original = dict(entries[name])  # the configurator consumes the entry it builds
            try:
                entries[name] = built = build(entries[name])
                if kind == "handlers":
                    built.name = name
            except Exception as error:  # retried once the others exist
                entries[name] = original
                errors.setdefault(name, error)
                failed.append(name)
        if len(failed) == len(pending):
            first = errors[failed[0]]
            raise ValueError(f"Logging config: cannot build {kind[:-1]} {failed[0]!r}: "
                             f"{first}") from first
        pending = failed


def apply_config(config: dict[str, Any]) -> Applied:
    """Add the formatters, filters, handlers and logger settings of ``config``."""
    if config.get("version") != 1:
        raise ValueError(f"A logging dict needs 'version': 1 (the dictConfig schema); got "
                         f"{config.get('version')!r}.")
    configurator = logging.config.DictConfigurator(config)
    converted = configurator.config  # the configurator looks formatters etc. up in here
    _build_all("formatters", converted.get("formatters", {}), configurator.configure_formatter)
    _build_all("filters", converted.get("filters", {}), configurator.configure_filter)
    applied = Applied()
    handlers = converted.get("handlers", {})
    try:
        _build_all("handlers", handlers, configurator.configure_handler)
        applied.handlers.extend(h for h in handlers.values() if isinstance(h, logging.Handler))
        loggers = dict(converted.get("loggers", {}))
        if "root" in converted:
            loggers["root"] = converted["root"]
        for name, options in loggers.items():
            logger = _logger(name)
            options = options or {}
            if options.get("level") is not None:
                applied.set_level(logger, options["level"])
            if options.get("propagate") is not None:
                applied.propagate.setdefault(logger, logger.propagate)
                logger.propagate = bool(options["propagate"])
            for key in options.get("handlers", []):
                if key not in handlers:
                    raise ValueError(f"Logging config: logger {name!r} names the handler "
                                     f"{key!r}, which is not configured.")
                applied.add_handler(logger, handlers[key])
            for key in options.get("filters", []):
                log_filter = converted["filters"][key]
                logger.addFilter(log_filter)
                applied.filters.append((logger, log_filter))
    except BaseException:
        applied.handlers.extend(h for h in handlers.values()
                                if isinstance(h, logging.Handler) and h not in applied.handlers)
        applied.undo()
        raise
    return applied
