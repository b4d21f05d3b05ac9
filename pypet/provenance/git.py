"""Git provenance: commit the experiment's code and describe the commit (the one door for
GitPython).

pypet's rule: tracked files with uncommitted changes (staged or not) are committed before an
experiment (``git add -u`` + commit), or, with ``git_fail``, a :class:`GitDiffError` is
raised. Untracked files are never added. The result is plain data (:class:`GitCommit`).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any

from pypet.errors import GitDiffError

__all__ = ["GitCommit", "commit_config", "commit_message", "open_repository", "record_commit"]

#: ``scheme://user:secret@host`` -> ``scheme://host``: a token in a remote URL must not end
#: up in a results file
_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


@dataclass(frozen=True)
class GitCommit:
    """The commit an experiment ran with."""

    hexsha: str
    name_rev: str
    committed_date: int  #: POSIX seconds
    message: str
    branch: str  #: empty for a detached HEAD
    remote_url: str  #: of ``origin`` (else the first remote), credentials removed; or ''
    dirty: bool  #: tracked files had uncommitted changes (this environment committed them)
    new_commit: bool  #: this environment made the commit


def _git() -> Any:
    try:
        import git
    except ImportError as error:  # GitPython missing, or no usable git program
        raise ImportError(
            f"git_repository= needs GitPython and the git program ({error}). Install them "
            "(pip install gitpython; git from your system's packages) or leave "
            "git_repository=None."
        ) from error
    return git


def open_repository(path: str | os.PathLike) -> Any:
    """The ``git.Repo`` whose work tree contains ``path`` (a subfolder is fine).

    Raises
    ------
    ValueError
        ``path`` does not exist or is not inside a git work tree.
    """
    git = _git()
    if not os.path.isdir(path):
        raise ValueError(f"git_repository={os.fspath(path)!r} is not a folder; pass the path of "
                         "your git work tree (or a folder inside it).")
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise ValueError(
            f"git_repository={os.fspath(path)!r} is not inside a git work tree (no .git found "
            "there or in a parent folder). Run `git init` and commit your code, or pass the "
            "right path."
        ) from error
    if repo.bare:
        raise ValueError(f"git_repository={os.fspath(path)!r} is a bare repository; pass a "
                         "work tree.")
    return repo


def commit_message(user_message: str, traj_name: str, traj_time: str, comment: str) -> str:
    """pypet's message: ``<user message> -- Trajectory: `name`, Time: `time`[, Comment: ...]``."""
    message = f"{user_message} -- " if user_message else ""
    message += f"Trajectory: `{traj_name}`, Time: `{traj_time}`"
    if comment:
        message += f", Comment: `{comment}`"
    return message


def _changes(repo: Any) -> list[str]:
    """Tracked paths with uncommitted changes, staged or not (``path (staged)``/``path``)."""
    unstaged = {d.a_path or d.b_path for d in repo.index.diff(None)}
    if repo.head.is_valid():
        staged = {d.a_path or d.b_path for d in repo.index.diff("HEAD")}
    else:  # no commit yet: everything in the index is staged
        staged = {path for path, _stage in repo.index.entries}
    return sorted(unstaged) + sorted(f"{path} (staged)" for path in staged)


def _remote_url(repo: Any) -> str:
    remotes = {remote.name: remote for remote in repo.remotes}
    remote = remotes.get("origin") or next(iter(remotes.values()), None)
    if remote is None:
        return ""
    try:
        url = next(iter(remote.urls), "")
    except Exception:  # a remote without a URL (broken config): nothing to record
        return ""
    return _CREDENTIALS.sub(r"\1", url)


def record_commit(repo: Any, message: str, fail: bool) -> GitCommit:
    """Commit tracked changes (or raise with ``fail``) and describe the resulting HEAD.

    Raises
    ------
    GitDiffError
        ``fail`` is True and tracked files have uncommitted changes.
    ValueError
        The repository has no commit and nothing staged to commit.
    """
    changes = _changes(repo)
    where = repo.working_tree_dir
    if changes and fail:
        raise GitDiffError(
            f"Found uncommitted changes in the git repository {where}: {', '.join(changes)}. "
            "Commit them, or pass git_fail=False to let pypet commit them."
        )
    if changes:
        repo.git.add(update=True)
        # A fresh index object: the one used for the diff would commit the old tree. Without
        # a configured identity GitPython falls back to the user and host names.
        commit = repo.index.commit(message)
    elif not repo.head.is_valid():
        raise ValueError(f"The git repository {where} has no commit yet and nothing to commit; "
                         "commit your code first.")
    else:
        commit = repo.head.commit
    branch = "" if repo.head.is_detached else repo.active_branch.name
    return GitCommit(hexsha=commit.hexsha, name_rev=commit.name_rev,
                     committed_date=int(commit.committed_date), message=str(commit.message),
                     branch=branch, remote_url=_remote_url(repo), dirty=bool(changes),
                     new_commit=bool(changes))


def commit_config(commit: GitCommit) -> tuple[str, dict[str, tuple[Any, str]]]:
    """``(group name, {entry: (value, comment)})`` for ``config.git`` (pypet's layout)."""
    when = time.strftime("%Y_%m_%d_%Hh%Mm%Ss", time.localtime(commit.committed_date))
    group = f"commit_{commit.hexsha[:7]}_{when}"
    return group, {
        "hexsha": (commit.hexsha, "SHA-1 hash of the commit"),
        "name_rev": (commit.name_rev, "the commit's hash and its nearest reference"),
        "committed_date": (commit.committed_date, "date of the commit (POSIX seconds)"),
        "message": (commit.message, "the commit message"),
        "branch": (commit.branch, "the branch checked out (empty: detached HEAD)"),
        "remote_url": (commit.remote_url, "URL of the remote 'origin' (or the first remote)"),
        "dirty": (commit.dirty, "tracked files had uncommitted changes, committed by pypet"),
    }
