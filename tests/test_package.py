"""The package surface: compatible import paths, exception bases, import cost."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pypet


def test_pypet_module_paths_keep_working():
    """The module paths pypet 0.7 users import resolve to our classes."""
    from pypet.environment import Environment
    from pypet.parameter import ArrayParameter, Parameter, PickleResult, Result
    from pypet.trajectory import Trajectory, load_trajectory
    from pypet.utils.explore import cartesian_product

    assert load_trajectory is pypet.load_trajectory
    assert pypet.Trajectory is Trajectory and pypet.Environment is Environment
    assert pypet.Parameter is Parameter and pypet.Result is Result
    assert pypet.ArrayParameter is ArrayParameter and pypet.PickleResult is PickleResult
    assert pypet.cartesian_product is cartesian_product
    assert pypet.pypetconstants.LOAD_DATA == 2 and pypet.pypetconstants.STORE_DATA == 2
    assert pypet.pypetconstants.MULTIPROC_MODE_QUEUE == "QUEUE"
    from pypet import pypetconstants, pypetexceptions  # noqa: F401


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("ParameterLockedException", TypeError),
        ("VersionMismatchError", TypeError),
        ("NoSuchServiceError", TypeError),
        ("TooManyGroupsError", TypeError),
        ("PresettingError", RuntimeError),
        ("GitDiffError", RuntimeError),
        ("NotUniqueNodeError", AttributeError),
        ("DataNotInStorageError", IOError),
    ],
)
def test_exceptions_subclass_builtins(name, base):
    """Each pypet exception refines the builtin pypet 0.7 used."""
    assert issubclass(getattr(pypet, name), base)
    assert getattr(pypet.pypetexceptions, name) is getattr(pypet, name)


def test_every_exported_name_resolves():
    """Every name in pypet.__all__ can be imported."""
    for name in pypet.__all__:
        assert getattr(pypet, name) is not None, name
    with pytest.raises(AttributeError):
        pypet.does_not_exist  # noqa: B018


def test_import_is_light():
    """`import pypet` loads neither PyTables, pandas nor SciPy."""
    code = ("import sys, pypet; pypet.Trajectory; pypet.Parameter; pypet.Result; "
            "print(sorted(m for m in ('tables', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_namespace_holds_only_exports():
    """Every class and function in pypet's namespace is in __all__ (pypet 0.7 checks it)."""
    import inspect

    for name in pypet.__all__:
        getattr(pypet, name)
    for value in vars(pypet).values():
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__name__ in pypet.__all__


def test_pypet_test_runs_the_self_checks(tmp_path):
    """pypet.test() runs the bundled self-checks, filtered by a predicate, in a folder."""
    result = pypet.test(folder=str(tmp_path / "checks"), remove=False,
                        predicate=lambda cls, name, tags: "hdf5" in tags)
    assert result.wasSuccessful() and result.testsRun == 1
    assert (tmp_path / "checks" / "pypet_selftest.hdf5").exists()
    assert pypet.test(predicate=lambda *_: False).testsRun == 0
