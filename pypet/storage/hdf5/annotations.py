"""Annotations of tree nodes as HDF5 attributes, read back with their exact types.

PyTables returns attributes as numpy values (``'x'`` → ``np.str_``, ``1`` → ``np.int64``),
so the attribute alone cannot tell ``1`` from ``np.int64(1)``. Plain Python scalars are
therefore stored natively under ``pypet_ann_<key>`` (readable by any HDF5 tool) and turned
back into Python scalars on reading; every other value goes under ``pypet_annx_<key>``
wrapped in a 1-tuple, which PyTables pickles, so it returns exactly (numpy scalars, arrays,
containers, None, ints beyond int64).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pypet.storage.hdf5.layout import NODE

__all__ = ["is_annotation", "read_annotations", "write_annotations"]

PLAIN, OTHER = NODE.ANNOTATION, NODE.ANNOTATION_X

_INT64 = (-(2**63), 2**63 - 1)


def _is_plain(value: Any) -> bool:
    kind = type(value)
    if kind in (float, bool, complex):
        return True
    if kind is int:
        return _INT64[0] <= value <= _INT64[1]
    if kind is str or kind is bytes:
        # HDF5 fixed-length strings end at NUL; such text must not be cut short
        return (b"\x00" if kind is bytes else "\x00") not in value
    return False


def _plain(value: Any) -> Any:
    """Python scalar of a natively stored plain annotation."""
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, np.bytes_):
        return bytes(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.complexfloating):
        return complex(value)
    return value


def is_annotation(attr_name: str) -> bool:
    """Whether an attribute name holds an annotation."""
    return attr_name.startswith((PLAIN, OTHER))


def write_annotations(attrs: Any, annotations: dict[str, Any] | None,
                      overwrite: bool) -> None:
    """Write ``annotations`` to the PyTables ``attrs`` (existing keys only if ``overwrite``)."""
    if not annotations:
        return
    for key, value in annotations.items():
        plain = _is_plain(value)
        name, stale = (PLAIN + key, OTHER + key) if plain else (OTHER + key, PLAIN + key)
        if not overwrite and (name in attrs or stale in attrs):
            continue
        if stale in attrs:
            del attrs[stale]
        attrs[name] = value if plain else (value,)


def read_annotations(attrs: Any) -> dict[str, Any] | None:
    """The annotations stored in ``attrs`` (exact values), or None."""
    found: dict[str, Any] = {}
    for name in attrs._v_attrnamesuser:
        if name.startswith(PLAIN):
            found[name[len(PLAIN):]] = _plain(attrs[name])
        elif name.startswith(OTHER):
            found[name[len(OTHER):]] = attrs[name][0]
    return found or None
