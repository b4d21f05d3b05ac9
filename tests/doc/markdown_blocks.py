"""Running the ```python blocks of a markdown page, in order, as one script."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: A fenced block that starts with ```python and ends with a line of ``` alone.
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return ``(line number, code)`` of every python block in ``text``."""
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1))
        for match in PYTHON_BLOCK.finditer(text)
    ]


def run_blocks(page: Path, name: str) -> dict:
    """Execute every python block of ``page`` in one namespace; return the namespace."""
    namespace: dict = {"__name__": name}
    for line, code in python_blocks(page.read_text(encoding="utf-8")):
        compiled = compile(code, f"{page.name}:block at line {line}", "exec")
        exec(compiled, namespace)  # noqa: S102 - the page's own snippets
    return namespace
