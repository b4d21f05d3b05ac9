"""Plain run results (``RunOutcome.plain``) store and load exactly as their expanded records."""

from __future__ import annotations

import pickle
import struct
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import h5py
import pandas as pd
import pytest

from pypet import Environment, Trajectory, load_trajectory
from pypet.execution.journal import JournalWriter, read_journal
from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.memory import MemoryStorageService
from pypet.storage.records import RunOutcome
from pypet.trajectory.single_run import SingleRun
from tests.storage.conftest import assert_exact

N_RUNS = 6
#: per result name, its value in each run
VALUES: dict[str, list[Any]] = {
    "flt": [0.5, 1.5, 2.5, 3.5, -0.0, float("inf")],
    "int_then_float": [1, 2.5, 3, 4.5, 5, 6.5],  # an int column: the floats become nodes
    "float_then_int": [1.5, 2, 3.5, 4, 5.5, 6],  # a float column: the ints become nodes
    "text": ["a", "bb", "x" * 1000, "c", "", "dd"],  # the long string becomes a node
    "huge": [1, 2**70, 3, -(2**63) - 1, 2**63 - 1, 4],  # beyond int64: nodes
    "flag": [True, False, True, False, True, True],
    "nothing": [None] * N_RUNS,
    "cplx": [1j, 2 + 0.5j, 3.0 + 0j, -1j, 0j, 1 + 1j],
    "flag_then_int": [True, 1, False, 0, True, 2],  # a bool column: the ints become nodes
    "raw": [b"a", b"b", b"", b"dd", b"\x00", b"e"],  # bytes: nodes
    "int_then_bool": [1, True, 2, False, 3, True],  # an int column: the bools become nodes
    "cplx_then_float": [1j, 2.0, 3j, 4.0, 5j, 6.0],  # a complex column: floats become nodes
    "text_then_number": ["a", 1, "b", 2.0, "c", None],  # a str column: the rest are nodes
}
#: where each value lands in the HDF5 file
PLACES: dict[str, list[str]] = {
    "flt": ["cell"] * N_RUNS,
    "int_then_float": ["cell", "node", "cell", "node", "cell", "node"],
    "float_then_int": ["cell", "node", "cell", "node", "cell", "node"],
    "text": ["cell", "cell", "node", "cell", "cell", "cell"],
    "huge": ["cell", "node", "cell", "node", "cell", "cell"],
    "flag": ["cell"] * N_RUNS,
    "nothing": ["node"] * N_RUNS,
    "cplx": ["cell"] * N_RUNS,
    "flag_then_int": ["cell", "node", "cell", "node", "cell", "node"],
    "raw": ["node"] * N_RUNS,
    "int_then_bool": ["cell", "node", "cell", "node", "cell", "node"],
    "cplx_then_float": ["cell", "node", "cell", "node", "cell", "node"],
    "text_then_number": ["cell", "node", "cell", "node", "cell", "node"],
}
NOTED_COMMENT = "set in the run"


def _sweep_run(traj: Trajectory) -> int:
    """Add every VALUES result of this run, and one whose comment is set after adding."""
    idx = traj.x
    for name, values in VALUES.items():
        traj.f_add_result(name, values[idx])
    noted = traj.f_add_result("noted", idx * 0.25)
    noted.v_comment = NOTED_COMMENT
    return idx


def _explore(traj: Trajectory) -> None:
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(N_RUNS))})


def _stored_sweep(service: Any) -> Trajectory:
    traj = Trajectory("t", storage_service=service)
    _explore(traj)
    traj.f_store()
    return traj


def _outcomes(traj: Trajectory) -> list[RunOutcome]:
    """The real outcomes of the sweep's runs (runs after the first carry plain results)."""
    outcomes = [SingleRun(traj, idx).execute(_sweep_run) for idx in range(N_RUNS)]
    for outcome in outcomes[1:]:
        assert outcome.error is None
        assert outcome.plain is not None and set(outcome.plain) == set(VALUES)
        assert [leaf.full_name.rpartition(".")[2] for leaf in outcome.leaves] == ["noted"]
    return outcomes


def _where(filename: str, idx: int, name: str) -> str | None:
    """'cell' if run ``idx``'s result is in the run table, 'node' if a node, else None."""
    cell, node = _in_table(filename, idx, name), _has_node(filename, idx, name)
    assert not (cell and node), f"run {idx}'s {name} is both a cell and a node"
    return "cell" if cell else "node" if node else None


def _in_table(filename: str, idx: int, name: str) -> bool:
    with h5py.File(filename, "r") as f:
        present = f["t/overview/runs/_present"]
        template = f"results.runs.$.{name}"
        return template in present and bool(present[template][idx])


def _has_node(filename: str, idx: int, name: str) -> bool:
    with h5py.File(filename, "r") as f:
        return f"t/results/runs/_set_{idx // 1000:05d}/run_{idx:08d}/{name}" in f


def _load(filename: str) -> Trajectory:
    return load_trajectory(name="t", filename=filename, load_all=2)


def _run_value(traj: Trajectory, idx: int, name: str) -> Any:
    return traj.f_get(f"results.runs.run_{idx:08d}.{name}").f_get()


def _assert_expected(traj: Trajectory) -> None:
    """Every run's results have exactly the values (and types) the runs added."""
    for name, values in VALUES.items():
        for idx, value in enumerate(values):
            assert_exact(_run_value(traj, idx, name), value)
    for idx in range(N_RUNS):
        noted = traj.f_get(f"results.runs.run_{idx:08d}.noted")
        assert noted.v_comment == NOTED_COMMENT
        assert_exact(noted.f_get(), idx * 0.25)


def _assert_same(first: Trajectory, second: Trajectory, frames: bool = True) -> None:
    """Both trajectories give the same run results, by name lookup and (``frames``, for
    the same backend: HDF5 frames hold the run table's cells only) as a table."""
    for name in [*VALUES, "noted"]:
        assert_exact(first.f_get_from_runs(name, fast_access=True),
                     second.f_get_from_runs(name, fast_access=True))
    if frames:
        pd.testing.assert_frame_equal(first.f_to_dataframe(with_run_info=False),
                                      second.f_to_dataframe(with_run_info=False))


def _store_both(tmp_path: Path, **settings: Any) -> tuple[str, str]:
    """The sweep's outcomes stored as they are and as their expanded() form, two files."""
    plain_file, expanded_file = str(tmp_path / "plain.hdf5"), str(tmp_path / "expanded.hdf5")
    traj = _stored_sweep(HDF5StorageService(plain_file, **settings))
    outcomes = _outcomes(traj)
    traj.v_storage_service.store_runs("t", outcomes, N_RUNS)
    _stored_sweep(HDF5StorageService(expanded_file, **settings))
    HDF5StorageService(expanded_file, **settings).store_runs(
        "t", [o.expanded() for o in outcomes], N_RUNS)
    return plain_file, expanded_file


# --- store_runs called directly -----------------------------------------------------------------
@pytest.mark.parametrize("large_overview_tables", [False, True])
def test_plain_and_expanded_outcomes_load_the_same(tmp_path: Path,
                                                   large_overview_tables: bool) -> None:
    """Plain and expanded outcomes give the same exact values, frames and cells/nodes."""
    plain_file, expanded_file = _store_both(tmp_path,
                                            large_overview_tables=large_overview_tables)
    plain, expanded = _load(plain_file), _load(expanded_file)
    _assert_expected(plain)
    _assert_expected(expanded)
    _assert_same(plain, expanded)
    for name, places in PLACES.items():
        assert [_where(plain_file, i, name) for i in range(N_RUNS)] == places, name
        assert [_where(expanded_file, i, name) for i in range(N_RUNS)] == places, name
    overviews = [_overview(f) for f in (plain_file, expanded_file)]
    assert overviews[0] == overviews[1]
    assert bool(overviews[0]["results_overview"]) is large_overview_tables


def _overview(filename: str) -> dict[str, list]:
    """The rows of the file's results overview and summary tables."""
    with h5py.File(filename, "r") as f:
        group = f["t/overview"]
        return {name: group[name][()].tolist() if name in group else []
                for name in ("results_overview", "results_summary")}


def test_plain_outcomes_in_several_batches_equal_one_batch(tmp_path: Path) -> None:
    """Storing the plain outcomes in batches of 1, 2 and 3 runs loads as one batch does."""
    batched_file = str(tmp_path / "batched.hdf5")
    traj = _stored_sweep(HDF5StorageService(batched_file))
    outcomes = _outcomes(traj)
    for start, stop in ((0, 1), (1, 3), (3, N_RUNS)):
        traj.v_storage_service.store_runs("t", outcomes[start:stop], N_RUNS)
    one_file, _ = _store_both(tmp_path)
    batched = _load(batched_file)
    _assert_expected(batched)
    _assert_same(batched, _load(one_file))


def test_none_round_trips_as_none(tmp_path: Path) -> None:
    """A plain None result loads as None itself (not NaN, not an empty result)."""
    plain_file, _ = _store_both(tmp_path)
    loaded = _load(plain_file)
    assert all(_run_value(loaded, idx, "nothing") is None for idx in range(N_RUNS))
    assert list(loaded.f_get_from_runs("nothing", fast_access=True).values()) == \
        [None] * N_RUNS


def test_a_result_commented_in_the_run_is_not_plain_and_keeps_its_comment(
        tmp_path: Path) -> None:
    """A comment set after adding makes the result a leaf record; it is stored with it."""
    traj = _stored_sweep(HDF5StorageService(str(tmp_path / "c.hdf5")))
    outcomes = _outcomes(traj)
    assert all("noted" not in (o.plain or {}) for o in outcomes)
    (leaf,) = outcomes[2].leaves
    assert leaf.comment == NOTED_COMMENT and leaf.data == {"noted": 0.5}
    traj.v_storage_service.store_runs("t", outcomes, N_RUNS)
    loaded = _load(str(tmp_path / "c.hdf5"))
    assert loaded.f_get("results.runs.run_00000002.noted").v_comment == NOTED_COMMENT


def test_results_changed_after_adding_are_not_plain(tmp_path: Path) -> None:
    """Annotations or a second item set in the run keep the result out of ``plain``."""
    def changes(traj: Trajectory) -> None:
        traj.f_add_result("a", 1.0).v_annotations.f_set(unit="m")
        traj.f_add_result("b", 2.0).f_set(extra=3)
        traj.f_add_result("c", 4.0)

    traj = Trajectory("t")
    _explore(traj)
    outcomes = [SingleRun(traj, idx).execute(changes) for idx in range(3)]
    assert outcomes[2].plain == {"c": 4.0}
    assert {leaf.full_name for leaf in outcomes[2].leaves} == {
        "results.runs.run_00000002.a", "results.runs.run_00000002.b"}


def test_expanded_gives_the_leaf_and_run_group_records() -> None:
    """expanded() turns each plain result into a one-item Result leaf under its run group."""
    outcome = RunOutcome(3, None, 1.0, 2.0, True, "abc", plain={"v": 1.5, "w": None})
    expanded = outcome.expanded()
    assert expanded.plain is None
    assert [(leaf.full_name, leaf.class_name, leaf.comment, leaf.annotations, leaf.data)
            for leaf in expanded.leaves] == [
        ("results.runs.run_00000003.v", "Result", "", None, {"v": 1.5}),
        ("results.runs.run_00000003.w", "Result", "", None, {"w": None})]
    assert [g.full_name for g in expanded.groups] == [  # the groups plain results imply
        "results", "results.runs", "results.runs.run_00000003"]
    assert all(not (g.comment or g.class_name or g.annotations) for g in expanded.groups)
    assert outcome.without_data().plain is None


# --- replace=True (resume) ---------------------------------------------------------------------
def _replayed(idx: int, **plain: Any) -> RunOutcome:
    return RunOutcome(idx, idx, 10.0, 11.0, True, "replay0", plain=plain)


@pytest.mark.parametrize(("before", "after", "place"), [
    ("x" * 1000, "short", "cell"),  # a node replaced by a cell
    ("bb", "y" * 1000, "node"),  # a cell replaced by a node
    ("bb", "other", "cell"),  # a cell replaced by a cell
    (2**70, "z" * 500, "node"),  # a node replaced by a node
])
@pytest.mark.parametrize("form", ["plain", "expanded"])
def test_replace_rewrites_a_run_stored_as_cell_or_node(tmp_path: Path, before: Any,
                                                       after: Any, place: str,
                                                       form: str) -> None:
    """replace=True leaves only the new value of run 1, where it fits now; others stay."""
    filename = str(tmp_path / "r.hdf5")
    service = HDF5StorageService(filename)
    _stored_sweep(service)
    first = [_replayed(idx, text=value) for idx, value in enumerate(["a", before, "c"])]
    service.store_runs("t", first, N_RUNS)
    assert _where(filename, 1, "text") == ("node" if before in ("x" * 1000, 2**70) else "cell")
    again = _replayed(1, text=after)
    service.store_runs("t", [again if form == "plain" else again.expanded()], N_RUNS,
                       replace=True)
    assert _where(filename, 1, "text") == place
    loaded = _load(filename)
    assert [_run_value(loaded, idx, "text") for idx in range(3)] == ["a", after, "c"]
    assert loaded.f_get_from_runs("text", fast_access=True, use_indices=True) == \
        {0: "a", 1: after, 2: "c"}


def test_replace_with_a_mixed_batch_matches_the_expanded_form(tmp_path: Path) -> None:
    """A resumed batch replaying every run of the sweep gives the same file content."""
    files = []
    for form in ("plain", "expanded"):
        filename = str(tmp_path / f"{form}.hdf5")
        traj = _stored_sweep(HDF5StorageService(filename))
        outcomes = _outcomes(traj)
        if form == "expanded":
            outcomes = [o.expanded() for o in outcomes]
        traj.v_storage_service.store_runs("t", outcomes[:4], N_RUNS)
        traj.v_storage_service.store_runs("t", outcomes, N_RUNS, replace=True)
        files.append(filename)
    loaded = [_load(f) for f in files]
    _assert_expected(loaded[0])
    _assert_same(*loaded)
    for name in VALUES:
        assert [_where(files[0], i, name) for i in range(N_RUNS)] == \
            [_where(files[1], i, name) for i in range(N_RUNS)], name


# --- the memory backend --------------------------------------------------------------------------
def _from_memory(service: MemoryStorageService) -> Trajectory:
    traj = Trajectory(storage_service=service)
    traj.f_load(name="t", load_data=2)
    return traj


def test_memory_backend_stores_plain_outcomes_as_hdf5_does(tmp_path: Path) -> None:
    """store_runs of plain outcomes into memory loads the same as into an HDF5 file."""
    memory, expanded = MemoryStorageService(), MemoryStorageService()
    outcomes = _outcomes(_stored_sweep(memory))
    memory.store_runs("t", outcomes, N_RUNS)
    _stored_sweep(expanded).v_storage_service.store_runs(
        "t", [o.expanded() for o in outcomes], N_RUNS)
    plain_file, _ = _store_both(tmp_path)
    in_memory = _from_memory(memory)
    _assert_expected(in_memory)
    _assert_same(in_memory, _from_memory(expanded))
    _assert_same(in_memory, _load(plain_file), frames=False)


# --- through the Environment ---------------------------------------------------------------------
def _env_sweep(**kwargs: Any) -> Environment:
    env = Environment(trajectory="t", log_config=None, report_progress=False, **kwargs)
    _explore(env.trajectory)
    assert sorted(env.run(_sweep_run)) == [(i, i) for i in range(N_RUNS)]
    env.disable_logging()
    return env


def test_environment_serial_run_stores_what_the_runs_added(tmp_path: Path) -> None:
    """A serial Environment's file equals the file of the expanded outcomes, cell for cell."""
    filename = str(tmp_path / "env.hdf5")
    _env_sweep(filename=filename)
    _, expanded_file = _store_both(tmp_path)
    from_env = _load(filename)
    _assert_expected(from_env)
    _assert_same(from_env, _load(expanded_file))
    for name, places in PLACES.items():
        assert [_where(filename, i, name) for i in range(N_RUNS)] == places, name


def test_environment_journal_carries_the_plain_results(tmp_path: Path) -> None:
    """A resumable run's journal holds the plain results; the file holds them too."""
    filename = str(tmp_path / "env.hdf5")
    _env_sweep(filename=filename, resumable=True, resume_folder=str(tmp_path / "resume"),
               delete_resume=False)
    outcomes = sorted(read_journal(tmp_path / "resume" / "t"), key=lambda o: o.idx)
    assert [o.idx for o in outcomes] == list(range(N_RUNS))
    plain = [o for o in outcomes if o.plain]
    assert plain, "no run of the Environment sent plain results"
    for outcome in plain:
        assert_exact(outcome.plain, {name: VALUES[name][outcome.idx] for name in outcome.plain})
    _assert_expected(_load(filename))


def test_environment_memory_backend_matches_hdf5(tmp_path: Path) -> None:
    """The same sweep through an Environment on memory and on HDF5 loads the same."""
    env = _env_sweep(storage_service="memory")
    in_memory = _from_memory(env.trajectory.v_storage_service)
    filename = str(tmp_path / "env.hdf5")
    _env_sweep(filename=filename)
    _assert_expected(in_memory)
    _assert_same(in_memory, _load(filename), frames=False)


@pytest.mark.multiproc
def test_environment_pool_run_stores_what_the_runs_added(tmp_path: Path) -> None:
    """A pool of two workers sends plain results; every value loads exactly, once stored."""
    filename = str(tmp_path / "pool.hdf5")
    _env_sweep(filename=filename, multiproc=True, ncores=2, use_pool=True, resumable=True,
               resume_folder=str(tmp_path / "resume"), delete_resume=False)
    assert any(o.plain for o in read_journal(tmp_path / "resume" / "t"))
    _, expanded_file = _store_both(tmp_path)
    from_pool = _load(filename)
    _assert_expected(from_pool)
    # runs reach the writer in any order: the first value stored of a name picks its
    # column type, so cells and nodes (and with them the frames) may differ from a serial run
    _assert_same(from_pool, _load(expanded_file), frames=False)
    for name in VALUES:
        assert None not in [_where(filename, i, name) for i in range(N_RUNS)], name


# --- the resume journal --------------------------------------------------------------------------
def test_journal_round_trip_keeps_plain(tmp_path: Path) -> None:
    """An outcome with plain results reads back from the journal with the same plain."""
    traj = Trajectory("t")
    _explore(traj)
    outcomes = [SingleRun(traj, idx).execute(_sweep_run) for idx in range(3)]
    writer = JournalWriter(tmp_path)
    for outcome in outcomes:
        writer.append(outcome)
    writer.close()
    back = sorted(read_journal(tmp_path), key=lambda o: o.idx)
    assert [o.idx for o in back] == [0, 1, 2]
    assert all(o.plain for o in back[1:])  # (the first run may validate the names instead)
    for got, sent in zip(back, outcomes, strict=True):
        assert_exact(got.plain, sent.plain)
        assert got.leaves == sent.leaves and got.groups == sent.groups
        assert (got.value, got.completed, got.start, got.finish) == \
            (sent.value, sent.completed, sent.start, sent.finish)


def _write_record(folder: Path, codec: bytes, idx: int, payload: bytes) -> None:
    """One journal record as the documented header and CRC describe it."""
    header = struct.pack("<2scqBdI", b"PJ", codec, idx, 1, 2.0, len(payload))
    crc = struct.pack("<I", zlib.crc32(payload, zlib.crc32(header)))
    with open(folder / "journal-1-1-old.pjl", "ab") as handle:
        handle.write(header + crc + payload)


def test_a_ten_field_tuple_of_an_older_journal_decodes_without_plain(tmp_path: Path) -> None:
    """A tuple record written before plain existed decodes, with plain None."""
    leaf = ("results.runs.run_00000004.z", "Result", "", None, {"z": 3}, False, {})
    group = ("results.runs.run_00000004", "", "", None)
    old = (4, "v", 1.0, 2.0, True, "abcdef0", [leaf], [group], [], None)
    _write_record(tmp_path, b"T", 4, pickle.dumps(old))
    (outcome,) = read_journal(tmp_path)
    assert outcome.plain is None
    assert (outcome.idx, outcome.value, outcome.hexsha) == (4, "v", "abcdef0")
    assert outcome.leaves[0].data == {"z": 3}
    assert outcome.groups[0].full_name == "results.runs.run_00000004"


class _OldPickle:
    """Pickles as an earlier 0.8.0.dev0 RunOutcome did: a new object, then its state, the
    values of its 10 fields (no ``plain``)."""

    def __init__(self, fields: tuple) -> None:
        self.fields = fields

    def __reduce__(self) -> tuple:
        return object.__new__, (RunOutcome,), self.fields


def test_a_pickled_outcome_without_the_plain_field_loads_with_plain_none(
        tmp_path: Path) -> None:
    """A pickle of an outcome with fewer fields than today loads; plain takes its default."""
    old = (7, 1.5, 1.0, 2.0, True, "abcdef0", (), (), (), None)
    loaded = pickle.loads(pickle.dumps(_OldPickle(old)))
    assert type(loaded) is RunOutcome
    assert loaded.plain is None and (loaded.idx, loaded.value) == (7, 1.5)
    _write_record(tmp_path, b"P", 7, pickle.dumps(_OldPickle(old)))
    (outcome,) = read_journal(tmp_path)
    assert outcome.plain is None and outcome.idx == 7
    assert replace(outcome, plain={"a": 1}).expanded().leaves[0].data == {"a": 1}
