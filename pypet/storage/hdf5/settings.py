"""Settings of the HDF5 storage (pypet's keywords), validated once."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_COMPLEVEL", "DEFAULT_COMPLIB", "HDF5Settings"]

#: zlib is readable by every HDF5 reader (h5py needs no plugin); level 1 with shuffle keeps
#: most of the size benefit at a fraction of level 9's cost (doc/design/decisions/0002).
DEFAULT_COMPLIB = "zlib"
DEFAULT_COMPLEVEL = 1

_PANDAS_FORMATS = {"fixed": "fixed", "f": "fixed", "table": "table", "t": "table"}


@dataclass
class HDF5Settings:
    """Compression and bookkeeping settings; names and meaning as in pypet 0.7.

    ``pandas_format``, the overview/summary table switches, ``purge_duplicate_comments``
    and the ``*_per_run`` hints are accepted for compatibility; our format keeps a run
    table instead of pypet's overview tables, and stores a comment once per run-result
    column, so these have no further effect (recorded under ``config.hdf5``).
    """

    complevel: int = DEFAULT_COMPLEVEL
    complib: str = DEFAULT_COMPLIB
    shuffle: bool = True
    fletcher32: bool = False
    encoding: str = "utf8"
    pandas_format: str = "fixed"
    purge_duplicate_comments: bool = True
    summary_tables: bool = True
    small_overview_tables: bool = True
    large_overview_tables: bool = False
    results_per_run: int = 0
    derived_parameters_per_run: int = 0
    display_time: float = 20.0

    def __post_init__(self) -> None:
        if not isinstance(self.complevel, int) or not 0 <= self.complevel <= 9:
            raise ValueError(f"complevel must be an int from 0 to 9, got {self.complevel!r}.")
        import tables

        if self.complib not in tables.filters.all_complibs:
            raise ValueError(
                f"complib {self.complib!r} is not available; choose one of "
                f"{sorted(tables.filters.all_complibs)} ('zlib' is readable everywhere)."
            )
        if self.pandas_format not in _PANDAS_FORMATS:
            raise ValueError(
                f"pandas_format must be 'fixed' or 'table', got {self.pandas_format!r}."
            )
        self.pandas_format = _PANDAS_FORMATS[self.pandas_format]
        if self.purge_duplicate_comments and not self.summary_tables:
            raise ValueError(
                "purge_duplicate_comments=True needs summary_tables=True (as in pypet)."
            )
        "".encode(self.encoding)  # raises LookupError for an unknown encoding

    def filters(self) -> Any:
        """The PyTables ``Filters`` for chunked datasets."""
        import tables

        return tables.Filters(complevel=self.complevel, complib=self.complib,
                              shuffle=self.shuffle and self.complevel > 0,
                              fletcher32=self.fletcher32)

    @classmethod
    @functools.cache
    def field_names(cls) -> tuple[str, ...]:
        """Names of all settings (the storage keywords)."""
        return tuple(f.name for f in dataclasses.fields(cls))

    def as_config(self) -> dict[str, Any]:
        """The settings recorded under ``config.hdf5``."""
        return {f: getattr(self, f) for f in self.field_names() if f != "display_time"}
