"""pypet 0.7's module for leaves: ``from pypet.parameter import Parameter, Result, ...``.

Only re-exports; ``ObjectTable`` loads on first access because it imports pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.parameters import (
    ArrayParameter,
    BaseParameter,
    Parameter,
    PickleParameter,
    SparseParameter,
)
from pypet.results import BaseResult, PickleResult, Result, SparseResult

__all__ = [
    "ArrayParameter",
    "BaseParameter",
    "BaseResult",
    "ObjectTable",
    "Parameter",
    "PickleParameter",
    "PickleResult",
    "Result",
    "SparseParameter",
    "SparseResult",
]


def __getattr__(name: str) -> Any:
    if name == "ObjectTable":
        from pypet.results.object_table import ObjectTable

        return ObjectTable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from pypet.results.object_table import ObjectTable
