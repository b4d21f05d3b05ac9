"""Small, picklable records that cross the boundary between the tree and a storage backend.

A backend never sees tree objects while writing: the trajectory turns nodes into records
(:func:`leaf_record`, :func:`group_record`), so a record can also travel from a worker
process to the one writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "GroupRecord",
    "LeafRecord",
    "LinkRecord",
    "RunOutcome",
    "TrajectoryImage",
    "group_record",
    "leaf_record",
]


@dataclass(frozen=True, slots=True)
class LeafRecord:
    """One leaf: its place, class, comment, annotations and the ``_store()`` dict."""

    full_name: str
    class_name: str
    comment: str
    annotations: dict[str, Any] | None
    data: dict[str, Any]
    is_parameter: bool = False
    flags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """One group: its place, class name, comment and annotations."""

    full_name: str
    class_name: str
    comment: str
    annotations: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A link ``group_full_name.name`` pointing at ``target_full_name``."""

    group_full_name: str
    name: str
    target_full_name: str

    @property
    def full_name(self) -> str:
        return f"{self.group_full_name}.{self.name}" if self.group_full_name else self.name


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one run produced: its return value, run info and the items it added."""

    idx: int
    value: Any
    start: float
    finish: float
    completed: bool
    hexsha: str = ""
    leaves: tuple[LeafRecord, ...] = ()
    groups: tuple[GroupRecord, ...] = ()
    links: tuple[LinkRecord, ...] = ()


def _annotations(node: Any) -> dict[str, Any] | None:
    ann = node._annotations
    return None if ann is None or not len(ann) else ann.f_to_dict(copy=True)


def leaf_record(leaf: Any) -> LeafRecord:
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


def group_record(group: Any) -> GroupRecord:
    """Turn a group into a :class:`GroupRecord`."""
    return GroupRecord(group._full_name, type(group).__name__, group._comment, _annotations(group))


@dataclass(slots=True)
class TrajectoryImage:
    """Everything a backend needs to store a trajectory, without the tree objects.

    ``records`` is an iterable of group/leaf/link records, parents before children.
    ``explored`` holds the ranges in memory; ``explored_names`` every explored parameter
    (also those not loaded); ``changed`` the records of explored parameters whose range
    changed since the last store (always rewritten, even by a skeleton store);
    ``run_info`` is None when the run information was not loaded (it is then left alone).
    """

    name: str
    meta: dict[str, Any]
    length: int
    explored: dict[str, list]
    run_info: dict[str, Any] | None
    records: Any = ()
    is_new: bool = False
    explored_names: list[str] = field(default_factory=list)
    changed: list[LeafRecord] = field(default_factory=list)
