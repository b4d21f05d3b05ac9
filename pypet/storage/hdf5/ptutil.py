"""Small PyTables helpers."""

from __future__ import annotations

from typing import Any

import tables

__all__ = ["get_child"]


def get_child(group: tables.Group, name: str) -> Any:
    """The child ``name`` of ``group`` or None.

    ``group._v_children.get(name)`` is not usable: PyTables loads children lazily in
    ``__getitem__`` and ``get`` returns None for a child that exists but is not loaded yet.
    """
    children = group._v_children
    return children[name] if name in children else None
