"""Constants with pypet 0.7's names (also importable as ``pypet.pypetconstants``)."""

from __future__ import annotations

import sys

# --- load and store modes --------------------------------------------------------------
LOAD_NOTHING = 0
LOAD_SKELETON = 1
LOAD_DATA = 2
OVERWRITE_DATA = 3
UPDATE_SKELETON = 1  # deprecated alias kept by pypet
UPDATE_DATA = 2  # deprecated alias kept by pypet
STORE_NOTHING = 0
STORE_DATA_SKIPPING = 1
STORE_DATA = 2

# --- runs and wildcards -----------------------------------------------------------------
RUN_NAME = "run_"
FORMAT_ZEROS = 8
FORMATTED_RUN_NAME = RUN_NAME + "%0" + str(FORMAT_ZEROS) + "d"
RUN_NAME_DUMMY = "run_ALL"
SET_NAME = "run_set_"
FORMAT_ZEROS_SET = 5
FORMATTED_SET_NAME = SET_NAME + "%0" + str(FORMAT_ZEROS_SET) + "d"
SET_NAME_DUMMY = "run_set_ALL"
RUNS_PER_SET = 1000
WILDCARD = "$"
WILDCARD_SET = "$set"
RUN_GROUP = "runs"

# --- multiprocessing wrap modes ---------------------------------------------------------
MULTIPROC_MODE_QUEUE = "QUEUE"
MULTIPROC_MODE_LOCK = "LOCK"
MULTIPROC_MODE_PIPE = "PIPE"
MULTIPROC_MODE_LOCAL = "LOCAL"
MULTIPROC_MODE_NETLOCK = "NETLOCK"
MULTIPROC_MODE_NETQUEUE = "NETQUEUE"
MULTIPROC_MODE_NONE = "NONE"
# pypet 0.7's names for the same modes
WRAP_MODE_QUEUE = MULTIPROC_MODE_QUEUE
WRAP_MODE_LOCK = MULTIPROC_MODE_LOCK
WRAP_MODE_PIPE = MULTIPROC_MODE_PIPE
WRAP_MODE_LOCAL = MULTIPROC_MODE_LOCAL
WRAP_MODE_NETLOCK = MULTIPROC_MODE_NETLOCK
WRAP_MODE_NETQUEUE = MULTIPROC_MODE_NETQUEUE
WRAP_MODE_NONE = MULTIPROC_MODE_NONE
WRAP_MODES = (
    MULTIPROC_MODE_QUEUE,
    MULTIPROC_MODE_LOCK,
    MULTIPROC_MODE_PIPE,
    MULTIPROC_MODE_LOCAL,
    MULTIPROC_MODE_NETLOCK,
    MULTIPROC_MODE_NETQUEUE,
    MULTIPROC_MODE_NONE,
)

# --- storage messages and flags (names kept for user code that imports them) ------------
LEAF = "LEAF"
GROUP = "GROUP"
TRAJECTORY = "TRAJECTORY"
SINGLE_RUN = "SINGLE_RUN"
TREE = "TREE"
LIST = "LIST"
DELETE = "DELETE"
DELETE_LINK = "DELETE_LINK"
BACKUP = "BACKUP"
MERGE = "MERGE"
PREPARE_MERGE = "PREPARE_MERGE"
ACCESS_DATA = "ACCESS_DATA"
OPEN_FILE = "OPEN_FILE"
CLOSE_FILE = "CLOSE_FILE"
FLUSH = "FLUSH"
ARRAY = "ARRAY"
CARRAY = "CARRAY"
EARRAY = "EARRAY"
VLARRAY = "VLARRAY"
TABLE = "TABLE"
DICT = "DICT"
FRAME = "FRAME"
SERIES = "SERIES"

# --- limits of the old overview tables (kept for compatibility of user code) -------------
HDF5_STRCOL_MAX_NAME_LENGTH = 128
HDF5_STRCOL_MAX_LOCATION_LENGTH = 512
HDF5_STRCOL_MAX_VALUE_LENGTH = 64
HDF5_STRCOL_MAX_COMMENT_LENGTH = 512
HDF5_STRCOL_MAX_RANGE_LENGTH = 1024
HDF5_STRCOL_MAX_RUNTIME_LENGTH = 18
HDF5_MAX_OVERVIEW_TABLE_LENGTH = 1000

# --- logging ------------------------------------------------------------------------------
DEFAULT_LOGGING = "DEFAULT"
LOG_ENV = "$env"
LOG_TRAJ = "$traj"
LOG_RUN = "$run"
LOG_SET = "$set"
LOG_PROC = "$proc"
LOG_HOST = "$host"

# --- misc ---------------------------------------------------------------------------------
PYTHON_VERSION = sys.version_info
MAX_NAME_LENGTH = 128  # the last name component must be shorter than this
#: item of the Pickle* leaves' ``_store()`` dict that carries the pickle protocol
PICKLE_PROTOCOL_KEY = "__pckl_prtcl__"
#: file name extensions that select the HDF5 storage (as in pypet)
HDF5_EXTENSIONS = (".hdf", ".h4", ".hdf4", ".he2", ".h5", ".hdf5", ".he5")
