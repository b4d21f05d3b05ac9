"""A worker's batch of outcomes is accepted in bulk exactly as one by one."""

from __future__ import annotations

import logging

import pytest

from pypet import Trajectory
from pypet.execution.progress import ProgressReporter
from pypet.execution.sink import OutcomeSink
from pypet.storage.memory import MemoryStorageService
from pypet.storage.records import RunFailure, RunOutcome
from pypet.storage.run_writer import RunWriter
from pypet.trajectory.experiment_api import run_information


def _traj(n: int) -> Trajectory:
    traj = Trajectory("t", storage_service=MemoryStorageService())
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(n))})
    traj.f_store()
    return traj


def _outcomes(n: int, failing: tuple[int, ...] = ()) -> list[RunOutcome]:
    return [RunOutcome(i, i * 10 if i % 2 else None, 1.0 + i, 2.0 + i, i not in failing, "abc",
                       plain=None if i in failing else {"z": float(i)},
                       error=RunFailure("ValueError", "bad", "tb") if i in failing else None)
            for i in range(n)]


def _accepted(outcomes: list[RunOutcome], bulk: bool, stop_on_failure: bool = False):
    traj = _traj(len(outcomes))
    writer = RunWriter(traj.v_storage_service, "t", len(traj))
    sink = OutcomeSink(traj, writer, ProgressReporter(len(outcomes), None), stop_on_failure)
    if bulk:
        sink.accept_many(outcomes)
    else:
        for outcome in outcomes:
            sink.accept(outcome)
    sink.flush()
    info = run_information(traj)
    return sink, info, traj


@pytest.mark.parametrize("failing", [(), (3,)])
def test_accept_many_records_stores_and_returns_as_accept_does(failing):
    """Run table, stored results, returned values and failures match one-by-one acceptance."""
    one = _accepted(_outcomes(6, failing), bulk=False)
    bulk = _accepted(_outcomes(6, failing), bulk=True)
    for (sink_a, info_a, traj_a), (sink_b, info_b, traj_b) in [(one, bulk)]:
        assert list(sink_a.results.pairs()) == list(sink_b.results.pairs())
        assert [o.idx for o in sink_a.failures] == [o.idx for o in sink_b.failures] == \
            list(failing)
        for key in ("completed", "start", "finish", "failed"):
            assert getattr(info_a, key).tolist() == getattr(info_b, key).tolist()
        assert info_a.errors == info_b.errors
        loaded = [Trajectory("t", storage_service=t.v_storage_service) for t in (traj_a, traj_b)]
        for traj in loaded:
            traj.f_load(load_data=2)
        assert [loaded[0].f_get_from_runs("z", fast_access=True)[k]
                for k in sorted(loaded[0].f_get_from_runs("z"))] == \
            [loaded[1].f_get_from_runs("z", fast_access=True)[k]
             for k in sorted(loaded[1].f_get_from_runs("z"))]


def test_a_batch_counts_its_runs_in_the_progress_report(caplog):
    """run_finished(n) reports the step a batch reaches, and the last run."""
    reporter = ProgressReporter(100, (10.0, "pypet.test.progress", logging.INFO))
    with caplog.at_level(logging.INFO, logger="pypet.test.progress"):
        reporter.run_finished(25)
        reporter.run_finished(1)
        reporter.run_finished(74)
    texts = [r.getMessage() for r in caplog.records]
    assert any("Finished 25/100" in t for t in texts)
    assert texts[-1].count("Finished 100/100") == 1
    assert not any("Finished 26/100" in t for t in texts)  # no step crossed by that run
