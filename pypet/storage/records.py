"""Small, picklable records that cross the boundary between the tree and a storage backend.

A backend never sees tree objects while writing: the trajectory turns nodes into records
(:mod:`pypet.trajectory.to_records`), so a record can also travel from a worker process to
the one writer.

Records are values: nobody changes one after it is made (new ones come from
``dataclasses.replace``), and some are shared (the records of the branch groups above every
run). The per-run ones (leaf, group, link, outcome) are plain slotted dataclasses rather
than frozen ones: a frozen dataclass sets each field through ``object.__setattr__`` and is
built five times slower, several times in every run.
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields, replace
from operator import attrgetter
from typing import Any, TypeVar

import numpy as np

from pypet.runnames import run_name

__all__ = [
    "GroupRecord",
    "LeafRecord",
    "LinkRecord",
    "RunFailure",
    "RunInfo",
    "Record",
    "RunOutcome",
    "TrajectoryImage",
    "plain_leaf",
]


_R = TypeVar("_R")

#: where the runs of :attr:`RunOutcome.plain` results have their groups
PLAIN_RUN_GROUPS = "results.runs"


def _pickled_as_tuple(cls: type[_R]) -> type[_R]:
    """Pickle instances of a frozen dataclass as ``cls(*fields)``.

    Every finished run's outcome is pickled (for the resume journal, or from a worker to the
    writer); the dataclass default (a state dict set field by field) costs several times more.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    get = attrgetter(*names)
    #: the fields that came later (with defaults): absent from older pickles
    defaults = {f.name: f.default for f in fields(cls)  # type: ignore[arg-type]
                if f.default is not MISSING}

    def __reduce__(self: Any) -> tuple[type, tuple]:
        return type(self), get(self)

    def __setstate__(self: Any, state: Any) -> None:
        # pickles of these records when they were frozen dataclasses (e.g. a resume journal
        # written by an earlier 0.8.0.dev0): their state is the field values in order, maybe
        # without the fields added since (which take their defaults)
        values = dict(state) if isinstance(state, dict) else \
            dict(zip(names[:len(state)], state, strict=True))
        for name in names:
            object.__setattr__(self, name, values[name] if name in values else defaults[name])

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


@_pickled_as_tuple
@dataclass(slots=True)
class LeafRecord:
    """One leaf: its place, class, comment, annotations and the ``_store()`` dict."""

    full_name: str
    class_name: str
    comment: str
    annotations: dict[str, Any] | None
    data: dict[str, Any]
    is_parameter: bool = False
    flags: dict[str, str] = field(default_factory=dict)


@_pickled_as_tuple
@dataclass(slots=True)
class GroupRecord:
    """One group: its place, class name, comment and annotations.

    ``class_name`` is empty for the standard group of the branch (loading recreates it from
    the branch); it names the class of any other group.
    """

    full_name: str
    class_name: str
    comment: str
    annotations: dict[str, Any] | None


@_pickled_as_tuple
@dataclass(slots=True)
class LinkRecord:
    """A link ``group_full_name.name`` pointing at ``target_full_name``."""

    group_full_name: str
    name: str
    target_full_name: str

    @property
    def full_name(self) -> str:
        return f"{self.group_full_name}.{self.name}" if self.group_full_name else self.name


#: what a store takes: groups, leaves and links (parents before children, links last)
Record = GroupRecord | LeafRecord | LinkRecord


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class RunFailure:
    """Why a run failed: the exception's type, message and traceback (and the exception).

    ``exception`` is the original object while it can travel (it is dropped by
    :meth:`portable` when it does not pickle); the texts always travel.
    """

    type_name: str
    message: str
    traceback: str
    exception: BaseException | None = None

    @classmethod
    def capture(cls, error: BaseException) -> RunFailure:
        """Record ``error`` (call inside the ``except`` block, while its traceback lives)."""
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return cls(type(error).__qualname__, str(error), text, error)

    def portable(self) -> RunFailure:
        """This failure as it can cross a process boundary (without an unpicklable error)."""
        if self.exception is None:
            return self
        try:
            pickle.dumps(self.exception)
        except Exception:  # pickling raises many types; any of them means "cannot travel"
            return replace(self, exception=None)
        return self

    @property
    def summary(self) -> str:
        """``"KeyError: 'bad run'"``."""
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


@_pickled_as_tuple
@dataclass(slots=True)
class RunOutcome:
    """What one run produced: its return value, run info, the items it added, its error.

    ``completed`` is False for a run that failed (``error`` then says why) or that was
    finished by hand as not completed.

    ``plain`` holds what most runs add, in a form that costs a dict entry per result:
    ``{name: value}`` of results ``results.runs.<run>.<name>`` that are a standard
    :class:`~pypet.results.result.Result` with one item of that name, no comment and no
    annotations. Such a result is the same as the leaf record of :meth:`expanded`; it
    implies its groups (``results``, ``results.runs`` and the run's group, bare: a store
    creates them if they are missing and leaves them as they are otherwise), so ``groups``
    need not list them.
    """

    idx: int
    value: Any
    start: float
    finish: float
    completed: bool
    hexsha: str = ""
    leaves: tuple[LeafRecord, ...] = ()
    groups: tuple[GroupRecord, ...] = ()
    links: tuple[LinkRecord, ...] = ()
    error: RunFailure | None = None
    plain: dict[str, Any] | None = None

    def without_data(self) -> RunOutcome:
        """The outcome without its items (after they were written elsewhere)."""
        return replace(self, leaves=(), groups=(), links=(), plain=None)

    def expanded(self) -> RunOutcome:
        """The same outcome with its :attr:`plain` results as leaf and group records."""
        if not self.plain:
            return self
        group = f"{PLAIN_RUN_GROUPS}.{run_name(self.idx)}"
        leaves = tuple(plain_leaf(self.idx, name, value) for name, value in self.plain.items())
        listed = {g.full_name for g in self.groups}
        implied = tuple(GroupRecord(name, "", "", None)
                        for name in ("results", PLAIN_RUN_GROUPS, group) if name not in listed)
        # parents first: the implied groups above the run's, then the listed ones
        return replace(self, leaves=self.leaves + leaves, groups=implied + self.groups,
                       plain=None)

    def portable(self) -> RunOutcome:
        """The outcome as it can cross a process boundary (see :meth:`RunFailure.portable`)."""
        if self.error is None:
            return self
        return replace(self, error=self.error.portable())


def plain_leaf(idx: int, name: str, value: Any) -> LeafRecord:
    """The leaf record of run ``idx``'s plain result ``name`` (see :attr:`RunOutcome.plain`):
    a standard Result ``results.runs.<run>.<name>`` holding the one item ``name``."""
    return LeafRecord(f"{PLAIN_RUN_GROUPS}.{run_name(idx)}.{name}", "Result", "", None,
                      {name: value})


@dataclass(slots=True)
class RunInfo:
    """The run-information columns of a trajectory, one row per run.

    ``errors`` maps the index of a failed run to ``(summary, traceback)``.
    """

    completed: np.ndarray  #: int8, 1 = completed
    start: np.ndarray  #: float64 POSIX time, NaN = never started
    finish: np.ndarray  #: float64 POSIX time
    hexsha: np.ndarray  #: the environment's short hexsha per run (bytes, ``S7``)
    failed: np.ndarray  #: int8, 1 = the last attempt raised
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class TrajectoryImage:
    """Everything a backend needs to store a trajectory, without the tree objects.

    ``records`` is an iterable of group/leaf/link records, parents before children.
    ``explored`` holds the ranges in memory; ``explored_names`` every explored parameter
    (also those not loaded); ``changed`` the records of explored parameters whose range
    changed since the last store (always rewritten, even by a skeleton store), and
    ``ranges_changed`` whether any range changed (or was set) since the last store;
    ``run_info`` is None when the run information was not loaded (it is then left alone).
    """

    name: str
    meta: dict[str, Any]
    length: int
    explored: dict[str, list]
    run_info: RunInfo | None
    records: Iterable[Record] = ()
    is_new: bool = False
    explored_names: list[str] = field(default_factory=list)
    changed: list[LeafRecord] = field(default_factory=list)
    ranges_changed: bool = True
