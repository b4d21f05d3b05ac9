"""Names of the value encoding: attributes, kind strings, reserved child names, limits.

``doc/file_format_codec.md`` is the specification; this module mirrors it one-to-one so
that no other module spells an attribute or kind string itself.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ATTR",
    "CHILD",
    "child_path",
    "CHUNK_THRESHOLD_BYTES",
    "CODEC_VERSION",
    "CODEC_VERSION_ATTR",
    "KIND",
    "MAX_ATTR_CHARS",
    "UTF8",
]

#: Version of the value encoding. The storage layer records it once per file (under
#: :data:`CODEC_VERSION_ATTR`), not per node: every attribute costs ~30 µs to write.
CODEC_VERSION = 1
CODEC_VERSION_ATTR = "pypet_codec"

#: Arrays bigger than this are written chunked with the caller's filters; smaller ones
#: are contiguous, because chunking and compression only cost time at that size.
CHUNK_THRESHOLD_BYTES = 4096

#: Text is UTF-8; 'surrogatepass' keeps the lone surrogates a Python str may hold.
UTF8 = ("utf-8", "surrogatepass")

#: JSON attributes longer than this go into a child dataset instead: HDF5 refuses
#: attributes near 64 KiB in the default (compact) attribute storage.
MAX_ATTR_CHARS = 16384


class ATTR:
    """HDF5 attribute names. Only ``KIND`` is on every node; the others appear on demand."""

    KIND = "pypet_kind"  #: the stored form and Python type (one of :class:`KIND`)
    DTYPE = "pypet_dtype"  #: numpy ``dtype.str`` when the on-disk dtype differs from it
    ELEM = "pypet_elem"  #: element kind of a sequence stored as one dataset
    SHAPE = "pypet_shape"  #: JSON list, shape of object and structured arrays
    KEYS = "pypet_keys"  #: JSON list of dict keys in insertion order
    NAME = "pypet_name"  #: JSON label, name of a Series or Index (absent = None)
    NAMES = "pypet_names"  #: JSON list, level names of a MultiIndex
    FREQ = "pypet_freq"  #: frequency string of a DatetimeIndex/TimedeltaIndex
    ORDERED = "pypet_ordered"  #: 1 for an ordered Categorical (absent = unordered)
    TZ = "pypet_tz"  #: time zone of tz-aware datetimes
    CLASS = "pypet_class"  #: scipy.sparse class name
    PROTOCOL = "pypet_protocol"  #: pickle protocol of the pickled form


class KIND:
    """Values of ``pypet_kind``. Each names exactly one Python type (or stored form)."""

    NONE = "none"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    COMPLEX = "complex"
    STR = "str"
    BYTES = "bytes"
    NP_STR = "numpy.str_"
    NP_BYTES = "numpy.bytes_"
    NP_SCALAR = "numpy.scalar"  # every other numpy scalar; the dtype says which
    NDARRAY = "numpy.ndarray"
    MATRIX = "numpy.matrix"
    OBJECT_ARRAY = "numpy.object_array"
    LIST = "list"
    TUPLE = "tuple"
    DICT = "dict"
    FRAME = "pandas.DataFrame"
    SERIES = "pandas.Series"
    INDEX = "pandas.Index"
    RANGE_INDEX = "pandas.RangeIndex"
    MULTI_INDEX = "pandas.MultiIndex"
    CATEGORICAL = "pandas.Categorical"
    MASKED = "pandas.masked"  # nullable (NA-aware) arrays: Int64, boolean, string, ...
    DATETIME_TZ = "pandas.DatetimeTZ"
    SPARSE = "scipy.sparse"
    PICKLE = "pickle"


class CHILD:
    """Reserved child names. They start with ``_`` or are fixed words, so they never
    collide with children named after dict keys or column labels (those start with a
    letter) or with escaped positions (``_<i>``)."""

    INDEX = "__index__"  # row index of a DataFrame
    COLUMNS = "__columns__"  # column index of a DataFrame
    SERIES_INDEX = "index"
    VALUES = "values"
    MASK = "mask"
    CODES = "codes"
    CATEGORIES = "categories"
    LIST_ITEM = "i%d"  # elements of a list, tuple or object array stored one node each
    ESCAPED = "_%d"  # dict entry / column whose label cannot be a node name
    LEVEL = "l%d"  # MultiIndex level i
    LEVEL_CODES = "c%d"  # MultiIndex codes of level i
    JSON_OVERFLOW = "__%s__"  # a JSON attribute too long for HDF5, e.g. __pypet_keys__


def child_path(parent: Any, name: str) -> str:
    """HDF5 path of child ``name`` of the PyTables group ``parent`` (for messages)."""
    return f"{parent._v_pathname.rstrip('/')}/{name}"
