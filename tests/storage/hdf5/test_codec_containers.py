"""Round trips of lists, tuples and dicts, nested, with None and awkward keys."""

from __future__ import annotations

import numpy as np
import pytest
import tables
from hypothesis import given, settings
from hypothesis import strategies as st

from pypet.storage.hdf5.codec import CodecError, read_value, write_value

CONTAINERS = {
    "empty list": [],
    "empty tuple": (),
    "empty dict": {},
    "float list": [1.0, float("nan"), -0.0],
    "int tuple": (1, 2, 3),
    "bool list": [True, False],
    "str list": ["a", "", "ü€"],
    "str list with nul": ["a\x00", "b"],
    "bytes tuple": (b"x", b""),
    "bytes with nul": [b"\x00", b"y"],
    "complex list": [1j, 2 + 0j],
    "ints beyond int64": [1, 2**64],
    "numpy scalars": [np.float32(1), np.float32(2)],
    "numpy str_": [np.str_("a"), np.str_("bc")],
    "numpy bytes_": (np.bytes_(b"a"), np.bytes_(b"bc")),
    "datetimes one unit": [np.datetime64("2020-01-01"), np.datetime64("NaT", "D")],
    "datetimes mixed units": [np.datetime64("2020-01-01"), np.datetime64(1, "s")],
    "bool and int": [True, 1],
    "int and float": [1, 1.0],
    "with None": [None, 1, None],
    "only None": (None,),
    "nested": [[1, 2], (3, [4, {"five": (5,)}]), []],
    "list of arrays": [np.arange(3), np.ones((2, 2))],
    "dict nested": {"a": {"b": {"c": None}}, "list": [{"x": 1}, {"y": (2,)}]},
    "dict odd str keys": {"a.b": 1, "": 2, "/x": 3, "0": 4, "class": 5, "_0": 6, "ü": 7},
    "dict non-str keys": {0: "int", 1.5: "float", True: "bool", None: "none", b"k": "bytes"},
    "dict tuple keys": {(1, "a"): 1, (): 2, ((1, 2), b"x"): 3},
    "dict keeps order": {"b": 1, "a": 2, "_1": 3, "c": 4},
    "dict of frames of values": {"arr": np.arange(4), "s": "x", "none": None},
}


@pytest.mark.parametrize("value", CONTAINERS.values(), ids=CONTAINERS.keys())
def test_container_round_trip(roundtrip, same, value):
    """Containers keep list vs tuple, item types, key types and order."""
    same(roundtrip(value), value)


@pytest.mark.parametrize(
    ("value", "node_class"),
    [([1.0, 2.0, 3.0], tables.Array), (("a", "b"), tables.Array), ([1, "a"], tables.Group)],
)
def test_homogeneous_sequences_are_one_dataset(h5file, value, node_class):
    """Homogeneous scalar sequences are one dataset; mixed ones a group of items."""
    write_value(h5file, h5file.root, "seq", value)
    assert isinstance(h5file.root.seq, node_class)


def test_dict_children_are_named_after_plain_keys(h5file):
    """Plain identifier keys name their node; other keys get an escaped position name."""
    write_value(h5file, h5file.root, "d", {"alpha": 1, "a.b": 2, "": 3})
    assert sorted(h5file.root.d._v_children) == ["_1", "_2", "alpha"]


def test_dict_with_many_long_keys(roundtrip, same):
    """Key lists too long for an HDF5 attribute still round-trip."""
    value = {f"key_{'x' * 40}_{i}": i for i in range(2000)}
    same(roundtrip(value), value)


@pytest.mark.parametrize(
    "value",
    [{1, 2}, [1, object()], {"a": frozenset()}, {np.int64(1): 2}, {frozenset(): 1}],
    ids=["set", "object in list", "frozenset in dict", "numpy key", "frozenset key"],
)
def test_unstorable_containers_raise_and_leave_nothing(h5file, value):
    """An unsupported item anywhere raises CodecError naming the type; no partial node stays."""
    with pytest.raises(CodecError, match=r"Cannot store '/bad.*type .*PickleResult"):
        write_value(h5file, h5file.root, "bad", value)
    assert "bad" not in h5file.root


def test_subclasses_are_refused(h5file):
    """Subclasses of list/dict/int are refused instead of coming back as the base type."""
    from collections import OrderedDict
    from enum import IntEnum

    class Color(IntEnum):
        RED = 1

    for value in (OrderedDict(a=1), Color.RED):
        with pytest.raises(CodecError):
            write_value(h5file, h5file.root, "bad", value)


_KEYS = st.one_of(
    st.text(max_size=6),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=4),
    st.tuples(st.integers(), st.text(max_size=3)),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.complex_numbers(),
    st.text(max_size=8),
    st.binary(max_size=8),
)
_NESTED = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(_KEYS, children, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_NESTED)
def test_any_nested_value_round_trips(module_roundtrip, same, value):
    """Property: nested dict/list/tuple/None/scalar values round-trip exactly."""
    same(module_roundtrip(value), value)


@settings(max_examples=60, deadline=None)
@given(st.lists(_SCALARS, max_size=6), st.lists(st.text(max_size=5), min_size=1, max_size=6))
def test_any_flat_list_round_trips(module_roundtrip, same, mixed, texts):
    """Property: flat mixed lists and homogeneous text lists round-trip exactly."""
    same(module_roundtrip(mixed), mixed)
    same(module_roundtrip(texts), texts)


def test_read_value_is_what_write_value_wrote(h5file, same):
    """Reading in the same session (cached nodes) gives the same result as from disk."""
    value = {"a": [1, (2.0, None)], "b": {"c": b"d"}}
    write_value(h5file, h5file.root, "v", value)
    same(read_value(h5file.root.v), value)
