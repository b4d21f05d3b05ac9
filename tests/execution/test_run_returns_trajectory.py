"""A run may return its trajectory (pypet 0.7's own tests do), also in forked LOCK mode."""

from __future__ import annotations

import pytest

from tests.execution.helpers import make_env


def _returns_trajectory(traj):
    traj.f_add_result("z", traj.x * traj.y)
    return traj.x, traj


@pytest.mark.multiproc
def test_forked_lock_run_returns_its_trajectory(tmp_path):
    """In one process per run with LOCK, the returned trajectory arrives without the lock."""
    env = make_env(tmp_path / "t.hdf5", multiproc=True, ncores=2, use_pool=False,
                   wrap_mode="LOCK")
    results = env.run(_returns_trajectory)
    assert [value for _, (value, _traj) in results] == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    returned = results[0][1][1]
    assert returned.v_name == "t" and type(returned.v_storage_service).__name__ == \
        "HDF5StorageService"
