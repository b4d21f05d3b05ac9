"""``compact_hdf5_file``: rewrite a file without the space freed by deletions (ptrepack)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from pypet.storage.modes import LoadMode, LoadModes
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunInfo

__all__ = ["compact_hdf5_file"]

_NOTHING = LoadModes(LoadMode.NOTHING, LoadMode.NOTHING, LoadMode.NOTHING, LoadMode.NOTHING)


class _SettingsSink:
    """A load sink that keeps only the storage settings (``config.hdf5.*``) it is fed."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    def meta(self, meta: dict[str, Any]) -> None:
        pass

    def runs(self, length: int, info: RunInfo | None) -> None:
        pass

    def explored(self, names: list[str]) -> None:
        pass

    def node(self, record: GroupRecord | LeafRecord, mode: LoadMode) -> None:
        if isinstance(record, LeafRecord) and "data" in record.data:
            self.entries[record.full_name.rpartition(".")[2]] = record.data["data"]

    def run_leaves(self, template: str, class_name: str, comment: str, rows: Any,
                   mode: LoadMode) -> None:
        pass

    def link(self, record: LinkRecord) -> None:
        pass


def _ptrepack() -> str:
    """The ptrepack executable that came with PyTables (next to this Python first)."""
    beside = os.path.join(os.path.dirname(sys.executable), "ptrepack")
    found = beside if os.path.exists(beside) else shutil.which("ptrepack")
    if found is None:
        raise FileNotFoundError("ptrepack (part of PyTables) was not found on this system.")
    return found


def compact_hdf5_file(filename: str, name: str | None = None, index: int | None = None,
                      keep_backup: bool = True) -> int:
    """Rewrite ``filename`` compactly with the compression settings of its trajectory.

    HDF5 does not give back the space of deleted nodes; copying the file does. The
    settings come from trajectory ``name`` (or ``index``; default: the newest) in the file.
    The copy is written next to the file and replaces it only if it is smaller, so the file
    never grows; no temporary file is left behind, also when ptrepack fails. With
    ``keep_backup`` (pypet's default) the original is kept as ``<file>_backup.hdf5`` when it
    was replaced. Returns ptrepack's exit code (0 on success).
    """
    from pypet.storage.hdf5.service import HDF5StorageService

    filename = os.path.abspath(filename)
    settings: Any = HDF5StorageService(filename)  # checks the file before anything reads it
    sink = _SettingsSink()
    found = settings.load_trajectory(sink, name, -1 if name is None and index is None else index,
                                     _NOTHING, max_depth=0, with_run_information=False,
                                     with_meta_data=False)
    group = settings.config_group
    settings.load_records(sink, found, [group], recursive=True)
    settings.adopt_config(sink.entries)
    folder = tempfile.mkdtemp(prefix=".pypet_compact_", dir=os.path.dirname(filename))
    try:
        compacted = os.path.join(folder, os.path.basename(filename))
        command = [_ptrepack(), f"--complevel={settings.complevel}",
                   f"--complib={settings.complib}", f"--shuffle={int(bool(settings.shuffle))}",
                   f"--fletcher32={int(bool(settings.fletcher32))}", f"{filename}:/",
                   f"{compacted}:/"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"ptrepack failed ({result.returncode}) on {filename!r}; the file is "
                f"unchanged: {result.stderr.strip()}"
            )
        if os.path.getsize(compacted) < os.path.getsize(filename):
            if keep_backup:
                backup = os.path.splitext(filename)[0] + "_backup.hdf5"
                shutil.copy2(filename, backup)
            os.replace(compacted, filename)  # atomic: the file is old or new, never half
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0
