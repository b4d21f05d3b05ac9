"""``ArrayParameter``: a parameter for arrays and tuples whose shape may vary across runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from pypet.parameters.base import supported_dtype
from pypet.parameters.parameter import Parameter

__all__ = ["ArrayParameter"]

_CONTAINERS = (np.ndarray, np.matrix, tuple, list)


class ArrayParameter(Parameter):
    """A :class:`Parameter` whose arrays, tuples and lists may differ in shape along a range.

    On top of what :class:`Parameter` supports it accepts empty tuples, empty lists and
    empty 1-D arrays. For exploration, two arrays (or two tuples, or two lists) count as
    the same type whatever their shape, length or dtype, as in pypet; elements of tuples
    and lists must still be supported scalars of one type. ``None`` works as in
    :class:`Parameter`. The storage layer may store an array that recurs in the range once.
    """

    __slots__ = ()

    _SUPPORTS = Parameter._SUPPORTS + ", plus empty tuples/lists/1-D arrays"

    def f_supports(self, data: Any) -> bool:
        """Tell whether ``data`` can be a value (empty tuples, lists, 1-D arrays included)."""
        kind = type(data)
        if (kind is tuple or kind is list) and not data:
            return True
        if kind is np.ndarray and data.size == 0:
            return data.ndim == 1 and supported_dtype(data.dtype)
        return super().f_supports(data)

    def _values_of_same_type(self, val1: Any, val2: Any) -> bool:
        """Arrays, tuples and lists match any container of their own type."""
        kind = type(val1)
        if kind in _CONTAINERS:
            return kind is type(val2)
        return super()._values_of_same_type(val1, val2)
