"""Round trips of None, Python scalars and numpy scalars."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tables

from pypet.storage.hdf5.codec import read_value, write_value

with warnings.catch_warnings():
    # numpy 2.5 deprecates the generic unit; values of it still exist (and must round-trip)
    warnings.simplefilter("ignore", DeprecationWarning)
    _GENERIC_NAT = np.datetime64("NaT")

PYTHON_SCALARS = [
    None,
    True,
    False,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    2**63,  # just beyond int64
    -(10**40),
    12345678901234567890123456789012345678901234567890,
    0.0,
    -0.0,
    1.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    5e-324,
    1 + 2j,
    complex(float("nan"), -0.0),
    "",
    "plain",
    "unicode: äöü €  日本語 🎉",
    "nul\x00inside",
    "trailing nul\x00",
    "\x00",
    "lone surrogate \ud800",
    b"",
    b"bytes",
    b"\x00",
    b"a\x00b\x00",
    bytes(range(256)),
]


@pytest.mark.parametrize("value", PYTHON_SCALARS, ids=repr)
def test_python_scalar_round_trip(roundtrip, same, value):
    """Python scalars come back with their exact type and value."""
    same(roundtrip(value), value)


NUMPY_SCALARS = [
    np.bool_(True),
    np.int8(-8),
    np.int16(-16),
    np.int32(-32),
    np.int64(-(2**63)),
    np.uint8(255),
    np.uint16(65535),
    np.uint32(2**32 - 1),
    np.uint64(2**64 - 1),
    np.float16(1.5),
    np.float32(np.nan),
    np.float64(-0.0),
    np.longdouble("1.1"),
    np.complex64(1 - 2j),
    np.complex128(3 + 4j),
    np.clongdouble(1 + 1j),
    np.str_(""),
    np.str_("ümlaut"),
    np.str_("nul\x00"),
    np.bytes_(b""),
    np.bytes_(b"raw\x00"),
    np.datetime64("2021-03-04", "D"),
    np.datetime64("2021-03-04T05:06:07.123456789", "ns"),
    _GENERIC_NAT,
    np.datetime64("NaT", "s"),
    np.timedelta64(5, "ms"),
    np.timedelta64(-3, "Y"),
]


@pytest.mark.parametrize("value", NUMPY_SCALARS, ids=lambda v: f"{type(v).__name__}:{v!r}")
def test_numpy_scalar_round_trip(roundtrip, same, value):
    """Numpy scalars keep their scalar type, dtype (with datetime units) and bits."""
    same(roundtrip(value), value)


def test_int_vs_bool_vs_float_stay_apart(roundtrip):
    """1, True and 1.0 are three different stored values."""
    assert [type(roundtrip(v)) for v in (1, True, 1.0)] == [int, bool, float]


def test_scalar_is_one_node(h5file):
    """A scalar costs one dataset, not a group plus a table."""
    write_value(h5file, h5file.root, "x", 2.5)
    assert isinstance(h5file.root.x, tables.Array)
    assert h5file.root._v_nchildren == 1


def test_big_int_is_readable_digits(h5file):
    """An int beyond int64 is stored as its decimal digits."""
    write_value(h5file, h5file.root, "big", 2**70)
    assert h5file.root.big.read()[()] == str(2**70).encode()
    assert read_value(h5file.root.big) == 2**70
