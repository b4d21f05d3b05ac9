"""f_backup, f_migrate and compact_hdf5_file."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pypet import Trajectory, compact_hdf5_file


def stored(tmp_path, name="t"):
    traj = Trajectory(name, filename=str(tmp_path / "main.hdf5"))
    traj.f_add_parameter("x", 1.5, comment="kept")
    traj.f_add_result("big", np.random.default_rng(0).random(200_000))  # incompressible
    traj.f_add_result("small", 3)
    traj.f_store()
    return traj


def test_backup_copies_the_trajectory(tmp_path):
    """f_backup writes backup_<name>.hdf5 next to the file; a second backup is refused."""
    traj = stored(tmp_path)
    path = traj.f_backup()
    assert path == str(tmp_path / "backup_t.hdf5")
    copy = Trajectory(filename=path)
    copy.f_load(name="t", load_data=2)
    assert copy.x == 1.5 and copy.small == 3 and copy.f_get("x").v_comment == "kept"
    with pytest.raises(ValueError, match="already holds"):
        traj.f_backup()


def test_migrate_renames_and_moves(tmp_path):
    """f_migrate to a new name and file; the next f_store writes everything there."""
    traj = stored(tmp_path)
    traj.f_migrate(new_name="moved", filename=str(tmp_path / "new.hdf5"))
    traj.f_store()
    other = Trajectory(filename=str(tmp_path / "new.hdf5"))
    other.f_load(name="moved", load_data=2)
    assert other.small == 3 and other.v_name == "moved"


def test_compact_gives_back_deleted_space(tmp_path):
    """After deleting a big result, compact_hdf5_file shrinks the file; data survives."""
    traj = stored(tmp_path)
    traj.f_add_result("later", np.ones(1000))  # written after "big", so "big" leaves a hole
    traj.f_store_item("later")
    traj.f_delete_item("big")
    filename = str(tmp_path / "main.hdf5")
    before = os.path.getsize(filename)
    assert compact_hdf5_file(filename, name="t", keep_backup=False) == 0
    assert os.path.getsize(filename) < before / 2
    again = Trajectory(filename=filename)
    again.f_load(name="t", load_data=2)
    assert again.small == 3 and not again.f_contains("results.big")
