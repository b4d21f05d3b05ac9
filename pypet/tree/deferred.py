"""What the tree asks of nodes that exist in storage but not yet in memory.

A trajectory loaded from a file with a million runs knows every run's result leaves
(``results.runs.run_00000042.z``) but makes them into nodes only when someone looks at
them. The tree calls these hooks before it reads its own dicts, so every lookup, walk and
removal sees the same tree as if all nodes had been made at load time. The trajectory
implements them (:mod:`pypet.trajectory.deferred_runs`); a plain tree has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pypet.tree.group import NNGroupNode

__all__ = ["DeferredNodes"]


class DeferredNodes(Protocol):
    """Hooks that make deferred nodes before the tree reads the structures they belong in."""

    def before_child(self, name: str) -> None:
        """A group is asked for its direct child ``name``."""

    def before_name(self, name: str) -> None:
        """The root's name index is asked for every node called ``name``."""

    def before_walk(self, group: NNGroupNode, recursive: bool) -> None:
        """The children of ``group`` (and, if ``recursive``, everything below) are listed."""

    def before_remove(self, full_name: str, recursive: bool) -> None:
        """The node ``full_name`` is about to be removed from memory."""
