"""The snippets in doc/data_model.md run, in order, as one script."""

from __future__ import annotations

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "data_model.md"


def test_doc_has_snippets():
    """The page has python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 10
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_in_order(tmp_path, monkeypatch):
    """Every snippet executes without error in one shared namespace."""
    monkeypatch.chdir(tmp_path)  # anything a snippet writes stays out of the repository
    run_blocks(DOC, "doc_snippets")
