"""``compact_hdf5_file``: rewrite a file without the space freed by deletions (ptrepack)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

__all__ = ["compact_hdf5_file"]


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
    The original is kept as ``<file>_backup.hdf5`` unless ``keep_backup=False``. Returns
    ptrepack's exit code (0 on success).
    """
    from pypet.trajectory import Trajectory

    traj = Trajectory(filename=filename)
    traj.f_load(name=name, index=-1 if name is None and index is None else index,
                load_data=0)
    settings: Any = traj.v_storage_service
    backup = os.path.splitext(filename)[0] + "_backup.hdf5"
    os.replace(filename, backup)
    command = [_ptrepack(), "-v", f"--complevel={settings.complevel}",
               f"--complib={settings.complib}", f"--shuffle={int(bool(settings.shuffle))}",
               f"--fletcher32={int(bool(settings.fletcher32))}", f"{backup}:/", f"{filename}:/"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        os.replace(backup, filename)  # nothing lost: the original goes back
        raise RuntimeError(f"ptrepack failed ({result.returncode}): {result.stderr.strip()}")
    if not keep_backup:
        os.remove(backup)
    return result.returncode
