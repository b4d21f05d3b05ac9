"""README.md: its snippet runs, and its two commands are the ones CI uses."""

from __future__ import annotations

from markdown_blocks import ROOT, run_blocks

README = ROOT / "README.md"


def test_readme_snippet_runs(tmp_path, monkeypatch):
    """The first-look example of the README works as printed."""
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(README, "readme")
    assert list(namespace["traj"].f_to_dataframe()["z"]) == [3.0, 4.0, 6.0, 8.0]


def test_readme_test_command_is_what_ci_runs():
    """.ci/run executes exactly the test command shown in the README."""
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pytest" in line and "venv" in line)
    assert command.strip() in ci
