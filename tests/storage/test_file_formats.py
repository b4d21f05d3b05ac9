"""Files that are not ours: each kind is told apart and refused with a message naming it."""

from __future__ import annotations

import os
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


def _ours(path: Path, name: str = "t") -> None:
    traj = Trajectory(name, filename=str(path))
    traj.f_add_parameter("x", 1.0)
    traj.f_add_result("big", np.random.default_rng(0).random(50_000))
    traj.f_store()


def _pypet07_like(path: Path) -> None:
    """The part of pypet 0.7's layout the detection relies on: ``/<traj>/overview/info``."""
    info = np.array([(b"old", b"0.7.0", 3)],
                    dtype=[("name", "S10"), ("version", "S10"), ("length", "i4")])
    with h5py.File(path, "w") as h5:
        h5.create_group("old/overview").create_dataset("info", data=info)
        h5.create_group("old/parameters")


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
    """A pypet 0.7 trajectory is recognised and refused as one, by name and by index; listing
    shows it with its format."""
    path = tmp_path / "old.hdf5"
    _pypet07_like(path)
    info = inspect_file(path)
    assert info.kind is FileKind.PYPET_07 and info.trajectories == {"old": FileKind.PYPET_07}
    for attempt in (lambda: load_trajectory(index=-1, filename=str(path)),
                    lambda: load_trajectory(name="old", filename=str(path))):
        with pytest.raises(FileFormatError, match="pypet 0.7"):
            attempt()
    listed = list_trajectories(path)
    assert listed["name"].tolist() == ["old"] and listed["format"].tolist() == ["pypet 0.7"]


@pytest.mark.skipif(not PYPET_07.exists(), reason="pypet 0.7 is not installed in /tmp/pypet-orig")
def test_a_real_pypet07_file_is_recognised(tmp_path):
    """A file written by pypet 0.7 itself is detected as pypet 0.7 and refused as such."""
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
    with pytest.raises(FileFormatError, match="pypet 0.7 trajectories \\['legacy'\\]"):
        load_trajectory(name="legacy", filename=str(path))
    assert list_trajectories(path).loc[0, "runs"] == 2


def test_a_missing_file_is_reported(tmp_path):
    """A missing file is DataNotInStorageError naming the file (also when listing)."""
    path = tmp_path / "nowhere.hdf5"
    with pytest.raises(DataNotInStorageError, match="nowhere.hdf5"):
        list_trajectories(path)


def test_compact_never_grows_and_leaves_no_temporary_copy(tmp_path):
    """Compacting a file without holes keeps it as it is (never larger); nothing else stays
    in the folder."""
    path = tmp_path / "tight.hdf5"
    _ours(path)
    before = path.read_bytes()
    assert compact_hdf5_file(str(path), keep_backup=False) == 0
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["tight.hdf5"]


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
