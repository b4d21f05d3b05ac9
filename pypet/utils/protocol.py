"""The pickle protocol of ``PickleParameter`` and ``PickleResult`` (shared by both)."""

from __future__ import annotations

import pickle

__all__ = ["HasProtocol", "check_protocol"]


def check_protocol(protocol: int) -> int:
    """Return ``protocol`` if it is a valid pickle protocol, else raise ``ValueError``."""
    if type(protocol) is not int or not 0 <= protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(
            f"A pickle protocol is an int from 0 to {pickle.HIGHEST_PROTOCOL}, not {protocol!r}."
        )
    return protocol


class HasProtocol:
    """Mixin: a validated, settable ``v_protocol`` kept in the ``_protocol`` slot."""

    __slots__ = ()
    _protocol: int

    @property
    def v_protocol(self) -> int:
        """The pickle protocol used when the data is stored."""
        return self._protocol

    @v_protocol.setter
    def v_protocol(self, protocol: int) -> None:
        # the slot is declared by the leaf classes this mixin goes into
        self._protocol = check_protocol(protocol)  # type: ignore[misc]
