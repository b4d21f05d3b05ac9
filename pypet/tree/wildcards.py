"""Wildcards: name components that stand for the current run (``$``, ``crun``, ``$set``...).

A wildcard function maps a run index (``-1`` = no particular run) to a name. Users register
more with ``wildcard_functions={('$mine', 'mine'): f}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pypet import constants as C
from pypet.tree.names import run_name, set_name

__all__ = ["WildcardRegistry"]

WildcardFunction = Callable[[int], str]


class WildcardRegistry:
    """Maps wildcard names to functions of the run index, with a per-index cache."""

    def __init__(self, extra: dict[tuple[str, ...] | str, WildcardFunction] | None = None) -> None:
        self._functions: dict[tuple[str, ...], WildcardFunction] = {
            (C.WILDCARD, "crun"): run_name,
            (C.WILDCARD_SET, "crunset"): set_name,
        }
        self._lookup: dict[str, tuple[str, ...]] = {}
        self._cache: dict[tuple[str, int], str] = {}
        self._rebuild()
        if extra:
            self.add(extra)

    def _rebuild(self) -> None:
        self._lookup = {name: key for key in self._functions for name in key}
        self._cache.clear()

    def add(self, functions: dict[tuple[str, ...] | str, WildcardFunction]) -> None:
        """Register wildcard functions ``{('$name', 'alias', ...): f(idx) -> str}``.

        Giving exactly the names of a registered wildcard replaces its function (pypet lets
        ``{('$', 'crun'): f}`` rename the runs); names that overlap only partly are refused.
        """
        for key, function in functions.items():
            names = (key,) if isinstance(key, str) else tuple(key)
            if not callable(function):
                raise TypeError(f"The wildcard function for {names} is not callable: {function!r}.")
            clash = [n for n in names if n in self._lookup and self._lookup[n] != names]
            if clash:
                raise ValueError(
                    f"The wildcard(s) {clash} are already registered with other names; give "
                    "all names of a wildcard to replace it."
                )
            self._functions[names] = function
        self._rebuild()

    def is_wildcard(self, name: str) -> bool:
        """Tell whether ``name`` is a registered wildcard."""
        return name in self._lookup

    def translate(self, name: str, idx: int) -> str:
        """Return the name the wildcard ``name`` stands for at run ``idx``."""
        key = (name, idx)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._functions[self._lookup[name]](idx)
            self._cache[key] = cached
        return cached

    def wildcards(self) -> list[tuple[str, ...]]:
        """Return the registered wildcard name tuples."""
        return list(self._functions)

    def items(self) -> Iterable[tuple[tuple[str, ...], WildcardFunction]]:
        """Return ``(names, function)`` pairs (used to record them in the config)."""
        return self._functions.items()
