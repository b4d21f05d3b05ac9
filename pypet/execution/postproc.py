"""Post-processing and pipelines: pypet's return protocols, parsed in one place.

A post-processing function ``postproc(traj, results, *args, **kwargs)`` may return ``None``
(done), a non-empty dict (points to add with ``f_expand``), or a tuple
``(expand_dict, run_args, run_kwargs, postproc_args, postproc_kwargs)`` (any prefix). A
pipeline returns what to run: ``runfunc``, ``(runfunc,)``, ``(runfunc, args)``,
``(runfunc, args, kwargs)`` or ``((runfunc, args, kwargs), (postproc, args, kwargs))``
(inner tuples may be shorter), or ``None`` when there are no single runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Call", "Expansion", "parse_pipeline", "parse_postproc_return"]

_log = logging.getLogger("pypet.execution.postproc")


@dataclass
class Call:
    """A function with its positional and keyword arguments."""

    func: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, value: Any, what: str) -> Call:
        """``func`` | ``(func,)`` | ``(func, args)`` | ``(func, args, kwargs)``."""
        if callable(value):
            return cls(value)
        if not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 3 \
                or not callable(value[0]):
            raise TypeError(
                f"The {what} must be a function or a tuple (function, args, kwargs), "
                f"got {value!r}."
            )
        args = tuple(value[1]) if len(value) > 1 and value[1] is not None else ()
        kwargs = dict(value[2]) if len(value) > 2 and value[2] is not None else {}
        return cls(value[0], args, kwargs)


def parse_pipeline(value: Any) -> tuple[Call | None, Call | None]:
    """Return ``(run call, postproc call)`` of a pipeline's return value."""
    if value is None:
        return None, None
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(part, (tuple, list)) for part in value):
        return Call.parse(value[0], "run function"), Call.parse(value[1], "post-processing")
    return Call.parse(value, "run function"), None


@dataclass
class Expansion:
    """What a post-processing return asks for."""

    points: Mapping[str, Iterable] | None = None
    run_args: tuple | None = None
    run_kwargs: dict | None = None
    postproc_args: tuple | None = None
    postproc_kwargs: dict | None = None


def parse_postproc_return(value: Any) -> Expansion | None:
    """Interpret a post-processing return value; ``None`` means nothing more to do.

    Any other kind of value is logged as an error and ignored, as pypet 0.7 did.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        return Expansion(value) if value else None
    if isinstance(value, tuple) and 1 <= len(value) <= 5:
        points = value[0] if value[0] else None
        rest = [None if v is None else v for v in value[1:]] + [None] * (5 - len(value))
        return Expansion(points, None if rest[0] is None else tuple(rest[0]),
                         None if rest[1] is None else dict(rest[1]),
                         None if rest[2] is None else tuple(rest[2]),
                         None if rest[3] is None else dict(rest[3]))
    # pypet logged such a return and went on; scripts rely on that, so do the same.
    _log.error(
        "A post-processing function must return None, a dict of points to explore, or a "
        "tuple (expand_dict, run_args, run_kwargs, postproc_args, postproc_kwargs); got %r. "
        "It is ignored.", value)
    return None
