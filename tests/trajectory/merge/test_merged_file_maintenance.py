"""Maintenance of stored (merged) trajectories: delete, shrink, copy, back up, migrate, compact."""

from __future__ import annotations

import logging

import pytest
from merge_helpers import load_all, make_study, points

from pypet import compact_hdf5_file, list_trajectories, load_trajectory


@pytest.fixture
def merged(tmp_path):
    """A file whose trajectory 'a' (4 runs) is 'a' (2 runs) merged with 'b' (2 runs)."""
    path = tmp_path / "merged.hdf5"
    a = make_study(path, "a")
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [5.0, 6.0], "y": [7.0, 8.0]})
    a.f_merge(b, backup=False)
    return path


def test_deleting_results_of_merged_runs(merged):
    """Run results (table cells and nodes) of merged runs leave the file one by one."""
    traj = load_all(merged, "a")
    traj.f_delete_items(["results.runs.run_00000003.z", "results.runs.run_00000002.big"],
                        remove_from_trajectory=True)
    assert "results.runs.run_00000003.z" not in traj
    again = load_all(merged, "a")
    assert list(again.f_get_from_runs("z", use_indices=True)) == [0, 1, 2]
    assert list(again.f_get_from_runs("big", use_indices=True)) == [0, 1, 3]


def test_deleting_an_explored_parameter_from_disk(merged):
    """An explored parameter deleted from disk and RAM is no longer listed as explored, nor a
    column of the run table; the runs and their results stay."""
    traj = load_all(merged, "a")
    traj.f_delete_item("parameters.y", remove_from_trajectory=True)
    again = load_all(merged, "a")
    assert list(again.f_get_explored_parameters()) == ["parameters.x"]
    assert len(again) == 4 and "parameters.y" not in again
    frame = again.f_to_dataframe()
    assert "y" not in frame.columns and frame["x"].tolist() == [1.0, 2.0, 5.0, 6.0]
    assert frame["z"].tolist() == [3.0, 8.0, 35.0, 48.0]


def test_forced_shrink_of_a_stored_trajectory_drops_the_other_runs(merged, caplog):
    """f_shrink needs force on a stored trajectory; then storing keeps only run 0 in the file
    (the others' rows and run groups go, with a warning)."""
    traj = load_all(merged, "a")
    with pytest.raises(TypeError, match="force=True"):
        traj.f_shrink()
    with caplog.at_level(logging.WARNING):
        traj.f_shrink(force=True)
        traj.f_store()
    assert "removes the stored data of runs 1 to 3" in caplog.text
    assert len(traj) == 1 and "results.runs.run_00000002" not in traj
    again = load_all(merged, "a")
    assert len(again) == 1 and not again.f_get_explored_parameters()
    assert list(again.f_get_from_runs("z", use_indices=True)) == [0]
    assert list(again.f_get_from_runs("big", use_indices=True)) == [0]
    assert list_trajectories(str(merged))["runs"].tolist() == [1]


def test_a_copy_of_a_merged_trajectory_stores_under_a_new_name(merged):
    """f_copy gives an independent tree; migrated to a new name it stores a second,
    equal trajectory in the file."""
    traj = load_all(merged, "a")
    traj.v_full_copy = True  # copies keep the explored ranges
    twin = traj.f_copy(copy_leaves=True)
    twin.f_migrate(new_name="a_copy")
    twin.f_store()
    assert len(traj) == 4 and traj.v_name == "a"
    copy = load_all(merged, "a_copy")
    assert points(copy) == points(traj) == [(1.0, 3.0), (2.0, 4.0), (5.0, 7.0), (6.0, 8.0)]
    assert dict(copy.f_get_from_runs("z", fast_access=True)) == \
        dict(traj.f_get_from_runs("z", fast_access=True))
    assert list_trajectories(str(merged))["name"].tolist() == ["a", "a_copy"]


def test_backup_migrate_and_compact_work_on_merged_files(merged, tmp_path):
    """A merged trajectory backs up, migrates to another file and compacts like any other."""
    traj = load_trajectory(name="a", filename=str(merged))
    backup = traj.f_backup(backup_filename=str(tmp_path / "safe.hdf5"))
    assert points(load_all(tmp_path / "safe.hdf5", "a")) == points(traj)
    full = load_all(merged, "a")
    full.f_delete_link("results.runs.run_00000001.to_big")  # links first, as in pypet
    full.f_delete_item("results.runs.run_00000001.big")
    before = merged.stat().st_size
    compact_hdf5_file(str(merged), keep_backup=False)
    assert merged.stat().st_size <= before
    assert list(load_all(merged, "a").f_get_from_runs("big", use_indices=True)) == [0, 2, 3]
    full.f_migrate(filename=str(tmp_path / "moved.hdf5"))
    full.f_store()
    assert points(load_all(tmp_path / "moved.hdf5", "a")) == points(traj)
    assert backup.endswith("safe.hdf5")
