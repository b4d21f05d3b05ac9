"""What a storage service wrote into its file itself, so a later store can skip it.

Storing a trajectory with ``STORE_DATA`` adds only what the file lacks: a stored leaf gets
the items it does not have yet, a stored group the comment, class and annotations it does
not have yet, a stored link nothing. Finding that out costs a PyTables node per tree node
(about 0.2 ms each): the final store of every experiment walked its ~60 config leaves again
only to write nothing. :class:`KnownNodes` remembers, per tree name, what this service
wrote, so those records are skipped without touching the file.

What is remembered is always a part of what the file holds (never more):

* only this service's own writes in ``STORE_DATA``/``OVERWRITE_DATA`` mode are noted, after
  the call that wrote them succeeded; anything inside runs (``run_00000007``,
  ``run_set_00000``) is never noted, as runs are written, replaced and pruned elsewhere;
* the service forgets everything on anything that may remove data (deletions, merges,
  another file name, a failed store) and whenever the file changed between two of its own
  sessions (its size, modification time or inode differ from when the service closed it:
  another process or service wrote it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from pypet import constants as C
from pypet.runnames import is_run_name, is_set_name
from pypet.storage.hdf5.written_info import WrittenInfo
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, Record

__all__ = ["KnownNodes"]

#: item of Pickle* leaves that carries the pickle protocol (not an item in the file)
_PICKLE_KEY = C.PICKLE_PROTOCOL_KEY


def _in_a_run(full_name: str) -> bool:
    return any(is_run_name(part) or is_set_name(part) for part in full_name.split("."))


def _stamp(filename: str) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(filename)
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class KnownNodes:
    """Tree names this service wrote into its file, with what each holds there."""

    def __init__(self) -> None:
        # keyed by (trajectory, tree name): one file may hold several trajectories
        self._leaves: dict[tuple[str, str], frozenset[str]] = {}  #: leaf -> its item names
        #: group -> (has a comment, has a class, its annotation names)
        self._groups: dict[tuple[str, str], tuple[bool, bool, frozenset[str]]] = {}
        self._links: set[tuple[str, str, str]] = set()
        #: trajectory -> (explored names, length) its run-table columns were written with
        self._explored: dict[str, tuple[tuple[str, ...], int]] = {}
        #: trajectory -> the run-info rows written (cleared in place: run tables hold them)
        self._info: dict[str, WrittenInfo] = {}
        self._stamp: tuple[int, int, int] | None = None

    def forget(self) -> None:
        """Forget everything (the file may have lost data)."""
        self._leaves.clear()
        self._groups.clear()
        self._links.clear()
        self._explored.clear()
        for info in self._info.values():
            info.clear()
        self._stamp = None

    def opening(self, filename: str) -> None:
        """The service opens its file: forget all if someone else changed it since."""
        if self._stamp is None or _stamp(filename) != self._stamp:
            self.forget()

    def closed(self, filename: str) -> None:
        """The service closed its file after its own writes: remember how it looks."""
        self._stamp = _stamp(filename)

    # --- explored ranges -----------------------------------------------------------------------
    def explored_written(self, traj_name: str, names: list[str], length: int) -> bool:
        """Whether this service wrote the explored columns of ``traj_name`` with these names
        and length (and no range changed since: the caller checks that)."""
        return self._explored.get(traj_name) == (tuple(names), length)

    def note_explored(self, traj_name: str, names: list[str], length: int) -> None:
        """The explored columns of ``traj_name`` were written."""
        self._explored[traj_name] = (tuple(names), length)

    # --- run information ---------------------------------------------------------------------
    def info_rows(self, traj_name: str) -> WrittenInfo:
        """The run-info rows of ``traj_name`` this service wrote (:mod:`.written_info`)."""
        info = self._info.get(traj_name)
        if info is None:
            info = self._info[traj_name] = WrittenInfo()
        return info

    # --- records -----------------------------------------------------------------------------
    def unwritten(self, traj_name: str, records: Iterable[Record],
                  written: list[Record]) -> Iterator[Record]:
        """The records of trajectory ``traj_name`` a ``STORE_DATA`` store would change the
        file with; every record given to the writer is appended to ``written`` (to
        :meth:`note` once the store succeeded)."""
        for record in records:
            if not self._holds(traj_name, record):
                written.append(record)
                yield record

    def _holds(self, traj_name: str, record: Record) -> bool:
        if isinstance(record, LeafRecord):
            items = self._leaves.get((traj_name, record.full_name))
            return items is not None and record.data.keys() - {_PICKLE_KEY} <= items
        if isinstance(record, GroupRecord):
            known = self._groups.get((traj_name, record.full_name))
            if known is None:
                return False
            has_comment, has_class, annotations = known
            return ((not record.comment or has_comment)
                    and (not record.class_name or has_class)
                    and (not record.annotations or record.annotations.keys() <= annotations))
        if isinstance(record, LinkRecord):
            return (traj_name, record.group_full_name, record.name) in self._links
        return False

    def note(self, traj_name: str, records: Iterable[Record]) -> None:
        """Records of ``traj_name`` written successfully (``STORE_DATA`` or
        ``OVERWRITE_DATA``)."""
        for record in records:
            if isinstance(record, LeafRecord):
                if not _in_a_run(record.full_name):
                    key = (traj_name, record.full_name)
                    items = record.data.keys() - {_PICKLE_KEY}
                    self._leaves[key] = self._leaves.get(key, frozenset()) | items
            elif isinstance(record, GroupRecord):
                if not _in_a_run(record.full_name):
                    key = (traj_name, record.full_name)
                    has_comment, has_class, annotations = self._groups.get(
                        key, (False, False, frozenset()))
                    self._groups[key] = (has_comment or bool(record.comment),
                                         has_class or bool(record.class_name),
                                         annotations | (record.annotations or {}).keys())
            elif isinstance(record, LinkRecord) and not _in_a_run(record.group_full_name):
                self._links.add((traj_name, record.group_full_name, record.name))

    def replaced(self, traj_name: str, record: LeafRecord) -> None:
        """A leaf of ``traj_name`` was rewritten to hold exactly the record's items."""
        if not _in_a_run(record.full_name):
            self._leaves[(traj_name, record.full_name)] = frozenset(
                record.data.keys() - {_PICKLE_KEY})
