"""log_config='DEFAULT' (pypet's log files) versus leaving log_config out (console only)."""

from __future__ import annotations

import logging
import sys

import pytest

from pypet import Environment


def chatty(traj):
    print("printed by run", traj.v_idx)
    logging.getLogger("pypet.user").info("info of run %d", traj.v_idx)
    if traj.x == 2:
        logging.getLogger("pypet.user").error("error of run %d", traj.v_idx)
    return traj.x


def test_spec_usage_writes_prints_into_log_files(tmp_path, monkeypatch):
    """The manual's `with Environment(log_config='DEFAULT', log_stdout=True)` writes
    logs/<traj>/<env>/LOG.txt with the prints and ERROR.txt with the errors only."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    root_state = (list(root.handlers), root.level)
    original_stdout = sys.stdout
    with Environment(trajectory="mytraj", filename="x.hdf5", log_config="DEFAULT",
                     log_stdout=True, report_progress=False) as env:
        assert (list(root.handlers), root.level) == root_state  # the root logger is the user's
        env.trajectory.f_add_parameter("x", 1)
        env.trajectory.f_explore({"x": [1, 2]})
        env.run(chatty)
        print("after the runs")
    assert sys.stdout is original_stdout
    folder = tmp_path / "logs" / "mytraj" / env.name
    log = (folder / "LOG.txt").read_text()
    for line in ("STDOUT INFO     printed by run 0", "STDOUT INFO     printed by run 1",
                 "pypet.user INFO     info of run 0", "after the runs",
                 f"Environment {env.name} created"):
        assert line in log
    error = (folder / "ERROR.txt").read_text()
    assert "error of run 1" in error and "info of run" not in error
    print("printed after the with block")
    assert "printed after the with block" not in (folder / "LOG.txt").read_text()


def test_leaving_log_config_out_writes_no_files(tmp_path, monkeypatch):
    """Without log_config only a console handler is added to `pypet` (removed afterwards)."""
    monkeypatch.chdir(tmp_path)
    pypet_logger = logging.getLogger("pypet")
    monkeypatch.setattr(pypet_logger, "handlers", [])  # as in a fresh process
    env = Environment(trajectory="quiet", filename="q.hdf5", report_progress=False)
    assert [type(h).__name__ for h in pypet_logger.handlers] == ["StreamHandler"]
    env.trajectory.f_add_parameter("x", 1)
    env.run(chatty)
    env.disable_logging()
    assert not pypet_logger.handlers
    assert not (tmp_path / "logs").exists()


def test_none_leaves_logging_alone(tmp_path):
    """log_config=None adds no handler anywhere."""
    before = {name: list(logging.getLogger(name).handlers) for name in ("", "pypet", "STDOUT")}
    env = Environment(trajectory="alone", filename=str(tmp_path / "a.hdf5"), log_config=None)
    assert {name: list(logging.getLogger(name).handlers) for name in before} == before
    env.disable_logging()


def test_default_with_simple_keywords_is_refused(tmp_path):
    """An explicit log_config cannot be combined with log_folder & co."""
    with pytest.raises(ValueError, match="either log_config or the simple keywords"):
        Environment(trajectory="x", log_config="DEFAULT", log_folder=str(tmp_path))


def test_a_second_environment_takes_over_the_log_files(tmp_path, monkeypatch):
    """A new environment's configuration replaces an earlier one still active, so its lines
    do not land in the earlier environment's files."""
    monkeypatch.chdir(tmp_path)
    first = Environment(trajectory="first", filename="f.hdf5", log_config="DEFAULT",
                        report_progress=False)
    second = Environment(trajectory="second", filename="s.hdf5", log_config="DEFAULT",
                         report_progress=False)
    logging.getLogger("pypet.user").info("only for the second")
    second.disable_logging()
    first.disable_logging()
    assert "only for the second" in (tmp_path / "logs" / "second" / second.name /
                                     "LOG.txt").read_text()
    assert "only for the second" not in (tmp_path / "logs" / "first" / first.name /
                                         "LOG.txt").read_text()


def test_disable_logging_can_keep_the_handlers(tmp_path, monkeypatch):
    """disable_logging(remove_all_handlers=False) ends stdout capture, keeps the files."""
    monkeypatch.chdir(tmp_path)
    pypet_logger, stdout_logger = logging.getLogger("pypet"), logging.getLogger("STDOUT")
    before = {logger: (list(logger.handlers), logger.level)
              for logger in (pypet_logger, stdout_logger)}
    env = Environment(trajectory="kept", filename="k.hdf5", log_config="DEFAULT",
                      log_stdout=True)
    with_env = list(pypet_logger.handlers)
    env.disable_logging(remove_all_handlers=False)
    assert not hasattr(sys.stdout, "original") and pypet_logger.handlers == with_env
    for logger, (handlers, level) in before.items():  # the handlers are the user's now
        for handler in logger.handlers[:]:
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)


def test_failed_construction_leaves_logging_as_it_was(tmp_path, monkeypatch):
    """An Environment that raises while being built takes its logging down again."""
    monkeypatch.chdir(tmp_path)
    handlers = list(logging.getLogger("pypet").handlers)
    with pytest.raises(ValueError, match="bogus"):
        Environment(trajectory="x", filename="x.hdf5", log_config="DEFAULT", log_stdout=True,
                    bogus=1)
    assert logging.getLogger("pypet").handlers == handlers
    assert not hasattr(sys.stdout, "original")
