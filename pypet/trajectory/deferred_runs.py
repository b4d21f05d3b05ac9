"""Run results known from storage, made into tree nodes on first access.

Loading a trajectory with a million runs must not build a million result nodes that
nobody may look at. For a run-scoped leaf kept in the run table, the storage reports it
once (:meth:`~pypet.storage.service.LoadSink.run_leaves`): its name with ``$`` for the run
(``results.runs.$.z``), its class and comment, and the runs that have it. This module keeps
that as numpy arrays and makes the nodes of one run when the tree first touches that run
(``traj.results.runs.run_00000042.z``, ``traj.crun.z``), and all of them when something
lists or searches every run (walks, ``f_get_from_runs``, shortcut search for ``z``). The
tree calls the hooks of :class:`~pypet.tree.deferred.DeferredNodes` for this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pypet import constants as C
from pypet.runnames import is_run_name, is_set_name, run_name, set_name
from pypet.storage.records import LeafRecord

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory
    from pypet.tree.group import NNGroupNode

__all__ = ["DeferredRunLeaves"]

_RUN_PREFIX = C.RUN_NAME  # "run_"


@dataclass
class _Template:
    """One run-scoped leaf: where it lives, what it is, which runs have it."""

    parts: list[str]  # the full name split at dots, "$" / "$set" for the run / its set
    class_name: str
    comment: str
    mode: int  # the load mode it came with
    present: np.ndarray  # bool per run index

    def full_name(self, idx: int) -> str:
        return ".".join(run_name(idx) if p == "$" else set_name(idx) if p == "$set" else p
                        for p in self.parts)


class DeferredRunLeaves:
    """The deferred run results of one trajectory (its ``_deferred``)."""

    def __init__(self, traj: Trajectory) -> None:
        self._traj = traj
        self._templates: dict[str, _Template] = {}
        self._made = np.zeros(0, dtype=bool)  # runs whose nodes exist
        self._containers: set[str] = set()  # full names of the groups holding the runs
        self._inner: set[str] = set()  # names inside a run (leaves and groups)

    # --- filling -------------------------------------------------------------------------
    def add(self, template: str, class_name: str, comment: str, rows: np.ndarray,
            mode: int) -> None:
        """Register the leaf ``template`` (``$`` for the run) of every run in ``rows``."""
        if not len(rows):
            return
        parts = template.split(".")
        run_pos = parts.index("$")
        size = int(rows.max()) + 1 if len(rows) else 0
        present = np.zeros(max(size, len(self._made)), dtype=bool)
        present[rows] = True
        old = self._templates.get(template)
        if old is not None:  # loaded again: the union of what both loads found
            present[:len(old.present)] |= old.present[:len(present)]
        self._templates[template] = _Template(parts, class_name, comment, mode, present)
        if len(present) > len(self._made):
            self._made = np.concatenate(
                [self._made, np.zeros(len(present) - len(self._made), dtype=bool)])
        first = run_pos - 1 if run_pos and parts[run_pos - 1] == "$set" else run_pos
        self._containers.add(".".join(parts[:first]))
        self._inner.update(parts[run_pos + 1:])
        traj = self._traj
        # the groups above the runs exist at once (``traj.results.runs`` after a load)
        container = ".".join(parts[:first])
        from pypet.trajectory.loader import TreeLoader

        loader = TreeLoader(traj)
        loader.ensure_groups(container)
        for idx in np.flatnonzero(self._made[:len(present)] & present).tolist():
            self._make(loader, self._templates[template], idx)  # runs made before this load

    # --- the hooks of pypet.tree.deferred.DeferredNodes ---------------------------------
    def before_child(self, name: str) -> None:
        if name.startswith(_RUN_PREFIX):
            self._make_named(name)

    def before_name(self, name: str) -> None:
        if name.startswith(_RUN_PREFIX):
            self._make_named(name)
        elif name in self._inner:
            self.make_all()

    def before_walk(self, group: NNGroupNode, recursive: bool) -> None:
        full_name = group._full_name
        for container in self._containers:
            if full_name == container or (recursive and (
                    not full_name or container.startswith(full_name + "."))):
                self.make_all()
                return
        if full_name.startswith(tuple(c + "." for c in self._containers if c)):
            for part in full_name.split("."):
                self._make_named(part)

    def before_remove(self, full_name: str, recursive: bool) -> None:
        above = [c for c in self._containers
                 if c == full_name or c.startswith(full_name + ".")]
        if not above:
            for part in full_name.split("."):
                self._make_named(part)
            return
        if not recursive:  # the tree must see the children that forbid the removal
            self.make_all()
            return
        for template in [t for t, tpl in self._templates.items()
                         if ".".join(tpl.parts).startswith(full_name + ".")]:
            del self._templates[template]  # removed from memory before ever being made
        self._containers.difference_update(above)
        self._finish_if_done()

    # --- making nodes ------------------------------------------------------------------------
    def _make_named(self, name: str) -> None:
        if is_run_name(name):
            if name != C.RUN_NAME_DUMMY:
                self.make_run(int(name[len(_RUN_PREFIX):]))
        elif is_set_name(name) and name != C.SET_NAME_DUMMY:
            first = int(name[len(C.SET_NAME):]) * C.RUNS_PER_SET
            for idx in range(first, min(first + C.RUNS_PER_SET, len(self._made))):
                self.make_run(idx)

    def make_run(self, idx: int) -> None:
        """Make the nodes of run ``idx`` (once)."""
        if idx >= len(self._made) or self._made[idx]:
            return
        self._made[idx] = True
        from pypet.trajectory.loader import TreeLoader

        loader = TreeLoader(self._traj)
        with self._outside_run():
            for template in self._templates.values():
                if idx < len(template.present) and template.present[idx]:
                    self._make(loader, template, idx)

    def make_all(self) -> None:
        """Make every deferred node; the trajectory then has none left."""
        from pypet.trajectory.loader import TreeLoader

        todo = ~self._made
        self._made[:] = True
        self._traj._deferred = None  # the tree is complete from here on
        loader = TreeLoader(self._traj)
        with self._outside_run():
            for template in self._templates.values():
                rows = np.flatnonzero(template.present & todo[:len(template.present)])
                for idx in rows.tolist():
                    self._make(loader, template, idx)

    def forget_runs(self, first: int) -> None:
        """Drop runs ``first, first+1, ...`` that were never made (``f_shrink``)."""
        for template in self._templates.values():
            template.present[first:] = False
        self._made[first:] = True

    @staticmethod
    def _make(loader: Any, template: _Template, idx: int) -> None:
        loader.node(LeafRecord(template.full_name(idx), template.class_name, template.comment,
                               None, {}), template.mode)

    def _finish_if_done(self) -> None:
        if not self._templates or bool(self._made.all()):
            self._traj._deferred = None

    def _outside_run(self) -> Any:
        """Nodes made here come from storage: a current run must not collect them."""
        return _NoRun(self._traj)


class _NoRun:
    def __init__(self, traj: Trajectory) -> None:
        self._traj = traj
        self._run: Any = None

    def __enter__(self) -> None:
        self._run, self._traj._run = self._traj._run, None

    def __exit__(self, *exc: object) -> None:
        self._traj._run = self._run
