"""``HasSlots``: a pickle state for classes that declare ``__slots__``.

Python's default state of a slotted object is a ``(dict, slots)`` pair that subclasses cannot
easily edit. ``HasSlots`` flattens both into one plain dict, so a subclass can drop or replace
entries in ``__getstate__`` (e.g. a parameter leaving its range out of a worker's copy).
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["HasSlots", "slot_names"]


@cache
def slot_names(cls: type) -> tuple[str, ...]:
    """Return the attribute names of all slots declared along the MRO of ``cls``.

    Private slot names (``__x``) are returned mangled (``_Cls__x``), i.e. as ``getattr`` sees them.
    """
    names: list[str] = []
    for klass in cls.__mro__:
        declared = klass.__dict__.get("__slots__", ())
        if isinstance(declared, str):
            declared = (declared,)
        for name in declared:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            if name not in names:
                names.append(name)
    return tuple(names)


class HasSlots:
    """Mixin: pickle (and copy) slotted objects through one flat state dict.

    The state holds every set slot plus the instance ``__dict__`` (if the class has one).
    ``__setstate__`` uses ``object.__setattr__``, so classes that override ``__setattr__``
    (results map attributes to items) restore correctly.
    """

    __slots__ = ("__weakref__",)  # weak references work, as with pypet 0.7's HasSlots

    @property
    def __all_slots__(self) -> set[str]:
        """Names of all slots declared along the class hierarchy (pypet 0.7's attribute)."""
        cls: type = type(self)
        return {*slot_names(cls), "__weakref__"}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(getattr(self, "__dict__", ()))
        cls: type = type(self)
        for name in slot_names(cls):
            try:
                state[name] = getattr(self, name)
            except AttributeError:  # an unset slot stays unset
                pass
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
