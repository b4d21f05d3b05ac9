"""``SparseResult``: a result that also holds scipy sparse matrices."""

from __future__ import annotations

import sys
from typing import Any

from pypet.errors import ReservedNameError
from pypet.results.result import Result

__all__ = ["SparseResult"]

#: Marker the storage layer appends to the names of sparse items; item names must not hold it.
SPARSE_MARKER = "__spsp__"
#: The sparse formats with a storage form.
SPARSE_FORMATS = frozenset({"csr", "csc", "bsr", "dia"})


def _is_supported_sparse(item: Any) -> bool:
    # scipy is imported by whoever built the matrix; if it never was, ``item`` is no matrix,
    # and ``import pypet`` stays free of scipy.
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(item) and item.format in SPARSE_FORMATS


class SparseResult(Result):
    """A :class:`Result` whose items may also be csr, csc, bsr or dia sparse matrices.

    Sparse matrices are accepted as items themselves (not nested in lists or dicts).
    ``_store()`` hands them over as they are. Item names must not contain ``__spsp__``.
    """

    __slots__ = ()

    #: pypet 0.7's name of the marker the storage appends to sparse item names
    IDENTIFIER = "__spsp__"

    def f_supports(self, item: Any) -> bool:
        """Tell whether ``item`` is a supported sparse matrix or a :class:`Result` value."""
        return _is_supported_sparse(item) or super().f_supports(item)

    def _check_name(self, name: str) -> None:
        super()._check_name(name)
        if SPARSE_MARKER in name:
            raise ReservedNameError(
                f"Item name {name!r} of SparseResult `{self.v_full_name}` must not contain "
                f"{SPARSE_MARKER!r} (the storage layer uses it as a marker)."
            )

    def _check_item(self, name: str, item: Any) -> None:
        if _is_supported_sparse(item):
            self._check_name(name)
        else:
            super()._check_item(name, item)
