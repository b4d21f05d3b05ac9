"""The explicit pickled form: any picklable object as the bytes of ``pickle.dumps``.

Used only when the caller asks for it (``write_value(..., pickle_protocol=N)``, which
PickleResult and PickleParameter do), never as a silent fallback: a pickle ties the file
to the Python classes that wrote it. The node is a uint8 dataset (chunked and compressed
like any big array) with ``pypet_kind = "pickle"`` and ``pypet_protocol``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.spec import ATTR, KIND, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["READERS", "pickle_protocol_of", "write_pickled"]


def write_pickled(
    w: Writer, parent: tables.Group, name: str, value: Any, protocol: int
) -> tables.Node:
    """Write ``pickle.dumps(value, protocol)`` as one uint8 dataset."""
    try:
        data = pickle.dumps(value, protocol=protocol)
    except Exception as err:  # pickle raises PicklingError, TypeError, AttributeError, ...
        raise CodecError(
            f"Cannot pickle {child_path(parent, name)!r} "
            f"(a value of type {type(value).__qualname__}): {err}"
        ) from err
    node = nodes.write_array(w, parent, name, np.frombuffer(data, dtype=np.uint8), KIND.PICKLE)
    node._v_attrs[ATTR.PROTOCOL] = protocol
    return node


def pickle_protocol_of(node: tables.Node) -> int | None:
    """Return the protocol a pickled node was written with, or None if it is not pickled."""
    if nodes.get_attr(node, ATTR.KIND) != KIND.PICKLE:
        return None
    return int(node._v_attrs[ATTR.PROTOCOL])


def _read_pickled(node: tables.Leaf, read: Any) -> Any:
    return pickle.loads(node.read().tobytes())


READERS: dict[str, Callable[[Any, Any], Any]] = {KIND.PICKLE: _read_pickled}
