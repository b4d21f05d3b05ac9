"""``SparseParameter``: a parameter that also holds scipy sparse matrices."""

from __future__ import annotations

import sys
from typing import Any

from pypet.parameters.array import ArrayParameter

__all__ = ["SparseParameter", "is_supported_sparse"]

#: The sparse formats with a storage form (coo, lil and dok are left out, as in pypet).
SPARSE_FORMATS = frozenset({"csr", "csc", "bsr", "dia"})


def is_supported_sparse(data: Any) -> bool:
    """Tell whether ``data`` is a csr, csc, bsr or dia scipy sparse matrix or array."""
    # scipy is imported lazily by whoever made the matrix; if it never was, ``data`` cannot
    # be a sparse matrix, and ``import pypet`` stays free of scipy.
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(data) and data.format in SPARSE_FORMATS


def _is_sparray(data: Any) -> bool:
    sparray = getattr(sys.modules["scipy.sparse"], "sparray", None)
    return sparray is not None and isinstance(data, sparray)


class SparseParameter(ArrayParameter):
    """An :class:`ArrayParameter` that also holds csr, csc, bsr and dia sparse matrices.

    All four formats count as one type for exploration (matrices and the newer sparse
    arrays are kept apart, since their operators differ). Two matrices are equal if format,
    shape, dtype and values agree. ``_store()`` hands the matrices over as they are.
    """

    __slots__ = ()

    #: pypet 0.7's name of the marker the storage appends to sparse item names
    IDENTIFIER = "__spsp__"

    _SUPPORTS = ArrayParameter._SUPPORTS + ", plus csr/csc/bsr/dia scipy sparse matrices"

    def f_supports(self, data: Any) -> bool:
        """Tell whether ``data`` is a supported sparse matrix or an array-parameter value."""
        return is_supported_sparse(data) or super().f_supports(data)

    def _values_of_same_type(self, val1: Any, val2: Any) -> bool:
        """Any two supported sparse matrices (or two sparse arrays) count as one type."""
        sparse1, sparse2 = is_supported_sparse(val1), is_supported_sparse(val2)
        if sparse1 or sparse2:
            return sparse1 and sparse2 and _is_sparray(val1) == _is_sparray(val2)
        return super()._values_of_same_type(val1, val2)

    def _equal_values(self, val1: Any, val2: Any) -> bool:
        """Sparse matrices are equal if format, shape, dtype and all values agree."""
        if not (is_supported_sparse(val1) or is_supported_sparse(val2)):
            return super()._equal_values(val1, val2)
        return (
            self._values_of_same_type(val1, val2)
            and val1.format == val2.format
            and val1.shape == val2.shape
            and val1.dtype == val2.dtype
            and (val1 != val2).nnz == 0
        )
