"""A storage service that stores nothing (pypet's ``LazyStorageService``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.service import Capabilities, LoadSink, StorageService

if TYPE_CHECKING:
    from pypet.storage.records import LinkRecord, Record, RunOutcome, TrajectoryImage

__all__ = ["LazyStorageService"]


class LazyStorageService(StorageService):
    """Accepts every call and writes nothing; useful for debugging and dry runs.

    Loading finds nothing (and returns an empty name / zero nodes).
    """

    capabilities = Capabilities(multiproc_safe=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        """Do nothing."""

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Do nothing."""

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Do nothing."""

    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        """Load nothing."""
        return ""

    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        """Load nothing."""
        return 0

    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        """Do nothing."""

    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        """Do nothing."""
