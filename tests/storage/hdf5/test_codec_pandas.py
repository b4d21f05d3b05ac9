"""Round trips of pandas DataFrame, Series and Index (exact dtypes, names, index types)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pypet.storage.hdf5.codec import CodecError, is_supported, write_value

_ROWS = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["letter", None])
_COLS = pd.MultiIndex.from_product([["x", "y"], [0.5, 1.5]], names=["outer", "inner"])


def _frames() -> dict[str, pd.DataFrame]:
    n = 3
    return {
        "numeric": pd.DataFrame({"i": [1, 2, 3], "f": [0.5, np.nan, -0.0], "c": [1j, 2j, 0j]}),
        "all dtypes": pd.DataFrame(
            {
                "int8": np.array([1, 2, 3], dtype=np.int8),
                "uint64": np.array([0, 1, 2**64 - 1], dtype=np.uint64),
                "float32": np.array([1.5, 2.5, np.inf], dtype=np.float32),
                "bool": [True, False, True],
                "str": ["a", "ü", ""],
                "str with NaN": pd.array(["a", None, "c"], dtype="str"),
                "string NA": pd.array(["a", None, "c"], dtype="string"),
                "object mixed": pd.Series([1, "two", None], dtype=object),
                "object str": pd.Series(["p", "q", "r"], dtype=object),
                "category": pd.Categorical(["u", "v", "u"]),
                "ordered category": pd.Categorical([3, 1, None], categories=[3, 1], ordered=True),
                "Int64": pd.array([1, None, 3], dtype="Int64"),
                "UInt8": pd.array([1, 2, None], dtype="UInt8"),
                "boolean": pd.array([True, None, False], dtype="boolean"),
                "Float64": pd.array([0.5, None, 1.5], dtype="Float64"),
                "datetime ns": pd.to_datetime(["2020-01-01", None, "2021-06-30"]).as_unit("ns"),
                "datetime s": pd.date_range("2020", periods=n, freq="s").as_unit("s"),
                "datetime tz": pd.date_range("2020-03-29", periods=n, freq="h", tz="Europe/Berlin"),
                "utc": pd.date_range("2020", periods=n, tz="UTC"),
                "timedelta": pd.to_timedelta([1, 2, None], unit="ms"),
            }
        ),
        "string index with name": pd.DataFrame(
            {"v": [1.0, 2.0]}, index=pd.Index(["r1", "r2"], name="rows")
        ),
        "int index": pd.DataFrame({"v": [1, 2]}, index=pd.Index([10, 20], dtype="int32")),
        "object index": pd.DataFrame({"v": [1, 2]}, index=pd.Index(["a", 1], dtype=object)),
        "range index step": pd.DataFrame({"v": [1, 2]}, index=pd.RangeIndex(5, 9, 2, name="r")),
        "datetime index with freq": pd.DataFrame(
            {"v": [1, 2, 3]}, index=pd.date_range("2020", periods=3, freq="2D", name="when")
        ),
        "timedelta index": pd.DataFrame({"v": [1, 2]}, index=pd.to_timedelta([1, 2], unit="s")),
        "categorical index": pd.DataFrame({"v": [1, 2]}, index=pd.CategoricalIndex(["p", "q"])),
        "multiindex rows": pd.DataFrame({"v": [1, 2, 3]}, index=_ROWS),
        "multiindex columns": pd.DataFrame(np.arange(12.0).reshape(3, 4), columns=_COLS),
        "odd column labels": pd.DataFrame(
            [[1, 2, 3, 4, 5, 6]], columns=pd.Index(["a.b", "", 0, None, ("t", 1), "x"])
        ),
        "int column labels": pd.DataFrame(np.ones((2, 3)), columns=[5, 6, 7]),
        "duplicate columns": pd.DataFrame([[1, 2.5, "s"]], columns=["d", "d", "x"]),
        "duplicate index": pd.DataFrame({"v": [1, 2, 3]}, index=[1, 1, 0]),
        "named columns index": pd.DataFrame(
            {"a": [1]}, index=pd.Index([0], name=0), columns=pd.Index(["a"], name=("c", 1))
        ),
        "empty": pd.DataFrame(),
        "no rows": pd.DataFrame(
            {"a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype=object)}
        ),
        "no columns": pd.DataFrame(index=pd.Index(["a", "b"])),
        "nested objects": pd.DataFrame({"o": pd.Series([[1, 2], {"k": None}], dtype=object)}),
    }


FRAMES = _frames()


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_frame_round_trip(roundtrip, frame):
    """DataFrames come back equal with check_exact, dtypes, index types and names."""
    out = roundtrip(frame)
    assert type(out) is pd.DataFrame
    pd.testing.assert_frame_equal(out, frame, check_exact=True)
    pd.testing.assert_index_equal(out.index, frame.index, exact=True)
    pd.testing.assert_index_equal(out.columns, frame.columns, exact=True)
    assert out.dtypes.tolist() == frame.dtypes.tolist()


SERIES = {
    "float named": pd.Series([1.5, 2.5], name="s"),
    "tuple name": pd.Series([1, 2], name=("a", 1)),
    "int name": pd.Series([1, 2], name=0),
    "str values": pd.Series(["a", None]),
    "object values": pd.Series([None, 1.5, "x"], dtype=object),
    "categorical": pd.Series(pd.Categorical(["a", "b", "a"]), name="cat"),
    "datetime tz": pd.Series(pd.date_range("2020", periods=2, tz="America/New_York")),
    "multiindex": pd.Series([1, 2, 3], index=_ROWS),
    "empty": pd.Series([], dtype="float32"),
    "empty object": pd.Series([], dtype=object),
}


@pytest.mark.parametrize("series", SERIES.values(), ids=SERIES.keys())
def test_series_round_trip(roundtrip, series):
    """Series come back equal, dtype, index and name included."""
    out = roundtrip(series)
    assert type(out) is pd.Series
    pd.testing.assert_series_equal(out, series, check_exact=True)
    pd.testing.assert_index_equal(out.index, series.index, exact=True)


INDEXES = {
    "index": pd.Index([3, 1, 2], name="n"),
    "range": pd.RangeIndex(0, 10, 3),
    "multi": _COLS,
    "datetime": pd.date_range("2021", periods=4, freq="ME"),
    "categorical": pd.CategoricalIndex(["a", "b"], ordered=True),
}


@pytest.mark.parametrize("index", INDEXES.values(), ids=INDEXES.keys())
def test_index_round_trip(roundtrip, index):
    """Indexes on their own round-trip with their exact class."""
    out = roundtrip(index)
    assert type(out) is type(index)
    pd.testing.assert_index_equal(out, index, exact=True)


def test_categorical_round_trip(roundtrip):
    """A bare pandas Categorical round-trips."""
    cat = pd.Categorical(["x", None, "y"], categories=["y", "x"], ordered=True)
    out = roundtrip(cat)
    assert type(out) is pd.Categorical
    pd.testing.assert_extension_array_equal(out, cat)


@pytest.mark.parametrize(
    "make",
    [
        lambda: pd.DataFrame({"p": pd.period_range("2020", periods=2, freq="D")}),
        lambda: pd.DataFrame({"i": pd.arrays.IntervalArray.from_breaks([0, 1, 2])}),
        lambda: pd.Series([1, 2], name=frozenset()),
        lambda: pd.DataFrame({"o": pd.Series([{1, 2}], dtype=object)}),
    ],
    ids=["period", "interval", "unstorable name", "set in object column"],
)
def test_unstorable_pandas_values_raise(h5file, make):
    """Unsupported pandas dtypes and cells raise CodecError; is_supported agrees."""
    value = make()
    assert not is_supported(value)
    with pytest.raises(CodecError, match="Pickle"):
        write_value(h5file, h5file.root, "bad", value)
    assert "bad" not in h5file.root


def test_frames_are_supported():
    """is_supported accepts every frame of the round-trip table."""
    assert all(is_supported(frame) for frame in FRAMES.values())
