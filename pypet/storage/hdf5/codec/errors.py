"""Errors of the value codec."""

from __future__ import annotations

from typing import Any

from pypet.errors import NoSuchServiceError

__all__ = ["CodecError", "NodeExistsError", "child_path"]

_PICKLE_HINT = (
    "Store it in a PickleResult/PickleParameter (or pass pickle_protocol= to write_value) "
    "to keep it pickled."
)


def child_path(parent: Any, name: str) -> str:
    """HDF5 path of child ``name`` of the PyTables group ``parent`` (for messages)."""
    return f"{parent._v_pathname.rstrip('/')}/{name}"


class CodecError(NoSuchServiceError):
    """A value has no stored form, or a node was not written by this codec.

    Subclasses :class:`pypet.NoSuchServiceError` (a ``TypeError``) so that code written
    for pypet 0.7, which catches that error for unsupported data, keeps working.
    """

    @classmethod
    def unsupported(cls, where: str, value: object, why: str = "") -> CodecError:
        """Build the error for an unstorable ``value`` at node path ``where``."""
        kind = f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins.")
        reason = f": {why}" if why else ": the codec has no stored form for this type"
        return cls(f"Cannot store {where!r} (a value of type {kind}){reason}. {_PICKLE_HINT}")


class NodeExistsError(ValueError):
    """``write_value`` was asked to write onto an existing node without ``overwrite=True``."""
