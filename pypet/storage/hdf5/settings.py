"""Settings of the HDF5 storage (pypet's keywords), validated once."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_COMPLEVEL", "DEFAULT_COMPLIB", "HDF5Settings", "OVERVIEW_TABLES"]

#: zlib is readable by every HDF5 reader (h5py needs no plugin); level 1 with shuffle keeps
#: most of the size benefit at a fraction of level 9's cost (doc/design/decisions/0002).
DEFAULT_COMPLIB = "zlib"
DEFAULT_COMPLEVEL = 1

_PANDAS_FORMATS = {"fixed": "fixed", "f": "fixed", "table": "table", "t": "table"}


#: pypet's overview tables: name -> the constructor switch that turns it on by default
OVERVIEW_TABLES = {
    "config_overview": "small_overview_tables",
    "parameters_overview": "small_overview_tables",
    "explored_parameters_overview": "small_overview_tables",
    "derived_parameters_overview": "large_overview_tables",
    "results_overview": "large_overview_tables",
    "derived_parameters_summary": "summary_tables",
    "results_summary": "summary_tables",
}

#: settings recorded under ``config.hdf5`` besides the ``overview.*`` switches (pypet's keys)
_CONFIG_KEYS = ("complevel", "complib", "encoding", "fletcher32", "shuffle", "pandas_format",
                "purge_duplicate_comments", "results_per_run", "derived_parameters_per_run")
_BOOLS = {"fletcher32", "shuffle", "purge_duplicate_comments", *OVERVIEW_TABLES}
_INTS = {"complevel", "results_per_run", "derived_parameters_per_run"}


@dataclass
class HDF5Settings:
    """Compression and bookkeeping settings; names and meaning as in pypet 0.7.

    ``summary_tables``, ``small_overview_tables`` and ``large_overview_tables`` switch
    groups of pypet's overview tables on; each table can also be switched alone through
    the trajectory's ``config.hdf5.overview.<table>`` entry (see :attr:`tables`).
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
    #: per-table switches (``None``: from the three group switches above)
    tables: dict[str, bool] | None = dataclasses.field(default=None, repr=False)

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
        if self.tables is None:
            self.tables = {table: bool(getattr(self, switch))
                           for table, switch in OVERVIEW_TABLES.items()}
        if self.purge_duplicate_comments and not (self.tables["results_summary"]
                                                  and self.tables["derived_parameters_summary"]):
            raise ValueError(
                "purge_duplicate_comments=True needs the summary tables (summary_tables=True), "
                "as in pypet."
            )
        "".encode(self.encoding)  # raises LookupError for an unknown encoding

    @property
    def pandas_format_name(self) -> str:
        """``'fixed'`` or ``'table'`` (``pandas_format`` keeps the form given, e.g. ``'t'``)."""
        return _PANDAS_FORMATS[self.pandas_format]

    def filters(self) -> Any:
        """The PyTables ``Filters`` for chunked datasets."""
        import tables

        return tables.Filters(complevel=self.complevel, complib=self.complib,
                              shuffle=self.shuffle and self.complevel > 0,
                              fletcher32=self.fletcher32)

    @classmethod
    @functools.cache
    def field_names(cls) -> tuple[str, ...]:
        """Names of the settings keywords (the storage keywords of the constructor)."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.name != "tables")

    def as_config(self) -> dict[str, Any]:
        """The settings as pypet records them below ``config.hdf5`` (relative names)."""
        entries = {key: getattr(self, key) for key in _CONFIG_KEYS}
        entries.update({f"overview.{table}": on for table, on in (self.tables or {}).items()})
        return entries

    def adopting(self, entries: dict[str, Any]) -> HDF5Settings:
        """New settings with ``config.hdf5`` entries (relative names) taken over.

        Raises ``RuntimeError`` if they ask to purge duplicate comments without the
        summary tables (pypet checks this when storing, after users changed the config).
        """
        values = {f: getattr(self, f) for f in self.field_names()}
        tables = dict(self.tables or {})
        for key, value in entries.items():
            name = key.rpartition(".")[2]
            if name in _BOOLS:
                value = bool(value)
            elif name in _INTS:
                value = int(value)
            if key.startswith("overview.") and name in tables:
                tables[name] = value
            elif key in _CONFIG_KEYS:
                values[key] = value
        if values["purge_duplicate_comments"] and not (tables["results_summary"]
                                                       and tables["derived_parameters_summary"]):
            raise RuntimeError(
                "config.hdf5.purge_duplicate_comments is on but a summary table is switched "
                "off (config.hdf5.overview.*_summary); purging needs both summary tables."
            )
        values["tables"] = tables
        return HDF5Settings(**values)
