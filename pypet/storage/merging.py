"""What a backend needs to merge one trajectory into another: run renaming and the request.

The trajectory side plans a merge (which runs of the other trajectory are kept, how the
parameters grow) and hands the backend a :class:`MergeRequest`; the backend copies the
other trajectory's stored data in bulk and renames every run-scoped name with a
:class:`RunRenamer`. Both are plain data with pure-string logic, so backends and the
trajectory share one renaming rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pypet import constants as C

__all__ = ["MergeRequest", "MergeStats", "RunRenamer"]

_RUN = re.compile(rf"^{C.RUN_NAME}(\d{{{C.FORMAT_ZEROS}}})$")
_SET = re.compile(rf"^{C.SET_NAME}(\d{{{C.FORMAT_ZEROS_SET}}})$")


class RunRenamer:
    """Maps names of the merged (other) trajectory to names in the target.

    Run ``used[k]`` of the other trajectory becomes run ``start + k`` of the target; runs
    not in ``used`` (duplicates) are dropped. In a dotted name, every run name
    ``run_XXXXXXXX`` is renamed; a run-set name ``run_set_XXXXX`` takes the set of the run
    below it, or, with no run below it, the set of the first kept run it held (as pypet).
    ``custom`` maps names made by user wildcard functions (``{old: new}``, ``None`` for a
    dropped run). The dummies ``run_ALL``/``run_set_ALL`` stay.

    Parameters
    ----------
    used : array of int
        Sorted indices of the other trajectory's runs that are merged.
    start : int
        The target index of the first merged run (the target's length before the merge).
    custom : mapping, optional
        Names of user wildcards: old name -> new name (or None).
    """

    def __init__(self, used: Any, start: int,
                 custom: Mapping[str, str | None] | None = None) -> None:
        self.used = np.asarray(used, dtype=np.int64)
        if len(self.used) > 1 and not (np.diff(self.used) > 0).all():
            raise ValueError("RunRenamer needs sorted, unique run indices.")
        self.start = int(start)
        self.custom = dict(custom or {})

    def __len__(self) -> int:
        return len(self.used)

    def new_index(self, old: int) -> int | None:
        """The target index of the other trajectory's run ``old`` (None if dropped)."""
        pos = int(np.searchsorted(self.used, old))
        if pos < len(self.used) and int(self.used[pos]) == old:
            return self.start + pos
        return None

    def is_run_component(self, name: str) -> bool:
        """Whether ``name`` stands for one run or run set (and so is renamed)."""
        if name in self.custom:
            return True
        return (_RUN.match(name) is not None or _SET.match(name) is not None)

    def rename(self, full_name: str) -> str | None:
        """The target name of ``full_name`` (None when it belongs to a dropped run)."""
        if "run_" not in full_name and not self.custom:
            return full_name
        parts = self.rename_parts(full_name.split("."))
        return None if parts is None else ".".join(parts)

    def rename_parts(self, parts: list[str]) -> list[str] | None:
        """:meth:`rename` on name components."""
        out = list(parts)
        for pos, part in enumerate(parts):
            if part in self.custom:
                new = self.custom[part]
                if new is None:
                    return None
                out[pos] = new
                continue
            match = _RUN.match(part)
            if match is not None:
                new_idx = self.new_index(int(match.group(1)))
                if new_idx is None:
                    return None
                out[pos] = C.FORMATTED_RUN_NAME % new_idx
                continue
            match = _SET.match(part)
            if match is not None:
                new_set = self._set_of(parts[pos + 1:], int(match.group(1)))
                if new_set is None:
                    return None
                out[pos] = new_set
        return out

    def _set_of(self, below: list[str], old_set: int) -> str | None:
        for part in below:
            match = _RUN.match(part)
            if match is not None:
                new_idx = self.new_index(int(match.group(1)))
                return None if new_idx is None else _set_name(new_idx)
        first = old_set * C.RUNS_PER_SET
        pos = int(np.searchsorted(self.used, first))
        if pos < len(self.used) and int(self.used[pos]) < first + C.RUNS_PER_SET:
            return _set_name(self.start + pos)
        return None


def _set_name(idx: int) -> str:
    return C.FORMATTED_SET_NAME % (idx // C.RUNS_PER_SET)


@dataclass(frozen=True)
class MergeRequest:
    """Copy the stored data of trajectory ``other_name`` in ``other_filename`` into the target.

    Copied: the run table's result columns (rows of the kept runs, in bulk), everything
    stored below run groups (renamed by ``renamer``), leaves and groups outside runs that the
    target lacks, and links (their targets renamed). Not copied: the branches in
    ``skip_branches`` (the trajectory merges parameters and config itself), the nodes named in
    ``ignore`` (other trajectory's full names; everything below them too), and nodes the target
    already has outside runs. ``copies`` are extra ``(other name, target name)`` leaf copies
    and ``links`` extra links to create.

    ``move`` moves nodes instead of copying them when both trajectories share a file;
    ``slow`` copies item by item through Python values instead of HDF5 node copies;
    ``delete_other`` removes the other trajectory from its file once the merge is committed.
    """

    other_filename: str
    other_name: str
    renamer: RunRenamer
    ignore: frozenset[str] = frozenset()
    move: bool = False
    slow: bool = False
    delete_other: bool = False
    skip_branches: tuple[str, ...] = ("parameters", "config")
    copies: tuple[tuple[str, str], ...] = ()
    links: tuple[Any, ...] = ()  # LinkRecord


@dataclass
class MergeStats:
    """What one merge copied (for logs and tests)."""

    rows: int = 0  #: run-table rows appended
    run_nodes: int = 0  #: run groups or run-scoped leaves copied as nodes
    nodes: int = 0  #: leaves and groups outside runs copied
    links: int = 0  #: links created
    skipped: list[str] = field(default_factory=list)  #: names left out (already there, ...)
    fallback_templates: list[str] = field(default_factory=list)  #: columns copied row by row
