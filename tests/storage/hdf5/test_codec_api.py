"""The codec's entry points: overwrite, errors, pickled form, lazy imports, h5py readability."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import h5py
import numpy as np
import pandas as pd
import pytest
import tables

from pypet import NoSuchServiceError
from pypet.storage.hdf5.codec import (
    CodecError,
    NodeExistsError,
    is_supported,
    pickle_protocol_of,
    read_value,
    why_unsupported,
    write_value,
)


def test_existing_name_raises_without_overwrite(h5file):
    """Writing onto an existing node is refused unless overwrite=True."""
    write_value(h5file, h5file.root, "x", 1)
    with pytest.raises(NodeExistsError, match="overwrite=True"):
        write_value(h5file, h5file.root, "x", 2)
    assert read_value(h5file.root.x) == 1


def test_overwrite_replaces_node_of_another_form(h5file):
    """overwrite=True replaces the node, even by one of a different form."""
    write_value(h5file, h5file.root, "x", {"a": 1})
    write_value(h5file, h5file.root, "x", 2.5, overwrite=True)
    assert read_value(h5file.root.x) == 2.5
    assert sorted(h5file.root._v_children) == ["x"]


def test_failed_overwrite_keeps_old_value(h5file):
    """A write that fails while overwriting leaves the old value untouched."""
    write_value(h5file, h5file.root, "x", [1, 2])
    with pytest.raises(CodecError):
        write_value(h5file, h5file.root, "x", [1, {3}], overwrite=True)
    assert read_value(h5file.root.x) == [1, 2]
    assert sorted(h5file.root._v_children) == ["x"]


def test_unsupported_value_error_is_clear(h5file):
    """The error names the node, the type and the pickling alternative; it is a TypeError."""
    with pytest.raises(CodecError) as info:
        write_value(h5file, h5file.root, "frac", {"a": [Fraction(1, 3)]})
    message = str(info.value)
    assert "/frac/a/i0" in message and "fractions.Fraction" in message
    assert "PickleResult" in message
    assert isinstance(info.value, NoSuchServiceError) and isinstance(info.value, TypeError)
    assert "frac" not in h5file.root


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, True),
        ({"a": [None, (1, b"x")], 3: np.arange(2)}, True),
        (np.array([1, "a"], dtype=object), True),
        (Fraction(1, 2), False),
        ([1, [2, {3}]], False),
        ({frozenset(): 1}, False),
        (np.array([object()], dtype=object), False),
        (np.zeros(1, dtype="V4"), False),
    ],
)
def test_is_supported(value, expected):
    """is_supported tells in advance whether write_value will succeed."""
    assert is_supported(value) is expected
    assert (why_unsupported(value) is None) is expected


def test_why_unsupported_points_to_the_item():
    """why_unsupported says where inside a container the problem is."""
    assert why_unsupported({"k": [1, {2}]}) == (
        "key 'k': item 1: values of type builtins.set have no stored form"
    )


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_pickled_form(roundtrip, h5file, protocol):
    """pickle_protocol= stores any picklable value pickled, and records the protocol."""
    value = {"set": {1, 2}, "frac": Fraction(1, 3)}
    assert roundtrip(value, pickle_protocol=protocol) == value
    write_value(h5file, h5file.root, "p", value, pickle_protocol=protocol)
    assert pickle_protocol_of(h5file.root.p) == protocol
    write_value(h5file, h5file.root, "q", 1)
    assert pickle_protocol_of(h5file.root.q) is None


def test_unpicklable_value_raises(h5file):
    """An unpicklable value under pickle_protocol= raises CodecError, leaving nothing."""
    with pytest.raises(CodecError, match="Cannot pickle"):
        write_value(h5file, h5file.root, "p", lambda: 1, pickle_protocol=4)
    assert "p" not in h5file.root


def test_foreign_node_raises(h5file):
    """Reading a node the codec did not write raises CodecError."""
    h5file.create_array(h5file.root, "foreign", obj=np.arange(3))
    with pytest.raises(CodecError, match="not written by the pypet value codec"):
        read_value(h5file.root.foreign)


def test_unknown_kind_raises(h5file):
    """A kind from a newer codec gives an error that says so."""
    write_value(h5file, h5file.root, "x", 1)
    h5file.root.x._v_attrs.pypet_kind = "quantum.state"
    with pytest.raises(CodecError, match="newer pypet"):
        read_value(h5file.root.x)


def test_codec_import_pulls_neither_pandas_nor_scipy():
    """Importing the codec (and storing plain values) imports neither pandas nor scipy."""
    code = (
        "import sys, tables, tempfile, os\n"
        "from pypet.storage.hdf5.codec import write_value, read_value\n"
        "path = os.path.join(tempfile.mkdtemp(), 'f.h5')\n"
        "with tables.open_file(path, 'w') as f:\n"
        "    write_value(f, f.root, 'd', {'a': [1.0, None]})\n"
        "    read_value(f.root.d)\n"
        "print('pandas' in sys.modules, 'scipy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_file_is_readable_with_plain_h5py(tmp_path):
    """Numbers, arrays, strings and DataFrame columns read directly with h5py.

    PyTables marks fixed-length strings ASCII, so h5py needs asstr("utf-8") for non-ASCII.
    """
    path = tmp_path / "plain.h5"
    frame = pd.DataFrame({"price": [1.5, 2.5], "name": ["a", "ü"]})
    with tables.open_file(path, "w") as h5:
        for name, value in [
            ("number", 42),
            ("array", np.arange(6.0).reshape(2, 3)),
            ("text", "héllo"),
            ("strings", ["x", "yz"]),
            ("frame", frame),
            ("nested", {"alpha": 0.5}),
        ]:
            write_value(h5, h5.root, name, value, tables.Filters(complevel=4, complib="zlib"))
    with h5py.File(path, "r") as f:
        assert f["number"][()] == 42
        np.testing.assert_array_equal(f["array"][()], np.arange(6.0).reshape(2, 3))
        assert f["text"].asstr("utf-8")[()] == "héllo"
        assert list(f["strings"].asstr("utf-8")[()]) == ["x", "yz"]
        np.testing.assert_array_equal(f["frame/price"][()], [1.5, 2.5])
        assert list(f["frame/name/values"].asstr("utf-8")[()]) == ["a", "ü"]
        assert f["nested/alpha"][()] == 0.5
        assert f["frame"].attrs["pypet_kind"] == b"pandas.DataFrame"
        assert f["number"].attrs["pypet_kind"] == b"int"
