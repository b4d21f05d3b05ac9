"""One log file per run in every runner: serial (with ``$run`` in a file name), pool,
forked processes and executors, with what each run printed."""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing as mp
import re
import socket
import threading

import pytest

from pypet import Environment
from pypet.log.handlers import RunFileHandler
from pypet.log.workers import run_logging

HOST = socket.getfqdn().replace(".", "-")
RUNNERS = {
    "pool": dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE"),
    "forked": dict(multiproc=True, ncores=2, use_pool=False, wrap_mode="LOCK"),
}


def chatty(traj):
    print(f"printed by run {traj.v_idx}")
    logging.getLogger("pypet.user").info("logged by run %d", traj.v_idx)
    if traj.v_idx == 1:
        logging.getLogger("pypet.user").error("an error in run 1")
    return traj.x


def run_default(tmp_path, monkeypatch, **kwargs):
    monkeypatch.chdir(tmp_path)
    with Environment(trajectory="runs", filename="r.hdf5", log_config="DEFAULT",
                     log_stdout=True, report_progress=False, **kwargs) as env:
        env.trajectory.f_add_parameter("x", 0)
        env.trajectory.f_explore({"x": [0, 1, 2]})
        assert env.run(chatty) == [(0, 0), (1, 1), (2, 2)]
    return tmp_path / "logs" / "runs" / env.name


def per_run_files(folder, kind="LOG"):
    """``{run index: file}`` of the worker files ``run_XXXXXXXX_<host>_<proc>_<kind>.txt``."""
    pattern = re.compile(rf"run_(\d{{8}})_{re.escape(HOST)}_(.+)-(\d+)_{kind}\.txt")
    found = {}
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match:
            assert int(match.group(1)) not in found, "two files for one run"
            found[int(match.group(1))] = path
    return found


@pytest.mark.multiproc
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_worker_processes_write_one_file_per_run(tmp_path, monkeypatch, runner):
    """Pool and forked workers write run_<idx>_<host>_<proc>_LOG.txt per run, holding that
    run's prints and log lines only; errors also go to the run's ERROR file."""
    folder = run_default(tmp_path, monkeypatch, **RUNNERS[runner])
    files = per_run_files(folder)
    assert sorted(files) == [0, 1, 2]
    for idx, path in files.items():
        text = path.read_text()
        assert f"STDOUT INFO     printed by run {idx}" in text
        assert f"logged by run {idx}" in text
        assert all(f"by run {other}" not in text for other in {0, 1, 2} - {idx})
    assert list(per_run_files(folder, "ERROR")) == [1]
    main_log = (folder / "LOG.txt").read_text()
    assert "printed by run" not in main_log and "Starting 3 runs" in main_log


def test_serial_runs_write_into_the_main_log(tmp_path, monkeypatch):
    """Serially, everything (prints included) goes to LOG.txt; no per-run files."""
    folder = run_default(tmp_path, monkeypatch)
    log = (folder / "LOG.txt").read_text()
    assert all(f"printed by run {idx}" in log for idx in range(3))
    assert not per_run_files(folder)


@pytest.mark.multiproc
def test_executor_workers_configure_their_own_logging(tmp_path, monkeypatch):
    """Spawned executor workers (nothing inherited) set up the per-run files themselves."""
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
        folder = run_default(tmp_path, monkeypatch, executor=pool, ncores=2)
    files = per_run_files(folder)
    assert sorted(files) == [0, 1, 2]
    assert all(f"printed by run {idx}" in path.read_text() for idx, path in files.items())


def test_run_wildcard_in_the_main_config_splits_serial_runs(tmp_path, monkeypatch):
    """With $run in a file name of the main configuration, serial runs get a file each and
    messages outside runs go to the run_ALL file."""
    monkeypatch.chdir(tmp_path)
    config = {"version": 1,
              "formatters": {"plain": {"format": "%(name)s %(message)s"}},
              "handlers": {"runs": {"class": "logging.FileHandler", "formatter": "plain",
                                    "filename": "logs/$traj/$set/$run.log"}},
              "loggers": {"pypet": {"level": "INFO", "handlers": ["runs"]},
                          "STDOUT": {"level": "INFO", "handlers": ["runs"]}}}
    with Environment(trajectory="serial", filename="s.hdf5", log_config=config,
                     log_stdout=True, report_progress=False) as env:
        env.trajectory.f_add_parameter("x", 0)
        env.trajectory.f_explore({"x": [0, 1]})
        env.run(chatty)
    folder = tmp_path / "logs" / "serial"
    assert (folder / "run_set_00000" / "run_00000000.log").read_text() == \
        "STDOUT printed by run 0\npypet.user logged by run 0\n"
    assert "printed by run 1" in (folder / "run_set_00000" / "run_00000001.log").read_text()
    assert "Starting 2 runs" in (folder / "run_set_ALL" / "run_ALL.log").read_text()


def test_threads_write_to_their_own_run_files(tmp_path):
    """run_logging is per thread: two runs at once in one process keep separate files."""
    handler = RunFileHandler(str(tmp_path / "$run.log"))
    logger = logging.getLogger("pypet.threads_test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    inside = threading.Barrier(2)

    def one_run(idx):
        with run_logging(idx):
            inside.wait()  # both runs are active at the same moment
            logger.info("from run %d", idx)

    try:
        threads = [threading.Thread(target=one_run, args=(idx,)) for idx in (3, 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        logger.info("outside any run")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        handler.close()
    assert (tmp_path / "run_00000003.log").read_text() == "from run 3\n"
    assert (tmp_path / "run_00000004.log").read_text() == "from run 4\n"
    assert (tmp_path / "run_ALL.log").read_text() == "outside any run\n"


def test_run_logging_costs_nothing_without_run_files():
    """Without per-run files run_logging is one shared no-op context."""
    assert run_logging(1) is run_logging(2)
