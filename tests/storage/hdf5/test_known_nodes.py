"""Stores skip what the service wrote itself, and never skip what the file lacks."""

from __future__ import annotations

import h5py
import tables

from pypet import Environment, Trajectory, load_trajectory
from pypet.storage.hdf5.known_nodes import KnownNodes
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord


def _stored(tmp_path, name="t"):
    traj = Trajectory(name, filename=str(tmp_path / "t.hdf5"))
    traj.f_add_parameter("x", 1.0)
    traj.f_add_result("r", a=1, b=2)
    traj.f_store()
    return traj


def _items(tmp_path, name="t", leaf="results/r"):
    with h5py.File(tmp_path / "t.hdf5", "r") as f:
        node = f[f"{name}/{leaf}"]
        return sorted(node) if isinstance(node, h5py.Group) else [leaf.rpartition("/")[2]]


def test_new_items_of_a_stored_leaf_are_added(tmp_path):
    """An item added to a stored result after its store is written by the next store."""
    traj = _stored(tmp_path)
    traj.r.f_set(c=3)
    traj.f_store()
    assert _items(tmp_path) == ["a", "b", "c"]


def test_items_deleted_from_the_file_are_stored_again(tmp_path):
    """After f_delete_items(delete_only=...) a store writes the item again, as before."""
    traj = _stored(tmp_path)
    traj.f_delete_items([traj.r], delete_only=["a"])
    assert _items(tmp_path) == ["b"]
    traj.f_store()
    assert _items(tmp_path) == ["a", "b"]


def test_a_file_changed_by_another_service_is_not_trusted(tmp_path):
    """Items another trajectory object deleted from the file come back at the next store."""
    traj = _stored(tmp_path)
    other = load_trajectory(filename=str(tmp_path / "t.hdf5"), name="t", load_results=2)
    other.f_delete_items([other.r], delete_only=["a"])
    traj.f_store()
    assert _items(tmp_path) == ["a", "b"]


def test_a_file_changed_outside_pypet_is_not_trusted(tmp_path):
    """A leaf removed with plain PyTables between two stores is written again."""
    traj = _stored(tmp_path)
    with tables.open_file(str(tmp_path / "t.hdf5"), "a") as h5:
        h5.remove_node("/t/results/r", recursive=True)
    traj.f_store()
    assert _items(tmp_path) == ["a", "b"]


def test_annotations_and_comments_added_later_are_stored(tmp_path):
    """A group's annotation and a new group added after the first store reach the file."""
    traj = _stored(tmp_path)
    traj.f_get("results").v_annotations.f_set(note="later")
    traj.f_add_result("g.s", 4, comment="new")
    traj.f_store()
    loaded = load_trajectory(filename=str(tmp_path / "t.hdf5"), name="t", load_results=2)
    assert loaded.f_get("results").v_annotations.f_get("note") == "later"
    assert loaded.f_get("results.g.s").v_comment == "new"


def test_a_sweep_writes_every_node_once(tmp_path):
    """The store after the runs writes its new config entries, none stored before."""
    env = Environment(trajectory="t", filename=str(tmp_path / "t.hdf5"), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0)
    traj.f_explore({"x": [1.0, 2.0]})
    known = traj.v_storage_service._known
    written = []
    unwritten = known.unwritten

    def spy(traj_name, records, noted):
        for record in unwritten(traj_name, records, noted):
            written.append(record.full_name)
            yield record

    known.unwritten = spy
    env.run(lambda t: t.f_add_result("z", t.x * 2))
    assert len(written) == len(set(written))
    assert f"config.environment.{env.name}.finish_timestamp" in written
    assert "config.hdf5.complevel" in written and "parameters.x" in written
    loaded = load_trajectory(filename=str(tmp_path / "t.hdf5"), name="t", load_all=2)
    assert loaded.f_get(f"config.environment.{env.name}.finish_timestamp").f_get() > 0


def test_known_nodes_hold_only_what_was_noted_outside_runs(tmp_path):
    """Noted leaves, groups and links are held with their items; run-scoped names never."""
    known = KnownNodes()
    leaf = LeafRecord("results.r", "Result", "", None, {"a": 1})
    in_run = LeafRecord("results.runs.run_00000001.z", "Result", "", None, {"z": 1})
    group = GroupRecord("results.g", "", "hi", {"k": 1})
    link = LinkRecord("results", "l", "parameters.x")
    known.note("t", [leaf, in_run, group, link])
    assert list(known.unwritten("t", [leaf, in_run, group, link], [])) == [in_run]
    assert list(known.unwritten("other", [leaf, group], [])) == [leaf, group]
    bigger = LeafRecord("results.r", "Result", "", None, {"a": 1, "b": 2})
    annotated = GroupRecord("results.g", "", "", {"k": 1, "new": 2})
    assert list(known.unwritten("t", [bigger, annotated], [])) == [bigger, annotated]
    known.replaced("t", LeafRecord("results.r", "Result", "", None, {"b": 2}))
    assert list(known.unwritten("t", [leaf], [])) == [leaf]
    path = tmp_path / "f"
    path.write_bytes(b"1")
    known.closed(str(path))
    known.opening(str(path))
    assert list(known.unwritten("t", [group], [])) == []
    path.write_bytes(b"22")
    known.opening(str(path))
    assert list(known.unwritten("t", [group], [])) == [group]


def test_explored_columns_are_written_once_per_change(tmp_path, monkeypatch):
    """A sweep writes its explored columns once; a changed range is written again."""
    from pypet.storage.hdf5.storing import TrajectoryFile

    calls = []
    original = TrajectoryFile.write_explored

    def counting(self, image):
        calls.append(image.length)
        original(self, image)

    monkeypatch.setattr(TrajectoryFile, "write_explored", counting)
    env = Environment(trajectory="t", filename=str(tmp_path / "t.hdf5"), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0)
    traj.f_explore({"x": [1.0, 2.0]})
    env.run(lambda t: None)
    assert calls == [2]
    other = Trajectory("o", filename=str(tmp_path / "o.hdf5"))
    other.f_add_parameter("x", 1.0)
    other.f_explore({"x": [1.0, 2.0]})
    other.f_store()
    other.f_store()
    other.f_shrink(force=True)
    other.f_explore({"x": [3.0, 4.0]})  # same name and length, new values
    other.f_store()
    assert calls == [2, 2, 2]
    loaded = load_trajectory(filename=str(tmp_path / "o.hdf5"), name="o")
    assert loaded.f_get("x").f_get_range() == [3.0, 4.0]
    assert loaded.f_to_dataframe(point_hash=False)["x"].tolist() == [3.0, 4.0]


def test_two_trajectories_in_one_file_share_nothing(tmp_path):
    """A service storing two trajectories writes each one's nodes (same tree names)."""
    first = _stored(tmp_path, "first")
    second = Trajectory("second", filename=str(tmp_path / "t.hdf5"))
    second.v_storage_service = first.v_storage_service
    second.f_add_parameter("x", 2.0)
    second.f_add_result("r", a=1, b=2)
    second.f_store()
    assert _items(tmp_path, "second") == ["a", "b"]
    loaded = load_trajectory(filename=str(tmp_path / "t.hdf5"), name="second", load_all=2)
    assert loaded.x == 2.0
