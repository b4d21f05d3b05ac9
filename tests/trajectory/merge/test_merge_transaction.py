"""A merge is all or nothing: failed, interrupted or killed, it leaves both inputs intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from merge_helpers import digest, load_all, make_study, points

import pypet.storage.hdf5.merge_copy as merge_copy
import pypet.storage.hdf5.merge_service as merge_service
from pypet import list_trajectories, load_trajectory


def _pair(tmp_path, same_file=False):
    a_path = tmp_path / "a.hdf5"
    b_path = a_path if same_file else tmp_path / "b.hdf5"
    make_study(a_path, "a")
    make_study(b_path, "b", {"x": [5.0, 6.0], "y": [7.0, 8.0]})
    a = load_trajectory(name="a", filename=str(a_path))
    b = load_trajectory(name="b", filename=str(b_path))
    return a, b, a_path, b_path


def _state(traj):
    """What a failed merge must leave unchanged in RAM."""
    return (len(traj), points(traj), traj._run_table.completed.tolist(),
            sorted(traj.f_get_explored_parameters()), "config.merge" in traj)


def _fail_after(monkeypatch, where, error):
    """Make the merge raise once some of the other's data is in the target's copy: while
    walking the other's nodes (run-table columns written), or once HDF5 copied the runs."""
    if where == "walk":
        owner, name = merge_copy._TreeCopier, "_bucket"
    else:
        owner, name = merge_service, "copy_trees"
    original = getattr(owner, name)

    def work_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise error
    monkeypatch.setattr(owner, name, work_then_fail)


@pytest.mark.parametrize("where", ["walk", "node copy"])
@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()],
                         ids=["OSError", "KeyboardInterrupt"])
@pytest.mark.parametrize("same_file", [False, True], ids=["two files", "one file"])
def test_a_merge_failing_half_way_leaves_both_inputs_as_they_were(tmp_path, monkeypatch,
                                                                   error, same_file, where):
    """An error (or Ctrl+C) in the middle of copying: files byte for byte and trajectories
    in RAM as before, no temporary file left; the same merge then succeeds."""
    a, b, a_path, b_path = _pair(tmp_path, same_file)
    before = digest(a_path), digest(b_path), _state(a)
    _fail_after(monkeypatch, where, error)
    with pytest.raises(type(error)):
        a.f_merge(b, backup=False, move_data=True, delete_other_trajectory=True)
    assert (digest(a_path), digest(b_path), _state(a)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({a_path.name, b_path.name})
    monkeypatch.undo()
    a.f_merge(b, backup=False)
    assert points(load_all(a_path, "a")) == [(1.0, 3.0), (2.0, 4.0), (5.0, 7.0), (6.0, 8.0)]


def test_a_merge_failing_while_storing_the_target_changes_nothing(tmp_path, monkeypatch):
    """An error while the merged target is stored (the last step): nothing is merged."""
    import pypet.storage.hdf5.service as service

    a, b, a_path, b_path = _pair(tmp_path)
    a.f_add_result("added_before", 1.5)  # unsaved RAM data is stored by the merge
    before = digest(a_path), digest(b_path), _state(a)

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")
    monkeypatch.setattr(service, "write_records", full_disk)
    with pytest.raises(OSError, match="No space"):
        a.f_merge(b, backup=False)
    assert (digest(a_path), digest(b_path), _state(a)) == before
    monkeypatch.undo()
    a.f_merge(b, backup=False)
    assert load_all(a_path, "a").f_get("results.added_before").f_get() == 1.5
    assert len(load_trajectory(name="a", filename=str(a_path))) == 4


_HANGING_MERGE = textwrap.dedent("""
    import sys
    import pypet.storage.hdf5.merge_copy as merge_copy
    from pypet import list_trajectories, load_trajectory

    def copy_then_hang(*args, **kwargs):
        stats = original(*args, **kwargs)
        print("copied", flush=True)   # the parent kills us now, in the middle of the merge
        sys.stdin.read()
        return stats

    original = merge_copy.copy_trajectory_data
    merge_copy.copy_trajectory_data = copy_then_hang
    import pypet.storage.hdf5.merge_service as merge_service
    merge_service.copy_trajectory_data = copy_then_hang
    a = load_trajectory(name="a", filename=sys.argv[1])
    b = load_trajectory(name="b", filename=sys.argv[2])
    a.f_merge(b, backup=False, delete_other_trajectory=True)
""")


@pytest.mark.multiproc
def test_a_killed_merge_leaves_both_files_intact_and_blocks_no_later_merge(tmp_path):
    """SIGKILL in the middle of a merge: both files as before; while it runs, a second merge
    into the same file is refused; afterwards merging works (the stale copy is reused)."""
    a, b, a_path, b_path = _pair(tmp_path)
    before = digest(a_path), digest(b_path)
    proc = subprocess.Popen([sys.executable, "-c", _HANGING_MERGE, str(a_path), str(b_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=str(tmp_path))
    try:
        assert proc.stdout.readline().strip() == "copied"
        with pytest.raises(RuntimeError, match="Another merge into"):
            a.f_merge(b, backup=False)
        assert list_trajectories(str(a_path))["runs"].tolist() == [2]  # readers go on
        with pytest.raises(BlockingIOError, match="locked by another process"):  # writers wait
            a.f_store()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert (digest(a_path), digest(b_path)) == before
    assert os.path.exists(tmp_path / ".a.hdf5.merging")  # what the killed merge left
    a.f_merge(b, backup=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.hdf5", "b.hdf5"]
    assert points(load_all(a_path, "a")) == [(1.0, 3.0), (2.0, 4.0), (5.0, 7.0), (6.0, 8.0)]


def test_merge_refuses_a_file_held_open_by_a_session(tmp_path):
    """Inside a StorageContextManager the file is open: the merge says to close it first."""
    from pypet import StorageContextManager

    a, b, a_path, _ = _pair(tmp_path)
    with StorageContextManager(a), pytest.raises(RuntimeError, match="held open"):
        a.f_merge(b, backup=False)
    assert len(load_trajectory(name="a", filename=str(a_path))) == 2
