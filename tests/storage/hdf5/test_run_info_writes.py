"""The run information in the file always equals the trajectory's, however it was written."""

from __future__ import annotations

import numpy as np
import tables

from pypet import Environment, load_trajectory
from pypet.storage.hdf5.run_columns import RunColumns


def _file_info(path: str, traj_name: str = "t") -> dict[str, np.ndarray]:
    with tables.open_file(path, "r") as h5:
        table = h5.get_node(f"/{traj_name}/overview/runs")
        return {name: table._v_children[name].read()
                for name in ("completed", "start", "finish", "hexsha", "failed")}


def _columns(h5: tables.File, length: int) -> RunColumns:
    group = h5.create_group("/", "t") if "/t" not in h5 else h5.get_node("/t")
    return RunColumns(h5, group, None, length)


def test_a_fresh_table_is_written_once_and_reads_as_not_started(tmp_path):
    """Rows the columns were just extended with need no second write; they read 'not started'."""
    path = str(tmp_path / "f.hdf5")
    with tables.open_file(path, "w") as h5:
        columns = _columns(h5, 5)
        n = 5
        columns.write_all_info(np.zeros(n, np.int8), np.full(n, np.nan), np.full(n, np.nan),
                               np.full(n, b"", "S7"), np.zeros(n, np.int8))
    info = _file_info(path)
    assert info["completed"].tolist() == [0] * 5 and np.isnan(info["start"]).all()
    assert info["hexsha"].tolist() == [b""] * 5


def test_rows_written_since_the_fill_are_written_again_even_when_not_started(tmp_path):
    """A run stored as completed and then reset to 'not started' (e.g. its batch failed)
    reads as not started after the full write: only never-written fill rows are skipped."""
    path = str(tmp_path / "f.hdf5")
    n = 6
    with tables.open_file(path, "w") as h5:
        columns = _columns(h5, n)
        columns.write_info(np.array([2, 3]), np.ones(2, np.int8), np.array([1.0, 2.0]),
                           np.array([1.5, 2.5]), np.array([b"abc", b"abc"], "S7"),
                           np.zeros(2, np.int8))
        completed = np.zeros(n, np.int8)
        completed[4] = 1  # a row only the full write knows
        start = np.full(n, np.nan)
        start[4] = 9.0
        columns.write_all_info(completed, start, np.where(completed == 1, 9.5, np.nan),
                               np.where(completed == 1, b"xyz", b"").astype("S7"),
                               np.zeros(n, np.int8))
    info = _file_info(path)
    assert info["completed"].tolist() == [0, 0, 0, 0, 1, 0]
    assert np.isnan(info["start"][[0, 1, 2, 3, 5]]).all() and info["start"][4] == 9.0
    assert info["hexsha"].tolist() == [b"", b"", b"", b"", b"xyz", b""]


def test_rows_of_an_existing_file_are_always_written(tmp_path):
    """Columns that existed before (another session) hold anything: every row is written."""
    path = str(tmp_path / "f.hdf5")
    n = 3
    with tables.open_file(path, "w") as h5:
        _columns(h5, n).write_info(np.arange(n), np.ones(n, np.int8), np.ones(n), np.ones(n),
                                   np.full(n, b"old", "S7"), np.zeros(n, np.int8))
    with tables.open_file(path, "a") as h5:
        _columns(h5, n).write_all_info(np.zeros(n, np.int8), np.full(n, np.nan),
                                       np.full(n, np.nan), np.full(n, b"", "S7"),
                                       np.zeros(n, np.int8))
    info = _file_info(path)
    assert info["completed"].tolist() == [0, 0, 0] and info["hexsha"].tolist() == [b""] * 3


def test_after_a_sweep_and_an_expansion_the_file_holds_the_trajectory_s_run_info(tmp_path):
    """Runs, an expansion (new not-started rows) and a second sweep: file equals table."""
    path = str(tmp_path / "f.hdf5")
    env = Environment(trajectory="t", filename=path, log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0.0)
    traj.f_explore({"x": [1.0, 2.0, 3.0]})
    env.run(lambda t: t.f_add_result("z", t.x))
    traj.f_expand({"x": [4.0, 5.0]})
    traj.f_store()
    info = _file_info(path)
    assert info["completed"].tolist() == [1, 1, 1, 0, 0]
    assert not np.isnan(info["start"][:3]).any() and np.isnan(info["start"][3:]).all()
    env.run(lambda t: t.f_add_result("z", t.x))
    info = _file_info(path)
    assert info["completed"].tolist() == [1] * 5
    loaded = load_trajectory(name="t", filename=path)
    assert [loaded.f_get_run_information(i, copy=False)["completed"] for i in range(5)] == \
        [1] * 5
