"""Finding what would make reading a file run foreign code, before PyTables opens it.

PyTables unpickles an attribute as soon as it builds a node's attribute set (on opening the
file for the root group): every scalar ASCII string attribute that ends with ``.`` is handed to
``pickle.loads``. It also unpickles the rows of a variable-length array whose ``PSEUDOATOM`` is
``object``. Our own codec unpickles only ``pypet_kind = "pickle"`` nodes, which pypet writes
only as the items of pickle leaves (``PickleResult``, ``PickleParameter``).

:func:`scan` reads the raw attributes with h5py, which never unpickles, and reports each of
these places. pypet's own format writes none of the first two, so a report means the file was
made elsewhere (or altered). See ``doc/file_safety.md`` for the threat model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["NEVER_PICKLING_LEAVES", "Finding", "describe", "scan"]

#: leaf classes of pypet that never store pickled items (a pickle below one was planted)
NEVER_PICKLING_LEAVES = frozenset({
    "Parameter", "ArrayParameter", "SparseParameter", "BaseParameter",
    "Result", "SparseResult", "ObjectTable", "BaseResult",
})
#: PyTables leaves these two alone although they end with "." (its workaround for ticket #253)
_NOT_PICKLES = (b"0", b"0.")
_KIND, _LEAF, _PICKLED = b"pypet_kind", b"pypet_leaf", b"pypet_pickled"


@dataclass(frozen=True)
class Finding:
    """One place that would unpickle: the HDF5 path, the attribute (if any) and why."""

    path: str
    attribute: str | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.attribute is None else f"{self.path} (attribute {self.attribute!r})"
        return f"{where}: {self.reason}"


def describe(findings: list[Finding], limit: int = 3) -> str:
    """The first ``limit`` findings as text, with a count of the rest."""
    text = "; ".join(str(f) for f in findings[:limit])
    if len(findings) > limit:
        text += f"; and {len(findings) - limit} more"
    return text


def scan(fid: Any) -> list[Finding]:
    """Every place in the open h5py file (low-level ``FileID``) that would unpickle."""
    from h5py import h5a, h5o

    findings: list[Finding] = []
    pickle_nodes: list[str] = []

    def check(oid: Any, path: str) -> None:
        def attribute(name: bytes, info: Any) -> None:
            aid = h5a.open(oid, name)
            reason = _attribute_problem(aid, name)
            if reason is not None:
                findings.append(Finding(path, name.decode("utf8", "replace"), reason))
            elif name == _KIND and _may_say_pickle(aid, info) and _read_text(aid) == b"pickle":
                pickle_nodes.append(path)

        h5a.iterate(oid, attribute, info=True)

    def visit(name: bytes, info: Any) -> None:
        if info.num_attrs:
            check(h5o.open(fid, name), "/" + name.decode("utf8", "replace"))

    check(h5o.open(fid, b"/"), "/")
    h5o.visit(fid, visit, info=True)
    findings.extend(_misplaced_pickles(fid, pickle_nodes))
    return findings


def _attribute_problem(aid: Any, name: bytes) -> str | None:
    """Why PyTables would unpickle this attribute, or None."""
    from h5py import h5s, h5t

    kind = aid.get_type()
    if kind.get_class() != h5t.STRING:
        return None
    if name == b"PSEUDOATOM":
        if _read_text(aid).decode("utf8", "replace").strip() == "object":
            return "a PyTables array of pickled objects (PSEUDOATOM 'object')"
        return None
    if kind.get_cset() != h5t.CSET_ASCII or \
            aid.get_space().get_simple_extent_type() != h5s.SCALAR:
        return None  # PyTables returns UTF-8 text and arrays as they are
    value = _read_text(aid)
    if value and value.endswith(b".") and value not in _NOT_PICKLES and \
            not _inert_pickle(value):
        return "a pickled value (PyTables would unpickle it)"
    return None


#: pickle opcodes that only build plain constants and containers: a pickle made of these
#: alone imports nothing and calls nothing, so unpickling it cannot run code. (pandas, and
#: with it pypet 0.7, leaves such pickles behind, e.g. ``N.``: the pickled None of an
#: unnamed axis.)
_INERT_OPCODES = frozenset({
    "PROTO", "FRAME", "STOP", "MARK", "POP", "POP_MARK", "DUP",
    "PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE", "GET", "BINGET", "LONG_BINGET",
    "NONE", "NEWTRUE", "NEWFALSE", "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1",
    "LONG4", "FLOAT", "BINFLOAT", "STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE",
    "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "BINBYTES", "SHORT_BINBYTES",
    "BINBYTES8", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "EMPTY_LIST", "LIST",
    "APPEND", "APPENDS", "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS", "EMPTY_SET",
    "ADDITEMS", "FROZENSET",
})


def _inert_pickle(value: bytes) -> bool:
    """Whether ``value`` is a pickle of plain constants only (read, never executed)."""
    import pickletools

    try:
        return all(op.name in _INERT_OPCODES for op, _, _ in pickletools.genops(value))
    except Exception:  # not a well-formed pickle: let the caller treat it as one
        return False


def _may_say_pickle(aid: Any, info: Any) -> bool:
    """Cheap pre-check before reading a ``pypet_kind`` value (read only when it may match)."""
    kind = aid.get_type()
    variable = getattr(kind, "is_variable_str", None)
    return (variable is not None and variable()) or info.data_size == len(b"pickle")


def _read_text(aid: Any) -> bytes:
    """The raw bytes of a string attribute (fixed or variable length), NULs stripped."""
    import numpy as np

    if aid.get_space().get_simple_extent_type() != 0:  # 0: scalar; arrays are not text
        return b""
    value = np.zeros((), dtype=aid.dtype)
    aid.read(value)
    raw = value[()]
    if isinstance(raw, str):
        raw = raw.encode("utf8", "surrogatepass")
    return bytes(raw).rstrip(b"\x00") if raw is not None else b""


def _misplaced_pickles(fid: Any, paths: list[str]) -> list[Finding]:
    """Pickled nodes that are not the items of a pickle leaf."""
    from h5py import h5a, h5o

    found = []
    for path in paths:
        node = h5o.open(fid, path.encode("utf8"))
        owner, owner_path = node, path
        if not h5a.exists(node, _LEAF):  # an item of a leaf group: the group is the leaf
            owner_path = path.rpartition("/")[0] or "/"
            owner = h5o.open(fid, owner_path.encode("utf8"))
        if not h5a.exists(owner, _LEAF):
            found.append(Finding(path, None, "a pickled value outside any pickle leaf"))
            continue
        leaf_class = _read_text(h5a.open(owner, _LEAF)).decode("utf8", "replace")
        if leaf_class in NEVER_PICKLING_LEAVES or not h5a.exists(owner, _PICKLED):
            found.append(Finding(path, None, f"a pickled value in a {leaf_class!r} leaf, "
                                             "which never stores pickles"))
    return found
