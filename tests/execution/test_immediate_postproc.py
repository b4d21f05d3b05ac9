"""immediate_postproc=True: post-processing starts while the last runs are still going."""

from __future__ import annotations

import os
import select
from pathlib import Path

import pytest

from pypet import Environment, Trajectory

#: longest a run waits for the post-processing's flag file (a hang guard, not a margin)
GUARD_SECONDS = 60


def wait_for_flag(traj):
    """Runs 2 and 3 finish only after post-processing has created the flag file."""
    if traj.v_idx in (2, 3):
        flag = Path(traj.f_get("flag", fast_access=True))
        for _ in range(GUARD_SECONDS * 20):
            if flag.exists():
                break
            select.select([], [], [], 0.05)
        else:
            raise TimeoutError("post-processing never started while runs were going")
    traj.f_add_result("z", traj.x * 10)
    return traj.x * 10


@pytest.mark.multiproc
def test_immediate_postproc_runs_while_runs_go_and_may_expand(tmp_path):
    """The first call sees runs 0 and 1 while 2 and 3 still run (they wait for it); its
    expansion runs too; after the last run it is called again as usual."""
    calls = []

    def postproc(traj, results, flag):
        calls.append([idx for idx, _ in results])
        if len(calls) == 1:
            Path(flag).touch()
            return {"x": [10, 11], "flag": [flag, flag]}
        return None

    flag = str(tmp_path / "flag")
    env = Environment(trajectory="imm", filename=str(tmp_path / "imm.hdf5"), log_config=None,
                      report_progress=False, multiproc=True, use_pool=False, ncores=2,
                      wrap_mode="LOCK", immediate_postproc=True)
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_add_parameter("flag", "")
    traj.f_explore({"x": [0, 1, 2, 3], "flag": [flag] * 4})
    env.add_postprocessing(postproc, flag)
    results = env.run(wait_for_flag)
    assert sorted(calls[0]) == [0, 1]
    assert sorted(calls[-1]) == [0, 1, 2, 3, 4, 5]
    assert [value for _, value in results] == [0, 10, 20, 30, 100, 110]
    loaded = Trajectory(filename=str(tmp_path / "imm.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    assert len(loaded) == 6 and loaded.f_is_completed()
    assert loaded.f_get_from_runs("z", fast_access=True, use_indices=True)[5] == 110
    assert os.path.exists(flag)
