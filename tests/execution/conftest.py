"""Fixtures of the execution tests: the serial reference run."""

from __future__ import annotations

import pytest

from tests.execution.helpers import load, make_env, rich_run


@pytest.fixture(scope="session")
def serial_reference(tmp_path_factory):
    """(return values, loaded trajectory) of rich_run executed serially."""
    filename = tmp_path_factory.mktemp("serial") / "serial.hdf5"
    env = make_env(filename)
    values = env.run(rich_run, offset=0.5)
    return values, load(filename)
