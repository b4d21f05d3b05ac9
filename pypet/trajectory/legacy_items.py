"""Converting a leaf's items as pypet 0.7 stored them for the leaf class that loads them.

Our built-in classes (and subclasses that keep their ``_load``) get their own form
(:func:`pypet.storage.pypet07_items.convert`); a class with a ``_load`` of its own gets pypet
0.7's dict unchanged, as it did there.
"""

from __future__ import annotations

from typing import Any

from pypet.storage.pypet07_items import convert

__all__ = ["is_pypet07_items", "our_load_dict"]


def is_pypet07_items(data: Any) -> bool:
    """Whether a record's data are a leaf's items as pypet 0.7 stored them."""
    return getattr(data, "pypet07_layout", False)


def our_load_dict(cls: type, items: dict[str, Any]) -> dict[str, Any]:
    """The dict ``cls._load`` takes, from pypet 0.7's stored items of a leaf of ``cls``."""
    from pypet.parameters import ArrayParameter, Parameter, PickleParameter, SparseParameter
    from pypet.results import PickleResult, Result, SparseResult

    for base in (PickleParameter, SparseParameter, ArrayParameter, Parameter,
                 PickleResult, SparseResult, Result):
        if issubclass(cls, base):
            return convert(base.__name__, items) if cls._load is base._load else dict(items)
    return dict(items)
