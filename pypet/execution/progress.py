"""A text progress bar that works in a terminal and in log files (pypet's ``progressbar``)."""

from __future__ import annotations

import datetime
import logging
import sys
import time as _time
from typing import Any

__all__ = ["ProgressReporter", "progressbar"]

_state: dict[str, Any] = {"start": None, "last": -1.0}


def progressbar(index: int, total: int, percentage_step: float = 10, logger: Any = "print",
                log_level: int = logging.INFO, reprint: bool = True, time: bool = True,
                length: int = 20, fmt_string: str | None = None, reset: bool = False) -> str | None:
    """Report progress of ``index`` (0-based) out of ``total`` every ``percentage_step`` %.

    ``logger`` is ``'print'`` (stdout; with ``reprint`` the line is redrawn in place), a
    logger name or a ``logging.Logger``. Returns the text when something was reported.
    """
    if reset or index == 0 or _state["start"] is None:
        _state["start"], _state["last"] = _time.time(), -1.0
    done = index + 1
    percent = 100.0 * done / total if total else 100.0
    step = int(percent // percentage_step)
    if step <= _state["last"] and done < total:
        return None
    _state["last"] = step
    filled = int(length * done / total) if total else length
    bar = "[" + "=" * filled + " " * (length - filled) + "]"
    text = f"Finished {done}/{total} runs {bar} {percent:5.1f}%"
    if time and done < total:
        elapsed = _time.time() - _state["start"]
        remaining = elapsed / done * (total - done)
        text += f", remaining: {datetime.timedelta(seconds=int(remaining))}"
    if fmt_string:
        text = fmt_string % text
    if logger == "print":
        end = "\r" if reprint and done < total and sys.stdout.isatty() else "\n"
        print(text, end=end, flush=True)
    else:
        log = logger if isinstance(logger, logging.Logger) else logging.getLogger(logger)
        log.log(log_level, "PROGRESS: %s", text)
    return text


class ProgressReporter:
    """Reports finished runs of one experiment with the Environment's settings."""

    def __init__(self, total: int, setting: tuple[float, str, int] | None) -> None:
        self._total, self._setting, self._done = total, setting, 0
        self._next_step = 0  # report when the finished share reaches this many steps

    def add_total(self, runs: int) -> None:
        """More runs to report on (the trajectory was expanded while running)."""
        self._total += runs

    def run_finished(self, count: int = 1) -> None:
        """Count ``count`` finished runs (a worker's batch: many) and report if a step was
        crossed."""
        if self._setting is None or not self._total:
            return
        step, logger, level = self._setting
        done = self._done + count
        reached = int(100.0 * done / self._total // step)
        # cheap test first: most runs cross no step (this runs once per run)
        if reached >= self._next_step or done == self._total:
            progressbar(done - 1, self._total, step, logger, level, reset=self._done == 0)
            self._next_step = reached + 1
        self._done = done
