"""The code blocks in doc/storage.md run, in order, as one script in a scratch directory."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "doc" / "storage.md"
#: A fenced block that starts with ```python and ends with a line of ``` alone.
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return ``(line number, code)`` of every python block in ``text``."""
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1))
        for match in PYTHON_BLOCK.finditer(text)
    ]


def test_doc_has_snippets():
    """The page has python snippets, and no fence is left unclosed."""
    text = DOC.read_text(encoding="utf-8")
    assert len(python_blocks(text)) >= 15
    assert text.count("```") % 2 == 0


def test_doc_snippets_run_in_order(tmp_path, monkeypatch):
    """Every snippet executes without error in one shared namespace, writing only to tmp."""
    monkeypatch.chdir(tmp_path)  # the snippets use relative file names
    namespace: dict = {"__name__": "storage_doc"}
    for line, code in python_blocks(DOC.read_text(encoding="utf-8")):
        compiled = compile(code, f"{DOC.name}:block at line {line}", "exec")
        exec(compiled, namespace)  # noqa: S102 - the doc's own snippets
    assert list(tmp_path.rglob("*.hdf5")), "the snippets were expected to write HDF5 files"
