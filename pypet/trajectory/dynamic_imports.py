"""Classes that loading may need: built-ins plus the user's ``dynamic_imports``."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["DynamicImports", "builtin_classes"]


def builtin_classes() -> dict[str, type]:
    """The leaf and group classes pypet knows without help, by class name."""
    from pypet import parameters, results
    from pypet.trajectory import groups
    from pypet.tree.group import NNGroupNode

    classes: list[type] = [
        NNGroupNode, groups.ParameterGroup, groups.DerivedParameterGroup, groups.ConfigGroup,
        groups.ResultGroup,
    ]
    for module in (parameters, results):
        classes.extend(getattr(module, name) for name in module.__all__
                       if name != "ObjectTable" and isinstance(getattr(module, name), type))
    return {cls.__name__: cls for cls in classes}


class DynamicImports:
    """The user's extra classes: class objects or ``'package.module.Class'`` strings."""

    def __init__(self, items: Any = None) -> None:
        self._items: list[type | str] = []
        if items is not None:
            self.add(items)

    def add(self, items: Any) -> None:
        """Add one class/dotted path or a list of them."""
        for item in items if isinstance(items, (list, tuple, set)) else [items]:
            if not isinstance(item, (type, str)):
                raise TypeError(
                    f"dynamic_imports takes classes or 'package.module.Class' strings, not {item!r}."
                )
            if item not in self._items:
                self._items.append(item)

    def __iter__(self):
        return iter(self._items)

    def resolve(self, class_name: str) -> type:
        """Return the class called ``class_name`` (built-ins first, then the user's)."""
        builtins = builtin_classes()
        if class_name in builtins:
            return builtins[class_name]
        for item in self._items:
            if isinstance(item, type) and item.__name__ == class_name:
                return item
            if isinstance(item, str) and item.rpartition(".")[2] == class_name:
                module, _, name = item.rpartition(".")
                return getattr(importlib.import_module(module), name)
        raise ImportError(
            f"The class {class_name!r} is unknown; pass it via dynamic_imports=[{class_name}] "
            "(a class or a 'package.module.Class' string)."
        )
