"""The ``pypet`` command line, run as a subprocess on real files."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pypet import Environment, PickleParameter, load_trajectory

REPO = Path(__file__).resolve().parents[2]


def pypet_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m pypet ARGS`` with this checkout's pypet."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pypet", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """A file with two trajectories: 'pendulum' (6 runs, a comment) and 'other'."""
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "study.hdf5"
    for name, comment in (("pendulum", "swing it"), ("other", "")):
        env = Environment(trajectory=name, filename=str(path), comment=comment,
                          log_config=None, report_progress=False)
        traj = env.trajectory
        traj.f_add_parameter("theta", 0.0, comment="start angle")
        traj.f_add_parameter("length", 1.0)
        traj.f_add_parameter(PickleParameter, "opaque", {1, 2})
        traj.f_explore({"theta": [5.0, 10.0, 30.0, 5.0, 10.0, 30.0][: 6 if comment else 2]})
        env.run(lambda t: t.f_add_result("period", 2.0 + t.theta / 100))
    return path


def test_ls_lists_the_trajectories(study):
    """``pypet ls`` prints one line per trajectory with runs and completion."""
    proc = pypet_cli("ls", str(study), cwd=study.parent)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:4] == ["name", "format", "time", "comment"]
    assert lines[1].split()[0] == "pendulum" and "swing it" in lines[1]
    assert re.search(r"\s6\s+6\s+0\s", lines[1]) and lines[2].split()[0] == "other"


def test_ls_csv_is_machine_readable(study):
    """``pypet ls --csv`` gives CSV with the documented columns."""
    proc = pypet_cli("ls", "--csv", str(study), cwd=study.parent)
    frame = pd.read_csv(io.StringIO(proc.stdout))
    assert frame["name"].tolist() == ["pendulum", "other"]
    assert frame["runs"].tolist() == [6, 2] and frame["completed"].tolist() == [6, 2]


def test_show_prints_parameters_ranges_and_provenance(study):
    """``pypet show`` names the trajectory, its parameters, explored range, runs and
    environment, and leaves the pickled parameter out unless --allow-pickle."""
    proc = pypet_cli("show", str(study), "pendulum", cwd=study.parent)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Trajectory pendulum in ")
    assert "comment  swing it" in out and "Runs: 6 (6 completed, 0 failed)" in out
    assert "parameters.length = 1.0" in out
    assert "parameters.theta  explored, 6 runs, 3 distinct values: 5.0, 10.0, 30.0" in out
    assert "parameters.opaque  <pickled, not loaded" in out
    assert "environment_" in out and "versions: " in out
    trusted = pypet_cli("show", str(study), "pendulum", "--allow-pickle", cwd=study.parent)
    assert "parameters.opaque = {1, 2}" in trusted.stdout


def test_show_defaults_to_the_newest(study):
    """Without a name, ``show`` picks the newest trajectory, as index=-1 does."""
    proc = pypet_cli("show", str(study), cwd=study.parent)
    assert proc.stdout.startswith("Trajectory other in ")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_runs_writes_the_run_table(study, tmp_path, suffix):
    """``pypet runs --out`` writes the same table f_to_dataframe gives."""
    out = tmp_path / f"runs{suffix}"
    proc = pypet_cli("runs", str(study), "pendulum", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "6 runs of pendulum written to" in proc.stderr
    written = pd.read_csv(out, index_col="idx") if suffix == ".csv" else pd.read_parquet(out)
    expected = load_trajectory(name="pendulum", filename=str(study)).f_to_dataframe()
    assert written["theta"].tolist() == expected["theta"].tolist()
    assert written["period"].tolist() == expected["period"].tolist()
    assert written["point_hash"].tolist() == expected["point_hash"].tolist()
    assert written.loc[0, "point_hash"] == written.loc[3, "point_hash"]  # the same point
    if suffix == ".csv":  # plain values: ISO 8601 UTC times, the runtime in seconds
        assert written["start"].str.endswith("Z").all() and "runtime" not in written
        assert (written["runtime_s"] >= 0).all()
    else:
        assert written["runtime"].dtype == "timedelta64[ns]"


def test_runs_to_stdout_and_all_parameters(study, tmp_path):
    """``--out -`` streams CSV; ``--all-parameters`` adds the fixed parameters."""
    proc = pypet_cli("runs", str(study), "pendulum", "--out", "-", "--all-parameters",
                     cwd=tmp_path)
    frame = pd.read_csv(io.StringIO(proc.stdout), index_col="idx")
    assert frame["length"].tolist() == [1.0] * 6 and len(frame) == 6
    assert frame["opaque"].isna().all()  # pickled: not loaded without --allow-pickle
    assert "pickled parameters ['parameters.opaque'] are left out" in proc.stderr


def test_runs_without_out_prints_a_table(study):
    """Without --out the run table is printed for reading."""
    proc = pypet_cli("runs", str(study), "other", cwd=study.parent)
    assert proc.returncode == 0 and proc.stdout.splitlines()[0].split()[:3] == [
        "theta", "period", "point_hash"]


def test_compact_reports_and_keeps_a_compact_file(study, tmp_path):
    """``pypet compact`` on a file without holes says so and changes nothing."""
    copy = tmp_path / "copy.hdf5"
    copy.write_bytes(study.read_bytes())
    proc = pypet_cli("compact", str(copy), cwd=tmp_path)
    assert proc.returncode == 0 and "compact already" in proc.stdout
    assert copy.read_bytes() == study.read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["copy.hdf5"]


@pytest.mark.parametrize("command", ["ls", "show", "runs", "compact", "migrate"])
def test_help_on_each_command(command, tmp_path):
    """``pypet COMMAND --help`` explains the command and exits with 0."""
    proc = pypet_cli(command, "--help", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith(f"usage: pypet {command}")
    assert "Exit codes" in proc.stdout


def test_errors_are_one_line_with_exit_code_1(tmp_path):
    """A missing file, a non-HDF5 file, an unknown trajectory: exit 1, one message."""
    (tmp_path / "notes.hdf5").write_text("not hdf5")
    cases = {("ls", "missing.hdf5"): "does not exist",
             ("show", "notes.hdf5"): "is not an HDF5 file",
             ("runs", "notes.hdf5", "x"): "is not an HDF5 file"}
    for args, message in cases.items():
        proc = pypet_cli(*args, cwd=tmp_path)
        assert proc.returncode == 1 and proc.stdout == ""
        assert proc.stderr.startswith("pypet: error: ") and message in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_unknown_trajectory_and_bad_out(study, tmp_path):
    """Naming a trajectory the file lacks, or an unknown output type, is exit code 1."""
    proc = pypet_cli("runs", str(study), "nope", cwd=tmp_path)
    assert proc.returncode == 1 and "has no trajectory 'nope'" in proc.stderr
    proc = pypet_cli("runs", str(study), "--out", "runs.xlsx", cwd=tmp_path)
    assert proc.returncode == 1 and ".csv or .parquet" in proc.stderr


def test_usage_errors_exit_with_2(tmp_path):
    """No command, or a missing argument, is a usage error (exit code 2)."""
    assert pypet_cli(cwd=tmp_path).returncode == 2
    proc = pypet_cli("runs", cwd=tmp_path)
    assert proc.returncode == 2 and "required: file" in proc.stderr


def test_closed_pipe_is_not_an_error(study, tmp_path):
    """``pypet runs FILE --out - | head -1`` ends quietly with exit code 0."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = f"{sys.executable} -m pypet runs {study} pendulum --out - | head -1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("idx,theta")


PYPET07_FILE = REPO / "tests" / "data" / "pypet07" / "fixture.hdf5"


def test_migrate_copies_a_pypet07_file_into_our_format(tmp_path):
    """``pypet migrate OLD NEW``: refused while the old file's pickles are not trusted
    (nothing written, the message says how), done with --allow-pickle (a line per
    trajectory), the copy holds the same run table; a second run into NEW is refused."""
    new = tmp_path / "new.hdf5"
    proc = pypet_cli("migrate", str(PYPET07_FILE), str(new), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "holds pickled data" in proc.stderr and "--allow-pickle" in proc.stderr
    assert "Written to" in proc.stderr and ": nothing." in proc.stderr
    proc = pypet_cli("migrate", str(PYPET07_FILE), str(new), "--allow-pickle", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"fixture: written to {new}", f"second: written to {new}"]
    listed = pypet_cli("ls", "--csv", str(new), cwd=tmp_path)
    assert pd.read_csv(io.StringIO(listed.stdout))["format"].tolist() == ["pypet", "pypet"]
    before = load_trajectory(name="fixture", filename=str(PYPET07_FILE)).f_to_dataframe()
    after = load_trajectory(name="fixture", filename=str(new)).f_to_dataframe()
    assert before["z"].tolist() == after["z"].tolist() and list(before) == list(after)
    proc = pypet_cli("migrate", str(PYPET07_FILE), str(new), "fixture", "--allow-pickle",
                     cwd=tmp_path)
    assert proc.returncode == 1 and "already holds the trajectory 'fixture'" in proc.stderr


def test_migrate_refuses_bad_input(tmp_path):
    """A missing old file, one already in our format and an unknown trajectory are errors
    (exit code 1); a missing NEW is a usage error (exit code 2)."""
    proc = pypet_cli("migrate", "missing.hdf5", "new.hdf5", cwd=tmp_path)
    assert proc.returncode == 1 and "'missing.hdf5' does not exist" in proc.stderr
    ours = tmp_path / "ours.hdf5"
    pypet_cli("migrate", str(PYPET07_FILE), str(ours), "second", "--allow-pickle",
              cwd=tmp_path)
    proc = pypet_cli("migrate", str(ours), "again.hdf5", cwd=tmp_path)
    assert proc.returncode == 1 and "already in this pypet's format" in proc.stderr
    proc = pypet_cli("migrate", str(PYPET07_FILE), "x.hdf5", "nope", cwd=tmp_path)
    assert proc.returncode == 1 and "has no trajectory 'nope'" in proc.stderr
    proc = pypet_cli("migrate", str(PYPET07_FILE), cwd=tmp_path)
    assert proc.returncode == 2 and "required: NEW" in proc.stderr
