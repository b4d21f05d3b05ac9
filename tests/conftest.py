"""Shared fixtures."""

from __future__ import annotations

import pytest

from pypet import Trajectory, cartesian_product


@pytest.fixture
def traj() -> Trajectory:
    """A small trajectory with parameters in groups and an explored 2x2 grid."""
    t = Trajectory("test_traj", comment="for tests")
    t.f_add_parameter("x", 1.0, comment="first")
    t.f_add_parameter("y", 2.0)
    t.f_add_parameter("sim.dt", 0.1)
    t.f_add_parameter("sim.name", "euler")
    t.f_add_config("seed", 42)
    t.f_explore(cartesian_product({"x": [1.0, 2.0], "y": [3.0, 4.0]}))
    return t
