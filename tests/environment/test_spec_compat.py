"""Details of pypet 0.7's Environment that user scripts rely on (from the spec audit)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from pypet import Environment, Trajectory, pypetconstants, rename_log_file


def test_wrap_mode_constants_of_pypet_07():
    """pypetconstants.WRAP_MODE_* are the wrap-mode names."""
    assert pypetconstants.WRAP_MODE_QUEUE == "QUEUE"
    assert pypetconstants.WRAP_MODE_LOCK == "LOCK"
    assert pypetconstants.WRAP_MODE_NONE == "NONE"


def test_positional_arguments_follow_pypets_order(tmp_path):
    """Environment('name', add_time, comment) works positionally."""
    env = Environment("posi", False, "a comment", filename=str(tmp_path / "p.hdf5"),
                      log_config=None)
    assert env.trajectory.v_name == "posi" and env.trajectory.v_comment == "a comment"


def test_prefixed_setters_and_old_method_names(tmp_path):
    """env.v_current_idx = 0 sets current_idx; f_add_postproc is add_postprocessing."""
    env = Environment("p", filename=str(tmp_path / "p.hdf5"), log_config=None)
    env.current_idx = 5
    env.v_current_idx = 0
    assert env.current_idx == 0
    assert env.f_add_postproc == env.add_postprocessing
    with pytest.raises(FileNotFoundError, match="Nothing to resume for trajectory 'x'"), \
            pytest.warns(DeprecationWarning, match="continue_folder"):
        env.f_continue(trajectory_name="x", continue_folder=str(tmp_path / "c"))


def test_log_level_is_an_old_name(tmp_path):
    """log_level is accepted (as log_levels) with a DeprecationWarning."""
    with pytest.warns(DeprecationWarning, match="log_levels"):
        env = Environment("l", filename=str(tmp_path / "l.hdf5"),
                          log_folder=str(tmp_path / "logs"), log_level=logging.WARNING)
    env.disable_logging()


def test_deprecation_warning_points_at_the_users_line(tmp_path):
    """A deprecated keyword warns at the caller's line, so scripts see it by default."""
    script = textwrap.dedent(f"""
        from pypet import Environment
        Environment('d', filename={str(tmp_path / 'd.hdf5')!r}, log_config=None,
                    dynamically_imported_classes=[])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert "DeprecationWarning" in result.stderr and "dynamic_imports" in result.stderr


def test_freeze_input_needs_a_pool(tmp_path):
    """freeze_input without multiproc and a pool is refused."""
    with pytest.raises(ValueError, match="freeze_input"):
        Environment("f", filename=str(tmp_path / "f.hdf5"), log_config=None,
                    freeze_input=True)


@pytest.mark.parametrize("step", [0, -5, 150])
def test_report_progress_number_is_checked(tmp_path, step):
    """report_progress as a plain number must be a percentage in (0, 100]."""
    with pytest.raises(ValueError, match="report_progress"):
        Environment("r", filename=str(tmp_path / "r.hdf5"), log_config=None,
                    report_progress=step)


def test_log_ini_with_wildcards_creates_the_files(tmp_path, monkeypatch):
    """$traj/$env in an ini logging config are filled in and folders are created."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.ini").write_text(textwrap.dedent("""
        [loggers]
        keys=root
        [logger_root]
        handlers=file
        level=INFO
        [handlers]
        keys=file
        [handler_file]
        class=FileHandler
        level=INFO
        args=('logs/$traj/$env/LOG.txt',)
        formatter=f
        [formatters]
        keys=f
        [formatter_f]
        format=%(name)s %(message)s
        [multiproc_handler_file]
        args=('logs/$traj/$env/$run_$proc_LOG.txt',)
    """))
    root = logging.getLogger()
    root_handlers, root_level = set(root.handlers), root.level
    env = Environment("mytraj", filename="x.hdf5", log_config="log.ini")
    env.trajectory.f_add_parameter("x", 1)
    env.run(lambda traj: None)
    env.disable_logging()
    # disable removes what it added and puts back what the ini config replaced
    assert set(root.handlers) == root_handlers and root.level == root_level
    log = tmp_path / "logs" / "mytraj" / env.name / "LOG.txt"
    assert "Starting 1 runs" in log.read_text()


def test_default_logging_with_log_stdout_keeps_prints_visible(tmp_path, capfd):
    """log_config='DEFAULT' with log_stdout=True: prints reach the console via the logger."""
    with Environment("s", filename=str(tmp_path / "s.hdf5"), log_stdout=True,
                     report_progress=False) as env:
        env.trajectory.f_add_parameter("x", 1)
        env.run(lambda traj: print("visible line"))
    assert "visible line" in capfd.readouterr().err


def test_rename_log_file():
    """rename_log_file fills pypet's wildcards."""
    name = rename_log_file("logs/$traj/$env/$run_$set.txt", env_name="E", traj_name="T",
                           run_name="run_00000001", set_name="run_set_00000")
    assert name == "logs/T/E/run_00000001_run_set_00000.txt"
    assert str(os.getpid()) in rename_log_file("$proc.log")


def test_wildcard_functions_are_recorded(tmp_path):
    """config.environment.<env>.wildcards.function_<i> records each wildcard function."""
    def my_set(idx):
        """Buckets of 10."""
        return "all" if idx < 0 else f"b{idx // 10}"

    env = Environment("w", filename=str(tmp_path / "w.hdf5"), log_config=None,
                      wildcard_functions={("$b", "bucket"): my_set}, report_progress=False)
    env.trajectory.f_add_parameter("x", 1)
    env.run(lambda traj: None)
    loaded = Trajectory(filename=str(tmp_path / "w.hdf5"))
    loaded.f_load(index=-1)
    base = f"config.environment.{env.name}.wildcards.function_2"
    assert loaded.f_get(f"{base}.wildcard_1", fast_access=True) == "bucket"
    assert loaded.f_get(f"{base}.doc", fast_access=True) == "Buckets of 10."


def test_postproc_expanding_in_place_and_partial_tuples(tmp_path):
    """postproc may call f_expand itself; a tuple's None entries keep the current args."""
    def run(traj, a, b=0):
        return traj.x + a + b

    def post(traj, results):
        if len(traj) == 2:
            traj.f_expand({"x": [10]})
            return None
        if len(traj) == 3:
            return ({"x": [20]}, None, {"b": 1000})
        return None

    env = Environment("pp", filename=str(tmp_path / "pp.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": [0, 1]})
    env.add_postprocessing(post)
    assert env.run(run, 100) == [(0, 100), (1, 101), (2, 110), (3, 1120)]


def test_storage_keywords_with_a_serviced_trajectory_say_why(tmp_path):
    """A trajectory that has a service refuses storage keywords with a clear reason."""
    traj = Trajectory("t", filename=str(tmp_path / "t.hdf5"))
    with pytest.raises(ValueError, match="already has a storage service"):
        Environment(traj, filename=str(tmp_path / "other.hdf5"), log_config=None)
