"""The modes a storage call takes, as types: store modes, load modes and overwrite choices.

pypet passes these as bare ints (``pypetconstants.STORE_DATA`` ...) and ``overwrite`` as
``None``/``True``/a list of names. The trajectory's public methods keep accepting those
and convert them once, here; a backend only ever sees the types below. The enums are
``IntEnum`` so that they still compare equal to pypet's constants.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, NamedTuple

__all__ = ["LoadMode", "LoadModes", "Overwrite", "StoreMode"]


class StoreMode(IntEnum):
    """What storing does with an item that is already stored (pypet's ``STORE_*``)."""

    NOTHING = 0  #: store nothing
    DATA_SKIPPING = 1  #: store only items that are not stored yet, skip stored leaves
    DATA = 2  #: store new items; items already stored stay as they are
    OVERWRITE = 3  #: replace stored items by the current ones (pypet's ``OVERWRITE_DATA``)

    @classmethod
    def of(cls, value: Any) -> StoreMode:
        """Convert pypet's int (or a StoreMode); a bad value names the accepted ones."""
        try:
            return value if isinstance(value, cls) else cls(operator.index(value))
        except (TypeError, ValueError):
            raise ValueError(
                f"store_data must be 0..3: pypetconstants.STORE_NOTHING (0), "
                f"STORE_DATA_SKIPPING (1), STORE_DATA (2) or OVERWRITE_DATA (3); got {value!r}."
            ) from None


class LoadMode(IntEnum):
    """How much of an item loading brings (pypet's ``LOAD_*``)."""

    NOTHING = 0  #: leave the item out
    SKELETON = 1  #: the node without its data
    DATA = 2  #: the node with its data (items in memory are kept)
    OVERWRITE = 3  #: the node with its data, replacing what is in memory

    @classmethod
    def of(cls, value: Any) -> LoadMode:
        """Convert pypet's int (or a LoadMode); a bad value names the accepted ones."""
        try:
            return value if isinstance(value, cls) else cls(operator.index(value))
        except (TypeError, ValueError):
            raise ValueError(
                f"A load mode must be 0..3: pypetconstants.LOAD_NOTHING (0), LOAD_SKELETON "
                f"(1), LOAD_DATA (2) or OVERWRITE_DATA (3); got {value!r}."
            ) from None


class LoadModes(NamedTuple):
    """The load mode of each branch when loading a whole trajectory."""

    parameters: LoadMode  #: parameters and config
    derived_parameters: LoadMode
    results: LoadMode
    other: LoadMode  #: every other top-level branch

    @classmethod
    def of(cls, parameters: Any, derived_parameters: Any, results: Any,
           other: Any) -> LoadModes:
        """Convert four pypet ints."""
        return cls(LoadMode.of(parameters), LoadMode.of(derived_parameters),
                   LoadMode.of(results), LoadMode.of(other))

    def for_branch(self, branch: str) -> LoadMode:
        """The mode of a node in ``branch`` (the first component of its full name)."""
        if branch in ("parameters", "config"):
            return self.parameters
        if branch == "derived_parameters":
            return self.derived_parameters
        if branch == "results":
            return self.results
        return self.other


@dataclass(frozen=True, slots=True)
class Overwrite:
    """Which items of an already stored leaf a store may replace.

    ``Overwrite.of`` reads pypet's forms: ``None``/``False`` (replace nothing), ``True``
    (replace every item the leaf holds), an item name or a list of item names.
    """

    every_item: bool = False
    items: frozenset[str] = frozenset()

    @classmethod
    def of(cls, value: Any) -> Overwrite:
        """Convert pypet's ``overwrite`` argument (or an Overwrite)."""
        if isinstance(value, cls):
            return value
        if value is None or value is False:
            return NO_OVERWRITE
        if value is True:
            return OVERWRITE_ALL
        if isinstance(value, str):
            return cls(False, frozenset([value]))
        if isinstance(value, Iterable):
            names = list(value)
            if all(isinstance(name, str) for name in names):
                return cls(False, frozenset(names))
        raise ValueError(
            f"overwrite must be True, False/None, an item name or a list of item names; "
            f"got {value!r}."
        )

    def __bool__(self) -> bool:
        return self.every_item or bool(self.items)


NO_OVERWRITE = Overwrite()
OVERWRITE_ALL = Overwrite(every_item=True)
