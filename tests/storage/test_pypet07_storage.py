"""Storing and loading as pypet 0.7 does, where its own test suite checks it (issue #8)."""

from __future__ import annotations

from typing import Any

import pytest
import tables

from pypet import (
    DataNotInStorageError,
    Environment,
    Trajectory,
    load_trajectory,
    pypetconstants,
)
from pypet.results.object_table import ObjectTable


def _traj(tmp_path: Any, name: str = "t", **kwargs: Any) -> Trajectory:
    return Trajectory(name, filename=str(tmp_path / "t.hdf5"), **kwargs)


def _overview(filename: str, name: str) -> dict[str, int]:
    with tables.open_file(filename) as h5:
        group = h5.get_node(f"/{name}/overview")
        return {child._v_name: child.nrows for child in group._f_iter_nodes()
                if isinstance(child, tables.Table)}


def test_config_hdf5_entries_exist_from_the_start(tmp_path):
    """A trajectory with a file shows pypet's ``config.hdf5.*`` settings at once."""
    traj = _traj(tmp_path, complevel=4)
    assert not traj.f_get("config.hdf5.complevel").v_locked  # users may still change it
    assert traj.config.hdf5.complevel == 4
    assert traj.f_get("config.hdf5.overview.results_summary").f_get() is True
    assert traj.hdf5.purge_duplicate_comments is True
    names = {n.v_full_name for n in traj.f_iter_leaves()}
    assert {"config.hdf5.overview.parameters_overview", "config.hdf5.results_per_run",
            "config.hdf5.encoding", "config.hdf5.pandas_format"} <= names


def test_changed_settings_apply_at_the_next_store(tmp_path):
    """Settings changed in the config are read back when storing; purging needs summaries."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    traj.f_add_parameter("x", 1)
    traj.config.hdf5.overview.results_summary = False
    with pytest.raises(RuntimeError, match="purge"):
        traj.f_store()
    traj.f_get("purge_duplicate_comments").f_unlock()
    traj.config.hdf5.purge_duplicate_comments = False
    traj.config.hdf5.overview.parameters_overview = False
    traj.f_store()
    tables_there = _overview(filename, "t")
    assert "parameters_overview" not in tables_there and "results_summary" not in tables_there
    assert "config_overview" in tables_there


def test_loading_adopts_the_files_settings(tmp_path):
    """A loaded trajectory shows (and stores with) the settings it was written with."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path, complevel=7)
    traj.f_store()
    loaded = load_trajectory("t", filename=filename)
    assert loaded.config.hdf5.complevel == 7
    assert loaded.v_storage_service.complevel == 7


def test_overview_tables_grow_as_pypet_says(tmp_path):
    """Overview tables get a row per newly stored leaf, keep deleted rows, stop at 1000."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path, large_overview_tables=True)
    traj.f_add_result("mytest.test", a="b", c="d")
    traj.f_add_derived_parameter("mmm.dpdp", 666)
    traj.f_add_parameter("ggg", 43)
    traj.f_add_parameter("hhh.mmm", 45)
    traj.f_explore({"ggg": [1, 2, 3]})
    traj.f_store()
    rows = _overview(filename, "t")
    assert rows["results_overview"] == 1 and rows["derived_parameters_overview"] == 1
    assert rows["parameters_overview"] == 2 and rows["explored_parameters_overview"] == 1
    assert {"info", "explorations", "hdf5_settings"} <= set(rows)
    traj.f_delete_item("par.hhh", recursive=True, remove_from_trajectory=True)
    traj.f_add_parameter("new", 1)
    traj.f_store()
    assert _overview(filename, "t")["parameters_overview"] == 3  # rows are never removed
    for i in range(pypetconstants.HDF5_MAX_OVERVIEW_TABLE_LENGTH):
        traj.f_add_parameter(f"many.p{i}", i)
    traj.f_store()
    assert _overview(filename, "t")["parameters_overview"] == 1000
    with tables.open_file(filename) as h5:
        row = h5.get_node("/t/overview/explored_parameters_overview")[0]
        assert (row["name"], row["length"], row["range"]) == (b"ggg", 3, b"1, 2, 3")
        settings = h5.get_node("/t/overview/hdf5_settings")[0]
        assert settings["results_overview"] and settings["complib"] == b"zlib"


def test_purge_keeps_the_first_comment_only(tmp_path):
    """With purge_duplicate_comments a repeated comment is stored for the first leaf only."""
    filename = str(tmp_path / "t.hdf5")
    env = Environment(trajectory="t", filename=filename, log_config=None)
    env.traj.f_add_parameter("x", 1)
    env.traj.f_explore({"x": [1, 2, 3]})

    def run(traj: Trajectory) -> None:
        traj.f_add_result("big", list(range(traj.x * 50)), comment="same words")

    env.run(run)
    loaded = load_trajectory("t", filename=filename, load_all=pypetconstants.LOAD_DATA)
    comments = [loaded.f_get(f"results.runs.run_0000000{i}.big").v_comment for i in range(3)]
    assert sorted(comments) == ["", "", "same words"]
    with tables.open_file(filename) as h5:
        assert h5.get_node("/t/overview/results_summary").nrows == 1


def test_as_new_loads_only_parameters(tmp_path):
    """as_new forces parameters=DATA and the rest NOTHING, whatever the modes say."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    traj.f_add_parameter("x", 3)
    traj.f_explore({"x": [12, 3, 44]})
    traj.f_add_result("r", 1)
    traj.f_store()
    new = load_trajectory(name="t", filename=filename, as_new=True, new_name="New",
                          add_time=False)
    assert new.v_name == "New" and "results.r" not in new
    assert new.f_get("x").f_get_range() == [12, 3, 44]


def test_child_max_depth_counts_from_the_group(tmp_path):
    """f_store_child/f_load_child count max_depth from the group they are called on."""
    traj = _traj(tmp_path)
    traj.f_store()
    traj.f_add_derived_parameter("d1.d2.d3.d4.d5", 123)
    traj.dpar.f_store_child("d1", recursive=True, max_depth=3)
    traj.dpar.f_remove_child("d1", recursive=True)
    traj.dpar.f_load_child("d1", recursive=True)
    assert "d3" in traj and "d4" not in traj
    traj.dpar.f_remove_child("d1", recursive=True)
    traj.dpar.f_load_child("d1", recursive=True, max_depth=2)
    assert "d2" in traj and "d3" not in traj


def test_items_come_with_the_groups_on_their_path(tmp_path):
    """Storing/loading a deep item stores/loads the groups above it with annotations."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    traj.f_store()
    traj.f_add_result("Im.stored.along.a.path", 43)
    traj.Im.stored.along.v_annotations["wtf"] = 4444
    traj.res.f_store_child("Im.stored.along.a.path")
    other = Trajectory("t", filename=filename)
    other.f_load(load_data=pypetconstants.LOAD_NOTHING)
    other.res.f_load_child("Im.stored.along.a.path", load_data=pypetconstants.LOAD_DATA)
    assert other.path == 43 and other.along.v_annotations["wtf"] == 4444
    with pytest.raises(DataNotInStorageError):
        other.res.f_load_child("not.there")


def test_store_item_options(tmp_path):
    """Item tuples are checked; recursive/with_links work for *_items."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    res = traj.f_add_result("aaa.bbb.ccc.iii", 42)
    traj.f_store(only_init=True)
    traj.f_store_item("aaa", recursive=True)
    traj.ccc.f_add_link("link", res)
    with pytest.raises(ValueError, match="item tuple"):
        traj.f_store_item((pypetconstants.LEAF, res, (), {}, 5))
    traj.f_store_item(traj.ccc, recursive=True, with_links=False)
    other = load_trajectory("t", filename=filename, load_all=pypetconstants.LOAD_DATA)
    assert other.iii == 42 and "link" not in other.ccc
    traj.f_store_item(traj.ccc, recursive=True)
    other.f_load_item(other.ccc, recursive=True, with_links=False)
    assert "link" not in other.ccc
    other.f_load_items(dict.fromkeys(["ccc"]).keys(), recursive=True)  # any iterable
    assert other.ccc.link is other.iii


def test_overwrite_loading_replaces_annotations(tmp_path):
    """LOAD_DATA adds missing annotations; OVERWRITE_DATA replaces them with the file's."""
    traj = _traj(tmp_path)
    traj.f_add_result("a.r", 1).v_annotations["gg"] = 4
    traj.f_store()
    res = traj.f_get("r")
    res.v_annotations["gg"] = 5
    traj.f_load(load_data=pypetconstants.LOAD_DATA)
    assert res.v_annotations["gg"] == 5
    traj.f_load(load_data=pypetconstants.OVERWRITE_DATA)
    assert res.v_annotations["gg"] == 4


def test_object_table_round_trip(tmp_path):
    """An ObjectTable comes back as an ObjectTable with the cells' Python types."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    table = ObjectTable(data={"a": [1, "x"], "b": [(1, 2), None]})
    traj.f_add_result("tab", table)
    traj.f_store()
    back = load_trajectory("t", filename=filename, load_all=pypetconstants.LOAD_DATA).tab
    assert type(back) is ObjectTable and back.equals(table)
    assert [type(v) for v in back["a"]] == [int, str]


def test_skeleton_reload_keeps_run_information(tmp_path):
    """f_load_skeleton does not forget which runs completed (exploring stays refused)."""
    filename = str(tmp_path / "t.hdf5")
    env = Environment(trajectory="t", filename=filename, log_config=None)
    env.traj.f_add_parameter("x", 1)
    env.run(lambda traj: None)
    env.traj.f_load_skeleton()
    assert env.traj.f_is_completed()
    with pytest.raises(TypeError, match="completed"):
        env.traj.f_explore({"x": [1, 2]})


def test_parameters_loaded_during_a_run_show_its_point(tmp_path):
    """An explored parameter auto-loaded while a run is current shows that run's value."""
    filename = str(tmp_path / "t.hdf5")
    traj = _traj(tmp_path)
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [99, 2, 3]})
    traj.f_store()
    other = Trajectory(filename=filename)
    other.f_load(name="t", load_data=pypetconstants.LOAD_NOTHING)
    other.v_auto_load = True
    other.v_idx = 0
    assert other.par.x == 99


def test_ineffective_keywords_warn_once_naming_the_reason(tmp_path, monkeypatch):
    """Accepted keywords without effect warn once each, saying why (issue #8)."""
    from pypet import MultiprocContext, ineffective

    monkeypatch.setattr(ineffective, "_warned", set())
    filename = str(tmp_path / "t.hdf5")
    with pytest.warns(ineffective.IneffectiveKeywordWarning) as caught:
        env = Environment(trajectory="t", filename=filename, log_config=None, timeout=5,
                          pandas_format="t", encoding="latin1", display_time=1)
        MultiprocContext(env.traj, wrap_mode="LOCK", port=5, gc_interval=3, log_stdout=True)
        Environment(trajectory="u", filename=filename, log_config=None, timeout=5)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 7 and sum("timeout=5" in m for m in messages) == 1
    assert all(w.filename == __file__ for w in caught)  # points at the user's line
    assert any("pandas_format='t' has no effect" in m and "layout" in m for m in messages)
