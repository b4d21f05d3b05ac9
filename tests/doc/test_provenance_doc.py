"""The code blocks in doc/provenance.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

import os

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "provenance.md"


def test_provenance_doc_snippets_run(tmp_path, monkeypatch):
    """Every snippet runs (a throwaway repository, no git identity from the machine); the
    auto-commit and the GitDiffError happen."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert len(python_blocks(DOC.read_text(encoding="utf-8"))) >= 3
    namespace = run_blocks(DOC, "provenance_doc")
    assert namespace["commit"].dirty is True
    assert namespace["commit"].message.startswith("faster rate -- Trajectory: `tracked`")
    assert "uncommitted changes" in namespace["refusal"] and "model.py" in namespace["refusal"]
