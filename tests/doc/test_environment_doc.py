"""The code blocks in doc/environment.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

import logging
import sys

import pytest
from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "environment.md"
#: loggers whose level the logging snippets may change
_LOGGERS = ("", "pypet", "mysim", "STDOUT")


@pytest.fixture
def logging_restored():
    """Put logger levels, handlers and sys.stdout back as they were before the snippets."""
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    saved = [(logger, logger.level, list(logger.handlers)) for logger in loggers]
    stdout = sys.stdout
    yield
    sys.stdout = stdout
    for logger, level, handlers in saved:
        for handler in logger.handlers[:]:
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)


def test_doc_has_snippets():
    """The page has python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 15
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_in_order(tmp_path, monkeypatch, logging_restored):
    """Every snippet executes without error in one shared namespace, writing only to tmp."""
    monkeypatch.chdir(tmp_path)  # the snippets use relative file names
    namespace = run_blocks(DOC, "doc_snippets")
    assert (tmp_path / "hdf5" / "environment.hdf5").exists()
    assert list((tmp_path / "logs").rglob("LOG.txt")), "the logging snippet writes LOG.txt"
    assert namespace["found"] and len(namespace["found"]) == 18
