"""One experiment: store, run the pending runs, post-process (maybe expand), finalize.

This is the loop behind ``Environment.run``, ``run_map``, ``pipeline`` and ``resume``: runs
are executed by :func:`~pypet.execution.dispatch.execute`; a post-processing function may
add points, whose runs are executed next, until it adds nothing. With ``resumable=True``
the experiment is snapshotted before its first run (and after each expansion) and every
finished run is journaled (:mod:`pypet.execution.resume_folder`).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypet.execution.dispatch import Round, execute
from pypet.execution.postproc import Call, parse_postproc_return
from pypet.execution.returned import ReturnedValues
from pypet.execution.run_args import RunArgs
from pypet.trajectory.experiment_api import pending_runs, prepare_experiment, wildcard_entries
from pypet.trajectory.persistence import service_of

if TYPE_CHECKING:
    from pypet.execution.journal import JournalWriter
    from pypet.execution.resume_folder import ResumeFolder, Snapshot
    from pypet.execution.sink import OutcomeSink
    from pypet.settings.options import EnvironmentSettings
    from pypet.storage.service import StorageService
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["ExperimentPlan", "run_experiment"]

_log = logging.getLogger("pypet.execution.experiment")


@dataclass(frozen=True, slots=True)
class ExperimentPlan:
    """What the Environment hands to the experiment loop: the trajectory, the validated
    settings and what this call asks for (the loop never sees the Environment)."""

    traj: Trajectory
    settings: EnvironmentSettings
    hexsha: str
    env_name: str
    start_idx: int = 0  #: runs before it are not looked at (pypet's ``current_idx``)
    only_failed: bool = False  #: run only the runs that failed before
    resume: Snapshot | None = None  #: resuming from this snapshot


@dataclass
class _State:
    """The experiment's state as the loop goes on."""

    plan: ExperimentPlan
    run: Call | None
    args: RunArgs
    postproc: Call | None
    folder: ResumeFolder | None
    results: ReturnedValues
    rounds: int = 0
    expanded: bool = False
    only_failed: bool = False


def run_experiment(plan: ExperimentPlan, run: Call | None, args: RunArgs,
                   postproc: Call | None) -> tuple[list[tuple[int, Any]], int]:
    """Run the pending runs of ``plan.traj`` and post-process; return ``(sorted (idx,
    value) pairs, next start index)``."""
    traj, settings = plan.traj, plan.settings
    prepare_experiment(traj)
    for branch in ("results", "derived_parameters"):
        # The containers of run-scoped items, created once rather than in every run.
        if not traj.f_contains(f"{branch}.runs", shortcuts=False):
            traj.f_add_group(f"{branch}.runs")
    state = _State(plan, run, args, postproc, _folder(plan), ReturnedValues(),
                   only_failed=plan.only_failed)
    service = service_of(traj)
    start = time.time()
    if plan.resume is not None:
        from pypet.execution.recovery import restore

        assert state.folder is not None
        state.results = restore(traj, state.folder)
        state.rounds, state.expanded = plan.resume.round, plan.resume.expanded
    else:
        snapshot = _snapshot_bytes(state) if state.folder is not None else None
        with service.session(traj.v_name):
            # metadata and run table always; the data only with automatic storing (as pypet)
            traj.f_store(only_init=not settings.run.automatic_storing)
        if snapshot is not None:
            state.folder.write_snapshot(snapshot)  # type: ignore[union-attr]
    journal = state.folder.journal() if state.folder is not None else None
    next_idx = plan.start_idx
    finished = False
    try:
        while True:
            indices = _pending(state, next_idx)
            args.check_length(len(indices))
            _log.info("Starting %d runs of %s.", len(indices), traj.v_name)
            done, interrupted, sink = execute(traj, settings, _round(state, indices, journal))
            state.only_failed = False  # runs added by post-processing never ran
            state.results.extend(done)
            if interrupted:
                _log.warning("Stopped after Ctrl+C: %d of %d runs done.", len(done),
                             len(indices))
                break
            next_idx = len(traj)
            if postproc is None or not _post_process(state, state.results.pairs(by_index=True)):
                finished = True
                break
            _expanded(state)
    except BaseException as error:
        _log.error("%s failed: %r (%s)", traj.v_name, error,
                   " ".join(getattr(error, "__notes__", [])))
        raise
    finally:
        incomplete = None
        try:
            with service.session(traj.v_name):
                incomplete = _finalize(state, start)
        finally:
            if journal is not None:
                # every run stored: nobody resumes from this journal, so it needs no last
                # disk flush (the folder is deleted, or marked finished, right below)
                journal.close(flush=not (finished and incomplete == 0))
    if state.folder is not None and finished:
        _close_folder(state)
    # made last, after the final store: a million pairs take ~110 MB as tuples
    return state.results.pairs(by_index=True), next_idx


def _folder(plan: ExperimentPlan) -> ResumeFolder | None:
    resume = plan.settings.resume
    if not resume.resumable:
        return None
    from pypet.execution.journal import FsyncPolicy
    from pypet.execution.resume_folder import ResumeFolder

    folder = ResumeFolder(resume.resume_folder, plan.traj.v_name,
                          FsyncPolicy.of(resume.resume_fsync))
    if plan.resume is None:
        folder.prepare_new(plan.env_name)
    else:
        folder.claim(plan.env_name)
    return folder


def _snapshot_bytes(state: _State) -> bytes:
    """The experiment as resume needs it (raises TypeError naming what dill cannot save)."""
    from pypet.execution.resume_folder import Snapshot, dump_snapshot

    plan = state.plan
    return dump_snapshot(Snapshot(plan.traj, state.run, state.args.args, state.args.kwargs,
                                  state.postproc, state.rounds, state.expanded,
                                  plan.traj.v_name, plan.env_name))


def _pending(state: _State, next_idx: int) -> Sequence[int]:
    plan = state.plan
    if state.run is None or not plan.settings.run.do_single_runs:
        return []
    # resuming and re-running failed runs look at every run, not only from current_idx on
    start = 0 if plan.resume is not None or state.only_failed else next_idx
    return pending_runs(plan.traj, start, only_failed=state.only_failed)


def _round(state: _State, indices: Sequence[int], journal: JournalWriter | None) -> Round:
    plan = state.plan
    on_idle = None
    if plan.settings.parallel.immediate_postproc and state.postproc is not None:
        def on_idle(sink: OutcomeSink, locked: StorageService | None) -> list[int]:
            return _immediate_post_process(state, sink, locked)

    return Round(indices, state.run.func if state.run is not None else _none,
                 state.args.args_for, not state.args.mapped, plan.hexsha, journal,
                 replace=plan.resume is not None, on_idle=on_idle)


def _none(traj: Trajectory) -> None:
    return None


def _post_process(state: _State, given: list[tuple[int, Any]]) -> bool:
    """Call the post-processing; return True if it added runs to execute.

    An expansion is stored at once (and, when resumable, snapshotted), so the file always
    holds the explored space of the runs that follow.
    """
    traj, postproc, args = state.plan.traj, state.postproc, state.args
    assert postproc is not None
    traj.f_restore_default()
    with service_of(traj).session(traj.v_name):
        traj.f_store(only_init=True)  # the run table is on disk before post-processing
    length = len(traj)  # before: post-processing may also call traj.f_expand itself
    value = postproc.func(traj, given, *postproc.args, **postproc.kwargs)
    expansion = parse_postproc_return(value)
    if expansion is not None:
        if expansion.points:
            traj.f_expand(expansion.points)
        if expansion.run_args is not None or expansion.run_kwargs is not None:
            args.replace(expansion.run_args, expansion.run_kwargs)
        if expansion.postproc_args is not None:
            postproc.args = expansion.postproc_args
        if expansion.postproc_kwargs is not None:
            postproc.kwargs = expansion.postproc_kwargs
    if len(traj) == length:
        return False
    with service_of(traj).session(traj.v_name):
        traj.f_store(only_init=True)
    return True


def _expanded(state: _State) -> None:
    """After an expansion: count the round and snapshot the experiment again."""
    state.expanded = True
    state.rounds += 1
    if state.folder is not None:
        state.folder.write_snapshot(_snapshot_bytes(state))


def _immediate_post_process(state: _State, sink: OutcomeSink,
                            locked: StorageService | None) -> list[int]:
    """pypet's immediate post-processing: called while the last runs are still going, with
    the results so far in finishing order; returns the new runs to start."""
    traj = state.plan.traj
    sink.flush()  # what finished is in the file before post-processing looks
    length = len(traj)
    service = service_of(traj)
    if locked is not None:
        traj.v_storage_service = locked  # run processes write under the lock meanwhile
    try:
        added = _post_process(state, state.results.pairs() + sink.results.pairs())
    finally:
        traj.v_storage_service = service
    if not added:
        return []
    _expanded(state)
    new = [idx for idx in pending_runs(traj, length) if idx >= length]
    state.args.check_length(len(new))
    if sink.writer is not None:
        sink.writer.length = len(traj)
    sink.progress.add_total(len(new))
    return new


def _finalize(state: _State, start: float) -> int:
    """Record timing (and an expansion) in the config and store what is not stored yet;
    the number of runs still incomplete."""
    plan = state.plan
    traj = plan.traj
    finish = time.time()
    prefix = f"config.environment.{plan.env_name}"
    entries: dict[str, Any] = {"start_timestamp": start, "finish_timestamp": finish,
                               "runtime": str(datetime.timedelta(seconds=finish - start))}
    if state.expanded:
        entries["postproc_expand"] = True
    if plan.resume is not None:
        entries["resumed"] = True
    entries.update(wildcard_entries(traj))
    changed = []
    for name, value in entries.items():
        full = f"{prefix}.{name}"
        node = traj.f_get_default(full, None, fast_access=False, shortcuts=False)
        if node is None:
            traj.f_add_config(full, value)
        else:  # a later run() of the same environment: the new timing replaces the old
            node.f_unlock()
            node.f_set(value)
            changed.append(node)
    traj.f_store(only_init=not plan.settings.run.automatic_storing)
    if changed:
        traj.f_store_items(changed, overwrite=True)
    service_of(traj).finalize()
    incomplete = len(pending_runs(traj))
    if incomplete:
        _log.error("%d runs of %s did not complete.", incomplete, traj.v_name)
    return incomplete


def _close_folder(state: _State) -> None:
    """Delete the resume folder once every run completed (else keep it for resume)."""
    traj, settings = state.plan.traj, state.plan.settings
    failed = pending_runs(traj)
    if failed:
        _log.warning("%d runs of %s did not complete (e.g. %s); env.resume() runs them again "
                     "(the resume folder %s is kept).", len(failed), traj.v_name, list(failed[:5]),
                     state.folder)
        return
    assert state.folder is not None
    state.folder.finish(settings.resume.delete_resume)
