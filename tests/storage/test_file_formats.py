"""Files that are not ours: each kind is told apart and refused with a message naming it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from pypet import (
    DataNotInStorageError,
    FileFormatError,
    Trajectory,
    compact_hdf5_file,
    list_trajectories,
    load_trajectory,
)
from pypet.storage.hdf5.formats import FileKind, inspect_file

PYPET_07 = Path("/tmp/pypet-orig/bin/python")
#: a file written by pypet 0.7 (tests/data/make_pypet07_fixtures.py)
PYPET07_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "pypet07" / "fixture.hdf5"


def _ours(path: Path, name: str = "t") -> None:
    traj = Trajectory(name, filename=str(path))
    traj.f_add_parameter("x", 1.0)
    traj.f_add_result("big", np.random.default_rng(0).random(50_000))
    traj.f_store()


def _refused(path: Path, match: str) -> None:
    """Loading, listing and compacting all refuse the file with ``match`` in the message."""
    for attempt in (lambda: load_trajectory(index=-1, filename=str(path)),
                    lambda: list_trajectories(path),
                    lambda: compact_hdf5_file(str(path))):
        with pytest.raises(FileFormatError, match=match) as info:
            attempt()
        assert str(path) in str(info.value)


def test_a_text_file_is_not_hdf5(tmp_path):
    """A non-HDF5 file: our error names the file and says it is not HDF5."""
    path = tmp_path / "notes.hdf5"
    path.write_text("x,y\n1,2\n")
    assert inspect_file(path).kind is FileKind.NOT_HDF5
    _refused(path, "not an HDF5 file")


def test_an_empty_file_is_not_hdf5(tmp_path):
    """A zero-byte file is reported as empty."""
    path = tmp_path / "empty.hdf5"
    path.write_bytes(b"")
    _refused(path, "it is empty")


def test_a_truncated_file_is_damaged(tmp_path):
    """A file cut short (as by a crash or a failed copy) is a damaged HDF5 file."""
    whole, cut = tmp_path / "whole.hdf5", tmp_path / "cut.hdf5"
    _ours(whole)
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert inspect_file(cut).kind is FileKind.DAMAGED
    _refused(cut, "damaged HDF5 file")


def test_a_foreign_hdf5_file_holds_no_trajectory(tmp_path):
    """An HDF5 file of another program: the error lists what it holds."""
    path = tmp_path / "foreign.hdf5"
    with h5py.File(path, "w") as h5:
        h5.create_dataset("signal", data=np.arange(10))
    assert inspect_file(path).kind is FileKind.FOREIGN
    with pytest.raises(FileFormatError, match="another program.*signal"):
        load_trajectory(index=-1, filename=str(path))
    assert list_trajectories(path).empty


def test_a_pypet07_file_is_named_as_such(tmp_path):
    """A file written by pypet 0.7 (the test fixture) is recognised as one; listing shows its
    trajectories with their format."""
    path = tmp_path / "old.hdf5"
    shutil.copyfile(PYPET07_FIXTURE, path)
    info = inspect_file(path)
    assert info.kind is FileKind.PYPET_07
    assert set(info.trajectories.values()) == {FileKind.PYPET_07}
    listed = list_trajectories(path)
    assert listed["name"].tolist() == list(info.trajectories)
    assert set(listed["format"]) == {"pypet 0.7"}


@pytest.mark.skipif(not PYPET_07.exists(), reason="pypet 0.7 is not installed in /tmp/pypet-orig")
def test_a_real_pypet07_file_is_recognised(tmp_path):
    """A file written by pypet 0.7 itself is detected as pypet 0.7, listed and loaded."""
    script = (
        "from pypet import Environment\n"
        "env = Environment(trajectory='legacy', filename='legacy.hdf5', log_config=None)\n"
        "env.traj.f_add_parameter('x', 1.0)\n"
        "env.traj.f_explore({'x': [1.0, 2.0]})\n"
        "env.run(lambda t: t.f_add_result('z', t.x))\n"
    )
    subprocess.run([str(PYPET_07), "-c", script], cwd=tmp_path, check=True,
                   capture_output=True)
    path = tmp_path / "legacy.hdf5"
    assert inspect_file(path).trajectories == {"legacy": FileKind.PYPET_07}
    loaded = load_trajectory(name="legacy", filename=str(path), load_all=2)
    assert loaded.f_get_from_runs("z", fast_access=True, use_indices=True) == {0: 1.0, 1: 2.0}
    assert list_trajectories(path).loc[0, "runs"] == 2


def test_a_missing_file_is_reported(tmp_path):
    """A missing file is DataNotInStorageError naming the file (also when listing)."""
    path = tmp_path / "nowhere.hdf5"
    with pytest.raises(DataNotInStorageError, match="nowhere.hdf5"):
        list_trajectories(path)


def test_compact_never_grows_and_leaves_no_temporary_copy(tmp_path):
    """Compacting a freshly written file never makes it larger, twice in a row (the second
    time there is nothing left to gain: the file stays byte for byte); nothing else stays in
    the folder."""
    path = tmp_path / "tight.hdf5"
    _ours(path)
    size = path.stat().st_size
    assert compact_hdf5_file(str(path), keep_backup=False) == 0
    assert path.stat().st_size <= size
    before = path.read_bytes()
    assert compact_hdf5_file(str(path), keep_backup=False) == 0
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["tight.hdf5"]
    assert load_trajectory(index=-1, filename=str(path)).f_get("x").f_get() == 1.0


def test_compact_keeps_the_backup_only_when_asked(tmp_path):
    """With holes the file shrinks; keep_backup=True (pypet's default) leaves
    <name>_backup.hdf5, keep_backup=False leaves nothing but the file."""
    for keep in (True, False):
        folder = tmp_path / str(keep)
        folder.mkdir()
        path = folder / "holey.hdf5"
        _ours(path)
        traj = Trajectory(filename=str(path))
        traj.f_load(name="t", load_data=2)
        traj.f_add_result("later", np.ones(1000))  # written after "big": its space is a hole
        traj.f_store_item("later")
        traj.f_delete_item("big")
        size = path.stat().st_size
        assert compact_hdf5_file(str(path), keep_backup=keep) == 0
        assert path.stat().st_size < size
        expected = ["holey.hdf5", "holey_backup.hdf5"] if keep else ["holey.hdf5"]
        assert sorted(os.listdir(folder)) == expected
        assert load_trajectory(name="t", filename=str(path)).x == 1.0


def test_compact_failure_keeps_the_original(tmp_path, monkeypatch):
    """If ptrepack fails, the original file is untouched and no copy is left behind."""
    path = tmp_path / "keep.hdf5"
    _ours(path)
    before = path.read_bytes()
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / "ptrepack"
    script.write_text("#!/bin/sh\necho 'repack broke' >&2\nexit 3\n")
    script.chmod(0o755)
    import pypet.storage.hdf5.compact as compact

    monkeypatch.setattr(compact, "_ptrepack", lambda: str(script))
    with pytest.raises(RuntimeError, match="repack broke"):
        compact_hdf5_file(str(path))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["bin", "keep.hdf5"]
