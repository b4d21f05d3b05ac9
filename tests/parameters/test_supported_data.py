"""Which values Parameter and ArrayParameter accept."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypet.parameters import ArrayParameter, Parameter

NUMPY_SCALARS = [
    np.bool_(True), np.int8(1), np.int16(1), np.int32(1), np.int64(1), np.intp(1),
    np.uint8(1), np.uint16(1), np.uint32(1), np.uint64(1), np.float32(1), np.float64(1),
    np.complex64(1), np.complex128(1), np.str_("s"), np.bytes_(b"b"),
]  # fmt: skip
PYTHON_SCALARS = [True, 1, 1.5, 1j, "s", b"b"]


@pytest.mark.parametrize("value", PYTHON_SCALARS + NUMPY_SCALARS + [None])
def test_scalars_and_none_are_supported(value):
    """Python and numpy scalars and None are parameter values."""
    assert Parameter("p").f_supports(value)
    assert Parameter("p", value).f_get() is value


@pytest.mark.parametrize(
    "value", [np.float16(1), np.longdouble(1), np.datetime64("2020-01-01"), np.void(b"x")]
)
def test_numpy_scalars_without_storage_form_are_refused(value):
    """float16, longdouble, datetime and void scalars are not supported."""
    assert not Parameter("p").f_supports(value)


@pytest.mark.parametrize(
    "value",
    [[1, 2], (1.0, 2.0), ["a"], (b"x", b"y"), [np.int32(1), np.int32(2)], [True, False]],
)
def test_homogeneous_sequences_are_supported(value):
    """Non-empty lists and tuples of one scalar type are supported."""
    assert Parameter("p").f_supports(value)


@pytest.mark.parametrize(
    "value", [[], (), [1, 2.0], [1, True], [None], [[1]], [(1,)], [np.zeros(2)], [{}]]
)
def test_empty_mixed_or_nested_sequences_are_refused(value):
    """Empty, mixed-type, None-holding or nested sequences are not Parameter values."""
    assert not Parameter("p").f_supports(value)


@pytest.mark.parametrize(
    "value",
    [
        np.arange(3),
        np.zeros((2, 3), dtype=np.float32),
        np.array(["a", "bc"]),
        np.array([b"a"]),
        np.array(5),
        np.array([True]),
        np.array([1 + 2j]),
    ],
)
def test_non_empty_arrays_of_scalar_dtypes_are_supported(value):
    """Non-empty arrays (any shape, also 0-d) of scalar dtypes are supported."""
    assert Parameter("p").f_supports(value)
    assert np.array_equal(Parameter("p", value).f_get(), value)


@pytest.mark.parametrize(
    "value", [np.array([]), np.array([object()]), np.zeros(2, dtype=np.float16), np.zeros((0, 2))]
)
def test_empty_or_object_arrays_are_refused_by_parameter(value):
    """Empty arrays and arrays of unsupported dtypes are not Parameter values."""
    assert not Parameter("p").f_supports(value)


def test_matrix_is_supported():
    """numpy matrices are supported (pypet compatibility)."""
    with pytest.warns(PendingDeprecationWarning):
        matrix = np.matrix([[1, 2], [3, 4]])
    assert Parameter("p").f_supports(matrix)


@pytest.mark.parametrize("value", [object(), {"a": 1}, {1}, range(3), np.ma.masked_array([1.0])])
def test_other_objects_are_refused(value):
    """Dicts, sets, arbitrary objects and array subclasses are not supported."""
    assert not Parameter("p").f_supports(value)


@pytest.mark.parametrize("value", [(), [], np.array([]), np.array([], dtype=int)])
def test_array_parameter_supports_empty_containers(value):
    """ArrayParameter accepts empty tuples, lists and 1-D arrays."""
    assert ArrayParameter("p").f_supports(value)


@pytest.mark.parametrize(
    "value", [np.zeros((0, 2)), (object(),), (1, "a"), np.array([], dtype=object)]
)
def test_array_parameter_still_refuses_bad_containers(value):
    """Empty 2-D arrays and tuples of unsupported or mixed elements are refused (no precedence bug)."""
    assert not ArrayParameter("p").f_supports(value)


def test_array_parameter_explores_arrays_of_any_shape():
    """Arrays, tuples and lists of any shape/length count as one type for ArrayParameter."""
    param = ArrayParameter("p", np.zeros(2))
    param._explore([np.zeros(5), np.ones((2, 2)), np.arange(3)])
    assert [a.shape for a in param.f_get_range()] == [(5,), (2, 2), (3,)]
    tuples = ArrayParameter("t", ())
    tuples._explore([(1, 2), ("a",), ()])
    assert tuples.f_get_range_length() == 3


def test_array_parameter_keeps_container_kinds_apart():
    """An ArrayParameter with an array default refuses tuples, and a tuple default refuses lists."""
    with pytest.raises(TypeError, match="does not have the type"):
        ArrayParameter("p", np.zeros(2))._explore([(1, 2)])
    with pytest.raises(TypeError, match="does not have the type"):
        ArrayParameter("p", (1,))._explore([[1]])
    with pytest.raises(TypeError, match="does not have the type"):
        ArrayParameter("p", 1)._explore([1.0])


@given(
    st.lists(
        st.one_of(st.integers(), st.floats(), st.text(), st.binary(), st.booleans()), max_size=6
    )
)
def test_lists_are_supported_exactly_when_homogeneous(values):
    """A non-empty list is supported exactly when all its elements share one scalar type."""
    homogeneous = len({type(v) for v in values}) == 1
    assert Parameter("p").f_supports(values) == homogeneous
