"""``ReturnedValues``: the ``(run index, return value)`` pairs of finished runs, held compactly
until ``env.run`` hands them over.

pypet returns them as a list of tuples. Kept that way during a sweep, a million pairs (mostly
``(idx, None)``) cost about 110 bytes a run (the tuple, the index's int object, the list slot)
while the trajectory is stored at the end. Here a run costs 8 bytes (its index in an
``array('q')``) plus, only once some run returned something other than ``None``, one list
slot for its value. The list users get (``env.run``'s return value, the post-processing's
argument) is made from it by :meth:`ReturnedValues.pairs` once everything else is done.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = ["ReturnedValues"]


class ReturnedValues:
    """The ``(run index, return value)`` pairs of finished runs, in finishing order.

    Parameters
    ----------
    pairs : iterable of (int, object), optional
        Pairs to start with.
    """

    __slots__ = ("_indices", "_values")

    def __init__(self, pairs: Iterable[tuple[int, Any]] = ()) -> None:
        self._indices = array("q")
        #: the values, aligned with the indices; None while every value is None
        self._values: list[Any] | None = None
        for pair in pairs:
            self.append(pair)

    def append(self, pair: tuple[int, Any]) -> None:
        """Add one run's ``(idx, value)``."""
        idx, value = pair
        if value is not None and self._values is None:
            self._values = [None] * len(self._indices)
        self._indices.append(idx)
        if self._values is not None:
            self._values.append(value)

    def extend_block(self, indices: Any, values: Sequence[Any] | None = None) -> None:
        """Add many runs at once.

        Parameters
        ----------
        indices : array of int
            Run indices (a numpy integer array, an ``array('q')`` or a sequence of int).
        values : sequence, optional
            Their return values, aligned with ``indices``; None: every value is None.
        """
        count = len(self._indices)
        if hasattr(indices, "dtype"):  # a numpy array: its bytes, without int objects
            self._indices.frombytes(indices.astype("=i8", copy=False).tobytes())
        else:
            self._indices.extend(indices)
        added = len(self._indices) - count
        if values is not None and len(values) != added:
            del self._indices[count:]
            raise ValueError(f"extend_block got {added} run indices but {len(values)} values; "
                             "pass one value per index (or values=None).")
        if values is not None and self._values is None and any(v is not None for v in values):
            self._values = [None] * count
        if self._values is not None:
            self._values.extend(values if values is not None else [None] * added)

    def extend(self, other: ReturnedValues) -> None:
        """Add every pair of ``other``."""
        self.extend_block(other._indices, other._values)

    def __len__(self) -> int:
        return len(self._indices)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        if self._values is None:
            return ((idx, None) for idx in self._indices)
        return zip(self._indices, self._values, strict=True)

    def pairs(self, by_index: bool = False) -> list[tuple[int, Any]]:
        """The list of ``(idx, value)`` tuples (indices as ``int``), as pypet returns it.

        ``by_index``: ordered by run index (a stable sort; serial runs are in order already).
        """
        if not by_index:
            return list(self)
        import numpy as np  # only here: this module is imported by every sweep's runner

        indices = np.frombuffer(self._indices, dtype=np.int64) if self._indices \
            else np.zeros(0, dtype=np.int64)
        if bool(np.all(indices[1:] >= indices[:-1])):
            return list(self)
        order = np.argsort(indices, kind="stable").tolist()
        values = self._values
        if values is None:
            return [(self._indices[i], None) for i in order]
        return [(self._indices[i], values[i]) for i in order]
