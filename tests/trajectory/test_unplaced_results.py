"""A run's results kept out of the tree until someone reads it (the cheap common add)."""

from __future__ import annotations

import pickle

import pytest

from pypet import Environment, Trajectory, load_trajectory
from pypet.trajectory.single_run import SingleRun


def make_traj(tmp_path=None, n=4):
    kwargs = {} if tmp_path is None else {"filename": str(tmp_path / "u.hdf5")}
    traj = Trajectory("u", **kwargs)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(10, 10 + n))})
    SingleRun(traj, 0).execute(lambda t: t.f_add_result("z", 0))  # 'z' is validated once
    return traj


def begin(traj, idx):
    run = SingleRun(traj, idx, "abc").begin()
    return run, traj.f_add_result("z", traj.x, comment="product")


def test_the_common_add_stays_out_of_the_tree_until_read():
    """f_add_result(name, value) in a run places nothing; the first read of the tree does."""
    traj = make_traj()
    run, z = begin(traj, 2)
    assert traj._unplaced == {"z": z} and "results" not in traj.__dict__["_children"]
    assert traj.results.runs.run_00000002.z == 12  # reading places it
    assert not traj._unplaced and traj.f_get("results.runs.run_00000002.z") is z
    run.end()


@pytest.mark.parametrize("read", [
    lambda t: t.z, lambda t: t.results.z, lambda t: t.crun.z, lambda t: t.res.runs.crun.z,
    lambda t: t["results.runs.run_00000001.z"], lambda t: t.f_get("z", fast_access=True),
    lambda t: t.results.runs.run_00000001.z, lambda t: t.f_get_results(fast_access=True)[
        "results.runs.run_00000001.z"],
    lambda t: [leaf.f_get() for leaf in t.f_iter_leaves() if leaf.v_name == "z"][0],
])
def test_natural_naming_finds_an_unplaced_result(read):
    """Every way of reading the tree inside the run sees the result where adding put it."""
    traj = make_traj()
    run, _ = begin(traj, 1)
    assert read(traj) == 11
    run.end()


def test_the_outcome_is_the_same_whether_or_not_the_tree_was_read():
    """Records (leaves and the groups the run created) do not depend on placing."""
    traj = make_traj()
    run, _ = begin(traj, 1)
    unread = run.end(7)
    run, _ = begin(traj, 1)
    traj.crun.z  # places the result (and its groups) in the tree
    read = run.end(7)
    assert unread.leaves == read.leaves and unread.groups == read.groups
    assert [g.full_name for g in unread.groups] == [
        "results", "results.runs", "results.runs.run_00000001"]
    assert unread.value == read.value == 7
    assert not traj.f_contains("results.runs", shortcuts=False)


def test_links_walks_and_copies_see_an_unplaced_result(tmp_path):
    """Linking to it, listing the branch, copying and pickling the trajectory include it."""
    traj = make_traj()
    run, z = begin(traj, 3)
    traj.f_add_link("alias", z)
    assert traj.alias == 13
    run.end()
    run, z = begin(traj, 3)
    assert "results.runs.run_00000003.z" in traj.f_to_dict()
    assert pickle.loads(pickle.dumps(traj)).f_get("results.runs.run_00000003.z").f_get() == 13
    run.end()
    run, _ = begin(traj, 3)
    assert traj.f_copy().results.runs.run_00000003.z == 13
    run.end()


def test_a_second_add_of_the_same_name_raises_as_always():
    """Adding a name twice in one run is an error, whether the first one was placed or not."""
    traj = make_traj()
    run, _ = begin(traj, 0)
    with pytest.raises(AttributeError, match="already exists"):
        traj.f_add_result("z", 1)
    run.end()


def test_clean_up_false_leaves_the_result_in_the_tree():
    """f_finalize_run(clean_up=False) keeps what the run added, placed, after the run."""
    traj = make_traj()
    traj.f_start_run(1)
    traj.f_add_result("z", 5)
    traj.f_finalize_run(store_meta_data=False, clean_up=False)
    assert traj.results.runs.run_00000001.z == 5


def test_a_failed_run_drops_its_unplaced_results():
    """A run that raises after adding leaves no result behind and records none."""
    def bad(traj):
        traj.f_add_result("z", 1)
        raise ValueError("no")

    traj = make_traj()
    outcome = SingleRun(traj, 2).execute(bad)
    assert outcome.error is not None and outcome.leaves == () and not traj._unplaced
    assert not traj.f_contains("results.runs.run_00000002", shortcuts=False)


def _store_inside(traj):
    traj.f_add_result("z", traj.x)
    traj.f_store()
    traj.f_add_result("w", -traj.x)


@pytest.mark.parametrize("resumable", [False, True])
def test_environment_runs_store_unplaced_results_and_what_the_run_stored(tmp_path, resumable):
    """Through an Environment (and its journal), f_store inside a run and the rest arrive."""
    SingleRun(make_traj(), 1).execute(_store_inside)  # 'z' and 'w' are validated once
    env = Environment(trajectory="u", filename=str(tmp_path / "e.hdf5"), log_config=None,
                      report_progress=False, resumable=resumable,
                      resume_folder=str(tmp_path / "resume"))
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2, 3]})
    env.run(_store_inside)
    loaded = load_trajectory("u", filename=str(tmp_path / "e.hdf5"), load_results=2)
    assert list(loaded.f_get_from_runs("z", fast_access=True).values()) == [1, 2, 3]
    assert list(loaded.f_get_from_runs("w", fast_access=True).values()) == [-1, -2, -3]


def test_automatic_storing_off_stores_no_unplaced_result(tmp_path):
    """With automatic_storing=False a result the run did not store is not written."""
    env = Environment(trajectory="u", filename=str(tmp_path / "a.hdf5"), log_config=None,
                      report_progress=False, automatic_storing=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    env.run(lambda t: t.f_add_result("z", t.x))
    loaded = load_trajectory("u", filename=str(tmp_path / "a.hdf5"), load_results=2)
    assert not loaded.f_get_from_runs("z")


def test_remembered_lookups_follow_changes_of_the_tree():
    """A name looked up before finds the new node after the old one was removed."""
    traj = Trajectory("t")
    traj.f_add_parameter("p", 1)
    assert traj.p == 1
    traj.f_remove_item("parameters.p")
    traj.f_add_parameter("grp.p", 2)
    assert traj.p == 2
    traj.f_add_parameter("other.p", 3)
    with pytest.raises(AttributeError, match="not unique"):
        traj.p  # two at the same depth now
    traj.f_add_link("q", traj.f_get("other"))
    assert traj.p == 3  # through the link, one level up


def test_the_quick_result_has_the_state_the_constructor_makes():
    """Result._of_value (a run's plain scalar) equals Result(full_name, value) in every field."""
    from pypet.results import Result
    from pypet.utils.slots import slot_names

    quick = Result._of_value("results.runs.run_00000003.z", "z", 2.5)
    made = Result("results.runs.run_00000003.z", 2.5)
    assert quick.__dict__ == made.__dict__
    assert [getattr(quick, n) for n in slot_names(Result)] == \
        [getattr(made, n) for n in slot_names(Result)]
    assert pickle.loads(pickle.dumps(quick)).f_get() == 2.5


def test_a_result_named_like_a_branch_goes_where_it_always_went():
    """f_add_result('results', v) in a run means the branch (pypet's rule), not a leaf 'results'."""
    traj = make_traj()
    SingleRun(traj, 0).execute(lambda t: t.f_add_result("results", 1))  # validated once
    run = SingleRun(traj, 1).begin()
    traj.f_add_result("results", 7)
    assert not traj._unplaced and traj.f_get("results.runs.run_00000001").f_get() == 7
    run.end()


def test_a_run_whose_group_exists_adds_into_it_even_after_runs_without_one():
    """A run group made before the sweep is seen in every run, also when earlier runs
    taught the trajectory where run results go: the result joins the existing group."""
    traj = make_traj(n=3)
    traj.f_add_result("results.runs.run_00000002.old", 1)
    first = SingleRun(traj, 1).execute(lambda t: t.f_add_result("z", 1) and None)
    assert first.plain == {"z": 1}  # kept out of the tree: its group did not exist
    outcome = SingleRun(traj, 2).execute(lambda t: t.f_add_result("z", 2) and None)
    assert outcome.plain is None  # went the usual way, into the existing group
    assert [leaf.full_name for leaf in outcome.leaves] == ["results.runs.run_00000002.z"]
    assert traj.f_get("results.runs.run_00000002.old", fast_access=True) == 1
