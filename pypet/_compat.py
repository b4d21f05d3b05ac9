"""The one door for each optional or heavy dependency: imported lazily, with clear errors."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]

_HINTS = {
    "psutil": "pip install psutil (needed for ncores=0 and cpu/memory/swap caps)",
    "dill": "pip install dill (needed for resumable=True)",
    "git": "pip install gitpython (needed for git_repository=...)",
    "sumatra": "pip install 'pypet[sumatra]' (needed for sumatra_project=...)",
    "dask": "pip install 'pypet[dask]' (needed for executor='dask')",
    "distributed": "pip install 'pypet[dask]' (needed for executor='dask')",
}


def require(module: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        hint = _HINTS.get(module.partition(".")[0], f"pip install {module}")
        raise ImportError(f"{module} is not available: {hint}.") from error
