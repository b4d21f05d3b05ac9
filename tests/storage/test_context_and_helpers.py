"""StorageContextManager, racedirs and retired keywords of the storage methods."""

from __future__ import annotations

import pytest

from pypet import StorageContextManager, Trajectory, racedirs


def test_storage_context_keeps_the_file_open(tmp_path):
    """Inside the context the service is open once for every call; afterwards closed."""
    traj = Trajectory("s", filename=str(tmp_path / "s.hdf5"))
    traj.f_add_parameter("x", 1)
    traj.f_store()
    with StorageContextManager(traj) as manager:
        assert traj.v_storage_service.is_open
        traj.f_add_result("r", 2)
        traj.f_store_item("r")
        manager.f_flush_store()
    assert not traj.v_storage_service.is_open
    loaded = Trajectory(filename=str(tmp_path / "s.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    assert loaded.r == 2


def test_racedirs_tolerates_existing_folders(tmp_path):
    """racedirs creates nested folders and accepts existing ones."""
    target = tmp_path / "a" / "b"
    racedirs(target)
    racedirs(target)
    assert target.is_dir()


def test_retired_keyword_of_delete_items(tmp_path):
    """remove_empty_groups is accepted (and ignored) with a DeprecationWarning."""
    traj = Trajectory("d", filename=str(tmp_path / "d.hdf5"))
    traj.f_add_result("r", 1)
    traj.f_store()
    with pytest.warns(DeprecationWarning, match="remove_empty_groups"):
        traj.f_delete_items(["r"], remove_empty_groups=True)
    with pytest.raises(ValueError, match="bogus"):
        traj.f_delete_items(["r"], bogus=True)
