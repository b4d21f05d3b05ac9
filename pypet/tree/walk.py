"""Walking the tree: iteration over nodes and leaves, and conversion to dicts."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pypet.tree.names import is_run_name, run_name

if TYPE_CHECKING:
    from pypet.tree.group import NNGroupNode
    from pypet.tree.node import NNTreeNode

__all__ = ["iter_nodes", "to_dict"]

Predicate = Callable[["NNTreeNode"], bool] | list | tuple | set | frozenset | None


def _run_filter(runs: list | tuple | set | frozenset) -> Callable[[Any], bool]:
    """Turn a collection of run indices/names into a predicate hiding all other runs."""
    allowed = {run_name(r) if isinstance(r, int) else r for r in runs}

    def keep(node: Any) -> bool:
        name = node.v_name
        return not is_run_name(name) or name in allowed

    return keep


def iter_nodes(
    group: NNGroupNode,
    recursive: bool = True,
    with_links: bool = True,
    max_depth: int | None = None,
    predicate: Predicate = None,
) -> Iterator[NNTreeNode]:
    """Yield the nodes below ``group`` breadth-first.

    Parameters
    ----------
    recursive : bool
        False yields only the direct children.
    with_links : bool
        Also yield (and walk through) linked nodes; each node is yielded once.
    max_depth : int, optional
        Relative depth limit.
    predicate : callable or collection of run indices/names
        A callable hides nodes for which it is false (and their subtrees); a collection of
        runs hides every ``run_XXXXXXXX`` subtree not in it.
    """
    if predicate is not None and not callable(predicate):
        predicate = _run_filter(predicate)
    limit = 1 if not recursive else max_depth
    deferred = group._root._deferred
    if deferred is not None:
        deferred.before_walk(group, recursive and max_depth != 1)
    seen: set[int] = {id(group)}
    queue: deque[tuple[Any, int]] = deque([(group, 0)])
    while queue:
        current, depth = queue.popleft()
        if limit is not None and depth >= limit:
            continue
        children = list(current._children.values())
        if with_links and current._links:
            children.extend(current._links.values())
        for child in children:
            if id(child) in seen:
                continue
            if predicate is not None and not predicate(child):
                continue
            seen.add(id(child))
            yield child
            if not child._is_leaf:
                queue.append((child, depth + 1))


def to_dict(
    group: NNGroupNode,
    fast_access: bool = False,
    short_names: bool = False,
    nested: bool = False,
    with_links: bool = True,
) -> dict[str, Any]:
    """Return the leaves below ``group`` as a dict.

    Keys are full names, or short names (``short_names``; must then be unique), or, with
    ``nested``, a nested dict of the relative path.
    """

    def value(leaf: Any) -> Any:
        if fast_access and leaf.f_supports_fast_access():
            return leaf.f_get()
        return leaf

    if nested and short_names:
        raise ValueError("f_to_dict: nested=True and short_names=True exclude each other.")
    leaves = [n for n in iter_nodes(group, with_links=with_links) if n._is_leaf]
    if nested:
        result: dict[str, Any] = {}
        cut = len(group._full_name) + 1 if group._full_name else 0
        for leaf in leaves:
            parts = leaf._full_name[cut:].split(".")
            target = result
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value(leaf)
        return result
    if short_names:
        result = {}
        for leaf in leaves:
            if leaf.v_name in result:
                raise ValueError(
                    f"The short name {leaf.v_name!r} is not unique "
                    f"({result[leaf.v_name].v_full_name!r} and {leaf.v_full_name!r}); "
                    "use short_names=False."
                )
            result[leaf.v_name] = leaf
        return {name: value(leaf) for name, leaf in result.items()}
    return {leaf.v_full_name: value(leaf) for leaf in leaves}
