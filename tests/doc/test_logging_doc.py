"""The code blocks in doc/logging.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from markdown_blocks import ROOT, python_blocks, run_blocks

from pypet.log.setup import active_setups

DOC = ROOT / "doc" / "logging.md"


def test_logging_doc_snippets_run_and_write_the_files(tmp_path, monkeypatch):
    """Every snippet runs; the DEFAULT files and the per-run files exist; logging is left
    as it was."""
    monkeypatch.chdir(tmp_path)
    stdout, handlers = sys.stdout, list(logging.getLogger("pypet").handlers)
    active = list(active_setups())
    assert len(python_blocks(DOC.read_text(encoding="utf-8"))) >= 5
    namespace = run_blocks(DOC, "logging_doc")
    log = Path(namespace["folder"]) / "LOG.txt"
    assert "STDOUT INFO     computing x = 2" in log.read_text()
    assert (tmp_path / "run_logs" / "split" / "run_00000001.txt").read_text() == \
        "STDOUT computing x = 2\n"
    assert sys.stdout is stdout and logging.getLogger("pypet").handlers == handlers
    assert active_setups() == active
