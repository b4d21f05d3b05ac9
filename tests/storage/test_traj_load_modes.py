"""pypet's load and store modes, partial loading/storing, deleting, and several trajectories."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pytest

from pypet import ParameterLockedException, Trajectory
from pypet import pypetconstants as C

#: one leaf per branch; run results: ``z`` goes to the run table, ``big`` to nodes
LEAVES = {
    "parameters": "parameters.grp.x",
    "config": "config.grp.seed",
    "derived_parameters": "derived_parameters.grp.dp",
    "results": "results.grp.res",
    "other": "other.grp.leaf",
    "run_cell": "results.runs.run_00000001.z",
    "run_node": "results.runs.run_00000001.big",
    "run_dpar": "derived_parameters.runs.run_00000001.rdp",
}
#: the load-mode keyword that governs each entry of LEAVES
MODE_KEYWORD = {
    "parameters": "load_parameters", "config": "load_parameters",
    "derived_parameters": "load_derived_parameters", "results": "load_results",
    "other": "load_other_data", "run_cell": "load_results", "run_node": "load_results",
    "run_dpar": "load_derived_parameters",
}


def _build(filename: str, name: str = "t") -> Trajectory:
    traj = Trajectory(name, filename=filename, comment="modes")
    traj.f_add_parameter("grp.x", 1, comment="x")
    traj.f_add_parameter("grp.y", 2.0)
    traj.f_add_config("grp.seed", 42)
    traj.f_add_derived_parameter("grp.dp", 7)
    traj.f_add_result("grp.res", a=1, b="two", comment="res")
    traj.f_add_leaf("other.grp.leaf", [3])
    traj.f_explore({"grp.x": [1, 2, 3]})
    traj.f_store()
    for idx in range(3):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx * 1.5)
        traj.f_add_result("big", np.arange(200) + idx)
        traj.f_add_derived_parameter("rdp", idx)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    return traj


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A file with a trajectory ``t`` holding every kind of leaf and 3 runs."""
    filename = str(tmp_path_factory.mktemp("modes") / "modes.hdf5")
    _build(filename)
    return filename


@pytest.fixture
def fresh(h5path: str) -> tuple[Trajectory, str]:
    """A trajectory like ``stored``, in its own file (for tests that change the file)."""
    return _build(h5path), h5path


def _state(traj: Trajectory, full_name: str) -> str | None:
    """None if the node is absent, 'group', 'empty' or 'data'."""
    node = traj.f_get_default(full_name, None, fast_access=False, shortcuts=False)
    if node is None:
        return None
    if not node.v_is_leaf:
        return "group"
    return "empty" if node.f_is_empty() else "data"


def _load(filename: str, **kwargs: Any) -> Trajectory:
    traj = Trajectory(filename=filename)
    traj.f_load(name="t", **kwargs)
    return traj


# --- f_load modes ---------------------------------------------------------------------------


def test_default_modes_load_parameters_and_skeletons(stored: str) -> None:
    """By default parameters and config carry data; everything else is a skeleton."""
    traj = _load(stored)
    expected = {"parameters": "data", "config": "data", "derived_parameters": "empty",
                "results": "empty", "other": "empty", "run_cell": "empty",
                "run_node": "empty", "run_dpar": "empty"}
    assert {key: _state(traj, name) for key, name in LEAVES.items()} == expected


@pytest.mark.parametrize(("mode", "state"), [(0, None), (1, "empty"), (2, "data"), (3, "data")])
def test_load_data_overrides_every_branch(stored: str, mode: int, state: str | None) -> None:
    """``load_data`` sets the mode of all branches at once (NOTHING/SKELETON/DATA/OVERWRITE)."""
    traj = _load(stored, load_data=mode)
    assert {key: _state(traj, name) for key, name in LEAVES.items()} == \
        dict.fromkeys(LEAVES, state)


@pytest.mark.parametrize("key", list(LEAVES))
@pytest.mark.parametrize(("mode", "state"), [(0, None), (1, "empty"), (2, "data")])
def test_each_branch_follows_its_own_mode(stored: str, key: str, mode: int,
                                          state: str | None) -> None:
    """Each load_* keyword governs its branch (config follows load_parameters)."""
    modes = dict.fromkeys(set(MODE_KEYWORD.values()), C.LOAD_SKELETON)
    modes[MODE_KEYWORD[key]] = mode
    traj = _load(stored, **modes)
    assert _state(traj, LEAVES[key]) == state


def test_load_nothing_still_reads_metadata_and_runs(stored: str) -> None:
    """LOAD_NOTHING everywhere still reads name, comment, length and run information."""
    traj = _load(stored, load_data=C.LOAD_NOTHING)
    assert traj.v_name == "t"
    assert traj.v_comment == "modes"
    assert len(traj) == 3
    assert traj.f_is_completed()


def test_load_data_keeps_values_in_memory(fresh: tuple[Trajectory, str]) -> None:
    """LOAD_DATA fills only empty leaves; a result in RAM just gains its missing items."""
    traj, _ = fresh
    res = traj.f_get("results.grp.res")
    res.f_set_single("a", 100)
    res.f_remove("b")
    x = traj.f_get("parameters.grp.y")
    x.f_unlock()
    x.f_set(50.0)
    traj.f_load(load_data=C.LOAD_DATA)
    assert traj.f_get("parameters.grp.y").f_get() == 50.0
    assert res.f_to_dict() == {"a": 100, "b": "two"}


def test_overwrite_data_replaces_results_but_skips_locked_parameters(
        fresh: tuple[Trajectory, str]) -> None:
    """OVERWRITE_DATA reloads results; a locked parameter is left alone (silently, as pypet)."""
    traj, _ = fresh
    res = traj.f_get("results.grp.res")
    res.f_set_single("a", 100)
    res.f_set_single("extra", 5)
    y = traj.f_get("parameters.grp.y")
    y.f_unlock()
    y.f_set(50.0)
    y.f_lock()
    traj.f_load(load_data=C.OVERWRITE_DATA)
    assert res.f_to_dict() == {"a": 1, "b": "two"}
    assert y.f_get() == 50.0
    y.f_unlock()
    traj.f_load(load_data=C.OVERWRITE_DATA)
    assert y.f_get() == 2.0


def test_invalid_mode_is_refused(stored: str) -> None:
    """A load mode outside 0..3 raises ValueError."""
    with pytest.raises(ValueError, match="0..3"):
        _load(stored, load_data=4)


def test_as_new_loads_parameters_for_a_new_run(stored: str) -> None:
    """``as_new`` keeps the new name, loads unlocked parameters only, and fresh run info."""
    traj = Trajectory("rerun", filename=stored)
    traj.f_load(name="t", as_new=True, load_parameters=C.LOAD_DATA,
                load_derived_parameters=C.LOAD_NOTHING, load_results=C.LOAD_NOTHING,
                load_other_data=C.LOAD_NOTHING)
    assert traj.v_name == "rerun"
    assert len(traj) == 3
    assert not traj.f_is_completed(0)
    x = traj.f_get("parameters.grp.x")
    assert not x.v_locked and not x.v_stored
    assert x.f_get_range() == [1, 2, 3]
    assert _state(traj, "config.grp.seed") is None
    assert _state(traj, "results.grp.res") is None


def test_as_new_sets_the_branch_modes_itself(stored: str) -> None:
    """``as_new`` loads parameters only whatever the branch modes say (pypet 0.7), but a
    ``load_data`` for every branch is refused with ValueError."""
    traj = Trajectory(filename=stored)
    traj.f_load(name="t", as_new=True, load_results=C.LOAD_DATA)
    assert _state(traj, "results.grp.res") is None
    with pytest.raises(ValueError, match="as_new"):
        Trajectory(filename=stored).f_load(name="t", as_new=True, load_data=C.LOAD_DATA)


def test_as_new_trajectory_stores_under_its_new_name(stored: str, tmp_path: Any) -> None:
    """A trajectory loaded ``as_new`` is stored as a new trajectory in a new file."""
    traj = Trajectory("rerun", filename=stored)
    traj.f_load(name="t", as_new=True, load_derived_parameters=0, load_results=0,
                load_other_data=0)
    target = str(tmp_path / "rerun.hdf5")
    traj.v_storage_service.filename = target
    traj.f_store()
    again = _load_named(target, "rerun")
    assert again.f_get("parameters.grp.x").f_get_range() == [1, 2, 3]


def _load_named(filename: str, name: str, **kwargs: Any) -> Trajectory:
    traj = Trajectory(filename=filename)
    traj.f_load(name=name, **kwargs)
    return traj


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_max_depth_limits_the_loaded_tree(stored: str, depth: int) -> None:
    """``max_depth`` loads nodes down to that depth only (root children are depth 1)."""
    traj = _load(stored, load_data=2, max_depth=depth)
    assert (_state(traj, "results.grp") is not None) == (depth >= 2)
    assert _state(traj, "results.grp.res") == ("data" if depth >= 3 else None)
    assert _state(traj, "results.runs.run_00000001.z") is None
    assert _state(traj, "other.grp.leaf") == ("data" if depth >= 3 else None)


def test_recursive_false_loads_only_the_branches(stored: str) -> None:
    """``recursive=False`` loads just the top level (pypet: max_depth 1)."""
    traj = _load(stored, load_data=2, recursive=False)
    assert _state(traj, "results.grp") is None
    assert "results" in traj._children


def test_without_run_information_keeps_only_the_length(stored: str) -> None:
    """``with_run_information=False`` reads the run count but not the run records."""
    full = _load(stored)
    lean = _load(stored, with_run_information=False)
    assert len(lean) == len(full) == 3
    assert full.f_get_run_information(1)["completed"] == 1
    assert lean.f_get_run_information(1)["completed"] == 0


def test_with_meta_data_false_keeps_own_comment(stored: str) -> None:
    """``with_meta_data=False`` leaves name-independent metadata such as the comment alone."""
    traj = Trajectory("t", filename=stored, comment="mine")
    traj.f_load(with_meta_data=False)
    assert traj.v_comment == "mine"
    assert traj.f_get("parameters.grp.x").f_get_range() == [1, 2, 3]


def test_load_skeleton(stored: str) -> None:
    """``f_load_skeleton`` loads every node empty, by the trajectory's own name."""
    traj = Trajectory("t", filename=stored)
    traj.f_load_skeleton()
    assert {_state(traj, name) for name in LEAVES.values()} == {"empty"}
    assert len(traj) == 3


def test_load_without_name_uses_the_current_name(stored: str) -> None:
    """``f_load()`` without name or index loads the trajectory of the current name."""
    traj = Trajectory("t", filename=stored)
    traj.f_load()
    assert _state(traj, "parameters.grp.x") == "data"


def test_explored_parameters_are_registered(stored: str) -> None:
    """After a load the explored parameters and their ranges are known."""
    traj = _load(stored)
    assert list(traj.f_get_explored_parameters()) == ["parameters.grp.x"]
    traj.v_idx = 2
    assert traj.x == 3


# --- partial loading -------------------------------------------------------------------------


def test_load_items_by_name_and_instance(stored: str) -> None:
    """``f_load_item(s)`` accepts names (shortcuts too) and nodes; they get their data."""
    traj = _load(stored)
    traj.f_load_item("grp.res")
    traj.f_load_items([traj.f_get("derived_parameters.grp.dp"),
                       "results.runs.run_00000001.z", "results.runs.run_00000002.big"])
    assert traj.f_get("results.grp.res").f_to_dict() == {"a": 1, "b": "two"}
    assert traj.dp == 7
    assert traj.f_get("results.runs.run_00000001.z").f_get() == 1.5
    assert traj.f_get("results.runs.run_00000002.big").f_get()[0] == 2
    assert _state(traj, "results.runs.run_00000000.z") == "empty"


def test_load_item_load_only_and_load_except(stored: str) -> None:
    """``load_only``/``load_except`` (a name or a list) pick items of a leaf."""
    traj = _load(stored)
    traj.f_load_item("results.grp.res", load_only="a")
    assert traj.f_get("results.grp.res").f_to_dict() == {"a": 1}
    other = _load(stored)
    other.f_load_item("results.grp.res", load_except=["a"])
    assert other.f_get("results.grp.res").f_to_dict() == {"b": "two"}


def test_load_only_on_a_locked_parameter_raises(stored: str) -> None:
    """``load_only`` on a locked parameter raises ParameterLockedException."""
    traj = _load(stored)
    with pytest.raises(ParameterLockedException):
        traj.f_load_item("parameters.grp.y", load_only="data")


def test_load_items_only_empties(stored: str) -> None:
    """``only_empties`` leaves non-empty leaves alone."""
    traj = _load(stored)
    traj.f_load_item("results.grp.res")
    traj.f_get("results.grp.res").f_set_single("a", 99)
    traj.f_load_items(["results.grp.res", "derived_parameters.grp.dp"], only_empties=True,
                      load_data=C.OVERWRITE_DATA)
    assert traj.f_get("results.grp.res").a == 99
    assert traj.dp == 7


def test_load_item_not_in_file_warns(stored: str, caplog: pytest.LogCaptureFixture) -> None:
    """Loading an item the file does not hold logs a warning and changes nothing."""
    traj = _load(stored)
    with caplog.at_level(logging.WARNING):
        traj.f_load_item("results.nowhere")
    assert "results.nowhere" in caplog.text


def test_load_items_needs_a_stored_trajectory(h5path: str) -> None:
    """``f_load_items`` on a trajectory never stored or loaded raises TypeError."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("r", 1)
    with pytest.raises(TypeError, match="never stored"):
        traj.f_load_item("r")


def test_load_child_returns_the_node(stored: str) -> None:
    """``group.f_load_child`` loads one path (or a subtree) and returns the node."""
    traj = _load(stored, load_results=C.LOAD_NOTHING)
    node = traj.results.f_load_child("grp.res")
    assert node is traj.f_get("results.grp.res")
    assert node.f_to_dict() == {"a": 1, "b": "two"}
    run = traj.results.f_load_child("runs.run_00000002", recursive=True)
    assert run.z == 3.0
    assert run.big[0] == 2
    assert _state(traj, "results.runs.run_00000001.z") is None


def test_group_load_loads_its_subtree(stored: str) -> None:
    """``group.f_load()`` loads everything below the group with data."""
    traj = _load(stored)
    traj.results.f_load()
    assert _state(traj, "results.grp.res") == "data"
    assert _state(traj, "results.runs.run_00000000.z") == "data"
    assert _state(traj, "results.runs.run_00000002.big") == "data"
    assert _state(traj, "derived_parameters.grp.dp") == "empty"


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_group_load_with_max_depth(stored: str, depth: int) -> None:
    """``group.f_load(max_depth=n)`` loads n levels below the group, run-table cells too."""
    traj = _load(stored, load_results=C.LOAD_NOTHING)
    traj.results.f_load(max_depth=depth)
    assert _state(traj, "results.grp") == "group"
    assert _state(traj, "results.grp.res") == ("data" if depth >= 2 else None)
    assert _state(traj, "results.runs.run_00000001.z") == ("data" if depth >= 3 else None)
    assert _state(traj, "results.runs.run_00000001.big") == ("data" if depth >= 3 else None)


def test_auto_load_fills_missing_and_empty_nodes(stored: str) -> None:
    """With ``v_auto_load``, natural naming loads a missing path or an empty leaf on demand."""
    traj = _load(stored, load_results=C.LOAD_NOTHING, load_derived_parameters=C.LOAD_SKELETON)
    traj.v_auto_load = True
    assert traj.results.grp.res.b == "two"
    assert traj.derived_parameters.grp.dp == 7


def test_auto_load_one_run_among_many(stored: str) -> None:
    """Auto-loading one run's result brings only that run's result into memory."""
    traj = _load(stored, load_results=C.LOAD_NOTHING)
    traj.v_auto_load = True
    assert traj.results.runs.run_00000002.z == 3.0
    assert traj.results.runs.run_00000002.big[5] == 7
    assert _state(traj, "results.runs.run_00000001.z") is None
    assert _state(traj, "results.runs.run_00000000.big") is None


def test_auto_load_miss_raises_data_not_in_storage(stored: str) -> None:
    """Auto-load of a name that is neither in RAM nor in the file raises
    DataNotInStorageError (pypet 0.7: the file was asked and does not have it)."""
    from pypet import DataNotInStorageError

    traj = _load(stored)
    traj.v_auto_load = True
    with pytest.raises(DataNotInStorageError, match="nowhere"):
        traj.results.nowhere  # noqa: B018
    traj.v_auto_load = False
    with pytest.raises(AttributeError):
        traj.results.nowhere  # noqa: B018


def test_get_from_runs_auto_load(stored: str) -> None:
    """``f_get_from_runs(auto_load=True)`` fills skeleton results before returning values."""
    traj = _load(stored)
    values = traj.f_get_from_runs("z", fast_access=True, use_indices=True, auto_load=True)
    assert dict(values) == {0: 0.0, 1: 1.5, 2: 3.0}


# --- store modes -------------------------------------------------------------------------------


def _stored_res(filename: str) -> dict[str, Any]:
    return _load(filename, load_data=2).f_get("results.grp.res").f_to_dict()


def test_store_data_adds_new_items_only(fresh: tuple[Trajectory, str]) -> None:
    """STORE_DATA writes new items of a stored leaf but never changes stored items."""
    traj, filename = fresh
    res = traj.f_get("results.grp.res")
    res.f_set_single("a", 100)
    res.f_set_single("c", 3)
    res.v_comment = "changed"
    traj.f_store(store_data=C.STORE_DATA)
    loaded = _load(filename, load_data=2).f_get("results.grp.res")
    assert loaded.f_to_dict() == {"a": 1, "b": "two", "c": 3}
    assert loaded.v_comment == "res"


def test_store_skipping_leaves_stored_leaves_alone(fresh: tuple[Trajectory, str]) -> None:
    """STORE_DATA_SKIPPING skips stored leaves entirely but stores new ones."""
    traj, filename = fresh
    traj.f_get("results.grp.res").f_set_single("c", 3)
    traj.f_add_result("grp.new", 5)
    traj.f_store(store_data=C.STORE_DATA_SKIPPING)
    assert _stored_res(filename) == {"a": 1, "b": "two"}
    assert _load(filename, load_data=2).f_get("results.grp.new").f_get() == 5


def test_store_overwrite_rewrites_items_and_comments(fresh: tuple[Trajectory, str]) -> None:
    """OVERWRITE_DATA replaces the leaf's items, comment and annotations in the file.

    As in pypet, only items the leaf holds are replaced: an item removed in RAM stays in
    the file (delete it with ``f_delete_item(..., delete_only=...)``).
    """
    traj, filename = fresh
    res = traj.f_get("results.grp.res")
    res.f_set_single("a", 100)
    res.f_set_single("c", [3])
    res.f_remove("b")
    res.v_comment = "new comment"
    res.v_annotations.f_set(tag="t")
    traj.f_store(store_data=C.OVERWRITE_DATA)
    loaded = _load(filename, load_data=2).f_get("results.grp.res")
    assert loaded.f_to_dict() == {"a": 100, "b": "two", "c": [3]}
    assert loaded.v_comment == "new comment"
    assert loaded.v_annotations.f_to_dict() == {"tag": "t"}


def test_overwrite_from_a_skeleton_never_deletes_data(stored: str, tmp_path: Any) -> None:
    """Storing a skeleton-loaded trajectory with OVERWRITE_DATA keeps all stored data."""
    import shutil

    filename = str(tmp_path / "copy.hdf5")
    shutil.copy(stored, filename)
    traj = _load(filename, load_data=C.LOAD_SKELETON)
    traj.f_store(store_data=C.OVERWRITE_DATA)
    loaded = _load(filename, load_data=C.LOAD_DATA)
    assert {key: _state(loaded, name) for key, name in LEAVES.items()} == \
        dict.fromkeys(LEAVES, "data")
    assert loaded.f_get("results.grp.res").f_to_dict() == {"a": 1, "b": "two"}
    assert loaded.f_get("results.runs.run_00000001.z").f_get() == 1.5


def test_store_nothing_writes_no_leaves(fresh: tuple[Trajectory, str]) -> None:
    """STORE_NOTHING writes no leaf data."""
    traj, filename = fresh
    traj.f_add_result("grp.never", 1)
    traj.f_store(store_data=C.STORE_NOTHING)
    assert _state(_load(filename, load_data=2), "results.grp.never") is None


def test_only_init_stores_metadata_without_leaves(h5path: str) -> None:
    """``f_store(only_init=True)`` writes metadata and the run table, no leaves."""
    traj = Trajectory("t", filename=h5path, comment="init")
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2]})
    traj.f_store(only_init=True)
    loaded = _load(h5path, load_data=2)
    assert loaded.v_comment == "init"
    assert len(loaded) == 2
    assert _state(loaded, "parameters.x") is None


def test_store_item_overwrite_list_and_true(fresh: tuple[Trajectory, str]) -> None:
    """``f_store_item(overwrite=[names])`` rewrites those items; ``overwrite=True`` all."""
    traj, filename = fresh
    res = traj.f_get("results.grp.res")
    res.f_set_single("a", 100)
    res.f_set_single("b", "changed")
    traj.f_store_item(res, overwrite=["a"])
    assert _stored_res(filename) == {"a": 100, "b": "two"}
    traj.f_store_item("results.grp.res", overwrite=True)
    assert _stored_res(filename) == {"a": 100, "b": "changed"}
    res.f_set_single("a", 5)
    traj.f_store_item(res, overwrite="a")  # a single name works too
    assert _stored_res(filename) == {"a": 5, "b": "changed"}


def test_store_items_needs_a_stored_trajectory(h5path: str) -> None:
    """``f_store_items`` before the first ``f_store`` raises TypeError; no items ValueError."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("r", 1)
    with pytest.raises(TypeError, match="f_store"):
        traj.f_store_item("r")
    traj.f_store()
    with pytest.raises(ValueError, match="no items"):
        traj.f_store_items([])


def test_store_child_and_group_store(fresh: tuple[Trajectory, str]) -> None:
    """``f_store_child`` stores one child (recursively if asked); ``group.f_store`` a subtree."""
    traj, filename = fresh
    traj.f_add_result("later.deep.leaf", 1)
    traj.f_add_result("later.other", 2)
    traj.results.f_store_child("later.deep", recursive=True)
    loaded = _load(filename, load_data=2)
    assert _state(loaded, "results.later.deep.leaf") == "data"
    assert _state(loaded, "results.later.other") is None
    traj.f_get("results.later").f_store()
    assert _state(_load(filename, load_data=2), "results.later.other") == "data"
    with pytest.raises(ValueError, match="not a child"):
        traj.results.f_store_child("missing")


def test_group_comment_is_stored_with_store_child(fresh: tuple[Trajectory, str]) -> None:
    """Storing a group stores its comment and annotations."""
    traj, filename = fresh
    group = traj.f_add_result_group("annotated", comment="group comment")
    group.v_annotations.f_set(k="v")
    traj.results.f_store_child("annotated")
    loaded = _load(filename, load_data=2).f_get("results.annotated")
    assert loaded.v_comment == "group comment"
    assert loaded.v_annotations.f_to_dict() == {"k": "v"}


def test_store_inside_a_run_stores_only_what_the_run_added(h5path: str) -> None:
    """``f_store`` inside a run writes the run's new items and nothing else."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    traj.f_store()
    traj.f_add_result("outside", 1)  # added outside the run, never stored
    traj.f_start_run(1)
    traj.f_add_result("z", 2)
    traj.f_store()
    traj.f_finalize_run(clean_up=False)
    loaded = _load(h5path, load_data=2)
    assert loaded.f_get("results.runs.run_00000001.z").f_get() == 2
    assert _state(loaded, "results.outside") is None


# --- deleting ----------------------------------------------------------------------------------


def test_delete_item_keeps_ram_unless_asked(fresh: tuple[Trajectory, str]) -> None:
    """``f_delete_item`` removes from the file; RAM keeps it unless remove_from_trajectory."""
    traj, filename = fresh
    traj.f_delete_item("results.grp.res")
    assert traj.f_contains("results.grp.res")
    assert not traj.f_get("results.grp.res").v_stored
    traj.f_delete_items([traj.f_get("derived_parameters.grp.dp")], remove_from_trajectory=True)
    assert not traj.f_contains("derived_parameters.grp.dp")
    loaded = _load(filename, load_data=2)
    assert _state(loaded, "results.grp.res") is None
    assert _state(loaded, "derived_parameters.grp.dp") is None


def test_delete_only_some_items(fresh: tuple[Trajectory, str]) -> None:
    """``delete_only`` removes some items from the file (and from RAM with remove_from_item)."""
    traj, filename = fresh
    res = traj.f_get("results.grp.res")
    traj.f_delete_item(res, delete_only="b")
    assert res.f_to_dict() == {"a": 1, "b": "two"}
    assert _stored_res(filename) == {"a": 1}
    traj.f_delete_item(res, delete_only=["a"], remove_from_item=True)
    assert res.f_to_dict() == {"b": "two"}
    assert _load(filename, load_data=2).f_get("results.grp.res").f_is_empty()


def test_delete_group_needs_recursive(fresh: tuple[Trajectory, str]) -> None:
    """Deleting a group with children needs ``recursive=True``."""
    traj, filename = fresh
    with pytest.raises(TypeError, match="recursive"):
        traj.f_delete_item("results.grp")
    traj.f_delete_item("results.grp", recursive=True)
    assert _state(_load(filename, load_data=2), "results.grp") is None


def test_delete_run_results_in_the_run_table(fresh: tuple[Trajectory, str]) -> None:
    """Run results stored as run-table cells can be deleted like nodes, also whole runs."""
    traj, filename = fresh
    traj.f_delete_item("results.runs.run_00000001.z")
    traj.f_delete_item("results.runs.run_00000002", recursive=True)
    loaded = _load(filename, load_data=2)
    assert _state(loaded, "results.runs.run_00000001.z") is None
    assert _state(loaded, "results.runs.run_00000001.big") == "data"
    assert _state(loaded, "results.runs.run_00000002") is None
    assert _state(loaded, "results.runs.run_00000000.z") == "data"
    frame = loaded.f_to_dataframe()
    assert frame["z"].isna().tolist() == [False, True, True]


def test_delete_only_on_a_run_table_result(h5path: str) -> None:
    """``delete_only`` on a multi-item run-table result keeps the other items."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    for idx in range(2):
        traj.f_start_run(idx)
        traj.f_add_result("m", a=idx, b=float(idx))
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    traj.f_delete_item("results.runs.run_00000001.m", delete_only=["a"])
    loaded = _load(h5path, load_data=2)
    assert loaded.f_get("results.runs.run_00000001.m").f_to_dict() == {"b": 1.0}
    assert loaded.f_get("results.runs.run_00000000.m").f_to_dict() == {"a": 0, "b": 0.0}


def test_deleted_item_can_be_stored_again(fresh: tuple[Trajectory, str]) -> None:
    """After deleting a (run-table) result, storing it again brings it back."""
    traj, filename = fresh
    traj.f_delete_item("results.runs.run_00000001.z")
    traj.f_store_item("results.runs.run_00000001.z")
    assert _load(filename, load_data=2).f_get("results.runs.run_00000001.z").f_get() == 1.5


def test_delete_missing_item_raises(fresh: tuple[Trajectory, str]) -> None:
    """Deleting something the file does not hold raises DataNotInStorageError (an IOError)."""
    traj, _ = fresh
    traj.f_add_result("never_stored", 1)
    with pytest.raises(OSError, match="never_stored"):
        traj.f_delete_item("results.never_stored")


def test_delete_links(fresh: tuple[Trajectory, str]) -> None:
    """``f_delete_link(s)`` removes links by dotted name or ``(group, name)``."""
    traj, filename = fresh
    traj.f_add_link("lnk1", traj.f_get("results.grp.res"))
    traj.results.f_add_link("lnk2", traj.f_get("parameters.grp.x"))
    traj.f_store()
    assert "lnk1" in _load(filename)._links
    traj.f_delete_link("lnk1")
    traj.f_delete_links([(traj.results, "lnk2")], remove_from_trajectory=True)
    assert "lnk1" in traj._links
    assert "lnk2" not in traj.results._links
    loaded = _load(filename)
    assert "lnk1" not in loaded._links
    assert "lnk2" not in loaded.results._links
    assert _state(loaded, "results.grp.res") == "empty"
    with pytest.raises(ValueError, match="no link"):
        traj.f_delete_link("results.nolink")


# --- several trajectories ---------------------------------------------------------------------


def test_several_trajectories_in_one_file(h5path: str) -> None:
    """One file holds several trajectories; index picks them oldest first (negative too)."""
    names = ["first", "second", "third"]
    for pos, name in enumerate(names):
        traj = Trajectory(name, filename=h5path)
        traj.f_add_parameter("which", pos)
        traj.f_store()
        time.sleep(0.002)  # distinct creation timestamps order the trajectories
    for index, name in [(0, "first"), (1, "second"), (2, "third"), (-1, "third"),
                        (-3, "first")]:
        traj = Trajectory(filename=h5path)
        traj.f_load(index=index)
        assert traj.v_name == name
        assert traj.which == names.index(name)
    assert _load_named(h5path, "second").which == 1


def test_trajectories_in_one_file_do_not_touch_each_other(h5path: str) -> None:
    """Storing, changing and deleting in one trajectory leaves the others as they were."""
    one = Trajectory("one", filename=h5path)
    one.f_add_result("r", 1)
    one.f_store()
    two = Trajectory("two", filename=h5path)
    two.f_add_result("r", 2)
    two.f_store()
    one.f_delete_item("results.r")
    assert _load_named(h5path, "two", load_data=2).f_get("results.r").f_get() == 2
    assert _state(_load_named(h5path, "one", load_data=2), "results.r") is None
