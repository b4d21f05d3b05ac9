"""Exploration, the run view, run-scoped adding, presetting, copying and pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pypet import (
    NotUniqueNodeError,
    PresettingError,
    Trajectory,
    cartesian_product,
    find_unique_points,
)


def test_cartesian_product_order_and_ties():
    """The last entry varies fastest; tuples tie parameters together."""
    grid = cartesian_product({"x": [1, 2], "y": ["a", "b", "c"]})
    assert grid == {"x": [1, 1, 1, 2, 2, 2], "y": ["a", "b", "c"] * 2}
    tied = cartesian_product({"x": [1, 2], "z": [5, 6], "y": [0, 1]}, (("x", "z"), "y"))
    assert tied == {"x": [1, 1, 2, 2], "z": [5, 5, 6, 6], "y": [0, 1, 0, 1]}
    with pytest.raises(ValueError, match="equal lengths"):
        cartesian_product({"x": [1, 2], "z": [5]}, (("x", "z"),))
    with pytest.raises(ValueError, match="not in combined_parameters"):
        cartesian_product({"x": [1], "y": [2]}, ("x",))


def test_explore_sets_length_and_run_view(traj):
    """Exploring sets len(traj); v_idx switches explored parameters to that run."""
    assert len(traj) == 4
    traj.v_idx = 3
    assert (traj.x, traj.y, traj.v_crun) == (2.0, 4.0, "run_00000003")
    traj.f_set_crun("run_00000001")
    assert (traj.v_idx, traj.y) == (1, 4.0)
    traj.v_idx = -1
    assert (traj.x, traj.v_crun, traj.v_crun_) == (1.0, None, "run_ALL")
    with pytest.raises(ValueError, match="out of range"):
        traj.v_idx = 4


def test_explore_errors_and_rollback():
    """Bad ranges raise clear errors and leave no parameter half-explored."""
    t = Trajectory("t")
    t.f_add_parameter("x", 1)
    t.f_add_parameter("y", 1.0)
    t.f_add_config("c", 1)
    with pytest.raises(ValueError, match="same length"):
        t.f_explore({"x": [1, 2], "y": [1.0]})
    with pytest.raises(TypeError, match="y"):
        t.f_explore({"x": [1, 2], "y": [1.0, "no"]})
    assert not t.f_get("x").f_has_range() and len(t) == 1
    with pytest.raises(TypeError, match="not a parameter"):
        t.f_explore({"c": [1, 2]})
    with pytest.raises(TypeError, match="iterable"):
        t.f_explore({"x": 5})
    with pytest.raises(TypeError, match="tolist"):
        t.f_explore({"y": np.array([1.0, 2.0])})  # numpy floats for a Python float default


def test_expand_and_shrink(traj):
    """f_expand appends points to exactly the explored parameters; f_shrink drops ranges."""
    traj.f_expand({"x": [5.0], "y": [6.0]})
    assert len(traj) == 5 and traj.f_get("x").f_get_range() == [1.0, 1.0, 2.0, 2.0, 5.0]
    with pytest.raises(ValueError, match="exactly the explored"):
        traj.f_expand({"x": [7.0]})
    with pytest.raises(TypeError):
        traj.f_expand({"x": [7.0], "y": ["bad"]})
    assert len(traj) == 5 and traj.f_get("x").f_get_range_length() == 5
    traj.f_shrink()
    assert len(traj) == 1 and not traj.f_get_explored_parameters()


def test_explore_again_with_same_length(traj):
    """A second f_explore may add parameters of the same length."""
    traj.f_explore({"sim.dt": [0.1, 0.2, 0.3, 0.4]})
    assert len(traj.f_get_explored_parameters()) == 3
    with pytest.raises(ValueError, match="same length"):
        traj.f_explore({"sim.name": ["a"]})


def test_iter_runs_and_find_idx(traj):
    """f_iter_runs sets each run and restores the default; f_find_idx filters runs."""
    assert list(traj.f_iter_runs()) == [f"run_0000000{i}" for i in range(4)]
    seen = [(t.x, t.y) for t in traj.f_iter_runs(yields="self")]
    assert seen == [(1.0, 3.0), (1.0, 4.0), (2.0, 3.0), (2.0, 4.0)]
    assert list(traj.f_iter_runs(1, 4, 2, yields="idx")) == [1, 3]
    assert traj.v_idx == -1
    assert list(traj.f_find_idx(["x", "y"], lambda x, y: x == 2.0 and y > 3)) == [3]
    assert list(traj.f_find_idx("dt", lambda dt: dt > 0)) == [0, 1, 2, 3]
    assert traj.f_idx_to_run(2) == "run_00000002" and traj.f_idx_to_run("run_00000002") == 2


def test_results_in_a_run_get_run_prefix(traj):
    """During a run, results and derived parameters land below runs.<crun>."""
    traj.f_start_run(2)
    assert traj.v_is_run
    r = traj.f_add_result("z", 7)
    assert traj.crun.z == 7 and traj.res.crun.z == 7
    g = traj.f_add_result("grp.q", 1)
    d = traj.f_add_derived_parameter("dp", 0.5)
    s = traj.f_add_result("$set.$.w", 3)
    assert r.v_full_name == "results.runs.run_00000002.z"
    assert g.v_full_name == "results.runs.run_00000002.grp.q"
    assert d.v_full_name == "derived_parameters.runs.run_00000002.dp"
    assert s.v_full_name == "results.run_set_00000.run_00000002.w"
    # several run_00000002 groups now tie; paths that continue below them still resolve
    assert traj.f_get("crun.z", fast_access=True) == 7
    assert traj.f_get("$.z", fast_access=True) == 7
    with pytest.raises(NotUniqueNodeError):
        traj.crun
    assert traj.f_get("results.runs.crun.z").v_run_branch == "run_00000002"
    with pytest.raises(TypeError, match="during a single run"):
        traj.f_add_parameter("new", 1)
    with pytest.raises(TypeError):
        traj.f_explore({"x": [1.0]})
    traj.f_finalize_run(clean_up=True)
    assert not traj.v_is_run and traj.f_is_completed(2) and not traj.f_is_completed()
    assert not traj.f_contains("results.runs.run_00000002.z")


def test_results_outside_run_use_wildcards_literally(traj):
    """Outside a run '$' resolves to the current run name, or run_ALL at idx -1."""
    assert traj.f_add_result("$.z", 1).v_full_name == "results.run_ALL.z"
    traj.v_idx = 0
    assert traj.f_add_result("$.z", 2).v_full_name == "results.run_00000000.z"
    assert traj.f_add_result("plain", 3).v_full_name == "results.plain"


def test_get_from_runs_collects_in_order(traj):
    """f_get_from_runs returns an ordered dict run -> item; duplicates in a run raise."""
    for idx in (2, 0, 1):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx * 10)
        traj.f_finalize_run(clean_up=False)
    collected = traj.f_get_from_runs("z", fast_access=True)
    assert list(collected.items()) == [("run_00000000", 0), ("run_00000001", 10),
                                       ("run_00000002", 20)]
    assert list(traj.f_get_from_runs("z", use_indices=True)) == [0, 1, 2]
    info = traj.f_get_run_information(1)
    assert info["completed"] == 1 and info["parameter_summary"] == "x: 1.0, y: 4.0"
    assert info["finish_timestamp"] >= info["timestamp"] and info["name"] == "run_00000001"
    assert set(traj.f_get_run_information()) == set(traj.f_get_run_names())
    traj.f_start_run(0)
    traj.f_add_result("grp.z", 1)
    traj.f_finalize_run(clean_up=False)
    with pytest.raises(Exception, match="more than once"):
        traj.f_get_from_runs("z")


def test_presetting():
    """Presets override the default once the parameter is added; unused presets fail."""
    t = Trajectory("t")
    t.f_preset_parameter("a.b", 5)
    t.f_add_parameter("a.b", 1)
    assert t.b == 5
    with pytest.raises(ValueError, match="already exists"):
        t.f_preset_parameter("a.b", 6)
    t.f_preset_config("never", 1)
    with pytest.raises(PresettingError, match="config.never"):
        t._prepare_experiment()


def test_prepare_locks_parameters(traj):
    """Before an experiment every non-empty parameter is locked."""
    traj._prepare_experiment()
    with pytest.raises(Exception, match="locked"):
        traj.f_get("dt").f_set(0.5)


def test_find_unique_points(traj):
    """find_unique_points groups runs that share a point."""
    traj.f_expand({"x": [1.0], "y": [3.0]})
    points = find_unique_points(list(traj.f_get_explored_parameters().values()))
    assert points[0] == ((1.0, 3.0), [0, 4])
    assert len(points) == 4


def test_copy_is_independent(traj):
    """f_copy copies the tree; changes to the copy do not touch the original."""
    traj.f_add_link("xl", traj.f_get("x"))
    traj.v_idx = 1
    point = traj.f_copy()  # without v_full_copy only the current point comes along (pypet)
    traj.f_restore_default()
    assert not point.f_get("x").f_has_range() and point.x == traj.f_get("x").f_get_range()[1]
    traj.v_full_copy = True
    other = traj.f_copy()
    other.f_add_parameter("new", 1)
    other.f_get("sim.name").f_unlock()
    other.f_get("sim.name").f_set("rk4")
    assert not traj.f_contains("parameters.new") and traj.sim.name == "euler"
    assert other.xl == 1.0 and len(other) == 4
    other.v_idx = 3
    assert other.x == 2.0 and traj.x == 1.0
    shared = traj.f_copy(copy_leaves=False)
    assert shared.f_get("sim.dt") is traj.f_get("sim.dt")


def test_pickle_sends_only_current_point(traj):
    """Pickling with v_full_copy=False keeps the current point, not the whole range."""
    traj.v_idx = 2
    small = pickle.loads(pickle.dumps(traj))
    assert small.x == 2.0 and small.v_idx == 2 and len(small) == 4
    assert small.f_get("x").v_explored
    traj.v_idx = -1
    traj.v_full_copy = True
    full = pickle.loads(pickle.dumps(traj))
    full.v_idx = 3
    assert (full.x, full.y) == (2.0, 4.0)


def test_trajectory_properties_and_errors():
    """Name rules, add_time, f_set_properties and unknown kwargs."""
    t = Trajectory("exp", add_time=True, comment="c")
    assert t.v_name.startswith("exp_") and t.v_time in t.v_name and t.v_comment == "c"
    with pytest.raises(ValueError, match="'a.b'"):
        Trajectory("a.b")
    with pytest.raises(ValueError, match="bogus"):
        Trajectory("t", bogus=1)
    t.f_set_properties(fast_access=False, v_shortcuts=False)
    assert (t.v_fast_access, t.v_shortcuts) == (False, False)
    with pytest.raises(AttributeError, match="v_nonsense"):
        t.f_set_properties(nonsense=1)
    assert t.f_is_empty() is True
    assert len(t) == 1 and t.v_python.startswith("3.")


def test_wildcard_functions():
    """User wildcards translate through f_wildcard and in names."""
    t = Trajectory("t", wildcard_functions={("$mine", "mine"): lambda i: f"m{i}"})
    assert t.f_is_wildcard("$mine") and t.f_wildcard("mine", 3) == "m3"
    assert t.f_add_result("$mine.r", 1).v_full_name == "results.m-1.r"
    with pytest.raises(ValueError, match="registered"):
        t.f_wildcard("$nope")
