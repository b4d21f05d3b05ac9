"""``Parameter``: one value of a simple type, plus an optional exploration range."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import numpy as np

from pypet.errors import ParameterLockedException
from pypet.parameters.base import (
    _EMPTY,
    BaseParameter,
    freeze,
    is_homogeneous_sequence,
    is_scalar,
    short_repr,
    supported_dtype,
    type_label,
    values_equal,
)
from pypet.tree.node import NNLeafNode
from pypet.utils.slots import HasSlots

__all__ = ["NO_VALUE", "Parameter"]

#: what ``f_val_to_str`` says for an empty parameter (pypet 0.7's wording)
NO_VALUE = "No Evaluation possible (yet)!"

_ARRAY_TYPES = (np.ndarray, np.matrix)


class Parameter(BaseParameter):
    """A parameter holding a scalar, a homogeneous list/tuple, or a numpy array.

    Supported values: Python ``bool, int, float, complex, str, bytes``; numpy scalars
    (``bool_``, ``int8``–``int64``, ``uint8``–``uint64``, ``float32/64``, ``complex64/128``,
    ``str_``, ``bytes_``); non-empty lists/tuples of one of those scalar types; non-empty
    numpy arrays of those dtypes; and ``None``.

    ``None`` is a value, not "empty": ``Parameter('p', None)`` holds ``None``, while
    ``Parameter('p')`` is empty. A parameter whose default is ``None`` may be explored with
    values of any one supported type (the first non-``None`` entry fixes it), and ``None``
    may appear in any range next to values of the default's type.

    Exploration is type-strict: every range value must be of the default's type (identical
    Python type; lists/tuples of equal length and element type; arrays of equal dtype and
    shape, where string dtypes of any width count as the same).

    Parameters
    ----------
    full_name : str
        Dotted name in the trajectory (the constructor works with this alone).
    data : optional
        The value; omit it for an empty parameter.
    comment : str
        Free-text comment.
    """

    __slots__ = ("_data", "_default", "_explored_range")

    #: What the parameter holds, for error messages.
    _SUPPORTS = (
        "scalars (bool, int, float, complex, str, bytes, numpy scalars), None, non-empty "
        "lists/tuples of one scalar type and non-empty numpy arrays of such a dtype"
    )
    #: Which class to use instead, for error messages.
    _ALTERNATIVE = "Use a PickleParameter for other objects."

    def __init__(self, full_name: str, data: Any = _EMPTY, comment: str = "") -> None:
        super().__init__(full_name, comment)
        self._data = _EMPTY
        self._default = _EMPTY
        self._explored_range: list | None = None
        if data is not _EMPTY:
            self.f_set(data)

    # --- supported data ---------------------------------------------------------------------
    def f_supports(self, data: Any) -> bool:
        """Tell whether ``data`` can be a value of this parameter."""
        if data is None or is_scalar(data):
            return True
        kind = type(data)
        if kind is list or kind is tuple:
            return len(data) > 0 and is_homogeneous_sequence(data)
        if kind in _ARRAY_TYPES:
            return data.size > 0 and supported_dtype(data.dtype)
        return False

    def _values_of_same_type(self, val1: Any, val2: Any) -> bool:
        """Tell whether two values count as one type for exploration.

        Raises ``TypeError`` if neither value is one the parameter supports (pypet 0.7).
        """
        if not self.f_supports(val1) and not self.f_supports(val2):
            raise TypeError(
                f"Parameter `{self.v_full_name}` supports neither {short_repr(val1)} "
                f"({type_label(val1)}) nor {short_repr(val2)} ({type_label(val2)}); it "
                f"holds {self._SUPPORTS}."
            )
        kind = type(val1)
        if kind is not type(val2):
            return False
        if kind is list or kind is tuple:
            return len(val1) == len(val2) and (not val1 or type(val1[0]) is type(val2[0]))
        if kind in _ARRAY_TYPES:
            if val1.shape != val2.shape:
                return False
            if val1.dtype.kind in "US":  # the width of a string dtype is not part of its type
                return val1.dtype.kind == val2.dtype.kind
            return val1.dtype == val2.dtype
        return True

    def _equal_values(self, val1: Any, val2: Any) -> bool:
        """Tell whether two values are of the same type and equal (NaN equals NaN)."""
        return self._values_of_same_type(val1, val2) and values_equal(val1, val2)

    # --- value access -----------------------------------------------------------------------
    def f_is_empty(self) -> bool:
        """Tell whether the parameter holds no value."""
        return self._default is _EMPTY

    def f_set(self, data: Any) -> None:
        """Set the value (and the default); ``None`` is a value.

        Raises
        ------
        ParameterLockedException
            If the parameter is locked.
        AttributeError
            If it is explored (change the range through the trajectory instead).
        TypeError
            If the value is not supported.
        """
        if self._locked:
            raise ParameterLockedException(
                f"Parameter `{self.v_full_name}` is locked; call f_unlock() before f_set()."
            )
        if self._explored:
            raise AttributeError(
                f"Parameter `{self.v_full_name}` is explored; its values come from its range. "
                "Change the range through the trajectory (f_explore/f_expand)."
            )
        if not self.f_supports(data):
            raise TypeError(
                f"Parameter `{self.v_full_name}` does not support the value {short_repr(data)} "
                f"of type {type_label(data)}. It holds {self._SUPPORTS}. {self._ALTERNATIVE}"
            )
        self._data = self._default = freeze(data)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if any(getattr(cls, name) is not getattr(Parameter, name)
               for name in ("f_get", "f_supports_fast_access", "f_is_empty")):
            # a subclass with its own idea of its value: natural naming asks it
            cls._natural_value = NNLeafNode._natural_value  # type: ignore[method-assign]

    def _natural_value(self) -> Any:
        """``f_get()`` in one step (natural naming reads parameters in every run)."""
        if self._default is _EMPTY:
            return self
        self._locked = True
        return self._data

    def f_get(self) -> Any:
        """Return the current value and lock the parameter (TypeError if empty)."""
        self._check_not_empty()
        self._locked = True
        return self._data

    def f_get_default(self) -> Any:
        """Return the default value and lock the parameter (TypeError if empty)."""
        self._check_not_empty()
        self._locked = True
        return self._default

    def _check_not_empty(self) -> None:
        if self._default is _EMPTY:
            raise TypeError(f"Parameter `{self.v_full_name}` is empty; give it a value first.")

    def f_has_range(self) -> bool:
        """Tell whether the parameter holds its exploration range."""
        return bool(self._explored_range)

    def f_get_range(self, copy: bool = True) -> list:
        """Return the exploration range (a copy unless ``copy=False``; TypeError without one)."""
        if not self._explored_range:
            raise TypeError(f"Parameter `{self.v_full_name}` has no exploration range.")
        return list(self._explored_range) if copy else self._explored_range

    def f_val_to_str(self) -> str:
        """Return the repr of the current value without locking (a note if empty)."""
        return NO_VALUE if self._default is _EMPTY else repr(self._data)

    def f_empty(self) -> None:
        """Remove value and range (ParameterLockedException if locked)."""
        if self._locked:
            raise ParameterLockedException(
                f"Parameter `{self.v_full_name}` is locked; call f_unlock() before f_empty()."
            )
        self._data = self._default = _EMPTY
        self._explored_range = None
        self._explored = False

    # --- hooks for the trajectory -----------------------------------------------------------
    def _explore(self, iterable: Iterable[Any]) -> None:
        """Give the parameter a range (it must be unlocked, non-empty and not explored)."""
        self._check_changeable("explore")
        if self._explored:
            raise TypeError(
                f"Parameter `{self.v_full_name}` is already explored; extend it with _expand()."
            )
        if self._data is not self._default:
            # Before exploring, the current value is the default. pypet's own tests replace
            # the value behind the parameter's back (``_data = None``: "no value") and
            # expect exploring to be refused, as for an empty parameter.
            raise TypeError(
                f"Parameter `{self.v_full_name}` has a current value other than its default; "
                "set it with f_set() before exploring."
            )
        values = self._checked_range(iterable, self._default)
        if not values:
            raise ValueError(f"Cannot explore parameter `{self.v_full_name}` with no values.")
        self._explored_range = values
        self._explored = True
        self._locked = True

    def _expand(self, iterable: Iterable[Any]) -> None:
        """Append values to the range (the parameter must be unlocked and hold a range)."""
        self._check_changeable("expand")
        if not self._explored_range:
            raise TypeError(f"Parameter `{self.v_full_name}` has no range to expand; explore it.")
        reference = self._default
        if reference is None:  # a None default: the first non-None entry fixes the type
            reference = next((v for v in self._explored_range if v is not None), None)
        self._explored_range.extend(self._checked_range(iterable, reference))
        self._locked = True

    def _shrink(self) -> None:
        """Remove the range and return to the default (the parameter must be unlocked)."""
        self._check_changeable("shrink")
        if not self._explored:
            raise TypeError(f"Parameter `{self.v_full_name}` is not explored; nothing to shrink.")
        self._explored_range = None
        self._explored = False
        self._data = self._default

    def _check_changeable(self, action: str) -> None:
        if self._locked:
            raise ParameterLockedException(
                f"Parameter `{self.v_full_name}` is locked; unlock it before you {action} it."
            )
        if self._default is _EMPTY:
            raise TypeError(f"Cannot {action} the empty parameter `{self.v_full_name}`.")

    def _checked_range(self, iterable: Iterable[Any], reference: Any) -> list:
        """Validate all values before anything changes, so a failure leaves no trace."""
        values = []
        for pos, value in enumerate(iterable):
            if value is not None:
                if not self.f_supports(value):
                    raise TypeError(
                        f"Parameter `{self.v_full_name}` does not support the value "
                        f"{short_repr(value)} ({type_label(value)}) at position {pos} of the "
                        f"explored values. It holds {self._SUPPORTS}."
                    )
                if reference is None:
                    reference = value
                elif not self._values_of_same_type(value, reference):
                    raise TypeError(self._type_mismatch(value, pos, reference))
            values.append(freeze(value))
        return values

    def _type_mismatch(self, value: Any, pos: int, reference: Any) -> str:
        message = (
            f"Parameter `{self.v_full_name}`: the value {short_repr(value)} "
            f"({type_label(value)}) at position {pos} of the explored values does not have the "
            f"type of {short_repr(reference)} ({type_label(reference)}); all explored values "
            "must share the default's type."
        )
        if isinstance(value, (np.generic, np.ndarray)) and not isinstance(
            reference, (np.generic, np.ndarray)
        ):
            message += " Convert numpy values to Python ones, e.g. with array.tolist()."
        return message

    def _set_parameter_access(self, idx: int = 0) -> None:
        """Make ``range[idx]`` the current value; ``-1`` selects the default."""
        if idx == -1:
            self._data = self._default
            return
        if not self._explored_range:
            if not self._explored:  # an unexplored parameter has one value for every run
                self._data = self._default
            return  # a copy pickled without its range keeps the point it was sent with
        if not 0 <= idx < len(self._explored_range):
            raise ValueError(
                f"Parameter `{self.v_full_name}` has {len(self._explored_range)} range "
                f"entries, cannot access index {idx}."
            )
        self._data = self._explored_range[idx]

    def _restore_default(self) -> None:
        """Make the default the current value again."""
        self._data = self._default

    # --- storage and pickling ---------------------------------------------------------------
    def _store(self) -> dict[str, Any]:
        """Return ``{'data': default}`` plus ``{'explored_data': range}`` if explored; locks."""
        if self._default is _EMPTY:
            return {}
        store = {"data": self._default}
        if self._explored_range:
            store["explored_data"] = list(self._explored_range)
        self._locked = True
        return store

    def _load(self, load_dict: dict[str, Any]) -> None:
        """Restore from a ``_store()`` dict (the parameter must be unlocked); locks."""
        if self._locked:
            raise ParameterLockedException(
                f"Parameter `{self.v_full_name}` is locked; unlock it before loading into it."
            )
        if "data" in load_dict:
            self._data = self._default = freeze(load_dict["data"])
        if load_dict.get("explored_data"):
            values = load_dict["explored_data"]
            kinds = set(map(type, values))  # C speed; a long range is mostly one plain type
            if any(issubclass(kind, np.ndarray) for kind in kinds):
                self._explored_range = [freeze(value) for value in values]
            else:
                self._explored_range = list(values)
            self._explored = True
        self._locked = True

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        if not self._full_copy:  # a worker needs only its point, not the whole range
            state["_explored_range"] = None
        return state

    def _drop_range(self) -> None:
        """Forget the range but keep the current point (what a pickle without
        ``v_full_copy`` carries; a trajectory copy does the same, as in pypet)."""
        self._explored_range = None

    # copies are taken in-process, so unlike a pickle they keep the range whatever
    # ``v_full_copy`` says
    def __copy__(self) -> Parameter:
        state = HasSlots.__getstate__(self)
        if state.get("_explored_range"):
            state["_explored_range"] = list(state["_explored_range"])
        clone = type(self).__new__(type(self))
        clone.__setstate__(state)
        return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        clone.__setstate__(copy.deepcopy(HasSlots.__getstate__(self), memo))
        return clone
