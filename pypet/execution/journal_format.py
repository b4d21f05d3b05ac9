"""The journal's record format: a framed header and the encoded run outcome.

A record is a header (``b"PJ"``, a codec byte, the run index, completed, finish time,
payload length; then the CRC-32 of those fields and the payload) followed by the payload.
The codec says how the payload holds the :class:`~pypet.storage.records.RunOutcome`:

* ``C``: the usual outcome (no leaf, group or link records, no error: plain results or
  none), compactly: ``(value, start, hexsha[:7], plain)`` pickled; the header holds its
  index, completed and finish time (the run table keeps seven characters of the hexsha);
* ``T``: the outcome's fields as plain tuples, pickled (every other outcome that pickles);
* ``D``: the outcome pickled with dill (what the standard pickler cannot handle);
* ``P``: the pickled outcome object (journals of earlier 0.8.0.dev0 versions; read only).

A segment file may end in zeros (the part its writer reserved but never filled, see
:mod:`pypet.execution.journal_writer`): a header that does not start with the magic ends
the segment, like a record whose checksum fails.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import fields
from operator import attrgetter

from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunOutcome

try:  # the same CRC-32, five times faster on a short record (it uses the CPU's carry-less
    # multiply); one is computed for every run of a resumable experiment
    from zlib_ng.zlib_ng import crc32
except ImportError:
    from zlib import crc32

__all__ = ["CRC", "FIELDS", "GROUP_FIELDS", "HEADER_SIZE", "HEXSHA_KEPT", "LEAF_FIELDS",
           "LINK_FIELDS", "MAGIC", "OUTCOME_FIELDS", "PROTOCOL", "as_tuples", "compact_payload",
           "crc32", "decode", "encode", "is_compact"]

MAGIC = b"PJ"
#: magic, codec, run index, completed, finish time, payload length | crc32
FIELDS = struct.Struct("<2scq?dI")
CRC = struct.Struct("<I")
HEADER_SIZE = FIELDS.size + CRC.size

LEAF_FIELDS = attrgetter(*(f.name for f in fields(LeafRecord)))
GROUP_FIELDS = attrgetter(*(f.name for f in fields(GroupRecord)))
LINK_FIELDS = attrgetter(*(f.name for f in fields(LinkRecord)))
OUTCOME_FIELDS = attrgetter(*(f.name for f in fields(RunOutcome)))
PROTOCOL = pickle.HIGHEST_PROTOCOL
HEXSHA_KEPT = 7  #: characters of the hexsha a ``C`` record keeps (the run table's ``S7``)


def is_compact(outcome: RunOutcome) -> bool:
    """Whether ``outcome`` has the usual shape a ``C`` record holds (see the module)."""
    return not (outcome.leaves or outcome.groups or outcome.links) and outcome.error is None


def compact_payload(outcome: RunOutcome) -> bytes:
    """The payload of a ``C`` record (:meth:`JournalWriter.append` builds it inline)."""
    return pickle.dumps((outcome.value, outcome.start, outcome.hexsha[:HEXSHA_KEPT],
                         outcome.plain), PROTOCOL)


def as_tuples(outcome: RunOutcome) -> tuple:
    """The outcome as plain tuples (pickled in a third of the time of the records).

    The payload of a ``T`` record. A single leaf and a single group become a 1-tuple
    directly (a third of the cost of ``map``).
    """
    idx, value, start, finish, completed, hexsha, leaves, groups, links, error, plain = \
        OUTCOME_FIELDS(outcome)
    return (idx, value, start, finish, completed, hexsha,
            (LEAF_FIELDS(leaves[0]),) if len(leaves) == 1 else [*map(LEAF_FIELDS, leaves)],
            (GROUP_FIELDS(groups[0]),) if len(groups) == 1 else [*map(GROUP_FIELDS, groups)],
            [*map(LINK_FIELDS, links)] if links else (), error, plain)


def _from_tuples(t: tuple) -> RunOutcome:
    idx, value, start, finish, completed, hexsha, leaves, groups, links, error = t[:10]
    return RunOutcome(idx, value, start, finish, completed, hexsha,
                      tuple(LeafRecord(*r) for r in leaves),
                      tuple(GroupRecord(*r) for r in groups),
                      tuple(LinkRecord(*r) for r in links), error,
                      t[10] if len(t) > 10 else None)  # older journals: no plain results


def encode(outcome: RunOutcome) -> tuple[bytes, bytes]:
    """``(codec, payload)``: pickle (compact for the usual outcome), or dill for what
    pickle cannot handle."""
    try:
        if is_compact(outcome):
            return b"C", compact_payload(outcome)
        return b"T", pickle.dumps(as_tuples(outcome), PROTOCOL)
    except Exception as pickle_error:  # pickle raises many types; dill may still manage
        from pypet._compat import require

        try:
            return b"D", require("dill").dumps(outcome, protocol=PROTOCOL)
        except Exception:
            raise TypeError(
                f"Run {outcome.idx}'s outcome cannot be written to the resume journal: its "
                f"return value ({type(outcome.value).__name__}) or one of its results cannot "
                f"be pickled, not even with dill ({pickle_error}). A resumable experiment "
                "keeps every finished run; return and store picklable values."
            ) from pickle_error


def decode(codec: bytes, payload: bytes, idx: int, completed: bool, finish: float
           ) -> RunOutcome:
    """The outcome of a record: its codec, payload and header fields."""
    if codec == b"C":
        value, start, hexsha, plain = pickle.loads(payload)
        return RunOutcome(idx, value, start, finish, completed, hexsha, plain=plain)
    if codec == b"D":
        from pypet._compat import require

        return require("dill").loads(payload)
    if codec == b"T":
        return _from_tuples(pickle.loads(payload))
    return pickle.loads(payload)
