"""``pypet.test()``: a quick self-check of an installed pypet (pypet 0.7's ``pypet.test``).

The full test suite is not installed with the package; these few checks exercise the whole
stack once (tree, exploration, an environment run, storing, loading) in a temporary folder,
so a user can see that the installation works. Like pypet 0.7's, ``predicate(class_name,
test_name, tags)`` selects the tests to run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
from collections.abc import Callable

__all__ = ["test"]

#: where the running checks put their files (set by :func:`test`)
_FOLDER: list[str] = []


def _filename(name: str) -> str:
    return os.path.join(_FOLDER[-1] if _FOLDER else tempfile.gettempdir(), name)


class TreeCheck(unittest.TestCase):
    """The tree and exploration, in memory."""

    tags = ("unittest", "trajectory")

    def test_explore_and_iterate(self) -> None:
        from pypet import Trajectory, cartesian_product

        traj = Trajectory("check")
        traj.f_add_parameter("x", 1.0)
        traj.f_add_parameter("y", 2)
        traj.f_explore(cartesian_product({"x": [1.0, 2.0], "y": [3, 4]}))
        points = [(traj.x, traj.y) for _ in traj.f_iter_runs()]
        self.assertEqual(points, [(1.0, 3), (1.0, 4), (2.0, 3), (2.0, 4)])


class StorageCheck(unittest.TestCase):
    """An environment run stored in HDF5 and loaded back."""

    tags = ("integration", "hdf5", "environment")

    def test_run_store_and_load(self) -> None:
        from pypet import Environment, load_trajectory

        filename = _filename("pypet_selftest.hdf5")
        env = Environment(trajectory="check", filename=filename, overwrite_file=True,
                          log_config=None, report_progress=False)
        env.traj.f_add_parameter("x", 1)
        env.traj.f_explore({"x": [1, 2, 3]})
        results = env.run(_square)
        self.assertEqual(results, [(0, 1), (1, 4), (2, 9)])
        loaded = load_trajectory("check", filename=filename, load_all=2)
        self.assertEqual(list(loaded.f_get_from_runs("z", fast_access=True).values()),
                         [1, 4, 9])


def _square(traj) -> int:  # noqa: ANN001 - a run function
    traj.f_add_result("z", traj.x ** 2)
    return traj.x ** 2


_CHECKS = (TreeCheck, StorageCheck)


def test(folder: str | None = None, remove: bool = True,
         predicate: Callable[[str, str, tuple], bool] | None = None) -> unittest.TestResult:
    """Run pypet's self-checks and return the ``unittest`` result.

    Parameters
    ----------
    folder : str, optional
        Folder for the files the checks write (default: a new temporary folder).
    remove : bool
        Delete that folder afterwards.
    predicate : callable, optional
        ``predicate(class_name, test_name, tags)`` is true for the tests to run.
    """
    suite = unittest.TestSuite()
    loader = unittest.defaultTestLoader
    for case in _CHECKS:
        for name in loader.getTestCaseNames(case):
            if predicate is None or predicate(case.__name__, name, case.tags):
                suite.addTest(case(name))
    folder = folder or tempfile.mkdtemp(prefix="pypet_test_")
    os.makedirs(folder, exist_ok=True)
    _FOLDER.append(folder)
    try:
        return unittest.TextTestRunner(verbosity=1).run(suite)
    finally:
        _FOLDER.pop()
        if remove:
            shutil.rmtree(folder, ignore_errors=True)
