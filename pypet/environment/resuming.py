"""Setting up ``env.resume()``: the resume folder, its snapshot, the settings to resume with."""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypet.execution.resume_folder import Snapshot
    from pypet.settings.options import EnvironmentSettings

__all__ = ["open_snapshot", "resume_folder_argument"]


def resume_folder_argument(resume_folder: str | None, continue_folder: str | None) -> str | None:
    """``resume_folder``, or pypet's old name ``continue_folder`` with a warning."""
    if continue_folder is None:
        return resume_folder
    if resume_folder is not None:
        raise ValueError("Pass either resume_folder or continue_folder (old name).")
    warnings.warn("resume: the keyword 'continue_folder' is deprecated; use "
                  "'resume_folder'.", DeprecationWarning, stacklevel=3)
    return continue_folder


def open_snapshot(settings: EnvironmentSettings, name: str,
                  resume_folder: str | None) -> tuple[Snapshot, EnvironmentSettings]:
    """The snapshot of experiment ``name`` and the settings to resume it with (this
    environment's, made resumable on that folder)."""
    from pypet.execution.journal import FsyncPolicy
    from pypet.execution.resume_folder import ResumeFolder

    resume = settings.resume
    folder = ResumeFolder(resume_folder if resume_folder is not None else resume.resume_folder,
                          name, FsyncPolicy.of(resume.resume_fsync))
    snapshot = folder.read_snapshot()
    resumed = dataclasses.replace(resume, resumable=True, resume_folder=str(folder.base))
    return snapshot, dataclasses.replace(settings, resume=resumed)
