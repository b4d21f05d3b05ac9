"""The root of a tree: the name index, links, lookup settings and wildcard translation.

:class:`TreeRoot` is everything the tree needs from its root; the Trajectory subclasses it
and adds runs, exploration and storage.
"""

from __future__ import annotations

from typing import Any

from pypet.errors import NotUniqueNodeError
from pypet.tree import edit, search
from pypet.tree.deferred import DeferredNodes
from pypet.tree.group import NNGroupNode
from pypet.tree.names import BRANCHES, run_name, split_name, translate_component
from pypet.tree.node import NNTreeNode
from pypet.tree.wildcards import WildcardRegistry

__all__ = ["TreeRoot"]

#: names that placing a run's unplaced leaves may add besides the leaves themselves
_PLACED_GROUPS = frozenset({"results", "derived_parameters", "runs"})


#: the settings a remembered lookup depends on: setting one forgets them (see __setattr__)
_LOOKUP_SETTINGS = frozenset({"v_fast_access", "v_shortcuts", "v_max_depth", "v_auto_load",
                              "v_with_links"})


def _unaffected(name: str, unplaced: dict[str, NNTreeNode]) -> bool:
    """Whether a lookup of ``name`` finds the same node after ``unplaced`` are placed."""
    return name not in unplaced and name not in _PLACED_GROUPS and not name.startswith("run_")


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

    #: nodes known from storage but not made yet (see :mod:`pypet.tree.deferred`); None
    #: keeps every hook a single attribute test
    _deferred: DeferredNodes | None = None
    #: (tree version, records of the groups a run's results create, the runs group if it
    #: exists) while they hold (see SingleRun._prepare_buffer); a class default: trajectories
    #: pickled before it existed have none
    _run_places: tuple[int, tuple[Any, ...], Any] | None = None

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
        #: ``(id(group), name, with_links, shortcuts, max_depth) -> (node, translated name)``
        #: of single-component lookups; emptied by every change of the tree (see :mod:`.edit`)
        #: and of a lookup setting. A plain ``name`` key holds ``(node, read its value,
        #: translated name)`` of ``root.name`` with the current settings (see __getattr__).
        self._found: dict[tuple | str, tuple] = {}
        #: counts the changes of the tree (what is derived from its shape can be kept)
        self._tree_version = 0
        #: leaves of the active run not placed in the tree yet, by name (see _place_unplaced)
        self._unplaced: dict[str, NNTreeNode] = {}
        self._placing = False
        self._run_dependent = False  # set by a search that narrowed a tie to the current run
        #: names a run may add without the tree's checks (see SingleRun.add_result)
        self._plain_names: set[str] = set()

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

    def _translate(self, name: str | int | list | tuple, idx: int | None = None) -> list[str]:
        """Split ``name`` and translate shortcuts, run abbreviations and wildcards.

        ``name`` may also be a list or tuple of components (as in pypet). Wildcards resolve
        at run ``idx`` (default: the current run).
        """
        if isinstance(name, int) and not isinstance(name, bool):
            return [run_name(name)]
        if isinstance(name, (list, tuple)):
            return [part for component in name for part in self._translate(component, idx)]
        if idx is None:
            cached = self._translated.get(name)  # natural naming repeats the same few names
            if cached is not None:
                return list(cached)
        components = split_name(name)
        wildcards = self._wildcards
        cacheable = True
        for pos, component in enumerate(components):
            if wildcards.is_wildcard(component):
                components[pos] = wildcards.translate(component,
                                                      self._idx if idx is None else idx)
                cacheable = False  # depends on the current run
            else:
                components[pos] = translate_component(component)
        if cacheable and idx is None:
            if len(self._translated) > 4096:
                self._translated.clear()
            self._translated[name] = tuple(components)
        return components

    def _dummy_translation(self, name: Any, components: list[str]) -> list[str] | None:
        """The components of ``name`` with wildcards at index -1, if that differs.

        A lookup with a wildcard that misses in the current run is retried in the dummy
        run (``run_ALL``), as pypet does: data added outside any run stays reachable.
        """
        if self._idx < 0:
            return None
        dummy = self._translate(name, -1)
        return dummy if dummy != components else None

    def _tree_changed(self) -> None:
        """Called by :mod:`.edit` for every change of the tree's shape."""
        self._found.clear()
        self._tree_version += 1

    # --- leaves added but not placed yet -----------------------------------------------------
    def _place_unplaced(self) -> None:
        """Place the leaves held in :attr:`_unplaced` at their full names.

        A single run keeps the results it adds out of the tree until someone reads the tree
        (``NNGroupNode._children``); this puts them where adding them would have, creating
        the groups on the way.
        """
        pending, self._unplaced = self._unplaced, {}
        self._placing = True
        try:
            for name, node in pending.items():
                parts = node._full_name.split(".")
                parent = edit.ensure_groups(self, parts[:-1], self._group_factory(parts[0]),
                                            self._reserved_names)
                edit.insert_child(parent, name, node)
        finally:
            self._placing = False

    # --- lookup -------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        # ``traj.x`` in every run: remembered under the name alone, so a hit costs one dict
        # lookup (the settings are part of no key: changing one forgets every lookup)
        found = self.__dict__.get("_found")
        hit = found.get(name) if found is not None else None
        if hit is not None:
            unplaced = self.__dict__["_unplaced"]
            if not unplaced or _unaffected(hit[2], unplaced):
                return hit[0]._natural_value() if hit[1] else hit[0]
        value = super().__getattr__(name)
        if not self.v_auto_load:
            key = (id(self), name, self.v_with_links, self.v_shortcuts, self.v_max_depth)
            remembered = found.get(key) if found is not None else None
            if remembered is not None:  # a lookup _find may remember: one plain component
                node = remembered[0]
                found[name] = (node, self.v_fast_access and node._is_leaf, remembered[1])
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _LOOKUP_SETTINGS:
            self._found.clear()  # remembered lookups assumed the old setting

    def _indexed(self, name: str) -> dict[str, NNTreeNode] | None:
        """Every node called ``name`` (``{full name: node}``), deferred ones made first."""
        if self._deferred is not None:
            self._deferred.before_name(name)
        return self._index.get(name)

    def _natural_get(self, group: NNGroupNode, name: str | int) -> Any:
        if not self.v_auto_load:  # a remembered lookup, without the layers of _get
            hit = self._found.get((id(group), name, self.v_with_links, self.v_shortcuts,
                                   self.v_max_depth))
            if hit is not None and (not self._unplaced or _unaffected(hit[1], self._unplaced)):
                node = hit[0]
                return node._natural_value() if self.v_fast_access and node._is_leaf else node
        return self._get(group, name, self.v_fast_access, self.v_with_links, self.v_shortcuts,
                         self.v_max_depth, self.v_auto_load)

    def _find(self, group: NNGroupNode, name: Any, with_links: bool, shortcuts: bool,
              max_depth: int | None) -> NNTreeNode:
        """Translate ``name`` and find its node below ``group`` (see :func:`search.find`).

        Lookups of one plain component are remembered until the tree changes: a run reads
        the same few parameters again and again.
        """
        key = None
        if type(name) is str:
            key = (id(group), name, with_links, shortcuts, max_depth)  # any group class
            hit = self._found.get(key)
            if hit is not None and (not self._unplaced or _unaffected(hit[1], self._unplaced)):
                return hit[0]
        components = self._translate(name)
        if key is not None and len(components) == 1 and name in self._translated:
            self._run_dependent = False
            node = self._find_components(group, name, components, with_links, shortcuts,
                                         max_depth)
            if self._run_dependent:
                return node
            if len(self._found) > 4096:
                self._found.clear()
            self._found[key] = (node, components[0])
            return node
        return self._find_components(group, name, components, with_links, shortcuts, max_depth)

    def _find_components(self, group: NNGroupNode, name: Any, components: list[str],
                         with_links: bool, shortcuts: bool, max_depth: int | None) -> NNTreeNode:
        if group is self and components and components[0] not in self._children:
            self._materialize_branch(components[0])
        try:
            return search.find(group, components, with_links, shortcuts, max_depth)
        except NotUniqueNodeError:
            raise
        except AttributeError as missing:
            dummy = self._dummy_translation(name, components)
            if dummy is None:
                raise
            first_miss = missing
        try:
            return search.find(group, dummy, with_links, shortcuts, max_depth)
        except NotUniqueNodeError:
            raise
        except AttributeError:
            raise first_miss from None

    def _get(self, group: NNGroupNode, name: str | int, fast_access: bool, with_links: bool,
             shortcuts: bool, max_depth: int | None, auto_load: bool) -> Any:
        """Resolve ``name`` below ``group``; see :func:`pypet.tree.search.find`."""
        node = self._find(group, name, with_links, shortcuts, max_depth)
        if fast_access and node._is_leaf and node.f_supports_fast_access():
            return node.f_get()
        return node

    def _materialize_branch(self, name: str) -> None:
        """Create a standard branch the first time it is looked up.

        As in pypet, ``config``, ``parameters``, ``derived_parameters`` and ``results`` are
        created on first use, so ``traj.parameters.x = Parameter('x', 1)`` works on a fresh
        trajectory while an unused branch never shows up in walks or files.
        """
        if name in self._branch_names:
            edit.insert_child(self, name, self._group_factory_class(name)(""))

    # --- what the tree asks of the root (overridden by the trajectory) ----------------------
    def _retired_kwargs(self, kwargs: dict[str, Any], where: str) -> None:
        """Reject keywords a lookup method does not know (the trajectory drops pypet's old ones)."""
        raise TypeError(f"{where}() got unexpected keyword arguments {sorted(kwargs)}.")

    def _group_factory_class(self, branch: str) -> type:
        """The group class used in ``branch``."""
        return NNGroupNode

    def _fits_branch(self, group: Any, expected: type) -> bool:
        """Whether a group instance may be added where groups of class ``expected`` live."""
        return isinstance(group, expected)

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

    def _load_node(self, full_name: str | list[str], recursive: bool, load_data: int,
                   max_depth: int | None) -> int:
        """Load ``full_name`` (or several names) from storage (the trajectory provides it)."""
        raise TypeError("This tree has no storage.")
