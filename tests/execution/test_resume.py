"""Resuming: crashed sweeps, damaged files and journals, failed runs, bad input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pypet import Environment, Trajectory
from pypet.execution.journal import read_journal, scan_journal
from tests.execution.kill_harness import REPO
from tests.execution.resume_sweep import expected, sweep_run

CRASH_SCRIPT = """
import os, sys
sys.path.insert(0, {repo!r})
from tests.execution.resume_sweep import MODES, sweep_run
from pypet import Environment

def dying(traj, executions=None, die_at=-1, flag=None):
    if traj.v_idx == die_at and not os.path.exists(flag):
        open(flag, "w").close()
        os._exit(3)  # the whole main process dies once, as under SIGKILL
    return sweep_run(traj, executions)

env = Environment(trajectory="sweep", filename={file!r}, log_config=None,
                  report_progress=False, resumable=True, resume_folder={folder!r})
env.trajectory.f_add_parameter("x", 0.0)
env.trajectory.f_explore({{"x": [float(i) for i in range({runs})]}})
env.run(dying, executions={executions!r}, die_at={die_at}, flag={flag!r})
"""


def crash(tmp_path: Path, runs: int = 8, die_at: int = 5) -> dict[str, str]:
    """Run a resumable serial sweep in a subprocess that dies in run ``die_at``."""
    paths = {"file": str(tmp_path / "sweep.hdf5"), "folder": str(tmp_path / "resume"),
             "executions": str(tmp_path / "executions")}
    script = CRASH_SCRIPT.format(repo=str(REPO), runs=runs, die_at=die_at,
                                 flag=str(tmp_path / "died"), **paths)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=tmp_path)
    assert done.returncode == 3, done.stderr.decode()
    return paths


def resume_env(paths: dict[str, str], **kwargs) -> Environment:
    return Environment(trajectory="sweep", filename=paths["file"], log_config=None,
                       report_progress=False, resume_folder=paths["folder"], **kwargs)


def executions(paths: dict[str, str]) -> list[int]:
    return [int(line.split()[1]) for line in Path(paths["executions"]).read_text().split("\n")
            if line]


def assert_complete(filename: str, runs: int) -> None:
    traj = Trajectory(filename=filename)
    traj.f_load(name="sweep", load_data=2)
    assert traj.f_is_completed() and len(traj) == runs
    zs = traj.f_get_from_runs("z", fast_access=True, use_indices=True)
    assert zs == {idx: expected(idx)["z"] for idx in range(runs)}


def file_digest(filename: str) -> str:
    return hashlib.sha256(Path(filename).read_bytes()).hexdigest()


def test_resume_after_a_crash_runs_only_what_did_not_finish(tmp_path):
    """The crashed run and the never-started ones run; finished ones come from the journal."""
    paths = crash(tmp_path)
    journal = Path(paths["folder"]) / "sweep"
    assert sorted(scan_journal(journal)) == [0, 1, 2, 3, 4]
    results = resume_env(paths).resume()
    assert results == [(idx, expected(idx)["z"]) for idx in range(8)]
    assert executions(paths) == [0, 1, 2, 3, 4, 5, 6, 7]  # run 5 died before recording
    assert_complete(paths["file"], 8)
    assert not journal.exists()


def test_resume_with_other_runner_and_pypets_names(tmp_path):
    """f_continue with continue_folder, on a pool with another core count, works too."""
    paths = crash(tmp_path)
    with pytest.warns(DeprecationWarning, match="continuable"):
        env = Environment(trajectory="sweep", log_config=None, report_progress=False,
                          continuable=True, multiproc=True, use_pool=True, ncores=2,
                          wrap_mode="QUEUE")
    with pytest.warns(DeprecationWarning, match="continue_folder"):
        results = env.f_continue(trajectory_name="sweep", continue_folder=paths["folder"])
    assert len(results) == 8
    assert_complete(paths["file"], 8)
    config = env.trajectory.f_get(f"config.environment.{env.name}.resumed", fast_access=True)
    assert config is True


def test_a_torn_journal_tail_is_ignored(tmp_path, caplog):
    """A half-written record at the end of a segment never counts; resume still works."""
    paths = crash(tmp_path)
    journal = Path(paths["folder"]) / "sweep"
    (segment,) = journal.glob("journal-*.pjl")
    with open(segment, "ab") as handle:
        handle.write(b"PJ\x50" + b"\x07" * 20)  # a record header cut short
    assert sorted(o.idx for o in read_journal(journal)) == [0, 1, 2, 3, 4]
    resume_env(paths).resume()
    assert "unfinished record" in caplog.text
    assert_complete(paths["file"], 8)


def test_a_damaged_file_is_set_aside_and_rebuilt_from_snapshot_and_journal(tmp_path, caplog):
    """A file a crash left unreadable is kept aside; resume stores everything anew."""
    paths = crash(tmp_path)
    data = Path(paths["file"]).read_bytes()
    Path(paths["file"]).write_bytes(data[: len(data) // 3])  # cut mid-file
    resume_env(paths).resume()
    assert "cannot be read" in caplog.text
    assert len(list(tmp_path.glob("sweep.damaged-*.hdf5"))) == 1
    assert_complete(paths["file"], 8)
    traj = Trajectory(filename=paths["file"])
    traj.f_load(name="sweep", load_data=2)
    assert traj.f_get("results.runs.run_00000002.z").v_comment == "sum of the values"


def test_a_missing_file_is_stored_anew(tmp_path):
    """If the file is gone, resume stores the trajectory from the snapshot again."""
    paths = crash(tmp_path)
    os.remove(paths["file"])
    resume_env(paths).resume()
    assert_complete(paths["file"], 8)


def test_missing_resume_folder_is_a_clear_error(tmp_path):
    """No folder for the trajectory: FileNotFoundError naming it; nothing is written."""
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")})
    with pytest.raises(FileNotFoundError, match="Nothing to resume for trajectory 'sweep'"):
        env.resume()
    assert not (tmp_path / "f.hdf5").exists() and not (tmp_path / "r").exists()


def test_foreign_resume_folder_is_a_clear_error(tmp_path):
    """A folder without a snapshot is not a resume folder; it is left alone."""
    foreign = tmp_path / "r" / "sweep"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine")
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")})
    with pytest.raises(ValueError, match="not the resume folder of an experiment"):
        env.resume()
    assert (foreign / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "f.hdf5").exists()


def test_changed_explored_space_is_refused_and_nothing_is_written(tmp_path):
    """The file's explored values differ from the snapshot's: ValueError, file untouched."""
    paths = crash(tmp_path)
    other = Environment(trajectory="sweep", filename=paths["file"], log_config=None,
                        report_progress=False, overwrite_file=True)
    other.trajectory.f_add_parameter("x", 0.0)
    other.trajectory.f_explore({"x": [float(i) * 10 for i in range(8)]})
    other.run(sweep_run)
    before = file_digest(paths["file"])
    journal = sorted(p.name for p in (Path(paths["folder"]) / "sweep").iterdir())
    with pytest.raises(ValueError, match="explored space changed.*x of run 1"):
        resume_env(paths).resume()
    assert file_digest(paths["file"]) == before
    assert sorted(p.name for p in (Path(paths["folder"]) / "sweep").iterdir()) == journal


def test_a_finished_trajectory_cannot_be_resumed(tmp_path):
    """With delete_resume=False the folder stays, marked finished; resuming says so."""
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     resumable=True, delete_resume=False)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0, 1.0]})
    env.run(sweep_run)
    before = file_digest(str(tmp_path / "f.hdf5"))
    again = resume_env({"file": str(tmp_path / "g.hdf5"), "folder": str(tmp_path / "r")})
    with pytest.raises(ValueError, match="already finished"):
        again.resume()
    assert file_digest(str(tmp_path / "f.hdf5")) == before


def test_a_run_function_dill_cannot_save_is_refused_before_anything_is_written(tmp_path):
    """resumable=True with a function holding a generator: TypeError naming it; no file,
    no resume folder."""
    numbers = (i for i in range(100))

    def holds_generator(traj):
        return next(numbers)

    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     resumable=True)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0, 1.0]})
    with pytest.raises(TypeError, match="holds_generator.*cannot be snapshotted with dill"):
        env.run(holds_generator)
    assert not (tmp_path / "f.hdf5").exists()
    assert not any((tmp_path / "r").rglob("*.dill"))


def test_an_unfinished_experiment_in_the_folder_is_not_overwritten(tmp_path):
    """A new experiment of the same trajectory name refuses a folder holding a crashed one."""
    paths = crash(tmp_path)
    env = Environment(trajectory="sweep", filename=str(tmp_path / "new.hdf5"),
                      log_config=None, report_progress=False, resumable=True,
                      resume_folder=paths["folder"])
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0]})
    with pytest.raises(RuntimeError, match="holds an unfinished experiment.*env.resume"):
        env.run(sweep_run)
    assert not (tmp_path / "new.hdf5").exists()


def test_run_map_and_no_automatic_storing_cannot_be_resumable(tmp_path):
    """As in pypet: run_map and automatic_storing=False do not combine with resumable; a
    bad resume_fsync, or a resume_folder that is a file, is refused at once."""
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     resumable=True)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0, 1.0]})
    with pytest.raises(ValueError, match="run_map"):
        env.run_map(sweep_run, [None, None])
    with pytest.raises(ValueError, match="automatic_storing"):
        Environment(log_config=None, resumable=True, automatic_storing=False)
    with pytest.raises(ValueError, match="resume_fsync"):
        Environment(log_config=None, resumable=True, resume_fsync="sometimes")
    (tmp_path / "a_file").write_text("")
    with pytest.raises(ValueError, match="'.*a_file' is a file, not a folder"):
        Environment(log_config=None, resumable=True, resume_folder=str(tmp_path / "a_file"))


def flaky(traj):
    """Fail on odd runs unless the marker file exists (then every run works)."""
    marker = Path(traj.f_get("marker", fast_access=True))
    if traj.v_idx % 2 and not marker.exists():
        raise ArithmeticError(f"odd run {traj.v_idx}")
    traj.f_add_result("z", traj.x)
    return traj.x


def flaky_env(tmp_path, on_error="continue", **kwargs):
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     on_error=on_error, **kwargs)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_add_parameter("marker", str(tmp_path / "marker"))
    env.trajectory.f_explore({"x": [float(i) for i in range(6)]})
    return env


def test_on_error_continue_records_failures_and_goes_on(tmp_path, caplog):
    """Failing runs are recorded with their traceback; the others complete."""
    env = flaky_env(tmp_path)
    results = env.run(flaky)
    assert results == [(0, 0.0), (2, 2.0), (4, 4.0)]
    traj = Trajectory(filename=str(tmp_path / "f.hdf5"))
    traj.f_load(name="sweep", load_parameters=2)
    info = traj.f_get_run_information(3)
    assert info["failed"] == 1 and not info["completed"]
    assert info["error"] == "ArithmeticError: odd run 3"
    assert "raise ArithmeticError" in info["traceback"]
    assert traj.f_is_completed(2) and not traj.f_get_run_information(2)["failed"]
    assert "Run 1 failed (on_error='continue'" in caplog.text


def test_only_failed_reruns_just_the_failed_runs(tmp_path):
    """run(..., only_failed=True) repeats runs 1, 3, 5 and nothing else."""
    env = flaky_env(tmp_path)
    env.run(flaky)
    (tmp_path / "marker").touch()
    assert env.current_idx == 6  # only_failed looks at every run all the same
    assert env.run(flaky, only_failed=True) == [(1, 1.0), (3, 3.0), (5, 5.0)]
    traj = Trajectory(filename=str(tmp_path / "f.hdf5"))
    traj.f_load(name="sweep", load_data=2)
    assert traj.f_is_completed() and not any(
        traj.f_get_run_information(i)["failed"] for i in range(6))


def test_resume_reruns_failed_runs_of_a_resumable_sweep(tmp_path):
    """With failures the resume folder stays; env.resume() runs only the failed runs."""
    env = flaky_env(tmp_path, resumable=True)
    env.run(flaky)
    assert (tmp_path / "r" / "sweep").is_dir()
    (tmp_path / "marker").touch()
    results = flaky_env(tmp_path).resume()
    assert results == [(i, float(i)) for i in range(6)]
    assert not (tmp_path / "r" / "sweep").exists()


def test_default_on_error_stops_and_raises_the_runs_error(tmp_path):
    """As in pypet: the first failing run stops the sweep, its exception propagates, and
    it is recorded as failed."""
    env = flaky_env(tmp_path, on_error="raise")
    with pytest.raises(ArithmeticError, match="odd run 1"):
        env.run(flaky)
    info = env.trajectory.f_get_run_information(1)
    assert info["failed"] == 1 and env.trajectory.f_is_completed(0)
    assert not env.trajectory.f_is_completed(2)


def test_resumable_sweep_without_crash_leaves_no_folder(tmp_path):
    """A resumable sweep that finishes deletes its folder (delete_resume=True)."""
    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     resumable=True)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0, 1.0, 2.0]})
    assert [v for _, v in env.run(sweep_run)] == [expected(i)["z"] for i in range(3)]
    assert not (tmp_path / "r" / "sweep").exists()
    assert (tmp_path / "r").is_dir()  # the parent stays: other trajectories may use it


def test_in_run_stores_reach_the_journal(tmp_path):
    """A resumable run's own f_store() is deferred: the journal holds the item too."""
    def stores_itself(traj):
        traj.f_add_result("early", np.arange(3) * traj.x)
        traj.f_store()
        traj.f_add_result("late", traj.x)
        return traj.x

    env = resume_env({"file": str(tmp_path / "f.hdf5"), "folder": str(tmp_path / "r")},
                     resumable=True, delete_resume=False)
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [1.0, 2.0]})
    env.run(stores_itself)
    outcomes = list(read_journal(tmp_path / "r" / "sweep"))
    names = {leaf.full_name.rpartition(".")[2] for o in outcomes for leaf in o.leaves}
    assert names == {"early", "late"}
    traj = Trajectory(filename=str(tmp_path / "f.hdf5"))
    traj.f_load(name="sweep", load_data=2)
    np.testing.assert_array_equal(traj.f_get("run_00000001.early", fast_access=True),
                                  [0.0, 2.0, 4.0])


def test_a_file_that_opens_but_fails_on_write_is_rebuilt(tmp_path, caplog):
    """A damaged chunk in the run table that loading does not read (the file opens):
    replaying fails, so the file is set aside and rebuilt from snapshot and journal."""
    h5py = pytest.importorskip("h5py")
    paths = crash(tmp_path)
    with h5py.File(paths["file"], "r") as h5:
        column = h5["sweep/overview/runs/runtime"]
        offset, size = column.id.get_chunk_info(0).byte_offset, column.id.get_chunk_info(0).size
    with open(paths["file"], "r+b") as handle:  # garbage where the compressed chunk is
        handle.seek(offset)
        handle.write(b"\xff" * size)
    resume_env(paths).resume()
    assert "cannot be read or written" in caplog.text
    assert len(list(tmp_path.glob("sweep.damaged-*.hdf5"))) == 1
    assert_complete(paths["file"], 8)


@pytest.mark.parametrize("fail", [False, True])
def test_the_journal_is_flushed_at_the_end_only_if_it_may_be_resumed(tmp_path, monkeypatch,
                                                                        fail):
    """A completed experiment's journal is closed without a last disk flush (nobody resumes
    from it); one with a failed run, which env.resume() runs again, is flushed."""
    from pypet.execution.journal_writer import JournalWriter

    closes = []
    close = JournalWriter.close
    monkeypatch.setattr(JournalWriter, "close",
                        lambda self, flush=True: closes.append(flush) or close(self, flush))

    def run(traj):
        if fail and traj.v_idx == 2:
            raise ValueError("run 2 fails")
        traj.f_add_result("z", traj.x)

    env = Environment(trajectory="t", filename=str(tmp_path / "t.hdf5"), log_config=None,
                      report_progress=False, resumable=True, delete_resume=False,
                      resume_folder=str(tmp_path / "resume"), on_error="continue")
    env.trajectory.f_add_parameter("x", 0.0)
    env.trajectory.f_explore({"x": [0.0, 1.0, 2.0, 3.0]})
    env.run(run)
    assert closes == [fail]
    assert sorted(o.idx for o in read_journal(tmp_path / "resume" / "t")) == [0, 1, 2, 3]
