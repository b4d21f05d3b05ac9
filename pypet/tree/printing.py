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

from pypet.valuetext import VALUE_LENGTH, items_str, repr_prefix

__all__ = ["VALUE_LENGTH", "children_str", "class_label", "items_str", "node_str",
           "repr_prefix"]

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
    for pos, (name, child) in enumerate(group._made_children().items()):
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
