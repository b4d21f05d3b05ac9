"""Files from strangers: nothing is unpickled that the user did not ask for."""

from __future__ import annotations

import pickle
from pathlib import Path

import h5py
import numpy as np
import pytest

from pypet import (
    Environment,
    PickleResult,
    Trajectory,
    UnsafeDataError,
    list_trajectories,
    load_trajectory,
)


class _WritesMarker:
    """Unpickling this object creates the file ``path`` (the attacker's code)."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _payload(marker: Path, protocol: int = 0) -> np.bytes_:
    return np.bytes_(pickle.dumps(_WritesMarker(marker), protocol=protocol))


def _study(path: Path, name: str = "study") -> None:
    env = Environment(trajectory=name, filename=str(path), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 1.0, comment="a parameter.")
    traj.f_add_parameter("label", "a text that ends with a dot.")
    traj.f_explore({"x": [1.0, 2.0, 3.0]})
    env.run(lambda t: t.f_add_result("z", t.x * 2, comment="twice x."))


def _all_ways_to_read(path: Path) -> None:
    """Open, list, skeleton load and full load; each must refuse the file."""
    attempts = {
        "list": lambda: list_trajectories(path),
        "skeleton": lambda: load_trajectory(index=-1, filename=str(path), load_all=1),
        "full": lambda: load_trajectory(index=-1, filename=str(path), load_all=2),
        "f_load": lambda: Trajectory(filename=str(path)).f_load(index=-1, load_data=2),
    }
    for what, attempt in attempts.items():
        with pytest.raises(UnsafeDataError, match="pickled"):
            attempt()
        assert what  # each attempt was refused


@pytest.mark.parametrize("where", ["/study", "/", "/study/parameters/x",
                                   "/study/overview/runs/completed"])
@pytest.mark.parametrize("protocol", [0, 4])
def test_planted_pickled_attribute_is_refused_without_running_it(tmp_path, where, protocol):
    """A pickled attribute anywhere is refused on open, list, skeleton and full load; the
    pickle never runs (its marker file never appears)."""
    path, marker = tmp_path / "study.hdf5", tmp_path / "MARKER"
    _study(path)
    with h5py.File(path, "a") as h5:
        h5[where].attrs["innocent"] = _payload(marker, protocol)
    _all_ways_to_read(path)
    assert not marker.exists()


@pytest.mark.parametrize("inert", [None, ("axis", 0, 1.5), {"a": [1, "b"]}, True])
@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_a_pickle_of_plain_constants_is_let_through(tmp_path, inert, protocol):
    """A pickled attribute that holds only plain constants (as pandas writes for an unnamed
    axis) imports and calls nothing: the file opens and loads."""
    path = tmp_path / "inert.hdf5"
    _study(path)
    with h5py.File(path, "a") as h5:
        h5["study"].attrs["inert"] = np.bytes_(pickle.dumps(inert, protocol=protocol))
    assert load_trajectory(index=-1, filename=str(path), load_all=2).f_get("x").f_get() == 1.0


def test_the_refusal_names_the_file_and_the_attribute(tmp_path):
    """The error says which file, which node and which attribute."""
    path, marker = tmp_path / "study.hdf5", tmp_path / "MARKER"
    _study(path)
    with h5py.File(path, "a") as h5:
        h5["/study"].attrs["evil"] = _payload(marker)
    with pytest.raises(UnsafeDataError) as info:
        load_trajectory(name="study", filename=str(path))
    text = str(info.value)
    assert str(path) in text and "/study" in text and "'evil'" in text
    assert not marker.exists()


def test_a_pickled_array_of_objects_is_refused(tmp_path):
    """A PyTables array of pickled objects (PSEUDOATOM 'object') is refused before reading."""
    path = tmp_path / "study.hdf5"
    _study(path)
    with h5py.File(path, "a") as h5:
        node = h5["/study/parameters/x"]
        node.attrs["PSEUDOATOM"] = np.bytes_(b"object")
    with pytest.raises(UnsafeDataError, match="PSEUDOATOM"):
        load_trajectory(name="study", filename=str(path), load_all=2)


def test_a_pickle_node_under_a_plain_result_is_refused(tmp_path):
    """A pickled node planted under a leaf class that never pickles is refused on open."""
    path, marker = tmp_path / "study.hdf5", tmp_path / "MARKER"
    traj = Trajectory("study", filename=str(path))
    traj.f_add_result("plain", 1.5)
    traj.f_store()
    with h5py.File(path, "a") as h5:
        node = h5["/study/results/plain"]
        del h5["/study/results/plain"]
        planted = h5["/study/results"].create_dataset(
            "plain", data=np.frombuffer(pickle.dumps(_WritesMarker(marker)), dtype=np.uint8))
        planted.attrs["pypet_kind"] = "pickle"
        planted.attrs["pypet_protocol"] = 4
        planted.attrs["pypet_leaf"] = "Result"
        assert node is not None
    for load_all in (1, 2):
        with pytest.raises(UnsafeDataError, match="never stores pickles"):
            load_trajectory(name="study", filename=str(path), load_all=load_all)
    assert not marker.exists()


def test_pickle_leaves_load_by_default_and_are_refused_with_allow_pickle_false(tmp_path):
    """PickleResult data loads as in pypet; allow_pickle=False refuses it but still loads the
    skeleton and every other leaf."""
    path = tmp_path / "study.hdf5"
    traj = Trajectory("study", filename=str(path))
    traj.f_add_result(PickleResult, "obj", {"a": {1, 2}}, comment="a set")
    traj.f_add_result("plain", 3)
    traj.f_store()
    assert load_trajectory(name="study", filename=str(path), load_all=2).obj == {"a": {1, 2}}
    skeleton = load_trajectory(name="study", filename=str(path), load_all=1, allow_pickle=False)
    assert skeleton.f_get("obj").f_is_empty()
    with pytest.raises(UnsafeDataError, match="allow_pickle=False"):
        load_trajectory(name="study", filename=str(path), load_all=2, allow_pickle=False)
    partial = load_trajectory(name="study", filename=str(path), load_all=1, allow_pickle=False)
    partial.f_load_item("plain")
    assert partial.plain == 3


def test_our_files_carry_no_pickled_attribute(tmp_path):
    """Annotations of every kind (tuples, bytes ending in '.', numpy values, None) are written
    without pickling and come back exactly."""
    path = tmp_path / "study.hdf5"
    traj = Trajectory("study", filename=str(path))
    result = traj.f_add_result("r", 1)
    values = {"tup": (1, "a."), "raw": b"ends with a dot.", "none": None, "big": 2**80,
              "npf": np.float32(1.5), "arr": np.arange(3, dtype=">i2"), "nan": float("nan"),
              "d": {1: [b"x."], "k": (None,)}, "txt": "plain text."}
    result.v_annotations.f_set(**values)
    traj.f_store()
    from pypet.storage.hdf5 import safety

    with h5py.File(path, "r") as h5:
        assert safety.scan(h5.id) == []
    loaded = load_trajectory(name="study", filename=str(path), load_all=2)
    back = loaded.f_get("r").v_annotations.f_to_dict()
    assert back["tup"] == (1, "a.") and back["raw"] == b"ends with a dot."
    assert back["none"] is None and back["big"] == 2**80 and back["d"] == {1: [b"x."],
                                                                              "k": (None,)}
    assert type(back["npf"]) is np.float32 and back["arr"].dtype == np.dtype(">i2")
    assert np.isnan(back["nan"]) and back["txt"] == "plain text."


def test_unstorable_annotation_is_a_clear_error(tmp_path):
    """An annotation without a pickle-free form is refused when storing, naming it."""
    traj = Trajectory("study", filename=str(tmp_path / "study.hdf5"))
    traj.f_add_result("r", 1).v_annotations.f_set(obj=object())
    with pytest.raises(TypeError, match="'obj'.*no stored form"):
        traj.f_store()
