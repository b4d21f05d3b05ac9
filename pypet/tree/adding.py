"""Adding nodes by name, by instance, and by natural-naming assignment.

pypet accepts several call forms (``(instance)``, ``(name, *args)``, ``(Class, name, *args)``,
``name=``/``full_name=``); they are parsed here once for every ``f_add_*`` method.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from pypet.tree import edit
from pypet.tree.names import check_name, is_run_name
from pypet.tree.node import NNLeafNode, NNTreeNode

if TYPE_CHECKING:
    from pypet.tree.group import NNGroupNode

__all__ = ["add_group", "add_leaf", "assign", "new_path"]

#: Branches whose items get ``runs.<current run>`` prepended when added during a run.
RUN_SCOPED_BRANCHES = ("results", "derived_parameters")


def new_path(start: NNGroupNode, name: str, branch: str | None) -> list[str]:
    """Return the components (relative to ``start``) of a node to add as ``name``.

    Translates shortcuts and wildcards, puts the branch in front when adding at the root,
    and, during a run, ``runs.<crun>`` in front of results and derived parameters.
    """
    root = start._root
    components = root._translate(name)
    if not components:
        raise ValueError("A new item needs a name; got an empty name.")
    at_root = start is root
    if at_root and branch is not None and components[0] != branch:
        components.insert(0, branch)
    target_branch = components[0] if at_root else start.v_branch
    if (
        root.v_is_run
        and root.v_auto_run_prepend
        and target_branch in RUN_SCOPED_BRANCHES
        and not any(is_run_name(c) for c in components)
        and not any(is_run_name(c) for c in start._full_name.split("."))
    ):
        crun = root._run_name()
        depth = start.v_depth
        if depth == 0:
            components[1:1] = ["runs", crun]
        elif depth == 1:
            components[0:0] = ["runs", crun]
        elif depth == 2 and start.v_name == "runs":
            components.insert(0, crun)
    return components


def _split_args(args: tuple, kwargs: dict) -> tuple[Any, Any, str, tuple, dict]:
    """Parse ``(instance)`` | ``(Class, name, ...)`` | ``(name, ...)`` | ``name=``."""
    kwargs = dict(kwargs)
    if args and isinstance(args[0], NNTreeNode):
        if len(args) > 1 or kwargs:
            raise TypeError("When adding an instance, pass no further arguments.")
        return args[0], None, args[0].v_full_name, (), {}
    cls = None
    if args and isinstance(args[0], type):
        cls, args = args[0], args[1:]
    if args:
        name, args = args[0], args[1:]
    elif "name" in kwargs:
        name = kwargs.pop("name")
    elif "full_name" in kwargs:
        name = kwargs.pop("full_name")
    else:  # a ValueError as in pypet 0.7: the arguments lack something
        raise ValueError("Adding an item needs a name (first argument, or name=...).")
    if not isinstance(name, str):
        raise TypeError(f"The name of a new item must be a string, not {type(name).__name__}.")
    return None, cls, name, args, kwargs


def _place(start: NNGroupNode, components: list[str], branch: str | None) -> tuple[Any, str]:
    """Create the groups on the way and return ``(parent group, new child name)``."""
    root = start._root
    target_branch = components[0] if start is root else start.v_branch
    root._before_add(target_branch)
    factory = root._group_factory(target_branch)
    parent = edit.ensure_groups(start, components[:-1], factory, root._reserved_names)
    return parent, components[-1]


def _existing(parent: Any, name: str) -> Any:
    existing = parent._children.get(name)
    if existing is None and name not in parent._links:
        return None
    full = f"{parent._full_name}.{name}" if parent._full_name else name
    if parent._root.v_no_clobber:
        warnings.warn(f"{full!r} already exists and v_no_clobber is set; nothing was added.",
                      stacklevel=4)
        return existing if existing is not None else parent._links[name]
    raise AttributeError(f"{full!r} already exists; remove it first or use a different name.")


def add_leaf(start: NNGroupNode, args: tuple, kwargs: dict, branch: str | None,
             default_class: type | None = None) -> Any:
    """Add a leaf below ``start`` from pypet's argument forms and return it."""
    root = start._root
    instance, cls, name, args, kwargs = _split_args(args, kwargs)
    components = new_path(start, name, branch)
    parent, child_name = _place(start, components, branch)
    check_name(child_name, root._reserved_names)
    existing = _existing(parent, child_name)
    if existing is not None:
        return existing
    if instance is None:
        if cls is None:
            cls = default_class or root._leaf_class(parent.v_branch or components[0])
        full_name = f"{parent._full_name}.{child_name}" if parent._full_name else child_name
        if getattr(cls, "KNOWS_TRAJECTORY", False):
            instance = cls(full_name, root, *args, **kwargs)
        else:
            instance = cls(full_name, *args, **kwargs)
    elif not isinstance(instance, NNLeafNode):
        raise TypeError(f"{instance!r} is a group; use the f_add_*_group methods for groups.")
    return edit.insert_child(parent, child_name, instance)


def add_group(start: NNGroupNode, args: tuple, kwargs: dict, branch: str | None) -> Any:
    """Add a group below ``start``: ``(name, comment='')`` or ``(group instance)``."""
    root = start._root
    instance, cls, name, args, kwargs = _split_args(args, kwargs)
    components = new_path(start, name, branch)
    parent, child_name = _place(start, components, branch)
    check_name(child_name, root._reserved_names)
    expected = root._group_factory_class(parent.v_branch or components[0])
    if instance is not None and not root._fits_branch(instance, expected):
        raise TypeError(
            f"A {type(instance).__name__} cannot be added to the "
            f"{parent.v_branch or components[0]!r} branch; it needs a {expected.__name__}."
        )
    if instance is not None and instance._is_leaf:
        raise TypeError(f"{instance!r} is a leaf; use the f_add_* leaf methods for leaves.")
    existing = _existing(parent, child_name)
    if existing is not None:
        return existing
    if instance is None:
        instance = (cls or expected)("", *args, **kwargs)
    return edit.insert_child(parent, child_name, instance)


def assign(group: NNGroupNode, key: str, value: Any) -> None:
    """Natural-naming assignment ``group.key = value``.

    * a node already in the tree → a link named ``key``;
    * a new leaf or group → added as ``key`` (an empty name is renamed to ``key``; a name
      ``key.sub.name`` adds it below a group ``key``; any other name is an error);
    * a plain value → ``f_set`` on the existing parameter, or on a result that supports
      fast access; with ``v_lazy_adding``, a new leaf ``key`` built from the value.
    """
    root = group._root
    if isinstance(value, NNTreeNode):
        if value._full_name and edit._lookup_exact(root, value._full_name) is value:
            group.f_add_link(key, value)
            return
        name = value._full_name
        if not name:
            value._set_full_name(key)
        elif name != key and not name.startswith(key + "."):
            raise AttributeError(
                f"The name of the new item {name!r} does not match the key {key!r}: give it "
                f"the name {key!r} (or '' to take the key's), or a name starting with "
                f"'{key}.'."
            )
        if value._is_leaf:
            add_leaf(group, (value,), {}, branch=None)
        else:
            add_group(group, (value,), {}, branch=None)
        return
    components = root._translate(key)
    try:
        node = root._get(group, key, False, True, root.v_shortcuts, root.v_max_depth, False)
    except AttributeError:
        node = None
    if root.v_lazy_adding and (node is None or len(components) > 1 or not node._is_leaf):
        args = value if isinstance(value, tuple) else (value,)
        add_leaf(group, (key, *args), {}, branch=None)
        return
    if node is None:
        raise AttributeError(
            f"{key!r} does not exist below {group.v_full_name or 'the root'!r}. Add new items "
            f"with f_add_parameter/f_add_result, or assign a Parameter/Result instance."
        )
    if root.v_lazy_adding:
        raise AttributeError(
            f"{node.v_full_name!r} already exists; with v_lazy_adding=True assignment adds new "
            "items. Set v_lazy_adding=False to change values."
        )
    if not node._is_leaf:
        raise AttributeError(f"{node.v_full_name!r} is a group; a plain value cannot be assigned.")
    if node.v_is_parameter or node.f_supports_fast_access() or node.f_is_empty():
        node.f_set(value)
        return
    raise AttributeError(
        f"Cannot assign a plain value to result {node.v_full_name!r}: it does not hold exactly "
        f"one item named {node.v_name!r}; use f_set_single(item name, value) on it."
    )
