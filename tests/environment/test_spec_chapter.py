"""pypet's Environment chapter, section by section: every documented usage, as written.

The chapter is ``reference/spec_environment.txt`` (pypet's manual, "6. More about the
Environment"); ``doc/environment_keywords.md`` lists each of its keywords and the test here
that uses it.
"""

from __future__ import annotations

import logging
import os
import shutil
from typing import Any

import numpy as np
import pytest
import tables

from pypet import (
    Environment,
    Parameter,
    Result,
    Trajectory,
    cartesian_product,
    load_trajectory,
    pypetconstants,
)
from pypet.errors import IneffectiveKeywordWarning


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keywords without effect warn once per process; each test here sees its own."""
    from pypet import ineffective

    monkeypatch.setattr(ineffective, "_warned", set())


def myjobfunc(traj: Trajectory, *args: Any, **kwargs: Any) -> str:
    """The chapter's job function: returns 'fortytwo'."""
    traj.f_add_result("z", traj.x * 2, comment="Mostly harmless!")
    return "fortytwo"


def _env(tmp_path: Any, **kwargs: Any) -> Environment:
    kwargs.setdefault("log_config", None)
    kwargs.setdefault("report_progress", False)
    kwargs.setdefault("filename", str(tmp_path / "experiment.hdf5"))
    return Environment(**kwargs)


def _explore(env: Environment, values: list[int] | None = None) -> Trajectory:
    traj = env.v_trajectory
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": values or [1, 2, 3]})
    return traj


# --- 6.1 Creating an Environment -----------------------------------------------------------
def test_6_1_environment_with_a_comment(tmp_path, monkeypatch):
    """``Environment(trajectory='trajectory', comment='A useful comment')`` with every default:
    the file goes to ./hdf5/trajectory.hdf5 and v_trajectory is the new trajectory."""
    monkeypatch.chdir(tmp_path)
    env = Environment(trajectory="trajectory", comment="A useful comment")
    try:
        traj = env.v_trajectory
        assert traj.v_name == "trajectory" and traj.v_comment == "A useful comment"
        _explore(env)
        env.f_run(myjobfunc)
        assert (tmp_path / "hdf5" / "trajectory.hdf5").exists()
    finally:
        env.f_disable_logging()


def test_6_1_trajectory_given_as_object(tmp_path):
    """trajectory=<a Trajectory> is used as given (its comment is kept)."""
    traj = Trajectory("given", comment="mine")
    env = _env(tmp_path, trajectory=traj, comment="ignored")
    assert env.v_trajectory is traj and traj.v_comment == "mine"


def test_6_1_add_time(tmp_path):
    """add_time=True appends the time in the format XXXX_XX_XX_XXhXXmXXs."""
    env = _env(tmp_path, trajectory="timed", add_time=True)
    assert env.v_trajectory.v_name == f"timed_{env.v_trajectory.v_time}"


class MyCustomParameterClass(Parameter):
    """A user's parameter class (for dynamic_imports)."""


def test_6_1_dynamic_imports_as_classes_and_strings(tmp_path):
    """dynamic_imports takes classes or 'package.module.Class' strings; loading needs them."""
    env = _env(tmp_path, trajectory="dyn", dynamic_imports=MyCustomParameterClass)
    env.v_trajectory.f_add_parameter(MyCustomParameterClass, "custom", 3)
    _explore(env)
    env.f_run(myjobfunc)
    path = f"{__name__}.MyCustomParameterClass"
    loaded = load_trajectory("dyn", filename=str(tmp_path / "experiment.hdf5"),
                             dynamic_imports=[path])
    assert type(loaded.f_get("custom")) is MyCustomParameterClass and loaded.custom == 3


def _my_run_name(idx: int) -> str:
    return "ALL_RUNS" if idx < 0 else f"myrun_{idx}"


def _mycard(idx: int) -> str:
    return "bucket_dummy" if idx < 0 else f"bucket_{idx // 2}"


def _card_job(traj: Trajectory) -> None:
    traj.f_add_result("$mycard.$.z", traj.x)


def test_6_1_wildcard_functions(tmp_path):
    """wildcard_functions renames runs ($ / crun) and adds bucket wildcards ($mycard)."""
    env = _env(tmp_path, trajectory="wild",
               wildcard_functions={("$", "crun"): _my_run_name, ("$mycard", "mycard"): _mycard})
    traj = _explore(env)
    env.f_run(_card_job)
    assert traj.f_wildcard("$", 2) == "myrun_2" and traj.f_wildcard("$mycard", -1) == \
        "bucket_dummy"
    loaded = load_trajectory("wild", filename=str(tmp_path / "experiment.hdf5"), load_all=2)
    assert loaded.f_get("results.bucket_1.myrun_2.z").f_get() == 3


def test_6_1_automatic_storing_off(tmp_path):
    """automatic_storing=False stores neither the runs nor the trajectory at the end."""
    env = _env(tmp_path, trajectory="manual", automatic_storing=False)
    _explore(env)
    env.f_run(myjobfunc)
    loaded = load_trajectory("manual", filename=str(tmp_path / "experiment.hdf5"), load_all=2)
    assert "results.runs.run_00000000.z" not in loaded


def test_6_1_log_config_none_leaves_logging_alone(tmp_path):
    """log_config=None: pypet adds no handlers."""
    before = list(logging.getLogger().handlers), list(logging.getLogger("pypet").handlers)
    _env(tmp_path, trajectory="nolog", log_config=None)
    assert (list(logging.getLogger().handlers), list(logging.getLogger("pypet").handlers)) \
        == before


def test_6_1_log_folder_logger_names_log_levels(tmp_path):
    """log_folder, logger_names and log_levels tune the default settings."""
    env = Environment(trajectory="tuned", filename=str(tmp_path / "t.hdf5"),
                      log_folder=str(tmp_path / "logs"),
                      logger_names=("pypet", "MyCustomLogger"),
                      log_levels=(logging.ERROR, logging.INFO), report_progress=False)
    try:
        logging.getLogger("MyCustomLogger").info("hello from my logger")
        assert logging.getLogger("MyCustomLogger").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("pypet").getEffectiveLevel() == logging.ERROR
    finally:
        env.f_disable_logging()
    texts = [p.read_text() for p in (tmp_path / "logs").rglob("*") if p.is_file()]
    assert any("hello from my logger" in text for text in texts)


def test_6_1_log_stdout(tmp_path):
    """log_stdout=True records print output in the log files."""
    env = Environment(trajectory="printing", filename=str(tmp_path / "t.hdf5"),
                      log_folder=str(tmp_path / "logs"), log_stdout=True,
                      report_progress=False)
    try:
        print("a line printed during the experiment")
    finally:
        env.f_disable_logging()
    texts = [p.read_text() for p in (tmp_path / "logs").rglob("*") if p.is_file()]
    assert any("a line printed during the experiment" in text for text in texts)


def test_6_1_report_progress_triple(tmp_path, capsys, caplog):
    """report_progress=(10, 'pypet', logging.INFO) logs; with 'print' the bar is printed."""
    env = _env(tmp_path, trajectory="prog", report_progress=(10, "print", logging.INFO))
    _explore(env, list(range(10)))
    env.f_run(myjobfunc)
    assert "100.0%" in capsys.readouterr().out
    env = _env(tmp_path / "b", trajectory="prog2", report_progress=(50, "pypet", logging.INFO))
    _explore(env, list(range(4)))
    with caplog.at_level(logging.INFO, logger="pypet"):
        env.f_run(myjobfunc)
    assert any("PROGRESS" in r.message or "100.0%" in r.message for r in caplog.records)


@pytest.mark.multiproc
def test_6_1_multiproc_pool_queue_and_freeze_pool_input(tmp_path):
    """multiproc, ncores, use_pool, freeze_pool_input and wrap_mode='QUEUE' with queue_maxsize."""
    with pytest.warns(DeprecationWarning, match="freeze_input"):
        env = _env(tmp_path, trajectory="pool", multiproc=True, ncores=2, use_pool=True,
                   freeze_pool_input=True, wrap_mode=pypetconstants.MULTIPROC_MODE_QUEUE,
                   queue_maxsize=-1)
    _explore(env, [1, 2, 3, 4])
    assert env.f_run(myjobfunc) == [(i, "fortytwo") for i in range(4)]


def _hungry_job(traj: Trajectory) -> int:
    return traj.x


@pytest.mark.multiproc
def test_6_1_caps_and_at_least_one_process(tmp_path):
    """cpu_cap, memory_cap=(cap, MB per process) and swap_cap: with every cap crossed, one
    process still always runs, so the experiment finishes."""
    env = _env(tmp_path, trajectory="caps", multiproc=True, ncores=3, use_pool=False,
               cpu_cap=1e-6, memory_cap=(1e-6, 150.0), swap_cap=1e-6,
               wrap_mode=pypetconstants.MULTIPROC_MODE_LOCK)
    _explore(env, [1, 2, 3])
    assert [value for _, value in env.f_run(_hungry_job)] == [1, 2, 3]
    config = env.v_trajectory.config.environment.f_get(env.name)
    assert config.memory_cap == (1e-6, 150.0) and config.cpu_cap == 1e-6


def test_6_1_caps_out_of_range_raise(tmp_path):
    """Cap values must lie in (0, 100]."""
    with pytest.raises(ValueError, match="cpu_cap"):
        _env(tmp_path, multiproc=True, cpu_cap=0.0)


@pytest.mark.multiproc
def test_6_1_wrap_mode_lock_and_none_constants(tmp_path):
    """wrap_mode takes pypetconstants.MULTIPROC_MODE_LOCK (and NONE) as documented."""
    env = _env(tmp_path, trajectory="lock", multiproc=True, ncores=2,
               wrap_mode=pypetconstants.MULTIPROC_MODE_LOCK)
    _explore(env, [1, 2])
    assert env.f_run(myjobfunc) == [(0, "fortytwo"), (1, "fortytwo")]
    assert pypetconstants.MULTIPROC_MODE_NONE == "NONE"


def test_6_1_clean_up_runs(tmp_path):
    """clean_up_runs=True removes run results from RAM after each run; False keeps them."""
    env = _env(tmp_path, trajectory="clean", clean_up_runs=True)
    traj = _explore(env)
    env.f_run(myjobfunc)
    assert "results.runs.run_00000000.z" not in traj
    env = _env(tmp_path / "b", trajectory="keep", clean_up_runs=False)
    traj = _explore(env)
    env.f_run(myjobfunc)
    assert traj.f_get("results.runs.run_00000000.z").f_get() == 2


def _expanding_postproc(traj: Trajectory, results: list) -> dict | None:
    return {"x": [10, 20]} if len(traj) < 5 else None


@pytest.mark.multiproc
def test_6_1_immediate_postproc(tmp_path, recwarn):
    """immediate_postproc=True with one process per run: expansion by post-processing runs
    the new points; with a pool it is refused (as pypet); without multiprocessing it warns
    that it does nothing."""
    env = _env(tmp_path, trajectory="immediate", multiproc=True, ncores=2,
               immediate_postproc=True, use_pool=False)
    assert not [w for w in recwarn if issubclass(w.category, IneffectiveKeywordWarning)]
    _explore(env)
    env.f_add_postprocessing(_expanding_postproc)
    assert len(env.f_run(myjobfunc)) == 5
    with pytest.raises(ValueError, match="use_pool=False"):  # as pypet
        _env(tmp_path / "pool", trajectory="pooled", multiproc=True, ncores=2,
             immediate_postproc=True, use_pool=True)
    with pytest.warns(IneffectiveKeywordWarning, match="immediate_postproc"):
        _env(tmp_path / "serial", trajectory="serial", immediate_postproc=True)


def test_6_1_continuable_continue_folder_delete_continue(tmp_path):
    """continuable, continue_folder and delete_continue create the continue files."""
    with pytest.warns(DeprecationWarning):  # continuable etc. are old names
        env = _env(tmp_path, trajectory="cont", continuable=True,
                   continue_folder=str(tmp_path / "continue"), delete_continue=False)
    _explore(env)
    env.f_run(myjobfunc)
    assert (tmp_path / "continue").exists()


def test_6_1_storage_service_class_and_use_hdf5(tmp_path):
    """storage_service is a class (kwargs go to it); use_hdf5=True is the old spelling."""
    from pypet import HDF5StorageService

    env = _env(tmp_path, trajectory="svc", storage_service=HDF5StorageService, complevel=2)
    assert env.v_trajectory.v_storage_service.complevel == 2
    with pytest.warns(DeprecationWarning, match="storage_service"):
        env = _env(tmp_path / "b", trajectory="old", use_hdf5=True)
    assert isinstance(env.v_trajectory.v_storage_service, HDF5StorageService)


def test_6_1_git_repository_message_fail(tmp_path):
    """git_repository and git_message commit changed files; git_fail raises GitDiffError."""
    from pypet import GitDiffError
    from tests.provenance.conftest import GitRepo, isolated_environment

    with isolated_environment(tmp_path):
        repo = GitRepo.create(tmp_path / "project")
        repo.write("sim.py", "X = 2\n")
        env = _env(tmp_path, trajectory="git", git_repository=str(repo.path),
                   git_message="msg")
        assert "msg" in repo.git("log", "-1", "--format=%B")
        assert env.hexsha == repo.head()
        repo.write("sim.py", "X = 3\n")
        with pytest.raises(GitDiffError):
            _env(tmp_path / "b", trajectory="git2", git_repository=str(repo.path),
                 git_fail=True)


def test_6_1_do_single_runs_off(tmp_path):
    """do_single_runs=False adds no run config (analysis only)."""
    env = _env(tmp_path, trajectory="analysis", do_single_runs=False)
    config = env.v_trajectory.config.environment.f_get(env.name)
    assert "ncores" not in config and "multiproc" not in config


def test_6_1_lazy_debug_without_a_debugger_stores(tmp_path):
    """lazy_debug=True stores as usual when no debugger (pydevd) is running."""
    env = _env(tmp_path, trajectory="debug", lazy_debug=True)
    _explore(env)
    env.f_run(myjobfunc)
    assert os.path.exists(tmp_path / "experiment.hdf5")


def test_6_1_hdf5_keywords(tmp_path):
    """filename (also a folder), file_title, overwrite_file, complevel, complib, shuffle and
    fletcher32 reach the file."""
    folder = tmp_path / "myfolder"
    folder.mkdir()
    env = _env(tmp_path, trajectory="filed", filename=str(folder) + os.sep,
               file_title="My title", complevel=4, complib="zlib", shuffle=False,
               fletcher32=True)
    _explore(env)
    env.f_run(myjobfunc)
    target = folder / "filed.hdf5"
    with tables.open_file(str(target)) as h5:
        assert h5.title == "My title"
        settings = h5.root.filed.overview.hdf5_settings[0]
        assert (settings["complevel"], settings["shuffle"], settings["fletcher32"]) == \
            (4, False, True)
    _env(tmp_path, trajectory="filed", filename=str(target), overwrite_file=True)
    assert not target.exists()  # deleted right away, as documented


def test_6_1_encoding_and_pandas_format_are_accepted(tmp_path):
    """encoding='utf8' and pandas_format ('fixed'/'f', 'table'/'t') are accepted; a format
    without effect here warns once, naming why."""
    import pandas as pd

    env = _env(tmp_path, trajectory="frames", encoding="utf8", pandas_format="fixed")
    env.v_trajectory.f_add_result("frame", pd.DataFrame({"a": [1, 2]}))
    env.v_trajectory.f_store()
    with pytest.warns(IneffectiveKeywordWarning, match="pandas_format"):
        _env(tmp_path / "t", trajectory="table", pandas_format="t")


def test_6_1_trajectory_properties_as_keywords(tmp_path):
    """v_auto_load=True (or auto_load=True) sets the trajectory's property."""
    assert _env(tmp_path, trajectory="p1", v_auto_load=True).v_trajectory.v_auto_load
    assert _env(tmp_path / "b", trajectory="p2", auto_load=True).v_trajectory.v_auto_load


# --- 6.1.1 Config data added by the environment ------------------------------------------------
def test_6_1_1_config_data(tmp_path):
    """The environment is named environment_XXXXXXX_<time> and its settings, hexsha and
    trajectory name are under config.environment.<name>."""
    env = _env(tmp_path, trajectory="cfg", multiproc=False)
    _explore(env)
    env.f_run(myjobfunc)
    assert env.name == f"environment_{env.hexsha[:7]}_{env.time}"
    config = env.v_trajectory.f_get(f"config.environment.{env.name}")
    assert config.hexsha == env.hexsha and config.multiproc is False
    assert config.f_get("trajectory.name").f_get() == "cfg"


# --- 6.1.2 Logging ---------------------------------------------------------------------------
def test_6_1_2_logging_ini_with_wildcards_and_context_manager(tmp_path):
    """An ini log_config with $traj/$env wildcards makes the files; `with Environment(...)`
    disables logging at the end."""
    ini = tmp_path / "log.ini"
    ini.write_text(
        "[loggers]\nkeys=root\n\n[logger_root]\nhandlers=file_main\nlevel=INFO\n\n"
        "[formatters]\nkeys=file\n\n[formatter_file]\n"
        "format=%(asctime)s %(name)s %(levelname)-8s %(message)s\n\n"
        "[handlers]\nkeys=file_main\n\n[handler_file_main]\nclass=FileHandler\n"
        f"args=('{tmp_path}/logs/$traj/$env/LOG.txt',)\nformatter=file\n")
    with Environment(trajectory="mytraj", filename=str(tmp_path / "t.hdf5"),
                     log_config=str(ini), report_progress=False) as env:
        traj = env.v_trajectory
        logging.getLogger("user").info("inside")
    logs = list((tmp_path / "logs" / traj.v_name).rglob("LOG.txt"))
    assert logs and "inside" in logs[0].read_text()


# --- 6.1.3 Multiprocessing snippet ---------------------------------------------------------------
@pytest.mark.multiproc
def test_6_1_3_multiprocessing_snippet(tmp_path):
    """The chapter's snippet (use_hdf5, filename, file_title, ncores=4, a pool, QUEUE); its
    leading ``self`` argument belongs to the method the snippet was copied from."""
    with pytest.warns(DeprecationWarning):
        env = Environment(trajectory="trajectory", comment="", dynamic_imports=None,
                          log_folder=str(tmp_path / "log"), use_hdf5=True,
                          filename=str(tmp_path / "experiments.h5"), file_title="experiment",
                          multiproc=True, ncores=4, use_pool=True, wrap_mode="QUEUE",
                          report_progress=False)
    try:
        _explore(env, [1, 2])
        assert env.f_run(myjobfunc) == [(0, "fortytwo"), (1, "fortytwo")]
    finally:
        env.f_disable_logging()


# --- 6.1.4 / 6.1.5 Git and Sumatra -------------------------------------------------------------
_SUMATRA_USAGE = """
from pypet import Environment

def job(traj):
    traj.f_add_result("z", traj.x * 2)

env = Environment(trajectory="smt", filename="results/smt.hdf5", log_config=None,
                  report_progress=False, sumatra_project=".", sumatra_reason="why",
                  sumatra_label="label")
env.trajectory.f_add_parameter("x", 1)
env.trajectory.f_explore({"x": [1, 2]})
env.run(job)
"""


def test_6_1_5_sumatra_project(tmp_path):
    """sumatra_project, sumatra_reason and sumatra_label record the experiment in the
    project's record store (run as a script in a real `smt init` project)."""
    from tests.provenance.conftest import GitRepo, isolated_environment
    from tests.provenance.test_sumatra import (
        REPO_ROOT,
        SMT,
        make_project,
        parse_listing,
        run,
        run_script,
    )

    with isolated_environment(tmp_path):
        site = tmp_path / "site"  # pypet outside any git work tree, as installed
        shutil.copytree(REPO_ROOT / "pypet", site / "pypet",
                        ignore=shutil.ignore_patterns("__pycache__"))
        project = make_project(GitRepo.create(tmp_path / "project"), site)
        done = run_script(project, "chapter.py", _SUMATRA_USAGE)
        assert done.returncode == 0, done.stderr
        listing = run([SMT, "list", "--long"], project.path, site)
    record = parse_listing(listing.stdout)["label"]
    assert record["Reason"].startswith("why") and record["Outcome"].startswith("2 runs")


# --- 6.1.6 HDF5 overview tables --------------------------------------------------------------------
def test_6_1_6_overview_tables_and_switches(tmp_path):
    """info/runs/explorations always; small and summary tables by default; large tables with
    large_overview_tables=True; all of them off with the switches."""
    env = _env(tmp_path, trajectory="ov", large_overview_tables=True, results_per_run=1)
    _explore(env)
    env.f_run(myjobfunc)
    with tables.open_file(str(tmp_path / "experiment.hdf5")) as h5:
        names = set(h5.root.ov.overview._v_children)
        assert {"info", "runs", "explorations", "parameters_overview", "config_overview",
                "explored_parameters_overview", "results_overview",
                "derived_parameters_overview", "results_summary",
                "derived_parameters_summary"} <= names
        assert h5.root.ov.overview.results_overview.nrows == 3
    env = _env(tmp_path / "b", trajectory="none", summary_tables=False,
               small_overview_tables=False, large_overview_tables=False,
               purge_duplicate_comments=False)
    _explore(env)
    env.f_run(myjobfunc)
    with tables.open_file(str(tmp_path / "b" / "experiment.hdf5")) as h5:
        names = set(h5.root.none.overview._v_children)
        assert not any(n.endswith(("_overview", "_summary")) for n in names)


# --- 6.1.7 Purging duplicate comments ------------------------------------------------------------
def _commented_job(traj: Trajectory) -> None:
    traj.f_add_result("my_result", list(range(100 * traj.x)), comment="Mostly harmless!")


def test_6_1_7_purge_duplicate_comments(tmp_path):
    """With purge_duplicate_comments (and summary tables) only the first run's result keeps
    the comment 'Mostly harmless!' in the file."""
    env = _env(tmp_path, trajectory="purge", purge_duplicate_comments=True,
               summary_tables=True)
    _explore(env)
    env.f_run(_commented_job)
    loaded = load_trajectory("purge", filename=str(tmp_path / "experiment.hdf5"), load_all=2)
    comments = [loaded.f_get(f"results.runs.run_0000000{i}.my_result").v_comment
                for i in range(3)]
    assert comments == ["Mostly harmless!", "", ""]


def test_6_1_7_purge_needs_summary_tables(tmp_path):
    """purge_duplicate_comments without summary tables is refused."""
    with pytest.raises(ValueError, match="summary"):
        _env(tmp_path, purge_duplicate_comments=True, summary_tables=False)


# --- 6.2 Using a config file -----------------------------------------------------------------------
def test_6_2_config_file(tmp_path):
    """config='my_config_file.ini' sets environment, trajectory (v_lazy_adding too),
    storage, config and parameters; constructor keywords win."""
    ini = tmp_path / "env.ini"
    ini.write_text("[trajectory]\ntrajectory='ConfigTest'\nv_lazy_adding=True\n\n"
                   "[environment]\nmultiproc=True\n\n[storage_service]\n"
                   f"filename='{tmp_path}/c.hdf5'\n\n[parameters]\ntest.x=42\n")
    env = Environment(config=str(ini), multiproc=False, log_config=None)
    assert env.v_trajectory.v_lazy_adding and env.v_trajectory.x == 42


def test_6_2_lazy_adding(tmp_path):
    """traj.v_lazy_adding = True: assigning values (or value, comment) adds leaves."""
    traj = _env(tmp_path, trajectory="lazy").v_trajectory
    traj.v_lazy_adding = True
    traj.parameters.x = 42
    traj.parameters.y = 43, "This is the second variable"
    traj.v_lazy_adding = False
    assert traj.x == 42 and traj.f_get("y").v_comment == "This is the second variable"


# --- 6.3 Running an experiment -----------------------------------------------------------------------
def _job_with_args(traj: Trajectory, extra: int, *, factor: int = 1) -> int:
    return traj.x * extra * factor


def test_6_3_f_run_with_args_and_kwargs(tmp_path):
    """env.f_run(myjobfunc, *args, **kwargs) returns [(run index, return value), ...]."""
    env = _env(tmp_path, trajectory="run")
    _explore(env)
    assert env.f_run(myjobfunc) == [(0, "fortytwo"), (1, "fortytwo"), (2, "fortytwo")]
    env = _env(tmp_path / "b", trajectory="args")
    _explore(env)
    assert env.f_run(_job_with_args, 10, factor=2) == [(0, 20), (1, 40), (2, 60)]


# --- 6.4 Post-processing ---------------------------------------------------------------------------------
def mypostprocfunc(traj: Trajectory, result_list: list, extra_arg1: int,
                   extra_arg2: float) -> None:
    """The chapter's post-processing function."""
    traj.f_add_result("post", sum(v for _, v in result_list), extra_arg1, extra_arg2)


def test_6_4_f_add_postproc_and_f_add_postprocessing(tmp_path):
    """env.f_add_postproc(mypostprocfunc, 42, extra_arg2=42.5) passes the results and args."""
    env = _env(tmp_path, trajectory="post")
    traj = _explore(env)
    env.f_add_postproc(mypostprocfunc, 42, extra_arg2=42.5)
    env.f_run(_job_with_args, 1)
    assert traj.f_get("results.post").f_get("post", "post_1", "post_2") == [6, 42, 42.5]
    env = _env(tmp_path / "b", trajectory="post2")
    traj = _explore(env)
    env.f_add_postprocessing(mypostprocfunc, 1, 2.0)
    env.f_run(_job_with_args, 1)
    assert traj.f_get("results.post").f_get("post") == 6


def test_6_4_1_expanding_by_returning_a_dict(tmp_path):
    """A post-processing function returning {'x': [...]} expands and runs again, until it
    returns None (an adaptive search)."""
    env = _env(tmp_path, trajectory="expand")
    traj = _explore(env)
    env.f_add_postprocessing(_expanding_postproc)
    results = env.f_run(myjobfunc)
    assert len(traj) == 5 and len(results) == 5
    assert traj.f_get("x").f_get_range() == [1, 2, 3, 10, 20]


def _expanding_with_f_expand(traj: Trajectory, results: list) -> None:
    if len(traj) < 4:
        traj.f_expand({"x": [7]})


def test_6_4_1_expanding_with_f_expand(tmp_path):
    """A post-processing function that calls traj.f_expand(...) triggers the new runs."""
    env = _env(tmp_path, trajectory="fexpand")
    traj = _explore(env)
    env.f_add_postprocessing(_expanding_with_f_expand)
    assert len(env.f_run(myjobfunc)) == 4 and len(traj) == 4


# --- 6.5 Pipelines ----------------------------------------------------------------------------------------
def _pipe_job(traj: Trajectory, extra_arg1: int, extra_arg2: int, extra_arg3: int) -> int:
    return traj.ncards + extra_arg1 + extra_arg2 + extra_arg3


def _pipe_postproc(traj: Trajectory, results: list, postproc_arg1: int, postproc_arg2: int,
                   postproc_arg3: int) -> dict | None:
    maybe_i_should_explore_more_cards = len(traj) < 4
    exploration_dict = {"ncards": [100, 200]}
    return exploration_dict if maybe_i_should_explore_more_cards else None


def mypipeline(traj: Trajectory) -> tuple:
    """The chapter's pipeline: add and explore parameters, return two tuples."""
    traj.f_add_parameter("poker.ncards", 7, comment="Usually we play 7-card-stud")
    traj.f_explore({"ncards": range(2)})
    args = (1, 2)
    kwargs = {"extra_arg3": 3}
    postproc_args = (10,)  # Check out the comma here! Important to make it a tuple
    postproc_kwargs = {"postproc_arg2": 20, "postproc_arg3": 30}
    return (_pipe_job, args, kwargs), (_pipe_postproc, postproc_args, postproc_kwargs)


def test_6_5_f_pipeline_with_postprocessing(tmp_path):
    """env.f_pipeline(mypipeline) runs the returned job, then the post-processing, which
    explores more cards."""
    env = _env(tmp_path, trajectory="pipe")
    results = env.f_pipeline(mypipeline)
    assert results == [(0, 6), (1, 7), (2, 106), (3, 206)]


def test_6_5_pipeline_without_postprocessing(tmp_path):
    """A pipeline may return just ``myjobfunc, args, kwargs``."""
    def pipeline(traj: Trajectory) -> tuple:
        traj.f_add_parameter("x", 1)
        traj.f_explore({"x": [1, 2]})
        return _job_with_args, (3,), {"factor": 2}

    assert _env(tmp_path, trajectory="pipe2").f_pipeline(pipeline) == [(0, 6), (1, 12)]


# --- 6.6 Continuing a crashed experiment -----------------------------------------------------------------
def _crashing_job(traj: Trajectory) -> str:
    """Fails at x == 2 while the marker file beside the trajectory's file exists."""
    marker = os.path.join(os.path.dirname(traj.v_storage_service.filename), "crash-now")
    if traj.x == 2 and os.path.exists(marker):
        raise RuntimeError("the machine went down")
    return myjobfunc(traj)


def test_6_6_f_continue(tmp_path):
    """env.f_continue(trajectory_name=..., continue_folder=...) resumes a crashed trajectory
    in a new environment: the missing runs run, the finished ones do not run again."""
    (tmp_path / "crash-now").touch()
    with pytest.warns(DeprecationWarning):  # continuable etc. are old names
        env = _env(tmp_path, trajectory="crash", continuable=True,
                   continue_folder=str(tmp_path / "continue"))
    _explore(env)
    with pytest.raises(RuntimeError, match="went down"):
        env.f_run(_crashing_job)
    (tmp_path / "crash-now").unlink()
    again = _env(tmp_path)
    with pytest.warns(DeprecationWarning, match="continue_folder"):
        results = again.f_continue(trajectory_name="crash",
                                   continue_folder=str(tmp_path / "continue"))
    assert results == [(0, "fortytwo"), (1, "fortytwo"), (2, "fortytwo")]
    loaded = load_trajectory(name="crash", filename=str(tmp_path / "experiment.hdf5"))
    assert loaded.f_is_completed()


# --- values the chapter's ini example gives: report_progress / memory_cap tuples -----------
def test_chapter_ini_values_as_keywords(tmp_path):
    """The chapter ini's values work as keywords: report_progress=(10, 'pypet', 50),
    memory_cap=100.0, complevel=4, shuffle=False, fletcher32=True, display_time=50."""
    with pytest.warns(IneffectiveKeywordWarning):
        env = _env(tmp_path, trajectory="ini_values", report_progress=(10, "pypet", 50),
                   cpu_cap=100.0, memory_cap=100.0, swap_cap=100.0, complevel=4,
                   complib="zlib", shuffle=False, fletcher32=True, pandas_format="t",
                   purge_duplicate_comments=False, summary_tables=False,
                   small_overview_tables=False, large_overview_tables=True,
                   results_per_run=1000, derived_parameters_per_run=1000, display_time=50)
    _explore(env)
    env.f_run(myjobfunc)
    assert np.isclose(env.v_trajectory.config.hdf5.complevel, 4)


def test_result_and_parameter_classes_named_in_the_chapter(tmp_path):
    """Result/Parameter instances added by natural naming, as the chapter's examples do."""
    traj = _env(tmp_path, trajectory="nn").v_trajectory
    traj.parameters.x = Parameter("x", 1, "first")
    traj.results.r = Result("r", 5)
    traj.f_explore(cartesian_product({"x": [1, 2]}))
    assert traj.r == 5 and len(traj) == 2
