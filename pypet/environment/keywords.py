"""The Environment's keywords beyond its settings: an ini file's, trajectory properties
(``v_auto_load=True``), storage keywords (``filename``, ``complevel`` ...), unknown ones."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from pypet.settings.deprecations import ENVIRONMENT_KWARGS, rename_deprecated
from pypet.storage.factory import make_service

if TYPE_CHECKING:
    from pypet.settings.ini import IniExperiment
    from pypet.settings.options import EnvironmentSettings
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["apply_trajectory_properties", "attach_storage", "with_ini_keywords"]

#: the keywords of pypet's simple logging (an ini file's logging sections are then unused)
_SIMPLE_LOGGING = ("log_folder", "logger_names", "log_levels", "log_level", "log_multiproc")


def with_ini_keywords(ini: IniExperiment, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keywords with the ini file's added (keywords passed here win, as in pypet); its
    logging sections become ``log_config`` if nothing else configures logging."""
    # Old names in the file are renamed with a warning that names the file; the warning
    # points at the user's Environment(...) line (rename <- here <- __init__ <- user).
    keywords = rename_deprecated(ini.keywords, ENVIRONMENT_KWARGS,
                                 f"config file {ini.origin}", stacklevel=4)
    for old, new in ENVIRONMENT_KWARGS.items():
        if new is not None and old in ini.sections_of:
            ini.sections_of[new] = ini.sections_of[old]
    merged = {**keywords, **kwargs}
    if ini.logging is not None and "log_config" not in merged and \
            not any(key in merged for key in _SIMPLE_LOGGING):
        merged["log_config"] = ini.logging
    return merged


def apply_trajectory_properties(traj: Trajectory, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Set the keywords that are trajectory properties (``v_auto_load`` or ``auto_load``);
    return the others."""
    rest = {}
    cls = type(traj)
    for key, value in kwargs.items():
        name = key if key.startswith("v_") else "v_" + key
        if hasattr(cls, name) and not callable(getattr(cls, name)):
            traj.f_set_properties(**{name: value})
        else:
            rest[key] = value
    return rest


def attach_storage(traj: Trajectory, settings: EnvironmentSettings, kwargs: dict[str, Any],
                   ini: IniExperiment | None) -> None:
    """Give ``traj`` its storage service from the storage keywords; refuse what is left."""
    if settings.run.lazy_debug and "pydevd" in sys.modules:
        from pypet.storage.null import LazyStorageService

        traj.v_storage_service = LazyStorageService()
        kwargs = {}
    if traj.v_storage_service is None:
        service, kwargs = make_service(settings.storage.storage_service or True,
                                       trajectory=traj, **kwargs)
        traj.v_storage_service = service
    if not kwargs:
        return
    from pypet.storage.hdf5.settings import HDF5Settings

    storage_words = {"filename", "file_title", "overwrite_file", *HDF5Settings.field_names()}
    if traj.v_storage_service is not None and storage_words & set(kwargs):
        raise ValueError(
            f"The trajectory already has a storage service, so the storage keywords "
            f"{sorted(kwargs)} cannot be used; set them on its service instead."
        )
    hint = " (psweep's simulate is dry_run=True here)" if "simulate" in kwargs else ""
    where = "".join(f" ({key} from {ini.where(key)})" for key in sorted(kwargs)
                    if ini is not None and key in ini.sections_of)
    raise ValueError(
        f"Unknown keyword arguments for the Environment: {sorted(kwargs)}{where}{hint}. "
        "Check the spelling (storage keywords and trajectory properties are accepted too)."
    )
