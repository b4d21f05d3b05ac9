"""The typed storage interface: modes, capabilities, store messages, the service factory."""

from __future__ import annotations

import pickle

import pytest

from pypet import Trajectory, pypetconstants
from pypet.execution.context import QueueService, ReferenceService
from pypet.execution.wrap import DeferredService, LockedService
from pypet.storage.factory import make_service
from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.messages import StoreRecords, StoreRuns, deliver
from pypet.storage.modes import LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.null import LazyStorageService
from pypet.storage.records import RunFailure, RunOutcome
from pypet.storage.service import StorageService
from pypet.trajectory.to_records import leaf_record


def test_modes_accept_pypets_constants_and_compare_equal_to_them():
    """pypet's ints convert once; the enums still equal the constants."""
    assert StoreMode.of(pypetconstants.OVERWRITE_DATA) is StoreMode.OVERWRITE
    assert StoreMode.DATA == pypetconstants.STORE_DATA
    assert LoadMode.of(pypetconstants.LOAD_SKELETON) is LoadMode.SKELETON
    modes = LoadModes.of(2, 1, 0, 1)
    assert modes.for_branch("config") is LoadMode.DATA
    assert modes.for_branch("results") is LoadMode.NOTHING
    assert modes.for_branch("mine") is LoadMode.SKELETON


@pytest.mark.parametrize("bad", [7, "2", 2.0, None])
def test_a_bad_store_mode_names_the_accepted_ones(bad):
    """A store mode that is not 0..3 is refused with the constants' names."""
    with pytest.raises(ValueError, match="STORE_DATA_SKIPPING"):
        StoreMode.of(bad)


def test_overwrite_reads_pypets_forms():
    """None/False, True, one name or a list of names; anything else is refused."""
    assert not Overwrite.of(None) and not Overwrite.of(False)
    assert Overwrite.of(True).every_item
    assert Overwrite.of("a").items == {"a"}
    assert Overwrite.of(["a", "b"]).items == {"a", "b"}
    with pytest.raises(ValueError, match="overwrite must be"):
        Overwrite.of(3)


def test_services_declare_what_they_can_do(tmp_path):
    """Capabilities are declared, not probed: run tables, loading, multiprocess safety."""
    hdf5 = HDF5StorageService(str(tmp_path / "c.hdf5"))
    assert hdf5.capabilities.run_table and hdf5.capabilities.loads
    assert not hdf5.capabilities.multiproc_safe
    assert LazyStorageService().capabilities.multiproc_safe
    assert not DeferredService("QUEUE").capabilities.loads
    assert not QueueService(None).capabilities.loads
    locked = LockedService(hdf5, None)
    assert locked.capabilities.multiproc_safe and locked.capabilities.run_table
    assert locked.config_group == hdf5.config_group == "config.hdf5"
    with pytest.raises(NotImplementedError, match="run table"):
        LazyStorageService().read_run_table("x")


def test_factory_uses_the_keywords_each_backend_declares(tmp_path):
    """HDF5 takes its declared keywords; the rest is handed back untouched."""
    service, rest = make_service(True, filename=str(tmp_path / "k.hdf5"), complevel=3,
                                 v_auto_load=True)
    assert isinstance(service, HDF5StorageService) and service.complevel == 3
    assert rest == {"v_auto_load": True}
    assert "trajectory" in HDF5StorageService.keywords()


def test_factory_refuses_a_class_that_is_not_a_storage_service():
    """A storage_service class must derive from StorageService."""
    class NotAService:
        pass

    with pytest.raises(TypeError, match="not a StorageService subclass"):
        make_service(NotAService)


def test_a_custom_backend_gets_only_its_own_keywords():
    """A backend declaring keywords() receives those; others are returned."""
    class Mine(LazyStorageService):
        @classmethod
        def keywords(cls):
            return frozenset({"depth"})

        def __init__(self, depth=0):
            self.depth = depth

    service, rest = make_service(Mine, depth=3, colour="red")
    assert isinstance(service, StorageService) and service.depth == 3
    assert rest == {"colour": "red"}


def stored_trajectory(tmp_path):
    traj = Trajectory("m", filename=str(tmp_path / "m.hdf5"))
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [0, 1]})
    traj.f_store()
    return traj


def test_queued_store_calls_are_typed_messages_that_pickle_and_deliver(tmp_path):
    """A QueueService sends StoreRuns/StoreRecords records; delivering them stores."""
    import queue

    traj = stored_trajectory(tmp_path)
    channel: queue.Queue = queue.Queue()
    sender = QueueService(channel)
    result = traj.f_add_result("plain", 5)
    sender.store_records("m", [leaf_record(result)])
    failure = RunFailure("ValueError", "bad", "Traceback ...")
    sender.store_runs("m", [RunOutcome(0, 1, 0.0, 1.0, True),
                            RunOutcome(1, None, 0.0, 1.0, False, error=failure)], 2)
    messages = [pickle.loads(pickle.dumps(channel.get())) for _ in range(2)]
    assert isinstance(messages[0], StoreRecords) and isinstance(messages[1], StoreRuns)
    for message in messages:
        deliver(traj.v_storage_service, message)
    loaded = Trajectory(filename=str(tmp_path / "m.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    assert loaded.f_get("results.plain", fast_access=True) == 5
    assert loaded.f_is_completed(0) and not loaded.f_is_completed(1)
    assert loaded.f_get_run_information(1)["error"] == "ValueError: bad"


def test_local_mode_collects_messages_for_later(tmp_path):
    """A ReferenceService keeps the messages; free_references hands them over once."""
    refs = ReferenceService()
    refs.store_runs("m", [RunOutcome(0, 1, 0.0, 1.0, True)], 2)
    first = refs.free_references()
    assert [type(m) for m in first] == [StoreRuns] and refs.free_references() == []


def test_deliver_refuses_anything_else(tmp_path):
    """Only store messages can be delivered."""
    with pytest.raises(TypeError, match="Not a store message"):
        deliver(LazyStorageService(), ("store_runs", (), {}))
