"""The code blocks in doc/storage.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "storage.md"


def test_doc_has_snippets():
    """The page has python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 15
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_in_order(tmp_path, monkeypatch):
    """Every snippet executes without error in one shared namespace, writing only to tmp."""
    monkeypatch.chdir(tmp_path)  # the snippets use relative file names
    run_blocks(DOC, "doc_snippets")
    assert list(tmp_path.rglob("*.hdf5")), "the snippets were expected to write HDF5 files"
