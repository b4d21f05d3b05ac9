"""``PickleParameter``: a parameter holding any picklable object."""

from __future__ import annotations

import pickle
from typing import Any

from pypet.constants import PICKLE_PROTOCOL_KEY
from pypet.parameters.base import _EMPTY
from pypet.parameters.parameter import Parameter
from pypet.utils.protocol import HasProtocol, check_protocol

__all__ = ["PROTOCOL_KEY", "PickleParameter"]

#: Item under which ``_store()`` hands the pickle protocol to the storage layer.
PROTOCOL_KEY = PICKLE_PROTOCOL_KEY


class PickleParameter(HasProtocol, Parameter):
    """A parameter for any picklable object.

    ``f_supports`` is always true. For exploration two values count as one type if their
    Python types are identical (contents and lengths may differ); ``None`` works as in
    :class:`Parameter`.

    Storage: ``_store()`` returns the objects as they are under ``'data'`` and
    ``'explored_data'``, plus the item ``'__pckl_prtcl__'`` holding the protocol. The storage
    layer pickles every other item of such a dict with that protocol and unpickles them
    before ``_load()``, which reads the protocol back.

    Parameters
    ----------
    protocol : int
        The pickle protocol; defaults to ``pickle.DEFAULT_PROTOCOL`` (pypet used 2).
    """

    __slots__ = ("_protocol",)

    def __init__(
        self,
        full_name: str,
        data: Any = _EMPTY,
        comment: str = "",
        protocol: int = pickle.DEFAULT_PROTOCOL,
    ) -> None:
        self._protocol = check_protocol(protocol)
        super().__init__(full_name, data, comment)

    def f_supports(self, data: Any) -> bool:
        """Every object is accepted (picklability shows when it is stored)."""
        return True

    def _values_of_same_type(self, val1: Any, val2: Any) -> bool:
        """Values of identical Python type count as one type."""
        return type(val1) is type(val2)

    def _store(self) -> dict[str, Any]:
        store = super()._store()
        if store:
            store[PROTOCOL_KEY] = self._protocol
        return store

    def _load(self, load_dict: dict[str, Any]) -> None:
        super()._load(load_dict)
        if PROTOCOL_KEY in load_dict:
            self._protocol = check_protocol(load_dict[PROTOCOL_KEY])
