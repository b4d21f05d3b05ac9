"""Short printed summaries of values, as pypet 0.7 prints them (``f_val_to_str``).

Pure functions of values, at the bottom of the package: results print themselves with them
and the HDF5 backend's overview tables record the same text, without importing the tree.
"""

from __future__ import annotations

from typing import Any

__all__ = ["VALUE_LENGTH", "items_str", "repr_prefix"]

#: a result's summary (``f_val_to_str``) is cut to this many characters, as in pypet
VALUE_LENGTH = 64


def repr_prefix(value: Any, length: int) -> str:
    """A string that starts like ``repr(value)`` for at least ``length`` characters.

    It is the whole ``repr`` for small values; long lists, tuples and dicts are cut after
    ``length`` entries first, so summarising a huge result never builds its whole repr.
    """
    kind = type(value)
    if (kind is list or kind is tuple) and len(value) > length:
        inner = ", ".join(repr_prefix(item, length) for item in value[:length])
        return ("[" if kind is list else "(") + inner + ", ..."
    if kind is dict and len(value) > length:
        items = list(value.items())[:length]
        return "{" + ", ".join(f"{k!r}: {repr_prefix(v, length)}" for k, v in items) + ", ..."
    return repr(value)


def items_str(items: dict[str, Any]) -> str:
    """``name=repr(value), ...`` cut to 64 characters with ``...``, exactly as pypet 0.7."""
    parts = []
    length = 0
    for key, value in items.items():
        part = f"{key}={repr_prefix(value, VALUE_LENGTH)}, "
        parts.append(part)
        length += len(part)
        if length > VALUE_LENGTH:
            break
    text = "".join(parts)
    return text[: VALUE_LENGTH - 3] + "..." if len(text) > VALUE_LENGTH else text[:-2]
