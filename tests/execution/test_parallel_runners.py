"""Every runner x wrap mode stores the same data as a serial run (store, reload, compare)."""

from __future__ import annotations

import concurrent.futures as cf
import logging

import pytest

from tests.execution.helpers import (
    assert_same_as_serial,
    load,
    make_env,
    mapped_run,
    rich_run,
    store_own_run,
)

pytestmark = pytest.mark.multiproc

WRAP_MODES = ["QUEUE", "LOCK", "PIPE", "LOCAL", "NONE"]
RUNNERS = {
    "pool": dict(multiproc=True, ncores=2, use_pool=True),
    "pool-frozen": dict(multiproc=True, ncores=2, use_pool=True, freeze_input=True),
    "fork": dict(multiproc=True, ncores=2, use_pool=False),
}
PROGRESS_LOGGER = "pypet.test.progress"


def check_run(tmp_path, serial_reference, caplog, **kwargs):
    """Run rich_run with ``kwargs``, reload, compare with the serial run and the progress."""
    filename = tmp_path / "par.hdf5"
    env = make_env(filename, report_progress=(50, PROGRESS_LOGGER, logging.INFO), **kwargs)
    with caplog.at_level(logging.INFO, logger=PROGRESS_LOGGER):
        values = env.run(rich_run, offset=0.5)
    expected_values, reference = serial_reference
    assert values == expected_values  # ordered by run index
    assert_same_as_serial(load(filename), reference)
    progress = [r.getMessage() for r in caplog.records if r.name == PROGRESS_LOGGER]
    assert progress and "Finished 6/6 runs" in progress[-1]


@pytest.mark.parametrize("wrap_mode", WRAP_MODES)
@pytest.mark.parametrize("runner", list(RUNNERS))
def test_runner_and_wrap_mode_match_serial(tmp_path, serial_reference, caplog, runner,
                                           wrap_mode):
    """Pool (plain and frozen input) and fork store what a serial run stores, in each mode."""
    check_run(tmp_path, serial_reference, caplog, wrap_mode=wrap_mode, **RUNNERS[runner])


@pytest.mark.parametrize("wrap_mode", ["LOCK", "QUEUE"])
def test_user_process_pool_executor_matches_serial(tmp_path, serial_reference, caplog,
                                                   wrap_mode):
    """A user's ProcessPoolExecutor (wrap mode ignored, the driver writes) matches serial."""
    with cf.ProcessPoolExecutor(2) as executor:
        check_run(tmp_path, serial_reference, caplog, executor=executor, ncores=2,
                  wrap_mode=wrap_mode)
        # the executor's workers must not keep the file open: it can be opened and reused
        check_run(tmp_path / "again", serial_reference, caplog, executor=executor, ncores=2)


@pytest.mark.parametrize("kwargs", [
    dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE"),
    dict(multiproc=True, ncores=2, use_pool=True, freeze_input=True, wrap_mode="LOCK"),
    dict(multiproc=True, ncores=2, wrap_mode="LOCK"),
    dict(multiproc=True, ncores=2, wrap_mode="LOCAL"),
], ids=["pool-queue", "frozen-lock", "fork-lock", "fork-local"])
def test_run_map_in_parallel(tmp_path, kwargs):
    """run_map gives the k-th argument of each iterable to run k, in every runner."""
    env = make_env(tmp_path / "map.hdf5", values=7, **kwargs)
    factors = [float(k + 1) for k in range(7)]
    shifts = [10.0 * k for k in range(7)]
    values = env.run_map(mapped_run, factors, shift=shifts)
    expected = [k * factors[k] + shifts[k] for k in range(7)]
    assert values == list(enumerate(expected))
    traj = load(tmp_path / "map.hdf5")
    assert list(traj.f_get_from_runs("m", fast_access=True, use_indices=True).values()) == \
        expected
    assert traj.f_is_completed()


@pytest.mark.parametrize("kwargs", [
    dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE"),
    dict(multiproc=True, ncores=2, wrap_mode="LOCK"),
    dict(multiproc=True, ncores=2, use_pool=True, wrap_mode="LOCK"),
], ids=["pool-queue", "fork-lock", "pool-lock"])
def test_store_inside_run_without_automatic_storing(tmp_path, kwargs):
    """With automatic_storing=False, what a run stores itself reaches the file."""
    env = make_env(tmp_path / "own.hdf5", values=4, automatic_storing=False, **kwargs)
    assert env.run(store_own_run) == [(i, float(i)) for i in range(4)]
    traj = load(tmp_path / "own.hdf5")
    assert dict(traj.f_get_from_runs("kept", fast_access=True, use_indices=True)) == \
        {i: float(i) for i in range(4)}
    assert not traj.f_get_from_runs("dropped")
