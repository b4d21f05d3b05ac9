"""The run view: setting the current run, iterating runs, finding and collecting per run."""

from __future__ import annotations

import copy as _copy
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.errors import NotUniqueNodeError
from pypet.tree.names import is_run_name, run_name
from pypet.tree.search import is_subsequence

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = [
    "find_idx",
    "get_from_runs",
    "idx_to_run",
    "iter_runs",
    "parameter_summary",
    "set_crun",
]


def idx_to_run(traj: Trajectory, name_or_idx: int | str) -> int | str:
    """Map a run index to its name and a run name to its index."""
    if isinstance(name_or_idx, str):
        if name_or_idx == C.RUN_NAME_DUMMY:
            return -1
        if not is_run_name(name_or_idx):
            raise ValueError(f"{name_or_idx!r} is not a run name like 'run_00000007'.")
        idx = int(name_or_idx[len(C.RUN_NAME):])
        _check_idx(traj, idx)
        return idx
    _check_idx(traj, int(name_or_idx))
    return run_name(int(name_or_idx))


def _check_idx(traj: Trajectory, idx: int) -> None:
    if idx != -1 and not 0 <= idx < len(traj):
        raise ValueError(f"Run index {idx} is out of range: the trajectory has {len(traj)} runs.")


def _as_idx(traj: Trajectory, name_or_idx: int | str | None) -> int:
    if name_or_idx is None:
        return -1
    if isinstance(name_or_idx, str):
        return idx_to_run(traj, name_or_idx)  # type: ignore[return-value]
    _check_idx(traj, int(name_or_idx))
    return int(name_or_idx)


def set_crun(traj: Trajectory, name_or_idx: int | str | None) -> None:
    """Make ``name_or_idx`` the current run (``None``, -1, ``'run_ALL'``: defaults back)."""
    idx = _as_idx(traj, name_or_idx)
    if idx == -1:
        traj.f_restore_default()
        return
    traj._idx = idx
    for param in traj._explored.values():
        param._set_parameter_access(idx)


def iter_runs(traj: Trajectory, start: int = 0, stop: int | None = None, step: int = 1,
              yields: str = "name") -> Iterator[Any]:
    """Set each run in turn and yield its name, index, the trajectory or a shallow copy."""
    if yields not in ("name", "idx", "self", "copy"):
        raise ValueError(f"yields must be 'name', 'idx', 'self' or 'copy', not {yields!r}.")
    stop = len(traj) if stop is None else min(stop, len(traj))
    try:
        for idx in range(start, stop, step):
            set_crun(traj, idx)
            if yields == "name":
                yield run_name(idx)
            elif yields == "idx":
                yield idx
            elif yields == "self":
                yield traj
            else:
                yield _copy.copy(traj)
    finally:
        traj.f_restore_default()


def _column(traj: Trajectory, name: str) -> list[Any]:
    """All values of one parameter over the runs (repeated default if not explored)."""
    param = traj.f_get(name, fast_access=False)
    if param.f_has_range():
        return param.f_get_range(copy=False)
    return [param.f_get()] * len(traj)


def find_idx(traj: Trajectory, name_list: str | list[str],
             predicate: Callable[..., bool]) -> Iterator[int]:
    """Yield the run indices where ``predicate(*values of name_list)`` is true."""
    names = [name_list] if isinstance(name_list, str) else list(name_list)
    columns = [_column(traj, name) for name in names]
    for idx, values in enumerate(zip(*columns, strict=True)):
        if predicate(*values):
            yield idx


def parameter_summary(traj: Trajectory, idx: int) -> str:
    """Return ``"x: 1, y: 2.0"`` for run ``idx`` (full names when short names clash)."""
    params = list(traj._explored.values())
    short = [p.v_name for p in params]
    names = short if len(set(short)) == len(short) else [p.v_full_name for p in params]
    parts = []
    for name, param in zip(names, params, strict=True):
        value = param.f_get_range(copy=False)[idx] if idx >= 0 else param.f_get_default()
        parts.append(f"{name}: {value!r}")
    return ", ".join(parts)


def _named(traj: Trajectory, name: str, with_links: bool) -> list[tuple[str, Any]]:
    """``(full name, node)`` of every node called ``name``, and of links called so."""
    found = list((traj._indexed(name) or {}).items())
    if with_links and traj._link_count:
        for target_name, sources in traj._links_to.items():
            target = None
            for parent_name, link_name in sources:
                if link_name == name:
                    if target is None:
                        target = traj.f_get(target_name, shortcuts=False)
                    found.append((f"{parent_name}.{link_name}" if parent_name else link_name,
                                  target))
    return found


def get_from_runs(traj: Trajectory, name: str, include_default_run: bool = True,
                  use_indices: bool = False, fast_access: bool = False, with_links: bool = True,
                  shortcuts: bool = True, max_depth: int | None = None,
                  auto_load: bool = False) -> OrderedDict:
    """Collect the item ``name`` of every run: an ordered ``{run name or idx: item}``.

    Two hits inside one run raise :class:`NotUniqueNodeError` (pypet swallowed this).
    """
    components = traj._translate(name)
    hits: dict[str, Any] = {}
    for full_name, node in _named(traj, components[-1], with_links):
        parts = full_name.split(".")
        run_pos = next((i for i, p in enumerate(parts) if is_run_name(p)), None)
        if run_pos is None:
            continue
        run = parts[run_pos]
        if run == C.RUN_NAME_DUMMY and not include_default_run:
            continue
        rest = parts[run_pos + 1:]
        if max_depth is not None and len(rest) > max_depth:
            continue
        if rest != components and not (shortcuts and is_subsequence(components[:-1], rest[:-1])):
            continue
        if run in hits and hits[run] is not node:
            raise NotUniqueNodeError(
                f"{name!r} was found more than once in {run}: {hits[run].v_full_name!r} and "
                f"{full_name!r}. Use a longer name."
            )
        hits[run] = node
    if auto_load:  # fill empty leaves (e.g. a skeleton load) in one storage call
        empty = [node for node in hits.values() if node.v_is_leaf and node.f_is_empty()]
        if empty:
            traj.f_load_items(empty)
    default = hits.pop(C.RUN_NAME_DUMMY, None)
    if default is not None:
        # as pypet: a run without its own item gets the default run's (run_ALL) item
        runs_in_order = [run_name(i) for i in range(len(traj))]
    else:
        runs_in_order = sorted(hits)
    result: OrderedDict = OrderedDict()
    for run in runs_in_order:
        node = hits.get(run, default)
        if node is None:
            continue
        if fast_access and node.v_is_leaf and node.f_supports_fast_access():
            node = node.f_get()
        result[int(run[len(C.RUN_NAME):]) if use_indices else run] = node
    return result
