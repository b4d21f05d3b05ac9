"""SparseResult, PickleResult, ObjectTable and pickling of results."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from pypet.results import ObjectTable, PickleResult, Result, SparseResult


def test_result_pickle_and_copy_round_trip():
    """Results pickle and (deep)copy with items, comment and annotations."""
    res = Result("grp.r", 1, arr=np.arange(3), none=None, comment="c")
    res.v_annotations.f_set(tag="t")
    for clone in (pickle.loads(pickle.dumps(res)), copy.copy(res), copy.deepcopy(res)):
        assert list(clone) == ["r", "arr", "none"]
        assert np.array_equal(clone.arr, np.arange(3))
        assert clone.none is None
        assert clone.v_full_name == "grp.r"
        assert clone.v_comment == "c"
        assert clone.v_annotations.tag == "t"


@pytest.mark.parametrize("fmt", ["csr", "csc", "bsr", "dia"])
def test_sparse_result_holds_supported_formats(fmt):
    """SparseResult accepts csr, csc, bsr and dia matrices and stores them as they are."""
    matrix = sp.csr_matrix(np.eye(3)).asformat(fmt)
    res = SparseResult("r", m=matrix, other=[1, 2])
    assert res.m is matrix
    assert res._store()["m"] is matrix


def test_sparse_results_refuse_other_formats_and_plain_result_holds_sparse():
    """coo matrices are refused; a plain Result holds csr/csc/bsr/dia matrices (issue #8)."""
    with pytest.raises(TypeError, match="PickleResult"):
        SparseResult("r", m=sp.coo_matrix(np.eye(2)))
    with pytest.raises(TypeError, match="tocsr"):
        Result("r", m=sp.coo_matrix(np.eye(2)))
    matrix = sp.csr_matrix(np.eye(2))
    assert Result("r", m=matrix, nested=[matrix]).m is matrix


def test_plain_result_stores_sparse_matrices_exactly(tmp_path):
    """A sparse matrix in a plain Result round-trips with format, dtype and values."""
    from pypet import Trajectory, load_trajectory

    traj = Trajectory("t", filename=str(tmp_path / "t.hdf5"))
    matrices = {fmt: sp.random(20, 10, density=0.2, format=fmt, random_state=1)
                for fmt in ("csr", "csc", "bsr", "dia")}
    traj.f_add_result("r", **matrices)
    traj.f_store()
    back = load_trajectory("t", filename=str(tmp_path / "t.hdf5"), load_data=2).r
    for fmt, matrix in matrices.items():
        assert type(back[fmt]) is type(matrix) and (back[fmt] != matrix).nnz == 0


def test_sparse_result_names_must_not_contain_marker():
    """Item names holding '__spsp__' are refused, whatever the value."""
    with pytest.raises(ValueError, match="__spsp__"):
        SparseResult("r").f_set_single("a__spsp__b", 1)
    with pytest.raises(ValueError, match="__spsp__"):
        SparseResult("r").f_set_single("a__spsp__", sp.csr_matrix(np.eye(2)))


def test_sparse_result_validates_names_of_sparse_items():
    """A sparse item still needs a valid name."""
    with pytest.raises(ValueError, match="underscore"):
        SparseResult("r").f_set_single("_m", sp.csr_matrix(np.eye(2)))


def test_pickle_result_holds_anything_and_stores_protocol():
    """PickleResult accepts any object; _store adds '__pckl_prtcl__'."""
    res = PickleResult("r", {1, 2}, obj=object, protocol=2)
    assert res.f_supports(object())
    assert res._store() == {"r": {1, 2}, "obj": object, "__pckl_prtcl__": 2}


def test_pickle_result_load_reads_protocol_and_items():
    """_load takes the protocol out of the dict and the rest as items."""
    res = PickleResult("r")
    load = {"a": {1}, "__pckl_prtcl__": 1}
    res._load(load)
    assert res.v_protocol == 1
    assert list(res) == ["a"]
    assert "__pckl_prtcl__" in load  # the caller's dict is not modified


def test_pickle_result_protocol_default_and_validation():
    """The protocol defaults to pickle.DEFAULT_PROTOCOL and is checked."""
    res = PickleResult("r")
    assert res.v_protocol == pickle.DEFAULT_PROTOCOL
    res.v_protocol = 0
    assert res.v_protocol == 0
    assert "v_protocol" not in res
    with pytest.raises(ValueError, match="pickle protocol"):
        PickleResult("r", protocol=-1)


def test_pickle_result_reserves_protocol_name_and_checks_names():
    """'__pckl_prtcl__' and other invalid names are refused as item names."""
    with pytest.raises(ValueError):
        PickleResult("r").f_set_single("__pckl_prtcl__", 1)
    with pytest.raises(TypeError, match="must be a string"):
        PickleResult("r").f_set_single(1, 1)


def test_pickle_result_pickles():
    """A PickleResult survives pickling with its protocol."""
    clone = pickle.loads(pickle.dumps(PickleResult("r", frozenset({1}), protocol=3)))
    assert clone.r == frozenset({1})
    assert clone.v_protocol == 3


def test_object_table_keeps_python_types_of_cells():
    """ObjectTable has object dtype, so ints stay ints and strings stay str."""
    table = ObjectTable(data={"a": [1, 2], "b": ["x", None]})
    assert isinstance(table, pd.DataFrame)
    assert all(dtype.kind == "O" for dtype in table.dtypes)
    assert type(table["a"].iloc[0]) is int
    assert table["b"].iloc[1] is None


def test_object_table_with_index_and_columns():
    """index and columns work as in a DataFrame."""
    table = ObjectTable(columns=["idx"], index=[0, 1, 2])
    assert table.shape == (3, 1)


def test_object_table_reachable_lazily_from_compat_module():
    """pypet.parameter exposes every leaf class, ObjectTable too."""
    import pypet.parameter as compat

    assert compat.ObjectTable is ObjectTable
    assert compat.Result is Result
    with pytest.raises(AttributeError):
        _ = compat.Nope
    import pypet.results as results

    with pytest.raises(AttributeError):
        _ = results.Nope
