"""Natural-naming lookup: exact paths, shortcuts that skip groups, uniqueness per depth.

A dotted name is resolved one component at a time. A component that is a direct child (or
link) of the current node is taken at once; otherwise, with shortcuts, it is searched
below the current node and must be unique at the smallest depth where it occurs, else
:class:`~pypet.errors.NotUniqueNodeError`. The root keeps one index
``short name -> {full name: node}`` so that search touches only the nodes of that name.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from pypet.errors import NodeNotFoundError, NotUniqueNodeError
from pypet.tree.names import is_run_name, run_name

if TYPE_CHECKING:
    from pypet.tree.group import NNGroupNode
    from pypet.tree.node import NNTreeNode

__all__ = ["candidates_below", "find", "find_all", "is_subsequence"]


def find(
    start: NNGroupNode,
    components: list[str],
    with_links: bool = True,
    shortcuts: bool = True,
    max_depth: int | None = None,
) -> NNTreeNode:
    """Resolve translated ``components`` below ``start`` and return the node.

    Raises
    ------
    AttributeError
        If a component cannot be found (the message names it and where it was looked for).
    NotUniqueNodeError
        If a shortcut matches several nodes at the same, smallest depth.
    """
    node: Any = start
    depth_left = max_depth
    deferred = start._root._deferred
    for pos, key in enumerate(components):
        if node._is_leaf:
            raise AttributeError(
                f"{node.v_full_name!r} is a leaf and has no child {'.'.join(components[pos:])!r}."
            )
        if deferred is not None:
            deferred.before_child(key)
        child = node._children.get(key)
        if child is None and with_links:
            child = node._links.get(key)
        if child is not None:
            if depth_left is not None:
                depth_left -= 1
                if depth_left < 0:
                    _not_found(start, components, max_depth)
            node = child
            continue
        if not shortcuts:
            _not_found(start, components, max_depth)
        found, depth = candidates_below(node, key, with_links, depth_left)
        if not found:
            _not_found(start, components, max_depth)
        if depth_left is not None:
            depth_left -= depth
        if len(found) > 1:
            found = _narrow_to_current_run(node._root, found)
        if len(found) > 1:
            return _disambiguate(node, key, found, components[pos + 1:], with_links, depth_left)
        node = found[0]
    return node


def _narrow_to_current_run(root: Any, found: list) -> list:
    """With a current run set, drop tied candidates that live in another run's subtree.

    pypet's ``f_set_crun`` promises that a search then looks only at the current run, but
    its shortcut search did not do so (users hit ``NotUniqueNodeError`` on ``traj.z`` while
    analysing run by run). Narrowing only a tie keeps every lookup that worked in pypet
    unchanged. ``run_ALL`` counts as another run; at index -1 nothing is narrowed.
    """
    idx = root._idx
    if idx < 0:
        return found
    root._run_dependent = True  # the answer depends on the current run (not remembered)
    current = run_name(idx)
    kept = [n for n in found
            if all(c == current or not is_run_name(c) for c in n._full_name.split("."))]
    return kept or found


def _disambiguate(node: Any, key: str, found: list, rest: list[str], with_links: bool,
                  depth_left: int | None) -> NNTreeNode:
    """Several groups named ``key`` tie; accept the tie if only one holds the rest of the path.

    This keeps ``traj.crun.z`` working when a run added both results and derived parameters.
    """
    if rest:
        matches = []
        for candidate in found:
            try:
                matches.append(find(candidate, rest, with_links, True, depth_left))
            except NotUniqueNodeError:
                raise
            except AttributeError:
                continue
        if len(matches) == 1:
            return matches[0]
    raise _not_unique(node, key, found)


def _not_unique(node: Any, key: str, found: list) -> NotUniqueNodeError:
    names = sorted(c.v_full_name for c in found)
    return NotUniqueNodeError(
        f"The name {key!r} is not unique below {node.v_full_name or 'the root'!r}: "
        f"found {names} at the same depth. Use a longer path, e.g. {names[0]!r}."
    )


def candidates_below(
    node: NNGroupNode, key: str, with_links: bool = True, max_depth: int | None = None
) -> tuple[list[NNTreeNode], int]:
    """Return the nodes named ``key`` at the smallest depth below ``node`` and that depth."""
    root = node._root
    if with_links and root._link_count:
        if root._deferred is not None:
            root._deferred.before_name(key)
        return _bfs(node, key, with_links, max_depth)
    candidates = root._indexed(key)
    if not candidates:
        return [], 0
    prefix = node._full_name + "." if node._full_name else ""
    base = node.v_depth
    best: list[NNTreeNode] = []
    best_depth = 1 << 30
    for full_name, candidate in candidates.items():
        if prefix and not full_name.startswith(prefix):
            continue
        depth = full_name.count(".") + 1 - base
        if max_depth is not None and depth > max_depth:
            continue
        if depth < best_depth:
            best, best_depth = [candidate], depth
        elif depth == best_depth:
            best.append(candidate)
    return best, best_depth


def _bfs(
    node: NNGroupNode, key: str, with_links: bool, max_depth: int | None
) -> tuple[list[NNTreeNode], int]:
    """Breadth-first search that may walk through links (used only when links exist)."""
    found: list[Any] = []
    found_depth = 0
    queue: deque[tuple[Any, int]] = deque([(node, 0)])
    seen = {id(node)}
    while queue:
        current, depth = queue.popleft()
        if found and depth >= found_depth:
            break
        if max_depth is not None and depth >= max_depth:
            continue
        children = list(current._children.items())
        if with_links:
            children.extend(current._links.items())
        for name, child in children:
            if name == key:
                # a link and its target at the same depth are two hits (as in pypet): the
                # name is ambiguous even though both lead to one node
                if not found or found_depth == depth + 1:
                    found.append(child)
                    found_depth = depth + 1
            if not child._is_leaf and id(child) not in seen:
                seen.add(id(child))
                queue.append((child, depth + 1))
    return found, found_depth


def find_all(start: NNGroupNode, components: list[str], max_depth: int | None = None,
             shortcuts: bool = True) -> list[NNTreeNode]:
    """Return every node below ``start`` whose path ends with ``components`` (bottom-up).

    With ``shortcuts`` the components must appear in order in the node's relative path,
    otherwise the relative path must equal them exactly. Links are ignored.
    """
    if not components:
        return []
    root = start._root
    prefix = start._full_name + "." if start._full_name else ""
    hits = []
    for full_name, candidate in (root._indexed(components[-1]) or {}).items():
        if prefix and not full_name.startswith(prefix):
            continue
        relative = full_name[len(prefix):].split(".")
        if max_depth is not None and len(relative) > max_depth:
            continue
        if shortcuts:
            if is_subsequence(components[:-1], relative[:-1]):
                hits.append(candidate)
        elif relative == components:
            hits.append(candidate)
    hits.sort(key=lambda n: (-n.v_depth, n.v_full_name))
    return hits


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    """Whether ``needle`` appears in ``haystack`` in order (gaps allowed)."""
    it = iter(haystack)
    return all(any(part == item for item in it) for part in needle)


def _not_found(start: Any, components: list[str], max_depth: int | None) -> None:
    where = start.v_full_name or "the root"
    extra = f" within max_depth={max_depth}" if max_depth is not None else ""
    raise NodeNotFoundError(f"{'.'.join(components)!r} was not found below {where!r}{extra}.",
                            components, start._root._index)

