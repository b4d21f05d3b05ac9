"""The source recorded for wildcard functions equals ``inspect.getsource``."""

from __future__ import annotations

import inspect

from pypet.runnames import run_name, set_name
from pypet.trajectory.experiment_api import source_of


def _user_function(idx: int) -> str:
    """A user's wildcard function (goes through inspect)."""
    return f"bucket_{idx // 10}"


def test_source_of_default_wildcards_matches_inspect() -> None:
    """pypet's own wildcard functions: the ast shortcut gives inspect's text exactly."""
    for function in (run_name, set_name):
        assert source_of(function) == inspect.getsource(function)


def test_source_of_user_function_is_inspects() -> None:
    """Any other function is recorded with ``inspect.getsource``."""
    assert source_of(_user_function) == inspect.getsource(_user_function)
