"""The resume journal: every finished run's outcome, appended to segment files.

Each writing process (the main process, a pool worker, a run process) appends to its own
segment ``journal-<pid>-<ns>-<token>.pjl`` in the resume folder, so no two processes
write one file and a crashed writer's torn tail never precedes another's records. A
record is framed by its length and a CRC-32 (:mod:`pypet.execution.journal_format`); a
half-written record fails the test and is ignored, with everything after it in that
segment (there is nothing after it: the writer died there), and so is the zeroed tail a
writer reserved but did not fill. Reading first scans headers only (which outcome of each
run counts), then loads the chosen payloads in batches: memory stays small.

:meth:`JournalWriter.append` (:mod:`pypet.execution.journal_writer`) returns once the
record is in the page cache: a crash of any process cannot lose it. Against power loss,
the records are flushed following the policy (:class:`FsyncPolicy`): after every record,
after a written batch (the default; at most every 0.25 s), or never.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypet.execution.journal_format import CRC, FIELDS, HEADER_SIZE, MAGIC, crc32, decode
from pypet.execution.journal_writer import PREFIX, SUFFIX, FsyncPolicy, JournalWriter
from pypet.storage.records import RunOutcome

__all__ = ["FsyncPolicy", "JournalWriter", "PREFIX", "RecordRef", "SUFFIX", "load_records",
           "read_journal", "scan_journal", "scan_segments", "segments"]

_log = logging.getLogger("pypet.execution.journal")


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
        while size - pos >= HEADER_SIZE:
            header = handle.read(HEADER_SIZE)
            magic, codec, idx, completed, finish, length = FIELDS.unpack_from(header)
            (crc,) = CRC.unpack_from(header, FIELDS.size)
            end = pos + HEADER_SIZE + length
            if magic != MAGIC or end > size:
                break
            payload = handle.read(length)
            if crc32(payload, crc32(header[:FIELDS.size])) != crc:
                break
            yield RecordRef(path, pos + HEADER_SIZE, length, codec, idx, bool(completed),
                            finish)
            pos = end
        torn = _written_after(handle, pos)
    if torn:
        _log.warning("Ignoring %d bytes of an unfinished record at the end of %s (its writer "
                     "stopped while writing it).", torn, path.name)


def _written_after(handle: BinaryIO, pos: int) -> int:
    """How many bytes after ``pos`` are not the zeroed tail its writer reserved."""
    handle.seek(pos)
    written, offset = 0, pos
    while chunk := handle.read(1 << 20):
        kept = len(chunk.rstrip(b"\0"))
        if kept:
            written = offset + kept - pos
        offset += len(chunk)
    return written


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


def load_records(refs: Sequence[RecordRef]) -> list[RunOutcome]:
    """The outcomes of ``refs`` (read in file order)."""
    outcomes: dict[RecordRef, RunOutcome] = {}
    for path in sorted({ref.path for ref in refs}):
        with open(path, "rb") as handle:
            for ref in sorted((r for r in refs if r.path == path), key=lambda r: r.offset):
                handle.seek(ref.offset)
                outcomes[ref] = decode(ref.codec, handle.read(ref.length), ref.idx,
                                       ref.completed, ref.finish)
    return [outcomes[ref] for ref in refs]


def read_journal(folder: str | os.PathLike) -> Iterator[RunOutcome]:
    """Every complete record of every segment in ``folder`` (for inspection and tests)."""
    for path in segments(folder):
        refs = list(_scan_segment(path))
        yield from load_records(refs)
