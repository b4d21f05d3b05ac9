"""The serial runner's garbage-collector settings: in force during the sweep only, and
garbage cycles made by runs are still collected while it goes on."""

from __future__ import annotations

import gc
import weakref

from pypet import Environment


class _Cycle:
    """An object in a reference cycle with itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_sweep_raises_the_oldest_threshold_and_restores_it_after(tmp_path):
    """Runs see the oldest generation's threshold raised; afterwards it is back, and
    nothing stays frozen."""
    before = gc.get_threshold()
    env = Environment(filename=str(tmp_path / "c.hdf5"), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    seen = env.run(lambda t: (gc.get_threshold(), gc.get_freeze_count() > 0))
    assert [value for _, value in seen] == [((before[0], before[1], 10 * before[2]), True)] * 2
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_by_runs_are_collected_during_the_sweep(tmp_path):
    """A cycle dropped by one run is gone some runs later: young collections take them
    (with the collector off, none would be)."""
    refs: list[weakref.ref] = []

    def leave_a_cycle(traj):
        cycle = _Cycle()
        refs.append(weakref.ref(cycle))
        # the cycles dropped more than 2,000 runs ago (several young collections since)
        return sum(ref() is None for ref in refs[:-2000])

    env = Environment(filename=str(tmp_path / "c.hdf5"), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(5000))})
    results = env.run(leave_a_cycle)
    last = results[-1][1]
    # (one that a young collection found alive may reach the oldest generation and wait)
    assert last >= 0.99 * 3000
