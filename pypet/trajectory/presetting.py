"""Presetting: values for parameters that a later ``f_add_parameter`` call creates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypet.errors import PresettingError

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["apply", "check_all_used", "preset"]


def preset(traj: Trajectory, branch: str, name: str, args: tuple, kwargs: dict) -> None:
    """Remember ``f_set(*args, **kwargs)`` for the leaf ``branch.name`` once it is added."""
    components = traj._translate(name)
    if components[:1] != [branch]:
        components.insert(0, branch)
    full_name = ".".join(components)
    if traj.f_contains(full_name, shortcuts=False):
        raise ValueError(
            f"{full_name!r} already exists; presetting is for items added later. "
            "Change the existing one with f_set (after f_unlock if locked)."
        )
    traj._presets[full_name] = (args, kwargs)


def apply(traj: Trajectory, leaf: Any) -> None:
    """Apply (and forget) the preset of a freshly added leaf, if there is one."""
    entry = traj._presets.pop(leaf.v_full_name, None)
    if entry is not None:
        args, kwargs = entry
        leaf.f_set(*args, **kwargs)


def check_all_used(traj: Trajectory) -> None:
    """Raise :class:`PresettingError` if a preset item was never added."""
    if traj._presets:
        raise PresettingError(
            f"These items were preset but never added: {sorted(traj._presets)}. "
            "Check the names in f_preset_parameter/f_preset_config."
        )
