"""Run results in the run table (columns) or as nodes, and reading the table without pypet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import h5py
import numpy as np
import pandas as pd
import pytest

from pypet import Trajectory
from tests.storage.conftest import assert_exact

TABLE = "overview/runs"


def _explored(filename: str, n_runs: int, name: str = "t") -> Trajectory:
    traj = Trajectory(name, filename=filename)
    traj.f_add_parameter("x", 0)
    traj.f_add_parameter("label", "a")
    traj.f_explore({"x": list(range(n_runs)), "label": [f"run{i}" for i in range(n_runs)]})
    traj.f_store()
    return traj


def _where(filename: str, idx: int, leaf: str, traj: str = "t") -> str | None:
    """'cell' if run ``idx``'s result ``leaf`` is in the run table, 'node' if a node, or None."""
    with h5py.File(filename, "r") as f:
        present = f[f"{traj}/{TABLE}/_present"]
        template = f"results.runs.$.{leaf}"
        if template in present and present[template][idx]:
            return "cell"
        path = f"{traj}/results/runs/_set_{idx // 1000:05d}/run_{idx:08d}/{leaf.replace('.', '/')}"
        return "node" if path in f else None


def _load(filename: str, name: str = "t", **kwargs: Any) -> Trajectory:
    traj = Trajectory(filename=filename)
    traj.f_load(name=name, **{"load_data": 2, **kwargs})
    return traj


def _run_value(traj: Trajectory, idx: int, leaf: str = "v") -> Any:
    return traj.f_get(f"results.runs.run_{idx:08d}.{leaf}").f_get()


def _runs_adding_v(filename: str, values: list, stores_after: tuple[int, ...] = ()) -> None:
    """Run ``i`` adds result ``v = values[i]`` (by hand, kept in the tree); the trajectory is
    stored after the runs in ``stores_after`` and at the end."""
    traj = _explored(filename, len(values))
    for idx, value in enumerate(values):
        traj.f_start_run(idx)
        traj.f_add_result("v", value)
        traj.f_finalize_run(clean_up=False)
        if idx in stores_after:
            traj.f_store()
    traj.f_store()


# value, whether it belongs in the run table
CASES: dict[str, tuple[Any, bool]] = {
    "float": (0.25, True),
    "float_nan": (float("nan"), True),
    "int": (-12, True),
    "bool": (True, True),
    "complex": (1.5 - 2j, True),
    "str": ("héllo ✓", True),
    "str_empty": ("", True),
    "np_float64": (np.float64(2.5), True),
    "np_float32": (np.float32(0.5), True),
    "np_int8": (np.int8(-1), True),
    "np_uint64": (np.uint64(2**64 - 1), True),
    "np_bool": (np.bool_(False), True),
    "np_complex64": (np.complex64(1j), True),
    "small_int_array": (np.arange(4, dtype=np.int16), True),
    "small_2d_array": (np.eye(2), True),
    "small_bool_array": (np.array([True, False]), True),
    "big_int": (2**70, False),
    "long_str": ("x" * 1000, False),
    "nul_str": ("a\x00b", False),
    "bytes": (b"raw", False),
    "none": (None, False),
    "list": ([1, 2], False),
    "tuple": ((1.0,), False),
    "dict": ({"a": 1}, False),
    "large_array": (np.arange(1000), False),
    "zero_d_array": (np.array(3.0), False),
    "empty_array": (np.zeros(0), False),
    "str_array": (np.array(["a", "b"]), False),
    "longdouble": (np.longdouble(1) / 3, False),
}


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every CASES value as run result ``v`` of its own run (stored, file closed)."""
    filename = str(tmp_path_factory.mktemp("cases") / "cases.hdf5")
    names = list(CASES)
    traj = _explored(filename, len(names))
    for idx, key in enumerate(names):
        traj.f_start_run(idx)
        traj.f_add_result(f"c_{key}", CASES[key][0])  # one leaf per case: always alone
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    return filename


@pytest.mark.parametrize("key", list(CASES))
def test_run_result_lands_where_it_fits_and_comes_back_exactly(cases_file: str,
                                                               key: str) -> None:
    """Scalars/short strings/small arrays become table cells, the rest nodes; all exact."""
    idx = list(CASES).index(key)
    value, columnar = CASES[key]
    assert _where(cases_file, idx, f"c_{key}") == ("cell" if columnar else "node")
    assert_exact(_run_value(_load(cases_file), idx, f"c_{key}"), value)


def test_mixed_types_across_runs_keep_their_types(h5path: str) -> None:
    """One result name with a different type per run: each run gets its own type back."""
    values = [1.5, np.float64(1.5), 1, True, "1.5", np.arange(2), 2.0]
    _runs_adding_v(h5path, values)
    loaded = _load(h5path)
    for idx, value in enumerate(values):
        assert_exact(_run_value(loaded, idx), value)
    assert _where(h5path, 0, "v") == _where(h5path, 6, "v") == "cell"
    assert {_where(h5path, i, "v") for i in range(1, 6)} == {"node"}


def test_ints_beyond_int64_after_small_ones_become_nodes(h5path: str) -> None:
    """An int column takes later small ints; an int that int64 cannot hold goes to a node."""
    values = [1, 2**70, -(2**63), 3, -(2**63) - 1]
    _runs_adding_v(h5path, values)
    loaded = _load(h5path)
    for idx, value in enumerate(values):
        assert_exact(_run_value(loaded, idx), value)
    assert [_where(h5path, i, "v") for i in range(len(values))] == [
        "cell", "node", "cell", "cell", "node"]


def test_growing_strings_widen_the_column(h5path: str) -> None:
    """Strings longer than any stored before widen their column, within and across stores."""
    values = ["a", "b" * 50, "", "ü" * 100, "c" * 200, "d"]
    _runs_adding_v(h5path, values, stores_after=(0, 3))
    loaded = _load(h5path)
    assert [_run_value(loaded, i) for i in range(len(values))] == values
    assert {_where(h5path, i, "v") for i in range(len(values))} == {"cell"}


def test_small_arrays_of_one_shape_share_a_column(h5path: str) -> None:
    """Fixed-shape small arrays fill one (runs, *shape) column; other shapes fall back."""
    values = [np.full((2, 3), i, dtype=np.float32) for i in range(4)] + [np.zeros((3, 2),
                                                                                  np.float32)]
    _runs_adding_v(h5path, values)
    with h5py.File(h5path, "r") as f:
        assert f[f"t/{TABLE}/results.runs.$.v"].shape == (5, 2, 3)
    assert _where(h5path, 4, "v") == "node"
    loaded = _load(h5path)
    for idx, value in enumerate(values):
        assert_exact(_run_value(loaded, idx), value)


def test_multi_item_results_and_groups_in_runs(h5path: str) -> None:
    """Multi-item results get one column per item (``m:a``); grouped names keep their path."""
    traj = _explored(h5path, 3)
    for idx in range(3):
        traj.f_start_run(idx)
        traj.f_add_result("m", a=idx, b=float(idx), comment="two items")
        traj.f_add_result("grp.q", np.int32(idx))
        traj.f_add_derived_parameter("dp", idx * 10)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    with h5py.File(h5path, "r") as f:
        names = set(f[f"t/{TABLE}"])
    assert {"results.runs.$.m:a", "results.runs.$.m:b", "results.runs.$.grp.q",
            "derived_parameters.runs.$.dp:data"} <= names
    loaded = _load(h5path)
    res = loaded.f_get("results.runs.run_00000002.m")
    assert res.f_to_dict() == {"a": 2, "b": 2.0}
    assert res.v_comment == "two items"
    assert_exact(loaded.f_get("results.runs.run_00000001.grp.q").f_get(), np.int32(1))
    assert loaded.f_get("derived_parameters.runs.run_00000002.dp").f_get() == 20
    frame = loaded.f_to_dataframe(with_run_info=False)
    assert list(frame.columns) == ["x", "label", "dp", "grp.q", "m:a", "m:b", "point_hash"]
    assert frame["dp"].tolist() == [0, 10, 20]


def test_differing_items_comments_or_annotations_fall_back_to_nodes(h5path: str) -> None:
    """A run whose leaf differs from the column's (items, comment, annotations) uses a node."""
    traj = _explored(h5path, 4)
    for idx in range(4):
        traj.f_start_run(idx)
        if idx == 1:
            traj.f_add_result("v", 1.0, other=2.0)
        elif idx == 2:
            traj.f_add_result("v", 1.0, comment="different")
        else:
            res = traj.f_add_result("v", 1.0)
            if idx == 3:
                res.v_annotations.f_set(tag=np.float32(1))
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    assert [_where(h5path, i, "v") for i in range(4)] == ["cell", "node", "node", "node"]
    loaded = _load(h5path)
    assert loaded.f_get("results.runs.run_00000001.v").f_to_dict() == {"v": 1.0, "other": 2.0}
    assert loaded.f_get("results.runs.run_00000002.v").v_comment == "different"
    assert_exact(loaded.f_get("results.runs.run_00000003.v").v_annotations.f_to_dict(),
                 {"tag": np.float32(1)})


def test_run_set_wildcard_results(h5path: str) -> None:
    """Results named ``$set.$.w`` (pypet's bucketing convention) round-trip by their names."""
    traj = _explored(h5path, 3)
    for idx in range(3):
        traj.f_start_run(idx)
        traj.f_add_result("$set.$.w", idx * 2)
        traj.f_add_result("$set.$.big", np.arange(100) * idx)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    loaded = _load(h5path)
    assert loaded.f_get("results.run_set_00000.run_00000002.w").f_get() == 4
    assert loaded.f_get("results.run_set_00000.run_00000002.big").f_get()[1] == 2
    assert dict(loaded.f_get_from_runs("w", fast_access=True, use_indices=True)) == \
        {0: 0, 1: 2, 2: 4}


def test_storing_inside_each_run_equals_storing_at_the_end(tmp_path: Any) -> None:
    """``f_store`` inside every run gives the same file content as one store at the end."""
    loaded = []
    for in_run in (True, False):
        filename = str(tmp_path / f"in_run_{in_run}.hdf5")
        traj = _explored(filename, 4)
        for idx in range(4):
            traj.f_start_run(idx)
            traj.f_add_result("z", idx / 2)
            traj.f_add_result("big", np.arange(100) + idx)
            if in_run:
                traj.f_store()
            traj.f_finalize_run(clean_up=False)
        traj.f_store()
        loaded.append(_load(filename))
    for name in ("z", "big"):
        first, second = (dict(t.f_get_from_runs(name, fast_access=True)) for t in loaded)
        assert list(first) == list(second)
        for key in first:
            assert_exact(first[key], second[key])


def test_expanded_trajectory_grows_the_run_table(h5path: str) -> None:
    """After ``f_expand`` and more runs, the run table, ranges and results cover all runs."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    traj.f_store()
    for idx in range(2):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    traj.f_expand({"x": [3, 4]})
    for idx in range(2, 4):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    loaded = _load(h5path)
    assert len(loaded) == 4
    assert loaded.f_get("x").f_get_range() == [1, 2, 3, 4]
    assert dict(loaded.f_get_from_runs("z", fast_access=True, use_indices=True)) == \
        {0: 0, 1: 1, 2: 2, 3: 3}
    assert loaded.f_to_dataframe()["x"].tolist() == [1, 2, 3, 4]
    assert loaded.f_is_completed()


# --- f_get_from_runs and f_to_dataframe -------------------------------------------------------


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Trajectory, str]:
    """Five runs with a float ``z``, an int ``n`` missing in run 3, a 2-item ``m`` and a node."""
    filename = str(tmp_path_factory.mktemp("sweep") / "sweep.hdf5")
    traj = _explored(filename, 5)
    for idx in range(5):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx * 0.5)
        if idx != 3:
            traj.f_add_result("n", idx)
        traj.f_add_result("m", a=idx, b=str(idx))
        traj.f_add_result("big", np.arange(100))
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    return traj, filename


def test_get_from_runs_after_load(sweep: tuple[Trajectory, str]) -> None:
    """``f_get_from_runs`` after a data load gives every run's value with its exact type."""
    _, filename = sweep
    loaded = _load(filename)
    z = loaded.f_get_from_runs("z", fast_access=True, use_indices=True)
    assert list(z.items()) == [(i, i * 0.5) for i in range(5)]
    assert all(type(v) is float for v in z.values())
    n = loaded.f_get_from_runs("n", fast_access=True)
    assert list(n) == ["run_00000000", "run_00000001", "run_00000002", "run_00000004"]


def test_to_dataframe_from_file(sweep: tuple[Trajectory, str]) -> None:
    """The tidy table: explored parameters, run-table results (NaN if missing), run info."""
    _, filename = sweep
    frame = _load(filename, load_data=0).f_to_dataframe()
    assert list(frame.index) == list(range(5))
    assert frame.index.name == "idx"
    assert frame["x"].tolist() == list(range(5))
    assert frame["label"].tolist() == [f"run{i}" for i in range(5)]
    assert frame["z"].tolist() == [i * 0.5 for i in range(5)]
    assert frame["n"].isna().tolist() == [False, False, False, True, False]
    assert frame["m:a"].tolist() == list(range(5))
    assert frame["m:b"].tolist() == [str(i) for i in range(5)]
    assert "big" not in frame.columns
    assert frame["completed"].tolist() == [True] * 5
    assert (frame["runtime"] >= pd.Timedelta(0)).all()  # a timedelta since issue #11
    assert (frame["finish"] >= frame["start"]).all()


def test_to_dataframe_options(sweep: tuple[Trajectory, str]) -> None:
    """``results=`` picks result columns; ``with_run_info=False`` drops the run info."""
    _, filename = sweep
    frame = _load(filename, load_data=0).f_to_dataframe(results=["z"], with_run_info=False)
    assert list(frame.columns) == ["x", "label", "z", "point_hash"]
    frame = _load(filename, load_data=0).f_to_dataframe(results=["z"], with_run_info=False,
                                                        point_hash=False)
    assert list(frame.columns) == ["x", "label", "z"]


def test_to_dataframe_from_memory_matches_the_file(sweep: tuple[Trajectory, str]) -> None:
    """A never-stored trajectory gives the same table from memory as the stored one does."""
    stored, filename = sweep
    memory = Trajectory("mem")
    memory.f_add_parameter("x", 0)
    memory.f_add_parameter("label", "a")
    memory.f_explore({"x": list(range(5)), "label": [f"run{i}" for i in range(5)]})
    for idx in range(5):
        memory.f_start_run(idx)
        memory.f_add_result("z", idx * 0.5)
        if idx != 3:
            memory.f_add_result("n", idx)
        memory.f_add_result("m", a=idx, b=str(idx))
        memory.f_finalize_run(clean_up=False)
    from_memory = memory.f_to_dataframe(with_run_info=False)
    from_file = _load(filename, load_data=0).f_to_dataframe(with_run_info=False)
    pd.testing.assert_frame_equal(from_memory[sorted(from_memory.columns)],
                                  from_file[sorted(from_file.columns)], check_dtype=False)


# --- the file without pypet -------------------------------------------------------------------

_READER = textwrap.dedent(
    """
    import json, sys
    import h5py
    import pandas as pd

    with h5py.File(sys.argv[1], "r") as f:
        table = f["t/overview/runs"]
        columns = {}
        for name, ds in table.items():
            if isinstance(ds, h5py.Dataset) and ds.ndim == 1:
                values = ds[()]
                if values.dtype.kind == "S":
                    values = [v.decode("utf8") for v in values]
                columns[name] = list(values)
        present = {name: ds[()].astype(bool).tolist() for name, ds in table["_present"].items()}
    frame = pd.DataFrame(columns)
    out = {
        "columns": sorted(frame.columns),
        "z": frame["results.runs.$.z"].tolist(),
        "x": [int(v) for v in frame["parameters.x"]],
        "label": frame["parameters.label"].tolist(),
        "completed": [int(v) for v in frame["completed"]],
        "n_present": present["results.runs.$.n"],
        "pypet_imported": any(m == "pypet" or m.startswith("pypet.") for m in sys.modules),
    }
    print(json.dumps(out))
    """
)


def test_run_table_is_readable_with_plain_h5py_and_pandas(sweep: tuple[Trajectory, str],
                                                          tmp_path: Any) -> None:
    """A separate Python reads parameters, results and run info with h5py+pandas, no pypet."""
    _, filename = sweep
    script = tmp_path / "reader.py"
    script.write_text(_READER)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(script), filename], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=60, check=True)
    out = json.loads(done.stdout)
    assert out["pypet_imported"] is False
    assert out["z"] == [i * 0.5 for i in range(5)]
    assert out["x"] == list(range(5))
    assert out["label"] == [f"run{i}" for i in range(5)]
    assert out["completed"] == [1] * 5
    assert out["n_present"] == [True, True, True, False, True]
    assert {"idx", "start", "finish", "runtime", "results.runs.$.m:a"} <= set(out["columns"])


# --- scale ------------------------------------------------------------------------------------


def _max_children(filename: str) -> int:
    biggest = 0

    def visit(_name: str, obj: Any) -> None:
        nonlocal biggest
        if isinstance(obj, h5py.Group):
            biggest = max(biggest, len(obj))

    with h5py.File(filename, "r") as f:
        f.visititems(visit)
    return biggest


def test_many_runs_never_crowd_one_group(h5path: str, run_by_hand: Callable) -> None:
    """3000 runs with a non-columnar result: no HDF5 group has more than 1000 children."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(3000))})
    run_by_hand(traj, lambda i: {"z": i, "arr": np.arange(i % 3 + 100)})
    traj.f_store()
    assert _max_children(h5path) <= 1000
    loaded = _load(h5path, load_data=1)
    assert len(loaded.f_get_from_runs("arr")) == 3000
    loaded.f_load_item("results.runs.run_00002999.arr")
    assert_exact(loaded.f_get("results.runs.run_00002999.arr").f_get(), np.arange(102))
    assert loaded.f_to_dataframe()["z"].tolist() == list(range(3000))


def test_scalar_only_runs_create_no_run_groups(h5path: str, run_by_hand: Callable) -> None:
    """Runs whose results all fit the run table leave no per-run HDF5 groups behind."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(50))})
    run_by_hand(traj, lambda i: {"z": float(i), "grp.q": i})
    traj.f_store()
    with h5py.File(h5path, "r") as f:
        assert "runs" not in f["t/results"] or len(f["t/results/runs"]) == 0
    loaded = _load(h5path)
    assert loaded.f_get("results.runs.run_00000049.grp.q").f_get() == 49


# --- changing stored run results ---------------------------------------------------------------


def _one_run(filename: str, **items: Any) -> Trajectory:
    traj = _explored(filename, 2)
    for idx in range(2):
        traj.f_start_run(idx)
        traj.f_add_result("v", **items)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    return traj


def test_store_data_never_changes_a_stored_cell(h5path: str) -> None:
    """STORE_DATA keeps the stored cell even if the value in RAM changed."""
    traj = _one_run(h5path, v=1.0)
    traj.f_get("results.runs.run_00000001.v").f_set(5.0)
    traj.f_store()
    assert _run_value(_load(h5path), 1) == 1.0


def test_overwrite_rewrites_a_cell(h5path: str) -> None:
    """OVERWRITE_DATA and ``f_store_item(overwrite=True)`` rewrite a run-table cell."""
    traj = _one_run(h5path, v=1.0)
    traj.f_get("results.runs.run_00000001.v").f_set(5.0)
    traj.f_store(store_data=3)
    assert _run_value(_load(h5path), 1) == 5.0
    traj.f_get("results.runs.run_00000000.v").f_set(7.0)
    traj.f_store_item("results.runs.run_00000000.v", overwrite=True)
    assert [_run_value(_load(h5path), i) for i in (0, 1)] == [7.0, 5.0]


def test_overwrite_with_a_value_that_no_longer_fits(h5path: str) -> None:
    """Overwriting a cell with a value of another type moves that run's result to a node."""
    traj = _one_run(h5path, v=1.0)
    traj.f_get("results.runs.run_00000001.v").f_set("now text")
    traj.f_store(store_data=3)
    assert _where(h5path, 1, "v") == "node"
    loaded = _load(h5path)
    assert [_run_value(loaded, i) for i in (0, 1)] == [1.0, "now text"]
    assert loaded.f_to_dataframe()["v"].isna().tolist() == [False, True]


def test_store_data_adds_new_items_to_a_cell_result(h5path: str) -> None:
    """Items added to a stored run-table result are stored by STORE_DATA (stored values stay)."""
    traj = _one_run(h5path, v=1.0)
    res = traj.f_get("results.runs.run_00000001.v")
    res.f_set_single("extra", [1, 2])
    res.f_set_single("v", 9.0)
    traj.f_store()
    loaded = _load(h5path).f_get("results.runs.run_00000001.v")
    assert loaded.f_to_dict() == {"v": 1.0, "extra": [1, 2]}
    assert _where(h5path, 0, "v") == "cell"


def test_overwrite_of_a_partly_loaded_cell_result_keeps_other_items(h5path: str) -> None:
    """OVERWRITE of a run-table result loaded with ``load_only`` replaces just those items."""
    _one_run(h5path, a=1, b=2.0)
    traj = _load(h5path, load_data=1)
    traj.f_load_item("results.runs.run_00000001.v", load_only="a")
    traj.f_get("results.runs.run_00000001.v").f_set_single("a", 10)
    traj.f_store(store_data=3)
    assert _load(h5path).f_get("results.runs.run_00000001.v").f_to_dict() == {"a": 10, "b": 2.0}
    assert _where(h5path, 1, "v") == "cell"
