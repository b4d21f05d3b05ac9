"""Bit-exact comparison of numpy data that ignores only the padding of extended floats."""

from __future__ import annotations

import numpy as np

__all__ = ["value_bytes"]


def _padding_free_width(dtype: np.dtype) -> int:
    """Bytes of one real component of ``dtype`` that carry the value.

    x87 extended precision (64-bit mantissa) is stored in 12 or 16 bytes, of which only
    the first 10 are defined; the rest is padding whose content numpy does not fix (it
    differs between numpy builds), so it must not take part in an exactness check.
    """
    real = np.dtype(dtype.char.lower()) if dtype.kind == "c" else dtype
    if real.type is np.longdouble and np.finfo(np.longdouble).nmant == 63:
        return 10
    return real.itemsize


def value_bytes(values: np.ndarray | np.generic) -> bytes:
    """The bytes of ``values`` that define them (padding of extended floats dropped)."""
    array = np.ascontiguousarray(values)
    if array.dtype.type not in (np.longdouble, np.clongdouble):
        return array.tobytes()
    width = _padding_free_width(array.dtype)
    component = array.dtype.itemsize // (2 if array.dtype.kind == "c" else 1)
    raw = array.view(np.uint8).reshape(-1, component)
    return raw[:, :width].tobytes()
