"""``HDF5StorageService``: pypet's HDF5 storage, on our file format.

The service holds settings and a file name; each call opens the file, works, flushes and
closes it, unless a :meth:`session` keeps one handle open (the Environment does so for all
runs of an experiment). Writes are flushed once per call, never fsynced per node.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tables

from pypet.errors import DataNotInStorageError
from pypet.storage.hdf5 import files
from pypet.storage.hdf5.known_nodes import KnownNodes
from pypet.storage.hdf5.merge_service import MergeMethods
from pypet.storage.hdf5.ptutil import get_child, names_as_given
from pypet.storage.hdf5.settings import OVERVIEW_TABLES, HDF5Settings
from pypet.storage.hdf5.storing import TrajectoryFile, write_records
from pypet.storage.modes import NO_OVERWRITE, LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.records import LinkRecord, Record, RunOutcome, TrajectoryImage
from pypet.storage.service import (
    AttachedTrajectory,
    Capabilities,
    LoadSink,
    RunTableData,
    StorageService,
)

__all__ = ["HDF5StorageService"]

#: constructor keywords that switch groups of overview tables
OVERVIEW_SWITCHES = frozenset(OVERVIEW_TABLES.values())


_UTF8 = {"utf8", "utf-8", "utf_8", "UTF8", "UTF-8"}


def _warn_ineffective(settings: dict[str, Any]) -> None:
    """Warn once about pypet 0.7 settings that change nothing in our format."""
    from pypet.ineffective import warn_ineffective

    if settings.get("pandas_format", "fixed") in ("table", "t"):
        warn_ineffective("HDF5StorageService", "pandas_format", settings["pandas_format"])
    if settings.get("encoding", "utf8") not in _UTF8:
        warn_ineffective("HDF5StorageService", "encoding", settings["encoding"])
    if settings.get("display_time", 20) != 20:
        warn_ineffective("HDF5StorageService", "display_time", settings["display_time"])


class HDF5StorageService(MergeMethods, StorageService):
    """Stores trajectories in an HDF5 file (several trajectories per file).

    Parameters
    ----------
    filename : str, optional
        ``None`` → ``./hdf5/<trajectory name>.hdf5``; a folder gets ``<name>.hdf5``.
    file_title : str, optional
        HDF5 title of a new file (default: the trajectory name).
    overwrite_file : bool
        Delete an existing file first (done here, at construction, and logged).
    encoding, complevel, complib, shuffle, fletcher32, pandas_format,
    purge_duplicate_comments, summary_tables, small_overview_tables, large_overview_tables,
    results_per_run, derived_parameters_per_run, display_time
        pypet's settings; see :class:`~pypet.storage.hdf5.settings.HDF5Settings`.
        Default compression is zlib level 1 with shuffle: fast, and readable by any HDF5
        reader without plugins.
    trajectory : Trajectory, optional
        A trajectory to attach to: it gets this service and the ``config.hdf5`` entries.
    allow_pickle : bool
        Load the data of pickle leaves (``PickleResult``, ``PickleParameter``), as pypet does.
        ``False`` refuses them with :class:`~pypet.errors.UnsafeDataError`: use it for files
        from sources you do not trust (unpickling runs code from the file). Pickled data
        anywhere else is always refused, and listing or skeleton loads never unpickle.
        Not recorded in the file: it is the reader's choice.

    The file is checked once, when this service first opens it: a file that is not HDF5, is
    damaged, or holds pickled attributes is refused before PyTables reads it
    (``doc/file_safety.md``).
    """

    capabilities = Capabilities(run_table=True, merges=True)
    #: where the trajectory keeps this service's settings
    config_group = "config.hdf5"

    #: pypet 0.7's name of each overview-table switch -> the table (a public class attribute
    #: there; the switch of table ``t`` lives in ``config.hdf5.overview.t``)
    NAME_TABLE_MAPPING = {f"_overview_{t.removesuffix('_overview')}": t for t in OVERVIEW_TABLES}

    def __init__(self, filename: str | os.PathLike | None = None, file_title: str | None = None,
                 overwrite_file: bool = False, trajectory: AttachedTrajectory | None = None,
                 allow_pickle: bool = True, **settings: Any) -> None:
        unknown = set(settings) - set(HDF5Settings.field_names())
        if unknown:
            raise ValueError(f"Unknown HDF5StorageService keywords: {sorted(unknown)}.")
        self._settings = HDF5Settings(**settings)
        _warn_ineffective(settings)
        traj_name = trajectory.v_name if trajectory is not None else None
        self._filename = files.resolve_filename(filename, traj_name)
        self._file_title = file_title or traj_name or "Experiments"
        self._h5: tables.File | None = None
        self._trajectories: dict[str, TrajectoryFile] = {}
        self._allow_pickle = bool(allow_pickle)
        self._checked = False  # the file passed formats.check_file (or we created it)
        self._known = KnownNodes()  # what this service wrote (later stores skip it)
        if overwrite_file and os.path.exists(self._filename):
            import logging

            logging.getLogger("pypet.storage").info("Deleting %s (overwrite_file=True).",
                                                    self._filename)
            os.remove(self._filename)
        if trajectory is not None:
            self.attach(trajectory)

    @classmethod
    def keywords(cls) -> frozenset[str]:
        """``filename``, ``file_title``, ``overwrite_file``, ``trajectory``, ``allow_pickle``
        and the settings."""
        return frozenset({"filename", "file_title", "overwrite_file", "trajectory",
                          "allow_pickle", *HDF5Settings.field_names()})

    def attach(self, trajectory: AttachedTrajectory) -> None:
        """Become ``trajectory``'s service.

        The settings are recorded under ``config.hdf5`` when the trajectory is first stored
        (see :meth:`config_entries`), so loading a trajectory adopts the file's settings.
        """
        trajectory.v_storage_service = self

    def config_entries(self) -> dict[str, Any]:
        """The settings to record in the trajectory's config."""
        return self._settings.as_config()

    def adopt_config(self, entries: dict[str, Any]) -> None:
        """Take over settings from the trajectory's ``config.hdf5`` entries (relative names),
        as pypet does at every store and after loading."""
        self._settings = self._settings.adopting(entries)

    # --- settings as pypet properties -------------------------------------------------------
    @property
    def filename(self) -> str:
        """The HDF5 file."""
        return self._filename

    @filename.setter
    def filename(self, value: str) -> None:
        self._filename = files.resolve_filename(value, None)
        self._checked = False
        self._known = KnownNodes()

    @property
    def location(self) -> str:
        """The HDF5 file."""
        return self._filename

    @property
    def allow_pickle(self) -> bool:
        """Whether the data of pickle leaves is loaded (see the class docstring)."""
        return self._allow_pickle

    def _open_checked(self, mode: str) -> tables.File:
        """Open the file; it is checked only the first time (also in worker copies)."""
        h5 = files.open_file(self._filename, mode, self._file_title, check=not self._checked)
        self._checked = True
        return h5

    def __getattr__(self, name: str) -> Any:
        settings = self.__dict__.get("_settings")
        if settings is not None and name in HDF5Settings.field_names():
            return getattr(settings, name)
        raise AttributeError(f"HDF5StorageService has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in HDF5Settings.field_names() and "_settings" in self.__dict__:
            # pypet's settings are read/write properties; validate by rebuilding
            values = {f: getattr(self._settings, f) for f in HDF5Settings.field_names()}
            values[name] = value
            if name not in OVERVIEW_SWITCHES:
                values["tables"] = self._settings.tables
            object.__setattr__(self, "_settings", HDF5Settings(**values))
            return
        object.__setattr__(self, name, value)

    @property
    def is_open(self) -> bool:
        """Whether a session holds the file open."""
        return self._h5 is not None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_h5"], state["_trajectories"] = None, {}  # a file recipe travels, not a handle
        state["_known"] = KnownNodes()
        return state

    def __repr__(self) -> str:
        return f"<HDF5StorageService {self._filename!r}>"

    # --- file handling ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self, traj_name: str | None = None) -> Iterator[tables.File]:
        """Keep the file open (for writing) across calls; nested sessions reuse it."""
        if self._h5 is not None:
            yield self._h5
            return
        self._known.opening(self._filename)
        self._h5 = self._open_checked("a")
        try:
            yield self._h5
        finally:
            h5, self._h5 = self._h5, None
            self._trajectories = {}
            h5.close()
            self._known.closed(self._filename)

    def flush(self) -> None:
        """Hand what an open session buffered to the operating system."""
        if self._h5 is not None:
            self._h5.flush()

    @contextlib.contextmanager
    def _open(self, mode: str) -> Iterator[tables.File]:
        """The session's handle or the file opened for this call; writes (``mode='a'``)
        create nodes with the tree's names as given."""
        with names_as_given() if mode != "r" else contextlib.nullcontext():
            if self._h5 is not None:
                yield self._h5
                self._h5.flush()
                return
            if mode != "r":
                self._known.opening(self._filename)
            h5 = self._open_checked(mode)
            try:
                yield h5
                if mode != "r":
                    h5.flush()
            finally:
                self._trajectories = {}
                h5.close()
                if mode != "r":
                    self._known.closed(self._filename)

    def _trajectory_file(self, h5: tables.File, traj_name: str) -> TrajectoryFile:
        tfile = self._trajectories.get(traj_name)
        if tfile is None:
            group = get_child(h5.root, traj_name)
            if group is None:
                raise DataNotInStorageError(
                    f"The trajectory {traj_name!r} is not in {self._filename!r}; store it "
                    "first with traj.f_store()."
                )
            files.check_format(group)
            length = int(group._v_attrs["length"])
            tfile = TrajectoryFile(h5, group, self._settings, length,
                                   self._known.info_rows(traj_name))
            self._trajectories[traj_name] = tfile
        return tfile

    def top_level_names(self) -> list[str]:
        """Names of the top-level groups of the file (its trajectories and anything else
        there); empty if the file does not exist yet."""
        if self._h5 is None and not os.path.exists(self._filename):
            return []
        with self._open("r") as h5:
            return list(h5.root._v_children)

    # --- storing ---------------------------------------------------------------------------------
    def store_trajectory(self, image: TrajectoryImage, only_init: bool = False,
                         store_data: StoreMode = StoreMode.DATA) -> None:
        """Store metadata, the run table and (unless ``only_init``) every record."""
        with self._open("a") as h5:
            is_first = get_child(h5.root, image.name) is None
            try:
                tfile = TrajectoryFile.create(h5, image, self._settings,
                                              self._known.info_rows(image.name))
                self._trajectories[image.name] = tfile
                tfile.columns.ensure_length(image.length)
                # the explored columns (a million values each, compressed) are rewritten only
                # when a range changed or this service did not write them itself
                if image.ranges_changed or not self._known.explored_written(
                        image.name, image.explored_names, image.length):
                    tfile.write_explored(image)
                    tfile.overview.write_explorations(image.explored_names)
                # explored ranges that changed (expanded, shrunk) are part of the skeleton:
                # rewritten by every store, which STORE_DATA alone would never do
                for record in image.changed:
                    tfile.writer.replace_leaf(record)
                    self._known.replaced(image.name, record)
                if image.run_info is not None:
                    tfile.write_run_info(image.run_info)
                if not only_init:
                    self._write_records(image.name, tfile, image.records, store_data)
                tfile.flush()
                self._known.note_explored(image.name, image.explored_names, image.length)
            except BaseException:
                self._known.forget()
                # A first store that fails (e.g. on an unstorable item) leaves no half
                # trajectory behind, so fixing the item and storing again just works.
                self._trajectories.pop(image.name, None)
                if is_first and image.name in h5.root._v_children:
                    h5.remove_node(h5.root, image.name, recursive=True)
                raise

    def store_records(self, traj_name: str, records: Iterable[Record],
                      store_data: StoreMode = StoreMode.DATA,
                      overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Store records of an already stored trajectory."""
        with self._open("a") as h5:
            self._write_records(traj_name, self._trajectory_file(h5, traj_name), records,
                                store_data, overwrite)

    def _write_records(self, traj_name: str, tfile: TrajectoryFile, records: Iterable[Record],
                       store_data: StoreMode, overwrite: Overwrite = NO_OVERWRITE) -> None:
        """Write records, skipping those a ``STORE_DATA`` store would leave unchanged because
        this service wrote them before (:mod:`.known_nodes`)."""
        written: list[Record] = []
        if overwrite.items:
            self._known.forget()  # the named items go, whether the records bring them or not
        elif store_data == StoreMode.DATA and not overwrite:
            records = self._known.unwritten(traj_name, records, written)
        elif store_data == StoreMode.OVERWRITE or overwrite.every_item:
            # every item a record holds is in the file afterwards (stored ones stay)
            records = _collecting(records, written)
        try:
            write_records(tfile, records, store_data, overwrite)
        except BaseException:
            self._known.forget()
            raise
        self._known.note(traj_name, written)

    def store_runs(self, traj_name: str, outcomes: Sequence[RunOutcome], length: int,
                   replace: bool = False) -> None:
        """Store finished runs (their items and run information)."""
        if not outcomes:
            return
        with self._open("a") as h5:
            self._trajectory_file(h5, traj_name).store_runs(outcomes, length, replace)

    # --- loading ------------------------------------------------------------------------------------
    def load_trajectory(self, sink: LoadSink, name: str | None, index: int | None,
                        modes: LoadModes, max_depth: int | None = None,
                        with_run_information: bool = True, with_meta_data: bool = True,
                        force: bool = False) -> str:
        """Load a trajectory by name or index (negative indices count from the newest)."""
        from pypet.storage.hdf5 import legacy, loading  # only loads need them (start-up)

        with self._open("r") as h5:
            group = files.find_trajectory(h5, name, index, force)
            if legacy.is_pypet07(group):  # a file written by pypet 0.7
                legacy.load_into(sink, group, modes, max_depth, with_run_information,
                                 with_meta_data, self._allow_pickle)
            else:
                loading.load_trajectory(h5, group, sink, modes, max_depth,
                                        with_run_information, with_meta_data,
                                        self._allow_pickle)
            return group._v_name

    def load_records(self, sink: LoadSink, traj_name: str, full_names: Sequence[str],
                     load_data: LoadMode = LoadMode.DATA, recursive: bool = False,
                     max_depth: int | None = None, load_only: Sequence[str] | None = None,
                     load_except: Sequence[str] | None = None) -> int:
        """Load the nodes at ``full_names``; return how many were found."""
        from pypet.storage.hdf5 import legacy, loading

        with self._open("r") as h5:
            group = files.find_trajectory(h5, traj_name, None)
            if legacy.is_pypet07(group):  # a file written by pypet 0.7
                return legacy.load_parts(sink, group, full_names, load_data, recursive,
                                         max_depth, load_only, load_except, self._allow_pickle)
            return loading.load_parts(h5, group, sink, full_names, load_data, recursive,
                                      max_depth, load_only, load_except, self._allow_pickle)

    def trajectory_names(self) -> list[str]:
        """Names of the trajectories in the file (ours and pypet 0.7's), oldest first."""
        with self._open("r") as h5:
            return files.trajectory_names(h5)

    def is_pypet07(self, traj_name: str) -> bool:
        """Whether the trajectory ``traj_name`` in the file was written by pypet 0.7."""
        from pypet.storage.hdf5 import legacy

        with self._open("r") as h5:
            return legacy.is_pypet07(files.find_trajectory(h5, traj_name, None))

    def read_run_table(self, traj_name: str) -> RunTableData:
        """All run-table columns as ``{column: numpy array}`` plus their kinds."""
        from pypet.storage.hdf5 import legacy
        from pypet.storage.hdf5.run_table_reader import read_table

        with self._open("r") as h5:
            group = files.find_trajectory(h5, traj_name, None)
            if legacy.is_pypet07(group):  # a file written by pypet 0.7
                from pypet.storage.hdf5.legacy.run_table import read_table as read_legacy

                return read_legacy(group, self._allow_pickle)
            return read_table(group)

    def backup(self, traj_name: str, backup_filename: str | None = None) -> str:
        """Copy the trajectory's group into ``backup_filename`` (default: ``backup_<name>.hdf5``
        next to the file); return the backup's path."""
        if backup_filename is None:
            backup_filename = os.path.join(os.path.dirname(self._filename),
                                           f"backup_{traj_name}.hdf5")
        backup_filename = os.path.abspath(backup_filename)
        if backup_filename == self._filename:
            raise ValueError("The backup file must differ from the trajectory's file.")
        with self._open("r") as h5:
            group = files.find_trajectory(h5, traj_name, None)
            target = files.open_file(backup_filename, "a")
            try:
                if traj_name in target.root._v_children:
                    raise ValueError(
                        f"{backup_filename!r} already holds a trajectory {traj_name!r}; choose "
                        "another backup_filename."
                    )
                with names_as_given():
                    group._f_copy(newparent=target.root, recursive=True)
            finally:
                target.close()
        return backup_filename

    def set_aside_damaged(self, traj_name: str) -> str:
        """Rename the damaged file to ``<name>.damaged-<time>.hdf5`` (other trajectories in
        it stay there too); the trajectory is then stored into a new file."""
        stem, ext = os.path.splitext(self._filename)
        aside = f"{stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}{ext or '.hdf5'}"
        self._trajectories = {}
        os.replace(self._filename, aside)
        return aside

    # --- deleting ------------------------------------------------------------------------------------
    def delete_nodes(self, traj_name: str, full_names: Sequence[str], recursive: bool = False,
                     delete_only: Sequence[str] | None = None) -> None:
        """Remove nodes (or some items of a leaf) from the file."""
        self._known.forget()
        with self._open("a") as h5:
            tfile = self._trajectory_file(h5, traj_name)
            for full_name in full_names:
                tfile.delete(full_name, recursive, list(delete_only) if delete_only else None)

    def delete_links(self, traj_name: str, links: Sequence[LinkRecord]) -> None:
        """Remove links from the file."""
        self._known.forget()
        with self._open("a") as h5:
            writer = self._trajectory_file(h5, traj_name).writer
            for link in links:
                writer.delete(link.full_name)


def _collecting(records: Iterable[Record], written: list[Record]) -> Iterator[Record]:
    """``records``, each appended to ``written`` as it goes to the writer."""
    for record in records:
        written.append(record)
        yield record
