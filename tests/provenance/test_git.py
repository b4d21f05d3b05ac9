"""git_repository / git_message / git_fail with real temporary repositories."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest

from pypet import Environment, GitDiffError, Trajectory
from pypet._version import __version__


def make_env(repo, tmp_path, **kwargs):
    kwargs.setdefault("git_repository", str(repo.path))
    return Environment(trajectory="gitted", filename=str(tmp_path / "out" / "g.hdf5"),
                       log_config=None, report_progress=False, **kwargs)


def commit_group(traj):
    groups = list(traj.config.git.f_get_children(copy=False))
    assert len(groups) == 1
    return traj.config.git.f_get(groups[0])


def test_clean_repository_records_head_without_committing(repo, tmp_path):
    """A clean work tree: HEAD is recorded, nothing is committed, the hexsha is pypet's own."""
    head = repo.head()
    env = make_env(repo, tmp_path)
    assert repo.head() == head
    commit = commit_group(env.trajectory)
    assert commit.hexsha == head and commit.branch == "main" and commit.dirty is False
    assert commit.message == "initial version\n" and commit.remote_url == ""
    traj = env.trajectory
    expected = hashlib.sha1(
        f"{traj.v_name}{traj.v_timestamp}{env.timestamp}{__version__}".encode()).hexdigest()
    assert env.hexsha == expected != head


def test_dirty_tracked_file_is_committed_and_becomes_the_hexsha(repo, tmp_path):
    """Changes to tracked files are committed (with pypet's message); untracked files are not."""
    repo.write("sim.py", "X = 2\n")
    repo.write("notes.txt", "untracked\n")
    env = make_env(repo, tmp_path, git_message="try X=2", comment="second try")
    head = repo.head()
    assert env.hexsha == head
    assert env.name.startswith(f"environment_{head[:7]}_")
    assert repo.show("sim.py") == "X = 2"
    assert "?? notes.txt" in repo.git("status", "--porcelain")
    message = repo.git("log", "-1", "--format=%B")
    assert message == (f"try X=2 -- Trajectory: `gitted`, Time: `{env.trajectory.v_time}`, "
                       "Comment: `second try`")
    commit = commit_group(env.trajectory)
    assert commit.hexsha == head and commit.dirty is True
    assert commit.committed_date == int(repo.git("log", "-1", "--format=%ct"))
    (group,) = env.trajectory.config.git.f_get_children(copy=False)
    assert re.fullmatch(rf"commit_{head[:7]}_\d{{4}}_\d\d_\d\d_\d\dh\d\dm\d\ds", group)


def test_staged_change_counts_as_uncommitted(repo, tmp_path):
    """A change staged with `git add` is committed too (pypet 0.7 ignored it)."""
    repo.write("sim.py", "X = 3\n")
    repo.git("add", "sim.py")
    before = repo.head()
    env = make_env(repo, tmp_path)
    assert repo.head() != before and env.hexsha == repo.head()
    assert repo.show("sim.py") == "X = 3"


def test_git_fail_raises_and_changes_nothing(repo, tmp_path):
    """git_fail=True with changes: GitDiffError naming the files; no commit, no file written."""
    repo.write("sim.py", "X = 4\n")
    repo.write("lib/helpers.py", "def helper():\n    return 2\n")
    repo.git("add", "lib/helpers.py")
    before = repo.head()
    with pytest.raises(GitDiffError, match=r"lib/helpers.py \(staged\).*sim.py|sim.py.*staged"):
        make_env(repo, tmp_path, git_fail=True)
    assert repo.head() == before
    assert not (tmp_path / "out").exists()


def test_git_fail_on_a_clean_tree_is_fine(repo, tmp_path):
    """git_fail=True without changes records HEAD."""
    env = make_env(repo, tmp_path, git_fail=True)
    assert commit_group(env.trajectory).hexsha == repo.head()


def test_works_without_any_git_identity(repo, tmp_path):
    """No user.name/user.email anywhere: pypet still commits (as GitPython's fallback user)."""
    no_identity = subprocess.run(["git", "config", "user.name"], cwd=repo.path)
    assert no_identity.returncode == 1  # git itself would refuse to commit here
    repo.write("sim.py", "X = 5\n")
    env = make_env(repo, tmp_path)
    assert env.hexsha == repo.head()
    author = repo.git("log", "-1", "--format=%an <%ae>")
    assert author.strip() and "Tester" not in author


def test_subdirectory_of_the_repository(repo, tmp_path):
    """A folder inside the work tree finds the repository above it."""
    repo.write("sim.py", "X = 6\n")
    env = make_env(repo, tmp_path, git_repository=str(repo.path / "lib"))
    assert env.hexsha == repo.head() and repo.show("sim.py") == "X = 6"


def test_detached_head(repo, tmp_path):
    """In a detached HEAD the commit is made there; the branch is recorded as empty."""
    first = repo.head()
    repo.write("sim.py", "X = 7\n")
    repo.commit_all("second")
    repo.git("checkout", "-q", first)
    repo.write("sim.py", "X = 8\n")
    env = make_env(repo, tmp_path)
    commit = commit_group(env.trajectory)
    assert commit.branch == "" and commit.hexsha == repo.head() == env.hexsha
    assert repo.git("rev-parse", "HEAD~1") == first


def test_remote_url_is_recorded_without_credentials(repo, tmp_path):
    """The origin URL is kept, a user:token part of it is not."""
    repo.git("remote", "add", "origin", "https://alice:s3cret@example.org/lab/sim.git")
    env = make_env(repo, tmp_path)
    assert commit_group(env.trajectory).remote_url == "https://example.org/lab/sim.git"


def test_not_a_repository_fails_before_anything_runs(tmp_path, isolated_git):
    """A folder outside any work tree: ValueError naming it; no HDF5 file, no log files."""
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ValueError, match="not inside a git work tree"):
        Environment(trajectory="x", filename=str(tmp_path / "out" / "x.hdf5"),
                    log_folder=str(tmp_path / "logs"), git_repository=str(plain))
    assert not (tmp_path / "out").exists() and not (tmp_path / "logs").exists()
    with pytest.raises(ValueError, match="is not a folder"):
        Environment(trajectory="x", log_config=None, git_repository=str(tmp_path / "missing"))


def test_repository_without_commits(tmp_path, isolated_git):
    """A fresh repository: staged files become the first commit; nothing staged is an error."""
    from tests.provenance.conftest import GitRepo

    fresh = GitRepo(tmp_path / "fresh")
    fresh.path.mkdir()
    fresh.git("init", "-q")
    with pytest.raises(ValueError, match="no commit yet"):
        Environment(trajectory="x", log_config=None, git_repository=str(fresh.path))
    fresh.write("a.py", "A = 1\n")
    fresh.git("add", "a.py")
    env = Environment(trajectory="x", log_config=None, git_repository=str(fresh.path))
    assert env.hexsha == fresh.head() and fresh.show("a.py") == "A = 1"


def test_commit_config_is_stored_and_loaded(repo, tmp_path):
    """config.git.commit_<hex7>_<time> is in the file after a run, with pypet's fields."""
    repo.write("sim.py", "X = 9\n")
    env = make_env(repo, tmp_path)
    env.trajectory.f_add_parameter("x", 1)
    env.run(lambda traj: traj.x)
    loaded = Trajectory(filename=str(tmp_path / "out" / "g.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    commit = commit_group(loaded)
    assert commit.hexsha == env.hexsha
    assert commit.name_rev.startswith(env.hexsha) and "main" in commit.name_rev
    assert loaded.f_get(f"config.environment.{env.name}.hexsha", fast_access=True) == env.hexsha


def test_git_keywords_are_type_checked(tmp_path):
    """git_repository must be a path; git_message a str."""
    with pytest.raises(TypeError, match="git_repository"):
        Environment(trajectory="x", log_config=None, git_repository=3)
    with pytest.raises(TypeError, match="git_message"):
        Environment(trajectory="x", log_config=None, git_message=None)
