"""pypet 0.7's ``_store()`` dicts of its built-in leaf classes, turned into ours.

Each built-in class stored its value under its own item names (facts of pypet 0.7's layout):

* ``Parameter``: ``data`` and ``explored_data``, one-column tables (column ``data``);
* ``ArrayParameter``: ``data__rr__`` and, explored, the table ``explored_data__rr__`` (column
  ``idx``) naming arrays ``xa_<idx>`` kept (once each) in nested ``explored__rr__`` groups;
* ``SparseParameter``: ``data__spsp__`` and ``xspm__spsp__<idx>``, each a hex string of
  ``scipy.sparse.save_npz``, indexed by the table ``explored_data__spsp__``;
* ``PickleParameter``: pickled ``data`` and ``xp_<idx>`` indexed by ``explored_data``, plus the
  protocol ``__pckl_prtcl__``;
* ``Result``: its items; ``SparseResult`` items named ``<item>__spsp__`` are sparse hex strings;
  ``PickleResult`` items are pickles (plus ``__pckl_prtcl__``).

Ours take ``{'data': value, 'explored_data': [values]}`` (parameters) and the items
themselves (results). The pypet 0.7 reader hands items over as :class:`Pypet07Items`; the
trajectory's loader converts them for the leaf's class (:mod:`pypet.trajectory.legacy_items`).
Pure functions of plain values: no PyTables, no tree.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from pypet.constants import PICKLE_PROTOCOL_KEY
from pypet.errors import UnsafeDataError

__all__ = ["PARAMETER_KINDS", "RESULT_KINDS", "Pypet07Items", "convert"]

#: pypet 0.7's built-in leaf classes, by the form their items were stored in
PARAMETER_KINDS = ("PickleParameter", "SparseParameter", "ArrayParameter", "Parameter")
RESULT_KINDS = ("PickleResult", "SparseResult", "Result")


class Pypet07Items(dict):
    """A leaf's items as pypet 0.7 stored them (see :func:`convert`).

    ``allow_pickle``: whether :func:`convert` may unpickle them (the reading storage
    service's setting); ``leaf``: the leaf's full name, for the message when it may not.
    """

    pypet07_layout = True

    def __init__(self, allow_pickle: bool, leaf: str) -> None:
        super().__init__()
        self.allow_pickle, self.leaf = allow_pickle, leaf


def _unpickle(items: dict[str, Any], data: bytes) -> Any:
    """``pickle.loads(data)`` if the reader allowed it for ``items`` (plain dicts: never)."""
    if not getattr(items, "allow_pickle", False):
        raise UnsafeDataError.pickle_leaf(getattr(items, "leaf", "?"))
    return pickle.loads(data)


_SPARSE = "__spsp__"
_ARRAY = "__rr__"


def _sparse(hex_string: Any) -> Any:
    import scipy.sparse as sp

    text = hex_string.decode() if isinstance(hex_string, bytes) else str(hex_string)
    return sp.load_npz(io.BytesIO(bytes.fromhex(text)))


def _column(table: Any, name: str) -> list:
    return list(table[name]) if table is not None else []


def _indexed(items: dict[str, Any], index_key: str, prefix: str, decode: Any) -> list | None:
    """A range stored as unique values ``<prefix><idx>`` plus a table of indices."""
    if index_key not in items:
        return None
    values = {key.rpartition(".")[2]: value for key, value in items.items()
              if key.rpartition(".")[2].startswith(prefix)}
    return [decode(values[f"{prefix}{int(idx):08d}"]) for idx in _column(items[index_key], "idx")]


def _parameter(class_name: str, items: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "data" in items:  # Parameter's table; PickleParameter's pickle
        data = items["data"]
        out["data"] = _unpickle(items, data) if class_name == "PickleParameter" \
            else _column(data, "data")[0]
    if f"data{_ARRAY}" in items:
        out["data"] = items[f"data{_ARRAY}"]
    if f"data{_SPARSE}" in items:
        out["data"] = _sparse(items[f"data{_SPARSE}"])
    if class_name == "PickleParameter":
        explored = _indexed(items, "explored_data", "xp_", lambda v: _unpickle(items, v))
    else:
        explored = (_indexed(items, f"explored_data{_ARRAY}", "xa_", lambda v: v)
                    or _indexed(items, f"explored_data{_SPARSE}", f"xspm{_SPARSE}", _sparse)
                    or (_column(items["explored_data"], "data") if "explored_data" in items
                        else None))
    if explored:
        out["explored_data"] = explored
    if PICKLE_PROTOCOL_KEY in items:
        out[PICKLE_PROTOCOL_KEY] = int(items[PICKLE_PROTOCOL_KEY])
    return out


def _result(class_name: str, items: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in items.items():
        if key == PICKLE_PROTOCOL_KEY:
            out[key] = int(value)
        elif key.endswith(_SPARSE):
            out[key[: -len(_SPARSE)]] = _sparse(value)
        elif class_name == "PickleResult":
            out[key] = _unpickle(items, value)
        else:
            out[key] = value
    return out


def convert(kind: str, items: dict[str, Any]) -> dict[str, Any]:
    """Our ``_load`` dict from pypet 0.7's items of a leaf stored as built-in class ``kind``.

    Pickled items are loaded only if ``items`` allow it (:class:`Pypet07Items`); else
    :class:`~pypet.errors.UnsafeDataError` names the leaf.
    """
    if kind in PARAMETER_KINDS:
        return _parameter(kind, items)
    if kind in RESULT_KINDS:
        return _result(kind, items)
    raise ValueError(f"{kind!r} is not one of pypet 0.7's built-in leaf classes.")
