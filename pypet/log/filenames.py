"""Wildcards in log file names: ``$env $traj $run $set $proc $host $temp``.

``$temp`` is a folder for logs in the system's temporary directory
(``<tempfile.gettempdir()>/pypet_logs/``); pypet's own example ini files start their file
names with it. ``$run``/``$set`` are the current run and run set (``run_ALL`` and
``run_set_ALL`` outside runs).
"""

from __future__ import annotations

import os
import re
import socket
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pypet import constants as C

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["LOG_TEMP", "RUN_WILDCARDS", "WildcardNames", "current_host_name",
           "current_process_name", "has_wildcard", "looks_like_log_file", "make_folder",
           "rename_log_file", "temp_log_folder"]

LOG_TEMP = "$temp"
#: wildcards that change from run to run
RUN_WILDCARDS = (C.LOG_RUN, C.LOG_SET)
_AWKWARD = re.compile(r"[^A-Za-z0-9_.-]+")
_ALL = (C.LOG_ENV, C.LOG_TRAJ, C.LOG_RUN, C.LOG_SET, C.LOG_PROC, C.LOG_HOST, LOG_TEMP)


def temp_log_folder() -> str:
    """The folder ``$temp`` stands for."""
    import tempfile  # only this wildcard needs it

    return os.path.join(tempfile.gettempdir(), "pypet_logs")


def current_process_name() -> str:
    """``<process name>-<pid>``, the value of ``$proc`` (characters that are awkward in file
    names, such as spaces, become ``-``)."""
    # a process that never imported multiprocessing is no child of it: the main process
    mp = sys.modules.get("multiprocessing")
    process = mp.current_process().name if mp is not None else "MainProcess"
    name = _AWKWARD.sub("-", process).strip("-")
    return f"{name}-{os.getpid()}"


def current_host_name() -> str:
    """The fully qualified host name with ``.`` turned into ``-``, the value of ``$host``."""
    return socket.getfqdn().replace(".", "-")


def has_wildcard(text: str) -> bool:
    """Whether ``text`` holds one of the file-name wildcards."""
    return any(wildcard in text for wildcard in _ALL)


def looks_like_log_file(text: str) -> bool:
    """pypet's rule for strings in a logging config that name a file."""
    return has_wildcard(text) or text.endswith((".log", ".txt"))


def make_folder(filename: str) -> None:
    """Create the folder of ``filename`` (also when another process does so at once)."""
    folder = os.path.dirname(filename)
    if folder:
        os.makedirs(folder, exist_ok=True)


@dataclass(frozen=True)
class WildcardNames:
    """The values of the wildcards that stay fixed in one process."""

    env: str = ""
    traj: str = ""

    def fill(self, filename: str, keep_run: bool = False) -> str:
        """``filename`` with its wildcards replaced; ``keep_run`` leaves ``$run``/``$set``
        for a handler that switches files per run."""
        run, run_set = (C.LOG_RUN, C.LOG_SET) if keep_run else (None, None)
        return rename_log_file(filename, env_name=self.env, traj_name=self.traj,
                               run_name=run, set_name=run_set)


def rename_log_file(filename: str, trajectory: Trajectory | None = None,
                    env_name: str | None = None, traj_name: str | None = None,
                    set_name: str | None = None,
                    run_name: str | None = None, process_name: str | None = None,
                    host_name: str | None = None) -> str:
    """Replace the wildcards in ``filename`` (pypet's ``rename_log_file``).

    Values not given are taken from ``trajectory`` (name, environment, current run), or the
    running process (``$proc``, ``$host``); ``$run``/``$set`` default to ``run_ALL`` and
    ``run_set_ALL``; ``$temp`` is :func:`temp_log_folder`.
    """
    if trajectory is not None:
        traj_name = traj_name or trajectory.v_name
        env_name = env_name or trajectory.v_environment_name
        run_name = run_name or trajectory.f_wildcard("$")
        set_name = set_name or trajectory.f_wildcard("$set")
    if C.LOG_PROC in filename and process_name is None:
        process_name = current_process_name()
    if C.LOG_HOST in filename and host_name is None:
        host_name = current_host_name()
    values = {C.LOG_ENV: env_name, C.LOG_TRAJ: traj_name, C.LOG_RUN: run_name or C.RUN_NAME_DUMMY,
              C.LOG_SET: set_name or C.SET_NAME_DUMMY, C.LOG_PROC: process_name,
              C.LOG_HOST: host_name}
    if LOG_TEMP in filename:  # "$temp$traj/..." and "$temp/$traj/..." both mean the folder
        filename = os.path.normpath(filename.replace(LOG_TEMP, temp_log_folder() + os.sep))
    # longest first: "$set" must not be read as "$s" + "et" of another wildcard
    for wildcard in sorted(values, key=len, reverse=True):
        value = values[wildcard]
        if wildcard in filename and value is not None:
            filename = filename.replace(wildcard, value)
    return filename
