"""Run-table columns grow through their HDF5 fill value: rows never written cost no chunk
and read as "not started" / empty with any HDF5 reader; columns of older files (fill value
0) get their new rows written."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import tables

from pypet import Environment, Trajectory, load_trajectory
from pypet.storage.hdf5.service import HDF5StorageService

N_RUNS = 50_000  # several chunks per column


def _fresh(filename: str, n: int = N_RUNS) -> Trajectory:
    traj = Trajectory("t", storage_service=HDF5StorageService(filename))
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(n))})
    traj.f_store()
    return traj


def test_a_fresh_trajectory_allocates_no_chunks_of_run_info(tmp_path: Path) -> None:
    """Storing a fresh sweep writes no "not started" rows; h5py reads them as such."""
    filename = str(tmp_path / "f.hdf5")
    _fresh(filename)
    with h5py.File(filename, "r") as f:
        table = f["t/overview/runs"]
        for name in ("completed", "start", "finish", "runtime", "hexsha", "failed"):
            assert table[name].shape == (N_RUNS,)
            assert table[name].id.get_num_chunks() == 0, name
        assert np.isnan(table["start"][()]).all() and np.isnan(table["runtime"][()]).all()
        assert (table["completed"][()] == 0).all() and (table["hexsha"][()] == b"").all()
        assert table["idx"][()].tolist() == list(range(N_RUNS))


def test_result_columns_and_presence_grow_without_writing(tmp_path: Path) -> None:
    """A new result column and its presence mask hold chunks only where runs wrote."""
    filename = str(tmp_path / "f.hdf5")
    env = Environment(trajectory="t", filename=filename, log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(N_RUNS))})

    def first_runs_only(traj: Trajectory) -> None:
        if traj.v_idx < 10:
            traj.f_add_result("z", traj.x * 0.5)
            traj.f_add_result("n", traj.x)
            traj.f_add_result("s", "ab")

    env.run(first_runs_only)
    with h5py.File(filename, "r") as f:
        table = f["t/overview/runs"]
        for column in ("results.runs.$.z", "results.runs.$.n", "results.runs.$.s",
                       "_present/results.runs.$.z"):
            assert table[column].id.get_num_chunks() == 1, column
        assert np.isnan(table["results.runs.$.z"][10:]).all()
        assert (table["results.runs.$.n"][10:] == 0).all()
        assert (table["results.runs.$.s"][10:] == b"").all()
        assert table["_present/results.runs.$.z"][()].sum() == 10
    loaded = load_trajectory(name="t", filename=filename, load_all=2)
    assert loaded.f_get_from_runs("z", fast_access=True, use_indices=True) == \
        {i: i * 0.5 for i in range(10)}
    assert loaded.f_get_from_runs("s", fast_access=True) == {
        f"run_{i:08d}": "ab" for i in range(10)}


def _as_older_file(filename: str) -> None:
    """Rewrite the run-info columns as earlier versions made them: fill value 0."""
    with tables.open_file(filename, "a") as h5:
        table = h5.get_node("/t/overview/runs")
        for name in ("start", "finish", "runtime", "hexsha", "completed", "failed"):
            old = table._v_children[name]
            data, attrs = old.read(), {k: old._v_attrs[k] for k in old._v_attrs._v_attrnamesuser}
            old._f_remove()
            new = h5.create_earray(table, name, tables.Atom.from_dtype(data.dtype), (0,),
                                   filters=tables.Filters(1, "zlib", shuffle=True))
            new.append(data)
            for key, value in attrs.items():
                new._v_attrs[key] = value
            assert new.atom.dflt in (0, b"")


def test_columns_of_an_older_file_grow_by_written_rows(tmp_path: Path) -> None:
    """Expanding a trajectory whose columns have fill value 0 writes the new rows."""
    filename = str(tmp_path / "f.hdf5")
    _fresh(filename, 10)
    _as_older_file(filename)
    traj = load_trajectory(name="t", filename=filename, load_all=2)
    traj.f_expand({"x": list(range(10, 30))})
    traj.f_store()
    with h5py.File(filename, "r") as f:
        table = f["t/overview/runs"]
        assert table["start"].shape == (30,) and np.isnan(table["start"][()]).all()
        assert (table["hexsha"][()] == b"").all() and (table["completed"][()] == 0).all()
    loaded = load_trajectory(name="t", filename=filename, load_all=2)
    assert len(loaded) == 30
    assert loaded.f_get_run_information(25, copy=True)["timestamp"] != \
        loaded.f_get_run_information(25, copy=True)["timestamp"]  # NaN: not started
