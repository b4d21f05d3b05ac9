"""Run-result columns grow through their HDF5 fill value: rows never written cost no chunk
and read as empty with any HDF5 reader; columns of older files (fill value 0) get their
new rows written."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import tables

from pypet import Environment, Trajectory, load_trajectory
from pypet.storage.hdf5.ptutil import names_as_given

N_RUNS = 50_000  # several chunks per column


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


def _as_older_file(filename: str, column: str) -> None:
    """Rewrite a run-table column as earlier versions made it: fill value 0."""
    with tables.open_file(filename, "a") as h5, names_as_given():
        old = h5.get_node("/t/overview/runs")._v_children[column]
        data = old.read()
        attrs = {k: old._v_attrs[k] for k in old._v_attrs._v_attrnamesuser}
        old._f_remove()
        new = h5.create_earray("/t/overview/runs", column, tables.Atom.from_dtype(data.dtype),
                               (0,), filters=tables.Filters(1, "zlib", shuffle=True))
        new.append(data)
        for key, value in attrs.items():
            new._v_attrs[key] = value
        assert new.atom.dflt == 0


def test_columns_of_an_older_file_grow_by_written_rows(tmp_path: Path) -> None:
    """Expanding a trajectory whose float column has fill value 0 writes NaN rows."""
    filename = str(tmp_path / "f.hdf5")
    env = Environment(trajectory="t", filename=filename, log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": list(range(10))})
    env.run(_half)
    _as_older_file(filename, "results.runs.$.z")
    traj = load_trajectory(name="t", filename=filename, load_all=2)
    traj.f_expand({"x": list(range(10, 30))})
    traj.f_store()
    with h5py.File(filename, "r") as f:
        column = f["t/overview/runs/results.runs.$.z"]
        assert column.shape == (30,) and column.fillvalue == 0
        assert column[:10].tolist() == [i * 0.5 for i in range(10)]
        assert np.isnan(column[10:]).all()
    loaded = load_trajectory(name="t", filename=filename, load_all=2)
    assert len(loaded) == 30
    assert loaded.f_get_from_runs("z", fast_access=True, use_indices=True) == \
        {i: i * 0.5 for i in range(10)}


def _half(traj: Trajectory) -> None:
    traj.f_add_result("z", traj.x * 0.5)
