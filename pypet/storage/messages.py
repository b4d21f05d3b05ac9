"""Store calls as typed, picklable messages, for services that forward them to a writer.

A worker's service in QUEUE/PIPE mode puts one of these on a queue; in LOCAL mode they
are collected and handed back. The one writer calls :func:`deliver` on the real service.
Records are materialised (tuples, not generators) so that a message always pickles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pypet.storage.modes import Overwrite, StoreMode

if TYPE_CHECKING:
    from pypet.storage.records import (
        GroupRecord,
        LeafRecord,
        LinkRecord,
        RunOutcome,
        TrajectoryImage,
    )
    from pypet.storage.service import StorageService

__all__ = ["StoreMessage", "StoreRecords", "StoreRuns", "StoreTrajectory", "deliver"]


@dataclass(frozen=True, slots=True)
class StoreTrajectory:
    """A :meth:`~pypet.storage.service.StorageService.store_trajectory` call."""

    image: TrajectoryImage
    only_init: bool
    store_data: StoreMode


@dataclass(frozen=True, slots=True)
class StoreRecords:
    """A :meth:`~pypet.storage.service.StorageService.store_records` call."""

    traj_name: str
    records: tuple[GroupRecord | LeafRecord | LinkRecord, ...]
    store_data: StoreMode
    overwrite: Overwrite


@dataclass(frozen=True, slots=True)
class StoreRuns:
    """A :meth:`~pypet.storage.service.StorageService.store_runs` call."""

    traj_name: str
    outcomes: tuple[RunOutcome, ...]
    length: int
    replace: bool = False


StoreMessage = StoreTrajectory | StoreRecords | StoreRuns


def deliver(service: StorageService, message: StoreMessage) -> None:
    """Make the call ``message`` describes on ``service``."""
    if isinstance(message, StoreRuns):
        service.store_runs(message.traj_name, message.outcomes, message.length,
                           message.replace)
    elif isinstance(message, StoreRecords):
        service.store_records(message.traj_name, message.records, message.store_data,
                              message.overwrite)
    elif isinstance(message, StoreTrajectory):
        service.store_trajectory(message.image, message.only_init, message.store_data)
    else:
        raise TypeError(f"Not a store message: {message!r}.")
