"""Old keyword names that pypet users still pass, declared once.

Each table maps an old name to its new name (or to ``None`` when the keyword is accepted
and ignored). :func:`rename_deprecated` applies a table with a ``DeprecationWarning``.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["ENVIRONMENT_KWARGS", "TRAJECTORY_KWARGS", "rename_deprecated"]

#: Environment constructor keywords of older pypet versions.
ENVIRONMENT_KWARGS: dict[str, str | None] = {
    "continuable": "resumable",
    "continue_folder": "resume_folder",
    "delete_continue": "delete_resume",
    "freeze_pool_input": "freeze_input",
    "use_hdf5": "storage_service",
    "dynamically_imported_classes": "dynamic_imports",
    "pandas_append": None,
    "log_level": "log_levels",
}

#: Trajectory method keywords of older pypet versions.
TRAJECTORY_KWARGS: dict[str, str | None] = {
    "dynamically_imported_classes": "dynamic_imports",
    "load_all": "load_data",
    "backwards_search": None,
    "where": None,
    "remove_empty_groups": None,
    "recursive_store": None,
    "new_name": None,
    "new_filename": None,
    "backup_filename": "backup",
    "move_nodes": "move_data",
    "ignore_trajectory_derived_parameters": None,
    "ignore_trajectory_results": None,
    "continue_folder": "resume_folder",
}


def rename_deprecated(kwargs: dict[str, Any], table: dict[str, str | None],
                      where: str, stacklevel: int = 3) -> dict[str, Any]:
    """Return ``kwargs`` with old names replaced (or dropped), warning once per name.

    ``stacklevel`` must point the warning at the user's line (Python shows deprecation
    warnings only for code in ``__main__``).
    """
    if not kwargs or not any(key in table for key in kwargs):
        return kwargs
    result = {}
    for key, value in kwargs.items():
        if key not in table:
            result[key] = value
            continue
        new = table[key]
        if new is None:
            warnings.warn(f"{where}: the keyword {key!r} is no longer used and is ignored.",
                          DeprecationWarning, stacklevel=stacklevel)
            continue
        if new in kwargs:
            raise ValueError(f"{where}: pass either {key!r} (old name) or {new!r}, not both.")
        warnings.warn(f"{where}: the keyword {key!r} is deprecated; use {new!r}.",
                      DeprecationWarning, stacklevel=stacklevel)
        result[new] = value
    return result
