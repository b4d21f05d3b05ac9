"""Results: leaves holding named items of computed data.

``ObjectTable`` loads on first access, because it imports pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.results.base import BaseResult
from pypet.results.pickle import PickleResult
from pypet.results.result import Result
from pypet.results.sparse import SparseResult

__all__ = ["BaseResult", "ObjectTable", "PickleResult", "Result", "SparseResult"]


def __getattr__(name: str) -> Any:
    if name == "ObjectTable":
        from pypet.results.object_table import ObjectTable

        return ObjectTable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from pypet.results.object_table import ObjectTable
