"""``HasLogger``: a ``_logger`` property for pypet classes, without storing the logger."""

from __future__ import annotations

import logging
from functools import cache

__all__ = ["HasLogger", "logger_name"]


@cache
def logger_name(cls: type) -> str:
    """Return ``pypet.<module>.<Class>`` for ``cls`` (``pypet.`` is not doubled)."""
    module = cls.__module__
    if module != "pypet" and not module.startswith("pypet."):
        module = f"pypet.{module}"
    return f"{module}.{cls.__name__}"


class HasLogger:
    """Mixin giving ``self._logger``, the logger ``pypet.<module>.<Class>``.

    The logger is looked up on each access (``logging.getLogger`` caches it), so nothing is
    kept on the instance: objects pickle without a logger and pick up the logging
    configuration of the process they are unpickled in.
    """

    __slots__ = ()

    @property
    def _logger(self) -> logging.Logger:
        cls: type = type(self)
        return logging.getLogger(logger_name(cls))
