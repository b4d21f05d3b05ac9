"""What an experiment runner needs from a trajectory beyond its ``f_``/``v_`` methods.

The Environment's runners (:mod:`pypet.execution`) use these functions instead of the
trajectory's private state: recording outcomes, choosing the runs still to do, taking over
run information from storage, and the bookkeeping around an experiment.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pypet.trajectory.run_table import RunTable

if TYPE_CHECKING:
    from pypet.storage.records import RunInfo, RunOutcome
    from pypet.trajectory.trajectory import Trajectory

__all__ = [
    "adopt_run_information",
    "explored_ranges",
    "pending_runs",
    "prepare_experiment",
    "record_outcome",
    "record_outcomes",
    "run_information",
    "wildcard_entries",
]


def prepare_experiment(traj: Trajectory) -> None:
    """Check every preset was used; lock all non-empty (derived) parameters (as pypet)."""
    traj._prepare_experiment()


def record_outcome(traj: Trajectory, outcome: RunOutcome) -> None:
    """Record a run's outcome in the run table (start, finish, completed, failure)."""
    traj._run_table.record(outcome)


def record_outcomes(traj: Trajectory, outcomes: Sequence[RunOutcome]) -> None:
    """:func:`record_outcome` for a batch of outcomes."""
    traj._run_table.record_many(outcomes)


def pending_runs(traj: Trajectory, start: int = 0,
                 only_failed: bool = False) -> Sequence[int]:
    """Indices from ``start`` on that are not completed (``only_failed``: that failed).

    A ``range`` when they are consecutive (a fresh sweep: no list of a million ints).
    """
    table = traj._run_table
    column = table.failed if only_failed else table.completed == 0
    found = np.flatnonzero(column[start:]) + start
    if len(found) and found[-1] - found[0] + 1 == len(found):
        return range(int(found[0]), int(found[-1]) + 1)
    return found.tolist()


def run_information(traj: Trajectory) -> RunInfo:
    """The run information of every run (completed, timing, failures)."""
    return traj._run_table.as_info()


def adopt_run_information(traj: Trajectory, info: RunInfo) -> None:
    """Take over run information (e.g. loaded from storage), fitted to ``len(traj)``."""
    table = RunTable.from_info(len(info.completed), info)
    table.resize(len(traj))
    traj._run_table = table


def explored_ranges(traj: Trajectory) -> dict[str, list]:
    """``{full name: range}`` of the explored parameters whose range is in memory."""
    return {name: param.f_get_range(copy=False)
            for name, param in traj.f_get_explored_parameters().items()
            if param is not None and param.f_has_range()}


def wildcard_entries(traj: Trajectory) -> dict[str, Any]:
    """pypet records every wildcard function: its wildcards, name, doc and source."""
    entries: dict[str, Any] = {}
    for pos, (names, function) in enumerate(traj._wildcards.items()):
        base = f"wildcards.function_{pos}"
        for number, name in enumerate(names):
            entries[f"{base}.wildcard_{number}"] = name
        entries[f"{base}.name"] = getattr(function, "__name__", repr(function))
        entries[f"{base}.doc"] = inspect.getdoc(function) or ""
        try:
            entries[f"{base}.source"] = source_of(function)
        except (OSError, TypeError):  # built-ins and interactively defined functions
            pass
    return entries


def source_of(function: Any) -> str:
    """``inspect.getsource(function)``; for pypet's own top-level functions (the default
    wildcards, recorded by every experiment) found with ``ast`` instead, which spares a fresh
    process tokenize's start-up (a tenth of a small experiment's run)."""
    code = getattr(function, "__code__", None)
    if code is not None and str(getattr(function, "__module__", "")).startswith("pypet."):
        import ast
        import linecache

        lines = linecache.getlines(code.co_filename)
        for node in ast.parse("".join(lines)).body:
            if isinstance(node, ast.FunctionDef) and node.name == function.__name__ and \
                    not node.decorator_list and node.lineno == code.co_firstlineno and \
                    node.end_lineno is not None:
                return "".join(lines[node.lineno - 1:node.end_lineno])
    return inspect.getsource(function)
