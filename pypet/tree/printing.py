"""Printed forms of tree nodes, as pypet 0.7 prints them.

Scripts and notebooks written for pypet print trajectories, groups and leaves; users compare
that output, so ``str``/``repr`` follow pypet's formats exactly:

* leaf:  ``Parameter parameters.x (len:3, `comment`): 1`` (``len`` only when explored,
  the comment only when set, the value only when there is one);
* group: ``ParameterGroup parameters (`comment`): (x: <class ...>), (y: <class ...>), ...``
  (at most six children, then ``...``);
* trajectory: ``Trajectory name (`comment`, len:3): (parameters: <class ...>), ...``;
* ``repr`` is ``<`` + ``str`` + ``>``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["children_str", "class_label", "items_str", "node_str", "repr_prefix"]

#: a result's summary (``f_val_to_str``) is cut to this many characters, as in pypet
VALUE_LENGTH = 64

#: pypet 0.7 module a built-in class is printed under (``<class 'pypet.parameter.Result'>``):
#: the module users import it from, not where ours happens to define it.
_PYPET07_MODULES = {
    "NNGroupNode": "pypet.naturalnaming",
    "ParameterGroup": "pypet.naturalnaming",
    "DerivedParameterGroup": "pypet.naturalnaming",
    "ConfigGroup": "pypet.naturalnaming",
    "ResultGroup": "pypet.naturalnaming",
    "Parameter": "pypet.parameter",
    "ArrayParameter": "pypet.parameter",
    "SparseParameter": "pypet.parameter",
    "PickleParameter": "pypet.parameter",
    "Result": "pypet.parameter",
    "SparseResult": "pypet.parameter",
    "PickleResult": "pypet.parameter",
}

#: pypet 0.7 lists at most this many children of a group, then ``...`` (even for exactly six)
_MAX_CHILDREN = 6


def class_label(cls: type) -> str:
    """``<class 'module.Name'>``, with pypet 0.7's module for our built-in classes."""
    module = cls.__module__
    if module.startswith("pypet.") and cls.__name__ in _PYPET07_MODULES:
        module = _PYPET07_MODULES[cls.__name__]
    return f"<class '{module}.{cls.__qualname__}'>"


def children_str(group: Any) -> str:
    """``(name: <class ...>), ...`` for the first children of ``group`` (links excluded)."""
    parts = []
    for pos, (name, child) in enumerate(group._children.items()):
        parts.append(f"({name}: {class_label(type(child))})")
        if pos == _MAX_CHILDREN - 1:  # pypet adds '...' after the sixth child, always
            parts.append("...")
            break
    return ", ".join(parts)


def node_str(class_name: str, full_name: str, details: list[str], value: str) -> str:
    """``Class full.name (detail, detail): value`` with empty parts left out."""
    text = f"{class_name} {full_name}"
    details = [d for d in details if d]
    if details:
        text += f" ({', '.join(details)})"
    if value:
        text += f": {value}"
    return text


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
