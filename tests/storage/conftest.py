"""Fixtures for trajectory storage tests: real HDF5 files, reloading, exact equality."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from pypet import Trajectory
from tests.bits import value_bytes


def assert_exact(out: Any, expected: Any) -> None:
    """Assert ``out`` equals ``expected`` with the same type at every level and the same bits."""
    assert type(out) is type(expected), f"{type(out)} is not {type(expected)}"
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(out, expected, check_exact=True)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(out, expected, check_exact=True)
    elif isinstance(expected, pd.Index):
        pd.testing.assert_index_equal(out, expected, exact=True)
    elif sp.issparse(expected):
        assert out.format == expected.format and out.dtype == expected.dtype
        assert out.shape == expected.shape and (out != expected).nnz == 0
    elif isinstance(expected, np.ndarray):
        assert out.dtype == expected.dtype and out.shape == expected.shape
        if expected.dtype.kind == "O":
            for got, want in zip(out.flat, expected.flat, strict=True):
                assert_exact(got, want)
        else:
            assert value_bytes(out) == value_bytes(expected)
    elif isinstance(expected, np.generic):
        assert out.dtype == expected.dtype
        assert value_bytes(out) == value_bytes(expected)
    elif isinstance(expected, (list, tuple)):
        assert len(out) == len(expected)
        for got, want in zip(out, expected, strict=True):
            assert_exact(got, want)
    elif isinstance(expected, dict):
        assert list(out) == list(expected)
        for key in expected:
            assert_exact(out[key], expected[key])
    elif isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(out)
    else:
        assert out == expected


@pytest.fixture(scope="session")
def exact() -> Callable[[Any, Any], None]:
    """The exact-equality assertion."""
    return assert_exact


@pytest.fixture
def h5path(tmp_path: Path) -> str:
    """A fresh HDF5 file name in the test's temporary folder."""
    return str(tmp_path / "traj.hdf5")


def _reload(filename: str, name: str | None = None, index: int | None = None,
            load_data: int | None = 2, **kwargs: Any) -> Trajectory:
    traj = Trajectory(filename=filename, dynamic_imports=kwargs.pop("dynamic_imports", None))
    if name is None and index is None:
        index = -1
    traj.f_load(name=name, index=index, load_data=load_data, **kwargs)
    return traj


@pytest.fixture(scope="session")
def reload() -> Callable[..., Trajectory]:
    """``reload(filename, name=None, index=None, load_data=2, **f_load kwargs)``.

    A new Trajectory loads from the file (the newest trajectory if no name/index).
    """
    return _reload


def add_runs(traj: Trajectory, make: Callable[[int], dict[str, Any]],
             indices: Any = None) -> None:
    """Run ``traj`` by hand: in run i, add every ``{name: value}`` of ``make(i)`` as a result."""
    for idx in range(len(traj)) if indices is None else indices:
        traj.f_start_run(idx)
        for name, value in make(idx).items():
            traj.f_add_result(name, value)
        traj.f_finalize_run(clean_up=False)


@pytest.fixture(scope="session")
def run_by_hand() -> Callable[..., None]:
    """``run_by_hand(traj, make, indices=None)``: add ``make(i)`` results in each run i."""
    return add_runs
