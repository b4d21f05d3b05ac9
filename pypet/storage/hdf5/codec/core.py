"""Dispatch of the codec: exact Python type → writer, ``pypet_kind`` → reader.

Dispatch is on ``type(value)`` exactly, never ``isinstance``: a subclass (an IntEnum, an
OrderedDict, a masked array) would not come back as itself, so it is refused rather than
silently changed. The pandas and scipy forms are imported on first use, so importing the
codec imports neither.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import tables

from pypet.errors import CodecError, NodeExistsError
from pypet.storage.hdf5.codec import array, containers, pickled, scalar
from pypet.storage.hdf5.codec.spec import ATTR, CODEC_VERSION, KIND, child_path

__all__ = ["Writer", "read_node", "why_unsupported", "write_value"]

WriteFn = Callable[["Writer", tables.Group, str, Any], tables.Node]
ReadFn = Callable[[tables.Node, Callable[[tables.Node], Any]], Any]
CheckFn = Callable[[Any, Callable[[Any], "str | None"]], "str | None"]

_WRITERS: dict[type, WriteFn] = {**scalar.WRITERS, **containers.WRITERS, **array.WRITERS}
_CHECKS: dict[type, CheckFn] = {**scalar.CHECKS, **containers.CHECKS, **array.CHECKS}
_READERS: dict[str, ReadFn] = {
    **scalar.READERS,
    **containers.READERS,
    **array.READERS,
    **pickled.READERS,
}
_PANDAS_MODULES = ("pdarray", "pdindex", "frame")
#: kinds whose reader lives in a module that imports pandas or scipy
_DEFERRED: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            KIND.FRAME,
            KIND.SERIES,
            KIND.INDEX,
            KIND.RANGE_INDEX,
            KIND.MULTI_INDEX,
            KIND.CATEGORICAL,
            KIND.MASKED,
            KIND.DATETIME_TZ,
        ),
        _PANDAS_MODULES,
    ),
    KIND.SPARSE: ("sparse",),
}
# Overwriting writes the new value beside the old one first, so a failure keeps the old.
_TMP_SUFFIX = "__pypet_tmp"


def _load(modules: tuple[str, ...]) -> None:
    for module_name in modules:
        module = importlib.import_module(f"{__package__}.{module_name}")
        _READERS.update(module.READERS)
        _WRITERS.update(module.WRITERS)
        _CHECKS.update(module.CHECKS)


def _resolve(cls: type) -> None:
    """Register the writer and check of a type met for the first time, if it has any."""
    if issubclass(cls, np.generic):
        _WRITERS[cls] = scalar.write_numpy_scalar
        _CHECKS[cls] = scalar.numpy_scalar_problem
    elif cls.__module__.partition(".")[0] == "pandas" or (
            cls.__name__ == "ObjectTable" and cls.__module__.startswith("pypet.")):
        _load(_PANDAS_MODULES)
    elif cls.__module__.startswith("scipy.sparse"):
        _load(("sparse",))


class Writer:
    """The open file and the filters, carried down the recursion of one write."""

    __slots__ = ("file", "filters")

    def __init__(self, file: tables.File, filters: tables.Filters | None) -> None:
        self.file = file
        self.filters = filters

    def write(self, parent: tables.Group, name: str, value: Any) -> tables.Node:
        """Write ``value`` as child ``name`` of ``parent``; return the new node."""
        write = _registered(_WRITERS, type(value))
        if write is None:
            raise CodecError.unsupported(child_path(parent, name), value)
        return write(self, parent, name, value)


def _registered(table: dict[type, Any], cls: type) -> Any:
    """The entry of ``cls`` in ``table``, loading the codec module for it on first use."""
    entry = table.get(cls)
    if entry is None:
        _resolve(cls)
        entry = table.get(cls)
    return entry


def _remove(parent: tables.Group, name: str) -> None:
    if name in parent:
        parent._f_get_child(name)._f_remove(recursive=True)


def write_value(
    file: tables.File,
    parent: tables.Group,
    name: str,
    value: Any,
    filters: tables.Filters | None = None,
    *,
    overwrite: bool = False,
    pickle_protocol: int | None = None,
) -> None:
    """Write ``value`` as node ``name`` under ``parent``; see the package docstring."""
    exists = name in parent
    if exists and not overwrite:
        raise NodeExistsError(
            f"{child_path(parent, name)!r} already exists; pass overwrite=True to replace it"
        )
    target = name + _TMP_SUFFIX if exists else name
    if exists:
        _remove(parent, target)  # left over from an interrupted overwrite
    writer = Writer(file, filters)
    try:
        if pickle_protocol is None:
            writer.write(parent, target, value)
        else:
            pickled.write_pickled(writer, parent, target, value, pickle_protocol)
    except BaseException:
        _remove(parent, target)  # never leave half a value behind
        raise
    if exists:
        _remove(parent, name)
        parent._f_get_child(target)._f_rename(name)


def read_node(node: tables.Node, allow_pickle: bool = True) -> Any:
    """Read the value stored at ``node``; see the package docstring.

    A pickled node is read only at the top (``allow_pickle``); the codec never writes one
    inside another value, so a nested pickle is refused as planted.
    """
    try:
        kind = node._v_attrs[ATTR.KIND]
    except (AttributeError, KeyError):
        raise CodecError(
            f"{node._v_pathname!r} was not written by the pypet value codec "
            f"(it has no {ATTR.KIND!r} attribute)"
        ) from None
    reader = _READERS.get(kind)
    if reader is None:
        modules = _DEFERRED.get(kind)
        if modules is None:
            raise CodecError(
                f"{node._v_pathname!r} has unknown {ATTR.KIND} {str(kind)!r}; was it written "
                f"by a newer pypet? (this codec is version {CODEC_VERSION})"
            )
        _load(modules)
        reader = _READERS[kind]
    if kind == KIND.PICKLE and not allow_pickle:
        from pypet.errors import UnsafeDataError

        raise UnsafeDataError(
            f"{node._v_pathname!r} holds a pickled value, which was not loaded: unpickling runs "
            "code from the file (allow_pickle=False, or a pickle nested inside another value)."
        )
    return reader(node, _read_nested)


def _read_nested(node: tables.Node) -> Any:
    return read_node(node, allow_pickle=False)


def why_unsupported(value: Any) -> str | None:
    """Say why ``value`` cannot be written (the first problem found), or return None."""
    cls = type(value)
    check = _registered(_CHECKS, cls)
    if check is None:
        return f"values of type {cls.__module__}.{cls.__qualname__} have no stored form"
    return check(value, why_unsupported)
