"""The root of a tree: the name index, links, lookup settings and wildcard translation.

:class:`TreeRoot` is everything the tree needs from its root; the Trajectory subclasses it
and adds runs, exploration and storage.
"""

from __future__ import annotations

from typing import Any

from pypet.tree import search
from pypet.tree.group import NNGroupNode
from pypet.tree.names import BRANCHES, run_name, split_name, translate_component
from pypet.tree.node import NNTreeNode
from pypet.tree.wildcards import WildcardRegistry

__all__ = ["TreeRoot"]


class TreeRoot(NNGroupNode):
    """Root group that owns the index ``short name -> {full name: node}``.

    Lookup settings are class-level defaults overridden per instance (``v_fast_access``
    etc.), so natural-naming assignment to them sets the setting, as in pypet.
    """

    v_fast_access = True
    v_shortcuts = True
    v_max_depth: int | None = None
    v_auto_load = False
    v_with_links = True
    v_iter_recursive = False
    v_no_clobber = False
    v_auto_run_prepend = True
    v_lazy_adding = False

    def __init__(self, comment: str = "", wildcard_functions: Any = None) -> None:
        super().__init__("", comment)
        self._root = self
        self._index: dict[str, dict[str, NNTreeNode]] = {}
        self._link_count = 0
        self._links_to: dict[str, set[tuple[str, str]]] = {}
        self._wildcards = WildcardRegistry(wildcard_functions)
        self._idx = -1
        self._branch_names = BRANCHES
        self._translated: dict[str, tuple[str, ...]] = {}

    @property
    def v_is_run(self) -> bool:
        """Whether a single run is active (adding then prepends ``runs.<run name>``)."""
        return False

    # --- names ------------------------------------------------------------------------------
    @property
    def _reserved_names(self) -> frozenset[str]:
        """Names that would shadow the tree API (accepted with a warning)."""
        cls = type(self)
        cached = cls.__dict__.get("_reserved_cache")
        if cached is None:
            cached = frozenset(n for n in dir(cls) if not n.startswith("_"))
            cls._reserved_cache = cached
        return cached

    def _run_name(self) -> str:
        return run_name(self._idx)

    def _translate(self, name: str | int) -> list[str]:
        """Split ``name`` and translate shortcuts, run abbreviations and wildcards."""
        if isinstance(name, int) and not isinstance(name, bool):
            return [run_name(name)]
        cached = self._translated.get(name)  # natural naming repeats the same few names
        if cached is not None:
            return list(cached)
        components = split_name(name)
        wildcards = self._wildcards
        cacheable = True
        for pos, component in enumerate(components):
            if wildcards.is_wildcard(component):
                components[pos] = wildcards.translate(component, self._idx)
                cacheable = False  # depends on the current run
            else:
                components[pos] = translate_component(component)
        if cacheable:
            if len(self._translated) > 4096:
                self._translated.clear()
            self._translated[name] = tuple(components)
        return components

    # --- lookup -------------------------------------------------------------------------------
    def _natural_get(self, group: NNGroupNode, name: str | int) -> Any:
        return self._get(group, name, self.v_fast_access, self.v_with_links, self.v_shortcuts,
                         self.v_max_depth, self.v_auto_load)

    def _get(self, group: NNGroupNode, name: str | int, fast_access: bool, with_links: bool,
             shortcuts: bool, max_depth: int | None, auto_load: bool) -> Any:
        """Resolve ``name`` below ``group``; see :func:`pypet.tree.search.find`."""
        components = self._translate(name)
        node = search.find(group, components, with_links, shortcuts, max_depth)
        if fast_access and node._is_leaf and node.f_supports_fast_access():
            return node.f_get()
        return node

    # --- what the tree asks of the root (overridden by the trajectory) ----------------------
    def _retired_kwargs(self, kwargs: dict[str, Any], where: str) -> None:
        """Reject keywords a lookup method does not know (the trajectory drops pypet's old ones)."""
        raise TypeError(f"{where}() got unexpected keyword arguments {sorted(kwargs)}.")

    def _group_factory_class(self, branch: str) -> type:
        """The group class used in ``branch``."""
        return NNGroupNode

    def _group_factory(self, branch: str) -> Any:
        cls = self._group_factory_class(branch)
        return lambda parent, name: cls("")

    def _leaf_class(self, branch: str) -> type:
        """The default leaf class of ``branch``."""
        raise TypeError(f"No default leaf class for branch {branch!r}; pass a class explicitly.")

    def _before_add(self, branch: str) -> None:
        """Hook called before adding to ``branch`` (the trajectory forbids some during runs)."""

    def _on_node_added(self, node: NNTreeNode) -> None:
        """Hook called after a node was inserted."""

    def _on_node_removed(self, node: NNTreeNode) -> None:
        """Hook called after a node was removed."""

    def _on_link_added(self, group: NNGroupNode, name: str) -> None:
        """Hook called after a link was added."""

    def _store_node(self, node: NNTreeNode, recursive: bool, store_data: int,
                    max_depth: int | None) -> None:
        """Store ``node`` (the trajectory provides storage)."""
        raise TypeError("This tree has no storage.")

    def _load_node(self, full_name: str, recursive: bool, load_data: int,
                   max_depth: int | None) -> int:
        """Load ``full_name`` from storage (the trajectory provides storage)."""
        raise TypeError("This tree has no storage.")
