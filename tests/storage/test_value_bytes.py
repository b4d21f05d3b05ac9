"""The exactness check used by the storage tests: padding ignored, every value bit kept."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bits import value_bytes


@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble])
def test_padding_of_extended_floats_does_not_count(dtype: type) -> None:
    """Two extended floats that differ only in their padding bytes compare equal."""
    one = np.array([np.longdouble(1) / 3], dtype=dtype)
    other = one.copy()
    raw = other.view(np.uint8)
    width = 10 if np.finfo(np.longdouble).nmant == 63 else np.dtype(np.longdouble).itemsize
    for start in range(0, raw.size, np.dtype(np.longdouble).itemsize):
        raw[start + width:start + np.dtype(np.longdouble).itemsize] ^= 0xFF
    assert value_bytes(one) == value_bytes(other)


@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble, np.float64])
def test_one_ulp_and_the_sign_of_zero_count(dtype: type) -> None:
    """A value one ulp away, or -0.0 against 0.0, is a different value."""
    base = np.array([np.longdouble(1) / 3, 0.0], dtype=dtype)
    real = np.longdouble if dtype is not np.float64 else np.float64
    nudged = base.copy()
    nudged[0] = np.nextafter(base.real[0].astype(real), real(1))
    flipped = base.copy()
    flipped[1] = -flipped[1].real
    assert value_bytes(base) != value_bytes(nudged)
    assert value_bytes(base) != value_bytes(flipped)
