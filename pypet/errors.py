"""Exceptions raised by pypet: every one is defined here, and only here.

Every error subclasses the builtin it refines, with the names pypet 0.7 users catch, so
``except AttributeError`` and ``except pypet.NotUniqueNodeError`` both keep working.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

__all__ = [
    "CodecError",
    "ConfigFileError",
    "DataNotInStorageError",
    "FileFormatError",
    "ForkWithThreadsError",
    "GitDiffError",
    "IneffectiveKeywordWarning",
    "LabelError",
    "NoSuchServiceError",
    "NodeExistsError",
    "NodeNotFoundError",
    "NotUniqueNodeError",
    "ParameterLockedException",
    "PresettingError",
    "ReservedNameError",
    "RunDiedError",
    "RunFailedError",
    "TooManyGroupsError",
    "UnsafeDataError",
    "VersionMismatchError",
    "WorkerDiedError",
    "WorkerInitError",
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


class ConfigFileError(ValueError):
    """An experiment ini file (``Environment(config=...)``) is missing or malformed; the
    message names the file, section, key and value."""


class RunFailedError(RuntimeError):
    """A run raised an exception that could not be sent back from its worker process; the
    message holds its type, text and traceback."""


class GitDiffError(RuntimeError):
    """The git repository has uncommitted changes and ``git_fail`` was requested."""


class NotUniqueNodeError(AttributeError):
    """A shortcut or name matches more than one node at the same depth."""


class DataNotInStorageError(IOError, ValueError):
    """The requested item is not in the storage (file, trajectory or node missing).

    An ``IOError`` as in pypet 0.7, and also a ``ValueError``: pypet raised ValueError for
    a missing file or trajectory, so ``except ValueError`` in user scripts keeps working.
    """


class NodeNotFoundError(AttributeError):
    """A name that is not in the tree (an ``AttributeError``); its message offers the closest
    names there.

    The suggestions are computed only when the message is shown: ``hasattr`` and
    ``getattr(..., default)`` meet this error on every miss and never show it.
    """

    def __init__(self, message: str, components: list[str],
                 index: dict[str, dict[str, Any]]) -> None:
        super().__init__(message)
        self._components, self._index = components, index

    def __str__(self) -> str:
        import difflib

        message = super().__str__()
        missing = next((c for c in self._components if c not in self._index),
                       self._components[-1])
        close = difflib.get_close_matches(missing, list(self._index), n=3, cutoff=0.7)
        if not close:
            return message
        return f"{message} Did you mean {' or '.join(repr(name) for name in close)}?"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        # sent from a worker as the AttributeError it shows, without the tree's index
        return AttributeError, (str(self),)


class FileFormatError(DataNotInStorageError):
    """The file is not one pypet can read: not HDF5, damaged or truncated, written by another
    program, or a pypet 0.7 file. The message names the file and what was found."""


class UnsafeDataError(ValueError):
    """Reading would unpickle data the user did not ask for (a pickled HDF5 attribute, a
    pickled node where pypet never writes one, or a pickle leaf with ``allow_pickle=False``).

    A ``ValueError``, as numpy's ``allow_pickle=False`` refusal.
    """

    @classmethod
    def pickle_leaf(cls, leaf: str) -> UnsafeDataError:
        """The refusal to load the pickled data of ``leaf`` (``allow_pickle=False``)."""
        return cls(f"The leaf {leaf!r} holds pickled data, which was not loaded because the "
                   "storage service has allow_pickle=False (unpickling runs code from the "
                   "file). Load it with allow_pickle=True only if you trust the file.")


class IneffectiveKeywordWarning(UserWarning):
    """A keyword was accepted for compatibility but has no effect."""


class CodecError(NoSuchServiceError):
    """A value has no stored form in HDF5, or a node was not written by pypet's codec.

    Subclasses :class:`NoSuchServiceError` (a ``TypeError``) so that code written for
    pypet 0.7, which catches that error for unsupported data, keeps working.
    """

    @classmethod
    def unsupported(cls, where: str, value: object, why: str = "") -> CodecError:
        """Build the error for an unstorable ``value`` at node path ``where``."""
        kind = f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins.")
        reason = f": {why}" if why else ": the codec has no stored form for this type"
        return cls(
            f"Cannot store {where!r} (a value of type {kind}){reason}. Store it in a "
            "PickleResult/PickleParameter (or pass pickle_protocol= to write_value) to keep "
            "it pickled."
        )


class NodeExistsError(ValueError):
    """The codec was asked to write onto an existing node without ``overwrite=True``."""


class LabelError(TypeError):
    """A dict key, column label or index name that has no JSON form."""


class ForkWithThreadsError(RuntimeError):
    """A child would be forked while one of pypet's own threads runs."""


class WorkerDiedError(RuntimeError):
    """A task's worker process died on every attempt; the task was given up.

    ``deaths`` lists every death (``pypet.execution.procs.WorkerDeath``), the last one
    first in the message.
    """

    def __init__(self, key: Hashable, deaths: tuple[Any, ...]) -> None:
        self.key, self.deaths = key, deaths
        attempts = len(deaths)
        tries = "once" if attempts == 1 else f"on all {attempts} attempts"
        super().__init__(
            f"Task {key!r} was given up: its worker process died {tries}. Last death: "
            f"{deaths[-1]}. Nothing from the task was returned; run it alone (serially) to "
            "see what kills it, or give its process more memory."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.key, self.deaths)


class RunDiedError(WorkerDiedError):
    """A run was given up: the process running it died on every attempt (``max_retries``).

    ``idx`` is the run, ``deaths`` every ``pypet.execution.procs.WorkerDeath`` (pid, exit
    code, the cause in words, e.g. ``SIGSEGV (-11): segmentation fault``).
    """

    def __init__(self, idx: int, deaths: tuple[Any, ...], run: str = "",
                 max_retries: int | None = None) -> None:
        super().__init__(idx, deaths)
        self.idx, self.run, self.max_retries = idx, run, max_retries
        attempts = len(deaths)
        tries = "once" if attempts == 1 else f"on all {attempts} attempts"
        retries = len(deaths) - 1 if max_retries is None else max_retries
        why = f"max_retries={retries}"
        if attempts <= retries:
            why += "; not retried further: the sweep was stopping"
        causes = "; ".join(sorted({str(death.cause) for death in deaths}))
        name = f" ({run})" if run else ""
        self.args = (
            f"Run {idx}{name} was given up: its process died {tries} ({why}). Cause: "
            f"{causes}. Nothing from the run was kept; run it alone (serially) to see what "
            "kills it, or give its process more memory.",)

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.idx, self.deaths, self.run, self.max_retries)


class WorkerInitError(RuntimeError):
    """No worker could be started: initialisation raised, or every new worker died in it."""


#: the time ``add_time=True`` appends to a name (``_YYYY_MM_DD_HHhMMmSSs``, maybe ``_2``...)
_TIME_SUFFIX = re.compile(r"_\d{4}_\d\d_\d\d_\d\dh\d\dm\d\ds(_\d+)?$")


def existing_trajectory_message(filename: str, name: str) -> str:
    """What to do when a new trajectory is stored under a name its file holds already."""
    if _TIME_SUFFIX.search(name):
        separate = ("For a separate study choose another name (this one carries its start "
                    "time already: another study of that name started in the same second)")
    else:
        separate = "For a separate study choose another name (or add_time=True)"
    return (
        f"The file {filename!r} already holds a trajectory {name!r}. To continue that study "
        "(add the points of your exploration that are not stored yet and run only what is "
        "not completed), create the Environment with if_exists='extend'; to work with it "
        "yourself, load it with pypet.load_trajectory(name=...) and pass it on as "
        f"Environment(trajectory=traj). {separate}; overwrite_file=True replaces the whole "
        "file."
    )


class ReservedNameError(ValueError, AttributeError):
    """A name uses a marker the storage reserves (e.g. ``__spsp__`` in a SparseResult item).

    A ``ValueError`` (a bad argument) that is also the ``AttributeError`` pypet 0.7 raised.
    """
