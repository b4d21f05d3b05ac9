"""Handlers pypet adds: one log file per run, and ``print`` sent to a logger.

:class:`RunFileHandler` takes a file name holding ``$run``/``$set`` and writes each record
to the file of the run the current thread executes (set by :func:`pypet.log.runs.run_logging`),
so a worker process that runs many runs (a pool, an executor) still writes one file per run.
Files open at a run's first record and close when the run ends.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import IO, Any

from pypet import constants as C
from pypet.log.filenames import make_folder

__all__ = ["RunFileHandler", "StdoutToLogger", "current_run", "run_file_handlers"]

_state = threading.local()
#: the RunFileHandlers of this process (they switch files when a run ends)
_registry: list[RunFileHandler] = []
_OUTSIDE = (C.RUN_NAME_DUMMY, C.SET_NAME_DUMMY)


def current_run() -> tuple[str, str]:
    """``(run name, run set name)`` of the run this thread executes, or the ``_ALL`` names."""
    return getattr(_state, "run", _OUTSIDE)


def set_current_run(names: tuple[str, str] | None) -> tuple[str, str] | None:
    """Set this thread's run (None: no run); return the previous value."""
    previous = getattr(_state, "run", None)
    if names is None:
        _state.__dict__.pop("run", None)
    else:
        _state.run = names
    return previous


def run_file_handlers() -> list[RunFileHandler]:
    """The open :class:`RunFileHandler` instances of this process."""
    return _registry


class RunFileHandler(logging.Handler):
    """A file handler whose file name holds ``$run``/``$set``: one file per run.

    Takes the arguments of :class:`logging.FileHandler`; ``delay`` is accepted and always
    in effect (a file is created only when a run logs something).
    """

    def __init__(self, filename: str | os.PathLike, mode: str = "a",
                 encoding: str | None = None, delay: bool = True,
                 errors: str | None = None) -> None:
        super().__init__()
        self.template = os.fspath(filename)
        self.mode, self.encoding, self.errors = mode, encoding, errors
        self._streams: dict[tuple[str, str], IO[str]] = {}
        _registry.append(self)

    def filename_for(self, run: str, run_set: str) -> str:
        """The file of run ``run`` in set ``run_set``."""
        return self.template.replace(C.LOG_RUN, run).replace(C.LOG_SET, run_set)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            key = current_run()
            stream = self._streams.get(key)
            if stream is None:
                path = self.filename_for(*key)
                make_folder(path)
                stream = open(path, self.mode, encoding=self.encoding,  # noqa: SIM115
                              errors=self.errors)
                self._streams[key] = stream
            stream.write(self.format(record) + "\n")
            stream.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def end_run(self, key: tuple[str, str]) -> None:
        """Close the file of a finished run."""
        assert self.lock is not None  # logging.Handler.__init__ created it
        with self.lock:
            stream = self._streams.pop(key, None)
        if stream is not None:
            stream.close()

    def close(self) -> None:
        assert self.lock is not None
        with self.lock:
            streams, self._streams = list(self._streams.values()), {}
            if self in _registry:
                _registry.remove(self)
        for stream in streams:
            stream.close()
        super().close()


class StdoutToLogger:
    """A stand-in for ``sys.stdout`` that logs every written line."""

    def __init__(self, logger_name: str = "STDOUT", level: int = logging.INFO) -> None:
        self._logger = logging.getLogger(logger_name)
        self._level = level
        self._buffer = ""
        self._busy = False
        self.original = sys.stdout

    def write(self, text: str) -> int:
        if self._busy:
            # a handler of the logger writes to sys.stdout (this object): write through,
            # instead of logging the line again forever
            return self.original.write(text)
        self._busy = True
        try:
            self._buffer += text
            while "\n" in self._buffer:
                line, self._buffer = self._buffer.split("\n", 1)
                if line.strip():
                    self._logger.log(self._level, line)
        finally:
            self._busy = False
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip() and not self._busy:
            self._busy = True
            try:
                self._logger.log(self._level, self._buffer)
            finally:
                self._busy = False
        self._buffer = ""

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self.original, "encoding", "utf-8")

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self._logger.name, "level": self._level}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["name"], state["level"])  # type: ignore[misc]
