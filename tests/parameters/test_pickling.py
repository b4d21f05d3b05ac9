"""Pickling and copying of parameters (and the HasSlots / HasLogger mixins under them)."""

from __future__ import annotations

import copy
import logging
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypet.parameters import ArrayParameter, Parameter
from pypet.utils.logger import HasLogger
from pypet.utils.slots import HasSlots


def explored_param(full_copy):
    param = Parameter("grp.p", 1, comment="c")
    param._explore([1, 2, 3])
    param._set_parameter_access(1)
    param.v_full_copy = full_copy
    param.v_annotations.f_set(note="n")
    return param


def test_pickle_without_full_copy_keeps_only_current_point():
    """With v_full_copy False the pickle holds the current value, not the range."""
    clone = pickle.loads(pickle.dumps(explored_param(False)))
    assert clone.v_explored
    assert not clone.f_has_range()
    assert clone.f_get() == 2
    assert clone.f_get_default() == 1
    assert len(clone) == 1
    assert clone.v_full_name == "grp.p"
    assert clone.v_comment == "c"
    assert clone.v_annotations.note == "n"


def test_copy_pickled_without_range_keeps_point_on_access():
    """Setting run access on a range-less copy keeps the point it was sent with."""
    clone = pickle.loads(pickle.dumps(explored_param(False)))
    clone._set_parameter_access(0)
    assert clone.f_get() == 2
    clone.f_unlock()
    with pytest.raises(TypeError, match="no range to expand"):
        clone._expand([4])


def test_pickle_with_full_copy_keeps_range():
    """With v_full_copy True the range travels too."""
    clone = pickle.loads(pickle.dumps(explored_param(True)))
    assert clone.f_get_range() == [1, 2, 3]
    assert clone.f_get() == 2
    assert clone.v_locked
    assert clone.v_full_copy


def test_pickle_of_empty_parameter_stays_empty():
    """An empty parameter unpickles empty."""
    assert pickle.loads(pickle.dumps(Parameter("p"))).f_is_empty()


def test_copy_and_deepcopy_keep_the_range():
    """copy.copy and copy.deepcopy keep the range whatever v_full_copy says."""
    param = explored_param(False)
    shallow = copy.copy(param)
    deep = copy.deepcopy(param)
    for clone in (shallow, deep):
        assert clone.f_get_range() == [1, 2, 3]
        assert clone.f_get() == 2
    shallow._explored_range.append(4)
    assert param.f_get_range() == [1, 2, 3]


@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False),
        st.text(),
        st.binary(),
        st.lists(st.integers(), min_size=1),
    )
)
def test_pickle_round_trip_of_any_value(value):
    """Any supported value survives pickling unchanged."""
    clone = pickle.loads(pickle.dumps(Parameter("p", value)))
    assert clone.f_get() == value
    assert type(clone.f_get()) is type(value)


def test_pickle_round_trip_of_array_parameter_range():
    """An ArrayParameter range of arrays survives a full-copy pickle."""
    param = ArrayParameter("p", np.zeros(2))
    param._explore([np.arange(3), np.ones((2, 2))])
    param.v_full_copy = True
    clone = pickle.loads(pickle.dumps(param))
    assert all(map(param._equal_values, clone.f_get_range(), param.f_get_range()))


class Slotted(HasSlots):
    __slots__ = ("a", "__hidden", "unset")

    def __init__(self):
        self.a = 1
        self.__hidden = 2

    def hidden(self):
        return self.__hidden


class SlottedChild(Slotted):
    __slots__ = "b"

    def __init__(self):
        super().__init__()
        self.b = 3


def test_has_slots_pickles_all_slots_of_the_hierarchy():
    """HasSlots state holds set slots of every class (mangled names too), skipping unset ones."""
    obj = SlottedChild()
    state = obj.__getstate__()
    assert state == {"a": 1, "_Slotted__hidden": 2, "b": 3}
    clone = pickle.loads(pickle.dumps(obj))
    assert (clone.a, clone.hidden(), clone.b) == (1, 2, 3)
    assert not hasattr(clone, "unset")


class Logged(HasLogger):
    pass


def test_has_logger_name_and_pickling():
    """_logger is named pypet.<module>.<Class> and is not part of the pickled state."""
    obj = Logged()
    assert isinstance(obj._logger, logging.Logger)
    assert obj._logger.name == f"pypet.{__name__}.Logged"
    assert "_logger" not in pickle.loads(pickle.dumps(obj)).__dict__


def test_has_logger_does_not_double_the_pypet_prefix():
    """Classes inside pypet get pypet.<module>.<Class> without a second 'pypet.'."""
    from pypet.utils.logger import logger_name

    assert logger_name(Parameter) == "pypet.parameters.parameter.Parameter"
