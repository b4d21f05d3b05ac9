"""Every logging test leaves the process's logging as it found it."""

from __future__ import annotations

import logging
import sys

import pytest

from pypet.log.setup import active_setups

#: loggers the tests configure
WATCHED = ("", "pypet", "STDOUT", "mysim", "OUT")


def snapshot() -> dict:
    state = {}
    for name in WATCHED:
        logger = logging.getLogger(name)
        state[name] = (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
    return state


@pytest.fixture(autouse=True)
def logging_untouched():
    """Fail a test that leaves handlers, levels or a redirected stdout behind."""
    before, stdout, active = snapshot(), sys.stdout, list(active_setups())
    yield
    leftover = [setup for setup in active_setups() if setup not in active]
    for setup in leftover:
        setup.disable()
    sys.stdout = stdout
    after = snapshot()
    for name in WATCHED:  # clean up first, so one failure does not spread
        logger = logging.getLogger(name)
        level, handlers, propagate, disabled = before[name]
        for handler in logger.handlers[:]:
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled
    assert not leftover, "an Environment's logging was not disabled"
    assert after == before


def read(path) -> str:
    return path.read_text(encoding="utf-8")
