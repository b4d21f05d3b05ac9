"""Annotations: a small key/value store attached to every node (pypet's ``v_annotations``)."""

from __future__ import annotations

from typing import Any

__all__ = ["Annotations"]


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

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __setitem__(self, name: str, value: Any) -> None:
        self._dict[name] = value

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
        """Return one annotation, a list of several, or the only one when no name is given."""
        if not names:
            if len(self._dict) != 1:
                raise ValueError(
                    f"f_get() without names needs exactly one annotation, there are {len(self._dict)}."
                )
            return next(iter(self._dict.values()))
        values = [self._dict[self._key(name)] for name in names]
        return values[0] if len(values) == 1 else values

    def _key(self, name: str | int) -> str:
        if isinstance(name, int):
            return "annotation" if name == 0 else f"annotation_{name}"
        if name not in self._dict:
            raise AttributeError(f"The annotations have no entry {name!r}.")
        return name

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
