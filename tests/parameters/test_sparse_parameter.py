"""SparseParameter: scipy sparse matrices as parameter values."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from pypet.parameters import SparseParameter

FORMATS = ["csr", "csc", "bsr", "dia"]


def matrix(fmt, scale=1.0):
    return sp.csr_matrix(np.eye(3) * scale).asformat(fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_supported_formats(fmt):
    """csr, csc, bsr and dia matrices are supported values."""
    param = SparseParameter("p", matrix(fmt))
    assert param.f_get().format == fmt


@pytest.mark.parametrize("fmt", ["coo", "lil", "dok"])
def test_other_formats_are_refused(fmt):
    """coo, lil and dok matrices are refused with a TypeError."""
    with pytest.raises(TypeError, match="sparse"):
        SparseParameter("p", matrix(fmt))


def test_sparse_parameter_still_supports_arrays_and_scalars():
    """Everything ArrayParameter supports is supported too."""
    param = SparseParameter("p")
    assert param.f_supports(1.0)
    assert param.f_supports(np.array([]))


def test_all_formats_count_as_one_type_for_exploration():
    """A range may mix csr, csc, bsr and dia matrices."""
    param = SparseParameter("p", matrix("csr"))
    param._explore([matrix(fmt) for fmt in FORMATS])
    assert [m.format for m in param.f_get_range()] == FORMATS


def test_sparse_matrix_and_dense_value_are_different_types():
    """A dense array in a sparse range (or the other way) is refused."""
    with pytest.raises(TypeError, match="does not have the type"):
        SparseParameter("p", matrix("csr"))._explore([np.eye(3)])
    with pytest.raises(TypeError, match="does not have the type"):
        SparseParameter("p", np.eye(3))._explore([matrix("csr")])


def test_sparse_matrices_and_sparse_arrays_are_different_types():
    """scipy sparse arrays and sparse matrices are not mixed in one range."""
    with pytest.raises(TypeError, match="does not have the type"):
        SparseParameter("p", matrix("csr"))._explore([sp.csr_array(np.eye(3))])


@pytest.mark.parametrize("fmt", FORMATS)
def test_equal_values_compares_format_shape_and_values(fmt):
    """Matrices are equal only if format, shape, dtype and values agree."""
    param = SparseParameter("p")
    assert param._equal_values(matrix(fmt), matrix(fmt))
    assert not param._equal_values(matrix(fmt), matrix(fmt, 2.0))
    other = "csc" if fmt != "csc" else "csr"
    assert not param._equal_values(matrix(fmt), matrix(other))
    assert not param._equal_values(matrix(fmt), sp.csr_matrix(np.eye(4)).asformat(fmt))
    assert not param._equal_values(matrix(fmt), np.eye(3))
    assert param._equal_values(1, 1)


def test_store_hands_matrices_over_as_they_are_and_load_restores():
    """_store returns the matrices themselves; _load takes them back."""
    param = SparseParameter("p", matrix("csr"))
    param._explore([matrix("csc"), matrix("dia", 2.0)])
    stored = param._store()
    assert stored["data"].format == "csr"
    assert [m.format for m in stored["explored_data"]] == ["csc", "dia"]
    clone = SparseParameter("p")
    clone._load(stored)
    assert clone._equal_values(clone.f_get_range()[1], matrix("dia", 2.0))


def test_pickle_round_trip_with_full_copy():
    """A pickled sparse parameter keeps its range when v_full_copy is set."""
    param = SparseParameter("p", matrix("csr"))
    param._explore([matrix("bsr"), matrix("csr", 3.0)])
    param.v_full_copy = True
    clone = pickle.loads(pickle.dumps(param))
    assert all(map(param._equal_values, clone.f_get_range(), param.f_get_range()))
