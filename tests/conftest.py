"""Shared fixtures, and the suite's check that nothing forks while other threads run."""

from __future__ import annotations

import warnings

import pytest

from pypet import Trajectory, cartesian_product
from tests.forkcheck import FORK_WARNING, forks_beside_threads


@pytest.fixture(autouse=True)
def _no_fork_beside_threads(request):
    """Fail a test during which this process forked while other threads ran.

    Forks beside threads can deadlock the child (issue #14); pypet must never do it. Tests
    that fork beside a thread on purpose carry the ``forks_beside_threads`` marker.
    """
    forks_beside_threads.beside.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("always", message=FORK_WARNING.pattern,
                                category=DeprecationWarning)
        yield
    forked = [str(w.message) for w in caught if FORK_WARNING.search(str(w.message))]
    for w in caught:  # every other warning goes on to pytest's own recording
        if not FORK_WARNING.search(str(w.message)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                   source=w.source)
    beside = list(forks_beside_threads.beside)
    if (forked or beside) and request.node.get_closest_marker("forks_beside_threads") is None:
        pytest.fail(f"A process was forked while other threads ran: Python warned "
                    f"{len(forked)} time(s) {forked[:1]}; Python threads alive at forks: "
                    f"{beside[:3]}.", pytrace=False)


@pytest.fixture
def traj() -> Trajectory:
    """A small trajectory with parameters in groups and an explored 2x2 grid."""
    t = Trajectory("test_traj", comment="for tests")
    t.f_add_parameter("x", 1.0, comment="first")
    t.f_add_parameter("y", 2.0)
    t.f_add_parameter("sim.dt", 0.1)
    t.f_add_parameter("sim.name", "euler")
    t.f_add_config("seed", 42)
    t.f_explore(cartesian_product({"x": [1.0, 2.0], "y": [3.0, 4.0]}))
    return t
