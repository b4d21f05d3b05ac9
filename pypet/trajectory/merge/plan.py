"""Planning a merge: do the trajectories fit, which runs are kept, how the parameters grow.

Nothing here changes either trajectory. :func:`plan_merge` compares the parameters (and the
derived parameters outside runs) of both trajectories, in RAM, and returns a
:class:`MergePlan`: which runs of the other trajectory are merged (duplicates dropped by
point hash: one set look-up per run instead of pypet's comparison of every pair), the values
every parameter that varies gets appended, and how names inside runs are renamed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pypet.storage.merging import RunRenamer
from pypet.tree.names import is_run_name, is_set_name, run_name, set_name

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["MergePlan", "is_run_scoped", "plan_merge"]

_log = logging.getLogger("pypet.merge")


@dataclass
class MergePlan:
    """The outcome of :func:`plan_merge` (see the module docstring).

    ``append`` maps the full name of every parameter that is explored after the merge to the
    values the merged runs add; ``unexplored`` lists those of them that are not explored yet
    in the target (they get their default for the target's existing runs). ``renamer`` maps
    the other trajectory's run-scoped names to the target's.
    """

    start: int
    used: np.ndarray
    renamer: RunRenamer
    append: dict[str, list] = field(default_factory=dict)
    unexplored: list[str] = field(default_factory=list)
    trial_parameter: str | None = None
    duplicates: int = 0
    #: derived parameters under ``run_ALL`` whose value differs: copied to the first merged
    #: run (``(other name, target name)``) and linked from the others (LinkRecords), as pypet
    copies: list[tuple[str, str]] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Length of the target after the merge."""
        return self.start + len(self.used)


def is_run_scoped(full_name: str, *trajs: Trajectory) -> bool:
    """Whether a name lies inside a numbered run (or a user wildcard's run name)."""
    parts = full_name.split(".")
    if any(part.startswith("run_") and not part.endswith("_ALL")
           and (is_run_name(part) or is_set_name(part)) for part in parts):
        return True
    return any(part in _custom_names(traj) for traj in trajs for part in parts)


def _custom_names(traj: Trajectory) -> frozenset[str]:
    """Names that user wildcard functions give runs of ``traj`` (cached per length)."""
    cache = traj.__dict__.get("_merge_custom_names")
    if cache is not None and cache[0] == len(traj):
        return cache[1]
    names: set[str] = set()
    for _keys, function in _custom_functions(traj):
        names.update(function(idx) for idx in range(len(traj)))
    found = frozenset(names)
    traj.__dict__["_merge_custom_names"] = (len(traj), found)
    return found


def _custom_functions(traj: Trajectory) -> list[tuple[tuple[str, ...], Any]]:
    return [(keys, f) for keys, f in traj._wildcards.items() if f not in (run_name, set_name)]


def _comparable(traj: Trajectory, ignore: frozenset[str], other: Trajectory
                ) -> dict[str, Any]:
    """Parameters and derived parameters outside runs, by full name (ignored ones left out)."""
    found = {}
    for branch in ("parameters", "derived_parameters"):
        for name, leaf in traj._branch_dict(branch, False, True).items():
            if name in ignore or is_run_scoped(name, traj, other) or "run_ALL" in name.split("."):
                continue
            found[name] = leaf
    return found


def check_compatible(traj: Trajectory, other: Trajectory, ignore: frozenset[str]
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Raise TypeError unless both trajectories live in the same space; return their
    comparable parameters ``(mine, others)``."""
    from pypet.trajectory.trajectory import Trajectory

    if not isinstance(other, Trajectory):
        raise TypeError(f"Only trajectories can be merged, not {type(other).__name__}.")
    mine_w = {tuple(k) for k in traj.f_get_wildcards()}
    other_w = {tuple(k) for k in other.f_get_wildcards()}
    if mine_w != other_w:
        raise TypeError(
            f"The trajectories use different wildcards ({sorted(mine_w)} and "
            f"{sorted(other_w)}); give both the same wildcard_functions."
        )
    mine, others = _comparable(traj, ignore, other), _comparable(other, ignore, traj)
    only = sorted(set(mine) ^ set(others))
    if only:
        raise TypeError(
            f"The trajectories do not live in the same space: {only} exist in only one of "
            "them. Add them to both, or leave them out with ignore_data=[...]."
        )
    for name, param in mine.items():
        other_param = others[name]
        if param.f_is_empty() or other_param.f_is_empty():
            raise TypeError(f"{name!r} is empty in one of the trajectories; cannot compare it.")
        if not param._values_of_same_type(param.f_get_default(), other_param.f_get_default()):
            raise TypeError(
                f"{name!r} holds values of different types: "
                f"{type(param.f_get_default()).__name__} here and "
                f"{type(other_param.f_get_default()).__name__} in {other.v_name!r}."
            )
    return mine, others


def _column(param: Any, length: int) -> list:
    """The parameter's value in each of ``length`` runs."""
    if param.f_has_range():
        return param.f_get_range(copy=False)
    return [param.f_get_default()] * length


def plan_merge(traj: Trajectory, other: Trajectory, trial_parameter: str | None = None,
               remove_duplicates: bool = False, ignore: frozenset[str] = frozenset()
               ) -> MergePlan:
    """Plan merging ``other`` into ``traj`` (see the module docstring)."""
    mine, others = check_compatible(traj, other, ignore)
    start, length = len(traj), len(other)
    trial = None
    if trial_parameter is not None:
        trial = traj.f_get(trial_parameter, fast_access=False).v_full_name
        if trial not in mine:
            raise TypeError(f"The trial parameter {trial_parameter!r} is not a parameter.")
        if remove_duplicates:
            _log.warning("A trial parameter makes every merged run new; remove_duplicates is "
                         "not applied.")
            remove_duplicates = False
    varying = [name for name in mine if name == trial or mine[name].f_has_range()
               or others[name].f_has_range()
               or not mine[name]._equal_values(mine[name].f_get_default(),
                                                others[name].f_get_default())]
    constant_differs = any(not mine[n].f_has_range() and not others[n].f_has_range()
                           for n in varying if n != trial)
    used = np.arange(length, dtype=np.int64)
    if remove_duplicates and not constant_differs:
        used = _new_points(varying, mine, others, start, length)
        if not len(used):
            raise ValueError(
                f"Every point of {other.v_name!r} is in {traj.v_name!r} already: with "
                "remove_duplicates=True nothing would be merged (merging a trajectory with "
                "itself?)."
            )
    plan = MergePlan(start, used, RunRenamer(used, start, _custom_renames(traj, other, used, start)),
                     trial_parameter=trial, duplicates=length - len(used))
    take = used.tolist() if len(used) < length else None
    for name in varying:
        values = _column(others[name], length)
        if take is not None:
            values = [values[i] for i in take]
        if name == trial:
            values = _shifted_trials(name, _column(mine[name], start), values)
        plan.append[name] = values
        if not mine[name].f_has_range():
            plan.unexplored.append(name)
    _differing_run_all(traj, other, plan, ignore)
    return plan


def _differing_run_all(traj: Trajectory, other: Trajectory, plan: MergePlan,
                       ignore: frozenset[str]) -> None:
    """Derived parameters under ``run_ALL`` that both have with different values: the
    other's value goes to the first merged run, the other merged runs link to it."""
    from pypet.storage.records import LinkRecord
    from pypet.tree import edit

    dummy = other.f_wildcard("$", -1)
    for name, param in other._branch_dict("derived_parameters", False, True).items():
        parts = name.split(".")
        if dummy not in parts or name in ignore or is_run_scoped(name, other):
            continue
        mine = edit._lookup_exact(traj, name)
        if mine is None or mine.f_is_empty() or param.f_is_empty() or (
                mine._equal_values(mine.f_get(), param.f_get())
                and not (mine.f_has_range() or param.f_has_range())):
            continue
        pos = parts.index(dummy)
        renamed = [parts[:pos] + [traj.f_wildcard("$", plan.start + k)] + parts[pos + 1:]
                   for k in range(len(plan.used))]
        first = ".".join(renamed[0])
        plan.copies.append((name, first))
        plan.links += [LinkRecord(".".join(p[:-1]), p[-1], first) for p in renamed[1:]]


def _new_points(varying: list[str], mine: dict[str, Any], others: dict[str, Any], start: int,
                length: int) -> np.ndarray:
    """Indices of ``other``'s runs whose point (values of ``varying``) ``traj`` lacks."""
    from pypet.hashing import hash_points

    if not varying:  # nothing varies: every point of other equals every point of traj
        return np.zeros(0, dtype=np.int64)
    try:
        known = set(hash_points({n: _column(mine[n], start) for n in varying}))
        new = hash_points({n: _column(others[n], length) for n in varying})
    except TypeError as error:  # values without a stable hash: compare pairs (pypet's way)
        _log.warning("Looking for duplicates by comparing every pair of points, as some "
                     "values have no stable hash (%s); this takes O(N1*N2).", error)
        return _new_points_pairwise(varying, mine, others, start, length)
    return np.array([i for i, digest in enumerate(new) if digest not in known], dtype=np.int64)


def _new_points_pairwise(varying: list[str], mine: dict[str, Any], others: dict[str, Any],
                         start: int, length: int) -> np.ndarray:
    mine_cols = [_column(mine[n], start) for n in varying]
    other_cols = [_column(others[n], length) for n in varying]
    params = [mine[n] for n in varying]
    keep = []
    for i in range(length):
        point = [col[i] for col in other_cols]
        if not any(all(p._equal_values(col[j], v) for p, col, v in
                       zip(params, mine_cols, point, strict=True)) for j in range(start)):
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def _shifted_trials(name: str, mine: list, others: list) -> list:
    """The other trajectory's trial numbers, moved behind this one's (0..T1, then T1+1...)."""
    for label, values in (("this", mine), ("the other", others)):
        found = set(values)
        if not all(type(v) is int for v in found) or found != set(range(max(found) + 1)):
            raise TypeError(
                f"The trial parameter {name!r} must hold the integers 0..T in {label} "
                f"trajectory, but holds {sorted(found, key=repr)[:10]}."
            )
    offset = max(mine) + 1
    return [v + offset for v in others]


def _custom_renames(traj: Trajectory, other: Trajectory, used: np.ndarray,
                    start: int) -> dict[str, str | None]:
    """Old -> new names of user wildcards (runs not merged -> None)."""
    renames: dict[str, str | None] = {}
    functions = dict(_custom_functions(traj))
    for keys, other_function in _custom_functions(other):
        function = functions.get(keys, other_function)
        for pos, old in enumerate(used.tolist()):
            renames.setdefault(other_function(old), function(start + pos))
        for idx in range(len(other)):
            renames.setdefault(other_function(idx), None)
        renames.pop(other_function(-1), None)  # the dummy keeps its name
    return renames
