"""The Environment (``from pypet.environment import Environment``, pypet 0.7's path).

:mod:`.facade` holds the class; it only delegates to the focused modules here:
:mod:`.keywords` (ini files, trajectory properties, storage keywords), :mod:`.recording`
(git commit and Sumatra record), :mod:`.config_entries` (``config.environment.<name>``),
:mod:`.dry_run` and :mod:`.resuming`.
"""

from pypet.environment.facade import Environment

__all__ = ["Environment"]
