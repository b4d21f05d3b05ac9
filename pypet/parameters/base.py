"""``BaseParameter`` and the value rules every parameter shares.

A parameter holds one value (its *default*) and, once explored, a *range* of values; the
trajectory points it at one entry of the range per run. This module holds the state every
parameter has (locked, explored, full copy), the user-facing access built on the abstract
hooks, and the small value predicates the concrete classes use.
"""

from __future__ import annotations

import math
import reprlib
import sys
from typing import Any

import numpy as np

from pypet.tree.node import NNLeafNode
from pypet.tree.printing import node_str
from pypet.utils.slots import HasSlots

__all__ = ["BaseParameter"]


class _Empty:
    """Marker of a parameter without a value (``None`` is a value, so it cannot be the marker)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<empty>"

    def __reduce__(self) -> str:
        return "_EMPTY"  # unpickles to the module's single instance


_EMPTY: Any = _Empty()

#: Python scalar types a parameter holds (exact types: subclasses such as enums would not
#: round-trip through storage).
PYTHON_SCALARS = frozenset({bool, int, float, complex, str, bytes})

# numpy kinds and item sizes a parameter holds: float16/longdouble and the datetime, object
# and void kinds have no portable storage form.
_DTYPE_SIZES = {"b": None, "i": None, "u": None, "f": (4, 8), "c": (8, 16), "U": None, "S": None}

_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60


def short_repr(value: Any) -> str:
    """Return a repr short enough for an error message."""
    return _short.repr(value)


def type_label(value: Any) -> str:
    """Return ``int``, ``numpy.float64`` or ``numpy.ndarray (dtype int64, shape (3,))``."""
    cls = type(value)
    module = cls.__module__
    label = cls.__qualname__ if module == "builtins" else f"{module.split('.')[0]}.{cls.__name__}"
    if isinstance(value, np.ndarray):
        label += f" (dtype {value.dtype}, shape {value.shape})"
    return label


def supported_dtype(dtype: np.dtype) -> bool:
    """Tell whether arrays or numpy scalars of ``dtype`` can be parameter values."""
    if dtype.kind not in _DTYPE_SIZES:
        return False
    sizes = _DTYPE_SIZES[dtype.kind]
    return sizes is None or dtype.itemsize in sizes


def is_scalar(value: Any) -> bool:
    """Tell whether ``value`` is a supported Python or numpy scalar."""
    if type(value) in PYTHON_SCALARS:
        return True
    return isinstance(value, np.generic) and supported_dtype(value.dtype)


def is_homogeneous_sequence(value: list | tuple) -> bool:
    """Tell whether every element is a supported scalar of one and the same type."""
    if not value:
        return True
    first = type(value[0])
    return is_scalar(value[0]) and all(type(item) is first for item in value)


def freeze(value: Any) -> Any:
    """Return arrays as read-only views, so a value handed out cannot change the parameter."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value = value.view()
        value.flags.writeable = False
    return value


def values_equal(a: Any, b: Any) -> bool:
    """Compare two values by type and content (NaN equals NaN; arrays by dtype, shape, values)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(values_equal, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, (float, complex, np.floating, np.complexfloating)):
        return bool(a == b) or (_is_nan(a) and _is_nan(b))
    if hasattr(a, "equals"):  # pandas objects: == compares element-wise
        return bool(a.equals(b))
    sparse = sys.modules.get("scipy.sparse")
    if sparse is not None and sparse.issparse(a):  # == gives a sparse matrix of booleans
        return (a.format == b.format and a.shape == b.shape and a.dtype == b.dtype
                and (a != b).nnz == 0)
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # an element-wise result without a truth value
        return False


def _is_nan(x: Any) -> bool:
    return any(math.isnan(part) for part in (x.real, x.imag))


class BaseParameter(HasSlots, NNLeafNode):
    """Abstract parameter: locking, the explored flag, the full-copy flag, and read access.

    Subclasses implement ``f_set``, ``f_get``, ``f_get_default``, ``f_get_range``,
    ``f_has_range``, ``f_supports``, ``f_is_empty``, ``f_empty``, ``_store``, ``_load`` and
    the exploration hooks ``_explore``, ``_expand``, ``_shrink``, ``_set_parameter_access``,
    ``_restore_default``, ``_values_of_same_type`` and ``_equal_values``.
    """

    __slots__ = ("_locked", "_full_copy", "_explored")

    KNOWS_TRAJECTORY = False

    def __init__(self, full_name: str, comment: str = "") -> None:
        super().__init__(full_name, comment, is_parameter=True)
        self._locked = False
        self._full_copy = False
        self._explored = False

    # --- state flags ------------------------------------------------------------------------
    @property
    def v_locked(self) -> bool:
        """Whether the value is frozen (reading, storing and loading lock a parameter)."""
        return self._locked

    def f_lock(self) -> None:
        """Lock the parameter: changing it raises ``ParameterLockedException``."""
        self._locked = True

    def f_unlock(self) -> None:
        """Unlock the parameter so it can be changed again."""
        self._locked = False

    @property
    def v_explored(self) -> bool:
        """Whether the parameter was explored (also true for a copy pickled without its range)."""
        return self._explored

    @property
    def v_full_copy(self) -> bool:
        """Whether pickling keeps the whole range (``False``: only the current point)."""
        return self._full_copy

    @v_full_copy.setter
    def v_full_copy(self, value: bool) -> None:
        self._full_copy = bool(value)

    # --- read access built on the abstract API ----------------------------------------------
    @property
    def data(self) -> Any:
        """The current value (same as ``f_get()``; locks the parameter)."""
        return self.f_get()

    @property
    def default(self) -> Any:
        """The default value (same as ``f_get_default()``; locks the parameter)."""
        return self.f_get_default()

    def __getitem__(self, key: str | int) -> Any:
        """``'data'`` or ``-1`` → current value, ``'default'`` → default, ``i`` → ``range[i]``."""
        if key == "data" or key == -1:
            return self.f_get()
        if key == "default":
            return self.f_get_default()
        if isinstance(key, str):
            raise KeyError(f"A parameter has only 'data' and 'default', not {key!r}.")
        return self.f_get_range(copy=False)[key]

    def __len__(self) -> int:
        """0 if empty, the range length if explored, else 1."""
        if self.f_is_empty():
            return 0
        return self.f_get_range_length() if self.f_has_range() else 1

    def f_get_range_length(self) -> int:
        """Return the length of the range (TypeError without a range)."""
        return len(self.f_get_range(copy=False))

    def f_supports_fast_access(self) -> bool:
        """A non-empty parameter can stand for its value in natural naming."""
        return not self.f_is_empty()

    def __str__(self) -> str:
        """pypet's form: ``Parameter parameters.x (len:3, `comment`): 1``."""
        details = [f"len:{self.f_get_range_length()}" if self.f_has_range() else "",
                   f"`{self.v_comment}`" if self.v_comment else ""]
        value = "" if self.f_is_empty() else self.f_val_to_str()
        return node_str(self.f_get_class_name(), self.v_full_name, details, value)

    def __repr__(self) -> str:
        return f"<{self}>"

    # --- abstract API -----------------------------------------------------------------------
    def f_set(self, data: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_get(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_get_default(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_get_range(self, copy: bool = True) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_has_range(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_supports(self, data: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _explore(self, iterable: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _expand(self, iterable: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _shrink(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _set_parameter_access(self, idx: int = 0) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _restore_default(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _values_of_same_type(self, val1: Any, val2: Any) -> bool:  # pragma: no cover
        raise NotImplementedError

    def _equal_values(self, val1: Any, val2: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError
