"""``ObjectTable``: a pandas DataFrame that keeps the Python type of every cell.

This module imports pandas; :mod:`pypet.results` exposes the class lazily so that
``import pypet`` does not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["ObjectTable"]


class ObjectTable(pd.DataFrame):
    """A DataFrame with ``dtype=object``: cells stay Python objects (``int`` stays ``int``).

    Parameters are those of :class:`pandas.DataFrame` without ``dtype``.
    """

    def __init__(
        self, data: Any = None, index: Any = None, columns: Any = None, copy: bool = False
    ) -> None:
        super().__init__(data=data, index=index, columns=columns, dtype=object, copy=copy)
