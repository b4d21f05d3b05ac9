"""The conformance suite every storage backend must pass (needs pytest).

Subclass :class:`StorageServiceTests` in a test module and implement
:meth:`~StorageServiceTests.make_service`; pytest then runs every test below against your
backend::

    from pypet.storage.testing import StorageServiceTests

    class TestMyBackend(StorageServiceTests):
        def make_service(self, tmp_path):
            return MyStorageService(tmp_path / "store")

The tests go through the public API (``Trajectory``, ``Environment``) the way users do,
plus a few direct calls of the interface for what the API cannot reach exactly. pypet runs
them against its HDF5 and memory backends (``tests/storage/conformance/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pypet import (
    DataNotInStorageError,
    Environment,
    PickleResult,
    ResultGroup,
    Trajectory,
)
from pypet import constants as C
from pypet.runnames import run_name, set_name
from pypet.storage.modes import LoadMode, LoadModes, StoreMode
from pypet.storage.records import LeafRecord, RunOutcome
from pypet.storage.service import StorageService

__all__ = ["StorageServiceTests"]


class _Collect:
    """A load sink that keeps what a backend feeds it."""

    def __init__(self) -> None:
        self.meta_data: dict[str, Any] = {}
        self.length = -1
        self.nodes: dict[str, Any] = {}
        self.links: list[Any] = []

    def meta(self, meta: dict[str, Any]) -> None:
        self.meta_data = meta

    def runs(self, length: int, info: Any) -> None:
        self.length = length

    def explored(self, names: list[str]) -> None:
        pass

    def node(self, record: Any, mode: LoadMode) -> None:
        self.nodes[record.full_name] = record

    def run_leaves(self, template: str, class_name: str, comment: str, rows: Any,
                   mode: LoadMode) -> None:
        parts = template.split(".")
        for idx in rows.tolist():
            name = ".".join(run_name(idx) if p == "$" else set_name(idx) if p == "$set" else p
                            for p in parts)
            self.nodes[name] = LeafRecord(name, class_name, comment, None, {})

    def link(self, record: Any) -> None:
        self.links.append(record)


def _run(traj: Trajectory) -> float:
    traj.f_add_result("z", traj.x * 10, comment="ten times x")
    if traj.x == 3:
        raise ValueError("x=3 is refused")
    return traj.x


class StorageServiceTests:
    """Tests every storage backend must pass; subclasses implement :meth:`make_service`."""

    def make_service(self, tmp_path: Path) -> StorageService:
        """Return a new, empty service of the backend under test."""
        raise NotImplementedError("Implement make_service(tmp_path) in your test class.")

    @pytest.fixture
    def service(self, tmp_path: Path) -> StorageService:
        return self.make_service(tmp_path)

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def stored(service: StorageService, name: str = "conf") -> Trajectory:
        """A stored trajectory with config, parameters, derived parameters and results."""
        traj = Trajectory(name, storage_service=service, comment="a conformance test")
        traj.f_add_config("steps", 10, comment="how many steps")
        traj.f_add_parameter("physics.x", 1.5, comment="first")
        traj.f_add_parameter("physics.label", "abc")
        traj.f_add_parameter("physics.flags", np.array([1, 2, 3]))
        traj.f_add_derived_parameter("twice", 3.0)
        res = traj.f_add_result("summary", mean=2.5, counts=[1, 2], comment="the summary")
        res.v_annotations.f_set(unit="m", scale=(1, 2))
        traj.f_add_result("nested.deeper.leaf", 7)
        traj.par.physics.v_annotations.f_set(origin="lab")
        traj.f_store()
        return traj

    @staticmethod
    def load(service: StorageService, name: str = "conf", **kwargs: Any) -> Trajectory:
        """A new trajectory loaded from ``service``."""
        traj = Trajectory(storage_service=service)
        kwargs.setdefault("load_data", C.LOAD_DATA)
        traj.f_load(name=name, **kwargs)
        return traj

    # --- storing and loading a trajectory -----------------------------------------------------
    def test_a_stored_trajectory_loads_back(self, service: StorageService) -> None:
        """Values, comments, annotations and metadata come back as stored."""
        original = self.stored(service)
        traj = self.load(service)
        assert traj.v_comment == "a conformance test"
        assert traj.v_timestamp == original.v_timestamp
        assert traj.physics.x == 1.5 and traj.physics.label == "abc"
        np.testing.assert_array_equal(traj.physics.flags, [1, 2, 3])
        assert traj.f_get("config.steps").v_comment == "how many steps"
        assert traj.twice == 3.0
        summary = traj.f_get("results.summary")
        assert summary.mean == 2.5 and summary.counts == [1, 2]
        assert summary.v_comment == "the summary"
        assert summary.v_annotations.unit == "m" and summary.v_annotations.scale == (1, 2)
        assert traj.par.physics.v_annotations.origin == "lab"
        assert traj.f_get("results.nested.deeper.leaf", fast_access=True) == 7

    def test_values_keep_their_exact_types(self, service: StorageService) -> None:
        """None, bool vs int, tuples vs lists, str vs bytes, numpy and pandas round-trip."""
        traj = Trajectory("types", storage_service=service)
        values = {"none": None, "flag": True, "count": 3, "ratio": 0.5, "text": "é",
                  "raw": b"\x00\x01", "pair": (1, "a"), "items": [1, 2.0], "map": {"k": [1]},
                  "matrix": np.arange(6, dtype=np.int16).reshape(2, 3), "scalar": np.float32(2),
                  "frame": pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})}
        traj.f_add_result("values", **values)
        traj.f_store()
        loaded = self.load(service, "types").f_get("results.values")
        for key, value in values.items():
            got = loaded.f_get(key)
            assert type(got) is type(value), key
            if isinstance(value, np.ndarray):
                assert got.dtype == value.dtype
                np.testing.assert_array_equal(got, value)
            elif isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(got, value)
            else:
                assert got == value, key

    def test_pickle_leaves_round_trip(self, service: StorageService) -> None:
        """A PickleResult comes back with its objects and protocol."""
        traj = Trajectory("pickled", storage_service=service)
        traj.f_add_result(PickleResult, "obj", {1, 2}, protocol=2)
        traj.f_store()
        loaded = self.load(service, "pickled").f_get("results.obj")
        assert loaded.f_get() == {1, 2} and loaded.v_protocol == 2

    def test_standard_groups_come_back_as_their_branchs_group(
            self, service: StorageService) -> None:
        """Groups are recreated by branch: a group below results is a ResultGroup."""
        self.stored(service)
        traj = self.load(service)
        assert isinstance(traj.f_get("results.nested"), ResultGroup)

    def test_choosing_a_trajectory_by_name_or_index(self, service: StorageService) -> None:
        """index=-1 is the newest; an unknown name raises DataNotInStorageError."""
        self.stored(service, "older")
        self.stored(service, "newer")
        traj = Trajectory(storage_service=service)
        traj.f_load(index=-1, load_data=C.LOAD_SKELETON)
        assert traj.v_name == "newer"
        with pytest.raises(DataNotInStorageError):
            Trajectory(storage_service=service).f_load(name="missing")

    def test_a_new_trajectory_does_not_replace_a_stored_one(
            self, service: StorageService) -> None:
        """Storing a new trajectory under a stored name fails and keeps the stored one."""
        self.stored(service)
        other = Trajectory("conf", storage_service=service)
        other.f_add_parameter("other", 1)
        with pytest.raises(RuntimeError, match="already holds a trajectory"):
            other.f_store()
        assert self.load(service).physics.x == 1.5

    # --- runs ---------------------------------------------------------------------------------
    def test_runs_store_results_run_information_and_failures(
            self, service: StorageService) -> None:
        """An experiment's results, completion, timing and errors are stored per run."""
        traj = Trajectory("runs", storage_service=service)
        traj.f_add_parameter("x", 1)
        traj.f_explore({"x": [1, 2, 3]})
        env = Environment(trajectory=traj, log_config=None, on_error="continue",
                          report_progress=False)
        results = env.run(_run)
        env.disable_logging()
        assert sorted(results) == [(0, 1), (1, 2)]
        loaded = self.load(service, "runs")
        assert len(loaded) == 3 and loaded.f_get_explored_parameters()
        assert list(loaded.f_get("parameters.x").f_get_range()) == [1, 2, 3]
        # a failed run stores nothing it added
        assert dict(loaded.f_get_from_runs("z", fast_access=True, auto_load=True)) == {
            "run_00000000": 10, "run_00000001": 20}
        assert loaded.f_is_completed(0) and loaded.f_is_completed(1)
        assert not loaded.f_is_completed(2)
        info = loaded.f_get_run_information(2)
        assert info["error"] == "ValueError: x=3 is refused"
        done = loaded.f_get_run_information(0)
        assert done["completed"] and done["finish_timestamp"] >= done["timestamp"]

    def test_run_table_frames_agree_with_the_capability(self, service: StorageService) -> None:
        """A backend with a run table reads it; either way f_to_dataframe gives the runs."""
        traj = Trajectory("frame", storage_service=service)
        traj.f_add_parameter("x", 1)
        traj.f_explore({"x": [1, 2]})
        env = Environment(trajectory=traj, log_config=None, report_progress=False)
        env.run(_run)
        env.disable_logging()
        if service.capabilities.run_table:
            assert service.read_run_table("frame")["length"] == 2
        else:
            with pytest.raises(NotImplementedError):
                service.read_run_table("frame")
        frame = self.load(service, "frame").f_to_dataframe()
        assert list(frame["x"]) == [1, 2] and list(frame["z"]) == [10, 20]

    def test_store_runs_and_replacing_what_a_run_stored(self, service: StorageService) -> None:
        """store_runs stores a run's items; replace=True rewrites what the run has stored."""
        traj = Trajectory("direct", storage_service=service)
        traj.f_add_parameter("x", 1)
        traj.f_explore({"x": [1, 2]})
        traj.f_store()

        def outcome(value: int) -> RunOutcome:
            leaf = LeafRecord("results.runs.run_00000000.z", "Result", "", None,
                              {"z": value})
            return RunOutcome(0, None, 1.0, 2.0, True, "abcdef0", leaves=(leaf,))

        service.store_runs("direct", [outcome(1)], 2)
        assert self.load(service, "direct").f_get("results.runs.run_00000000.z").z == 1
        service.store_runs("direct", [outcome(3)], 2, replace=True)
        loaded = self.load(service, "direct")
        assert loaded.f_get("results.runs.run_00000000.z").z == 3
        assert loaded.f_get_run_information(0)["completed"]

    # --- load modes ---------------------------------------------------------------------------
    def test_each_branch_loads_with_its_own_mode(self, service: StorageService) -> None:
        """LOAD_NOTHING leaves a branch out; LOAD_SKELETON brings empty leaves."""
        self.stored(service)
        traj = Trajectory(storage_service=service)
        traj.f_load(name="conf", load_parameters=C.LOAD_DATA,
                    load_derived_parameters=C.LOAD_NOTHING, load_results=C.LOAD_SKELETON,
                    load_other_data=C.LOAD_NOTHING)
        assert traj.physics.x == 1.5
        assert not traj.f_contains("derived_parameters.twice", shortcuts=False)
        summary = traj.f_get("results.summary")
        assert summary.f_is_empty() and summary.v_comment == "the summary"
        traj.f_load_item(summary)
        assert summary.mean == 2.5

    def test_load_data_keeps_memory_and_overwrite_data_replaces_it(
            self, service: StorageService) -> None:
        """LOAD_DATA keeps values already in memory; OVERWRITE_DATA replaces them."""
        traj = self.stored(service)
        result = traj.f_get("results.summary")
        result.f_set(mean=-1.0)
        traj.f_load_item(result, load_data=C.LOAD_DATA)
        assert result.mean == -1.0
        traj.f_load_item(result, load_data=C.OVERWRITE_DATA)
        assert result.mean == 2.5

    def test_loading_parts_of_a_leaf(self, service: StorageService) -> None:
        """load_only and load_except choose the items of a leaf."""
        self.stored(service)
        traj = self.load(service, load_results=C.LOAD_SKELETON, load_data=None)
        summary = traj.f_get("results.summary")
        traj.f_load_item(summary, load_only=["mean"])
        assert summary.f_to_dict() == {"mean": 2.5}
        other = self.load(service, load_results=C.LOAD_SKELETON, load_data=None)
        other.f_load_item("results.summary", load_except=["mean"])
        assert other.f_get("results.summary").f_to_dict() == {"counts": [1, 2]}

    def test_depth_limits_loading(self, service: StorageService) -> None:
        """max_depth stops loading below that depth, for a trajectory and for a child."""
        self.stored(service)
        traj = self.load(service, max_depth=2)
        assert traj.f_contains("results.nested", shortcuts=False)
        assert not traj.f_contains("results.nested.deeper", shortcuts=False)
        # as in pypet 0.7, a child's depth counts from the group it is loaded from
        traj.results.f_load_child("nested", recursive=True, max_depth=2)
        assert traj.f_contains("results.nested.deeper", shortcuts=False)
        assert not traj.f_contains("results.nested.deeper.leaf", shortcuts=False)
        traj.results.f_load_child("nested", recursive=True, max_depth=3)
        assert traj.f_get("results.nested.deeper.leaf", fast_access=True) == 7

    def test_the_interface_counts_what_it_found(self, service: StorageService) -> None:
        """load_records returns how many of the asked nodes exist."""
        self.stored(service)
        sink = _Collect()
        found = service.load_records(sink, "conf", ["results.summary", "results.nope"])
        assert found == 1 and set(sink.nodes) == {"results.summary"}
        sink = _Collect()
        name = service.load_trajectory(sink, None, -1, LoadModes.of(0, 0, 0, 0))
        assert name == "conf" and sink.meta_data["comment"] == "a conformance test"
        assert sink.nodes == {}

    # --- store modes --------------------------------------------------------------------------
    def test_store_modes_of_an_item(self, service: StorageService) -> None:
        """STORE_DATA adds new items only; overwrite=[...] and OVERWRITE_DATA replace."""
        traj = self.stored(service)
        result = traj.f_get("results.summary")
        result.f_set(mean=9.0, extra="new")
        traj.f_store_item(result)
        stored = self.load(service).f_get("results.summary")
        assert stored.mean == 2.5 and stored.extra == "new"
        traj.f_store_item(result, overwrite=["mean"])
        assert self.load(service).f_get("results.summary").mean == 9.0
        result.f_set(mean=11.0)
        traj.f_store_item(result, store_data=C.STORE_DATA_SKIPPING)
        assert self.load(service).f_get("results.summary").mean == 9.0
        traj.f_store_item(result, store_data=C.OVERWRITE_DATA)
        assert self.load(service).f_get("results.summary").mean == 11.0

    def test_store_nothing_writes_no_leaf(self, service: StorageService) -> None:
        """StoreMode.NOTHING stores no leaf."""
        traj = self.stored(service)
        traj.f_add_result("later", 1)
        traj.f_store_item("results.later", store_data=StoreMode.NOTHING)
        assert not self.load(service).f_contains("results.later", shortcuts=False)

    # --- deleting -----------------------------------------------------------------------------
    def test_deleting_items_and_parts_of_items(self, service: StorageService) -> None:
        """A deleted leaf is gone from storage; delete_only removes some of its items."""
        traj = self.stored(service)
        traj.f_delete_item("results.summary", delete_only=["counts"])
        assert self.load(service).f_get("results.summary").f_to_dict() == {"mean": 2.5}
        traj.f_delete_item("derived_parameters.twice")
        assert not self.load(service).f_contains("derived_parameters.twice", shortcuts=False)

    def test_deleting_a_group_needs_recursive(self, service: StorageService) -> None:
        """A group with children is deleted only with recursive=True."""
        traj = self.stored(service)
        with pytest.raises(TypeError, match="recursive=True"):
            traj.f_delete_item(traj.f_get("results.nested"))
        traj.f_delete_item(traj.f_get("results.nested"), recursive=True)
        assert not self.load(service).f_contains("results.nested", shortcuts=False)

    def test_deleting_what_is_not_stored_raises(self, service: StorageService) -> None:
        """Deleting a node that storage lacks raises DataNotInStorageError."""
        traj = self.stored(service)
        traj.f_add_result("unsaved", 1)
        with pytest.raises(DataNotInStorageError):
            traj.f_delete_item("results.unsaved")

    # --- links --------------------------------------------------------------------------------
    def test_links_round_trip_and_can_be_deleted(self, service: StorageService) -> None:
        """A stored link loads back to its target; a deleted link is gone."""
        traj = self.stored(service)
        traj.results.f_add_link("shortcut", traj.f_get("results.nested.deeper"))
        traj.f_store()
        loaded = self.load(service)
        assert loaded.f_get("results.shortcut.leaf", fast_access=True) == 7
        traj.f_delete_link("results.shortcut")
        assert not self.load(service).f_contains("results.shortcut", shortcuts=False)

    def test_a_link_into_an_unloaded_branch_brings_its_target(
            self, service: StorageService) -> None:
        """Loading a link whose target's branch is not loaded brings the target's skeleton."""
        traj = self.stored(service)
        traj.parameters.f_add_link("result_link", traj.f_get("results.summary"))
        traj.f_store()
        loaded = Trajectory(storage_service=service)
        loaded.f_load(name="conf", load_parameters=C.LOAD_DATA,
                      load_results=C.LOAD_NOTHING)
        target = loaded.f_get("parameters.result_link")
        assert target.v_full_name == "results.summary" and target.f_is_empty()

    # --- capabilities and sessions ------------------------------------------------------------
    def test_declared_capabilities_are_plain_flags(self, service: StorageService) -> None:
        """Capabilities and keywords are declared, and a session can wrap several calls."""
        capabilities = service.capabilities
        assert {type(flag) for flag in (capabilities.multiproc_safe, capabilities.run_table,
                                        capabilities.loads)} == {bool}
        assert isinstance(type(service).keywords(), frozenset)
        traj = Trajectory("session", storage_service=service)
        traj.f_add_parameter("x", 1)
        with service.session("session"):
            traj.f_store()
            traj.f_add_result("r", 2)
            traj.f_store_item("results.r")
            service.flush()
        assert self.load(service, "session").f_get("results.r", fast_access=True) == 2
