"""Sumatra records against a real project (``smt init``) in a temporary git repository.

The experiments run as scripts in subprocesses, as users run them: Sumatra records the main
script, which must be committed in the project's repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pypet import Environment, Trajectory

REPO_ROOT = Path(__file__).resolve().parents[2]
sumatra = pytest.importorskip("sumatra", reason="Sumatra is not installed (pip install "
                              "'pypet[sumatra]'); CI installs it through the test extra")
#: the `smt` command installed with Sumatra (next to this interpreter, else on the PATH)
SMT = str(Path(sys.executable).with_name("smt")) \
    if Path(sys.executable).with_name("smt").exists() else shutil.which("smt") or "smt"

EXPERIMENT = """
from pypet import Environment

def job(traj):
    if traj.x == {fail_at}:
        raise RuntimeError("x = {fail_at} fails")
    traj.f_add_result("z", traj.x * traj.y)

env = Environment(trajectory="smt_traj", filename="results/{label}.hdf5", comment="a test",
                  log_config=None, report_progress=False, sumatra_project=".",
                  sumatra_reason="testing records", git_repository=".",
                  sumatra_label="{label}")
env.trajectory.f_add_parameter("x", 1, comment="explored")
env.trajectory.f_add_parameter("y", 2.5)
env.trajectory.f_add_parameter("name", "euler")
env.trajectory.f_explore({{"x": [1, 2, 3]}})
try:
    env.run(job)
except RuntimeError as error:
    print("RAISED", error)
"""

PIPELINE = """
from pypet import Environment

def job(traj):
    return traj.a

def pipeline(traj):
    traj.f_add_parameter("a", 0)
    traj.f_explore({"a": [5, 6]})
    return (job,)

env = Environment(trajectory="piped", filename="results/piped.hdf5", log_config=None,
                  report_progress=False, sumatra_project=".", sumatra_label="piped")
print(env.pipeline(pipeline))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of pypet outside any git repository, as an installed package is (Sumatra
    looks up the repository of every imported module, and cannot read the git worktrees a
    development checkout may be)."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO_ROOT / "pypet", folder / "pypet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run(args, cwd, site=None):
    env = dict(os.environ)
    path = str(site) if site is not None else str(REPO_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def make_project(repo, site):
    """A Sumatra project (made with `smt init`) in a git repository."""
    made = run([SMT, "init", "pypet_test_project"], repo.path)
    assert made.returncode == 0, made.stderr
    (repo.path / ".gitignore").write_text("results/\n.smt/\nData/\n")
    repo.commit_all("ignore outputs")
    repo.site = site
    return repo


def run_script(project, name, text):
    """Write, commit and run a script in the project; return the finished process."""
    project.write(name, text)
    project.commit_all(f"add {name}")
    return run([sys.executable, name], project.path, project.site)


def parse_listing(listing: str) -> dict[str, dict[str, str]]:
    """The records of `smt list --long` by label; continuation lines joined with newlines."""
    records: dict[str, dict[str, str]] = {}
    for block in listing.split("-" * 80):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.strip().splitlines():
            name, _, text = line.partition(":")
            if name.strip():
                key = name.strip()
                fields[key] = [text.strip()]
            elif key is not None:
                fields[key].append(text.strip())
        if "Label" in fields:
            records[fields["Label"][0]] = {k: "\n".join(v) for k, v in fields.items()}
    return records


@pytest.fixture(scope="module")
def records(tmp_path_factory, site):
    """Three experiments in one project (a success, a failure, a pipeline), then the record
    store as `smt list --long` shows it."""
    from tests.provenance.conftest import GitRepo, isolated_environment

    base = tmp_path_factory.mktemp("sumatra")
    with isolated_environment(base):
        project = make_project(GitRepo.create(base / "project"), site)
        outputs = {
            "first_try": run_script(project, "experiment.py",
                                    EXPERIMENT.format(fail_at=-1, label="first_try")),
            "failing": run_script(project, "failing.py",
                                  EXPERIMENT.format(fail_at=2, label="failing")),
            "piped": run_script(project, "pipe.py", PIPELINE),
        }
        listing = run([SMT, "list", "--long"], project.path, site)
    assert listing.returncode == 0, listing.stderr
    return project, outputs, parse_listing(listing.stdout)


def load(project, label):
    traj = Trajectory(filename=str(project.path / "results" / f"{label}.hdf5"))
    traj.f_load(index=-1, load_data=2)
    return traj


def test_record_after_run_is_in_sumatras_store(records):
    """After env.run the record is in Sumatra's store: parameters, ranges, duration, outputs."""
    project, outputs, listed = records
    assert outputs["first_try"].returncode == 0, outputs["first_try"].stderr
    record = listed["first_try"]
    assert record["Outcome"] == "3 runs, all completed"
    assert float(record["Duration"]) > 0
    assert record["Main_File"] == "experiment.py"
    assert "Python" in record["Executable"]
    assert record["Parameters"].splitlines() == [
        "parameters.x = [1, 2, 3]", "parameters.y = 2.5", 'parameters.name = "euler"']
    assert record["Reason"].replace("\n", " ") == (
        "testing records -- Trajectory smt_traj (`a test`) -- Explored Parameters: "
        "['parameters.x']")
    assert "results/first_try.hdf5(" in record["Output_Data"].replace("\n", "")
    assert record["Tags"] == "_finished_"
    traj = load(project, "first_try")
    (commit,) = traj.config.git.f_get_children(copy=False)
    assert record["Version"] == traj.config.git.f_get(commit).hexsha  # the code that ran
    assert traj.f_get("config.sumatra.record_first_try.label", fast_access=True) == "first_try"
    assert traj.f_get("config.sumatra.record_first_try.reason",
                      fast_access=True).startswith("testing records")


def test_failed_run_completes_the_record(records):
    """A run that raises still leaves a complete record: failed, with a positive duration."""
    project, outputs, listed = records
    assert "RAISED x = 2 fails" in outputs["failing"].stdout, outputs["failing"].stderr
    record = listed["failing"]
    outcome = record["Outcome"].replace("\n", "")
    assert outcome.startswith("failed: RuntimeError") and "x = 2 fails" in outcome
    assert float(record["Duration"]) > 0
    assert record["Tags"] == "_failed_"
    assert load(project, "failing").f_contains("config.sumatra.record_failing.label")


def test_pipeline_records_the_parameters_it_adds(records):
    """With env.pipeline the record holds the parameters the pipeline added."""
    _, outputs, listed = records
    assert outputs["piped"].returncode == 0, outputs["piped"].stderr
    assert listed["piped"]["Parameters"] == "parameters.a = [5, 6]"
    assert listed["piped"]["Main_File"] == "pipe.py"


def test_uncommitted_code_without_git_integration_is_a_clear_error(repo, site):
    """Sumatra refuses changed code; pypet says what to do, before any run."""
    project = make_project(repo, site)
    script = EXPERIMENT.format(fail_at=-1, label="dirty").replace('git_repository=".",', "")
    project.write("experiment.py", script)
    project.commit_all("the experiment")
    project.write("experiment.py", script + "\n# changed, not committed\n")
    done = run([sys.executable, "experiment.py"], project.path, project.site)
    assert "RAISED Sumatra project" in done.stdout, done.stderr
    assert "uncommitted changes" in done.stdout and "git_repository" in done.stdout
    assert not (project.path / "results" / "dirty.hdf5").exists()


def test_wrong_settings_fail_when_the_environment_is_created(tmp_path):
    """Not a project, or a label with a dot: ValueError at construction."""
    with pytest.raises(ValueError, match="not a Sumatra project"):
        Environment(trajectory="s", log_config=None, sumatra_project=str(tmp_path))
    with pytest.raises(ValueError, match="sumatra_label"):
        Environment(trajectory="s", log_config=None, sumatra_project=str(tmp_path),
                    sumatra_label="v1.2")


def test_missing_sumatra_names_the_extra(tmp_path):
    """Without the sumatra package: ImportError saying to install pypet[sumatra]."""
    code = ("import sys; sys.modules['sumatra'] = None\n"
            "from pypet import Environment\n"
            f"Environment(trajectory='s', log_config=None, sumatra_project={str(tmp_path)!r})")
    done = run([sys.executable, "-c", code], tmp_path)
    assert done.returncode != 0
    assert "ImportError" in done.stderr and "pypet[sumatra]" in done.stderr
