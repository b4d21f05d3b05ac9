"""Environment(config='experiment.ini'): keywords, parameters and logging from an ini file."""

from __future__ import annotations

import configparser
import os
import textwrap
import warnings
from pathlib import Path

import pytest

from pypet import ConfigFileError, Environment, Trajectory

REPO_ROOT = Path(__file__).resolve().parents[2]

EXPERIMENT = textwrap.dedent("""
    [trajectory]
    trajectory = 'from_ini'
    comment = 'configured in a file'
    v_auto_load = True

    [environment]
    report_progress = False
    automatic_storing = True
    multiproc = False
    ncores = 3

    [storage_service]
    filename = 'hdf5/ini.hdf5'
    complevel = 7

    [parameters]
    x = 2.0, 'first factor'
    y = 3
    sim.method = 'euler'
    sim.steps = [1, 2, 3], 'a list'

    [config]
    seed = 42, 'the seed'
""")


def write(tmp_path, text=EXPERIMENT, name="exp.ini"):
    path = tmp_path / name
    path.write_text(text)
    return path


def multiply(traj):
    traj.f_add_result("z", traj.x * traj.y)
    return traj.x * traj.y


def test_ini_experiment_runs_end_to_end(tmp_path, monkeypatch):
    """Keywords, storage settings, parameters (with comments, groups) and config come from
    the file; the experiment runs and the file holds it."""
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path)
    env = Environment(config=str(path), log_config=None)
    traj = env.trajectory
    assert traj.v_name == "from_ini" and traj.v_comment == "configured in a file"
    assert traj.v_auto_load is True and env.settings.parallel.ncores == 3
    assert traj.v_storage_service.complevel == 7
    assert traj.f_get("parameters.x").v_comment == "first factor"
    assert traj.sim.steps == [1, 2, 3] and traj.sim.method == "euler"
    assert traj.f_get("config.seed").v_comment == "the seed"
    traj.f_explore({"x": [1.0, 2.0]})
    assert env.run(multiply) == [(0, 3.0), (1, 6.0)]
    loaded = Trajectory(filename=str(tmp_path / "hdf5" / "ini.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    assert loaded.f_get_from_runs("z", fast_access=True) == {"run_00000000": 3.0,
                                                             "run_00000001": 6.0}
    assert loaded.f_get("config.seed", fast_access=True) == 42


def test_keywords_passed_win_and_the_file_is_not_modified(tmp_path, monkeypatch):
    """A keyword given to the Environment beats the file; the file is only read."""
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    env = Environment("explicit", config=str(path), ncores=1, complevel=1, log_config=None)
    assert env.trajectory.v_name == "explicit" and env.settings.parallel.ncores == 1
    assert env.trajectory.v_storage_service.complevel == 1
    env.trajectory.f_explore({"x": [1.0]})
    env.run(multiply)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_a_config_parser_is_accepted_and_can_keep_upper_case(tmp_path, monkeypatch):
    """config= may be a ConfigParser; with optionxform=str names keep their case."""
    monkeypatch.chdir(tmp_path)
    parser = configparser.ConfigParser()
    parser.optionxform = str
    parser.read_string("[parameters]\ntau_E = 10.0\n[storage_service]\nfilename='p.hdf5'\n")
    env = Environment(config=parser, log_config=None)
    assert env.trajectory.tau_E == 10.0


def test_upper_case_names_in_a_file_are_lower_cased_with_a_warning(tmp_path, monkeypatch):
    """As in pypet 0.7 option names are lower-cased; pypet warns when that renames one."""
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "[parameters]\ntau_E = 10.0\n")
    with pytest.warns(UserWarning, match="'tau_E' becomes 'tau_e'"):
        env = Environment(config=str(path), filename="u.hdf5", log_config=None)
    assert env.trajectory.tau_e == 10.0


@pytest.mark.parametrize(("text", "match"), [
    ("[environment]\nncores = two\n",
     r"exp.ini, section \[environment\], key 'ncores': the value 'two' is not a Python "
     r"literal.*ncores = 'two'"),
    ("[parameters]\nx = (1,\n", r"section \[parameters\], key 'x'"),
    ("no section header\n", "not a valid ini file"),
    ("[parameters]\nx = 1, 2\n", r"section \[parameters\], key 'x': cannot add \(1, 2\)"),
])
def test_malformed_files_name_file_section_key_and_value(tmp_path, text, match):
    """A malformed file raises ConfigFileError (a ValueError) saying where and what."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigFileError, match=match) as caught:
        Environment(config=str(path), filename=str(tmp_path / "m.hdf5"), log_config=None)
    assert isinstance(caught.value, ValueError)


def test_missing_file_and_unknown_keyword(tmp_path):
    """A missing file, and a keyword nobody knows, are named with where they come from."""
    with pytest.raises(ConfigFileError, match="no such file"):
        Environment(config=str(tmp_path / "nope.ini"))
    path = write(tmp_path, "[environment]\nmultiporc = True\n")
    with pytest.raises(ValueError, match=r"multiporc.*section \[environment\] of .*exp.ini"):
        Environment(config=str(path), filename=str(tmp_path / "k.hdf5"), log_config=None)


def test_old_keyword_names_in_the_file_warn_naming_it(tmp_path, monkeypatch):
    """pypet's old names (continuable=False ...) work, with a DeprecationWarning naming the
    file."""
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "[environment]\ncontinuable = False\nfreeze_pool_input = False\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = Environment(config=str(path), filename="o.hdf5", log_config=None)
    messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
    assert any("exp.ini" in m and "'continuable'" in m and "'resumable'" in m
               for m in messages)
    assert env.settings.resume.resumable is False


def test_logging_sections_configure_logging_unless_something_else_does(tmp_path,
                                                                       monkeypatch):
    """The file's logging sections are used when no log_config/simple keywords are given."""
    monkeypatch.chdir(tmp_path)
    logging_ini = textwrap.dedent("""
        [loggers]
        keys=pypet
        [logger_pypet]
        qualname=pypet
        level=INFO
        handlers=file
        [handlers]
        keys=file
        [handler_file]
        class=FileHandler
        args=('ini_logs/$traj.txt',)
        formatter=plain
        [formatters]
        keys=plain
        [formatter_plain]
        format=%(name)s %(message)s
    """)
    path = write(tmp_path, EXPERIMENT + logging_ini)
    env = Environment(config=str(path))
    env.disable_logging()
    assert "created for trajectory from_ini" in (tmp_path / "ini_logs" / "from_ini.txt"
                                                 ).read_text()
    os.remove(tmp_path / "ini_logs" / "from_ini.txt")
    env = Environment(config=str(path), trajectory="other", log_folder="simple_logs")
    env.disable_logging()
    assert not (tmp_path / "ini_logs" / "other.txt").exists()
    assert (tmp_path / "simple_logs" / "other" / env.name / "LOG.txt").is_file()


def test_the_shipped_experiment_ini_runs(tmp_path, monkeypatch):
    """configs/environment_config.ini works as shipped (its logs go below $temp)."""
    import tempfile

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    with Environment(config=str(REPO_ROOT / "configs" / "environment_config.ini")) as env:
        env.trajectory.f_explore({"x": [1.0, 2.0]})
        assert env.run(multiply) == [(0, 2.0), (1, 4.0)]
    log = tmp_path / "tmp" / "pypet_logs" / "ini_experiment" / env.name / "LOG.txt"
    assert "Starting 2 runs" in log.read_text()
