"""One single run of a trajectory, from entering it to its :class:`RunOutcome`.

Every way of running — the Environment's runners in any process, ``@manual_run``,
``f_start_run``/``f_finalize_run``, a user's own pool under ``MultiprocContext`` — goes
through :class:`SingleRun`::

    run = SingleRun(traj, idx, hexsha)
    outcome = run.execute(func, args, kwargs)   # never raises an Exception of func

While a run is active, ``traj.v_single_run`` is the run: the trajectory reports every node
added to it (:meth:`SingleRun.node_added`), and ``traj.f_store()`` stores (or, for a worker
whose writing is left to one writer, records) only those nodes (:meth:`SingleRun.store_added`).
Leaving turns the added nodes into records of a picklable outcome.

The common add, ``traj.f_add_result(name, *values)`` at the root or on ``traj.results``, is
kept cheap: the result is built as usual but not placed in the tree
(:meth:`SingleRun.add_result`); it waits in the trajectory's ``_unplaced`` until someone
reads the tree (any look at a group's children places it, so natural naming, walks, links
and stores see it where it belongs) or the run ends, where its record is made straight
from it. A run nobody looks into thus never creates (and removes) its run group.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.results.base import PYTHON_SCALARS
from pypet.results.result import Result
from pypet.storage.modes import StoreMode
from pypet.storage.records import (
    GroupRecord,
    LeafRecord,
    LinkRecord,
    RunFailure,
    RunOutcome,
)
from pypet.trajectory.copying import remove_nodes
from pypet.trajectory.runs import set_crun
from pypet.trajectory.to_records import group_record, leaf_record
from pypet.tree.names import BRANCHES, PLAIN_NAMES, is_run_name, run_name

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory
    from pypet.tree.node import NNTreeNode

__all__ = ["SingleRun"]

Records = tuple[list[LeafRecord], list[GroupRecord], list[LinkRecord]]

#: names a Result item must not have (its API)
_RESULT_API = frozenset(dir(Result))

_RUN_NAME = C.FORMATTED_RUN_NAME  # run_name() for a run of the sweep (idx >= 0)
_RUNS_PREFIX = "results.runs."

#: the (immutable) records of the result groups above a run group, shared by every run
_BRANCH_GROUPS = {name: GroupRecord(name, "", "", None) for name in ("results", "results.runs")}


def _records(nodes: Iterable[NNTreeNode]) -> Records:
    """Leaf, group and link records of ``nodes`` (a group brings its links)."""
    leaves, groups, links = [], [], []
    for node in nodes:
        if node._is_leaf:
            leaves.append(leaf_record(node))
        else:
            groups.append(group_record(node))
            for name, target in node._links.items():
                links.append(LinkRecord(node._full_name, name, target._full_name))
    return leaves, groups, links


def _plain_values(nodes: list[NNTreeNode]) -> tuple[dict[str, Any] | None,
                                                    list[NNTreeNode]]:
    """``{name: value}`` of the unstored results that are plain (see
    :attr:`RunOutcome.plain`), and the other unstored nodes."""
    plain: dict[str, Any] = {}
    others = []
    for node in nodes:
        if node._stored:
            continue
        # still as add_result made it: nobody changed its comment, annotations or items
        if type(node) is Result and not node._comment and node._annotations is None:
            items, name = node._items, node._name
            if len(items) == 1 and type(items.get(name, node)) in PYTHON_SCALARS:
                plain[name] = items[name]
                continue
        others.append(node)
    return plain or None, others


class SingleRun:
    """Run ``idx`` of ``traj``: the explored point fixed, added nodes collected.

    Parameters
    ----------
    traj : Trajectory
        The trajectory (in a worker: the worker's copy).
    idx : int
        The run index.
    hexsha : str
        The environment's hexsha, recorded in the run table.
    automatic_store : bool
        The outcome carries every added node that is not stored yet (pypet's
        ``automatic_storing``). Without it, only what the run stored itself travels.
    defer_stores : bool
        ``traj.f_store()`` inside the run writes nothing: the nodes become records at that
        moment and travel with the outcome. For workers whose writing is left to one
        writer, and for resumable experiments (the journal then holds everything).
    clean_up : bool
        Remove the added nodes from the tree when the run ends (memory stays flat).
    restore : bool
        Set the trajectory back to its default point when the run ends.
    turns_into_run : bool
        Make the trajectory a run (``v_is_run``; names get ``runs.run_XXXXXXXX``); pypet's
        ``f_start_run(turn_into_run=False)`` only fixes the point.
    """

    __slots__ = ("traj", "idx", "hexsha", "automatic_store", "defer_stores", "clean_up",
                 "restore", "turns_into_run", "start", "_added", "_deferred", "_buffering",
                 "_run_group", "_new_groups")

    def __init__(self, traj: Trajectory, idx: int, hexsha: str = "", *,
                 automatic_store: bool = True, defer_stores: bool = False,
                 clean_up: bool = True, restore: bool = True,
                 turns_into_run: bool = True) -> None:
        self.traj, self.idx, self.hexsha = traj, int(idx), hexsha
        self.automatic_store, self.defer_stores = automatic_store, defer_stores
        self.clean_up, self.restore, self.turns_into_run = clean_up, restore, turns_into_run
        self.start = float("nan")
        self._added: list[NNTreeNode] = []
        self._deferred: Records | None = None  # made when the run first defers a store
        #: results may stay unplaced (add_result); off once the run placed anything
        self._buffering = turns_into_run
        self._run_group = ""  # "results.runs.<run>", once add_result kept a result
        #: records of the groups above the run group that placing the results would create
        self._new_groups: tuple[GroupRecord, ...] = ()

    def __repr__(self) -> str:
        return f"<SingleRun {run_name(self.idx)} of {self.traj.v_name!r}>"

    def again(self, idx: int) -> SingleRun:
        """This run object, with the same settings, made ready for run ``idx``.

        A runner going through many runs in one process needs one object, not one per run
        (constructing one costs as much as a tenth of a tiny run).
        """
        if self.traj._run is self:
            raise RuntimeError(f"{self!r} is still active; end it before run {idx}.")
        self.idx = idx
        self.start = float("nan")
        self._added = []
        self._deferred = None
        self._buffering = self.turns_into_run
        self._run_group = ""
        self._new_groups = ()
        return self

    # --- the trajectory's hooks -------------------------------------------------------------
    def node_added(self, node: NNTreeNode) -> None:
        """Called by the trajectory for every node added while the run is active."""
        self._buffering = False  # the tree changed: later results go the usual way
        if self.turns_into_run and not (self.traj._placing and node._is_leaf):
            self._added.append(node)  # (a placed leaf is in the list since add_result)

    def add_result(self, start: NNTreeNode, args: tuple, kwargs: dict[str, Any]) -> Any:
        """``f_add_result(name, *values, **items)`` of the run, kept out of the tree.

        Returns the new result, or None where the usual way must add it: another call form,
        a dotted, shortcut or wildcard name, a name not validated before, presets, a run
        group that exists already, or a run that has changed the tree.
        """
        traj = self.traj
        if not self._buffering or not args or \
                (start is not traj and start._full_name != "results"):
            return None
        name = args[0]
        if type(name) is not str or name in traj._unplaced or traj._presets or \
                not traj.v_auto_run_prepend or \
                (name not in traj._plain_names and not self._plain(name)):
            return None
        group = self._run_group or self._prepare_buffer()
        if not group:
            return None
        cls = traj.v_standard_result
        if cls is Result and len(args) == 2 and not kwargs and \
                type(args[1]) in PYTHON_SCALARS and name not in _RESULT_API:
            node = Result._of_value(f"{group}.{name}", name, args[1])  # the usual add
        elif cls is None or getattr(cls, "KNOWS_TRAJECTORY", False):
            return None
        else:
            node = cls(f"{group}.{name}", *args[1:], **kwargs)
        traj._unplaced[name] = node
        self._added.append(node)
        return node

    def _plain(self, name: str) -> bool:
        """Whether ``name`` is a valid name that adds exactly a child of that name."""
        traj = self.traj
        known = traj._plain_names
        if name in known:
            return True
        # validated once: a name the tree's checks accepted (without a warning) before; a
        # branch name at the root means the branch itself (f_add_result('results', ...))
        if name not in PLAIN_NAMES or name in BRANCHES or traj._translate(name) != [name] \
                or is_run_name(name) or name in traj._reserved_names:
            return False
        if len(known) < 10_000:
            known.add(name)
        return True

    def _prepare_buffer(self) -> str:
        """Find the groups placing this run's results would create ("" if that cannot be)."""
        traj = self.traj
        crun = _RUN_NAME % self.idx
        known = traj._run_places
        if known is not None and known[0] == traj._tree_version:  # the tree as last time
            runs = known[2]
            if runs is None or (crun not in runs.__dict__["_children"] and
                                crun not in runs._links):
                self._new_groups = known[1]
                self._run_group = group = _RUNS_PREFIX + crun
                return group
        results = traj.__dict__["_children"].get("results")  # read without placing
        new: tuple[str, ...] = ()
        runs = None
        if results is None:
            new = ("results", "results.runs")
        else:
            runs = results.__dict__["_children"].get("runs")
            if runs is None:
                new = ("results.runs",)
                free = "runs" not in results._links
            else:
                free = not runs._is_leaf and crun not in runs.__dict__["_children"] and \
                    crun not in runs._links
            if not free:
                self._buffering = False
                return ""
        self._run_group = _RUNS_PREFIX + crun
        self._new_groups = tuple(_BRANCH_GROUPS[name] for name in new)
        # the same for every run until the tree changes (but for the run's own group)
        traj._run_places = (traj._tree_version, self._new_groups, runs)
        return self._run_group

    @property
    def added(self) -> tuple[NNTreeNode, ...]:
        """The nodes added so far."""
        return tuple(self._added)

    def store_added(self, store_data: StoreMode = StoreMode.DATA) -> None:
        """``traj.f_store()`` inside the run: store (or defer) the added, unstored nodes."""
        if self.traj._unplaced:
            self.traj._place_unplaced()  # stored nodes get their groups, as always
        nodes = [node for node in self._added if not node._stored]
        if not nodes:
            return
        if self.defer_stores:
            if self._deferred is None:
                self._deferred = ([], [], [])
            for mine, more in zip(self._deferred, _records(nodes), strict=True):
                mine.extend(more)  # type: ignore[attr-defined]
        else:
            from pypet.trajectory.persistence import records_of, service_of

            service_of(self.traj).store_records(self.traj.v_name, records_of(nodes),
                                                store_data)
        for node in nodes:
            node._stored = True

    # --- the lifecycle --------------------------------------------------------------------------
    def begin(self) -> SingleRun:
        """Fix the explored point and start collecting; the trajectory is in the run now."""
        traj = self.traj
        active = traj._run
        if active is not None:
            raise RuntimeError(
                f"{active!r} is still active; finish it (f_finalize_run) before starting "
                f"run {self.idx}."
            )
        idx = self.idx
        state = traj.__dict__  # plain writes: a group routes attribute writes via __setattr__
        if 0 <= idx < len(state["_run_table"]):  # the explored point in O(explored parameters)
            state["_idx"] = idx
            for param in state["_explored"].values():
                param._set_parameter_access(idx)
        else:
            set_crun(traj, idx)  # raises the usual error (or, for -1, sets the defaults)
        state["_run"] = self
        self.start = time.time()
        return self

    def end(self, value: Any = None, error: BaseException | None = None,
            clean_up: bool | None = None, completed: bool = True) -> RunOutcome:
        """Leave the run; return its outcome (with ``error``, the run failed).

        What a failed run added and did not store is removed, so that it is never stored
        later as if it were a result; its deferred records are dropped.
        """
        traj = self.traj
        finish = time.time()
        clean_up = self.clean_up if clean_up is None else clean_up
        if traj._unplaced and not (clean_up or error is not None):
            traj._place_unplaced()  # the results stay in the tree after the run
        if traj._run is self:
            traj.__dict__["_run"] = None
        if traj._unplaced:
            return self._end_unplaced(finish, value, error, completed)
        added, self._added = self._added, []
        deferred, self._deferred = self._deferred, None
        if error is not None:
            remove_nodes(traj, [node for node in added if not node._stored])
            outcome = RunOutcome(self.idx, None, self.start, finish, False, self.hexsha,
                                 error=RunFailure.capture(error))
        elif not added and deferred is None:  # a run that added nothing
            outcome = RunOutcome(self.idx, value, self.start, finish, completed, self.hexsha)
        else:
            unstored = [n for n in added if not n._stored] if self.automatic_store else []
            leaves, groups, links = _records(unstored)
            if deferred is not None:  # what the run stored itself comes first
                leaves, groups, links = (deferred[0] + leaves, deferred[1] + groups,
                                         deferred[2] + links)
            outcome = RunOutcome(self.idx, value, self.start, finish, completed, self.hexsha,
                                 tuple(leaves), tuple(groups), tuple(links))
            if clean_up:
                remove_nodes(traj, added)
        if self.restore:
            traj.f_restore_default()
        return outcome

    def _end_unplaced(self, finish: float, value: Any, error: BaseException | None,
                      completed: bool) -> RunOutcome:
        """:meth:`end` for a run whose results were never placed: records made from them."""
        traj = self.traj
        traj._unplaced.clear()
        added, self._added = self._added, []
        if error is not None:
            outcome = RunOutcome(self.idx, None, self.start, finish, False, self.hexsha,
                                 error=RunFailure.capture(error))
        elif self.automatic_store:
            plain, others = _plain_values(added)
            if others:  # the records of the groups the tree would have made, as it would
                groups = (*self._new_groups, GroupRecord(self._run_group, "", "", None))
                leaves = tuple([leaf_record(node) for node in others])
            else:  # plain results imply their groups (bare)
                groups, leaves = (), ()
            outcome = RunOutcome(self.idx, value, self.start, finish, completed, self.hexsha,
                                 leaves, groups, (), None, plain)
        else:
            outcome = RunOutcome(self.idx, value, self.start, finish, completed, self.hexsha)
        if self.restore:
            traj.f_restore_default()
        return outcome

    def execute(self, func: Callable[..., Any], args: tuple = (),
                kwargs: dict[str, Any] | None = None) -> RunOutcome:
        """Run ``func(traj, *args, **kwargs)`` as this run.

        An ``Exception`` of ``func`` ends up in the outcome's ``error`` (with a note naming
        the run); ``KeyboardInterrupt`` and ``SystemExit`` leave the run and propagate.
        """
        self.begin()
        try:
            value = func(self.traj, *args, **(kwargs or {}))
        except Exception as error:
            error.add_note(f"pypet: raised in run {self.idx} ({run_name(self.idx)}).")
            return self.end(error=error)
        except BaseException as error:
            self.end(error=error)
            raise
        return self.end(value)
