"""f_merge: parameters that differ become explored, runs are appended and renamed, data kept."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from merge_helpers import digest, load_all, make_study, points

from pypet import Trajectory, cartesian_product, load_trajectory


def _check_runs(traj, expected_points):
    """Every run's stored results match its point (z = x*y, big = arange*x, link, $set)."""
    assert points(traj) == expected_points
    zs = traj.f_get_from_runs("z", fast_access=True, use_indices=True)
    assert list(zs) == list(range(len(expected_points)))
    for idx, (x, y) in enumerate(expected_points):
        run = f"run_{idx:08d}"
        assert zs[idx] == x * y
        big = traj.f_get(f"results.runs.{run}.big").f_get()
        np.testing.assert_array_equal(big, np.arange(100) * x)
        linked = traj.f_get(f"results.runs.{run}.to_big")
        assert linked is traj.f_get(f"results.runs.{run}.big")
        assert traj.f_get(f"results.run_set_00000.{run}.w").f_get() == x
        assert traj.f_get(f"derived_parameters.runs.{run}.twice").f_get() == 2 * x


def test_merge_appends_the_other_runs_with_their_data(tmp_path):
    """Runs of the other trajectory follow this one's; results, nodes and links are renamed."""
    a = make_study(tmp_path / "a.hdf5", "a", {"x": [1.0, 2.0], "y": [3.0, 4.0]})
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [5.0, 6.0, 7.0], "y": [8.0, 9.0, 1.0]})
    a.f_merge(b, backup=False)
    assert len(a) == 5 and a.f_is_completed()
    assert points(a) == [(1.0, 3.0), (2.0, 4.0), (5.0, 8.0), (6.0, 9.0), (7.0, 1.0)]
    merged = load_all(tmp_path / "a.hdf5", "a")
    _check_runs(merged, points(a))
    info = merged.f_get_run_information(3)
    assert info["completed"] == 1 and info["timestamp"] > 0
    other = load_all(tmp_path / "b.hdf5", "b")  # the other file is only read
    assert len(other) == 3 and points(other) == [(5.0, 8.0), (6.0, 9.0), (7.0, 1.0)]


def test_parameters_that_differ_become_explored(tmp_path):
    """A constant that differs, and ranges explored on one side only, all become explored."""
    def rate(value):
        return lambda traj: traj.f_add_parameter("rate", value)
    a = make_study(tmp_path / "a.hdf5", "a", {"x": [1.0, 2.0]}, extra=rate(0.5))
    b = make_study(tmp_path / "b.hdf5", "b", {"y": [7.0, 8.0, 9.0]}, extra=rate(0.75))
    a.f_merge(b, backup=False)
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert sorted(merged.f_get_explored_parameters()) == [
        "parameters.rate", "parameters.x", "parameters.y"]
    assert merged.f_get("rate").f_get_range() == [0.5, 0.5, 0.75, 0.75, 0.75]
    assert points(merged) == [(1.0, 1.0), (2.0, 1.0), (1.0, 7.0), (1.0, 8.0), (1.0, 9.0)]
    _check_runs(merged, points(merged))
    frame = merged.f_to_dataframe()
    assert frame["rate"].tolist() == [0.5, 0.5, 0.75, 0.75, 0.75]
    assert frame["z"].tolist() == [1.0, 2.0, 7.0, 8.0, 9.0]


def test_remove_duplicates_leaves_out_points_already_run(tmp_path):
    """Points this trajectory has are not merged again; the other runs keep their data."""
    grid_a = cartesian_product({"x": [1.0, 2.0, 3.0], "y": [6.0, 7.0]})
    grid_b = cartesian_product({"x": [3.0, 4.0], "y": [6.0, 7.0]})
    a = make_study(tmp_path / "a.hdf5", "a", grid_a)
    b = make_study(tmp_path / "b.hdf5", "b", grid_b)
    a.f_merge(b, remove_duplicates=True, backup=False)
    expected = list(zip(grid_a["x"], grid_a["y"], strict=True)) + [(4.0, 6.0), (4.0, 7.0)]
    merged = load_all(tmp_path / "a.hdf5", "a")
    _check_runs(merged, expected)
    record = merged.f_get("config.merge").f_to_dict(fast_access=True, short_names=False)
    assert [v for k, v in record.items() if k.endswith(".merged_runs")] == [2]
    assert [v for k, v in record.items() if k.endswith(".remove_duplicates")] == [True]


def test_merging_only_duplicates_is_refused_and_changes_nothing(tmp_path):
    """ValueError when every point is a duplicate; file and trajectory stay as they were."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b")
    before = digest(tmp_path / "a.hdf5")
    with pytest.raises(ValueError, match="nothing would be merged"):
        a.f_merge(b, remove_duplicates=True, backup=False)
    assert digest(tmp_path / "a.hdf5") == before and len(a) == 2


def test_trial_parameter_numbers_the_other_trials_after_these(tmp_path):
    """Trials 0..1 and 0..1 become 0..3; every run keeps its own results."""
    def trial(traj):
        traj.f_add_parameter("trial", 0)
    grid = cartesian_product({"x": [1.0, 2.0], "y": [3.0], "trial": [0, 1]})
    a = make_study(tmp_path / "a.hdf5", "a", grid, extra=trial)
    b = make_study(tmp_path / "b.hdf5", "b", grid, extra=trial)
    a.f_merge(b, trial_parameter="trial", remove_duplicates=True, backup=False)
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert merged.f_get("trial").f_get_range() == [0, 1, 0, 1, 2, 3, 2, 3]
    _check_runs(merged, points(merged))
    record = merged.f_get("config.merge").f_to_dict(fast_access=True)
    assert [v for k, v in record.items() if k.endswith("trial_parameter")] == ["parameters.trial"]


def test_trial_parameter_must_count_from_zero(tmp_path):
    """A trial parameter that is not 0..T on both sides is a TypeError."""
    def trial(traj):
        traj.f_add_parameter("trial", 0)
    a = make_study(tmp_path / "a.hdf5", "a", {"x": [1.0, 2.0], "trial": [0, 2]}, extra=trial)
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [1.0, 2.0], "trial": [0, 1]}, extra=trial)
    with pytest.raises(TypeError, match="0..T"):
        a.f_merge(b, trial_parameter="trial", backup=False)


def test_trajectories_of_different_spaces_are_refused(tmp_path):
    """A parameter only one has, or one of another type, is a TypeError naming it."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b")
    before = digest(tmp_path / "a.hdf5")
    a.f_add_parameter("Merging.Denied", 13)
    with pytest.raises(TypeError, match="parameters.Merging.Denied"):
        a.f_merge(b, backup=False)
    b.f_add_parameter("Merging.Denied", 13.13)
    with pytest.raises(TypeError, match="different types"):
        a.f_merge(b, backup=False)
    assert digest(tmp_path / "a.hdf5") == before
    b.f_get("Denied").f_unlock()
    b.f_get("Denied").f_set(15)
    a.f_merge(b, backup=False)  # now only the value differs: it becomes explored
    assert load_all(tmp_path / "a.hdf5", "a").f_get("Denied").f_get_range() == [13] * 2 + [15] * 2


def test_different_wildcards_are_refused(tmp_path):
    """Trajectories need the same wildcards (their run-scoped names depend on them)."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b", run=None)
    b.f_add_wildcard_functions({("$mine", "mine"): lambda idx: f"mine_{idx}"})
    with pytest.raises(TypeError, match="wildcards"):
        a.f_merge(b, backup=False)


def test_a_trajectory_is_not_merged_into_itself(tmp_path):
    """Merging a trajectory with itself (same object or same stored trajectory) fails."""
    a = make_study(tmp_path / "a.hdf5", "a")
    with pytest.raises(ValueError, match="itself"):
        a.f_merge(a, backup=False)
    twin = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    with pytest.raises(ValueError, match="itself"):
        a.f_merge(twin, backup=False)


def test_unstored_trajectories_cannot_be_merged(tmp_path):
    """The other trajectory's runs are copied from its file, so it must be stored."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = Trajectory("b", filename=str(tmp_path / "b.hdf5"))
    b.f_add_parameter("x", 1.0)
    b.f_add_parameter("y", 1.0)
    with pytest.raises(TypeError, match="never stored"):
        a.f_merge(b, backup=False)


def test_results_outside_runs_are_added_when_missing(tmp_path):
    """The other's trajectory-level results the target lacks are copied (with annotations);
    those both have keep this trajectory's value."""
    def extras(value):
        def add(traj):
            traj.f_add_result("summary", value)
            traj.f_add_result(f"only_{int(value)}.item", value)
            traj.results.f_get(f"only_{int(value)}").v_annotations["note"] = "sunny"
        return add
    make_study(tmp_path / "a.hdf5", "a", extra=extras(1.0))
    make_study(tmp_path / "b.hdf5", "b", extra=extras(2.0))
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    b = load_trajectory(name="b", filename=str(tmp_path / "b.hdf5"))
    a.f_merge(b, backup=False)
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert merged.f_get("results.summary").f_get() == 1.0
    assert merged.f_get("results.only_1.item").f_get() == 1.0
    assert merged.f_get("results.only_2.item").f_get() == 2.0
    assert merged.f_get("results.only_2").v_annotations["note"] == "sunny"


def test_ignore_data_leaves_out_items_and_parameters(tmp_path):
    """Names in ignore_data (and everything below them) are not merged."""
    def extras(traj):
        traj.f_add_result("Ignore.Me", 42)
        traj.f_add_result("Keep.Me", 43)
    make_study(tmp_path / "a.hdf5", "a")
    make_study(tmp_path / "b.hdf5", "b", extra=extras)
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    b = load_trajectory(name="b", filename=str(tmp_path / "b.hdf5"))
    b.f_apar("Ignore.Me", 42)  # a parameter the target lacks: ignored, so no TypeError
    a.f_merge(b, backup=False, ignore_data=["results.Ignore", "parameters.Ignore.Me",
                                            "results.runs.run_00000001.big"])
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert "results.Ignore" not in merged and merged.f_get("results.Keep.Me").f_get() == 43
    assert "parameters.Ignore" not in merged
    assert "results.runs.run_00000003.big" not in merged  # the other's run 1
    assert "results.runs.run_00000002.big" in merged
    record = merged.f_get("config.merge").f_to_dict(fast_access=True)
    assert [v for k, v in record.items() if k.endswith("ignore_data")] == [
        ("results.Ignore", "parameters.Ignore.Me", "results.runs.run_00000001.big")]


def test_merge_records_and_carried_over_history(tmp_path):
    """config.merge describes each merge; merging a merged trajectory carries its history
    (environments and earlier merges) along."""
    a = make_study(tmp_path / "a.hdf5", "a", comment="first")
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [5.0], "y": [6.0]}, comment="second")
    c = make_study(tmp_path / "c.hdf5", "c", {"x": [7.0], "y": [8.0]})
    a.f_merge(b, backup=False)
    c.f_merge(a, backup=False)
    merged = load_all(tmp_path / "c.hdf5", "c")
    merges = merged.f_get("config.merge")
    records = {name: group for name, group in merges.f_get_children().items()}
    assert len(records) == 2
    names = sorted(g.f_get("other_trajectory.name").f_get() for g in records.values())
    assert names == ["a", "b"]
    into_c = next(g for g in records.values() if g.f_get("other_trajectory.name").f_get() == "a")
    assert into_c.f_get("length_before_merge").f_get() == 1
    assert into_c.f_get("merged_runs").f_get() == 3
    assert into_c.f_get("other_trajectory.length").f_get() == 3
    assert into_c.f_get("other_trajectory.comment").f_get() == "first"
    assert len(merged.f_get("config.environment").f_get_children()) == 3
    _check_runs(merged, [(7.0, 8.0), (1.0, 3.0), (2.0, 4.0), (5.0, 6.0)])


def test_keep_info_and_merge_config_can_be_switched_off(tmp_path):
    """keep_info=False records nothing; merge_config=False carries no environment over."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b")
    a.f_merge(b, backup=False, keep_info=False, merge_config=False)
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert "config.merge" not in merged
    assert len(merged.f_get("config.environment").f_get_children()) == 1


def test_move_data_and_delete_other_in_the_same_file(tmp_path):
    """Within one file the other's nodes are moved, and the other trajectory deleted."""
    path = tmp_path / "both.hdf5"
    a = make_study(path, "a")
    b = make_study(path, "b", {"x": [5.0, 6.0], "y": [7.0, 8.0]})
    a.f_merge(b, backup=False, move_data=True, delete_other_trajectory=True)
    from pypet import list_trajectories

    assert list_trajectories(str(path))["name"].tolist() == ["a"]
    _check_runs(load_all(path, "a"), [(1.0, 3.0), (2.0, 4.0), (5.0, 7.0), (6.0, 8.0)])


def test_delete_other_trajectory_in_another_file(tmp_path):
    """The other trajectory leaves its file only after the merge is committed."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [5.0], "y": [7.0]})
    b.f_add_result("kept_elsewhere", 1)
    b.f_store()
    make_study(tmp_path / "b.hdf5", "other_in_b", {"x": [1.0], "y": [1.0]})
    a.f_merge(b, backup=False, delete_other_trajectory=True)
    from pypet import list_trajectories

    assert list_trajectories(str(tmp_path / "b.hdf5"))["name"].tolist() == ["other_in_b"]
    assert load_all(tmp_path / "a.hdf5", "a").f_get("results.kept_elsewhere").f_get() == 1


def test_slow_merge_stores_the_same_data(tmp_path):
    """slow_merge=True (values through Python) gives the same trajectory as the fast copy."""
    loaded = []
    for slow in (False, True):
        folder = tmp_path / str(slow)
        a = make_study(folder / "a.hdf5", "a")
        b = make_study(folder / "b.hdf5", "b", {"x": [5.0, 6.0], "y": [7.0, 8.0]})
        a.f_merge(b, backup=False, slow_merge=slow)
        loaded.append(load_all(folder / "a.hdf5", "a"))
    fast, slow = loaded
    _check_runs(slow, points(fast))
    leaves = {k: v for k, v in fast.f_to_dict().items() if not k.startswith("config")}
    assert sorted(leaves) == sorted(k for k in slow.f_to_dict() if not k.startswith("config"))


def test_results_stored_differently_are_merged_row_by_row(tmp_path, caplog):
    """A run result of another type (here int vs float) still merges, value for value."""
    def int_z(traj):
        traj.f_add_result("z", int(traj.x * traj.y))
    def float_z(traj):
        traj.f_add_result("z", traj.x * traj.y)
    make_study(tmp_path / "a.hdf5", "a", run=float_z)
    make_study(tmp_path / "b.hdf5", "b", {"x": [5.0], "y": [7.0]}, run=int_z)
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    b = load_trajectory(name="b", filename=str(tmp_path / "b.hdf5"))
    with caplog.at_level(logging.INFO, logger="pypet.merge"):
        a.f_merge(b, backup=False)
    assert "row by row" in caplog.text
    zs = load_all(tmp_path / "a.hdf5", "a").f_get_from_runs("z", fast_access=True)
    assert list(zs.values()) == [3.0, 8.0, 35]
    assert type(list(zs.values())[-1]) is int


def test_backups_are_written_next_to_the_files(tmp_path):
    """backup=True copies both trajectories first; a later backup gets a fresh name."""
    a = make_study(tmp_path / "a.hdf5", "a")
    b = make_study(tmp_path / "b.hdf5", "b", {"x": [5.0], "y": [7.0]})
    c = make_study(tmp_path / "c.hdf5", "c", {"x": [6.0], "y": [7.0]})
    a.f_merge(b)
    a.f_merge(c)
    assert sorted(p.name for p in tmp_path.glob("backup_*")) == [
        "backup_a.hdf5", "backup_a_1.hdf5", "backup_b.hdf5", "backup_c.hdf5"]
    assert len(load_trajectory(name="a", filename=str(tmp_path / "backup_a.hdf5"))) == 2
    assert len(load_trajectory(name="a", filename=str(tmp_path / "backup_a_1.hdf5"))) == 3
    assert len(load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))) == 4


def test_pypet_keyword_names_still_work(tmp_path):
    """backup_filename and move_nodes (pypet's old names) warn and still work."""
    path = tmp_path / "both.hdf5"
    a = make_study(path, "a")
    b = make_study(path, "b", {"x": [5.0], "y": [7.0]})
    with pytest.warns(DeprecationWarning) as caught:
        a.f_merge(b, backup_filename=False, move_nodes=True)
    messages = [str(w.message) for w in caught]
    assert any("backup_filename" in m for m in messages)
    assert any("move_nodes" in m for m in messages)
    assert all(w.filename == __file__ for w in caught)  # they point at the caller's line
    assert not list(tmp_path.glob("backup_*")) and len(a) == 3


def test_consecutive_merges_then_one_store(tmp_path):
    """pypet's loop of f_merge(consecutive_merge=True) followed by f_store works."""
    a = make_study(tmp_path / "s0.hdf5", "s0", {"x": [0.0], "y": [1.0]})
    a.f_load_skeleton()
    for i in range(1, 4):
        other = make_study(tmp_path / f"s{i}.hdf5", f"s{i}", {"x": [float(i)], "y": [1.0]})
        a.f_merge(other, backup=False, consecutive_merge=True)
    a.f_store()
    merged = load_all(tmp_path / "s0.hdf5", "s0")
    _check_runs(merged, [(float(i), 1.0) for i in range(4)])
    assert len(merged.f_get("config.merge").f_get_children()) == 3


def test_user_wildcards_rename_run_names(tmp_path):
    """Items named by a user's run wildcard follow their run to its new index."""
    wildcards = {("$", "crun"): lambda idx: f"hello_{idx}"}

    def named(traj):
        traj.f_add_result("z", traj.x * traj.y)
        traj.v_auto_run_prepend = False
        traj.f_add_result("per.$", traj.x)  # results.per.hello_<idx>, no standard run name
        traj.v_auto_run_prepend = True

    for name in ("a", "b"):
        make_study(tmp_path / f"{name}.hdf5", name, run=named, wildcard_functions=wildcards)
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"),
                        wildcard_functions=wildcards)
    b = load_trajectory(name="b", filename=str(tmp_path / "b.hdf5"),
                        wildcard_functions=wildcards)
    a.f_merge(b, backup=False)
    merged = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"), load_all=2,
                             wildcard_functions=wildcards)
    assert [merged.f_get(f"results.per.hello_{i}").f_get() for i in range(4)] == [
        1.0, 2.0, 1.0, 2.0]


def test_derived_parameters_of_run_all_that_differ_are_linked_from_the_new_runs(tmp_path):
    """A derived parameter under run_ALL (added with '$' outside runs) that differs: the
    other's value goes to its first merged run and the other merged runs link to it."""
    def setting(value):
        return lambda traj: traj.f_add_derived_parameter("calib.$", value)
    make_study(tmp_path / "a.hdf5", "a", extra=setting(0.5))
    make_study(tmp_path / "b.hdf5", "b", {"x": [5.0, 6.0, 7.0], "y": [1.0, 1.0, 1.0]},
               extra=setting(0.75))
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    a.f_merge(load_trajectory(name="b", filename=str(tmp_path / "b.hdf5")), backup=False)
    merged = load_all(tmp_path / "a.hdf5", "a")
    assert merged.f_get("derived_parameters.calib.run_ALL").f_get() == 0.5
    first = merged.f_get("derived_parameters.calib.run_00000002")
    assert first.f_get() == 0.75
    assert merged.f_get("derived_parameters.calib.run_00000003") is first
    assert merged.f_get("derived_parameters.calib.run_00000004") is first


def test_unsaved_items_of_the_target_win_over_the_others(tmp_path):
    """An item the target has in RAM only is kept (and stored), not replaced by the other's."""
    make_study(tmp_path / "a.hdf5", "a")
    make_study(tmp_path / "b.hdf5", "b", extra=lambda traj: traj.f_add_result("note", "b's"))
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    a.f_add_result("note", "a's")
    a.f_merge(load_trajectory(name="b", filename=str(tmp_path / "b.hdf5")), backup=False)
    assert load_all(tmp_path / "a.hdf5", "a").f_get("results.note").f_get() == "a's"


def _fails_in_run_1(traj):
    if traj.v_idx == 1:
        raise ValueError("diverged")
    traj.f_add_result("z", traj.x * traj.y)


def test_failed_runs_keep_their_error_when_merged(tmp_path):
    """A failed run of the other trajectory stays failed, with its error and traceback, under
    its new index; only_failed reruns can then find it in the merged study."""
    make_study(tmp_path / "a.hdf5", "a")
    make_study(tmp_path / "b.hdf5", "b", {"x": [5.0, 6.0], "y": [7.0, 8.0]},
               run=_fails_in_run_1, on_error="continue")
    a = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    a.f_merge(load_trajectory(name="b", filename=str(tmp_path / "b.hdf5")), backup=False)
    merged = load_trajectory(name="a", filename=str(tmp_path / "a.hdf5"))
    info = merged.f_get_run_information(3)
    assert info["failed"] == 1 and info["completed"] == 0
    assert "diverged" in info["error"] and "ValueError" in info["traceback"]
    assert [merged.f_get_run_information(i)["failed"] for i in range(4)] == [0, 0, 0, 1]
    assert a.f_get_run_information(3)["failed"] == 1  # in RAM too
