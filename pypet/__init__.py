"""pypet: parameter exploration for numerical experiments, stored in HDF5.

This module only re-exports. Names load on first access (PEP 562) so that
``import pypet`` stays fast and does not import PyTables, pandas or SciPy.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from pypet import constants as pypetconstants
from pypet import errors as pypetexceptions
from pypet._version import __version__
from pypet.errors import (
    ConfigFileError,
    DataNotInStorageError,
    FileFormatError,
    GitDiffError,
    NoSuchServiceError,
    NotUniqueNodeError,
    ParameterLockedException,
    PresettingError,
    TooManyGroupsError,
    UnsafeDataError,
    VersionMismatchError,
)

#: public name -> module that defines it (loaded lazily on first attribute access)
_LAZY: dict[str, str] = {
    "Trajectory": "pypet.trajectory",
    "ParameterGroup": "pypet.trajectory",
    "DerivedParameterGroup": "pypet.trajectory",
    "ConfigGroup": "pypet.trajectory",
    "ResultGroup": "pypet.trajectory",
    "NNGroupNode": "pypet.tree.group",
    "NNLeafNode": "pypet.tree.node",
    "BaseParameter": "pypet.parameters",
    "Parameter": "pypet.parameters",
    "ArrayParameter": "pypet.parameters",
    "SparseParameter": "pypet.parameters",
    "PickleParameter": "pypet.parameters",
    "BaseResult": "pypet.results",
    "Result": "pypet.results",
    "SparseResult": "pypet.results",
    "PickleResult": "pypet.results",
    "ObjectTable": "pypet.results.object_table",
    "HasSlots": "pypet.utils.slots",
    "HasLogger": "pypet.utils.logger",
    "Environment": "pypet.environment",
    "HDF5StorageService": "pypet.storage.hdf5.service",
    "LazyStorageService": "pypet.storage.null",
    "load_trajectory": "pypet.trajectory.storage_api",
    "compact_hdf5_file": "pypet.storage.hdf5.compact",
    "list_trajectories": "pypet.storage.hdf5.listing",
    "merge_all_in_folder": "pypet.trajectory.merge.folder",
    "to_dataframe": "pypet.trajectory.dataframe",
    "progressbar": "pypet.execution.progress",
    "MultiprocContext": "pypet.execution.context",
    "manual_run": "pypet.execution.manual",
    "rename_log_file": "pypet.log.filenames",
    "KnowsTrajectory": "pypet.tree.node",
    "StorageContextManager": "pypet.trajectory.storage_context",
    "racedirs": "pypet.utils.dirs",
    "random_sample": "pypet.explore",
    "latin_hypercube": "pypet.explore",
    "cartesian_product": "pypet.explore",
    "find_unique_points": "pypet.explore",
    "test": "pypet.selftest",
    "migrate_pypet07_file": "pypet.migrate",
    "split_exploration": "pypet.explore",
}

__all__ = [
    "__version__",
    "pypetconstants",
    "pypetexceptions",
    "ConfigFileError",
    "DataNotInStorageError",
    "FileFormatError",
    "GitDiffError",
    "NoSuchServiceError",
    "NotUniqueNodeError",
    "ParameterLockedException",
    "PresettingError",
    "TooManyGroupsError",
    "UnsafeDataError",
    "VersionMismatchError",
    *_LAZY,
]


class _PypetModule(types.ModuleType):
    """Loads exported names on first access; the module's namespace holds exports only
    (pypet 0.7's own tests check that every class and function in it is in ``__all__``)."""

    def __getattr__(self, name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'pypet' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(self, name, value)  # later accesses skip this method
        return value

    def __dir__(self) -> list[str]:
        return sorted(set(self.__dict__) | set(_LAZY))


if TYPE_CHECKING:  # the lazy names, visible to type checkers and IDEs
    from pypet.environment import Environment
    from pypet.execution.context import MultiprocContext
    from pypet.execution.manual import manual_run
    from pypet.execution.progress import progressbar
    from pypet.explore import (
        cartesian_product,
        find_unique_points,
        latin_hypercube,
        random_sample,
        split_exploration,
    )
    from pypet.log.filenames import rename_log_file
    from pypet.migrate import migrate_pypet07_file
    from pypet.parameters import (
        ArrayParameter,
        BaseParameter,
        Parameter,
        PickleParameter,
        SparseParameter,
    )
    from pypet.results import BaseResult, PickleResult, Result, SparseResult
    from pypet.results.object_table import ObjectTable
    from pypet.selftest import test
    from pypet.storage.hdf5.compact import compact_hdf5_file
    from pypet.storage.hdf5.listing import list_trajectories
    from pypet.storage.hdf5.service import HDF5StorageService
    from pypet.storage.null import LazyStorageService
    from pypet.trajectory import (
        ConfigGroup,
        DerivedParameterGroup,
        ParameterGroup,
        ResultGroup,
        Trajectory,
    )
    from pypet.trajectory.dataframe import to_dataframe
    from pypet.trajectory.storage_api import load_trajectory
    from pypet.trajectory.storage_context import StorageContextManager
    from pypet.tree.group import NNGroupNode
    from pypet.tree.node import KnowsTrajectory, NNLeafNode
    from pypet.utils.dirs import racedirs
    from pypet.utils.logger import HasLogger
    from pypet.utils.slots import HasSlots

sys.modules[__name__].__class__ = _PypetModule
del _PypetModule, types, sys, Any, TYPE_CHECKING
