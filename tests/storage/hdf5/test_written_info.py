"""The final store leaves out run-info rows a batch of the same service wrote and that are
unchanged since (``written_info``); anything else that may have changed them makes it write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tables

from pypet import Environment, Trajectory, load_trajectory
from pypet.storage.hdf5 import run_info_columns
from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.hdf5.written_info import MIN_BLOCK, WrittenInfo
from pypet.storage.records import RunOutcome

N_RUNS = 2000


@pytest.fixture
def written_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every run-info row RunInfoColumns.write writes, as it writes them."""
    rows: list[int] = []
    original = run_info_columns.RunInfoColumns.write

    def counting(self: Any, idx: np.ndarray, *columns: np.ndarray) -> None:
        rows.extend(np.asarray(idx).tolist())
        original(self, idx, *columns)

    monkeypatch.setattr(run_info_columns.RunInfoColumns, "write", counting)
    return rows


def _file_info(filename: str) -> dict[str, np.ndarray]:
    with tables.open_file(filename, "r") as h5:
        table = h5.get_node("/t/overview/runs")
        return {name: table._v_children[name].read() for name in
                ("completed", "start", "finish", "runtime", "hexsha", "failed")}


def _assert_file_matches(traj: Trajectory, filename: str) -> None:
    """The file's run information is the trajectory's, row for row."""
    info, table = _file_info(filename), traj._run_table
    assert info["completed"].tolist() == table.completed.tolist()
    np.testing.assert_array_equal(info["start"], table.timestamp)
    np.testing.assert_array_equal(info["finish"], table.finish_timestamp)
    np.testing.assert_array_equal(info["runtime"], table.finish_timestamp - table.timestamp)
    assert info["hexsha"].tolist() == table.hexsha.tolist()
    assert info["failed"].tolist() == table.failed.tolist()


def _multiply(traj: Trajectory) -> None:
    traj.f_add_result("z", traj.x * 2)


def _env(filename: str) -> Environment:
    env = Environment(trajectory="t", filename=filename, log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": list(range(N_RUNS))})
    return env


def test_the_final_store_of_a_sweep_writes_no_run_info_again(
        tmp_path: Path, written_rows: list[int]) -> None:
    """Each run's info row is written once, by its batch; the file equals the table."""
    filename = str(tmp_path / "f.hdf5")
    env = _env(filename)
    env.run(_multiply)
    assert sorted(written_rows) == list(range(N_RUNS))
    _assert_file_matches(env.trajectory, filename)
    assert load_trajectory(name="t", filename=filename).f_get_run_information(
        7, copy=True)["completed"] == 1


def _outcomes(start: float, hexsha: str = "abcdef0") -> list[RunOutcome]:
    return [RunOutcome(i, None, start + i, start + i + 0.5, True, hexsha, plain={"z": 1.0})
            for i in range(N_RUNS)]


def _stored(filename: str) -> tuple[Trajectory, HDF5StorageService]:
    service = HDF5StorageService(filename)
    traj = Trajectory("t", storage_service=service)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(N_RUNS))})
    traj.f_store()
    return traj, service


def _sweep(traj: Trajectory, service: HDF5StorageService, start: float = 100.0) -> None:
    """The batches of a sweep: stored, and recorded in the trajectory's run table."""
    outcomes = _outcomes(start)
    service.store_runs("t", outcomes[:1200], N_RUNS)
    service.store_runs("t", outcomes[1200:], N_RUNS)
    traj._run_table.record_many(outcomes)


def test_a_row_changed_in_memory_since_its_batch_is_written(
        tmp_path: Path, written_rows: list[int]) -> None:
    """A run finished again by hand after its batch: its block is written again."""
    filename = str(tmp_path / "f.hdf5")
    traj, service = _stored(filename)
    _sweep(traj, service)
    written_rows.clear()
    traj._run_table.finish(1500, timestamp=5.0, completed=False)
    traj.f_store()
    assert 1500 in written_rows and sorted(written_rows) == list(range(1200, N_RUNS))
    _assert_file_matches(traj, filename)


def test_rows_changed_by_another_service_are_written(tmp_path: Path,
                                                     written_rows: list[int]) -> None:
    """Another service (or process) wrote the rows since: the full store writes them all."""
    filename = str(tmp_path / "f.hdf5")
    traj, service = _stored(filename)
    _sweep(traj, service)
    HDF5StorageService(filename).store_runs("t", _outcomes(900.0, "fedcba9"), N_RUNS)
    written_rows.clear()
    traj.f_store()
    assert sorted(written_rows) == list(range(N_RUNS))
    _assert_file_matches(traj, filename)


def test_rows_after_a_merge_are_written(tmp_path: Path, written_rows: list[int]) -> None:
    """A merge into the file makes the service forget what it wrote."""
    filename = str(tmp_path / "f.hdf5")
    traj, service = _stored(filename)
    _sweep(traj, service)
    other = Trajectory("other", storage_service=HDF5StorageService(str(tmp_path / "o.hdf5")))
    other.f_add_parameter("x", 0)
    other.f_explore({"x": [N_RUNS + 1, N_RUNS + 2]})
    other.f_store()
    traj.f_merge(other, remove_duplicates=False, backup=False)
    assert len(traj) == N_RUNS + 2
    written_rows.clear()
    traj.f_store()
    assert sorted(written_rows) == list(range(N_RUNS + 2))
    _assert_file_matches(traj, filename)


def test_a_failed_store_forgets_the_written_rows(tmp_path: Path,
                                                 written_rows: list[int]) -> None:
    """A store that raises makes the next one write every row."""
    filename = str(tmp_path / "f.hdf5")
    traj, service = _stored(filename)
    _sweep(traj, service)
    traj.f_add_result("bad", 1).v_annotations.f_set(obj=object())  # not storable
    with pytest.raises(TypeError, match="'obj'"):
        traj.f_store()
    traj.f_remove_item("bad")
    written_rows.clear()
    traj.f_store()
    assert sorted(written_rows) == list(range(N_RUNS))
    _assert_file_matches(traj, filename)


def test_pruned_runs_are_written_when_the_trajectory_grows_again(tmp_path: Path) -> None:
    """Runs cut with force and added again are written, even with the values they had."""
    filename = str(tmp_path / "f.hdf5")
    traj, service = _stored(filename)
    _sweep(traj, service)
    traj.f_shrink(force=True)
    traj.f_store()  # the runs after the first leave the file
    traj._run_table.finish(0, completed=False)  # so that exploring starts over
    traj.f_explore({"x": list(range(N_RUNS))})
    traj._run_table.record_many(_outcomes(100.0))  # the same values as before the cut
    traj.f_store()
    _assert_file_matches(traj, filename)
    assert _file_info(filename)["completed"].all()


# --- WrittenInfo itself -----------------------------------------------------------------------
def _columns(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2, n).astype("i1"), rng.random(n), rng.random(n),
            np.full(n, b"abc", "S7"), np.zeros(n, "i1")]


def test_blocks_match_only_while_their_rows_are_unchanged() -> None:
    """A block's rows count as unchanged while every value of every column is the same."""
    columns = _columns(3 * MIN_BLOCK)
    info = WrittenInfo()
    info.written(0, MIN_BLOCK, columns)
    info.written(MIN_BLOCK, 2 * MIN_BLOCK, [c[MIN_BLOCK:] for c in columns])
    assert info.unchanged(columns).tolist() == [True] * (2 * MIN_BLOCK) + [False] * MIN_BLOCK
    columns[3][MIN_BLOCK + 3] = b"other"
    same = info.unchanged(columns)
    assert same[:MIN_BLOCK].all() and not same[MIN_BLOCK:].any()


def test_overlapping_writes_drop_blocks_and_short_blocks_are_not_kept() -> None:
    """Writing any row of a block forgets the block; blocks below MIN_BLOCK rows are not kept."""
    columns = _columns(4 * MIN_BLOCK)
    info = WrittenInfo()
    for start in range(0, 4 * MIN_BLOCK, MIN_BLOCK):
        info.written(start, start + MIN_BLOCK, columns, offset=start)
    assert len(info) == 4
    info.forget_rows(MIN_BLOCK - 1, MIN_BLOCK + 1)  # the end of one, the start of the next
    assert len(info) == 2
    assert info.unchanged(columns).tolist() == \
        [False] * (2 * MIN_BLOCK) + [True] * (2 * MIN_BLOCK)
    info.written(3 * MIN_BLOCK, 3 * MIN_BLOCK + 5, columns, offset=3 * MIN_BLOCK)
    assert len(info) == 1
    info.clear()
    assert not info.unchanged(columns).any()
