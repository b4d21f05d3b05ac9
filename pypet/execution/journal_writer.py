"""Writing the resume journal: records stored into a shared mapping of the segment file.

Every finished run of a resumable experiment is appended before it counts, so an append
must cost as little as a few microseconds. A ``write`` call per record cost about as much
as assembling the record; a store into a ``MAP_SHARED`` mapping of the file makes no system
call, and is in the page cache at once: a killed process cannot lose it, as it cannot lose
a written one
(see ``doc/design/decisions/0015-journal-in-a-shared-mapping.md``).

The writer maps a window of the segment (64 KiB at first, doubling up to 4 MiB, so its
resident memory stays small however long the segment grows), reserves its disk blocks
first (``posix_fallocate``: a full disk is an ``OSError`` here, not a ``SIGBUS`` when a
record is stored), and moves the window on when a record does not fit. The reserved part
not yet written holds zeros, which a reader takes for the end of the segment; ``close``
(also at the exit of the process) cuts it off.
"""

from __future__ import annotations

import atexit
import enum
import errno
import mmap
import os
import pickle
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from pypet.execution.journal_format import (
    CRC,
    FIELDS,
    HEADER_SIZE,
    HEXSHA_KEPT,
    MAGIC,
    PROTOCOL,
    as_tuples,
    crc32,
    encode,
)
from pypet.storage.records import RunOutcome
from pypet.utils.dirs import fsync_path

__all__ = ["FsyncPolicy", "JournalWriter", "PREFIX", "SUFFIX"]

PREFIX, SUFFIX = "journal-", ".pjl"
_FIRST_WINDOW = 64 << 10  # a run process writes one record: no need to reserve more
_MAX_WINDOW = 4 << 20  # resident pages of the mapping: bounded, whatever the segment's size
_MIN_SYNC_INTERVAL = 0.25  # seconds between two flushes of the ``batch`` policy (see sync)
_GRAIN = mmap.ALLOCATIONGRANULARITY  # a window starts at a multiple of it
_PAGE = mmap.PAGESIZE  # msync starts at a multiple of it
# bound once: append runs for every run of a resumable experiment, and a lookup less per
# call is measurable there
_FIELDS_SIZE = FIELDS.size
_dumps = pickle.dumps
_pack_fields = FIELDS.pack
_store_crc = CRC.pack_into
_HEXSHA_KEPT = HEXSHA_KEPT


class FsyncPolicy(enum.StrEnum):
    """When the journal forces its records to the disk (``resume_fsync=``)."""

    ALWAYS = "always"  #: after every record: survives power loss, costs a disk flush per run
    BATCH = "batch"  #: after a batch the writer stores (at most every 0.25 s): the default
    NEVER = "never"  #: leave it to the OS: survives crashes of processes, not of the machine

    @classmethod
    def of(cls, value: Any) -> FsyncPolicy:
        """Convert a name; a bad one is named with the accepted ones."""
        try:
            return cls(value.lower() if isinstance(value, str) else value)
        except ValueError:
            raise ValueError(
                f"resume_fsync must be 'always', 'batch' or 'never', got {value!r}."
            ) from None


#: writers of this process with an open segment: closed (cut to length) when it exits
_open_writers: set[JournalWriter] = set()
_hooked_pid: int | None = None


class JournalWriter:
    """Appends outcomes to one new segment in ``folder`` (opened at the first record).

    One writer per process: a forked child's inherited writer forgets the parent's segment
    and opens its own at its first record (:meth:`for_this_process` says so explicitly).
    """

    def __init__(self, folder: str | os.PathLike, fsync: FsyncPolicy = FsyncPolicy.BATCH
                 ) -> None:
        self.folder = Path(folder)
        self.fsync = FsyncPolicy.of(fsync)
        self._always = self.fsync is FsyncPolicy.ALWAYS
        self.path: Path | None = None
        self._forget()

    def _forget(self) -> None:
        """No segment open in this process (the state that never travels)."""
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        self._base = 0  #: file offset of the mapped window
        self._pos = 0  #: where the next record goes, in the window
        self._room = 0  #: the window's size (0: nothing mapped, the first append opens)
        self._clean = 0  #: in the window: everything before it was flushed (msync)
        self._moved = False  #: records of an earlier window are not flushed yet
        self._synced_at = -_MIN_SYNC_INTERVAL  #: time.monotonic() of the last flush
        self._pid = 0

    def for_this_process(self) -> JournalWriter:
        """A writer of the same folder and policy for this process (its own segment)."""
        if self._fd is None and self.path is None:
            return self  # never written to: nothing to share
        return JournalWriter(self.folder, self.fsync)

    def append(self, outcome: RunOutcome) -> None:
        """Write one record; returns when the kernel has it (a killed process keeps it)."""
        try:
            if outcome.leaves or outcome.groups or outcome.links or outcome.error is not None:
                payload = _dumps(as_tuples(outcome), PROTOCOL)
                codec = b"T"
            else:  # the usual run, compactly (journal_format.compact_payload, inlined: every
                # run of a resumable experiment passes here)
                payload = _dumps((outcome.value, outcome.start, outcome.hexsha[:_HEXSHA_KEPT],
                                  outcome.plain), PROTOCOL)
                codec = b"C"
        except Exception:  # what pickle cannot handle: dill, or a TypeError that says why
            codec, payload = encode(outcome)
        pos = self._pos
        length = len(payload)
        end = pos + HEADER_SIZE + length
        if end > self._room:
            pos = self._make_room(HEADER_SIZE + length)
            end = pos + HEADER_SIZE + length
        fields = _pack_fields(MAGIC, codec, outcome.idx, outcome.completed, outcome.finish,
                              length)
        window: mmap.mmap = self._map  # type: ignore[assignment]  # mapped by _make_room
        window[pos:pos + _FIELDS_SIZE] = fields
        window[pos + HEADER_SIZE:end] = payload
        # the checksum last: a record is valid only once all of it is stored
        _store_crc(window, pos + _FIELDS_SIZE, crc32(payload, crc32(fields)))
        self._pos = end
        if self._always:
            self._flush()

    def sync(self, force: bool = False) -> None:
        """After a written batch: flush the new records to the disk under ``batch``.

        At most every ``_MIN_SYNC_INTERVAL`` seconds (unless ``force``): with tiny runs a
        batch of 2,000 runs takes 20 ms, and a disk flush of a few ms each time would cost
        more than journaling the runs. The records of a skipped flush are flushed at the
        next batch (or ``close``); a power loss can take at most the runs finished since
        the last flush, which is at most this interval plus the batch interval (2 s).
        """
        if self.fsync is not FsyncPolicy.BATCH or self._map is None:
            return
        if self._pos == self._clean and not self._moved:
            return  # nothing new
        now = time.monotonic()
        if not force and now - self._synced_at < _MIN_SYNC_INTERVAL:
            return
        self._flush()
        if self._moved:  # the records of windows mapped before: in the page cache
            os.fsync(self._fd)  # type: ignore[arg-type]
            self._moved = False
        self._synced_at = now

    def _flush(self) -> None:
        """msync the records of the window stored since the last flush."""
        if self._pos > self._clean:
            start = self._clean - self._clean % _PAGE
            self._map.flush(start, self._pos - start)  # type: ignore[union-attr]
        self._clean = self._pos

    def close(self, flush: bool = True) -> None:
        """Sync (per policy), cut off the reserved tail and close the segment.

        ``flush=False`` skips the last disk flush: for a journal nobody will resume from
        (its experiment completed), where the flush would only cost time.
        """
        if self._fd is None:
            return
        _open_writers.discard(self)
        if self._pid != os.getpid():  # a copy inherited from another process: not ours
            self._forget()
            return
        length = self._base + self._pos
        fd = self._fd
        if self._map is not None:  # (None: reserving the first window failed)
            if flush:
                self.sync(force=True)
            self._map.close()
        self._forget()
        try:
            os.ftruncate(fd, length)
        finally:
            os.close(fd)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_fd=None, _map=None, path=None, _base=0, _pos=0, _room=0, _clean=0,
                     _moved=False, _synced_at=-_MIN_SYNC_INTERVAL, _pid=0)  # per process
        return state

    # --- the segment file ---------------------------------------------------------------

    def _open(self) -> None:
        name = f"{PREFIX}{os.getpid()}-{time.time_ns()}-{secrets.token_hex(4)}{SUFFIX}"
        self.path = self.folder / name
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        self._pid = os.getpid()
        if self.fsync is not FsyncPolicy.NEVER:
            fsync_path(self.folder)  # the new name itself must survive power loss
        _open_writers.add(self)
        _close_at_exit()

    def _make_room(self, size: int) -> int:
        """Map a window that holds the next record of ``size`` bytes; its position."""
        if self._fd is None:
            self._open()
        at = self._base + self._pos  # the next record's offset in the file
        base = at - at % _GRAIN
        room = min(max(2 * self._room, _FIRST_WINDOW), _MAX_WINDOW)
        room = max(room, -(-(at - base + size) // _GRAIN) * _GRAIN)
        if self._map is not None:  # unmapped first: some systems refuse to resize a mapped file
            # its unflushed records stay in the page cache: the next sync fsyncs the file
            self._moved = self._moved or self._pos > self._clean
            self._map.close()
            self._map, self._room = None, 0  # (if reserving fails, the next append retries)
        _reserve(self._fd, base, room, self.path)  # type: ignore[arg-type]
        self._map = mmap.mmap(self._fd, room, offset=base)  # type: ignore[arg-type]
        self._base, self._room = base, room
        self._pos = self._clean = at - base
        return self._pos


def _reserve(fd: int, offset: int, length: int, path: Path) -> None:
    """Allocate the disk blocks of a window (a full disk fails here, not in a store)."""
    try:
        os.posix_fallocate(fd, offset, length)
        return
    except AttributeError:  # no posix_fallocate (macOS): a sparse file
        pass
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise OSError(error.errno, f"Cannot reserve {length} bytes of the resume "
                          f"journal segment {path}: {error.strerror}. Free disk space in "
                          f"{path.parent}, then resume the experiment.") from error
    if os.fstat(fd).st_size < offset + length:
        os.ftruncate(fd, offset + length)


def _close_all() -> None:
    """Close this process's writers (at its exit): their segments lose the reserved tail."""
    for writer in list(_open_writers):
        writer.close()


def _forget_all_in_child() -> None:
    """After a fork: the inherited writers are the parent's; they must not touch them."""
    for writer in list(_open_writers):
        if writer._map is not None:
            writer._map.close()  # the child's mapping only
        if writer._fd is not None:
            os.close(writer._fd)
        writer._forget()
        writer.path = None
    _open_writers.clear()


def _close_at_exit() -> None:
    """Register :func:`_close_all` for the exit of this process (once per process).

    A ``multiprocessing`` child ends with ``os._exit``, which skips ``atexit``: its
    finalizers run instead.
    """
    global _hooked_pid
    if _hooked_pid == os.getpid():
        return
    _hooked_pid = os.getpid()
    atexit.register(_close_all)
    if "multiprocessing.util" in sys.modules:
        from multiprocessing import util

        util.Finalize(None, _close_all, exitpriority=10)


if hasattr(os, "register_at_fork"):  # (not on Windows: no fork there)
    os.register_at_fork(after_in_child=_forget_all_in_child)
