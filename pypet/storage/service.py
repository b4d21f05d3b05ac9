"""The storage interface: the typed methods and declared capabilities of every backend.

The trajectory turns its tree into records (:mod:`pypet.storage.records`) and hands them
over; loading goes the other way through a :class:`LoadSink` that the trajectory provides.
A backend therefore never imports the tree. There is no message-string protocol (pypet's
``store(msg, ...)``): each operation is its own method, modes are the types of
:mod:`pypet.storage.modes`, and what a backend can do beyond the abstract methods is
declared in :attr:`StorageService.capabilities`, never probed with ``getattr``.

Writing a backend: subclass :class:`StorageService`, implement the abstract methods,
declare ``capabilities`` and the constructor ``keywords()``, and (optionally) override
the hooks that have defaults (``session``, ``flush``, ``read_run_table``, ``backup``,
``config_entries``/``adopt_config``, ``finalize``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypedDict

from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode

if TYPE_CHECKING:
    import numpy as np

    from pypet.storage.records import (
        GroupRecord,
        LeafRecord,
        LinkRecord,
        Record,
        RunInfo,
        RunOutcome,
        TrajectoryImage,
    )

__all__ = ["AttachedTrajectory", "Capabilities", "LoadModes", "LoadSink", "RunTableData",
           "StorageService"]

class RunTableData(TypedDict):
    """What :meth:`StorageService.read_run_table` returns (one entry per run in each column)."""

    length: int  #: the number of runs
    #: column name -> (role: 'info', 'explored' or 'result', values)
    columns: dict[str, tuple[str, Any]]
    present: dict[str, Any]  #: run-result template -> bool mask of the runs that have it
    explored: list[str]  #: explored parameters in exploration order


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend can do beyond the abstract methods; callers check these flags."""

    #: several processes may call the service at once without a wrapper (wrap mode NONE)
    multiproc_safe: bool = False
    #: :meth:`StorageService.read_run_table` works (``f_to_dataframe`` reads the file)
    run_table: bool = False
    #: loading and deleting work (False for services that forward stores to a writer)
    loads: bool = True
    #: trajectories can be merged (``merge_session`` and the merge helpers below work)
    merges: bool = False


class AttachedTrajectory(Protocol):
    """What a backend may ask of the trajectory it serves: its name and its service slot."""

    @property
    def v_name(self) -> str: ...

    @property
    def v_storage_service(self) -> StorageService | None: ...

    @v_storage_service.setter
    def v_storage_service(self, service: StorageService | None) -> None: ...


class LoadSink(Protocol):
    """What a backend feeds while loading (implemented by the trajectory side)."""

    def meta(self, meta: dict[str, Any]) -> None:
        """Trajectory metadata: name, timestamp, time, comment, versions, annotations."""

    def runs(self, length: int, info: RunInfo | None) -> None:
        """The number of runs and (unless not requested) their run information."""

    def explored(self, names: list[str]) -> None:
        """Full names of the explored parameters."""

    def node(self, record: GroupRecord | LeafRecord, mode: LoadMode) -> None:
        """One group or leaf, loaded with ``mode``."""

    def run_leaves(self, template: str, class_name: str, comment: str, rows: np.ndarray,
                   mode: LoadMode) -> None:
        """A leaf without data in every run of ``rows``, named ``template`` with ``$`` for
        the run (and ``$set`` for its run set): one call instead of one :meth:`node` per run,
        so the sink can make the nodes when they are first needed."""

    def link(self, record: LinkRecord) -> None:
        """One link."""


class StorageService(ABC):
    """Abstract storage backend."""

    #: what this backend can do beyond the abstract methods
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: where the trajectory records this service's settings (``None``: nowhere)
    config_group: ClassVar[str | None] = None

    @classmethod
    def keywords(cls) -> frozenset[str]:
        """Constructor keywords the service factory may pass (``trajectory`` included if
        the constructor takes the trajectory it serves)."""
        return frozenset()

    @property
    def location(self) -> str:
        """Where the data lives, for messages (a file name; the class name by default)."""
        return type(self).__name__

    @property
    def is_open(self) -> bool:
        """Whether the service holds an open file/connection."""
        return False

    def session(self, traj_name: str) -> AbstractContextManager[Any]:
        """Keep the storage open for a series of calls (e.g. all runs of an experiment)."""
        return nullcontext()

    def flush(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Hand buffered writes of an open session to the operating system."""

    # --- storing ------------------------------------------------------------------------------
    @abstractmethod
    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        """Store metadata, run table and (unless ``only_init``) the records of the image."""

    @abstractmethod
    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Store group/leaf/link records of an already stored trajectory."""

    @abstractmethod
    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Store the items and run information of finished (or failed) runs.

        ``length`` is the trajectory's number of runs now (it grows with expansion).
        ``replace=True`` rewrites items the runs already have in storage (resume replays
        outcomes that may be half-written there). Without it the runs are new to storage:
        the one writer stores each run once, so a backend need not look for items stored
        before (what it does with them is unspecified).
        """

    # --- loading and deleting -----------------------------------------------------------------
    @abstractmethod
    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        """Load a trajectory (by name or index) into ``sink``; return its name."""

    @abstractmethod
    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        """Load the nodes at ``full_names`` (and, if recursive, below); return how many."""

    @abstractmethod
    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        """Remove nodes (or only some of a leaf's items) from storage."""

    @abstractmethod
    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        """Remove links from storage."""

    # --- optional operations (see capabilities) -------------------------------------------------
    def read_run_table(self, traj_name: str) -> RunTableData:
        """The whole run table at once (only if ``capabilities.run_table``)."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot read a run table; check "
            "service.capabilities.run_table first."
        )

    def backup(self, traj_name: str, backup_filename: str | None = None) -> str:
        """Copy the stored trajectory elsewhere; return where it went."""
        raise NotImplementedError(f"{type(self).__name__} cannot make backups.")

    def set_aside_damaged(self, traj_name: str) -> str:
        """Move stored data of ``traj_name`` that can no longer be read out of the way (kept,
        for manual recovery) so that the trajectory can be stored anew; return where it went.
        Resume calls this when a crash left the storage unreadable."""
        raise NotImplementedError(f"{type(self).__name__} cannot set damaged data aside.")

    def config_entries(self) -> dict[str, Any]:
        """Settings to record under :attr:`config_group` in the trajectory."""
        return {}

    def adopt_config(self, entries: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Take over settings found under :attr:`config_group` in the trajectory."""

    # --- merging (only if ``capabilities.merges``; see :mod:`pypet.storage.merging`) -----------
    def merge_session(self, traj_name: str) -> AbstractContextManager[Any]:
        """A transaction that merges other trajectories into ``traj_name``: yields an object
        with ``merge(MergeRequest) -> MergeStats``; this service's stores inside the block
        are part of it; nothing is kept unless the block ends without an exception."""
        raise NotImplementedError(f"{type(self).__name__} cannot merge trajectories.")

    def load_trajectory_level(self, sink: LoadSink, name: str | None, modes: LoadModes,
                              index: int | None = None, force: bool = False) -> str:
        """Load a trajectory without what lies inside its runs; return its name."""
        raise NotImplementedError(f"{type(self).__name__} cannot merge trajectories.")

    def copy_trajectory_to(self, traj_name: str, filename: str) -> str:
        """Copy the stored trajectory into another file (a merge's backup); return it."""
        raise NotImplementedError(f"{type(self).__name__} cannot merge trajectories.")

    def delete_trajectory(self, traj_name: str) -> None:
        """Remove a whole stored trajectory."""
        raise NotImplementedError(f"{type(self).__name__} cannot merge trajectories.")

    def finalize(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release resources at the end of an experiment (optional)."""
