"""Scalars: None, Python bool/int/float/complex/str/bytes and numpy scalars.

Every scalar is one 0-d dataset (None: one empty group) with ``pypet_kind`` naming its type:

* bool, float, complex → numpy bool / float64 / complex128; int → int64, or the decimal
  digits as a byte string when it does not fit (lossless, still readable);
* str → its UTF-8 bytes as a fixed-length string, bytes → as they are; text containing
  NUL becomes a uint8 vector instead, because HDF5 fixed-length strings end at NUL;
* numpy.str_ / numpy.bytes_ follow the str/bytes rules; any other numpy scalar is a
  0-d dataset of its dtype (``pypet_dtype`` records datetime64 units etc.).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import tables

from pypet.errors import CodecError
from pypet.storage.hdf5.codec import nodes
from pypet.storage.hdf5.codec.spec import KIND, UTF8, child_path

if TYPE_CHECKING:
    from pypet.storage.hdf5.codec.core import Writer

__all__ = ["CHECKS", "READERS", "WRITERS", "numpy_scalar_problem", "write_numpy_scalar"]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def encode_text(data: bytes) -> np.ndarray:
    """On-disk form of a byte string: fixed-length string, or uint8 if it holds NUL."""
    if b"\x00" in data:
        return np.frombuffer(data, dtype=np.uint8)
    return np.array(data)


def decode_text(raw: np.ndarray) -> bytes:
    """Invert :func:`encode_text`."""
    return raw.tobytes() if raw.dtype.kind == "u" else bytes(raw[()])


def write_none(w: Writer, parent: tables.Group, name: str, value: None) -> tables.Node:
    """None is an empty group: no dtype to invent, and h5py shows it plainly."""
    return nodes.new_group(w, parent, name, KIND.NONE)


def write_bool(w: Writer, parent: tables.Group, name: str, value: bool) -> tables.Node:
    return nodes.write_array(w, parent, name, np.array(value, dtype=np.bool_), KIND.BOOL)


def write_int(w: Writer, parent: tables.Group, name: str, value: int) -> tables.Node:
    if _INT64_MIN <= value <= _INT64_MAX:
        arr = np.array(value, dtype=np.int64)
    else:  # arbitrary precision: decimal digits, exact and human-readable
        arr = np.array(str(value).encode("ascii"))
    return nodes.write_array(w, parent, name, arr, KIND.INT)


def write_float(w: Writer, parent: tables.Group, name: str, value: float) -> tables.Node:
    return nodes.write_array(w, parent, name, np.array(value, dtype=np.float64), KIND.FLOAT)


def write_complex(w: Writer, parent: tables.Group, name: str, value: complex) -> tables.Node:
    return nodes.write_array(w, parent, name, np.array(value, dtype=np.complex128), KIND.COMPLEX)


def write_str(w: Writer, parent: tables.Group, name: str, value: str) -> tables.Node:
    kind = KIND.STR if type(value) is str else KIND.NP_STR
    return nodes.write_array(w, parent, name, encode_text(value.encode(*UTF8)), kind)


def write_bytes(w: Writer, parent: tables.Group, name: str, value: bytes) -> tables.Node:
    kind = KIND.BYTES if type(value) is bytes else KIND.NP_BYTES
    return nodes.write_array(w, parent, name, encode_text(bytes(value)), kind)


def numpy_scalar_problem(value: np.generic, problem: Any = None) -> str | None:
    """Say why a numpy scalar cannot be stored (void, object), or None."""
    if not nodes.has_plain_form(value.dtype):
        return f"numpy scalars of dtype {value.dtype} have no stored form"
    return None


def write_numpy_scalar(w: Writer, parent: tables.Group, name: str,
                       value: np.generic) -> tables.Node:
    """Any numpy scalar: text ones like str/bytes, the others as a 0-d array of their dtype."""
    if isinstance(value, np.str_):
        return write_str(w, parent, name, value)
    if isinstance(value, np.bytes_):
        return write_bytes(w, parent, name, value)
    why = numpy_scalar_problem(value)
    if why:
        raise CodecError.unsupported(child_path(parent, name), value, why)
    return nodes.write_array(w, parent, name, np.asarray(value), KIND.NP_SCALAR)


def _read_int(node: tables.Leaf, read: Any) -> int:
    return int(node.read()[()])  # int() parses the decimal byte string of big ints too


def _read_str(node: tables.Leaf, read: Any) -> str:
    return decode_text(node.read()).decode(*UTF8)


READERS: dict[str, Callable[[Any, Any], Any]] = {
    KIND.NONE: lambda node, read: None,
    KIND.BOOL: lambda node, read: bool(node.read()[()]),
    KIND.INT: _read_int,
    KIND.FLOAT: lambda node, read: float(node.read()[()]),
    KIND.COMPLEX: lambda node, read: complex(node.read()[()]),
    KIND.STR: _read_str,
    KIND.BYTES: lambda node, read: decode_text(node.read()),
    KIND.NP_STR: lambda node, read: np.str_(_read_str(node, read)),
    KIND.NP_BYTES: lambda node, read: np.bytes_(decode_text(node.read())),
    KIND.NP_SCALAR: lambda node, read: nodes.read_array(node)[()],
}

WRITERS: dict[type, Callable[..., Any]] = {
    type(None): write_none,
    bool: write_bool,
    int: write_int,
    float: write_float,
    complex: write_complex,
    str: write_str,
    bytes: write_bytes,
}

CHECKS: dict[type, Callable[..., str | None]] = {
    cls: (lambda value, problem: None) for cls in WRITERS
}
