"""Fixtures for the value codec: a real-file round trip and an exact-equality check."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tables

from pypet.storage.hdf5.codec import read_value, write_value
from tests.bits import value_bytes


def _assert_bits(out: np.ndarray, expected: np.ndarray) -> None:
    assert value_bytes(out) == value_bytes(expected)


def assert_same(out: Any, expected: Any) -> None:
    """Assert ``out`` equals ``expected`` exactly: same type at every level, same bits."""
    assert type(out) is type(expected), f"{type(out)} is not {type(expected)}"
    if isinstance(expected, np.ndarray):
        assert out.dtype == expected.dtype and out.shape == expected.shape
        if expected.dtype.kind == "O":
            for got, want in zip(out.flat, expected.flat, strict=True):
                assert_same(got, want)
        else:
            _assert_bits(out, expected)
    elif isinstance(expected, np.generic):
        assert out.dtype == expected.dtype
        _assert_bits(np.asarray(out), np.asarray(expected))
    elif isinstance(expected, (list, tuple)):
        assert len(out) == len(expected)
        for got, want in zip(out, expected, strict=True):
            assert_same(got, want)
    elif isinstance(expected, dict):
        assert list(out) == list(expected)  # insertion order is kept too
        for key in expected:
            assert_same(out[key], expected[key])
    elif isinstance(expected, float):
        assert math.isnan(out) if math.isnan(expected) else repr(out) == repr(expected)
    elif isinstance(expected, complex):
        assert repr(out) == repr(expected)
    else:
        assert out == expected


def _roundtrip(path: Path, value: Any, **kwargs: Any) -> Any:
    """Write ``value`` into a fresh file, close it, and read it back from disk."""
    with tables.open_file(path, "w") as h5:
        write_value(h5, h5.root, "value", value, **kwargs)
    with tables.open_file(path, "r") as h5:
        return read_value(h5.root.value)


@pytest.fixture
def roundtrip(tmp_path: Path) -> Callable[..., Any]:
    """Round-trip a value through a real file (closed and reopened in between)."""
    return lambda value, **kwargs: _roundtrip(tmp_path / "codec.h5", value, **kwargs)


@pytest.fixture(scope="module")
def module_roundtrip(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """Like ``roundtrip``, usable inside hypothesis tests (not function-scoped)."""
    path = tmp_path_factory.mktemp("codec") / "codec.h5"
    return lambda value, **kwargs: _roundtrip(path, value, **kwargs)


@pytest.fixture(scope="session")
def same() -> Callable[[Any, Any], None]:
    """The exact-equality assertion (type at every level and bit-identical data)."""
    return assert_same


@pytest.fixture
def h5file(tmp_path: Path):
    """An open, writable PyTables file."""
    with tables.open_file(tmp_path / "open.h5", "w") as h5:
        yield h5
