"""Exploration hooks of Parameter: _explore, _expand, _shrink, access, type rules, rollback."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypet.errors import ParameterLockedException
from pypet.parameters import Parameter


def explored(default, values):
    param = Parameter("grp.p", default)
    param._explore(values)
    return param


def test_explore_sets_range_marks_explored_and_locks():
    """_explore stores the range, sets v_explored and locks the parameter."""
    param = explored(1, [1, 2, 3])
    assert param.v_explored
    assert param.v_locked
    assert param.f_has_range()
    assert param.f_get_range() == [1, 2, 3]
    assert param.f_get_range_length() == 3
    assert len(param) == 3
    assert param[1] == 2


def test_range_access_without_range_raises_type_error():
    """f_get_range, f_get_range_length and param[i] need a range."""
    param = Parameter("p", 1)
    assert not param.f_has_range()
    with pytest.raises(TypeError, match="no exploration range"):
        param.f_get_range()
    with pytest.raises(TypeError, match="no exploration range"):
        param.f_get_range_length()
    with pytest.raises(TypeError):
        param[0]


def test_get_range_copy_flag():
    """f_get_range() returns a copy; copy=False the range itself."""
    param = explored(1, [1, 2])
    param.f_get_range().append(9)
    assert param.f_get_range() == [1, 2]
    assert param.f_get_range(copy=False) is param.f_get_range(copy=False)


def test_explore_twice_raises_type_error():
    """An explored parameter is extended with _expand, not explored again."""
    param = explored(1, [1, 2])
    param.f_unlock()
    with pytest.raises(TypeError, match="already explored"):
        param._explore([3])


def test_explore_locked_parameter_raises():
    """_explore refuses a locked parameter."""
    param = Parameter("p", 1)
    param.f_lock()
    with pytest.raises(ParameterLockedException):
        param._explore([1, 2])


def test_explore_empty_parameter_raises_type_error():
    """An empty parameter cannot be explored."""
    with pytest.raises(TypeError, match="empty parameter"):
        Parameter("p")._explore([1, 2])


def test_explore_with_no_values_raises_value_error():
    """Exploring with an empty iterable is refused."""
    with pytest.raises(ValueError, match="no values"):
        explored(1, [])


def test_explore_accepts_any_iterable():
    """Generators and ranges work as exploration iterables."""
    param = explored(0, (i * 2 for i in range(3)))
    assert param.f_get_range() == [0, 2, 4]


def test_expand_appends_values_and_locks():
    """_expand extends an existing range and locks the parameter."""
    param = explored(1.0, [1.0, 2.0])
    param.f_unlock()
    param._expand([3.0])
    assert param.f_get_range() == [1.0, 2.0, 3.0]
    assert param.v_locked


def test_expand_without_range_raises_type_error():
    """_expand needs an existing range."""
    with pytest.raises(TypeError, match="no range to expand"):
        Parameter("p", 1)._expand([2])


def test_expand_locked_parameter_raises():
    """_expand refuses a locked parameter."""
    param = explored(1, [1, 2])
    with pytest.raises(ParameterLockedException):
        param._expand([3])


def test_shrink_removes_range_and_restores_default():
    """_shrink drops the range; the parameter is plain again."""
    param = explored(1, [5, 6])
    param._set_parameter_access(1)
    param.f_unlock()
    param._shrink()
    assert not param.v_explored
    assert not param.f_has_range()
    assert param.f_get() == 1


def test_shrink_errors():
    """_shrink refuses a locked or unexplored parameter."""
    with pytest.raises(ParameterLockedException):
        explored(1, [1])._shrink()
    with pytest.raises(TypeError, match="not explored"):
        Parameter("p", 1)._shrink()


def test_set_parameter_access_and_restore_default():
    """Access idx picks range[idx]; -1 and _restore_default give back the default."""
    param = explored(0, [10, 20, 30])
    param._set_parameter_access(2)
    assert param.f_get() == 30
    assert param.f_get_default() == 0
    param._set_parameter_access(-1)
    assert param.f_get() == 0
    param._set_parameter_access(1)
    param._restore_default()
    assert param.f_get() == 0


def test_set_parameter_access_out_of_range_raises_value_error():
    """An index beyond the range raises ValueError."""
    param = explored(0, [10, 20])
    with pytest.raises(ValueError, match="cannot access index 2"):
        param._set_parameter_access(2)


def test_set_parameter_access_on_plain_parameter_keeps_default():
    """An unexplored parameter has its single value for every run index."""
    param = Parameter("p", 5)
    param._set_parameter_access(3)
    assert param.f_get() == 5


def test_numpy_float_for_python_float_default_gives_helpful_error():
    """A numpy float64 in a float range is refused with name, value, position and a .tolist() hint."""
    param = Parameter("grp.p", 1.0)
    with pytest.raises(TypeError) as info:
        param._explore([1.0, 2.0, np.float64(3.0)])
    message = str(info.value)
    assert "`grp.p`" in message
    assert "np.float64(3.0)" in message
    assert "position 2" in message
    assert ".tolist()" in message


@pytest.mark.parametrize(
    ("default", "bad"),
    [
        (1, 1.0),
        (1.0, 1),
        (True, 1),
        ("a", b"a"),
        ([1, 2], [1, 2, 3]),
        ([1, 2], [1.0, 2.0]),
        ((1, 2), [1, 2]),
        (np.zeros(3), np.zeros(4)),
        (np.zeros(3), np.zeros(3, dtype=int)),
        (np.int32(1), np.int64(1)),
    ],
)
def test_values_of_another_type_are_refused(default, bad):
    """Every explored value must have the default's type (incl. length, dtype and shape)."""
    param = Parameter("p", default)
    with pytest.raises(TypeError, match="does not have the type"):
        param._explore([default, bad])


def test_unsupported_value_in_range_is_refused():
    """An unsupported value in a range raises TypeError with its position."""
    with pytest.raises(TypeError, match="position 1"):
        explored(1, [1, {1}])


def test_string_arrays_of_other_width_count_as_same_type():
    """String arrays match whatever the string length."""
    param = explored(np.array(["a", "b"]), [np.array(["abc", "d"])])
    assert param.f_get_range_length() == 1


def test_failed_explore_leaves_parameter_unchanged():
    """A failing _explore leaves no range behind and the parameter unlocked."""
    param = Parameter("p", 1)
    with pytest.raises(TypeError):
        param._explore([1, 2, "three"])
    assert not param.v_explored
    assert not param.f_has_range()
    assert not param.v_locked


def test_failed_expand_leaves_range_unchanged():
    """A failing _expand keeps the range as it was."""
    param = explored(1, [1, 2])
    param.f_unlock()
    with pytest.raises(TypeError):
        param._expand([3, 4.0])
    assert param.f_get_range() == [1, 2]


def test_none_entries_allowed_next_to_default_type():
    """None may appear in a range alongside values of the default's type."""
    param = explored(1, [1, None, 3])
    param._set_parameter_access(1)
    assert param.f_get() is None


def test_none_default_explores_with_any_one_type():
    """A None default accepts any supported type; the first non-None value fixes it."""
    param = explored(None, [None, "a", "b"])
    assert param.f_get_range() == [None, "a", "b"]
    with pytest.raises(TypeError, match="does not have the type"):
        explored(None, ["a", 1])


def test_none_default_expand_keeps_the_type_of_the_range():
    """Expanding a None-default parameter checks new values against the range's type."""
    param = explored(None, [None, 1.5])
    param.f_unlock()
    param._expand([2.5, None])
    param.f_unlock()
    with pytest.raises(TypeError):
        param._expand(["x"])
    assert param.f_get_range() == [None, 1.5, 2.5, None]


def test_values_of_same_type_and_equal_values():
    """The two comparison hooks follow the type rule; NaN equals NaN."""
    param = Parameter("p", 1.0)
    assert param._values_of_same_type(1.0, 2.0)
    assert not param._values_of_same_type(1.0, 2)
    assert param._equal_values(float("nan"), float("nan"))
    assert param._equal_values(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    assert not param._equal_values(1, 1.0)
    assert not param._equal_values(np.zeros(2), np.zeros(3))
    assert param._equal_values((1, 2), (1, 2))
    assert not param._equal_values([1, 2], [1, 3])


@given(st.lists(st.integers(), min_size=1, max_size=20), st.data())
def test_int_ranges_round_trip_through_access(values, data):
    """Any int range is stored as given and every index gives back its value."""
    param = explored(0, values)
    assert param.f_get_range() == values
    idx = data.draw(st.integers(0, len(values) - 1))
    param._set_parameter_access(idx)
    assert param.f_get() == values[idx]


@given(
    st.lists(
        st.one_of(st.integers(), st.floats(), st.text(), st.booleans()), min_size=1, max_size=8
    )
)
def test_mixed_ranges_are_accepted_only_if_types_match_the_default(values):
    """A range is accepted exactly when every value has the default's type."""
    default = values[0]
    param = Parameter("p", default)
    same = all(type(v) is type(default) for v in values)
    if same:
        param._explore(values)
        assert param.f_get_range_length() == len(values)
    else:
        with pytest.raises(TypeError):
            param._explore(values)
        assert not param.v_explored
