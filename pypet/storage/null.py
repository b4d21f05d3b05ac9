"""A storage service that stores nothing (pypet's ``LazyStorageService``)."""

from __future__ import annotations

from typing import Any

from pypet.storage.service import StorageService

__all__ = ["LazyStorageService"]


class LazyStorageService(StorageService):
    """Accepts every call and writes nothing; useful for debugging and dry runs."""

    multiproc_safe = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def store_trajectory(self, *args: Any, **kwargs: Any) -> None:
        """Do nothing."""

    def store_records(self, *args: Any, **kwargs: Any) -> None:
        """Do nothing."""

    def store_runs(self, *args: Any, **kwargs: Any) -> None:
        """Do nothing."""

    def load_trajectory(self, *args: Any, **kwargs: Any) -> str:
        """Load nothing."""
        return ""

    def load_records(self, *args: Any, **kwargs: Any) -> int:
        """Load nothing."""
        return 0

    def delete_nodes(self, *args: Any, **kwargs: Any) -> None:
        """Do nothing."""

    def delete_links(self, *args: Any, **kwargs: Any) -> None:
        """Do nothing."""
