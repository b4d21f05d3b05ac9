"""WorkerPool start-up: workers that die or fail while initialising never make it hang."""

from __future__ import annotations

import logging
import pickle
import time

import pytest

from pypet.execution.procs import WorkerInitError, WorkerPool
from tests.execution import procs_helpers as h

pytestmark = pytest.mark.multiproc


def test_worker_dying_during_initialisation_is_replaced(tmp_path, caplog):
    """A worker killed while it loads the payload is replaced; the pool starts complete."""
    config = {"init_die_once": str(tmp_path / "m"), "init_log": str(tmp_path / "init.log")}
    with caplog.at_level(logging.WARNING, "pypet.execution.procs"):
        with WorkerPool(2, h.act, initializer=h.init, payload=pickle.dumps(config)) as pool:
            assert len(pool.pids) == 2
            pool.submit(("value", 1), key="a")
            assert h.collect(pool)["a"].ok
    assert len((tmp_path / "init.log").read_text().split()) == 3  # 2 + 1 replacement
    assert "died while starting: SIGKILL (-9)" in caplog.text


@pytest.mark.parametrize("how", ["kill", "segv"])
def test_pool_whose_workers_always_die_during_initialisation_raises(tmp_path, how):
    """Every new worker dying in its initialiser ends in WorkerInitError, not a hang."""
    config = {"init_die_always": how, "init_log": str(tmp_path / "init.log")}
    with pytest.raises(WorkerInitError, match="No worker process is left") as info:
        WorkerPool(2, h.act, initializer=h.init, payload=pickle.dumps(config), retries=1)
    assert "died while starting" in str(info.value)
    # the budget: n_workers * (retries + 1) deaths in a row, then no more replacements
    assert len((tmp_path / "init.log").read_text().split()) == 4


def test_initialiser_that_raises_fails_at_once_with_its_traceback(tmp_path):
    """An exception in the initialiser is not retried: WorkerInitError shows it."""
    config = {"init_raise": "no such model", "init_log": str(tmp_path / "init.log")}
    with pytest.raises(WorkerInitError, match="ValueError: bad configuration") as info:
        WorkerPool(2, h.act, initializer=h.init, payload=pickle.dumps(config))
    assert "procs_helpers.py" in str(info.value)  # the worker's traceback
    assert isinstance(info.value.__cause__, ValueError)
    assert len((tmp_path / "init.log").read_text().split()) <= 2


def test_workers_dying_during_initialisation_later_leave_a_working_pool(tmp_path):
    """Replacements that die in init stop after the budget; the surviving worker goes on."""
    flag = tmp_path / "die-from-now-on"
    reports = h.Reports(tmp_path / "report")
    release = tmp_path / "release"
    config = {"init_log": str(tmp_path / "init.log"), "init_die_if": str(flag)}
    try:
        with WorkerPool(2, h.act, initializer=h.init, payload=pickle.dumps(config),
                        retries=0) as pool:
            flag.touch()  # from now on every new worker dies in its initialiser
            pool.submit(("block", (reports.path, h.make_fifo(release))), key="long")
            survivor = reports.next_pid()
            pool.submit(("always", "kill"), key="poison")
            outcomes = {o.key: o for o in pool.wait(timeout=h.PATIENCE)}
            deadline = time.monotonic() + h.PATIENCE
            while pool.starting or len(pool.pids) != 1:  # replacements come and die
                assert time.monotonic() < deadline, "replacements never stopped"
                pool.wait(timeout=0.05)
            assert pool.pids == [survivor]
            for i in range(3):
                pool.submit(("value", i))
            h.release(release)
            outcomes.update(h.collect(pool))
    finally:
        reports.close()
    assert outcomes["poison"].lost and outcomes["long"].ok
    assert {outcomes[i].result[1] for i in range(3)} == {survivor}
    assert len((tmp_path / "init.log").read_text().split()) == 2 + 2  # budget: 2 * (0 + 1)
