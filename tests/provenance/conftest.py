"""Real temporary git repositories, isolated from the machine's git configuration."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

#: variables through which the machine's git identity or repository could leak in
_GIT_VARIABLES = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                  "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_WORK_TREE")


class GitRepo:
    """A git work tree driven by the git program (the way a user makes one)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path) -> GitRepo:
        """A repository with two committed files (no identity configured in it)."""
        work = cls(path)
        path.mkdir(parents=True)
        work.git("init", "-q", "-b", "main")
        work.write("sim.py", "X = 1\n")
        work.write("lib/helpers.py", "def helper():\n    return 1\n")
        work.commit_all("initial version")
        return work

    def git(self, *args: str) -> str:
        """Run ``git <args>`` in the work tree and return its output."""
        done = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True,
                              check=True)
        return done.stdout.strip()

    def write(self, name: str, text: str) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def commit_all(self, message: str = "work") -> str:
        """Commit everything as the test identity (given per command); return the new HEAD."""
        self.git("add", "-A")
        self.git("-c", "user.name=Tester", "-c", "user.email=tester@example.org",
                 "commit", "-q", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def show(self, path: str, rev: str = "HEAD") -> str:
        return self.git("show", f"{rev}:{path}")


@contextlib.contextmanager
def isolated_environment(base: Path) -> Iterator[Path]:
    """No git identity or configuration from the machine leaks in (HOME is a new folder)."""
    home = base / "home"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in _GIT_VARIABLES:
            patch.delenv(name, raising=False)
        yield home


@pytest.fixture
def isolated_git(tmp_path: Path) -> Iterator[Path]:
    """HOME and git configuration of the test are empty (see isolated_environment)."""
    with isolated_environment(tmp_path) as home:
        yield home


@pytest.fixture
def repo(tmp_path: Path, isolated_git: Path) -> GitRepo:
    """A repository with committed files and no identity configured."""
    return GitRepo.create(tmp_path / "project")
