"""The runs' arguments: the same for every run, or one value per run (``run_map``)."""

from __future__ import annotations

from typing import Any

__all__ = ["RunArgs"]


class RunArgs:
    """The runs' arguments: the same for every run, or (``mapped``) the k-th value of each
    iterable for the k-th run that is executed (pypet's ``run_map``)."""

    def __init__(self, args: tuple, kwargs: dict, mapped: bool) -> None:
        self.mapped = mapped
        self._args: Any = ()
        self._kwargs: Any = {}
        self.replace(args, kwargs)

    @property
    def args(self) -> tuple:
        """The positional arguments (as given)."""
        return tuple(self._args)

    @property
    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments (as given)."""
        return dict(self._kwargs)

    def replace(self, args: tuple | None, kwargs: dict | None) -> None:
        """New arguments (from post-processing) for the runs that follow; None keeps the
        current positional or keyword arguments."""
        if self.mapped:
            if args is not None:
                self._args = [list(a) for a in args]
            if kwargs is not None:
                self._kwargs = {k: list(v) for k, v in kwargs.items()}
            self._order: dict[int, int] = {}
        else:
            if args is not None:
                self._args = tuple(args)
            if kwargs is not None:
                self._kwargs = dict(kwargs)

    def check_length(self, runs: int) -> None:
        """run_map: every iterable must have a value for each of ``runs`` pending runs."""
        if not self.mapped:
            return
        needed = len(self._order) + runs  # values already given out, plus one per run
        lengths = [len(a) for a in self._args] + [len(v) for v in self._kwargs.values()]
        if lengths and min(lengths) < needed:
            raise ValueError(
                f"run_map: {needed} runs need arguments but an argument iterable has only "
                f"{min(lengths)} values; give one value per run."
            )

    def args_for(self, idx: int) -> tuple[tuple, dict]:
        """Arguments of run ``idx``."""
        if not self.mapped:
            return self._args, self._kwargs
        pos = self._order.setdefault(idx, len(self._order))
        try:
            return (tuple(a[pos] for a in self._args),
                    {k: v[pos] for k, v in self._kwargs.items()})
        except IndexError:
            raise ValueError(
                f"run_map: the argument iterables are shorter than the number of runs "
                f"(no value left for run {idx})."
            ) from None
