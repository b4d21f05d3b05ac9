"""Provenance around an Environment: the git commit at construction, the Sumatra record
around each run/pipeline/resume."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pypet._version import __version__

if TYPE_CHECKING:
    from pypet.provenance.git import GitCommit
    from pypet.provenance.sumatra import SumatraRecord
    from pypet.settings.options import ProvenanceSettings, RunSettings
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["SumatraRun", "commit_code", "environment_hexsha", "open_sumatra"]

_log = logging.getLogger("pypet.environment")


def commit_code(repo: Any, settings: ProvenanceSettings, traj: Trajectory) -> GitCommit:
    """Commit the experiment's code as pypet does (message names the trajectory)."""
    from pypet.provenance.git import commit_message, record_commit

    message = commit_message(settings.git_message, traj.v_name, traj.v_time, traj.v_comment)
    return record_commit(repo, message, settings.git_fail)


def log_commit(commit: GitCommit, repo: Any) -> None:
    """Say which commit the environment recorded."""
    _log.info("%s git commit %s in %s.", "Made a NEW" if commit.new_commit
              else "No changes; recorded the PREVIOUS", commit.hexsha, repo.working_tree_dir)


def environment_hexsha(traj: Trajectory, timestamp: float, commit: GitCommit | None) -> str:
    """The environment's SHA-1: a commit made here (as pypet), else a hash of who and when."""
    if commit is not None and commit.new_commit:
        return commit.hexsha
    return hashlib.sha1(
        f"{traj.v_name}{traj.v_timestamp}{timestamp}{__version__}".encode()
    ).hexdigest()


def open_sumatra(settings: ProvenanceSettings) -> SumatraRecord | None:
    """The Sumatra record keeper, checked now (project, main script) so that a wrong
    setting fails before anything runs; None without ``sumatra_project``."""
    if settings.sumatra_project is None:
        return None
    from pypet.provenance.sumatra import SumatraRecord, main_script, open_project

    open_project(settings.sumatra_project)
    main_script()
    return SumatraRecord(str(settings.sumatra_project), settings.sumatra_reason,
                         settings.sumatra_label)


class SumatraRun:
    """One Sumatra record around each run/pipeline/resume (nested calls share it)."""

    def __init__(self, record: SumatraRecord | None, reason: str, run: RunSettings) -> None:
        self._record, self._reason, self._run = record, reason, run
        self._active = False

    @contextlib.contextmanager
    def around(self, traj_of: Any) -> Iterator[None]:
        """Record what happens inside; ``traj_of()`` gives the trajectory at the end (a
        pipeline or resume may replace it)."""
        if self._record is None or self._active:
            yield
            return
        self._active = True
        label = self._record.start()
        try:
            yield
        except BaseException as error:
            self._active = False
            try:
                self._finish(traj_of(), label, error)
            except Exception as other:  # the experiment's error is the one to see
                error.add_note(f"pypet: completing the Sumatra record {label} failed too: "
                               f"{other!r}")
            raise
        self._active = False
        self._finish(traj_of(), label, None)

    def _finish(self, traj: Trajectory, label: str, error: BaseException | None) -> None:
        """Record ``config.sumatra.record_<label>`` and complete the Sumatra record."""
        from pypet.provenance.sumatra import reason_text

        assert self._record is not None
        if error is None:
            status = "finished"
            outcome = (f"{len(traj)} runs, all completed" if traj.f_is_completed()
                       else f"{len(traj)} runs, not all completed")
        else:
            status = "killed" if isinstance(error, KeyboardInterrupt) else "failed"
            outcome = f"{status}: {error!r}"
        group = f"sumatra.record_{label}"
        reason = reason_text(self._reason, traj)  # the pipeline has built the trajectory now
        items = []
        for name, value, comment in (("label", label, "label of the Sumatra record"),
                                     ("reason", reason, "reason given in the Sumatra record")):
            if not traj.f_contains(f"config.{group}.{name}", shortcuts=False):
                items.append(traj.f_add_config(f"{group}.{name}", value, comment=comment))
        service = traj.v_storage_service
        if items and self._run.automatic_storing and service is not None:
            try:
                traj.f_store_items(items)
            except Exception as other:
                if error is None:
                    raise
                # the experiment's error is the one to see; the record is completed below
                error.add_note(f"pypet: storing config.{group} failed too: {other!r}")
        # last: the record holds the digest of the file as it is now (if the data is a file)
        where = service.location if service is not None else ""
        self._record.finish(traj, reason, outcome, status,
                            [where] if os.path.isfile(where) else [])
