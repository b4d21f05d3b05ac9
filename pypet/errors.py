"""Exceptions raised by pypet.

Every error subclasses the builtin it refines, with the names pypet 0.7 users catch, so
``except AttributeError`` and ``except pypet.NotUniqueNodeError`` both keep working.
"""

from __future__ import annotations

__all__ = [
    "DataNotInStorageError",
    "GitDiffError",
    "NoSuchServiceError",
    "NotUniqueNodeError",
    "ParameterLockedException",
    "PresettingError",
    "ReservedNameError",
    "TooManyGroupsError",
    "VersionMismatchError",
]


class ParameterLockedException(TypeError):
    """A locked parameter was asked to change; call ``f_unlock()`` first."""


class VersionMismatchError(TypeError):
    """A file was written by an incompatible (newer) format version."""


class NoSuchServiceError(TypeError):
    """The storage service cannot handle the requested operation or data type."""


class TooManyGroupsError(TypeError):
    """A search found more groups than it may handle."""


class PresettingError(RuntimeError):
    """A preset parameter was never added to the trajectory."""


class GitDiffError(RuntimeError):
    """The git repository has uncommitted changes and ``git_fail`` was requested."""


class NotUniqueNodeError(AttributeError):
    """A shortcut or name matches more than one node at the same depth."""


class DataNotInStorageError(IOError, ValueError):
    """The requested item is not in the storage (file, trajectory or node missing).

    An ``IOError`` as in pypet 0.7, and also a ``ValueError``: pypet raised ValueError for
    a missing file or trajectory, so ``except ValueError`` in user scripts keeps working.
    """


class ReservedNameError(ValueError, AttributeError):
    """A name uses a marker the storage reserves (e.g. ``__spsp__`` in a SparseResult item).

    A ``ValueError`` (a bad argument) that is also the ``AttributeError`` pypet 0.7 raised.
    """
