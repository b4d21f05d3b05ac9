"""Round trips of numpy arrays and matrices of every dtype and shape."""

from __future__ import annotations

import numpy as np
import pytest
import tables
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pypet.storage.hdf5.codec import CodecError, read_value, write_value

ARRAYS = {
    "float": np.arange(10.0),
    "0-d": np.array(7),
    "0-d str": np.array("zero-d"),
    "empty": np.array([]),
    "empty 0x3": np.empty((0, 3)),
    "empty 3x0x2 int8": np.empty((3, 0, 2), dtype=np.int8),
    "bool": np.array([[True, False], [False, True]]),
    "float16": np.array([1.5, -2.25], dtype=np.float16),
    "longdouble": np.array([1.1, 2.2], dtype=np.longdouble),
    "complex64": np.array([1 + 2j, np.nan], dtype=np.complex64),
    "uint64": np.array([0, 2**64 - 1], dtype=np.uint64),
    "big-endian": np.arange(6, dtype=">i4").reshape(2, 3),
    "big-endian float": np.array([1.5, np.inf], dtype=">f8"),
    "fortran order": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "non-contiguous": np.arange(20)[::3],
    "unicode": np.array([["a", "ü€"], ["", "日本"]]),
    "unicode empty": np.array([], dtype="U5"),
    "unicode wide dtype": np.array(["a"], dtype="U10"),
    "bytes": np.array([b"a", b"", b"c\x00d"]),
    "datetime64[D]": np.array(["2020-01-01", "NaT"], dtype="M8[D]"),
    "datetime64[ns]": np.array(["2020-01-01T00:00:00.000000001"], dtype="M8[ns]"),
    "timedelta64[us]": np.array([1, -2, 3], dtype="m8[us]"),
    "structured": np.array(
        [(1, 2.5, b"ab"), (3, -1.0, b"")], dtype=[("i", "<i4"), ("f", "<f8"), ("s", "S3")]
    ),
    "structured 2-d subarray": np.zeros((2, 2), dtype=[("a", ">i2"), ("v", "<f4", (3,))]),
    "structured empty": np.zeros(0, dtype=[("a", "i8")]),
    "object mixed": np.array([1, "two", None, 3.0, [4], {"five": 5}], dtype=object),
    "object homogeneous": np.array(["x", "yy", "zzz"], dtype=object),
    "object 2-d": np.array([[1, None], ["a", b"b"]], dtype=object),
    "object 0-d": np.array(None, dtype=object),
    "object empty": np.empty((0, 2), dtype=object),
    "object of arrays": np.array([np.arange(3), np.arange(2)], dtype=object),
}


@pytest.mark.parametrize("value", ARRAYS.values(), ids=ARRAYS.keys())
def test_array_round_trip(roundtrip, same, value):
    """Arrays keep dtype (incl. byte order, units, width), shape and bits."""
    same(roundtrip(value), value)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # numpy discourages np.matrix
def test_matrix_round_trip(roundtrip, same):
    """np.matrix comes back as np.matrix."""
    matrix = np.asmatrix(np.arange(6.0).reshape(2, 3))
    same(roundtrip(matrix), matrix)


def test_small_array_is_contiguous_and_big_one_chunked(h5file):
    """Filters apply only above the 4 KiB threshold."""
    filters = tables.Filters(complevel=5, complib="zlib")
    write_value(h5file, h5file.root, "small", np.arange(10.0), filters)
    write_value(h5file, h5file.root, "big", np.zeros(10_000), filters)
    assert h5file.root.small.chunkshape is None
    assert h5file.root.big.chunkshape is not None
    assert h5file.root.big.filters.complevel == 5
    np.testing.assert_array_equal(read_value(h5file.root.big), np.zeros(10_000))


def test_big_array_without_filters_is_contiguous(h5file):
    """filters=None never chunks."""
    write_value(h5file, h5file.root, "big", np.zeros(10_000), None)
    assert h5file.root.big.chunkshape is None


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.parametrize(
    "make",
    [
        lambda: np.array([(1, "ü")], dtype=[("a", "i4"), ("u", "U2")]),
        lambda: np.array([1 + 0j], dtype=np.complex64).view("V8"),
        lambda: np.ma.masked_array([1, 2], mask=[0, 1]),
        lambda: np.asmatrix(np.array([[1, None]], dtype=object)),
    ],
    ids=["structured unicode", "void", "masked array", "object matrix"],
)
def test_unstorable_arrays_raise(h5file, make):
    """Arrays without a faithful form raise CodecError and leave nothing behind."""
    value = make()
    with pytest.raises(CodecError, match="Pickle"):
        write_value(h5file, h5file.root, "bad", value)
    assert "bad" not in h5file.root


_DTYPES = st.one_of(
    hnp.scalar_dtypes(),
    hnp.integer_dtypes(endianness="?"),
    hnp.floating_dtypes(endianness="?"),
    hnp.unicode_string_dtypes(max_len=4),
    hnp.byte_string_dtypes(max_len=4),
    hnp.datetime64_dtypes(),
    hnp.timedelta64_dtypes(),
)
_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@settings(max_examples=120, deadline=None)
@given(hnp.arrays(_DTYPES, _SHAPES))
def test_any_array_round_trips(module_roundtrip, same, value):
    """Property: every numeric/string/time array round-trips bit-exactly."""
    same(module_roundtrip(value), value)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(_DTYPES, ()))
def test_any_numpy_scalar_round_trips(module_roundtrip, same, value):
    """Property: the numpy scalar of any such dtype round-trips with its type."""
    scalar = value[()]
    same(module_roundtrip(scalar), scalar)
