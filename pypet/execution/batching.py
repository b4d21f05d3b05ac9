"""Splitting run indices into batches that travel to workers together."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence

__all__ = ["batches", "batch_size", "mp_context"]


def mp_context() -> mp.context.BaseContext:
    """An explicit start method: fork where the platform has it, spawn otherwise.

    Explicit so that behaviour does not change when Python changes its default.
    """
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def batch_size(n_runs: int, n_workers: int, max_size: int = 64) -> int:
    """Runs per batch: big enough to amortise messaging, small enough to balance load."""
    return max(1, min(max_size, n_runs // max(1, 8 * n_workers)))


def batches(indices: Sequence[int], size: int, args_for: Callable[[int], tuple[tuple, dict]],
            constant_args: bool) -> Iterator[list[tuple[int, tuple | None, dict | None]]]:
    """Yield ``[(idx, args, kwargs), ...]``; constant arguments travel once, not per run."""
    for start in range(0, len(indices), size):
        chunk = indices[start:start + size]
        if constant_args:
            yield [(idx, None, None) for idx in chunk]
        else:
            yield [(idx, *args_for(idx)) for idx in chunk]
