"""Round trips of scipy.sparse matrices and arrays of every format."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

_FORMATS = ["csr", "csc", "bsr", "dia", "coo", "lil", "dok"]
_CLASSES = [getattr(sp, f"{fmt}_{family}") for fmt in _FORMATS for family in ("matrix", "array")]


def _dense(dtype: str) -> np.ndarray:
    rng = np.random.default_rng(0)
    dense = rng.integers(-3, 4, size=(4, 6)) * (rng.random((4, 6)) < 0.4)
    return dense.astype(dtype)


def _assert_sparse_same(out, expected) -> None:
    assert type(out) is type(expected)
    assert out.format == expected.format
    assert out.dtype == expected.dtype
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.toarray(), expected.toarray())


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "complex128", "bool"])
def test_sparse_round_trip(roundtrip, cls, dtype):
    """Every sparse class keeps its class, format, dtype, shape and values."""
    matrix = cls(_dense(dtype))
    _assert_sparse_same(roundtrip(matrix), matrix)


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda cls: cls.__name__)
def test_empty_sparse_round_trip(roundtrip, cls):
    """All-zero and zero-sized sparse matrices round-trip."""
    for shape in [(3, 5), (0, 4)]:
        matrix = cls(shape, dtype=np.float32)
        _assert_sparse_same(roundtrip(matrix), matrix)


def test_csr_keeps_explicit_zeros_and_index_order(roundtrip):
    """The compressed layout is stored as is: explicit zeros and unsorted indices stay."""
    matrix = sp.csr_matrix(
        (np.array([0.0, 2.0, 1.0]), np.array([2, 1, 0]), np.array([0, 3])), shape=(1, 3)
    )
    out = roundtrip(matrix)
    np.testing.assert_array_equal(out.data, matrix.data)
    np.testing.assert_array_equal(out.indices, matrix.indices)


def test_bsr_keeps_blocksize(roundtrip):
    """bsr keeps its block size."""
    matrix = sp.bsr_array(np.kron(np.eye(2), np.ones((2, 3))), blocksize=(2, 3))
    assert roundtrip(matrix).blocksize == (2, 3)


def test_nd_coo_and_1d_arrays(roundtrip):
    """The n-d coo_array and 1-d sparse arrays of scipy's sparray API round-trip."""
    for matrix in (
        sp.coo_array(np.arange(24).reshape(2, 3, 4) % 3),
        sp.csr_array(np.array([0.0, 1.0, 0.0, 2.0])),
        sp.dok_array(np.array([0, 5, 0])),
    ):
        out = roundtrip(matrix)
        assert type(out) is type(matrix) and out.shape == matrix.shape
        np.testing.assert_array_equal(out.toarray(), matrix.toarray())
