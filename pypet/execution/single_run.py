"""One single run in the current process: run view in, :class:`RunOutcome` out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pypet.log.workers import run_logging
from pypet.storage.records import LinkRecord, RunOutcome, group_record, leaf_record
from pypet.trajectory.copying import remove_nodes
from pypet.trajectory.runs import set_crun

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["run_one"]


def run_one(traj: Trajectory, idx: int, func: Callable[..., Any], args: tuple, kwargs: dict,
            hexsha: str, store: bool = True, clean_up: bool = True,
            restore: bool = True) -> RunOutcome:
    """Run ``func(traj, *args, **kwargs)`` as run ``idx`` and return what it produced.

    Items the run added (and did not store itself) become records of the outcome. With
    ``clean_up`` they are removed from the tree afterwards so memory stays flat.
    An exception propagates with a note naming the run. ``restore=False`` leaves the run
    view set (a caller running many runs restores the defaults once at the end).
    """
    traj._run_added = []
    set_crun(traj, idx)
    traj._is_run = True
    start = time.time()
    try:
        with run_logging(idx, traj):  # per-run log files ($run in a file name)
            value = func(traj, *args, **kwargs)
    except BaseException as error:
        error.add_note(f"pypet: raised in run {idx} (run_{idx:08d}).")
        traj._is_run = False
        # what the failed run added must not be stored later as if it were a result
        remove_nodes(traj, [n for n in traj._run_added if not n._stored])
        traj._run_added = []
        raise
    finally:
        traj._is_run = False
        added, traj._run_added = traj._run_added, []
    finish = time.time()
    leaves, groups, links = [], [], []
    # A worker whose storing is deferred to the writer sends the items the run "stored"
    # itself along too; without automatic storing only those. Elsewhere a stored item is
    # in the file already and only the unstored ones travel (automatic storing).
    deferred = getattr(traj._storage_service, "defers", False)
    if store or deferred:
        for node in added:
            travels = (store or node._stored) if deferred else not node._stored
            if not travels:
                continue
            if node._is_leaf:
                leaves.append(leaf_record(node))
            else:
                groups.append(group_record(node))
                for name, target in node._links.items():
                    links.append(LinkRecord(node._full_name, name, target._full_name))
    outcome = RunOutcome(idx, value, start, finish, True, hexsha, tuple(leaves), tuple(groups),
                         tuple(links))
    if clean_up:
        remove_nodes(traj, added)
    if restore:
        traj.f_restore_default()
    return outcome
