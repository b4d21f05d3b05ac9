"""Group nodes: children, natural naming, and the group half of the tree API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypet.tree import adding, edit, printing, search, walk
from pypet.tree.node import NNTreeNode
from pypet.tree.prefixed import KidsProxy

__all__ = ["NNGroupNode"]

_MISSING = object()


class NNGroupNode(NNTreeNode):
    """A group: holds child groups, leaves and links.

    Plain attributes are natural naming: ``group.x`` finds the child (or, with shortcuts,
    a descendant) named ``x``; assignment adds, links or sets (see :mod:`pypet.tree.adding`).
    """

    _links: dict[str, NNTreeNode]
    _parent: NNGroupNode | None
    _root: Any

    def __init__(self, full_name: str = "", comment: str = "") -> None:
        super().__init__(full_name, comment, is_leaf=False)
        self.__dict__.update(_children={}, _links={}, _parent=None, _root=None)

    @property
    def _children(self) -> dict[str, NNTreeNode]:
        """The child nodes by name.

        A single run may hold results it has not placed in the tree yet (they are cheaper
        that way, see :mod:`pypet.trajectory.single_run`); whoever reads the tree's
        structure first places them, so every reader sees the tree as if they had been
        placed when added.
        """
        state = self.__dict__
        root = state["_root"]
        if root is not None and root._unplaced:
            root._place_unplaced()
        return state["_children"]  # type: ignore[no-any-return]

    @_children.setter
    def _children(self, children: dict[str, NNTreeNode]) -> None:
        self.__dict__["_children"] = children

    # --- natural naming ----------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith(("_", "f_", "v_")):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._root._natural_get(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name[0] == "_" or hasattr(type(self), name):  # private state and API properties
            object.__setattr__(self, name, value)
        else:
            adding.assign(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name.startswith("_") or hasattr(type(self), name):
            object.__delattr__(self, name)
        else:
            self.f_remove_child(name, recursive=True)

    def __getitem__(self, key: str | int) -> Any:
        return self._root._natural_get(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        # ``group['a.b.c'] = v`` is ``group['a.b'].c = v`` (as in pypet): the path is looked
        # up with the usual natural-naming settings, then the last component is assigned.
        location, _, last = key.rpartition(".") if isinstance(key, str) else ("", "", key)
        parent = self
        if location:
            root = self._root
            parent = root._get(self, location, False, root.v_with_links, root.v_shortcuts,
                               root.v_max_depth, root.v_auto_load)
            if parent._is_leaf:
                raise AttributeError(f"{parent.v_full_name!r} is a leaf; it has no child {last!r}.")
        adding.assign(parent, last, value)

    def __contains__(self, item: Any) -> bool:
        root = self._root
        return self.f_contains(item, with_links=root.v_with_links, shortcuts=root.v_shortcuts,
                               max_depth=root.v_max_depth)

    def __iter__(self) -> Iterator[NNTreeNode]:
        return walk.iter_nodes(self, recursive=self._root.v_iter_recursive)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._made_children(), *self._links})

    def __repr__(self) -> str:
        return f"<{self}>"

    def __str__(self) -> str:
        """pypet's form: ``ParameterGroup parameters (`comment`): (x: <class ...>), ...``."""
        comment = f" (`{self._comment}`)" if self._comment else ""
        return (f"{self.f_get_class_name()} {self._full_name}{comment}: "
                f"{printing.children_str(self)}")

    def _made_children(self) -> dict[str, NNTreeNode]:
        """The direct children, after the deferred ones among them were made."""
        deferred = self._root._deferred if self._root is not None else None
        if deferred is not None:
            deferred.before_walk(self, False)
        return self._children

    # pypet 0.7's private names of the child views (read by scripts and its own tests)
    @property
    def _groups(self) -> dict[str, NNTreeNode]:
        return self.f_get_groups()

    @property
    def _leaves(self) -> dict[str, NNTreeNode]:
        return self.f_get_leaves()

    @property
    def _kids(self) -> KidsProxy:
        return self.kids

    @property
    def kids(self) -> KidsProxy:
        """Direct children and links by attribute, without search."""
        return KidsProxy(self)

    @property
    def v_root(self) -> Any:
        """The trajectory this group belongs to."""
        return self._root

    # --- lookup ----------------------------------------------------------------------------
    def f_get(self, name: str | int, fast_access: bool = False, with_links: bool = True,
              shortcuts: bool = True, max_depth: int | None = None,
              auto_load: bool = False, **old: Any) -> Any:
        """Return the node (or with ``fast_access`` the value) at ``name`` below this group.

        Raises ``AttributeError`` if missing and ``NotUniqueNodeError`` if ambiguous.
        ``old`` takes pypet's retired keywords (``backwards_search``), ignored with a warning.
        """
        if old:
            self._root._retired_kwargs(old, "f_get")
        return self._root._get(self, name, fast_access, with_links, shortcuts, max_depth,
                               auto_load)

    def f_get_default(self, name: str, default: Any = None, fast_access: bool = True,
                      with_links: bool = True, shortcuts: bool = True,
                      max_depth: int | None = None, auto_load: bool = False,
                      **old: Any) -> Any:
        """Like :meth:`f_get` but return ``default`` if the item does not exist.

        Unlike pypet, an ambiguous name still raises ``NotUniqueNodeError``: returning the
        default there would hide that the name matches several nodes (pypet's
        ``f_get_from_runs`` swallowing the same error is listed as a bug in the inventory).
        """
        from pypet.errors import DataNotInStorageError, NotUniqueNodeError

        if old:
            self._root._retired_kwargs(old, "f_get_default")
        try:
            return self.f_get(name, fast_access, with_links, shortcuts, max_depth, auto_load)
        except NotUniqueNodeError:
            raise
        except (AttributeError, DataNotInStorageError):
            return default

    def f_contains(self, item: Any, with_links: bool = True, shortcuts: bool = False,
                   max_depth: int | None = None, **old: Any) -> bool:
        """Tell whether ``item`` (a name or a node instance) is below this group.

        For an instance the very same object must be there. The empty name is never
        contained (no node but the root is called ``''``).
        """
        if old:
            self._root._retired_kwargs(old, "f_contains")
        if isinstance(item, NNTreeNode):
            prefix = self._full_name + "." if self._full_name else ""
            relative = item.v_full_name[len(prefix):]
            if not relative or not item.v_full_name.startswith(prefix):
                return False
            try:
                found = self.f_get(relative, with_links=with_links, shortcuts=False,
                                   max_depth=max_depth)
            except AttributeError:
                return False
            return found is item
        if item == "":
            return False
        try:
            self.f_get(item, with_links=with_links, shortcuts=shortcuts, max_depth=max_depth)
        except AttributeError:
            return False
        return True

    def f_get_all(self, name: str, max_depth: int | None = None,
                  shortcuts: bool = True) -> list[NNTreeNode]:
        """Return every node below this group matching ``name`` (deepest first; no links)."""
        return search.find_all(self, self._root._translate(name), max_depth, shortcuts)

    # --- children ---------------------------------------------------------------------------
    def f_get_children(self, copy: bool = True) -> dict[str, NNTreeNode]:
        """Direct children (groups and leaves) and links by name."""
        children = self._made_children()
        if not self._links and not copy:
            return children
        return {**children, **self._links}

    def f_get_groups(self, copy: bool = True) -> dict[str, NNTreeNode]:
        """Direct child groups by name."""
        return {k: v for k, v in self._made_children().items() if not v._is_leaf}

    def f_get_leaves(self, copy: bool = True) -> dict[str, NNTreeNode]:
        """Direct child leaves by name."""
        return {k: v for k, v in self._made_children().items() if v._is_leaf}

    def f_get_links(self, copy: bool = True) -> dict[str, NNTreeNode]:
        """Links of this group by name."""
        return dict(self._links) if copy else self._links

    def f_children(self) -> int:
        """Number of children including links."""
        return len(self._made_children()) + len(self._links)

    def f_groups(self) -> int:
        """Number of child groups."""
        return sum(1 for v in self._made_children().values() if not v._is_leaf)

    def f_leaves(self) -> int:
        """Number of child leaves."""
        return sum(1 for v in self._made_children().values() if v._is_leaf)

    def f_links(self) -> int:
        """Number of links."""
        return len(self._links)

    def f_has_children(self) -> bool:
        """Whether the group has children or links."""
        return bool(self._made_children() or self._links)

    def f_has_groups(self) -> bool:
        """Whether the group has child groups."""
        return self.f_groups() > 0

    def f_has_leaves(self) -> bool:
        """Whether the group has child leaves."""
        return self.f_leaves() > 0

    def f_has_links(self) -> bool:
        """Whether the group has links."""
        return bool(self._links)

    def f_get_parent(self) -> NNGroupNode:
        """The parent group (``TypeError`` for the root)."""
        if self._parent is None:
            raise TypeError("The trajectory root has no parent.")
        return self._parent

    def f_dir_data(self) -> list[str]:
        """Names of the children and links (what natural naming can reach directly)."""
        return sorted([*self._made_children(), *self._links])

    def f_debug(self) -> Any:
        """Return a plain object mirroring the subtree (handy in a debugger)."""
        class Debug:  # noqa: D106 - a throwaway namespace
            pass

        mirror = Debug()
        for name, child in self.f_get_children().items():
            setattr(mirror, name, child if child._is_leaf else child.f_debug())
        return mirror

    # --- walking ----------------------------------------------------------------------------
    def f_iter_nodes(self, recursive: bool = True, with_links: bool = True,
                     max_depth: int | None = None, predicate: Any = None) -> Iterator[NNTreeNode]:
        """Iterate breadth-first over the nodes below this group (see :func:`walk.iter_nodes`)."""
        return walk.iter_nodes(self, recursive, with_links, max_depth, predicate)

    def f_iter_leaves(self, with_links: bool = True) -> Iterator[NNTreeNode]:
        """Iterate over all leaves below this group."""
        return (n for n in walk.iter_nodes(self, with_links=with_links) if n._is_leaf)

    def f_to_dict(self, fast_access: bool = False, short_names: bool = False,
                  nested: bool = False, with_links: bool = True) -> dict[str, Any]:
        """Return the leaves below this group as a dict (see :func:`walk.to_dict`)."""
        return walk.to_dict(self, fast_access, short_names, nested, with_links)

    # --- adding and removing ---------------------------------------------------------------
    def f_add_group(self, *args: Any, **kwargs: Any) -> NNGroupNode:
        """Add a group below this one: ``(name, comment='')`` or ``(group_instance)``."""
        return adding.add_group(self, args, kwargs, branch=None)

    def f_add_leaf(self, *args: Any, **kwargs: Any) -> Any:
        """Add a leaf below this group; the class defaults from the branch."""
        return adding.add_leaf(self, args, kwargs, branch=None)

    def f_add_link(self, name_or_item: Any, full_name_or_item: Any = None) -> Any:
        """Add a link: ``(node)`` (named like the node) or ``(name, node_or_full_name)``.

        A dotted name creates the groups in between (``'grp.sub.link'``); wildcards such
        as ``$`` are translated. Returns the target.
        """
        root = self._root
        if full_name_or_item is None:
            if not isinstance(name_or_item, NNTreeNode):
                raise ValueError(
                    f"f_add_link({name_or_item!r}) needs a node to link to: pass a node, or "
                    "(link name, node or full name of a node)."
                )
            target = name_or_item
            name = target.v_name
        else:
            name, target = name_or_item, full_name_or_item
        if isinstance(target, str):
            target = root.f_get(target)  # a full name, or a shortcut as in pypet
        if not isinstance(target, NNTreeNode):
            raise ValueError(f"A link must point to a node of the trajectory, not {target!r}.")
        components = root._translate(name)
        if not components:
            raise ValueError("A link needs a name; got an empty name.")
        parent = self
        if len(components) > 1:
            branch = components[0] if self is root else self.v_branch
            parent = edit.ensure_groups(self, components[:-1], root._group_factory(branch),
                                        root._reserved_names)
        edit.add_link(parent, components[-1], target, root._reserved_names)
        return target

    def f_remove_link(self, name: str) -> None:
        """Remove the link ``name`` (RAM only)."""
        edit.remove_link(self, name)

    def f_remove_child(self, name: str, recursive: bool = False, predicate: Any = None) -> None:
        """Remove the direct child (or link) ``name`` from RAM."""
        edit.remove_child(self, name, recursive, predicate)

    def f_remove(self, recursive: bool = True, predicate: Any = None) -> None:
        """Remove this group from its parent (RAM only)."""
        parent = self.f_get_parent()
        edit.remove_child(parent, self.v_name, recursive, predicate)

    # --- storage (delegated to the root's storage service) --------------------------------
    def f_store_child(self, name: str, recursive: bool = False, store_data: int = 2,
                      max_depth: int | None = None) -> None:
        """Store the child ``name`` (exact path, no shortcuts) and, if recursive, below it.

        ``max_depth`` counts from this group, as in pypet.
        """
        try:
            node = self.f_get(name, shortcuts=False)
        except AttributeError:
            raise ValueError(
                f"{name!r} is not a child of {self.v_full_name or 'the root'!r}."
            ) from None
        if max_depth is not None:
            max_depth -= node.v_depth - self.v_depth
            if max_depth < 0:
                return
        self._root._store_node(node, recursive, store_data, max_depth)

    def f_store(self, recursive: bool = True, store_data: int = 2,
                max_depth: int | None = None) -> None:
        """Store this group (and, if recursive, everything below it)."""
        self._root._store_node(self, recursive, store_data, max_depth)

    def f_load_child(self, name: str, recursive: bool = False, load_data: int = 2,
                     max_depth: int | None = None) -> Any:
        """Load the child ``name`` (exact path, no shortcuts) from storage and return it.

        ``max_depth`` counts from this group, as in pypet.
        """
        components = self._root._translate(name)
        full_name = ".".join([self._full_name, *components] if self._full_name else components)
        if max_depth is not None:
            max_depth = max(max_depth - len(components), 0)
        # as in pypet, the groups on the way come along (with comments and annotations)
        missing = []
        for end in range(1, len(components)):
            path = ".".join([self._full_name, *components[:end]] if self._full_name
                            else components[:end])
            if path not in (self._root._indexed(components[end - 1]) or {}):
                missing.append(path)
        if missing:
            self._root._load_node(missing, False, load_data, None)
        if not self._root._load_node(full_name, recursive, load_data, max_depth):
            from pypet.errors import DataNotInStorageError

            raise DataNotInStorageError(f"{full_name!r} is not in the storage.")
        return self.f_get(".".join(components), shortcuts=False)

    def f_load(self, recursive: bool = True, load_data: int = 2,
               max_depth: int | None = None) -> NNGroupNode:
        """(Re)load this group (and, if recursive, everything below it) and return it."""
        self._root._load_node(self._full_name, recursive, load_data, max_depth)
        return self
