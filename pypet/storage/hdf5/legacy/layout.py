"""The names pypet 0.7 wrote into its HDF5 files, and how to recognise its trajectories.

Facts about pypet 0.7's layout (see ``doc/file_format.md``, "Files written by pypet 0.7"):
a trajectory is a top-level group with an ``overview`` group holding the tables ``info``,
``runs`` and ``explorations``; tree groups and leaf groups carry ``SRVC_*`` attributes; every
data node of a leaf carries ``SRVC_STORE`` (how it was stored) and, for plain data,
``SRVC_DATA_COLL_TYPE``/``SRVC_DATA_SCALAR_TYPE`` (which Python type to recall).
"""

from __future__ import annotations

import tables

from pypet.storage.hdf5.layout import TRAJ
from pypet.storage.hdf5.ptutil import get_child

__all__ = ["ATTR", "STORE", "is_pypet07", "timestamp_of"]


class ATTR:
    """Attribute names of pypet 0.7's nodes."""

    LEAF = "SRVC_LEAF"
    CLASS_NAME = "SRVC_INIT_CLASS_NAME"
    COMMENT = "SRVC_INIT_COMMENT"
    ANNOTATION = "SRVC_AN_"  #: prefix of an annotation attribute
    STORE = "SRVC_STORE"
    COLL_TYPE = "SRVC_DATA_COLL_TYPE"
    SCALAR_TYPE = "SRVC_DATA_SCALAR_TYPE"
    COLUMN = "SRVC_COLUMN_"  #: ``SRVC_COLUMN_<col>_COLL_TYPE`` / ``..._SCALAR_TYPE`` of a table


class STORE:
    """Values of ``SRVC_STORE``: the form one item of a leaf was stored in."""

    ARRAYS = ("ARRAY", "CARRAY", "EARRAY", "VLARRAY")
    TABLE = "TABLE"
    DICT = "DICT"
    FRAME = "FRAME"
    SERIES = "SERIES"
    NESTED = "NESTED_GROUP"
    SHARED_PREFIX = "SHARED_DATA_"


def is_pypet07(group: tables.Node) -> bool:
    """Whether ``group`` is a trajectory written by pypet 0.7 (and earlier 0.x versions)."""
    if not isinstance(group, tables.Group) or TRAJ.FORMAT in group._v_attrs:
        return False  # ours (which may carry pypet's overview tables too)
    overview = get_child(group, "overview")
    return (overview is not None and isinstance(get_child(overview, "info"), tables.Table)
            and isinstance(get_child(overview, "runs"), tables.Table))


def timestamp_of(group: tables.Group) -> float:
    """The creation time of a pypet 0.7 trajectory (orders the trajectories of a file)."""
    return float(group._v_children["overview"]._v_children["info"].col("timestamp")[0])
