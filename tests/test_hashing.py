"""The point hash: stable, type-exact, and the same whether hashed one by one or in columns."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pypet.hashing import hash_points, point_hash

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=5), st.binary(max_size=5),
                    st.complex_numbers(allow_nan=True))


def test_hash_is_stable_across_processes():
    """The digest does not depend on the interpreter session (no salted hash())."""
    code = ("from pypet.hashing import point_hash;"
            "print(point_hash({'parameters.x': 1.5, 'parameters.s': 'abc', 'n': (1, None)}))")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip() for _ in range(2)}
    assert digests == {point_hash({"parameters.x": 1.5, "parameters.s": "abc", "n": (1, None)})}
    assert len(digests.pop()) == 40


def test_hash_tells_types_apart_but_not_equal_floats():
    """1, 1.0, True and np.float64(1) differ; 0.0 and -0.0 and every NaN are the same."""
    digests = {point_hash({"x": v}) for v in (1, 1.0, True, np.float64(1.0), "1", (1,), [1])}
    assert len(digests) == 7
    assert point_hash({"x": 0.0}) == point_hash({"x": -0.0})
    assert point_hash({"x": float("nan")}) == point_hash({"x": -float("nan")})
    assert point_hash({"x": 1.0, "y": 2.0}) == point_hash({"y": 2.0, "x": 1.0})
    assert point_hash({"x": 1.0, "y": 2.0}) != point_hash({"x": 2.0, "y": 1.0})


def test_containers_and_arrays_hash_by_value():
    """Dicts by content (any order), arrays by dtype, shape and values."""
    assert point_hash({"d": {"a": 1, "b": [2.0]}}) == point_hash({"d": {"b": [2.0], "a": 1}})
    a = np.arange(6.0).reshape(2, 3)
    assert point_hash({"a": a}) == point_hash({"a": a.copy()})
    assert point_hash({"a": a}) != point_hash({"a": a.reshape(3, 2)})
    assert point_hash({"a": a}) != point_hash({"a": a.astype(np.float32)})


def test_unhashable_type_is_a_clear_error():
    """A value without a stable encoding raises TypeError naming its type."""
    with pytest.raises(TypeError, match="object.*no stable hash"):
        point_hash({"x": object()})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(allow_nan=True), st.integers(-2**70, 2**70), st.booleans(),
                          SCALARS), min_size=1, max_size=20))
def test_columns_hash_like_single_points(rows):
    """hash_points (vectorised where it can) equals point_hash row by row."""
    columns = {"f": [r[0] for r in rows], "i": [r[1] for r in rows], "b": [r[2] for r in rows],
               "mixed": [r[3] for r in rows]}
    expected = [point_hash(dict(zip(columns, r, strict=True))) for r in rows]
    assert hash_points(columns) == expected
    numeric = {k: columns[k] for k in ("f", "b")}
    assert hash_points(numeric) == [point_hash({"f": r[0], "b": r[2]}) for r in rows]
