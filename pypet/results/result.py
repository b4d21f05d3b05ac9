"""``Result``: a leaf holding named items of (nested) data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from pypet.results.base import PYTHON_SCALARS, BaseResult, find_unsupported
from pypet.tree.names import PLAIN_NAMES, check_name
from pypet.tree.printing import items_str

__all__ = ["Result"]


def _api_names_of(cls: type) -> frozenset[str]:
    """Attribute names of the class: they are the API, not items."""
    return frozenset(dir(cls))


#: cached per class (typed as a plain function: mypy takes class objects for unhashable)
_api_names: Callable[[type], frozenset[str]] = cache(_api_names_of)


def _checks_of(cls: type) -> bool:
    """Whether the class checks names and items as :class:`Result` does (a subclass with
    checks of its own, e.g. SparseResult's marker, never takes the quick path)."""
    return getattr(cls, "_check_name", None) is Result._check_name and \
        getattr(cls, "_check_item", None) is Result._check_item


_plain_checks: Callable[[type], bool] = cache(_checks_of)


#: the state every new, unstored result starts with besides its names (see _of_value)
_FRESH_LEAF = {"_comment": "", "_annotations": None, "_stored": False, "_is_leaf": True,
               "_is_parameter": False}


class Result(BaseResult):
    """A result holding named items; items are reachable as attributes and by ``[]``.

    ``Result('z', 3, 4, mean=1.5)`` holds ``z=3``, ``z_1=4`` and ``mean=1.5``.

    Items may be ``None``, Python and numpy scalars, numpy arrays of any dtype (0-d and
    empty too), pandas DataFrames and Series (MultiIndex too, and ``ObjectTable``), and
    lists, tuples and dicts (string keys) nesting any of these. Item names follow the node
    name rules (letters, digits, ``_`` and ``-``, no leading underscore). Results never lock.

    Parameters
    ----------
    full_name : str
        Dotted name in the trajectory (the constructor works with this alone).
    *args
        Items named ``<name>``, ``<name>_1``, ``<name>_2``, ...
    comment : str
        Free-text comment.
    **kwargs
        Items by name.
    """

    __slots__ = ("_items",)

    #: Which class to use instead, for error messages.
    _ALTERNATIVE = "PickleResult"

    def __init__(self, full_name: str, *args: Any, comment: str = "", **kwargs: Any) -> None:
        super().__init__(full_name, comment)
        self._items: dict[str, Any]
        object.__setattr__(self, "_items", {})  # past __setattr__ (results are made per run)
        if args or kwargs:
            self.f_set(*args, **kwargs)

    @classmethod
    def _of_value(cls, full_name: str, name: str, value: Any) -> Result:
        """``Result(full_name, value)`` for a plain scalar under a name checked before.

        What a run adds most often, built without the general argument handling and checks
        (the same state as the constructor makes; see the test of both).
        """
        result = cls.__new__(cls)
        state = result.__dict__
        state.update(_FRESH_LEAF)
        state["_full_name"] = full_name
        state["_name"] = name
        _ITEMS.__set__(result, {name: value})
        return result

    # --- setting items ----------------------------------------------------------------------
    def f_supports(self, item: Any) -> bool:
        """Tell whether ``item`` (with everything nested in it) can be held."""
        return find_unsupported(item) is None

    def _check_name(self, name: str) -> None:
        """Raise TypeError for a non-string and ValueError for an invalid item name.

        A dotted name (``'a.b.c'``, as pypet allows) is checked component by component;
        such an item is reachable only by ``res['a.b.c']`` and ``f_get('a.b.c')``.
        """
        if not isinstance(name, str):
            raise TypeError(f"An item name must be a string, not {name!r}.")
        if "." in name:
            for component in name.split("."):
                check_name(component)
            return
        check_name(name, _api_names(type(self)))

    def _check_item(self, name: str, item: Any) -> None:
        """Check the name, then raise TypeError for unsupported data."""
        self._check_name(name)
        found = find_unsupported(item)
        if found is not None:
            where, problem = found
            raise TypeError(
                f"{type(self).__name__} `{self.v_full_name}` cannot hold item `{name}`: "
                f"{name}{where} {problem}. Use a {self._ALTERNATIVE} for arbitrary objects."
            )

    def f_set(self, *args: Any, **kwargs: Any) -> None:
        """Set items; positional ones are named ``<name>``, ``<name>_1``, ...

        All items are checked first, so a bad one leaves the result unchanged.
        """
        if len(args) == 1 and self._name:  # the common form, Result(name, value)
            items = {self._name: args[0], **kwargs}
        else:
            items = {self.f_translate_key(pos): item for pos, item in enumerate(args)}
            items.update(kwargs)
        api, plain = _api_names(type(self)), _plain_checks(type(self))
        for name, item in items.items():
            # a scalar under a name checked before needs no further checks (runs add the
            # same few names again and again)
            if not plain or type(item) not in PYTHON_SCALARS or name not in PLAIN_NAMES \
                    or name in api:
                self._check_item(name, item)
        self._items.update(items)

    def f_set_single(self, name: str, item: Any) -> None:
        """Set one item."""
        self._check_item(name, item)
        self._items[name] = item

    def f_translate_key(self, key: int | str) -> str:
        """Translate a position into an item name (``0`` → ``<name>``, ``i`` → ``<name>_i``)."""
        if isinstance(key, int):
            if not self.v_name:
                raise AttributeError(
                    "A result without a name cannot name positional items (they are called "
                    "like the result); name the result or pass the items by keyword."
                )
            return self.v_name if key == 0 else f"{self.v_name}_{key}"
        return key

    # --- reading items ----------------------------------------------------------------------
    def f_get(self, *names: str | int) -> Any:
        """Return one item, a list of several, or the only item when no name is given.

        ``'data'`` names the only item of a result without an item called ``data``.

        Raises
        ------
        AttributeError
            For an unknown name, or for no name and an empty result.
        ValueError
            For no name and more than one item.
        """
        if not names:
            if len(self._items) == 1:
                return next(iter(self._items.values()))
            if not self._items:
                raise AttributeError(f"Result `{self.v_full_name}` is empty.")
            raise ValueError(
                f"Result `{self.v_full_name}` holds {len(self._items)} items "
                f"({', '.join(self._items)}); name the ones you want."
            )
        values = [self._item(name) for name in names]
        return values[0] if len(values) == 1 else values

    def _item(self, name: str | int) -> Any:
        key = self.f_translate_key(name)
        try:
            return self._items[key]
        except (KeyError, TypeError):
            if key == "data" and len(self._items) == 1:
                return next(iter(self._items.values()))
            raise AttributeError(
                f"Result `{self.v_full_name}` has no item {key!r}; "
                f"it holds: {', '.join(self._items) or 'nothing'}."
            ) from None

    def f_to_dict(self, copy: bool = True) -> dict[str, Any]:
        """Return the items as a dict (a shallow copy unless ``copy=False``)."""
        return dict(self._items) if copy else self._items

    def f_remove(self, *names: str | int) -> None:
        """Remove items (AttributeError for an unknown name; then nothing is removed)."""
        keys = [self.f_translate_key(name) for name in names]
        for key in keys:
            if key not in self._items:
                raise AttributeError(f"Result `{self.v_full_name}` has no item {key!r}.")
        for key in keys:
            self._items.pop(key, None)

    def f_is_empty(self) -> bool:
        """Tell whether the result holds no items."""
        return not self._items

    def f_empty(self) -> None:
        """Remove all items."""
        self._items.clear()

    def f_supports_fast_access(self) -> bool:
        """True if the only item is named like the result (natural naming then gives it)."""
        return len(self._items) == 1 and self.v_name in self._items

    def f_val_to_str(self) -> str:
        """Return ``name=repr(value), ...`` cut to 64 characters (as pypet 0.7 cuts it)."""
        return items_str(self._items)

    # --- storage ----------------------------------------------------------------------------
    def _store(self) -> dict[str, Any]:
        """Return the items (a shallow copy)."""
        return dict(self._items)

    def _load(self, load_dict: dict[str, Any]) -> None:
        """Add the loaded items (a partial dict adds only those)."""
        self._items.update(load_dict)

    # --- natural naming: attributes and [] reach the items ----------------------------------
    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails. Private and dunder names never mean items:
        # pickle and copy probe them on half-built objects.
        if name.startswith("_"):
            raise AttributeError(name)
        return self._item(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name not in _api_names(type(self)):
            self.f_set_single(name, value)
        elif isinstance(getattr(type(self), name), property):  # v_comment, v_protocol, ...
            object.__setattr__(self, name, value)
        else:  # never shadow a method with data
            raise AttributeError(
                f"`{name}` is part of the {type(self).__name__} API; "
                f"set the item with result[{name!r}] = value."
            )

    def __delattr__(self, name: str) -> None:
        if name.startswith("_") or name in _api_names(type(self)):
            object.__delattr__(self, name)
        else:
            self.f_remove(name)

    def __getitem__(self, name: str | int) -> Any:
        return self._item(name)

    def __setitem__(self, name: str | int, value: Any) -> None:
        self.f_set_single(self.f_translate_key(name), value)

    def __delitem__(self, name: str | int) -> None:
        self.f_remove(name)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, int) and not isinstance(name, bool) and self.v_name:
            name = self.f_translate_key(name)
        return name in self._items

    @property
    def _data(self) -> dict[str, Any]:
        """pypet 0.7's name of the item dict (read by some scripts and pypet's own tests)."""
        return self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._items})


_ITEMS = Result.__dict__["_items"]  # the slot's descriptor: sets it past Result.__setattr__
