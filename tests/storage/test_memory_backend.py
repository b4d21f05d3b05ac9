"""What only the memory backend does: copies in and out, no data in other processes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pypet import Environment, Trajectory
from pypet.storage.memory import MemoryStorageService


def _square(traj):
    traj.f_add_result("y", traj.x ** 2)
    return traj.x ** 2


def test_stored_and_loaded_values_are_copies():
    """Changing an array after storing it, or after loading it, leaves storage unchanged."""
    service = MemoryStorageService()
    traj = Trajectory("copies", storage_service=service)
    values = np.arange(3)
    traj.f_add_result("arr", values)
    traj.f_store()
    values[0] = 99
    loaded = Trajectory(storage_service=service)
    loaded.f_load(name="copies", load_data=2)
    loaded.results.arr[1] = -1
    again = Trajectory(storage_service=service)
    again.f_load(name="copies", load_data=2)
    assert again.results.arr.tolist() == [0, 1, 2]


def test_a_copy_in_another_process_refuses_every_call():
    """A pickled service holds no data and says how to run in parallel instead."""
    service = MemoryStorageService()
    Trajectory("kept", storage_service=service).f_store()
    copy = pickle.loads(pickle.dumps(service))
    with pytest.raises(RuntimeError, match="wrap_mode='QUEUE'"):
        Trajectory(storage_service=copy).f_load(name="kept")
    assert service.trajectory_names() == ["kept"]


def test_the_environment_picks_it_by_name():
    """storage_service='memory' gives an Environment a memory backend."""
    env = Environment(trajectory="named", storage_service="memory", log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 2)
    traj.f_explore({"x": [1, 2]})
    assert env.run(_square) == [(0, 1), (1, 4)]
    assert isinstance(traj.v_storage_service, MemoryStorageService)
    assert traj.v_storage_service.trajectory_names() == ["named"]
    env.disable_logging()


@pytest.mark.multiproc
def test_a_pool_in_queue_mode_stores_into_the_main_process(tmp_path):
    """Pool workers send their results back; the main process's memory storage holds them."""
    service = MemoryStorageService()
    traj = Trajectory("pooled", storage_service=service)
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2, 3]})
    env = Environment(trajectory=traj, multiproc=True, use_pool=True, ncores=2,
                      wrap_mode="QUEUE", log_config=None, report_progress=False)
    assert sorted(env.run(_square)) == [(0, 1), (1, 4), (2, 9)]
    env.disable_logging()
    loaded = Trajectory(storage_service=service)
    loaded.f_load(name="pooled", load_data=2)
    assert dict(loaded.f_get_from_runs("y", fast_access=True)) == {
        "run_00000000": 1, "run_00000001": 4, "run_00000002": 9}
