"""The trajectory-level layout of our HDF5 format, mirrored one-to-one in doc/file_format.md.

Value encoding (one Python value ↔ HDF5 nodes) lives in :mod:`.codec`; this module names
the groups and attributes around it and maps tree names to HDF5 paths.
"""

from __future__ import annotations

from pypet.runnames import is_run_name, is_set_name, set_name

__all__ = [
    "BUCKET_PREFIX",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "NODE",
    "RUNS",
    "TRAJ",
    "hdf5_path",
    "tree_name",
]

FORMAT_NAME = "pypet"
#: Bumped on any change that older readers cannot read. Loading refuses newer versions.
FORMAT_VERSION = 1


class TRAJ:
    """Attributes of the trajectory's top-level group ``/<name>``."""

    FORMAT = "pypet_format"  #: always FORMAT_NAME; marks a group as a pypet trajectory
    VERSION = "pypet_format_version"
    NAME = "name"
    TIMESTAMP = "timestamp"
    TIME = "time"
    COMMENT = "comment"
    PYPET_VERSION = "pypet_version"
    PYTHON = "python_version"
    LENGTH = "length"  #: number of runs


class NODE:
    """Attributes of tree nodes (on HDF5 groups, or on the dataset of a compact leaf)."""

    LEAF = "pypet_leaf"  #: class name of a leaf; its presence marks the node as a leaf
    ITEM = "pypet_item"  #: compact leaf: name of its single item when it differs from the leaf
    GROUP = "pypet_group"  #: class name of a group with a non-default class
    COMMENT = "pypet_comment"
    ANNOTATION = "pypet_ann_"  #: prefix of an annotation that is a plain Python scalar
    ANNOTATION_JSON = "pypet_annj_"  #: prefix of any other annotation (tagged JSON text)
    PICKLED = "pypet_pickled"  #: leaf whose items are stored in the pickled form
    ORDER = "pypet_order"  #: leaf group: JSON list of its item names in insertion order


#: HDF5 groups named ``_set_00000`` only bucket run groups (1000 per bucket). They are not
#: part of the tree: a leading underscore is never a valid tree name, so the mapping between
#: tree names and HDF5 paths is unambiguous both ways.
BUCKET_PREFIX = "_set_"


class RUNS:
    """The run table ``/<traj>/overview/runs``: one 1-D dataset per column, one row per run."""

    OVERVIEW = "overview"
    TABLE = "runs"
    EXPLORED = "explored"  #: dataset below overview: full names of the explored parameters
    PRESENT = "_present"  #: subgroup of the run table: presence masks of run-result leaves
    IDX = "idx"
    COMPLETED = "completed"
    START = "start"
    FINISH = "finish"
    RUNTIME = "runtime"
    HEXSHA = "hexsha"
    FAILED = "failed"  #: 1 if the run's last attempt raised (its error is in FAILURES)
    FAILURES = "failures"  #: VL-string array below overview: one JSON object per failure
    #: attributes of a column dataset
    COLUMN = "pypet_column"  #: 'info', 'explored' or 'result'
    ITEM = "pypet_item"
    LEAF = "pypet_leaf"  #: class name of the leaf
    COMMENT = "pypet_comment"
    KIND = "pypet_kind"  #: how to turn a cell back into the exact Python value
    ITEMS = "pypet_items"  #: presence mask: JSON ``{item: column}`` of the leaf


def hdf5_path(full_name: str) -> list[str]:
    """HDF5 path components (below the trajectory group) of a tree node.

    A run group ``run_XXXXXXXX`` that is not already inside a run set (``$set``) is put into
    a bucket ``_set_XXXXX`` of 1000 runs, so no HDF5 group gets thousands of children.
    """
    if not full_name:
        return []
    parts = full_name.split(".")
    if "run_" not in full_name:
        return parts
    out: list[str] = []
    for part in parts:
        if is_run_name(part) and part != "run_ALL" and not (out and is_set_name(out[-1])):
            out.append(BUCKET_PREFIX + set_name(int(part[4:]))[len("run_set_"):])
        out.append(part)
    return out


def tree_name(components: list[str]) -> str:
    """Tree full name of HDF5 path components (buckets dropped)."""
    return ".".join(c for c in components if not c.startswith(BUCKET_PREFIX))
