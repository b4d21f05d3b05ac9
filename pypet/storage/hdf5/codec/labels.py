"""Labels (dict keys, column labels, index names) as JSON, and the node names they get.

A label is a str, int, float, bool, None, bytes, or a tuple of labels. JSON keeps the
first five apart by itself (``1`` vs ``1.0`` vs ``true`` vs ``"1"``); bytes and tuples are
tagged objects (``{"bytes": "<hex>"}``, ``{"tuple": [...]}``), so one plain
``json.loads`` gives any reader the keys back.

Children are named after their label when it is a plain identifier (``f["d/alpha"]`` in
h5py); any other label (``"a.b"``, ``""``, ``"/x"``, ``"0"``, ``3``, a tuple, a duplicate)
gets the escaped name ``_<position>``, which no plain label can take.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import Any

from pypet.errors import LabelError
from pypet.storage.hdf5.codec.spec import CHILD

__all__ = ["child_names", "decode_label", "encode_label", "label_problem"]

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_ATOMS = (str, int, float, bool, type(None))


def encode_label(label: Any) -> Any:
    """Return the JSON-ready form of ``label``; raise :class:`LabelError` if it has none."""
    kind = type(label)
    if kind in _ATOMS:
        return label
    if kind is bytes:
        return {"bytes": label.hex()}
    if kind is tuple:
        return {"tuple": [encode_label(item) for item in label]}
    raise LabelError(
        f"{label!r} (type {kind.__name__}) is not a str, int, float, bool, None, bytes "
        "or a tuple of those"
    )


def decode_label(obj: Any) -> Any:
    """Invert :func:`encode_label`."""
    if type(obj) is dict:
        if "bytes" in obj:
            return bytes.fromhex(obj["bytes"])
        return tuple(decode_label(item) for item in obj["tuple"])
    return obj


def label_problem(label: Any) -> str | None:
    """Say why ``label`` cannot be stored, or return None when it can."""
    try:
        encode_label(label)
    except LabelError as err:
        return str(err)
    return None


def child_names(labels: Iterable[Any]) -> list[str]:
    """Node names for children labelled ``labels`` (in order); see the module docstring."""
    names = []
    taken = set()
    for position, label in enumerate(labels):
        if (
            type(label) is str
            and _PLAIN.match(label)
            and not keyword.iskeyword(label)
            and label not in taken
        ):
            names.append(label)
            taken.add(label)
        else:
            names.append(CHILD.ESCAPED % position)
    return names
