"""Storage errors are specific, early, name the culprit, and leave the file usable."""

from __future__ import annotations

from typing import Any

import h5py
import pytest

from pypet import (
    DataNotInStorageError,
    NoSuchServiceError,
    Result,
    Trajectory,
    VersionMismatchError,
)
from pypet.storage.hdf5.service import HDF5StorageService


class Opaque:
    """An object the codec has no stored form for."""


class BadResult(Result):
    """A custom leaf whose ``_store`` hands an unstorable object to the storage."""

    def _store(self) -> dict[str, Any]:
        items = super()._store()
        items["culprit"] = Opaque()
        return items


def _stored(filename: str, name: str = "t") -> Trajectory:
    traj = Trajectory(name, filename=filename)
    traj.f_add_parameter("x", 1)
    traj.f_add_result("r", 2)
    traj.f_store()
    return traj


def _load(filename: str, **kwargs: Any) -> Trajectory:
    traj = Trajectory(filename=filename, dynamic_imports=[BadResult])
    traj.f_load(**kwargs)
    return traj


# --- finding the file and the trajectory ------------------------------------------------------


def test_missing_file(tmp_path: Any) -> None:
    """Loading from a file that does not exist raises DataNotInStorageError naming it."""
    missing = str(tmp_path / "missing.hdf5")
    with pytest.raises(DataNotInStorageError, match="missing.hdf5"):
        _load(missing, name="t")
    assert issubclass(DataNotInStorageError, OSError)


def test_wrong_trajectory_name_lists_what_is_there(h5path: str) -> None:
    """A name the file does not hold raises DataNotInStorageError listing the held names."""
    _stored(h5path, "present")
    with pytest.raises(DataNotInStorageError, match="absent.*present"):
        _load(h5path, name="absent")


@pytest.mark.parametrize("index", [1, 5, -2])
def test_trajectory_index_out_of_range(h5path: str, index: int) -> None:
    """An index beyond the trajectories in the file raises DataNotInStorageError."""
    _stored(h5path)
    with pytest.raises(DataNotInStorageError, match="out of range"):
        _load(h5path, index=index)


def test_foreign_hdf5_content_is_not_a_trajectory(h5path: str) -> None:
    """Groups not written by pypet are neither loaded by name nor counted by index."""
    with h5py.File(h5path, "w") as f:
        f.create_group("foreign").create_dataset("data", data=[1, 2])
    with pytest.raises(DataNotInStorageError, match="not a trajectory"):
        _load(h5path, name="foreign")
    with pytest.raises(DataNotInStorageError, match="no pypet trajectory"):
        _load(h5path, index=0)


def test_format_version_bump_raises_version_mismatch(h5path: str) -> None:
    """A file written by a newer format version raises VersionMismatchError; force loads it."""
    _stored(h5path)
    with h5py.File(h5path, "a") as f:
        f["t"].attrs["pypet_format_version"] = 999
    with pytest.raises(VersionMismatchError, match="999"):
        _load(h5path, name="t")
    with pytest.raises(VersionMismatchError):
        _load(h5path, index=-1)
    forced = _load(h5path, name="t", force=True, load_data=2)
    assert forced.x == 1


def test_older_format_versions_load(h5path: str) -> None:
    """The format check refuses only newer versions, never the Python or library version."""
    _stored(h5path)
    with h5py.File(h5path, "a") as f:
        f["t"].attrs["python_version"] = "2.7.0"
        f["t"].attrs["pypet_version"] = "0.0.1"
    assert _load(h5path, name="t").x == 1


# --- storing ----------------------------------------------------------------------------------


def test_unsupported_item_names_leaf_and_item(h5path: str) -> None:
    """An unstorable item raises NoSuchServiceError (a TypeError) naming leaf, item and type."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result(BadResult, "grp.bad", 1)
    with pytest.raises(NoSuchServiceError, match=r"culprit.*results\.grp\.bad.*Opaque"):
        traj.f_store()
    assert issubclass(NoSuchServiceError, TypeError)


def test_failed_first_store_leaves_nothing_behind(h5path: str) -> None:
    """After a failed first store the name is free: fix the item and store again."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 1)
    traj.f_add_result(BadResult, "bad", 1)
    with pytest.raises(TypeError):
        traj.f_store()
    with h5py.File(h5path, "r") as f:
        assert "t" not in f
    traj.f_remove_item("bad")
    traj.f_store()
    assert _load(h5path, name="t").x == 1


def test_failed_later_store_keeps_stored_data_loadable(h5path: str) -> None:
    """A failing store of an already stored trajectory keeps the file loadable and intact."""
    traj = _stored(h5path)
    traj.f_add_result(BadResult, "bad", a=1, b=2)
    with pytest.raises(TypeError, match="culprit"):
        traj.f_store()
    loaded = _load(h5path, name="t", load_data=2)
    assert loaded.r == 2
    assert not loaded.f_contains("results.bad")


def test_failed_overwrite_keeps_the_old_leaf(h5path: str) -> None:
    """Overwriting a leaf with unstorable data fails and keeps the stored version."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result(BadResult, "grp.leaf", 1)
    traj.f_get("grp.leaf").__class__ = Result  # store it once as a plain result
    traj.f_store()
    traj.f_get("grp.leaf").__class__ = BadResult
    with pytest.raises(TypeError, match="culprit"):
        traj.f_store_item("grp.leaf", overwrite=True)
    assert _load(h5path, name="t", load_data=2).f_get("results.grp.leaf").f_get() == 1


def test_same_name_stored_twice_as_new(h5path: str) -> None:
    """A second, new trajectory with a stored name raises RuntimeError; the first is intact."""
    _stored(h5path, "t")
    twin = Trajectory("t", filename=h5path)
    twin.f_add_parameter("other", 5)
    with pytest.raises(RuntimeError, match="already holds"):
        twin.f_store()
    loaded = _load(h5path, name="t", load_data=2)
    assert loaded.x == 1
    assert not loaded.f_contains("other")


def test_storing_below_a_stored_leaf_raises(h5path: str) -> None:
    """A group where the file holds a leaf of that name raises ValueError naming the path."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("a", 1)
    traj.f_store()
    traj.f_remove_item("a")
    traj.f_add_result("a.b", 2)
    with pytest.raises(ValueError, match="results.a"):
        traj.f_store()


def test_store_without_storage_service() -> None:
    """A trajectory without a file raises TypeError on f_store, saying how to get one."""
    traj = Trajectory("t")
    with pytest.raises(TypeError, match="filename"):
        traj.f_store()


def test_load_during_a_run_is_refused(h5path: str) -> None:
    """``f_load`` inside a single run raises TypeError."""
    traj = _stored(h5path)
    traj.f_explore({"x": [1, 2]})
    traj.f_start_run(0)
    with pytest.raises(TypeError, match="single run"):
        traj.f_load(name="t")


# --- construction -----------------------------------------------------------------------------


def test_non_hdf5_extension_is_refused(tmp_path: Any) -> None:
    """``Trajectory(filename='x.txt')`` raises ValueError naming the accepted extensions."""
    with pytest.raises(ValueError, match=r"x\.txt.*\.hdf5"):
        Trajectory("t", filename=str(tmp_path / "x.txt"))


@pytest.mark.parametrize("keyword", ["complevl", "file_titel", "foo"])
def test_unknown_storage_keyword_is_refused(h5path: str, keyword: str) -> None:
    """A misspelled storage keyword raises ValueError naming it (constructor and f_load)."""
    with pytest.raises(ValueError, match=keyword):
        Trajectory("t", filename=h5path, **{keyword: 1})
    _stored(h5path)
    with pytest.raises(ValueError, match=keyword):
        Trajectory(filename=h5path).f_load(name="t", **{keyword: 1})
    with pytest.raises(ValueError, match=keyword):
        HDF5StorageService(filename=h5path, **{keyword: 1})


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("complevel", 10), ("complib", "nope"), ("pandas_format", "wide")],
)
def test_invalid_storage_settings(h5path: str, keyword: str, value: Any) -> None:
    """Invalid compression or pandas settings raise ValueError at construction."""
    with pytest.raises(ValueError, match=keyword):
        Trajectory("t", filename=h5path, **{keyword: value})
