"""What an Environment records about itself under ``config.environment.<name>`` (as pypet)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.provenance.git import GitCommit
    from pypet.settings.options import EnvironmentSettings
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["add_config", "run_config"]


def run_config(settings: EnvironmentSettings) -> dict[str, Any]:
    """The run settings pypet records under ``config.environment.<name>``."""
    p, run = settings.parallel, settings.run
    entries: dict[str, Any] = {"multiproc": p.multiproc}
    if p.multiproc:
        entries["use_pool"] = p.use_pool
        entries["use_scoop"] = False
        if p.niceness is not None:
            entries["niceness"] = p.niceness
        entries["max_retries"] = p.max_retries
        if p.use_pool:
            entries["freeze_input"] = p.freeze_input
        else:
            entries.update(cpu_cap=p.cpu_cap, memory_cap=p.memory_cap, swap_cap=p.swap_cap,
                           immediate_postprocessing=p.immediate_postproc)
    if p.executor is not None:
        entries["executor"] = p.executor if isinstance(p.executor, str) else repr(p.executor)
    entries.update(ncores=p.ncores, wrap_mode=p.wrap_mode)
    if p.multiproc and p.wrap_mode in ("QUEUE", "PIPE"):
        entries["queue_maxsize"] = p.queue_maxsize
    if p.gc_interval is not None:
        entries["gc_interval"] = p.gc_interval
    entries.update(clean_up_runs=run.clean_up_runs, resumable=settings.resume.resumable,
                   graceful_exit=run.graceful_exit)
    if run.on_error != "raise":
        entries["on_error"] = run.on_error
    return entries


def add_config(traj: Trajectory, settings: EnvironmentSettings, env_name: str,
               timestamp: float, hexsha: str, commit: GitCommit | None) -> None:
    """Record the environment's settings, host and versions under
    ``config.environment.<env_name>`` (and the git commit under ``config.git``)."""
    from pypet.provenance.git import commit_config
    from pypet.provenance.versions import host_and_user, versions
    from pypet.storage.hdf5.library import hdf5_version

    prefix = f"config.environment.{env_name}"
    entries: dict[str, Any] = {}
    if settings.run.do_single_runs:
        entries.update(run_config(settings))
    entries.update({"trajectory.name": traj.v_name,
                    "trajectory.timestamp": traj.v_timestamp,
                    "timestamp": timestamp, "hexsha": hexsha,
                    "automatic_storing": settings.run.automatic_storing})
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if script:
        entries["script"] = str(script)
    entries["host"], entries["user"] = host_and_user()
    for name, version in versions(HDF5=hdf5_version()).items():
        entries[f"versions.{name}"] = version
    if not traj.f_contains("config.environment", shortcuts=False):
        traj.f_add_config_group("environment",
                                comment="Settings for the different environments that ran "
                                        "this trajectory")
    for name, value in entries.items():
        traj.f_add_config(f"{prefix}.{name}", value).f_lock()
    if commit is not None:
        group, commit_entries = commit_config(commit)
        if not traj.f_contains(f"config.git.{group}", shortcuts=False):
            for name, (value, comment) in commit_entries.items():
                traj.f_add_config(f"git.{group}.{name}", value, comment=comment).f_lock()
