"""``PickleResult``: a result holding any picklable objects."""

from __future__ import annotations

import pickle
from typing import Any

from pypet.constants import PICKLE_PROTOCOL_KEY
from pypet.results.result import Result
from pypet.utils.protocol import HasProtocol, check_protocol

__all__ = ["PROTOCOL_KEY", "PickleResult"]

#: Item under which ``_store()`` hands the pickle protocol to the storage layer.
PROTOCOL_KEY = PICKLE_PROTOCOL_KEY


class PickleResult(HasProtocol, Result):
    """A :class:`Result` whose items may be any picklable objects.

    Storage: ``_store()`` returns the items as they are plus the item ``'__pckl_prtcl__'``
    holding the protocol; the storage layer pickles every other item of such a dict with
    that protocol and unpickles them before ``_load()``, which reads the protocol back.
    The name ``__pckl_prtcl__`` is therefore reserved (it is no valid item name anyway).

    Parameters
    ----------
    protocol : int
        The pickle protocol; defaults to ``pickle.DEFAULT_PROTOCOL`` (pypet used 0).
    """

    __slots__ = ("_protocol",)

    def __init__(
        self,
        full_name: str,
        *args: Any,
        comment: str = "",
        protocol: int = pickle.DEFAULT_PROTOCOL,
        **kwargs: Any,
    ) -> None:
        self._protocol = check_protocol(protocol)
        super().__init__(full_name, *args, comment=comment, **kwargs)

    def f_supports(self, item: Any) -> bool:
        """Every object is accepted (picklability shows when it is stored)."""
        return True

    def _check_item(self, name: str, item: Any) -> None:
        self._check_name(name)  # any data goes

    def _store(self) -> dict[str, Any]:
        store = super()._store()
        store[PROTOCOL_KEY] = self._protocol
        return store

    def _load(self, load_dict: dict[str, Any]) -> None:
        items = dict(load_dict)
        if PROTOCOL_KEY in items:
            self._protocol = check_protocol(items.pop(PROTOCOL_KEY))
        super()._load(items)

