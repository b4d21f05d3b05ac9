"""Parameter: values, locking, item access, string forms, storage contract."""

from __future__ import annotations

import numpy as np
import pytest

from pypet.errors import ParameterLockedException
from pypet.parameters import BaseParameter, Parameter


def test_constructor_with_full_name_alone_gives_empty_parameter():
    """Parameter('a.b') is empty, has length 0 and knows its names."""
    param = Parameter("group.sub.p")
    assert param.f_is_empty()
    assert len(param) == 0
    assert param.v_name == "p"
    assert param.v_location == "group.sub"
    assert param.v_is_parameter and param.v_is_leaf
    assert not param.f_supports_fast_access()
    assert Parameter.KNOWS_TRAJECTORY is False
    assert isinstance(param, BaseParameter)


def test_explicit_none_is_a_value_not_empty():
    """Parameter('p', None) holds None and is not empty."""
    param = Parameter("p", None)
    assert not param.f_is_empty()
    assert len(param) == 1
    assert param.f_get() is None
    assert param.f_supports_fast_access()


def test_f_get_returns_value_and_locks():
    """Reading through f_get locks the parameter."""
    param = Parameter("p", 3, comment="three")
    assert not param.v_locked
    assert param.f_get() == 3
    assert param.v_locked
    assert param.v_comment == "three"


def test_data_default_and_item_access():
    """.data, .default, ['data'], ['default'] and [-1] give the current value or default."""
    param = Parameter("p", 2.5)
    assert param.data == 2.5
    assert param.default == 2.5
    assert param["data"] == 2.5
    assert param["default"] == 2.5
    assert param[-1] == 2.5
    with pytest.raises(KeyError, match="'data' and 'default'"):
        param["other"]


def test_f_get_default_locks():
    """f_get_default locks like f_get."""
    param = Parameter("p", 1)
    assert param.f_get_default() == 1
    assert param.v_locked


def test_f_get_on_empty_parameter_raises_type_error():
    """Reading an empty parameter raises TypeError naming it."""
    param = Parameter("a.p")
    with pytest.raises(TypeError, match="`a.p` is empty"):
        param.f_get()
    with pytest.raises(TypeError, match="empty"):
        param.f_get_default()


def test_f_set_sets_value_and_default():
    """f_set replaces both the current value and the default."""
    param = Parameter("p", 1)
    param.f_set("text")
    assert param.f_get() == "text"
    assert param.f_get_default() == "text"


def test_f_set_on_locked_parameter_raises():
    """A locked parameter refuses f_set until unlocked."""
    param = Parameter("p", 1)
    param.f_lock()
    with pytest.raises(ParameterLockedException, match="`p` is locked"):
        param.f_set(2)
    param.f_unlock()
    param.f_set(2)
    assert param.f_get() == 2


def test_f_set_on_explored_parameter_raises_attribute_error():
    """An explored parameter takes its values from the range, not f_set."""
    param = Parameter("p", 1)
    param._explore([1, 2])
    param.f_unlock()
    with pytest.raises(AttributeError, match="explored"):
        param.f_set(5)


@pytest.mark.parametrize("value", [object(), {1: 2}, {1, 2}, [], (), [1, "a"], [[1]], np.array([])])
def test_f_set_unsupported_value_raises_type_error_naming_parameter_and_value(value):
    """Unsupported data raises TypeError naming the parameter, the value and PickleParameter."""
    param = Parameter("grp.p", 1)
    with pytest.raises(TypeError, match=r"`grp\.p` does not support the value .*PickleParameter"):
        param.f_set(value)
    assert param.f_get() == 1  # unchanged


def test_constructor_rejects_unsupported_data():
    """The constructor validates like f_set."""
    with pytest.raises(TypeError, match="does not support"):
        Parameter("p", {"a": 1})


def test_f_empty_clears_value_and_range():
    """f_empty makes the parameter empty again; it fails when locked."""
    param = Parameter("p", 1)
    param._explore([1, 2])
    with pytest.raises(ParameterLockedException):
        param.f_empty()
    param.f_unlock()
    param.f_empty()
    assert param.f_is_empty()
    assert not param.v_explored
    assert not param.f_has_range()


def test_f_val_to_str_does_not_lock():
    """f_val_to_str gives the repr of the value and leaves the parameter unlocked."""
    param = Parameter("p", "abc")
    assert param.f_val_to_str() == "'abc'"
    assert not param.v_locked
    assert Parameter("e").f_val_to_str() == "No Evaluation possible (yet)!"  # pypet 0.7's text


def test_str_shows_class_name_length_comment_and_value():
    """str() reads as in pypet 0.7: `Parameter full.name (len:N, `comment`): value`."""
    param = Parameter("g.p", 1.5, comment="a comment")
    assert str(param) == "Parameter g.p (`a comment`): 1.5"  # len only when explored
    assert str(Parameter("g.q", 2)) == "Parameter g.q: 2"
    assert str(Parameter("g.e")) == "Parameter g.e"
    assert repr(param) == "<Parameter g.p (`a comment`): 1.5>"
    param._explore([1.0, 2.0])
    assert str(param) == "Parameter g.p (len:2, `a comment`): 1.5"


def test_full_copy_flag_is_read_write():
    """v_full_copy defaults to False and can be set."""
    param = Parameter("p", 1)
    assert param.v_full_copy is False
    param.v_full_copy = True
    assert param.v_full_copy is True


def test_array_value_is_read_only_view_and_caller_array_untouched():
    """A stored array cannot be changed through the parameter; the caller's array stays writable."""
    array = np.arange(3)
    param = Parameter("p", array)
    value = param.f_get()
    assert not value.flags.writeable
    with pytest.raises(ValueError):
        value[0] = 7
    array[0] = 9  # the caller's own array is not frozen
    assert array.flags.writeable


def test_store_returns_default_and_locks():
    """_store gives {'data': default} and locks the parameter."""
    param = Parameter("p", 4)
    assert param._store() == {"data": 4}
    assert param.v_locked
    assert Parameter("e")._store() == {}


def test_store_of_explored_parameter_includes_range_and_default():
    """An explored parameter stores its default and its range as a list."""
    param = Parameter("p", 1)
    param._explore([1, 2, 3])
    param._set_parameter_access(2)
    stored = param._store()
    assert stored == {"data": 1, "explored_data": [1, 2, 3]}
    stored["explored_data"].append(4)  # the caller gets a copy
    assert param.f_get_range() == [1, 2, 3]


def test_load_restores_value_and_range_and_locks():
    """_load rebuilds value and range from a _store dict and locks."""
    param = Parameter("p")
    param._load({"data": 1.0, "explored_data": [1.0, 2.0]})
    assert param.v_locked
    assert param.v_explored
    assert param.f_get_range() == [1.0, 2.0]
    assert param.f_get_default() == 1.0
    param._set_parameter_access(1)
    assert param.f_get() == 2.0


def test_load_into_locked_parameter_raises():
    """Loading into a locked parameter raises ParameterLockedException."""
    param = Parameter("p", 1)
    param.f_lock()
    with pytest.raises(ParameterLockedException):
        param._load({"data": 2})


def test_load_without_range_leaves_parameter_unexplored():
    """A dict without explored_data gives a plain, locked parameter."""
    param = Parameter("p")
    param._load({"data": "x"})
    assert not param.v_explored
    assert len(param) == 1
    assert param.f_get() == "x"


def test_store_load_round_trip_of_none():
    """None survives _store/_load (it is a value)."""
    param = Parameter("p", None)
    clone = Parameter("p")
    clone._load(param._store())
    assert not clone.f_is_empty()
    assert clone.f_get() is None
