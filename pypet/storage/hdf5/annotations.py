"""Annotations of tree nodes as HDF5 attributes, read back with their exact types, never pickled.

PyTables returns attributes as numpy values (``'x'`` → ``np.str_``, ``1`` → ``np.int64``),
so the attribute alone cannot tell ``1`` from ``np.int64(1)``. Plain Python scalars (float,
bool, complex, int within int64, str without NUL) are therefore stored natively under
``pypet_ann_<key>`` (readable by any HDF5 tool) and turned back into Python scalars on reading.
Every other value goes under ``pypet_annj_<key>`` as UTF-8 JSON text with type tags (tuples,
bytes, dicts with any keys, numpy scalars and arrays, None, big ints), so nothing is pickled:
PyTables would unpickle a pickled attribute as soon as it reads the node (see
:mod:`.safety`). A value with no such form is refused with a clear error when storing.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

from pypet.errors import CodecError
from pypet.storage.hdf5.codec.spec import MAX_ATTR_CHARS
from pypet.storage.hdf5.layout import NODE

__all__ = ["is_annotation", "read_annotations", "write_annotations"]

PLAIN, TAGGED = NODE.ANNOTATION, NODE.ANNOTATION_JSON
#: written by development versions before 0.8: pickled by PyTables, so refused by the
#: file check; still recognised here so that rewriting an annotation removes it
_OLD_PICKLED = "pypet_annx_"

_INT64 = (-(2**63), 2**63 - 1)
_TAG = "__pypet__"


def _is_plain(value: Any) -> bool:
    kind = type(value)
    if kind in (float, bool, complex):
        return True
    if kind is int:
        return _INT64[0] <= value <= _INT64[1]
    # HDF5 fixed-length strings end at NUL; such text must not be cut short. Bytes are
    # tagged: PyTables would take ASCII bytes ending in "." for a pickle.
    return kind is str and "\x00" not in value


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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _to_json(value: Any, where: str) -> Any:
    """A JSON-ready tree of ``value``; every non-JSON type becomes a tagged object."""
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if _INT64[0] <= value <= _INT64[1] else {_TAG: "int", "v": str(value)}
    if kind is float:
        return {_TAG: "float", "v": value.hex()}  # exact, also nan and inf
    if kind is complex:
        return {_TAG: "complex", "v": [value.real.hex(), value.imag.hex()]}
    if kind is bytes:
        return {_TAG: "bytes", "v": _b64(value)}
    if kind is list:
        return [_to_json(v, where) for v in value]
    if kind is tuple:
        return {_TAG: "tuple", "v": [_to_json(v, where) for v in value]}
    if kind is dict:
        return {_TAG: "dict", "v": [[_to_json(k, where), _to_json(v, where)]
                                    for k, v in value.items()]}
    if isinstance(value, (np.generic, np.ndarray)) and kind in (np.ndarray, value.dtype.type) \
            and not value.dtype.hasobject:
        array = np.asarray(value)
        return {_TAG: "ndarray" if kind is np.ndarray else "numpy",
                "dtype": _b64(json.dumps(np.lib.format.dtype_to_descr(array.dtype)).encode()),
                "shape": list(array.shape), "v": _b64(np.ascontiguousarray(array).tobytes())}
    raise CodecError(
        f"Cannot store the annotation {where}: values of type "
        f"{kind.__module__}.{kind.__qualname__} have no stored form as an annotation (pypet "
        "stores annotations without pickling). Convert it, or store it as a result."
    )


def _from_json(tree: Any) -> Any:
    if isinstance(tree, list):
        return [_from_json(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    tag = tree[_TAG]
    value = tree["v"]
    if tag == "int":
        return int(value)
    if tag == "float":
        return float.fromhex(value)
    if tag == "complex":
        return complex(float.fromhex(value[0]), float.fromhex(value[1]))
    if tag == "bytes":
        return base64.b64decode(value)
    if tag == "tuple":
        return tuple(_from_json(v) for v in value)
    if tag == "dict":
        return {_from_json(k): _from_json(v) for k, v in value}
    dtype = np.lib.format.descr_to_dtype(json.loads(base64.b64decode(tree["dtype"])))
    array = np.frombuffer(base64.b64decode(value), dtype=dtype).reshape(tree["shape"]).copy()
    return array if tag == "ndarray" else array[()]


def is_annotation(attr_name: str) -> bool:
    """Whether an attribute name holds an annotation."""
    return attr_name.startswith((PLAIN, TAGGED, _OLD_PICKLED))


def write_annotations(attrs: Any, annotations: dict[str, Any] | None,
                      overwrite: bool) -> None:
    """Write ``annotations`` to the PyTables ``attrs`` (existing keys only if ``overwrite``)."""
    if not annotations:
        return
    for key, value in annotations.items():
        plain = _is_plain(value)
        name = (PLAIN if plain else TAGGED) + key
        others = [prefix + key for prefix in (PLAIN, TAGGED, _OLD_PICKLED)
                  if prefix + key != name]
        if not overwrite and any(n in attrs for n in (name, *others)):
            continue
        if plain:
            stored: Any = value
        else:
            stored = json.dumps(_to_json(value, f"{key!r} of {attrs._v__nodepath!r}"))
            if len(stored) > MAX_ATTR_CHARS:
                raise CodecError(
                    f"The annotation {key!r} of {attrs._v__nodepath!r} is too large for an "
                    f"HDF5 attribute ({len(stored)} characters as text); store it as a result."
                )
        for stale in others:
            if stale in attrs:
                del attrs[stale]
        attrs[name] = stored


def read_annotations(attrs: Any) -> dict[str, Any] | None:
    """The annotations stored in ``attrs`` (exact values), or None."""
    found: dict[str, Any] = {}
    for name in attrs._v_attrnamesuser:
        if name.startswith(PLAIN):
            found[name[len(PLAIN):]] = _plain(attrs[name])
        elif name.startswith(TAGGED):
            found[name[len(TAGGED):]] = _from_json(json.loads(str(attrs[name])))
    return found or None
