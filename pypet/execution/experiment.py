"""One experiment: store, run the pending runs, post-process (maybe expand), finalize.

This is the loop behind ``Environment.run``, ``run_map`` and ``pipeline``: runs are executed
by :func:`~pypet.execution.dispatch.execute`; a post-processing function may add points,
whose runs are executed next, until it adds nothing.
"""

from __future__ import annotations

import datetime
import logging
import time
from typing import TYPE_CHECKING, Any

from pypet.execution.dispatch import execute
from pypet.execution.postproc import Call, parse_postproc_return

if TYPE_CHECKING:
    from pypet.environment import Environment

__all__ = ["RunArgs", "run_experiment"]

_log = logging.getLogger("pypet.execution.experiment")


class RunArgs:
    """The runs' arguments: the same for every run, or (``mapped``) the k-th value of each
    iterable for the k-th run that is executed (pypet's ``run_map``)."""

    def __init__(self, args: tuple, kwargs: dict, mapped: bool) -> None:
        self.mapped = mapped
        self._args: Any = ()
        self._kwargs: Any = {}
        self.replace(args, kwargs)

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
            return self._args, self._kwargs  # type: ignore[return-value]
        pos = self._order.setdefault(idx, len(self._order))
        try:
            return (tuple(a[pos] for a in self._args),
                    {k: v[pos] for k, v in self._kwargs.items()})
        except IndexError:
            raise ValueError(
                f"run_map: the argument iterables are shorter than the number of runs "
                f"(no value left for run {idx})."
            ) from None


def run_experiment(env: Environment, run: Call | None, args: RunArgs,
                   postproc: Call | None) -> list[tuple[int, Any]]:
    """Run ``run`` over the pending runs of ``env``'s trajectory and post-process."""
    traj, settings = env.trajectory, env._settings
    traj._prepare_experiment()
    service = traj.v_storage_service
    for branch in ("results", "derived_parameters"):
        # The containers of run-scoped items, created once rather than in every run.
        if not traj.f_contains(f"{branch}.runs", shortcuts=False):
            traj.f_add_group(f"{branch}.runs")
    start = time.time()
    with service.session(traj.v_name):
        # metadata and run table always; the data only with automatic storing (as pypet)
        traj.f_store(only_init=not settings.automatic_storing)
    results: list[tuple[int, Any]] = []
    expanded = False
    try:
        while True:
            indices = _pending(env) if run is not None and settings.do_single_runs else []
            args.check_length(len(indices))
            _log.info("Starting %d runs of %s.", len(indices), traj.v_name)
            done, interrupted = execute(traj, settings, indices, run.func if run else _none,
                                        args.args_for, not args.mapped, env.hexsha)
            results.extend(done)
            if interrupted:
                _log.warning("Stopped after Ctrl+C: %d of %d runs done.", len(done),
                             len(indices))
                break
            env._current_idx = len(traj)
            if postproc is None or not _post_process(env, postproc, args, results):
                break
            expanded = True
    except BaseException as error:
        _log.error("%s failed: %r (%s)", traj.v_name, error,
                   " ".join(getattr(error, "__notes__", [])))
        raise
    finally:
        with service.session(traj.v_name):
            _finalize(env, start, expanded)
    return sorted(results, key=lambda pair: pair[0])


def _none(traj: Any) -> None:
    return None


def _pending(env: Environment) -> list[int]:
    traj = env.trajectory
    completed = traj._run_table.completed
    return [i for i in range(env._current_idx, len(traj)) if not completed[i]]


def _post_process(env: Environment, postproc: Call, args: RunArgs,
                  results: list[tuple[int, Any]]) -> bool:
    """Call the post-processing; return True if it added runs to execute."""
    traj = env.trajectory
    traj.f_restore_default()
    with traj.v_storage_service.session(traj.v_name):
        traj.f_store(only_init=True)  # the run table is on disk before post-processing
    length = len(traj)  # before: post-processing may also call traj.f_expand itself
    value = postproc.func(traj, sorted(results, key=lambda pair: pair[0]), *postproc.args,
                          **postproc.kwargs)
    expansion = parse_postproc_return(value)
    if expansion is None:
        return len(traj) > length
    if expansion.points:
        traj.f_expand(expansion.points)
    if expansion.run_args is not None or expansion.run_kwargs is not None:
        args.replace(expansion.run_args, expansion.run_kwargs)
    if expansion.postproc_args is not None:
        postproc.args = expansion.postproc_args
    if expansion.postproc_kwargs is not None:
        postproc.kwargs = expansion.postproc_kwargs
    return len(traj) > length


def _wildcard_entries(traj: Any) -> dict[str, Any]:
    """pypet records every wildcard function: its wildcards, name, doc and source."""
    import inspect

    entries: dict[str, Any] = {}
    for pos, (names, function) in enumerate(traj._wildcards.items()):
        base = f"wildcards.function_{pos}"
        for number, name in enumerate(names):
            entries[f"{base}.wildcard_{number}"] = name
        entries[f"{base}.name"] = getattr(function, "__name__", repr(function))
        entries[f"{base}.doc"] = inspect.getdoc(function) or ""
        try:
            entries[f"{base}.source"] = inspect.getsource(function)
        except (OSError, TypeError):  # built-ins and interactively defined functions
            pass
    return entries


def _finalize(env: Environment, start: float, expanded: bool) -> None:
    """Record timing (and an expansion) in the config and store what is not stored yet."""
    traj = env.trajectory
    finish = time.time()
    prefix = f"config.environment.{env.name}"
    entries: dict[str, Any] = {"start_timestamp": start, "finish_timestamp": finish,
                               "runtime": str(datetime.timedelta(seconds=finish - start))}
    if expanded:
        entries["postproc_expand"] = True
    entries.update(_wildcard_entries(traj))
    for name, value in entries.items():
        full = f"{prefix}.{name}"
        node = traj.f_get_default(full, None, fast_access=False, shortcuts=False)
        if node is None:
            traj.f_add_config(full, value)
        else:
            node.f_unlock()
            node.f_set(value)
            node._stored = False
    traj.f_store(only_init=not env._settings.automatic_storing)
    traj.v_storage_service.finalize()
    incomplete = int((traj._run_table.completed == 0).sum())
    if incomplete:
        _log.error("%d runs of %s did not complete.", incomplete, traj.v_name)
