"""A stable hash of a point in parameter space (psweep's ``_pset_hash``).

``point_hash({'parameters.x': 1.0, 'parameters.n': 3})`` is the SHA-1 (40 hex digits) of a
byte encoding of the names and values, so it is the same in every process, Python session,
machine and pypet version. Two points have the same hash exactly when they hold the same
names with equal values of the same types (``1`` and ``1.0`` and ``True`` differ, ``0.0`` and
``-0.0`` do not, every NaN is the same NaN), which makes it the key for finding points that
were run before without comparing every pair.

The encoding, per name in sorted order: ``name + b"="`` then a type tag and the value:

=============  =====  =======================================================
type           tag    value
=============  =====  =======================================================
None           ``N``  (nothing)
bool           ``b``  ``1`` or ``0``
int            ``i``  8 bytes little-endian if it fits int64, else ``I`` + decimal text + ``;``
float          ``f``  8 bytes little-endian IEEE 754 (``-0.0`` as ``0.0``, one NaN)
complex        ``c``  two floats as above
str / bytes    ``s`` / ``y``  4-byte length + UTF-8 / the bytes
tuple / list   ``t`` / ``l``  4-byte count + the items
dict           ``d``  4-byte count + (key, value) pairs sorted by their encoding
numpy scalar   ``n``  dtype string (as str) + the value's bytes (floats as above)
numpy array    ``a``  dtype string, shape (as a tuple), the elements' bytes in C order
=============  =====  =======================================================

Any other type raises ``TypeError``. :func:`hash_points` hashes whole columns at once
(vectorised for columns of one numeric type) and gives the same digests.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["hash_points", "point_hash"]

_INT64 = (-(2**63), 2**63 - 1)
_NAN = struct.pack("<d", float("nan"))


def _float(value: float) -> bytes:
    if value != value:
        return _NAN
    return struct.pack("<d", value + 0.0)  # -0.0 + 0.0 == 0.0


def _length(count: int) -> bytes:
    return struct.pack("<I", count)


def encode(value: Any) -> bytes:
    """The bytes of one value in the hash encoding (see the module docstring)."""
    kind = type(value)
    if value is None:
        return b"N"
    if kind is bool:
        return b"b1" if value else b"b0"
    if kind is int:
        if _INT64[0] <= value <= _INT64[1]:
            return b"i" + struct.pack("<q", value)
        return b"I" + str(value).encode() + b";"
    if kind is float:
        return b"f" + _float(value)
    if kind is complex:
        return b"c" + _float(value.real) + _float(value.imag)
    if kind is str:
        data = value.encode("utf8", "surrogatepass")
        return b"s" + _length(len(data)) + data
    if kind is bytes:
        return b"y" + _length(len(value)) + value
    if kind is tuple or kind is list:
        return (b"t" if kind is tuple else b"l") + _length(len(value)) + \
            b"".join(encode(v) for v in value)
    if kind is dict:
        pairs = sorted(encode(k) + encode(v) for k, v in value.items())
        return b"d" + _length(len(pairs)) + b"".join(pairs)
    return _encode_numpy(value, kind)


def _encode_numpy(value: Any, kind: type) -> bytes:
    import numpy as np

    if isinstance(value, np.generic) and kind is value.dtype.type and not value.dtype.hasobject:
        return b"n" + encode(value.dtype.str) + _raw(np.asarray(value))
    if kind is np.ndarray:
        head = b"a" + encode(value.dtype.str) + encode(tuple(value.shape))
        if value.dtype.hasobject:
            return head + b"".join(encode(v) for v in value.ravel().tolist())
        return head + _raw(value)
    raise TypeError(
        f"A value of type {kind.__module__}.{kind.__qualname__} has no stable hash "
        f"({value!r:.60}); explored values must be None, bool, int, float, complex, str, "
        "bytes, tuples, lists, dicts or numpy values to find duplicate points."
    )


def _raw(array: Any) -> bytes:
    """Element bytes in C order; floats (also inside complex) canonical as in :func:`_float`."""
    import numpy as np

    array = np.ascontiguousarray(array)
    if array.dtype.kind == "c":  # real and imaginary parts, each canonical as a float
        array = array.view(array.real.dtype)
    if array.dtype.kind == "f":
        array = np.where(np.isnan(array), np.nan, array + 0).astype(array.dtype)
        array = array.astype(array.dtype.newbyteorder("<"))
    return array.tobytes()


def point_hash(point: Mapping[str, Any]) -> str:
    """SHA-1 hex digest of a point ``{parameter name: value}`` (see the module docstring)."""
    digest = hashlib.sha1()
    for name in sorted(point):
        digest.update(name.encode("utf8") + b"=" + encode(point[name]))
    return digest.hexdigest()


def hash_points(columns: Mapping[str, Sequence[Any]]) -> list[str]:
    """:func:`point_hash` of every row of ``{parameter name: values}`` (equal lengths).

    Columns that hold only Python floats, only ints within int64, or only bools are
    encoded with numpy at once; the digests equal those of :func:`point_hash`.
    """
    import numpy as np

    names = sorted(columns)
    if not names:
        return []
    length = len(columns[names[0]])
    parts: list[Any] = []  # per name: a (length, width) uint8 array or a list of bytes
    for name in names:
        prefix = name.encode("utf8") + b"="
        values = columns[name]
        block = _encode_column(values)
        if block is None:
            parts.append([prefix + encode(v) for v in values])
        else:
            head = np.frombuffer(prefix, dtype=np.uint8)
            parts.append(np.hstack([np.broadcast_to(head, (length, len(head))), block]))
    if all(isinstance(p, np.ndarray) for p in parts):
        rows = np.ascontiguousarray(np.hstack(parts))
        return [hashlib.sha1(row).hexdigest() for row in rows]
    as_bytes = [p if isinstance(p, list) else [row.tobytes() for row in p] for p in parts]
    return [hashlib.sha1(b"".join(row)).hexdigest() for row in zip(*as_bytes, strict=True)]


def _encode_column(values: Sequence[Any]) -> Any:
    """A (len, width) uint8 array of the encodings, or None if the column is not uniform."""
    import numpy as np

    if not len(values):
        return None
    kind = type(values[0])
    if kind not in (float, int, bool) or any(type(v) is not kind for v in values):
        return None
    if kind is float:
        array = np.asarray(values, dtype="<f8")
        array = np.where(np.isnan(array), np.nan, array + 0.0).astype("<f8")
        tag = b"f"
    elif kind is int:
        try:
            array = np.asarray(values, dtype="<i8")
        except OverflowError:
            return None
        tag = b"i"
    else:
        array = np.asarray(values, dtype=bool).astype(np.uint8) + ord("0")
        tag = b"b"
    body = array.reshape(len(values), 1).view(np.uint8).reshape(len(values), -1)
    marks = np.full((len(values), 1), tag[0], dtype=np.uint8)
    return np.hstack([marks, body])
