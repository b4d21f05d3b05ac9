"""Which items a Result accepts (and the error for those it does not)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypet.results import ObjectTable, Result

ACCEPTED = [
    None,
    True,
    3,
    2**80,
    1.5,
    1j,
    "text",
    b"bytes",
    np.int8(3),
    np.float32(1.5),
    np.str_("s"),
    np.datetime64("2020-01-01"),
    np.array(5),
    np.array([]),
    np.zeros((0, 3)),
    np.array([object(), 1], dtype=object),
    np.array(["a", "bc"]),
    np.zeros((2, 3), dtype=[("a", "i4"), ("b", "f8")]),
    [],
    (),
    {},
    [1, "a", None, 2.0],
    {"a": [1, {"b": (None, np.arange(2))}], "c": None},
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
    pd.Series([1.0, 2.0], name="s"),
    pd.DataFrame(
        {"v": [1, 2]}, index=pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["i", "j"])
    ),
    ObjectTable({"a": [1, "x"]}),
]


@pytest.mark.parametrize("value", ACCEPTED, ids=lambda v: type(v).__name__)
def test_accepted_items(value):
    """None, scalars, arrays of any dtype, nested containers and pandas objects are items."""
    res = Result("r", x=value)
    assert res.f_supports(value)
    assert res.x is value


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({1, 2}, "x is of type set"),
        (object(), "x is of type object"),
        ([1, [2, {3}]], r"x\[1\]\[1\] is of type set"),
        ({"a": {"b": object()}}, r"x\['a'\]\['b'\] is of type object"),
        ({1: "a"}, "x has the key 1 of type int"),
        (np.ma.masked_array([1.0]), "x is of type numpy.ma.MaskedArray"),
        (range(3), "x is of type range"),
    ],
)
def test_refused_items_name_the_item_its_type_and_suggest_pickle_result(value, where):
    """Unsupported data raises TypeError locating the part and suggesting PickleResult."""
    res = Result("grp.r")
    assert not res.f_supports(value)
    with pytest.raises(TypeError, match=rf"`grp\.r` cannot hold item `x`: {where}.*PickleResult"):
        res.f_set(x=value)


def test_dict_subclass_is_refused_with_hint():
    """Dict subclasses are refused (their type would not survive storage)."""
    from collections import OrderedDict

    with pytest.raises(TypeError, match="OrderedDict"):
        Result("r", x=OrderedDict(a=1))


nested = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(nested)
def test_arbitrarily_nested_containers_of_accepted_values_are_accepted(value):
    """Any nesting of lists, tuples and str-keyed dicts of scalars and None is accepted."""
    assert Result("r").f_supports(value)


@given(nested)
def test_a_set_anywhere_in_a_nested_value_is_refused(value):
    """Putting an unsupported object into any container makes the whole item unsupported."""
    assert not Result("r").f_supports([value, {"k": [{1}]}])
