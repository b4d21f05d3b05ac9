"""Batches of plain run results stored by whole columns give the file that run-by-run
storing of the same results gives (``TrajectoryFile._store_plain_columns``)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from pypet import Trajectory, load_trajectory
from pypet.storage.hdf5 import storing
from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.records import RunOutcome

N_RUNS = 300  # several stretches of more than storing._MIN_COLUMNS runs


def _outcome(idx: int, **plain: Any) -> RunOutcome:
    return RunOutcome(idx, None, 1000.0 + idx, 1000.5 + idx, True, "abcdef0123", plain=plain)


def _store(filename: str, batches: list[list[RunOutcome]], expand: bool = False,
           replace: bool = False, **settings: Any) -> HDF5StorageService:
    """A stored trajectory of N_RUNS runs with ``batches`` stored into it, as they are or
    expanded into leaf records (which are stored run by run)."""
    service = HDF5StorageService(filename, **settings)
    traj = Trajectory("t", storage_service=service)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(N_RUNS))})
    traj.f_store()
    for batch in batches:
        service.store_runs("t", [o.expanded() for o in batch] if expand else batch, N_RUNS,
                           replace=replace)
    return service


def _dump(filename: str) -> dict[str, Any]:
    """Every dataset and group under the run table and the results, with attributes."""
    found: dict[str, Any] = {}

    def visit(name: str, node: Any) -> None:
        attrs = {k: np.asarray(v).tolist() for k, v in sorted(node.attrs.items())}
        if isinstance(node, h5py.Dataset):
            data = node[()]
            found[name] = (data.dtype.str, data.shape, np.asarray(data).tobytes(), attrs)
        else:
            found[name] = ("group", attrs)

    with h5py.File(filename, "r") as f:
        for top in ("t/overview/runs", "t/results"):
            if top in f:
                f[top].visititems(visit)
        for table in ("results_overview", "results_summary"):
            if f"t/overview/{table}" in f:
                found[table] = f[f"t/overview/{table}"][()].tolist()
    return found


def _assert_same_file(tmp_path: Path, batches: list[list[RunOutcome]], **kwargs: Any) -> str:
    """Store ``batches`` plain and expanded; both files hold the same; return the plain one."""
    plain, expanded = str(tmp_path / "plain.hdf5"), str(tmp_path / "expanded.hdf5")
    _store(plain, batches, **kwargs)
    _store(expanded, batches, expand=True, **kwargs)
    got, want = _dump(plain), _dump(expanded)
    assert got.keys() == want.keys()
    for name in want:
        assert got[name] == want[name], name
    return plain


def _column(filename: str, name: str) -> dict[int, Any]:
    traj = load_trajectory(name="t", filename=filename, load_all=2)
    return traj.f_get_from_runs(name, fast_access=True, use_indices=True)


def _sweep(values: list[Any], name: str = "z") -> list[RunOutcome]:
    return [_outcome(idx, **{name: value}) for idx, value in enumerate(values)]


@pytest.mark.parametrize("values", [
    [i * 0.5 for i in range(N_RUNS)],  # floats: whole columns
    list(range(N_RUNS)),  # ints
    [i % 3 == 0 for i in range(N_RUNS)],  # bools
    [complex(i, 1) for i in range(N_RUNS)],  # complex
])
def test_a_sweep_of_one_scalar_type_goes_in_by_columns(tmp_path: Path, values: list) -> None:
    """One batch (and three batches) of scalars: the same file as run by run, every value back."""
    filename = _assert_same_file(tmp_path, [_sweep(values)])
    got = _column(filename, "z")
    assert [type(v) for v in got.values()] == [type(v) for v in values]
    assert list(got.values()) == values
    outcomes = _sweep(values)
    _assert_same_file(tmp_path / "split", [outcomes[:100], outcomes[100:250], outcomes[250:]])


def test_the_columns_path_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean batch is stored by columns: add_plain runs for the first run only."""
    calls: list[int] = []
    original = storing.RunColumns.add_plain

    def counting(self: Any, idx: int, name: str, value: Any) -> bool:
        calls.append(idx)
        return original(self, idx, name, value)

    monkeypatch.setattr(storing.RunColumns, "add_plain", counting)
    _store(str(tmp_path / "f.hdf5"), [_sweep([float(i) for i in range(N_RUNS)])])
    assert calls == [0]


@pytest.mark.parametrize("values", [
    [float(i) if i != 150 else 150 for i in range(N_RUNS)],  # an int among floats: a node
    [i if i != 150 else 150.5 for i in range(N_RUNS)],  # a float among ints: a node
    [i if i != 150 else True for i in range(N_RUNS)],  # a bool among ints: a node
    [i if i != 150 else 2**63 for i in range(N_RUNS)],  # beyond int64: a node
    [i if i != 150 else -(2**63) - 1 for i in range(N_RUNS)],
    [2**70, *range(1, N_RUNS)],  # the first beyond int64: a node, the rest cells
    [None, *(float(i) for i in range(1, N_RUNS))],  # the first a node, the rest cells
    [None] * N_RUNS,  # nodes only
    [b"raw"] * N_RUNS,  # bytes: nodes
])
def test_values_that_do_not_fit_the_column_fall_back_run_by_run(tmp_path: Path,
                                                                values: list) -> None:
    """Mixed types and ints beyond int64 give the file run-by-run storing gives."""
    filename = _assert_same_file(tmp_path, [_sweep(values)])
    assert list(_column(filename, "z").values()) == values


def test_strings_widen_across_batches(tmp_path: Path) -> None:
    """Strings that grow from batch to batch widen the column; long ones become nodes."""
    values = ["s" * (1 + i // 50) for i in range(N_RUNS)]
    values[123] = "x" * 1000
    outcomes = _sweep(values)
    filename = _assert_same_file(tmp_path, [outcomes[:100], outcomes[100:200], outcomes[200:]])
    assert list(_column(filename, "z").values()) == values


def test_several_names_and_runs_out_of_order(tmp_path: Path) -> None:
    """Several plain names in a batch whose runs arrive out of order (a pool)."""
    outcomes = [_outcome(i, a=i * 1.5, b=i, c=f"r{i}") for i in range(N_RUNS)]
    random.Random(3).shuffle(outcomes)
    filename = _assert_same_file(tmp_path, [outcomes[:170], outcomes[170:]])
    assert _column(filename, "b") == {i: i for i in range(N_RUNS)}


def test_a_batch_mixing_plain_and_record_outcomes(tmp_path: Path) -> None:
    """Runs with leaf records amid plain ones split the batch; the file is the same."""
    outcomes = _sweep([i * 0.25 for i in range(N_RUNS)])
    for idx in (0, 1, 70, 71, 200, 299):  # leaf records: results of those runs as nodes
        outcomes[idx] = outcomes[idx].expanded()
    outcomes[100] = _outcome(100, z="text")  # another type: a node
    outcomes[101] = _outcome(101, z=1.0, extra=2)  # another name in one run
    filename = _assert_same_file(tmp_path, [outcomes])
    values = _column(filename, "z")
    assert values[100] == "text" and values[150] == 37.5 and values[299] == 74.75


def test_runs_with_different_names_are_stored_run_by_run(tmp_path: Path) -> None:
    """Clean runs whose plain names differ fall back to storing run by run."""
    outcomes = [_outcome(i, **{f"n{i % 2}": float(i)}) for i in range(N_RUNS)]
    filename = _assert_same_file(tmp_path, [outcomes])
    assert _column(filename, "n1") == {i: float(i) for i in range(1, N_RUNS, 2)}


def test_a_run_stored_twice_in_one_batch_keeps_the_later_value(tmp_path: Path) -> None:
    """The same run twice in a batch: its later value is in the file."""
    outcomes = _sweep([float(i) for i in range(N_RUNS)])
    outcomes.append(_outcome(5, z=-1.0))
    filename = _assert_same_file(tmp_path, [outcomes])
    assert _column(filename, "z")[5] == -1.0


def test_overview_rows_of_the_first_runs_then_columns(tmp_path: Path) -> None:
    """With the results overview on, the runs that still get a row go run by run."""
    global N_RUNS
    old, N_RUNS = N_RUNS, 1300  # the overview takes 1000 rows
    try:
        outcomes = _sweep([i * 0.5 for i in range(N_RUNS)])
        filename = _assert_same_file(tmp_path, [outcomes[:600], outcomes[600:]],
                                     large_overview_tables=True)
    finally:
        N_RUNS = old
    with h5py.File(filename, "r") as f:
        assert len(f["t/overview/results_overview"]) == 1000


def test_replace_after_a_columns_batch(tmp_path: Path) -> None:
    """Replaying runs with replace=True after a columns batch: the same file."""
    first = _sweep([i * 0.5 for i in range(N_RUNS)])
    again = _sweep(["long " * 300 if i % 7 == 0 else -i * 1.0 for i in range(N_RUNS)])
    files = []
    for expand in (False, True):
        filename = str(tmp_path / f"{expand}.hdf5")
        service = _store(filename, [first], expand=expand)
        service.store_runs("t", [o.expanded() for o in again] if expand else again, N_RUNS,
                           replace=True)
        files.append(_dump(filename))
    assert files[0] == files[1]
