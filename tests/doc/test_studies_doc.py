"""The code blocks in doc/studies.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "studies.md"


def test_doc_has_snippets():
    """The page has python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 5
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_in_order(tmp_path, monkeypatch, capsys):
    """Every snippet executes in one namespace and prints what the page says it prints."""
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(DOC, "doc_snippets")
    out = capsys.readouterr().out
    assert len(namespace["computed"]) == 7  # 6 for the grids, 1 for the add_time study
    assert out.startswith("6\n[]\n")
    assert out.count("True") >= 2
    assert namespace["plan"].index.tolist() == [6, 7]
    assert namespace["studies"]["runs"].tolist() == [6, 1]
    assert namespace["studies"]["name"].iloc[1].startswith("pendulum_")
