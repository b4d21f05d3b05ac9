"""The code blocks in doc/reliability.md run, in order, and print what their comments say."""

from __future__ import annotations

import contextlib
import io
import re

from markdown_blocks import ROOT, python_blocks, run_blocks

DOC = ROOT / "doc" / "reliability.md"
#: ``print(...)  # expected`` lines in the page
PRINTED = re.compile(r"^print\(.*\)\s+# (.+)$", re.MULTILINE)


def test_reliability_snippets_run_and_print_what_they_claim(tmp_path, monkeypatch):
    """Every snippet runs in a scratch directory; each commented print shows its output."""
    monkeypatch.chdir(tmp_path)
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 3
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        run_blocks(DOC, "reliability_snippets")
    printed = output.getvalue()
    for claim in PRINTED.findall(text):
        assert claim in printed, f"{claim!r} not printed:\n{printed}"
    assert not (tmp_path / "resume" / "sweep").exists()  # the finished sweep's folder is gone
