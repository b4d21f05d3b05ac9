"""PickleParameter: any picklable object, with a pickle protocol."""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest

from pypet.parameters import PickleParameter


def test_supports_everything():
    """f_supports is true for any object."""
    param = PickleParameter("p")
    assert param.f_supports({"a": [1, {2}]})
    assert param.f_supports(object())


def test_default_protocol_and_validation():
    """The protocol defaults to pickle.DEFAULT_PROTOCOL and must be a valid one."""
    assert PickleParameter("p", 1).v_protocol == pickle.DEFAULT_PROTOCOL
    param = PickleParameter("p", 1, protocol=2)
    assert param.v_protocol == 2
    param.v_protocol = 0
    assert param.v_protocol == 0
    with pytest.raises(ValueError, match="pickle protocol"):
        PickleParameter("p", 1, protocol=99)
    with pytest.raises(ValueError, match="pickle protocol"):
        param.v_protocol = "2"


def test_exploration_needs_identical_python_types_only():
    """Values of one Python type explore together whatever their contents."""
    param = PickleParameter("p", {"a": 1})
    param._explore([{"a": 1}, {"b": [1, 2, 3]}, None])
    assert param.f_get_range_length() == 3
    other = PickleParameter("q", [1])
    with pytest.raises(TypeError, match="does not have the type"):
        other._explore([[1, 2], (1,)])


def test_store_includes_protocol_item_and_load_reads_it():
    """_store adds '__pckl_prtcl__'; _load restores value, range and protocol."""
    param = PickleParameter("p", Fraction(1, 3), protocol=3)
    param._explore([Fraction(1, 2)])
    stored = param._store()
    assert stored == {
        "data": Fraction(1, 3),
        "explored_data": [Fraction(1, 2)],
        "__pckl_prtcl__": 3,
    }
    clone = PickleParameter("p")
    clone._load(stored)
    assert clone.v_protocol == 3
    assert clone.f_get() == Fraction(1, 3)
    assert clone.f_get_range() == [Fraction(1, 2)]
    assert PickleParameter("e")._store() == {}


def test_pickle_round_trip_keeps_protocol():
    """Pickling keeps value and protocol."""
    param = PickleParameter("p", {"x": {1, 2}}, protocol=1)
    clone = pickle.loads(pickle.dumps(param))
    assert clone.f_get() == {"x": {1, 2}}
    assert clone.v_protocol == 1
