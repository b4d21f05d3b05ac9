"""Every supported leaf type round-trips exactly through ``f_store`` / ``f_load``."""

from __future__ import annotations

import datetime
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pypet import (
    ArrayParameter,
    Parameter,
    PickleParameter,
    PickleResult,
    Result,
    ResultGroup,
    SparseParameter,
    SparseResult,
    Trajectory,
)
from tests.storage.conftest import assert_exact


class Point:
    """A picklable user object (module level, so pickle finds it)."""

    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return type(other) is Point and other.x == self.x


class MyGroup(ResultGroup):
    """A custom group class."""


class MyResult(Result):
    """A custom result class."""


class MyParameter(Parameter):
    """A custom parameter class."""


# --- parameters ---------------------------------------------------------------------------

PARAMETER_VALUES: dict[str, Any] = {
    "int": 7,
    "int_zero": 0,
    "int_negative": -(2**62),
    "float": 0.1,
    "float_nan": float("nan"),
    "float_inf": float("-inf"),
    "bool_true": True,
    "bool_false": False,
    "complex": 1 - 2j,
    "str": "héllo wörld ✓",
    "str_empty": "",
    "bytes": b"a\x00b\xff",
    "none": None,
    "np_int8": np.int8(-3),
    "np_int16": np.int16(300),
    "np_int32": np.int32(-70000),
    "np_int64": np.int64(2**40),
    "np_uint8": np.uint8(255),
    "np_uint16": np.uint16(65535),
    "np_uint32": np.uint32(2**32 - 1),
    "np_uint64": np.uint64(2**64 - 1),
    "np_float32": np.float32(1.5),
    "np_float64": np.float64(-2.25),
    "np_complex64": np.complex64(1 + 1j),
    "np_complex128": np.complex128(2 - 3j),
    "np_bool": np.bool_(True),
    "np_str": np.str_("numpy text"),
    "tuple_int": (1, 2, 3),
    "tuple_str": ("a", "bb"),
    "list_float": [1.0, 2.5],
    "list_bool": [True, False],
    "array_int": np.arange(6, dtype=np.int16).reshape(2, 3),
    "array_float": np.linspace(0, 1, 5, dtype=np.float32),
    "array_str": np.array(["x", "yy", "zzz"]),
    "array_bool": np.array([True, False]),
}


@pytest.fixture(scope="module")
def parameter_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Trajectory, Trajectory]:
    """One trajectory holding every parameter value above, stored and loaded back."""
    filename = str(tmp_path_factory.mktemp("params") / "params.hdf5")
    traj = Trajectory("params", filename=filename)
    for name, value in PARAMETER_VALUES.items():
        traj.f_add_parameter(f"values.{name}", value, comment=f"the {name}")
    traj.f_store()
    loaded = Trajectory(filename=filename)
    loaded.f_load(name="params", load_data=2)
    return traj, loaded


@pytest.mark.parametrize("name", list(PARAMETER_VALUES))
def test_parameter_value_roundtrips(parameter_pair: tuple[Trajectory, Trajectory],
                                    name: str) -> None:
    """A Parameter's value comes back with its exact type and bits, plus its comment."""
    _, loaded = parameter_pair
    param = loaded.f_get(f"parameters.values.{name}")
    assert type(param) is Parameter
    assert_exact(param.f_get(), PARAMETER_VALUES[name])
    assert param.v_comment == f"the {name}"


def test_loaded_parameters_are_locked_and_stored(parameter_pair: tuple[Trajectory, Trajectory]
                                                 ) -> None:
    """Loaded parameters are locked and marked as stored, as in pypet."""
    _, loaded = parameter_pair
    param = loaded.f_get("parameters.values.int", fast_access=False)
    assert param.v_locked
    assert param.v_stored


def test_storing_locks_parameters(parameter_pair: tuple[Trajectory, Trajectory]) -> None:
    """Storing a parameter locks it (pypet's rule: stored values must not change)."""
    original, _ = parameter_pair
    assert original.f_get("parameters.values.float").v_locked


def test_empty_parameter_roundtrips_empty(h5path: str, reload: Any) -> None:
    """A parameter without a value is stored and comes back empty, not as None."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter(Parameter, "empty", comment="no value")
    traj.f_store()
    param = reload(h5path).f_get("empty")
    assert param.f_is_empty()
    assert param.v_comment == "no value"


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("ints", [1, 2, 3, 1]),
        ("floats", [0.5, float("nan"), -1e300]),
        ("strs", ["a", "long text ✓", ""]),
        ("bools", [True, False, True]),
        ("tuples", [(1, 2), (3, 4)]),
        ("np_scalars", [np.float32(1), np.float32(2)]),
        ("arrays", [np.zeros(3), np.ones(3)]),
        ("nones_and_ints", [None, None]),
    ],
)
def test_parameter_range_roundtrips(h5path: str, reload: Any, name: str,
                                    values: list[Any]) -> None:
    """An explored Parameter's range comes back exactly, and the default stays the default."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter(name, values[0])
    traj.f_explore({name: values})
    traj.f_store()
    loaded = reload(h5path)
    param = loaded.f_get(name)
    assert param.v_explored
    assert_exact(param.f_get_range(), list(values))
    assert_exact(param.f_get_default(), values[0])
    assert list(loaded.f_get_explored_parameters()) == [f"parameters.{name}"]
    assert len(loaded) == len(values)


def test_array_parameter_with_and_without_range(h5path: str, reload: Any) -> None:
    """ArrayParameter keeps arrays of any shape, empty tuples, and ranges of varying shapes."""
    traj = Trajectory("t", filename=h5path)
    plain = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    traj.f_add_parameter(ArrayParameter, "plain", plain)
    traj.f_add_parameter(ArrayParameter, "empty_tuple", ())
    traj.f_add_parameter(ArrayParameter, "empty_array", np.zeros(0, dtype=np.int8))
    rng = [np.zeros(2), np.arange(5.0), np.zeros(2), np.eye(2)]
    traj.f_add_parameter(ArrayParameter, "explored", rng[0])
    traj.f_explore({"explored": rng})
    traj.f_store()
    loaded = reload(h5path)
    assert type(loaded.f_get("plain")) is ArrayParameter
    assert_exact(loaded.plain, plain)
    assert_exact(loaded.empty_tuple, ())
    assert_exact(loaded.empty_array, np.zeros(0, dtype=np.int8))
    assert_exact(loaded.f_get("explored").f_get_range(), rng)


SPARSE = [
    sp.csr_matrix(np.array([[0, 1.5], [2, 0]])),
    sp.csc_matrix(np.eye(2, dtype=np.int32)),
    sp.bsr_matrix(np.eye(4)),
    sp.dia_matrix(np.eye(2, dtype=np.float32)),
]


def test_sparse_parameter_with_and_without_range(h5path: str, reload: Any) -> None:
    """SparseParameter keeps format, dtype and values, for a value and for a mixed range."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter(SparseParameter, "single", SPARSE[0])
    traj.f_add_parameter(SparseParameter, "explored", SPARSE[0])
    traj.f_explore({"explored": SPARSE})
    traj.f_store()
    loaded = reload(h5path)
    assert type(loaded.f_get("single")) is SparseParameter
    assert_exact(loaded.single, SPARSE[0])
    assert_exact(loaded.f_get("explored").f_get_range(), SPARSE)


def test_pickle_parameter_with_and_without_range(h5path: str, reload: Any) -> None:
    """PickleParameter keeps any picklable object, its range, and its protocol."""
    traj = Trajectory("t", filename=h5path)
    value = {"point": Point(3), "set": {1, 2}, "when": datetime.date(2020, 1, 2)}
    traj.f_add_parameter(PickleParameter, "single", value, protocol=2)
    rng = [Point(1), Point(2), Point(1)]
    traj.f_add_parameter(PickleParameter, "explored", rng[0])
    traj.f_explore({"explored": rng})
    traj.f_store()
    loaded = reload(h5path)
    single = loaded.f_get("single")
    assert type(single) is PickleParameter
    assert single.f_get() == value
    assert single.v_protocol == 2
    assert loaded.f_get("explored").f_get_range() == rng
    assert loaded.f_get("explored").v_protocol == pickle.DEFAULT_PROTOCOL


@pytest.mark.parametrize(
    "values",
    [[0, None], [1, True], [1, 1.0], ["a", b"a"], [(1, 2), [1, 2]]],
    ids=["zero_vs_none", "int_vs_bool", "int_vs_float", "str_vs_bytes", "tuple_vs_list"],
)
def test_look_alike_values_stay_apart(h5path: str, reload: Any, values: list[Any]) -> None:
    """Values that compare equal in Python (0/None aside) keep their own types."""
    traj = Trajectory("t", filename=h5path)
    for pos, value in enumerate(values):
        traj.f_add_parameter(f"p{pos}", value)
        traj.f_add_result(f"r{pos}", value)
    traj.f_store()
    loaded = reload(h5path)
    for pos, value in enumerate(values):
        assert_exact(loaded.f_get(f"parameters.p{pos}").f_get(), value)
        assert_exact(loaded.f_get(f"results.r{pos}").f_get(), value)


# --- results ------------------------------------------------------------------------------

DTYPES = [
    "?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "g", "c8", "c16",
    "U3", "S3", "M8[ns]", "m8[s]", ">i4", "<f8",
]


def _array(dtype: str) -> np.ndarray:
    kind = np.dtype(dtype).kind
    if kind in "US":
        return np.array(["ab", "c", ""], dtype=dtype)
    if kind in "Mm":
        return np.array([0, 1, 2], dtype="i8").astype(dtype)
    return np.arange(3).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_result_arrays_of_every_dtype(h5path: str, reload: Any, dtype: str) -> None:
    """Result items keep numpy arrays of every dtype: 1-D, 2-D, 0-d and empty."""
    base = _array(dtype)
    items = {"vec": base, "mat": np.stack([base, base]), "zero_d": base[1].reshape(()).copy(),
             "empty": base[:0], "scalar": base[1]}
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("arrays", **items)
    traj.f_store()
    loaded = reload(h5path).f_get("arrays").f_to_dict()
    assert list(loaded) == list(items)
    for key, value in items.items():
        assert_exact(loaded[key], value)


def test_result_none_and_nested_containers(h5path: str, reload: Any) -> None:
    """None, nested dicts/lists/tuples (with None inside) and object arrays come back exactly."""
    items = {
        "none": None,
        "nested": {"a": [1, None, (2, "b", [])], "b": {"c": {"d": ()}}, "e": [[], {}]},
        "tuple_of_lists": ([1.5], ["x", b"y"], (None,)),
        "mixed_list": [1, 1.0, True, "1", b"1", None, 2**80],
        "objects": np.array([1, "a", None, 2.5], dtype=object),
        "empty_dict": {},
    }
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("containers", **items)
    traj.f_store()
    loaded = reload(h5path).f_get("containers").f_to_dict()
    assert_exact(loaded, items)


def test_single_item_result_keeps_its_item_name(h5path: str, reload: Any) -> None:
    """A one-item result whose item is not named like the leaf keeps that item name."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("one", other_name=3)
    traj.f_add_result("two", 4)
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.f_get("one").f_to_dict() == {"other_name": 3}
    assert loaded.f_get("two").f_to_dict() == {"two": 4}
    assert loaded.two == 4


def test_empty_result_roundtrips(h5path: str, reload: Any) -> None:
    """A result without items is stored and comes back as an empty result."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("nothing", comment="empty")
    traj.f_store()
    res = reload(h5path).f_get("nothing")
    assert res.f_is_empty()
    assert res.v_comment == "empty"


def test_pandas_with_multiindex(h5path: str, reload: Any) -> None:
    """DataFrames and Series (MultiIndex, mixed column dtypes, categoricals) round-trip."""
    index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["letter", "n"])
    frame = pd.DataFrame(
        {"x": [1, 2, 3], "y": [0.5, np.nan, 2.0], "s": ["u", "v", "w"],
         "cat": pd.Categorical(["p", "q", "p"]), "t": pd.to_datetime(["2020", "2021", "2022"])},
        index=index,
    )
    series = pd.Series([1.0, 2.0, 3.0], index=index, name="values")
    columns = pd.MultiIndex.from_product([["A", "B"], ["one", "two"]])
    wide = pd.DataFrame(np.arange(8).reshape(2, 4), columns=columns)
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("tables", frame=frame, series=series, wide=wide,
                      empty=pd.DataFrame({"a": pd.Series([], dtype="int64")}))
    traj.f_store()
    loaded = reload(h5path).f_get("tables")
    assert_exact(loaded.frame, frame)
    assert_exact(loaded.series, series)
    assert_exact(loaded.wide, wide)
    assert_exact(loaded.empty, pd.DataFrame({"a": pd.Series([], dtype="int64")}))


def test_sparse_result_all_formats(h5path: str, reload: Any) -> None:
    """SparseResult keeps csr/csc/bsr/dia matrices, sparse arrays and plain items side by side."""
    items = {"csr": SPARSE[0], "csc": SPARSE[1], "bsr": SPARSE[2], "dia": SPARSE[3],
             "csr_array": sp.csr_array(np.eye(3)), "empty": sp.csr_matrix((0, 0)),
             "plain": [1, 2]}
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result(SparseResult, "sparse", **items)
    traj.f_store()
    loaded = reload(h5path).f_get("sparse")
    assert type(loaded) is SparseResult
    assert_exact(loaded.f_to_dict(), items)


def test_pickle_result_keeps_objects_and_protocol(h5path: str, reload: Any) -> None:
    """PickleResult keeps arbitrary picklable objects and its protocol."""
    items = {"point": Point(5), "set": frozenset({1, 2}), "date": datetime.date(1999, 12, 31)}
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result(PickleResult, "pickled", protocol=3, **items)
    traj.f_store()
    loaded = reload(h5path).f_get("pickled")
    assert type(loaded) is PickleResult
    assert loaded.v_protocol == 3
    assert loaded.f_to_dict() == items


@st.composite
def _nested(draw: st.DrawFn) -> Any:
    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
               | st.text() | st.binary(max_size=8) | st.complex_numbers(allow_nan=False))
    return draw(st.recursive(
        scalars,
        lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                       | st.dictionaries(st.text(max_size=5), inner, max_size=4)),
        max_leaves=12,
    ))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_nested())
def test_nested_values_roundtrip_property(tmp_path_factory: pytest.TempPathFactory,
                                         value: Any) -> None:
    """Any nested dict/list/tuple of scalars in a Result comes back exactly."""
    filename = str(tmp_path_factory.mktemp("hyp") / "nested.hdf5")
    traj = Trajectory("t", filename=filename)
    traj.f_add_result("value", value)
    traj.f_store()
    loaded = Trajectory(filename=filename)
    loaded.f_load(name="t", load_data=2)
    assert_exact(loaded.f_get("results.value").f_get(), value)


# --- comments, annotations, classes, metadata ---------------------------------------------

ANNOTATIONS: dict[str, Any] = {
    "int": 3, "float": 0.5, "str": "text", "bool": False, "bytes": b"raw", "complex": 1j,
    "np_float32": np.float32(1.5), "np_int64": np.int64(4), "np_str": np.str_("s"),
    "array": np.arange(3), "zero_d": np.array(2.0), "list": [1, "a"], "dict": {"k": (1, 2)},
    "none": None, "big_int": 2**80, "nul_text": "a\x00b",
}


def test_comments_and_annotations_on_leaves_groups_and_root(h5path: str, reload: Any) -> None:
    """Comments and annotations (exact types, not their order) survive on every node."""
    traj = Trajectory("t", filename=h5path, comment="the trajectory")
    traj.v_annotations.f_set(**ANNOTATIONS)
    group = traj.f_add_result_group("grp", comment="a group")
    group.v_annotations.f_set(**ANNOTATIONS)
    leaf = traj.f_add_result("grp.leaf", 1, comment="a leaf")
    leaf.v_annotations.f_set(**ANNOTATIONS)
    param = traj.f_add_parameter("param", 1, comment="a parameter")
    param.v_annotations.f_set(only="one")
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.v_comment == "the trajectory"
    assert loaded.f_get("results.grp").v_comment == "a group"
    assert loaded.f_get("results.grp.leaf").v_comment == "a leaf"
    assert loaded.f_get("parameters.param").v_comment == "a parameter"
    expected = dict(sorted(ANNOTATIONS.items()))  # HDF5 attributes keep no order
    for node in (loaded, loaded.f_get("results.grp"), loaded.f_get("results.grp.leaf")):
        assert_exact(dict(sorted(node.v_annotations.f_to_dict().items())), expected)
    assert loaded.f_get("parameters.param").v_annotations.f_to_dict() == {"only": "one"}


def test_annotations_load_with_skeleton(h5path: str, reload: Any) -> None:
    """A skeleton load brings comments and annotations but no data."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("r", 5, comment="c").v_annotations.f_set(a=1)
    traj.f_store()
    res = reload(h5path, load_data=1).f_get("results.r")
    assert res.f_is_empty()
    assert res.v_comment == "c"
    assert res.v_annotations.f_to_dict() == {"a": 1}


def test_custom_classes_need_dynamic_imports(h5path: str, reload: Any) -> None:
    """Custom group/leaf classes come back as themselves when given as dynamic_imports."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result_group(MyGroup, "mine", comment="custom group")
    traj.f_add_result(MyResult, "mine.res", 4)
    traj.f_add_parameter(MyParameter, "mypar", 2.0)
    traj.f_store()
    loaded = reload(h5path, dynamic_imports=[MyGroup, MyResult,
                                             f"{__name__}.MyParameter"])
    assert type(loaded.f_get("results.mine")) is MyGroup
    assert loaded.f_get("results.mine").v_comment == "custom group"
    assert type(loaded.f_get("results.mine.res")) is MyResult
    assert loaded.f_get("results.mine.res").f_get() == 4
    assert type(loaded.f_get("parameters.mypar")) is MyParameter
    with pytest.raises(ImportError, match="MyGroup|MyResult|MyParameter"):
        reload(h5path)


def test_other_root_branches_roundtrip(h5path: str, reload: Any) -> None:
    """Non-standard root branches (f_add_leaf) and config are stored and loaded."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_leaf("extra.sub.leaf", [1, 2], comment="other data")
    traj.f_add_config("setting", "on")
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.f_get("extra.sub.leaf").f_get() == [1, 2]
    assert loaded.f_get("config.setting").f_get() == "on"


def test_metadata_roundtrips(h5path: str, reload: Any) -> None:
    """Name, comment, timestamp, time, versions and length come from the file."""
    traj = Trajectory("meta", filename=h5path, comment="about", add_time=True)
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2, 3]})
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.v_name == traj.v_name
    assert loaded.v_comment == "about"
    assert loaded.v_timestamp == traj.v_timestamp
    assert loaded.v_time == traj.v_time
    assert loaded.v_version == traj.v_version
    assert loaded.v_python == traj.v_python
    assert len(loaded) == 3


# --- links --------------------------------------------------------------------------------


def test_links_roundtrip_and_point_at_the_loaded_nodes(h5path: str, reload: Any) -> None:
    """Links to leaves and groups come back as links to the very loaded nodes."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("grp.res", 3)
    traj.f_add_parameter("p", 1)
    traj.f_add_link("to_leaf", traj.f_get("results.grp.res"))
    traj.f_add_link("to_group", traj.f_get("results.grp"))
    traj.parameters.f_add_link("nested_link", traj.f_get("parameters.p"))
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.f_get("to_leaf", fast_access=False) is loaded.f_get("results.grp.res")
    assert loaded.f_get("to_group") is loaded.f_get("results.grp")
    assert loaded.parameters.f_get("nested_link", fast_access=False) is \
        loaded.f_get("parameters.p")
    assert loaded.to_leaf == 3
    assert "to_leaf" in loaded._links


def test_link_brings_the_skeleton_of_an_unloaded_target(h5path: str, reload: Any) -> None:
    """A link into a branch that is not loaded loads its target's skeleton (as pypet)."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_result("deep.res", 3)
    traj.f_add_parameter("p", 1)
    traj.parameters.f_add_link("lnk", traj.f_get("results.deep.res"))
    traj.f_store()
    loaded = reload(h5path, load_data=None, load_results=0)
    target = loaded.parameters.f_get("lnk", fast_access=False)
    assert target is loaded.f_get("results.deep.res")
    assert target.f_is_empty()


def test_store_twice_keeps_one_copy(h5path: str, reload: Any) -> None:
    """Storing an unchanged trajectory again changes nothing that a load can see."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 1)
    traj.f_add_result("r", a=1, b=[1, 2])
    traj.f_store()
    traj.f_store()
    loaded = reload(h5path)
    assert loaded.f_get("results.r").f_to_dict() == {"a": 1, "b": [1, 2]}
    assert [n for n in loaded.f_to_dict() if not n.startswith("config.hdf5")] == \
        ["parameters.x", "results.r"]


def test_link_to_a_run_table_result(h5path: str, reload: Any) -> None:
    """A link to a run result kept in the run table loads, and brings its skeleton if needed."""
    traj = Trajectory("t", filename=h5path)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": [1, 2]})
    traj.f_store()
    for idx in range(2):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx * 10)
        traj.f_finalize_run(clean_up=False)
    traj.f_add_link("best", traj.f_get("results.runs.run_00000001.z"))
    traj.f_store()
    assert reload(h5path).best == 10
    skeleton = reload(h5path, load_data=None, load_results=0)
    target = skeleton.f_get("best", fast_access=False)
    assert target is skeleton.f_get("results.runs.run_00000001.z")
    assert target.f_is_empty()
