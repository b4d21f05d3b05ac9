"""Tree nodes turned into storage records (the trajectory's side of the storage boundary).

A backend only sees these records. What kind of group a node is travels as data: the
record names a group's class only when it is not the standard group of its branch, so no
backend keeps a table of the tree's class names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.storage.records import GroupRecord, LeafRecord
from pypet.trajectory.groups import (
    ConfigGroup,
    DerivedParameterGroup,
    ParameterGroup,
    ResultGroup,
)
from pypet.tree.group import NNGroupNode

if TYPE_CHECKING:
    from pypet.tree.node import NNLeafNode, NNTreeNode

__all__ = ["STANDARD_GROUPS", "group_record", "leaf_record"]

#: group classes that loading recreates from the branch alone (recorded as ``class_name=""``)
STANDARD_GROUPS: frozenset[type] = frozenset(
    {NNGroupNode, ParameterGroup, DerivedParameterGroup, ConfigGroup, ResultGroup})


def _annotations(node: NNTreeNode) -> dict[str, Any] | None:
    ann = node._annotations
    return None if ann is None or not len(ann) else ann.f_to_dict(copy=True)


def leaf_record(leaf: NNLeafNode) -> LeafRecord:
    """Turn a leaf into a :class:`LeafRecord` (calls its ``_store()``)."""
    return LeafRecord(
        leaf._full_name,
        type(leaf).__name__,
        leaf._comment,
        _annotations(leaf),
        leaf._store(),
        leaf._is_parameter,
        leaf._store_flags() or {},
    )


def group_record(group: NNGroupNode) -> GroupRecord:
    """Turn a group into a :class:`GroupRecord` (``class_name`` empty for a standard group)."""
    cls = type(group)
    standard = cls in STANDARD_GROUPS or not group._full_name  # the root is the trajectory
    return GroupRecord(group._full_name, "" if standard else cls.__name__, group._comment,
                       _annotations(group))
