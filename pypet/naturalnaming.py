"""pypet 0.7's module of the tree classes: ``from pypet.naturalnaming import NNGroupNode``.

Only re-exports (pypet 0.7 printed group classes under this module's name).
"""

from __future__ import annotations

from pypet.trajectory.groups import (
    ConfigGroup,
    DerivedParameterGroup,
    ParameterGroup,
    ResultGroup,
)
from pypet.tree.group import NNGroupNode
from pypet.tree.node import KnowsTrajectory, NNLeafNode, NNTreeNode

__all__ = [
    "ConfigGroup",
    "DerivedParameterGroup",
    "KnowsTrajectory",
    "NNGroupNode",
    "NNLeafNode",
    "NNTreeNode",
    "ParameterGroup",
    "ResultGroup",
]
