"""Which run-information rows a service wrote itself, and what they held.

Every batch of a sweep writes the run-info rows of its runs; the store at the end of the
experiment then hands over the run information of every run (the trajectory's run table
is the source) and rewrote all of it: six columns of a million rows, compressed again, to
write what the file already held. :class:`WrittenInfo` keeps, per block of contiguous
rows written at once, a SHA-256 digest of what was written there; the full write leaves
out each block whose rows still have that digest, and writes everything else.

Being conservative is the point: a block is dropped as soon as anything else writes rows
of it, a trajectory's blocks go when its runs are pruned, and the service forgets them all
with the rest of :class:`~pypet.storage.hdf5.known_nodes.KnownNodes` (deletions, merges,
a failed store, the file changed by someone else between two of its sessions).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

import numpy as np

__all__ = ["WrittenInfo"]

#: blocks shorter than this are not remembered (a digest per few rows costs more than it saves)
MIN_BLOCK = 256


def digest(columns: Sequence[np.ndarray], start: int, stop: int) -> bytes:
    """SHA-256 of rows ``start:stop`` of ``columns`` (each already in its file dtype)."""
    sha = hashlib.sha256()
    for column in columns:
        sha.update(np.ascontiguousarray(column[start:stop]).data)
    return sha.digest()


class WrittenInfo:
    """Blocks ``[start, stop)`` of run-info rows of one trajectory and their digests."""

    def __init__(self) -> None:
        self._starts: list[int] = []  #: sorted; blocks never overlap
        self._blocks: dict[int, tuple[int, bytes]] = {}  #: start -> (stop, digest)

    def __len__(self) -> int:
        return len(self._starts)

    def clear(self) -> None:
        """Forget every block (rows may have changed behind this object)."""
        self._starts.clear()
        self._blocks.clear()

    def written(self, start: int, stop: int, columns: Sequence[np.ndarray],
                offset: int = 0) -> None:
        """Rows ``start:stop`` were written with ``columns[offset:offset + stop - start]``
        (:meth:`forget_rows` them before writing: a failed write leaves no block)."""
        self.forget_rows(start, stop)
        if stop - start >= MIN_BLOCK:
            bisect.insort(self._starts, start)
            self._blocks[start] = (stop, digest(columns, offset, offset + stop - start))

    def unchanged(self, columns: Sequence[np.ndarray]) -> np.ndarray:
        """A mask of the rows of ``columns`` (row ``i`` is run ``i``) that are in a block
        whose digest they still have: the file holds exactly these values there."""
        length = len(columns[0])
        same = np.zeros(length, dtype=bool)
        for start in self._starts:
            stop, known = self._blocks[start]
            if stop <= length and digest(columns, start, stop) == known:
                same[start:stop] = True
        return same

    def forget_rows(self, start: int, stop: int) -> None:
        """Forget the blocks that overlap rows ``start:stop``."""
        starts = self._starts
        first = bisect.bisect_right(starts, start) - 1
        if first < 0 or self._blocks[starts[first]][0] <= start:
            first += 1  # the block before ``start`` ends before it
        last = bisect.bisect_left(starts, stop)
        for block in starts[first:last]:
            del self._blocks[block]
        del starts[first:last]
