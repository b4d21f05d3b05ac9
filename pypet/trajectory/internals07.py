"""pypet 0.7's private names on the Trajectory that scripts (and pypet's own tests) read.

They cost nothing: read-only views of our state under the old names, and the old way to
turn a trajectory into a single run. New code should use the public API instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Pypet07Internals"]


class Pypet07Internals:
    """Mixin of the Trajectory: pypet 0.7's private attribute names, read-only."""

    @property
    def _linked_by(self) -> dict[str, set[tuple[str, str]]]:
        """Full name of each linked node -> the (group, link name) pairs pointing at it."""
        return self._links_to  # type: ignore[attr-defined]

    @property
    def _explored_parameters(self) -> dict[str, Any]:
        """Explored parameters by full name (``None`` when not loaded)."""
        return self.f_get_explored_parameters()  # type: ignore[attr-defined]

    @property
    def _parameters(self) -> dict[str, Any]:
        return self.f_get_parameters()  # type: ignore[attr-defined]

    @property
    def _config(self) -> dict[str, Any]:
        return self.f_get_config()  # type: ignore[attr-defined]

    @property
    def _derived_parameters(self) -> dict[str, Any]:
        return self.f_get_derived_parameters()  # type: ignore[attr-defined]

    @property
    def _results(self) -> dict[str, Any]:
        return self.f_get_results()  # type: ignore[attr-defined]

    def _make_single_run(self) -> Any:
        """Turn the trajectory into a single run at the current index (pypet 0.7's way;
        use ``f_start_run`` instead)."""
        from pypet.trajectory.single_run import SingleRun

        SingleRun(self, self._idx, self._environment_hexsha or "",  # type: ignore[attr-defined]
                  automatic_store=False).begin()
        return self
