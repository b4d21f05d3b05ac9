"""The resume journal: every finished run's outcome, appended to segment files.

Each writing process (the main process, a pool worker, a run process) appends to its own
segment ``journal-<pid>-<ns>-<token>.pjl`` in the resume folder, so no two processes
write one file and a crashed writer's torn tail never precedes another's records. A
record is a header (``b"PJ"``, a codec byte — ``T`` the outcome's fields pickled as plain
tuples, ``P`` the pickled outcome (older journals), ``D`` dill — the run index,
completed, finish time, payload length, CRC-32 of header and payload) and the pickled
:class:`~pypet.storage.records.RunOutcome`. A half-written record fails the length or
checksum test and is ignored, with everything after it in that segment (there is nothing
after it: the writer died there). Reading first scans headers only (which outcome of each
run counts), then loads the chosen payloads in batches: memory stays small.

:meth:`JournalWriter.append` returns once the record is handed to the kernel (``write``):
a crash of any process cannot lose it. Against power loss, ``fsync`` follows the policy
(:class:`FsyncPolicy`): after every record, after every written batch (the default), or
never.
"""

from __future__ import annotations

import enum
import logging
import os
import pickle
import secrets
import struct
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path
from typing import Any

from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunOutcome

__all__ = ["FsyncPolicy", "JournalWriter", "RecordRef", "load_records", "read_journal",
           "scan_journal", "scan_segments", "segments"]

_log = logging.getLogger("pypet.execution.journal")

_MAGIC = b"PJ"
#: magic, codec, run index, completed, finish time, payload length | crc32
_FIELDS = struct.Struct("<2scqBdI")
_CRC = struct.Struct("<I")
_HEADER_SIZE = _FIELDS.size + _CRC.size
PREFIX, SUFFIX = "journal-", ".pjl"


class FsyncPolicy(enum.StrEnum):
    """When the journal forces its records to the disk (``resume_fsync=``)."""

    ALWAYS = "always"  #: after every record: survives power loss, costs a disk flush per run
    BATCH = "batch"  #: after every batch the writer stores (every <= 2 s): the default
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


_leaf_fields = attrgetter(*(f.name for f in fields(LeafRecord)))
_group_fields = attrgetter(*(f.name for f in fields(GroupRecord)))
_link_fields = attrgetter(*(f.name for f in fields(LinkRecord)))


def _as_tuples(o: RunOutcome) -> tuple:
    """The outcome as plain tuples: pickled in a third of the time of the records."""
    return (o.idx, o.value, o.start, o.finish, o.completed, o.hexsha,
            list(map(_leaf_fields, o.leaves)), list(map(_group_fields, o.groups)),
            list(map(_link_fields, o.links)), o.error, o.plain)


def _from_tuples(t: tuple) -> RunOutcome:
    idx, value, start, finish, completed, hexsha, leaves, groups, links, error = t[:10]
    return RunOutcome(idx, value, start, finish, completed, hexsha,
                      tuple(LeafRecord(*r) for r in leaves),
                      tuple(GroupRecord(*r) for r in groups),
                      tuple(LinkRecord(*r) for r in links), error,
                      t[10] if len(t) > 10 else None)  # older journals: no plain results


def _encode(outcome: RunOutcome) -> tuple[bytes, bytes]:
    """``(codec, payload)``: pickle, or dill for what pickle cannot handle."""
    try:
        return b"T", pickle.dumps(_as_tuples(outcome), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as pickle_error:  # pickle raises many types; dill may still manage
        from pypet._compat import require

        try:
            return b"D", require("dill").dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            raise TypeError(
                f"Run {outcome.idx}'s outcome cannot be written to the resume journal: its "
                f"return value ({type(outcome.value).__name__}) or one of its results cannot "
                f"be pickled, not even with dill ({pickle_error}). A resumable experiment "
                "keeps every finished run; return and store picklable values."
            ) from pickle_error


class JournalWriter:
    """Appends outcomes to one new segment in ``folder`` (opened at the first record)."""

    def __init__(self, folder: str | os.PathLike, fsync: FsyncPolicy = FsyncPolicy.BATCH
                 ) -> None:
        self.folder = Path(folder)
        self.fsync = FsyncPolicy.of(fsync)
        self._fd: int | None = None
        self._dirty = False
        self.path: Path | None = None

    def for_this_process(self) -> JournalWriter:
        """A writer of the same folder and policy for this process (its own segment)."""
        if self._fd is None and self.path is None:
            return self  # never written to: nothing to share
        return JournalWriter(self.folder, self.fsync)

    def _open(self) -> int:
        name = f"{PREFIX}{os.getpid()}-{time.time_ns()}-{secrets.token_hex(4)}{SUFFIX}"
        self.path = self.folder / name
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                           0o644)
        if self.fsync is not FsyncPolicy.NEVER:
            _sync_folder(self.folder)  # the new name itself must survive power loss
        return self._fd

    def append(self, outcome: RunOutcome) -> None:
        """Write one record; returns when the kernel has it."""
        codec, payload = _encode(outcome)
        fields = _FIELDS.pack(_MAGIC, codec, outcome.idx, bool(outcome.completed),
                              outcome.finish, len(payload))
        record = b"".join((fields, _CRC.pack(zlib.crc32(payload, zlib.crc32(fields))), payload))
        fd = self._fd if self._fd is not None else self._open()
        written = os.write(fd, record)
        if written < len(record):  # a short write (rare): the rest follows
            view = memoryview(record)[written:]
            while view:
                view = view[os.write(fd, view):]
        if self.fsync is FsyncPolicy.ALWAYS:
            os.fsync(fd)
        else:
            self._dirty = True

    def sync(self) -> None:
        """After a written batch: fsync under the ``batch`` policy."""
        if self._dirty and self.fsync is FsyncPolicy.BATCH and self._fd is not None:
            os.fsync(self._fd)
        self._dirty = False

    def close(self) -> None:
        """Sync (per policy) and close the segment."""
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fd"], state["path"], state["_dirty"] = None, None, False  # per process
        return state


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def segments(folder: str | os.PathLike) -> list[Path]:
    """The journal segments in ``folder``."""
    return sorted(p for p in Path(folder).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where one journal record is, and what its header says."""

    path: Path
    offset: int  #: of the payload
    length: int
    codec: bytes
    idx: int
    completed: bool
    finish: float


def _scan_segment(path: Path) -> Iterator[RecordRef]:
    """Headers of the complete records of one segment (checksums verified)."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        pos = 0
        while size - pos >= _HEADER_SIZE:
            header = handle.read(_HEADER_SIZE)
            magic, codec, idx, completed, finish, length = _FIELDS.unpack_from(header)
            (crc,) = _CRC.unpack_from(header, _FIELDS.size)
            end = pos + _HEADER_SIZE + length
            if magic != _MAGIC or end > size:
                break
            payload = handle.read(length)
            if zlib.crc32(payload, zlib.crc32(header[:_FIELDS.size])) != crc:
                break
            yield RecordRef(path, pos + _HEADER_SIZE, length, codec, idx, bool(completed),
                            finish)
            pos = end
    if pos < size:
        _log.warning("Ignoring %d bytes of an unfinished record at the end of %s (its writer "
                     "stopped while writing it).", size - pos, path.name)


def scan_segments(paths: Sequence[Path]) -> list[RecordRef]:
    """The record that counts for each run in the segments ``paths``: a completed one over
    a failed one, else the latest."""
    best: dict[int, RecordRef] = {}
    for path in paths:
        for ref in _scan_segment(path):
            old = best.get(ref.idx)
            if old is None or (ref.completed, ref.finish) >= (old.completed, old.finish):
                best[ref.idx] = ref
    return list(best.values())


def scan_journal(folder: str | os.PathLike) -> dict[int, RecordRef]:
    """The record that counts for each run (see :func:`scan_segments`)."""
    return {ref.idx: ref for ref in scan_segments(segments(folder))}


def _decode(codec: bytes, payload: bytes) -> RunOutcome:
    if codec == b"D":
        from pypet._compat import require

        return require("dill").loads(payload)
    if codec == b"T":
        return _from_tuples(pickle.loads(payload))
    return pickle.loads(payload)


def load_records(refs: Sequence[RecordRef]) -> list[RunOutcome]:
    """The outcomes of ``refs`` (read in file order)."""
    outcomes: dict[RecordRef, RunOutcome] = {}
    for path in sorted({ref.path for ref in refs}):
        with open(path, "rb") as handle:
            for ref in sorted((r for r in refs if r.path == path), key=lambda r: r.offset):
                handle.seek(ref.offset)
                outcomes[ref] = _decode(ref.codec, handle.read(ref.length))
    return [outcomes[ref] for ref in refs]


def read_journal(folder: str | os.PathLike) -> Iterator[RunOutcome]:
    """Every complete record of every segment in ``folder`` (for inspection and tests)."""
    for path in segments(folder):
        refs = list(_scan_segment(path))
        yield from load_records(refs)
