"""log_config as an ini file, a ConfigParser or a dict, the simple keywords, the wildcards,
and what applying a configuration may (not) change."""

from __future__ import annotations

import configparser
import logging
import os
import tempfile
import textwrap

import pytest

from pypet import Environment, rename_log_file
from pypet.log.filenames import temp_log_folder

INI = textwrap.dedent("""
    [loggers]
    keys=root,sim

    [logger_root]
    level=INFO
    handlers=main

    [logger_sim]
    qualname=mysim
    level=DEBUG
    handlers=debug
    propagate=0

    [handlers]
    keys=main,debug

    [handler_main]
    class=FileHandler
    args=('{folder}/$traj/$env/$host/main.log',)
    formatter=plain

    [handler_debug]
    class=logging.FileHandler
    level=DEBUG
    args=('{folder}/$traj/$proc.txt', 'w')
    formatter=plain

    [formatters]
    keys=plain

    [formatter_plain]
    format=%(levelname)s %(name)s %(message)s
""")


class Collect(logging.Handler):
    """A user's own handler: it must keep receiving records and stay open."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.closed = False

    def emit(self, record):
        self.messages.append(record.getMessage())

    def close(self):
        self.closed = True
        super().close()


@pytest.fixture
def user_handler():
    root = logging.getLogger()
    handler = Collect()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def test_ini_file_is_added_to_the_users_logging(tmp_path, user_handler):
    """An ini config adds its handlers: the user's root handler keeps working and stays open;
    propagate and levels are set, and restored by disable_logging."""
    path = tmp_path / "log.ini"
    path.write_text(INI.format(folder=tmp_path / "logs"))
    env = Environment(trajectory="inified", filename=str(tmp_path / "i.hdf5"),
                      log_config=str(path))
    logging.getLogger("mysim").debug("a debug line")
    logging.getLogger("pypet.user").info("an info line")
    assert logging.getLogger("mysim").propagate is False
    env.disable_logging()
    assert logging.getLogger("mysim").propagate is True
    assert not user_handler.closed and "an info line" in user_handler.messages
    host = rename_log_file("$host")
    main = (tmp_path / "logs" / "inified" / env.name / host / "main.log").read_text()
    assert "INFO pypet.user an info line" in main and "a debug line" not in main
    (debug,) = (tmp_path / "logs" / "inified").glob("MainProcess-*.txt")
    assert debug.read_text() == "DEBUG mysim a debug line\n"


def test_config_parser_and_dict_sources(tmp_path):
    """A ConfigParser works like the file; a dict is a dictConfig schema."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(INI.format(folder=tmp_path / "parsed"))
    env = Environment(trajectory="parsed", filename=str(tmp_path / "p.hdf5"), log_config=parser)
    env.disable_logging()
    assert (tmp_path / "parsed" / "parsed" / env.name).is_dir()
    config = {"version": 1, "disable_existing_loggers": True,
              "handlers": {"file": {"class": "logging.FileHandler",
                                    "filename": str(tmp_path / "d" / "$traj.log")}},
              "loggers": {"pypet": {"handlers": ["file"], "level": "INFO"}}}
    bystander = logging.getLogger("pypet_test.bystander")
    env = Environment(trajectory="dicted", filename=str(tmp_path / "d.hdf5"), log_config=config)
    env.disable_logging()
    assert not bystander.disabled  # disable_existing_loggers is never applied
    assert "created for trajectory dicted" in (tmp_path / "d" / "dicted.log").read_text()


def test_temp_wildcard_is_the_temporary_log_folder(tmp_path, monkeypatch):
    """$temp (pypet's example ini) means <tempdir>/pypet_logs, not a folder named '$temp'."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    assert temp_log_folder() == os.path.join(str(tmp_path / "tmp"), "pypet_logs")
    assert rename_log_file("$temp$traj/LOG.txt", traj_name="T") == \
        os.path.join(temp_log_folder(), "T", "LOG.txt")
    config = {"version": 1, "handlers": {"f": {"class": "logging.FileHandler",
                                              "filename": "$temp$traj/$env/LOG.txt"}},
              "loggers": {"pypet": {"handlers": ["f"], "level": "INFO"}}}
    monkeypatch.chdir(tmp_path)
    env = Environment(trajectory="tmp_traj", filename="t.hdf5", log_config=config)
    env.disable_logging()
    assert (tmp_path / "tmp" / "pypet_logs" / "tmp_traj" / env.name / "LOG.txt").is_file()
    assert not any("$" in p.name for p in tmp_path.rglob("*"))


def test_rename_log_file_takes_names_from_a_trajectory(tmp_path):
    """rename_log_file fills $traj/$env/$run/$set from a trajectory; $proc and $host from
    the process; run_ALL outside runs."""
    env = Environment(trajectory="named", filename=str(tmp_path / "n.hdf5"), log_config=None)
    traj = env.trajectory
    assert rename_log_file("$traj/$env/$run_$set.txt", trajectory=traj) == \
        f"named/{env.name}/run_ALL_run_set_ALL.txt"
    assert rename_log_file("$run", run_name="run_00000001") == "run_00000001"
    assert str(os.getpid()) in rename_log_file("$proc.log")
    assert " " not in rename_log_file("$proc", process_name=None)
    env.disable_logging()


@pytest.mark.parametrize(("options", "match"), [
    ({"log_config": "missing.ini"}, "no such logging ini file"),
    ({"log_config": 3.5}, "log_config must be"),
    ({"log_config": {"version": 2}}, "'version': 1"),
    ({"log_config": {"version": 1, "loggers": {"pypet": {"handlers": ["nope"]}}}},
     "handler 'nope'"),
    ({"log_stdout": ("a", "b", "c")}, "log_stdout must be"),
    ({"log_folder": "logs", "logger_names": ["a", "b"], "log_levels": [10, 20, 30]},
     "one per logger"),
])
def test_bad_logging_settings_are_named(tmp_path, monkeypatch, options, match):
    """Each wrong logging setting raises ValueError saying what is wrong."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=match):
        Environment(trajectory="bad", filename="b.hdf5", **options)


def test_bad_ini_handler_is_named(tmp_path):
    """An ini handler with an unknown class or bad args names the section."""
    path = tmp_path / "bad.ini"
    path.write_text(INI.format(folder=tmp_path).replace("class=FileHandler", "class=NoSuch"))
    with pytest.raises(ValueError, match=r"\[handler_main\].*NoSuch"):
        Environment(trajectory="bad", filename=str(tmp_path / "b.hdf5"), log_config=str(path))
    path.write_text(INI.format(folder=tmp_path).replace("[logger_sim]", "[logger_other]"))
    with pytest.raises(ValueError, match=r"\[logger_sim\] is listed"):
        Environment(trajectory="bad", filename=str(tmp_path / "b.hdf5"), log_config=str(path))


def test_simple_keywords_make_pypets_files(tmp_path):
    """log_folder/logger_names/log_levels: LOG.txt and ERROR.txt per environment, the levels
    per logger; log_multiproc=False leaves workers alone."""
    env = Environment(trajectory="simple", filename=str(tmp_path / "s.hdf5"),
                      log_folder=str(tmp_path / "logs"), logger_names=("pypet", "mysim"),
                      log_levels=(logging.WARNING, logging.DEBUG), log_multiproc=False)
    logging.getLogger("mysim").debug("debugging")
    logging.getLogger("pypet.x").info("not at WARNING")
    logging.getLogger("pypet.x").error("broken")
    assert env._logging.worker_spec().config is None
    env.disable_logging()
    folder = tmp_path / "logs" / "simple" / env.name
    log = (folder / "LOG.txt").read_text()
    assert "debugging" in log and "broken" in log and "not at WARNING" not in log
    assert "debugging" not in (folder / "ERROR.txt").read_text()


@pytest.mark.parametrize(("value", "target"), [
    (True, ("STDOUT", logging.INFO)), ("OUT", ("OUT", logging.INFO)),
    (logging.WARNING, ("STDOUT", logging.WARNING)), (("OUT", 30), ("OUT", 30)),
])
def test_log_stdout_forms(tmp_path, value, target):
    """log_stdout: True, a logger name, a level, or (name, level)."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(target[0])
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)  # with log_config=None the levels are the user's
    try:
        with Environment(trajectory="out", filename=str(tmp_path / "o.hdf5"), log_config=None,
                         log_stdout=value):
            print("captured line")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert [(r.name, r.levelno, r.getMessage()) for r in records] == \
        [(target[0], target[1], "captured line")]


def test_a_handler_printing_to_stdout_does_not_loop(tmp_path, capsys):
    """A handler that writes to sys.stdout while stdout is captured writes through to the
    real stdout instead of logging its own output again."""
    logger = logging.getLogger("OUT")
    logger.setLevel(logging.INFO)
    with Environment(trajectory="loop", filename=str(tmp_path / "l.hdf5"), log_config=None,
                     log_stdout="OUT"):
        import sys

        handler = logging.StreamHandler(sys.stdout)  # the capture object itself
        logger.addHandler(handler)
        try:
            print("once")
        finally:
            logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    captured = capsys.readouterr()
    assert captured.out == "once\n" and "Logging error" not in captured.err


def test_repository_configs_match_and_work(tmp_path, monkeypatch):
    """configs/default.ini is the packaged DEFAULT file; configs/debug.ini writes DEBUG.txt
    with debug lines of any logger (it configures the root logger)."""
    from pathlib import Path

    from pypet.log.sources import DEFAULT_INI

    configs = Path(__file__).resolve().parents[2] / "configs"
    assert (configs / "default.ini").read_bytes() == DEFAULT_INI.read_bytes()
    monkeypatch.chdir(tmp_path)
    with Environment(trajectory="debugged", filename="d.hdf5",
                     log_config=str(configs / "debug.ini")) as env:
        logging.getLogger("mysim").debug("a detail")
    debug = (tmp_path / "logs" / "debugged" / env.name / "DEBUG.txt").read_text()
    assert "mysim DEBUG    a detail" in debug
