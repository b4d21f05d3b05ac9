"""The kill harness in small: resumable sweeps SIGKILLed at seeded moments, then resumed.

Each trial kills the whole process group of a sweep (main process and workers) after a
seeded number of finished runs, resumes it (sometimes with another runner), and checks
that every run holds its clean result exactly once and that no run the journal held
ran again. Worker trials kill one worker instead: the sweep goes on by itself. ``benchmarks/bench_kill_resume.py`` runs the full matrix.
"""

from __future__ import annotations

import random

import pytest

from tests.execution.kill_harness import Trial, run_trial

_rng = random.Random(20260607)  # seeded: the same kill moments on every run of the suite
TRIALS = [
    Trial("serial", kill_after=_rng.randint(1, 23)),
    Trial("pool-QUEUE", kill_after=_rng.randint(1, 23), resume_mode="serial"),
    Trial("pool-LOCK", kill_after=_rng.randint(1, 23)),
    Trial("fork-LOCK", kill_after=_rng.randint(1, 23), resume_mode="pool-QUEUE"),
    Trial("fork-QUEUE", kill_after=_rng.randint(25, 29), expand=6),
]


@pytest.mark.slow
@pytest.mark.multiproc
@pytest.mark.parametrize("trial", TRIALS,
                         ids=[f"{t.mode}-to-{t.resume_mode or t.mode}" for t in TRIALS])
def test_killed_sweep_resumes_with_every_run_exactly_once(tmp_path, trial):
    """SIGKILL mid-sweep, resume: all runs complete with clean results, none run twice
    unless it was in flight at the kill."""
    result = run_trial(tmp_path, trial)
    assert result.killed, "the sweep finished before the kill"
    assert result.ok, "\n".join(result.problems) + "\n" + result.log[-3000:]
    assert len(result.recomputed) <= 4  # at most the runs in flight on two cores


@pytest.mark.slow
@pytest.mark.multiproc
def test_killed_dask_sweep_resumes(tmp_path):
    """The same on a Dask LocalCluster (the cluster dies with the driver)."""
    result = run_trial(tmp_path, Trial("dask", kill_after=_rng.randint(1, 23)))
    assert result.killed and result.ok, "\n".join(result.problems) + result.log[-3000:]


WORKER_TRIALS = [
    Trial("pool-QUEUE", kill_after=_rng.randint(2, 20), victim="worker", seconds=0.02),
    Trial("pool-LOCK", kill_after=_rng.randint(2, 20), victim="worker", seconds=0.02),
    Trial("fork-LOCK", kill_after=_rng.randint(2, 20), victim="worker", seconds=0.02),
]


@pytest.mark.slow
@pytest.mark.multiproc
@pytest.mark.parametrize("trial", WORKER_TRIALS,
                         ids=[f"{t.mode}-{t.victim}" for t in WORKER_TRIALS])
def test_a_killed_worker_costs_the_sweep_nothing(tmp_path, trial):
    """SIGKILL of one worker mid-sweep: the sweep finishes by itself, every run stored
    exactly once, no run the worker journaled ran again."""
    result = run_trial(tmp_path, trial)
    assert result.killed, "the sweep finished before the kill"
    assert result.ok, "\n".join(result.problems) + "\n" + result.log[-3000:]
    assert not result.resumed, result.log[-3000:]
