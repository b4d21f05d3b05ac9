"""Studies as psweep and Coma users run them: re-run to extend, dry run, unique names."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import pypet.trajectory.naming as naming
import pypet.trajectory.trajectory as trajectory_module
from pypet import Environment, Trajectory, cartesian_product, load_trajectory
from pypet.hashing import point_hash

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from pypet import Environment, cartesian_product

    n = int(sys.argv[1])

    def simulate(traj):
        with open('computed.txt', 'a') as log:  # one line per computed point
            log.write(f'{traj.x} {traj.y}\\n')
        traj.f_add_result('z', traj.x * traj.y, comment='the product')
        return traj.x * traj.y

    env = Environment(trajectory='grid', filename='study.hdf5', if_exists='extend',
                      comment='a growing grid', log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('x', 0.0)
    traj.f_add_parameter('y', 0.0)
    traj.f_add_parameter('scale', 1.5)
    traj.f_explore(cartesian_product({'x': [float(i) for i in range(n)], 'y': [1.0, 2.0]}))
    print(len(env.run(simulate)), 'runs')
""")


def _run_script(folder: Path, n: int) -> str:
    env = {"PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "study.py", str(n)], cwd=folder, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_running_the_script_again_computes_only_new_points(tmp_path):
    """The same script run twice, the second time with a larger grid: only the new points
    are computed, the file holds each point once, and the table has every run."""
    (tmp_path / "study.py").write_text(SCRIPT)
    assert _run_script(tmp_path, 2) == "4 runs\n"
    assert _run_script(tmp_path, 3) == "2 runs\n"
    assert _run_script(tmp_path, 3) == "0 runs\n"  # nothing new: nothing runs
    computed = (tmp_path / "computed.txt").read_text().split("\n")[:-1]
    assert computed == ["0.0 1.0", "0.0 2.0", "1.0 1.0", "1.0 2.0", "2.0 1.0", "2.0 2.0"]
    traj = load_trajectory(name="grid", filename=str(tmp_path / "study.hdf5"))
    frame = traj.f_to_dataframe()
    assert len(frame) == 6 and frame["point_hash"].is_unique and frame["completed"].all()
    assert frame["z"].tolist() == [0.0, 0.0, 1.0, 2.0, 2.0, 4.0]
    assert frame["environment"].nunique() == 2  # two runs of the script did work
    assert traj.v_comment == "a growing grid"


def _env(path: Path, **kwargs) -> Environment:
    return Environment(trajectory="grid", filename=str(path), log_config=None,
                       report_progress=False, **kwargs)


def _build(env: Environment, xs: list[float], scale: float = 1.5) -> Trajectory:
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("scale", scale)
    traj.f_explore({"x": xs})
    return traj


def _double(traj: Trajectory) -> float:
    traj.f_add_result("z", traj.x * traj.scale)
    return traj.x * traj.scale


def test_extension_reruns_runs_that_did_not_complete(tmp_path):
    """A stored run that is not completed (e.g. it raised) runs again on extension."""
    path = tmp_path / "study.hdf5"

    def fails_on_two(traj):
        if traj.x == 2.0:
            raise ArithmeticError("two")
        return _double(traj)

    first = _env(path, if_exists="extend")
    _build(first, [1.0, 2.0])
    with pytest.raises(ArithmeticError):
        first.run(fails_on_two)
    second = _env(path, if_exists="extend")
    _build(second, [1.0, 2.0, 3.0])
    assert [idx for idx, _ in second.run(_double)] == [1, 2]
    assert load_trajectory(name="grid", filename=str(path)).f_to_dataframe()[
        "completed"].all()


def test_extension_refuses_a_changed_fixed_parameter(tmp_path):
    """Runs with another value of a fixed parameter would not be comparable: refused."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0])
    env.run(_double)
    again = _env(path, if_exists="extend")
    _build(again, [1.0, 2.0], scale=2.5)
    with pytest.raises(ValueError, match="scale is 2.5 in the script but 1.5 in the file"):
        again.run(_double)


def test_extension_refuses_other_explored_parameters(tmp_path):
    """Exploring other parameters than the stored study is refused, naming both."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0])
    env.run(_double)
    again = _env(path, if_exists="extend")
    traj = again.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_add_parameter("scale", 1.5)
    traj.f_explore({"scale": [1.0, 2.0]})
    with pytest.raises(ValueError, match="explores \\['parameters.x'\\]"):
        again.run(_double)


def test_existing_name_error_points_to_the_extension(tmp_path):
    """Without if_exists='extend', storing under a taken name fails and says what to do."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0])
    env.run(_double)
    again = _env(path)
    _build(again, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="if_exists='extend'.*load_trajectory"):
        again.run(_double)


def test_bad_if_exists_values_are_refused(tmp_path):
    """Unknown values and the contradiction with add_time=True are clear errors."""
    with pytest.raises(ValueError, match="'fail' or 'extend'"):
        _env(tmp_path / "f.hdf5", if_exists="append")
    with pytest.raises(ValueError, match="add_time=True"):
        Environment(trajectory="t", filename=str(tmp_path / "f.hdf5"), if_exists="extend",
                    add_time=True, log_config=None)


def test_dry_run_writes_nothing_and_returns_the_plan(tmp_path, capsys):
    """A dry run of an extension leaves the file byte-identical, runs nothing, and returns
    (and prints on request) the runs that would run with their points and hashes."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0, 2.0])
    env.run(_double)
    before = path.read_bytes()
    called = []
    dry = _env(path, if_exists="extend", dry_run="print")
    _build(dry, [1.0, 2.0, 3.0, 4.0])
    plan = dry.run(lambda traj: called.append(traj.x))
    assert called == [] and path.read_bytes() == before
    assert plan.index.tolist() == [2, 3] and plan["x"].tolist() == [3.0, 4.0]
    assert plan["state"].tolist() == ["new", "new"]
    assert plan["point_hash"].tolist() == [point_hash({"parameters.x": 3.0}),
                                           point_hash({"parameters.x": 4.0})]
    printed = capsys.readouterr().out
    assert "2 runs would run (2 points of the exploration are stored already)" in printed


def test_dry_run_keeps_the_file_that_overwrite_would_delete(tmp_path):
    """dry_run with overwrite_file=True deletes nothing and plans every point as new."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0])
    env.run(_double)
    before = path.read_bytes()
    dry = _env(path, dry_run=True, overwrite_file=True)
    _build(dry, [1.0, 2.0])
    assert dry.run(_double)["x"].tolist() == [1.0, 2.0]
    assert path.read_bytes() == before


def test_dry_run_fails_where_the_run_would_fail(tmp_path):
    """Look before you leap: the dry run raises the existing-name error the run would."""
    path = tmp_path / "study.hdf5"
    env = _env(path)
    _build(env, [1.0])
    env.run(_double)
    dry = _env(path, dry_run=True)
    _build(dry, [1.0])
    with pytest.raises(RuntimeError, match="already holds a trajectory 'grid'"):
        dry.run(_double)


def test_dry_run_of_a_new_file_creates_nothing(tmp_path):
    """A dry run before the first run creates no file and lists every run."""
    path = tmp_path / "new" / "study.hdf5"
    dry = _env(path, dry_run=True)
    _build(dry, [1.0, 2.0, 3.0])
    assert len(dry.run(_double)) == 3
    assert not path.exists()


def test_unknown_simulate_keyword_points_to_dry_run(tmp_path):
    """psweep's simulate=True is an unknown keyword whose error names dry_run."""
    with pytest.raises(ValueError, match="dry_run=True"):
        _env(tmp_path / "f.hdf5", simulate=True)


@pytest.fixture
def frozen_clock(monkeypatch):
    """Every trajectory made during the test starts at the same second."""
    monkeypatch.setattr(trajectory_module, "time", types.SimpleNamespace(time=lambda: 1.7e9))
    monkeypatch.setattr(naming, "_CLAIMED", set())


def test_two_studies_in_the_same_second_get_different_names(tmp_path, frozen_clock):
    """add_time names are unique within a file: stored first, or both made before storing."""
    path = str(tmp_path / "study.hdf5")
    first = Environment(trajectory="sweep", add_time=True, filename=path, log_config=None)
    first.trajectory.f_add_parameter("x", 1.0)
    first.run(lambda t: None)
    second = Environment(trajectory="sweep", add_time=True, filename=path, log_config=None)
    third = Environment(trajectory="sweep", add_time=True, filename=path, log_config=None)
    names = [e.trajectory.v_name for e in (first, second, third)]
    assert names[1] == names[0] + "_2" and names[2] == names[0] + "_3"
    for env in (second, third):
        env.trajectory.f_add_parameter("x", 1.0)
        env.run(lambda t: None)
    assert [load_trajectory(index=i, filename=path).v_name for i in range(3)] == names


def test_a_name_in_the_file_is_skipped_by_a_new_process(tmp_path, frozen_clock):
    """A study started in the same second by another process (nothing claimed in this one)
    still gets a new name, because the file holds the first."""
    path = str(tmp_path / "study.hdf5")
    first = Trajectory("sweep", add_time=True, filename=path)
    first.f_store()
    naming._CLAIMED.clear()  # as in a fresh process
    second = Trajectory("sweep", add_time=True, filename=path)
    assert second.v_name == first.v_name + "_2"
    second.f_store()


def test_expand_can_skip_explored_points(traj):
    """f_expand(skip_explored=True) adds only the points not explored yet; the default
    keeps pypet's behaviour of appending everything."""
    before = len(traj)
    traj.f_expand(cartesian_product({"x": [1.0, 2.0, 3.0], "y": [3.0, 4.0]}),
                  skip_explored=True)
    assert len(traj) == before + 2
    assert traj.f_get("x").f_get_range()[-2:] == [3.0, 3.0]
    traj.f_expand({"x": [1.0], "y": [3.0]})
    assert len(traj) == before + 3
    traj.f_expand({"x": [1.0], "y": [3.0]}, skip_explored=True)
    assert len(traj) == before + 3
