"""The code blocks in doc/merging.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "merging.md"


def test_doc_has_snippets():
    """The page has runnable python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) == 2
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_and_print_what_the_page_says(tmp_path, monkeypatch, capsys):
    """The merge and shard snippets print the lines the page quotes."""
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(DOC, "doc_snippets")
    out = capsys.readouterr().out.splitlines()
    assert out == ["6", "[[5.0, 3.0, 15.0], [5.0, 4.0, 20.0]]",
                   "6 ['shard_0000.hdf5', 'shard_0001.hdf5', 'shard_0002.hdf5']"]
    assert namespace["study"].f_get("x").f_get_range() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]
    text = DOC.read_text(encoding="utf-8")
    for line in out:
        assert line.strip("`") in text
