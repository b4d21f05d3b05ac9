"""Annotations: a small key/value store attached to every node (pypet's ``v_annotations``)."""

from __future__ import annotations

from typing import Any

__all__ = ["Annotations"]


def _name_of(name: str | int) -> str:
    """The entry name: ``0`` → ``annotation``, ``i`` → ``annotation_i`` (as ``f_set`` names)."""
    if isinstance(name, int) and not isinstance(name, bool):
        return "annotation" if name == 0 else f"annotation_{name}"
    return name


class Annotations:
    """Small key/value store; keys are reachable as attributes and items.

    Values should be small (they become HDF5 attributes).
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_dict", {})

    # --- attribute / item access ----------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._dict[name]
        except KeyError:
            raise AttributeError(f"The annotations have no entry {name!r}.") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._dict[name] = value

    def __delattr__(self, name: str) -> None:
        self.f_remove(name)

    def __getitem__(self, name: str | int) -> Any:
        return self._dict[self._key(name)]

    def __setitem__(self, name: str | int, value: Any) -> None:
        self._dict[_name_of(name)] = value

    def __delitem__(self, name: str | int) -> None:
        self.f_remove(name)

    def __contains__(self, name: object) -> bool:
        return name in self._dict

    def __iter__(self):
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Annotations) and self._dict == other._dict

    def __getstate__(self) -> dict:
        return dict(self._dict)

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "_dict", dict(state))

    def __str__(self) -> str:
        return self.f_ann_to_str()

    def __repr__(self) -> str:
        return f"Annotations({self.f_ann_to_str()})"

    # --- pypet API -----------------------------------------------------------------------
    def f_set(self, *args: Any, **kwargs: Any) -> None:
        """Set annotations; positional values get the names ``annotation``, ``annotation_1``, ..."""
        for pos, value in enumerate(args):
            self._dict["annotation" if pos == 0 else f"annotation_{pos}"] = value
        self._dict.update(kwargs)

    def f_set_single(self, name: str, value: Any) -> None:
        """Set one annotation."""
        self._dict[name] = value

    def f_get(self, *names: str | int) -> Any:
        """Return one annotation, a tuple of several, or the only one when no name is given.

        Raises ``AttributeError`` for an unknown name (or no name and no annotations) and
        ``ValueError`` for no name and several annotations, as pypet 0.7.
        """
        if not names:
            if not self._dict:
                raise AttributeError("There are no annotations to get.")
            if len(self._dict) > 1:
                raise ValueError(
                    f"f_get() without names needs exactly one annotation, there are "
                    f"{len(self._dict)}: {sorted(self._dict)}."
                )
            return next(iter(self._dict.values()))
        values = tuple(self._dict[self._key(name)] for name in names)
        return values[0] if len(values) == 1 else values

    def _key(self, name: str | int) -> str:
        key = _name_of(name)
        if key not in self._dict:
            raise AttributeError(f"The annotations have no entry {key!r}.")
        return key

    def f_remove(self, key: str) -> None:
        """Remove one annotation."""
        del self._dict[self._key(key)]

    def f_to_dict(self, copy: bool = True) -> dict[str, Any]:
        """Return the annotations as a dict (a copy unless ``copy=False``)."""
        return dict(self._dict) if copy else self._dict

    def f_is_empty(self) -> bool:
        """Tell whether there are no annotations."""
        return not self._dict

    def f_empty(self) -> None:
        """Remove all annotations."""
        self._dict.clear()

    def f_ann_to_str(self) -> str:
        """Return ``key=value; ...`` sorted by key."""
        return "; ".join(f"{key}={self._dict[key]}" for key in sorted(self._dict))
