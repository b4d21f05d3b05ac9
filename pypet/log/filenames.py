"""Wildcards in log file names (``$env``, ``$traj``, ``$run``, ``$set``, ``$proc``, ``$host``)."""

from __future__ import annotations

import ast
import configparser
import copy
import os
import socket
from typing import Any

from pypet import constants as C

__all__ = ["prepare_dict_config", "prepare_ini_config", "rename_log_file"]

_MULTIPROC = "multiproc_"


def rename_log_file(filename: str, trajectory: Any = None, env_name: str | None = None,
                    traj_name: str | None = None, set_name: str | None = None,
                    run_name: str | None = None, process_name: str | None = None,
                    host_name: str | None = None) -> str:
    """Replace the wildcards in ``filename`` (pypet's ``rename_log_file``).

    Values not given are taken from ``trajectory`` (name, environment, current run) or the
    running process; ``$host`` is the fully qualified host name with ``.`` turned into ``-``.
    """
    import multiprocessing

    if trajectory is not None:
        traj_name = traj_name or trajectory.v_name
        env_name = env_name or trajectory.v_environment_name
        run_name = run_name or trajectory.v_crun_
        set_name = set_name or trajectory.f_wildcard("$set")
    if process_name is None:
        process_name = f"{multiprocessing.current_process().name}-{os.getpid()}"
    if host_name is None:
        host_name = socket.getfqdn().replace(".", "-")
    values = {C.LOG_ENV: env_name, C.LOG_TRAJ: traj_name, C.LOG_RUN: run_name or "run_ALL",
              C.LOG_SET: set_name or "run_set_ALL", C.LOG_PROC: process_name,
              C.LOG_HOST: host_name}
    # longest first: "$set" must not be read as "$s" + "et" of another wildcard
    for wildcard in sorted(values, key=len, reverse=True):
        if wildcard in filename and values[wildcard] is not None:
            filename = filename.replace(wildcard, values[wildcard])
    return filename


def _is_log_file(text: str) -> bool:
    return "$" in text or text.endswith((".log", ".txt"))


def _make_folder(filename: str) -> None:
    folder = os.path.dirname(filename)
    if folder:
        os.makedirs(folder, exist_ok=True)


def prepare_ini_config(source: Any, **names: Any) -> configparser.RawConfigParser:
    """Read an ini logging config, drop ``multiproc_`` sections, fill file-name wildcards
    in handler ``args`` and create the folders of the log files."""
    parser = configparser.RawConfigParser()
    if isinstance(source, configparser.RawConfigParser):
        parser.read_dict({s: dict(source.items(s, raw=True)) for s in source.sections()})
    else:
        with open(source, encoding="utf8") as handle:
            parser.read_file(handle)
    for section in list(parser.sections()):
        if section.startswith(_MULTIPROC):
            parser.remove_section(section)
            continue
        if section.startswith("handler_") and parser.has_option(section, "args"):
            args = parser.get(section, "args")
            for node in ast.walk(ast.parse(args, mode="eval")):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and _is_log_file(node.value):
                    renamed = rename_log_file(node.value, **names)
                    _make_folder(renamed)
                    args = args.replace(node.value, renamed)
            parser.set(section, "args", args)
    return parser


def prepare_dict_config(config: dict, **names: Any) -> dict:
    """The same for a ``logging.config.dictConfig`` dict (a copy is returned)."""
    config = {k: v for k, v in copy.deepcopy(config).items() if not k.startswith(_MULTIPROC)}
    for handler in (config.get("handlers") or {}).values():
        filename = handler.get("filename")
        if isinstance(filename, str) and _is_log_file(filename):
            handler["filename"] = rename_log_file(filename, **names)
            _make_folder(handler["filename"])
    return config
