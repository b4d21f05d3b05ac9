"""Exploration: giving parameters ranges (``f_explore``), extending (``f_expand``), shrinking.

All three are transactional: on any error every touched parameter is restored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["expand", "explore", "shrink"]


def _resolve(traj: Trajectory, build_dict: Mapping[str, Iterable]) -> list[tuple[Any, list]]:
    """Map each key to its parameter and materialise its values as a list."""
    if not isinstance(build_dict, Mapping) or not build_dict:
        raise TypeError(
            "Exploration needs a non-empty dict {parameter name: list of values}, "
            f"got {build_dict!r}."
        )
    pairs = []
    for key, values in build_dict.items():
        param = traj.f_get_default(key, None, fast_access=False, shortcuts=True)
        if param is None:
            raise AttributeError(
                f"Cannot explore {key!r}: the trajectory has no parameter of that name. Add it "
                f"first with traj.f_add_parameter({key!r}, <default value>), then explore it."
            )
        if param.v_is_group or not param.v_is_parameter or param.v_branch != "parameters":
            raise TypeError(
                f"{key!r} resolves to {param.v_full_name!r}, which is not a parameter; "
                "only items below 'parameters' can be explored."
            )
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(
                f"The values to explore for {param.v_full_name!r} must be a list or another "
                f"iterable of values, got {values!r}."
            )
        pairs.append((param, list(values)))
    lengths = {param.v_full_name: len(values) for param, values in pairs}
    if len(set(lengths.values())) != 1:
        raise ValueError(
            f"All explored ranges must have the same length, got {lengths}. "
            "Use cartesian_product() to combine ranges of different lengths."
        )
    if 0 in lengths.values():
        raise ValueError(f"Exploration ranges must not be empty: {lengths}.")
    return pairs


def explore(traj: Trajectory, build_dict: Mapping[str, Iterable]) -> None:
    """Give the parameters in ``build_dict`` ranges; ``len(traj)`` becomes their length."""
    if traj._run_table.n_completed():
        raise TypeError(
            "Runs of this trajectory are already completed; use f_expand to add points."
        )
    pairs = _resolve(traj, build_dict)
    length = len(pairs[0][1])
    if traj._explored and length != len(traj):
        raise ValueError(
            f"The trajectory is already explored with length {len(traj)}; new ranges must "
            f"have the same length, got {length}."
        )
    done: list[Any] = []
    try:
        for param, values in pairs:
            if param.f_has_range():
                raise TypeError(
                    f"{param.v_full_name!r} is already explored; use f_expand to add values."
                )
            param.f_unlock()
            param._explore(values)
            param.f_lock()
            done.append(param)
    except Exception:
        for param in done:
            param.f_unlock()
            param._shrink()
        raise
    for param in done:
        traj._explored[param.v_full_name] = param
        traj._ranges_changed.add(param.v_full_name)
    traj._run_table.resize(length)


def expand(traj: Trajectory, build_dict: Mapping[str, Iterable], fail_safe: bool = True,
           skip_explored: bool = False) -> int:
    """Append points to every explored parameter (the keys must be exactly those).

    A failure always rolls every parameter back; ``fail_safe`` is accepted for pypet's
    signature (pypet rolled back only with it). ``skip_explored`` leaves out the points the
    trajectory explores already (compared by :func:`pypet.hashing.point_hash`). Returns the
    number of points added.
    """
    if not traj._explored:
        explore(traj, build_dict)
        return len(traj)
    pairs = _resolve(traj, build_dict)
    given = {param.v_full_name for param, _ in pairs}
    if given != set(traj._explored):
        raise ValueError(
            "f_expand needs values for exactly the explored parameters "
            f"{sorted(traj._explored)}, got {sorted(given)}."
        )
    if skip_explored:
        pairs = _without_explored(traj, pairs)
        if not pairs[0][1]:
            return 0
    old_lengths = {param.v_full_name: param.f_get_range_length() for param, _ in pairs}
    done: list[Any] = []
    try:
        for param, values in pairs:
            param.f_unlock()
            param._expand(values)
            param.f_lock()
            done.append(param)
    except Exception:
        for param in done:
            old = param.f_get_range(copy=True)[: old_lengths[param.v_full_name]]
            param.f_unlock()
            param._shrink()
            param._explore(old)
            param.f_lock()
        raise
    traj._ranges_changed.update(traj._explored)
    traj._run_table.resize(len(traj) + len(pairs[0][1]))
    return len(pairs[0][1])


def _without_explored(traj: Trajectory, pairs: list[tuple[Any, list]]) -> list[tuple[Any, list]]:
    """``pairs`` without the points the trajectory explores already."""
    from pypet.hashing import hash_points

    missing = [name for name in traj._explored_names if name not in traj._explored]
    if missing:
        raise ValueError(
            f"skip_explored needs the ranges of every explored parameter, but {missing} are not "
            "loaded; load the trajectory with load_parameters=LOAD_DATA first."
        )
    known = set(hash_points({name: p.f_get_range(copy=False)
                             for name, p in traj._explored.items()}))
    new = hash_points({param.v_full_name: values for param, values in pairs})
    keep = [i for i, digest in enumerate(new) if digest not in known]
    return [(param, [values[i] for i in keep]) for param, values in pairs]


def shrink(traj: Trajectory, force: bool = False) -> None:
    """Drop every range and reset the trajectory to length 1."""
    if traj._stored and not force:
        raise TypeError(
            "The trajectory is already stored; shrinking it would make the file inconsistent. "
            "Pass force=True if you really want to."
        )
    if len(traj) > 1:
        _drop_runs(traj)
    for param in traj._explored.values():
        param.f_unlock()
        param._shrink()
    traj._ranges_changed.update(traj._explored)
    traj._explored.clear()
    traj._explored_names = []
    traj._run_table.resize(1)


def _drop_runs(traj: Trajectory) -> None:
    """Remove what runs 1, 2, ... hold in RAM; in the file it goes at the next store."""
    import logging

    from pypet.trajectory.copying import remove_nodes
    from pypet.trajectory.deferred_runs import DeferredRunLeaves
    from pypet.tree.names import run_name

    if isinstance(traj._deferred, DeferredRunLeaves):
        traj._deferred.forget_runs(1)  # never made, so nothing to remove
    dropped = [node for idx in range(1, len(traj))
               for node in (traj._index.get(run_name(idx)) or {}).values()]
    remove_nodes(traj, dropped)
    if traj._stored:
        logging.getLogger("pypet.trajectory").warning(
            "%s is stored with %d runs; after f_shrink(force=True) the next f_store removes "
            "the stored data of runs 1 to %d.", traj.v_name, len(traj), len(traj) - 1)
