"""``BaseResult`` and the rule which values a :class:`~pypet.results.Result` holds."""

from __future__ import annotations

import reprlib
import sys
from typing import Any

import numpy as np

from pypet.tree.node import NNLeafNode
from pypet.tree.printing import node_str
from pypet.utils.slots import HasSlots

__all__ = ["BaseResult", "find_unsupported"]

#: Python scalars a result holds (exact types, so that the type survives storage).
PYTHON_SCALARS = frozenset({bool, int, float, complex, str, bytes, type(None)})
_ARRAYS = frozenset({np.ndarray, np.matrix})
#: scipy sparse formats a result holds (as pypet's SparseResult); the storage keeps them exact
SPARSE_FORMATS = frozenset({"csr", "csc", "bsr", "dia"})

# Short reprs for f_val_to_str: the text is cut to 64 characters anyway, so never build the
# full repr of a long list.
_short = reprlib.Repr()
_short.maxlist = _short.maxtuple = _short.maxdict = 8
_short.maxstring = _short.maxother = 64


def short_repr(value: Any) -> str:
    """Return a repr of at most about 64 characters per value."""
    return _short.repr(value)


def find_unsupported(value: Any, where: str = "") -> tuple[str, str] | None:
    """Return ``(path, problem)`` for the first part of ``value`` a result cannot hold, else None.

    Accepted: None, Python scalars, numpy scalars, numpy arrays of any dtype (also 0-d and
    empty), pandas DataFrame/Series, scipy csr/csc/bsr/dia sparse matrices (and arrays),
    and lists, tuples and dicts with string keys, nested
    arbitrarily, of accepted values. ``path`` locates the part, e.g. ``"[2]['a']"``, and
    ``problem`` says what is wrong with it.
    """
    kind = type(value)
    if kind in PYTHON_SCALARS or kind in _ARRAYS or isinstance(value, np.generic):
        return None
    if kind is list or kind is tuple:
        for pos, item in enumerate(value):
            if type(item) not in PYTHON_SCALARS:  # fast path for long flat lists
                found = find_unsupported(item, f"{where}[{pos}]")
                if found is not None:
                    return found
        return None
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return where, f"has the key {key!r} of type {type(key).__name__}, not str"
            found = find_unsupported(item, f"{where}[{key!r}]")
            if found is not None:
                return found
        return None
    # pandas is imported by whoever built the frame; if it never was, ``value`` is no frame,
    # and ``import pypet`` stays free of pandas.
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series)):
        return None
    sparse = sys.modules.get("scipy.sparse")  # as for pandas: no matrix without scipy
    if sparse is not None and sparse.issparse(value) and value.format in SPARSE_FORMATS:
        return None
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return where, f"is of type {module}{kind.__qualname__}{_hint(value)}"


def _hint(value: Any) -> str:
    """Say how to store a value that is close to a supported one."""
    # Subclasses (OrderedDict, attribute dicts, namedtuples) would come back as the plain
    # type, so they are refused rather than silently changed (users_voice P8).
    for base in (dict, list, tuple):
        if isinstance(value, base):
            return f", a {base.__name__} subclass; store {base.__name__}(value) instead"
    sparse = sys.modules.get("scipy.sparse")
    if sparse is not None and sparse.issparse(value):
        return (f", a {value.format} sparse matrix; results hold csr, csc, bsr and dia "
                "matrices (convert it, e.g. with .tocsr())")
    return ""


class BaseResult(HasSlots, NNLeafNode):
    """Abstract result: a leaf that holds computed data and never locks.

    Subclasses implement ``f_is_empty``, ``f_empty``, ``f_supports_fast_access``,
    ``f_val_to_str``, ``_store`` and ``_load``; the constructor must accept the full name
    alone, because loading rebuilds an empty instance first.
    """

    __slots__ = ()

    KNOWS_TRAJECTORY = False

    def __init__(self, full_name: str, comment: str = "") -> None:
        super().__init__(full_name, comment, is_parameter=False)

    def __str__(self) -> str:
        """pypet's form: ``Result results.z (`comment`): z=1, w=2``."""
        return node_str(self.f_get_class_name(), self.v_full_name,
                        [f"`{self.v_comment}`" if self.v_comment else ""], self.f_val_to_str())

    def __repr__(self) -> str:
        return f"<{self}>"
