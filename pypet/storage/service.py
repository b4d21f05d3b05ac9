"""The storage interface: plain, typed methods that every backend implements.

The trajectory turns its tree into records (:mod:`pypet.storage.records`) and hands them
over; loading goes the other way through a :class:`LoadSink` that the trajectory provides.
A backend therefore never imports the tree. There is no message-string protocol (pypet's
``store(msg, ...)``): each operation is its own method.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pypet.storage.records import (
        GroupRecord,
        LeafRecord,
        LinkRecord,
        RunOutcome,
        TrajectoryImage,
    )

__all__ = ["LoadModes", "LoadSink", "StorageService"]

#: load modes (0..3) of (parameters and config, derived parameters, results, other branches)
LoadModes = tuple[int, int, int, int]


class LoadSink(Protocol):
    """What a backend feeds while loading (implemented by the trajectory side)."""

    def meta(self, meta: dict[str, Any]) -> None:
        """Trajectory metadata: name, timestamp, time, comment, versions, annotations."""

    def runs(self, length: int, info: dict[str, Any] | None) -> None: ...

    def explored(self, names: list[str]) -> None: ...

    def node(self, record: GroupRecord | LeafRecord, mode: int) -> None: ...

    def link(self, record: LinkRecord) -> None: ...


class StorageService(ABC):
    """Abstract storage backend."""

    #: whether several processes may call the service at once without wrapping
    multiproc_safe: bool = False
    #: True for a worker-side service that leaves storing to the one writer
    defers: bool = False

    @property
    def is_open(self) -> bool:
        """Whether the service holds an open file/connection."""
        return False

    def session(self, traj_name: str) -> AbstractContextManager[Any]:
        """Keep the storage open for a series of calls (e.g. all runs of an experiment)."""
        return nullcontext()

    @abstractmethod
    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: int = 2) -> None:
        """Store metadata, run table and (unless ``only_init``) the records of the image."""

    @abstractmethod
    def store_records(self, traj_name: str, records: Iterable[Any], store_data: int = 2,
                      overwrite: Any = None) -> None:
        """Store group/leaf/link records of an already stored trajectory."""

    @abstractmethod
    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int) -> None:
        """Store the items and run information of finished runs."""

    @abstractmethod
    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        """Load a trajectory (by name or index) into ``sink``; return its name."""

    @abstractmethod
    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: int = 2, recursive: bool = False,
                     max_depth: int | None = None, load_only: Any = None,
                     load_except: Any = None) -> int:
        """Load the nodes at ``full_names`` (and, if recursive, below); return how many."""

    @abstractmethod
    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        """Remove nodes (or only some of a leaf's items) from storage."""

    @abstractmethod
    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        """Remove links from storage."""

    def merge_session(self, traj_name: str) -> AbstractContextManager[Any]:
        """A transaction merging other trajectories into ``traj_name`` (optional capability;
        see :mod:`pypet.storage.merging`)."""
        from pypet.errors import NoSuchServiceError

        raise NoSuchServiceError(f"{type(self).__name__} cannot merge trajectories.")

    def finalize(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release resources at the end of an experiment (optional)."""
