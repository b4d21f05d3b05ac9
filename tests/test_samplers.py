"""The samplers of ``pypet.explore`` (users_voice P11 / scenario 26: non-grid sampling):
random and Latin-hypercube samples that explore as they are and compose with a grid."""

from __future__ import annotations

import pytest

from pypet import Parameter, Trajectory, cartesian_product
from pypet.explore import latin_hypercube, random_sample


def test_random_sample_gives_python_values_that_explore():
    """Scenario 26: random_sample gives n Python floats/ints within the bounds, reproducibly."""
    sample = random_sample({"x": (0.0, 2.0), "k": (1, 3)}, 50, seed=7)
    assert sample == random_sample({"x": (0.0, 2.0), "k": (1, 3)}, 50, seed=7)
    assert all(type(v) is float and 0.0 <= v < 2.0 for v in sample["x"])
    assert all(type(v) is int and 1 <= v <= 3 for v in sample["k"])
    t = Trajectory("t")
    t.f_add_parameter("x", 1.0)
    t.f_add_parameter("k", 1)
    t.f_explore(sample)  # type-strict exploration accepts them as they are
    assert len(t) == 50


def test_latin_hypercube_fills_every_stratum_once():
    """Scenario 26: latin_hypercube puts exactly one of n points in each of n strata."""
    sample = latin_hypercube({"a": (0.0, 1.0), "b": (-5.0, 5.0)}, 8, seed=3)
    assert sorted(int(v * 8) for v in sample["a"]) == list(range(8))
    assert sorted(int((v + 5.0) / 10.0 * 8) for v in sample["b"]) == list(range(8))
    assert sample != latin_hypercube({"a": (0.0, 1.0), "b": (-5.0, 5.0)}, 8, seed=4)


def test_samplers_check_their_arguments():
    """Scenario 26: bad bounds or point counts raise ValueError naming the problem."""
    with pytest.raises(ValueError, match="low <= high"):
        random_sample({"x": (1.0, 0.0)}, 3)
    with pytest.raises(ValueError, match="positive int"):
        latin_hypercube({"x": (0.0, 1.0)}, 0)


def test_samples_combine_with_a_grid():
    """Scenario 26: a sample and a grid compose through cartesian_product's tied tuples."""
    sample = latin_hypercube({"a": (0.0, 1.0), "b": (0.0, 1.0)}, 3, seed=0)
    combined = cartesian_product({**sample, "c": [1, 2]}, (("a", "b"), "c"))
    assert combined["c"] == [1, 2] * 3 and combined["a"][::2] == sample["a"]
    t = Trajectory("t")
    for name, default in (("a", 0.0), ("b", 0.0), ("c", 0)):
        t.f_add_parameter(name, default)
    t.f_explore(combined)
    assert len(t) == 6 and isinstance(t.f_get("a"), Parameter)
