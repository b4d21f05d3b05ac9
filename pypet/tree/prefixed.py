"""Prefix-free views of the tree API: ``node.func.<name>``, ``node.vars.<name>``, ``node.kids``.

On tree objects plain attribute names belong to the user's data, so the API carries pypet's
``f_`` (methods) and ``v_`` (properties) prefixes. These three small proxies give the same API
without prefixes, and :data:`METHOD_ALIASES` declares pypet's abbreviations once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FuncProxy", "KidsProxy", "METHOD_ALIASES", "VarsProxy", "install_aliases"]

#: Abbreviations of pypet 0.7 → the method they stand for (declared once, installed by
#: :func:`install_aliases` on every class that has the target).
METHOD_ALIASES: dict[str, str] = {
    "f_apar": "f_add_parameter",
    "f_aconf": "f_add_config",
    "f_adpar": "f_add_derived_parameter",
    "f_ares": "f_add_result",
    "f_apar_group": "f_add_parameter_group",
    "f_aconf_group": "f_add_config_group",
    "f_adpar_group": "f_add_derived_parameter_group",
    "f_ares_group": "f_add_result_group",
    "f_get_from_all_runs": "f_get_from_runs",
}


def install_aliases(cls: type) -> type:
    """Class decorator: add every alias of :data:`METHOD_ALIASES` whose target ``cls`` has."""
    for alias, target in METHOD_ALIASES.items():
        if hasattr(cls, target) and alias not in cls.__dict__:
            setattr(cls, alias, getattr(cls, target))
    return cls


class _Proxy:
    __slots__ = ("_node",)
    _prefix = ""

    def __init__(self, node: Any) -> None:
        object.__setattr__(self, "_node", node)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._node, self._prefix + name)
        except AttributeError:
            raise AttributeError(
                f"{type(self._node).__name__} has no {self._prefix}{name!s}."
            ) from None

    def __dir__(self) -> list[str]:
        cut = len(self._prefix)
        return sorted(n[cut:] for n in dir(type(self._node)) if n.startswith(self._prefix))


class FuncProxy(_Proxy):
    """``node.func.get(...)`` is ``node.f_get(...)``."""

    __slots__ = ()
    _prefix = "f_"


class VarsProxy(_Proxy):
    """``node.vars.name`` is ``node.v_name``; assignment sets the ``v_`` property."""

    __slots__ = ()
    _prefix = "v_"

    def __setattr__(self, name: str, value: Any) -> None:
        key = self._prefix + name
        node = self._node
        # Only existing properties: on groups and results an unknown name would otherwise
        # become a child or an item called ``v_<name>``.
        if not hasattr(type(node), key):
            raise AttributeError(f"{type(node).__name__} has no property {key!s}.")
        setattr(node, key, value)


class KidsProxy(_Proxy):
    """``group.kids.<child>``: direct children (and links) only, no search; tab-completable."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        node = self._node
        if node._root._deferred is not None:
            node._root._deferred.before_child(name)
        child = node._children.get(name)
        if child is None:
            child = node._links.get(name)
        if child is None:
            raise AttributeError(f"{node.v_full_name or 'the root'} has no child {name!r}.")
        return child

    def __dir__(self) -> list[str]:
        return sorted([*self._node._made_children(), *self._node._links])
