"""Changing the tree: inserting groups and leaves, links, removal.

All structural changes go through these functions so the root's name index, link
bookkeeping and the record of nodes added during a run stay consistent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.tree.names import RESERVED_ROOT_NAMES, check_name

if TYPE_CHECKING:
    from pypet.tree.group import NNGroupNode
    from pypet.tree.node import NNTreeNode

__all__ = [
    "add_link",
    "ensure_groups",
    "insert_child",
    "remove_child",
    "remove_link",
]


def insert_child(parent: NNGroupNode, name: str, node: NNTreeNode) -> NNTreeNode:
    """Attach ``node`` as child ``name`` of ``parent`` and register it at the root."""
    root = parent._root
    full_name = f"{parent._full_name}.{name}" if parent._full_name else name
    if name in parent._children or name in parent._links:
        raise AttributeError(
            f"{full_name!r} already exists; remove it first or use a different name."
        )
    node._set_full_name(full_name)
    if not node._is_leaf:
        state = node.__dict__  # plain writes; groups route attribute writes via natural naming
        state["_parent"] = parent
        state["_root"] = root
    parent._children[name] = node
    root._tree_changed()
    root._index.setdefault(name, {})[full_name] = node
    root._on_node_added(node)
    return node


def ensure_groups(
    parent: NNGroupNode, names: list[str], group_factory: Any, reserved: frozenset[str]
) -> NNGroupNode:
    """Walk (creating as needed) the groups ``names`` below ``parent`` and return the last.

    Links are not walked through: adding "through" a link would put data somewhere the
    user did not name.
    """
    group = parent
    deferred = parent._root._deferred
    for name in names:
        if deferred is not None:
            deferred.before_child(name)
        child = group._children.get(name)
        if child is None:
            if name in group._links:
                raise AttributeError(
                    f"Cannot add below the link {name!r} of {group.v_full_name or 'the root'!r}; "
                    "add to the linked group itself."
                )
            check_name(name, reserved)
            child = insert_child(group, name, group_factory(group, name))
        elif child._is_leaf:
            raise AttributeError(
                f"{child.v_full_name!r} is a leaf; it cannot hold the child you want to add."
            )
        group = child
    return group


def add_link(parent: NNGroupNode, name: str, target: NNTreeNode, reserved: frozenset[str]) -> None:
    """Add the link ``name`` in ``parent`` pointing at ``target``."""
    root = parent._root
    if "." in name:
        raise ValueError(f"A link name must not contain '.': {name!r}.")
    check_name(name, reserved)
    if target is root or target.v_is_root:
        raise ValueError("A link must not point to the trajectory root.")
    if parent.v_is_root and (name in root._branch_names or name in RESERVED_ROOT_NAMES):
        raise ValueError(f"{name!r} is reserved at the root and cannot be a link name there.")
    if _lookup_exact(root, target._full_name) is not target:
        raise ValueError(f"The link target {target.v_full_name!r} is not part of this trajectory.")
    if name in parent._children or name in parent._links:
        raise AttributeError(
            f"{parent.v_full_name or 'the root'!r} already has a child or link named {name!r}."
        )
    parent._links[name] = target
    root._tree_changed()
    root._link_count += 1
    root._links_to.setdefault(target._full_name, set()).add((parent._full_name, name))
    root._on_link_added(parent, name)


def remove_link(parent: NNGroupNode, name: str) -> None:
    """Remove the link ``name`` from ``parent`` (RAM only)."""
    root = parent._root
    try:
        target = parent._links.pop(name)
    except KeyError:
        raise ValueError(
            f"{parent.v_full_name or 'the root'!r} has no link named {name!r}."
        ) from None
    root._link_count -= 1
    root._tree_changed()
    sources = root._links_to.get(target._full_name)
    if sources is not None:
        sources.discard((parent._full_name, name))
        if not sources:
            del root._links_to[target._full_name]


def remove_child(parent: NNGroupNode, name: str, recursive: bool = False,
                 predicate: Any = None) -> None:
    """Remove child ``name`` (a node or a link) of ``parent`` from RAM.

    A group with children needs ``recursive=True``. Links pointing at removed nodes are
    removed too.
    """
    if name in parent._links:
        remove_link(parent, name)
        return
    deferred = parent._root._deferred
    if deferred is not None:
        deferred.before_remove(f"{parent._full_name}.{name}" if parent._full_name else name,
                               recursive)
    node = parent._children.get(name)
    if node is None:
        # ValueError as in pypet 0.7 (a wrong argument, not a missing attribute)
        raise ValueError(f"{parent.v_full_name or 'the root'!r} has no child {name!r}.")
    if not node._is_leaf and (node._children or node._links) and not recursive:
        raise TypeError(
            f"{node.v_full_name!r} is a group with children; use recursive=True to remove it."
        )
    if predicate is not None and not predicate(node):
        return
    _detach(parent, name, node, predicate)


def _detach(parent: Any, name: str, node: Any, predicate: Any) -> None:
    root = parent._root
    if not node._is_leaf:
        for link_name in list(node._links):
            remove_link(node, link_name)
        for child_name, child in list(node._children.items()):
            if predicate is None or predicate(child):
                _detach(node, child_name, child, predicate)
        if node._children:  # the predicate kept some children, so the group stays
            return
    del parent._children[name]
    root._tree_changed()
    bucket = root._index.get(name)
    if bucket is not None:
        bucket.pop(node._full_name, None)
        if not bucket:
            del root._index[name]
    if root._links_to:
        for source, link_name in list(root._links_to.get(node._full_name, ())):
            group = _lookup_exact(root, source)
            if group is not None:
                remove_link(group, link_name)
    root._on_node_removed(node)


def _lookup_exact(root: Any, full_name: str) -> Any:
    """Return the node at ``full_name`` following only real children, or None."""
    node = root
    if not full_name:
        return root
    deferred = root._deferred
    for part in full_name.split("."):
        if deferred is not None:
            deferred.before_child(part)
        node = node._children.get(part) if not node._is_leaf else None
        if node is None:
            return None
    return node
