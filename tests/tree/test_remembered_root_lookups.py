"""``traj.name`` is remembered under the name alone: every change that could alter what it
finds (the tree, a lookup setting, a result added in the run) must be seen."""

from __future__ import annotations

import pytest

from pypet import Trajectory
from pypet.parameters.parameter import Parameter
from pypet.trajectory.single_run import SingleRun


@pytest.fixture
def traj() -> Trajectory:
    traj = Trajectory("lookups")
    traj.f_add_parameter("x", 1.0)
    traj.f_add_parameter("sub.y", 2)
    traj.f_explore({"x": [1.0, 2.0, 3.0]})
    return traj


def test_a_repeated_read_follows_the_explored_point(traj):
    """The remembered lookup reads the parameter's current value, not the first one."""
    seen = []
    for idx in range(3):
        run = SingleRun(traj, idx).begin()
        seen.append(traj.x)
        run.end()
    assert seen == [1.0, 2.0, 3.0]


def test_turning_off_fast_access_after_a_read_returns_the_node(traj):
    """Setting v_fast_access forgets what was read with the old setting."""
    assert traj.y == 2
    traj.v_fast_access = False
    assert isinstance(traj.y, Parameter)
    traj.v_fast_access = True
    assert traj.y == 2


def test_turning_off_shortcuts_after_a_read_makes_the_shortcut_fail(traj):
    """With v_shortcuts off, a name remembered as a shortcut is not found any more."""
    assert traj.y == 2
    traj.v_shortcuts = False
    with pytest.raises(AttributeError):
        traj.y  # noqa: B018
    traj.f_set_properties(shortcuts=True)
    assert traj.y == 2


def test_removing_a_remembered_node_makes_its_name_unknown(traj):
    """A change of the tree forgets the lookup."""
    assert traj.y == 2
    traj.f_remove_item("parameters.sub.y")
    with pytest.raises(AttributeError):
        traj.y  # noqa: B018


def test_a_second_node_of_the_same_name_makes_the_read_ambiguous(traj):
    """Adding another ``y`` elsewhere forgets the remembered shortcut (pypet then refuses
    the ambiguous name)."""
    assert traj.y == 2
    traj.f_add_parameter("other.y", 3)
    with pytest.raises(Exception, match="y"):
        traj.y  # noqa: B018


def test_a_result_added_in_the_run_under_a_remembered_name_is_found(traj):
    """A run's result (kept unplaced) named like a remembered node of another run wins, as
    in pypet: the tie between the two is narrowed to the current run."""
    traj.f_add_result("results.runs.run_00000002.z", 1)
    assert traj.z == 1  # remembered: the only z
    run = SingleRun(traj, 0).begin()
    traj.f_add_result("z", 5)
    assert traj.z == 5
    run.end()
    assert traj.z == 1


def test_private_and_api_names_still_raise_attribute_errors(traj):
    """Missing ``_x``/``f_x``/``v_x`` names are errors, not lookups."""
    for name in ("_nothing", "f_nothing", "v_nothing"):
        with pytest.raises(AttributeError):
            getattr(traj, name)
