"""Tree nodes become storage records; a group's kind travels as data, not as a class table."""

from __future__ import annotations

import h5py

from pypet import Trajectory
from pypet.trajectory.groups import ResultGroup
from pypet.trajectory.to_records import group_record, leaf_record


class TaggedGroup(ResultGroup):
    """A group class of the user's own."""


def test_standard_groups_and_the_root_name_no_class():
    """The trajectory and the standard group of each branch are recorded with class_name ''."""
    traj = Trajectory("records")
    traj.f_add_parameter("physics.x", 1)
    traj.f_add_result_group("plain")
    assert group_record(traj).class_name == ""
    assert group_record(traj.f_get("parameters.physics")).class_name == ""
    assert group_record(traj.f_get("results.plain")).class_name == ""
    assert leaf_record(traj.f_get("parameters.physics.x")).class_name == "Parameter"


def test_a_users_group_class_is_named_and_comes_back(tmp_path):
    """Another group class is recorded by name and loads as that class."""
    filename = str(tmp_path / "groups.hdf5")
    traj = Trajectory("records", filename=filename, dynamic_imports=[TaggedGroup])
    traj.f_add_result_group(TaggedGroup, "tagged")
    assert group_record(traj.f_get("results.tagged")).class_name == "TaggedGroup"
    traj.f_store()
    with h5py.File(filename, "r") as h5:
        assert "pypet_group" not in h5["records"].attrs  # the trajectory names no class
        assert h5["records/results/tagged"].attrs["pypet_group"] == b"TaggedGroup"
    loaded = Trajectory(filename=filename, dynamic_imports=[TaggedGroup])
    loaded.f_load(name="records", load_data=2)
    assert type(loaded.f_get("results.tagged")) is TaggedGroup
