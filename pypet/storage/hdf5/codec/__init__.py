"""The value codec: one Python value ↔ HDF5 node(s) under a PyTables group, exactly.

Type fidelity is the contract: ``type(read_value(n)) is type(v)`` and the values are equal,
for None, Python and numpy scalars, numpy arrays of any dtype and shape (object arrays
item by item), lists vs tuples, dicts nested to any depth, pandas DataFrame/Series/Index
(MultiIndex, categorical, nullable and tz-aware columns), and scipy sparse matrices and
arrays of every format. Anything else raises :class:`CodecError`; arbitrary objects are
stored only on request, pickled (``pickle_protocol=``).

Every node carries one string attribute ``pypet_kind``; plain data are ordinary datasets
that h5py reads without pypet. The layout is specified in ``doc/file_format_codec.md``.
The codec knows nothing of trajectories: the storage layer calls it for each item.

>>> write_value(h5file, group, "x", {"a": [1, 2], "b": None}, filters)  # doctest: +SKIP
>>> read_value(group.x)  # doctest: +SKIP
{'a': [1, 2], 'b': None}
"""

from __future__ import annotations

from typing import Any

import tables

from pypet.errors import CodecError, NodeExistsError
from pypet.storage.hdf5.codec import core
from pypet.storage.hdf5.codec.pickled import pickle_protocol_of
from pypet.storage.hdf5.codec.spec import CODEC_VERSION, CODEC_VERSION_ATTR

__all__ = [
    "CODEC_VERSION",
    "CODEC_VERSION_ATTR",
    "CodecError",
    "NodeExistsError",
    "is_supported",
    "pickle_protocol_of",
    "read_value",
    "why_unsupported",
    "write_value",
]


def write_value(
    file: tables.File,
    parent: tables.Group,
    name: str,
    value: Any,
    filters: tables.Filters | None = None,
    *,
    overwrite: bool = False,
    pickle_protocol: int | None = None,
) -> None:
    """Write ``value`` as the node ``name`` under ``parent``.

    Parameters
    ----------
    file
        The open PyTables file holding ``parent``.
    parent
        The group to write into.
    name
        The new node's name.
    value
        Any supported value (see the module docstring and :func:`is_supported`).
    filters
        Compression for arrays bigger than 4 KiB (chunked); smaller ones are always
        contiguous and uncompressed. None writes everything contiguous.
    overwrite
        Replace an existing node ``name``. The new value is written first, so a failure
        leaves the old one in place.
    pickle_protocol
        Store ``value`` pickled with this protocol instead (any picklable object).

    Raises
    ------
    CodecError
        ``value`` (or something inside it) has no stored form; nothing is left behind.
    NodeExistsError
        ``name`` exists and ``overwrite`` is False.
    """
    core.write_value(
        file, parent, name, value, filters, overwrite=overwrite, pickle_protocol=pickle_protocol
    )


def read_value(node: tables.Node, allow_pickle: bool = True) -> Any:
    """Return the value stored at ``node`` by :func:`write_value`.

    ``allow_pickle=False`` refuses a pickled node (written with ``pickle_protocol=``).

    Raises
    ------
    CodecError
        ``node`` was not written by this codec, or by a newer version of it.
    pypet.errors.UnsafeDataError
        ``node`` is pickled and ``allow_pickle`` is False.
    """
    return core.read_node(node, allow_pickle)


def is_supported(value: Any) -> bool:
    """Tell whether :func:`write_value` can store ``value`` without pickling."""
    return core.why_unsupported(value) is None


def why_unsupported(value: Any) -> str | None:
    """Say why ``value`` cannot be stored without pickling, or return None if it can."""
    return core.why_unsupported(value)
