"""Overview tables read lazily and rewritten only when changed keep pypet's content over many
stores."""

from __future__ import annotations

import tables

from pypet import Trajectory, load_trajectory


def _traj(tmp_path, **settings):
    return Trajectory("t", filename=str(tmp_path / "t.hdf5"), add_time=False, **settings)


def test_purge_remembers_comments_of_earlier_stores(tmp_path):
    """A comment first stored by an earlier f_store is purged from a later leaf's node."""
    traj = _traj(tmp_path, purge_duplicate_comments=True, summary_tables=True)
    traj.f_add_result("a", 1, comment="same words")
    traj.f_store()
    traj.f_add_result("b", 2, comment="same words")
    traj.f_add_result("c", 3, comment="other words")
    traj.f_store()
    loaded = load_trajectory("t", filename=str(tmp_path / "t.hdf5"), load_all=2)
    assert [loaded.f_get(f"results.{n}").v_comment for n in "abc"] == \
        ["same words", "", "other words"]
    with tables.open_file(str(tmp_path / "t.hdf5")) as h5:
        assert h5.get_node("/t/overview/results_summary").nrows == 2


def test_info_table_follows_the_trajectory(tmp_path):
    """The info row is kept while nothing changes and rewritten when the length does."""
    traj = _traj(tmp_path)
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2]})
    traj.f_store()
    traj.f_store()
    with tables.open_file(str(tmp_path / "t.hdf5")) as h5:
        assert h5.get_node("/t/overview/info").read()["length"].tolist() == [2]
    traj.f_expand({"x": [3, 4, 5]})
    traj.f_store()
    with tables.open_file(str(tmp_path / "t.hdf5")) as h5:
        info = h5.get_node("/t/overview/info").read()
        assert info["length"].tolist() == [5] and info["name"].tolist() == [b"t"]


def test_overview_rows_only_for_new_leaves_over_several_stores(tmp_path):
    """Each store adds rows for its new leaves only, the earlier rows stay."""
    traj = _traj(tmp_path)
    traj.f_add_parameter("p1", 1)
    traj.f_store()
    traj.f_store()
    traj.f_add_parameter("p2", 2)
    traj.f_store()
    with tables.open_file(str(tmp_path / "t.hdf5")) as h5:
        names = h5.get_node("/t/overview/parameters_overview").col("name").tolist()
    assert names == [b"p1", b"p2"]
