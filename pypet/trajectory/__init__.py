"""The Trajectory and its typed groups (also pypet 0.7's module path ``pypet.trajectory``)."""

from pypet.trajectory.groups import (
    ConfigGroup,
    DerivedParameterGroup,
    ParameterGroup,
    ResultGroup,
)
from pypet.trajectory.storage_api import load_trajectory
from pypet.trajectory.trajectory import Trajectory

__all__ = ["ConfigGroup", "DerivedParameterGroup", "ParameterGroup", "ResultGroup", "Trajectory",
           "load_trajectory"]
