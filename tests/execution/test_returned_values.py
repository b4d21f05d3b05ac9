"""The (run index, return value) pairs: kept compactly during a sweep, handed over as pypet's
list."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from pypet import Environment
from pypet.execution.returned import ReturnedValues


def test_pairs_come_back_as_appended():
    """Appended pairs come back in order as tuples whose indices are Python ints."""
    returned = ReturnedValues([(0, None), (5, 2.5), (2, None), (3, "x")])
    pairs = returned.pairs()
    assert pairs == [(0, None), (5, 2.5), (2, None), (3, "x")]
    assert all(type(idx) is int for idx, _ in pairs) and len(returned) == 4
    assert list(returned) == pairs


def test_pairs_by_index_is_a_stable_sort():
    """by_index orders by run index; pairs of one index keep their finishing order."""
    returned = ReturnedValues([(2, "b"), (0, None), (2, "a"), (1, None)])
    assert returned.pairs(by_index=True) == [(0, None), (1, None), (2, "b"), (2, "a")]
    assert ReturnedValues().pairs(by_index=True) == []
    only_none = ReturnedValues([(1, None), (0, None)])
    assert only_none.pairs(by_index=True) == [(0, None), (1, None)]


def test_extend_block_takes_arrays_and_checks_lengths():
    """extend_block adds a block of indices (numpy or not) with aligned values or all None,
    and refuses mismatched lengths naming both."""
    returned = ReturnedValues([(0, None)])
    returned.extend_block(np.array([1, 2], dtype=np.int32), ["a", None])
    returned.extend_block([3], None)
    other = ReturnedValues([(4, 4)])
    returned.extend(other)
    assert returned.pairs() == [(0, None), (1, "a"), (2, None), (3, None), (4, 4)]
    assert all(type(idx) is int for idx, _ in returned.pairs())
    with pytest.raises(ValueError, match="2 run indices but 1 values"):
        returned.extend_block(np.array([5, 6]), ["b"])
    assert len(returned) == 5


def test_runs_returning_none_cost_eight_bytes_each():
    """A million (idx, None) pairs take about 8 MB, not the ~110 MB of a list of tuples."""
    returned = ReturnedValues()
    returned.extend_block(np.arange(500_000), None)
    for idx in range(500_000, 1_000_000):
        returned.append((idx, None))
    assert sys.getsizeof(returned._indices) < 9_000_000 and returned._values is None
    assert returned.pairs()[999_999] == (999_999, None)


def test_run_returns_a_plain_sorted_list(tmp_path):
    """env.run and the post-processing get pypet's plain list, sorted by index (json works)."""
    seen = []

    def postproc(traj, results):
        seen.append(results)

    env = Environment(trajectory="t", filename=str(tmp_path / "t.hdf5"), log_config=None,
                      report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2, 3]})
    env.add_postprocessing(postproc)
    results = env.run(lambda t: t.x * 10 if t.x != 2 else None)
    assert type(results) is list and results == [(0, 10), (1, None), (2, 30)]
    assert type(seen[0]) is list and seen[0] == results
    assert json.loads(json.dumps(results)) == [[0, 10], [1, None], [2, 30]]
