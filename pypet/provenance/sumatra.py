"""Sumatra records of experiments (the one door for ``sumatra``).

One record per ``run``/``pipeline``/``resume``: it is created when the experiment starts
(so Sumatra's record store shows it as running), and completed when it ends, whether the
runs succeeded or raised, with the parameters (explored ones with their whole range), the
reason, the outcome, a positive duration and the output files.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["SumatraRecord", "main_script", "open_project", "parameter_values", "reason_text"]


def _sumatra() -> tuple[Any, Any, Any]:
    from pypet._compat import require

    projects = require("sumatra.projects")
    programs = require("sumatra.programs")
    parameters = require("sumatra.parameters")
    return projects, programs, parameters


def open_project(path: str | os.PathLike) -> Any:
    """Load the Sumatra project at ``path`` (or a parent folder); clear errors otherwise."""
    projects, _, _ = _sumatra()
    if not os.path.isdir(path):
        raise ValueError(f"sumatra_project={os.fspath(path)!r} is not a folder.")
    try:
        return projects.load_project(os.fspath(path))
    except OSError as error:
        raise ValueError(
            f"sumatra_project={os.fspath(path)!r} is not a Sumatra project (no .smt folder there "
            "or above). Create one with `smt init <name>` in your git work tree."
        ) from error


def main_script() -> str:
    """The path of the script being run; Sumatra records need one."""
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    if not script or not os.path.isfile(script):
        raise ValueError(
            "A Sumatra record needs the main script of the experiment, but this is an "
            "interactive session. Run the experiment as `python your_script.py`, or leave "
            "sumatra_project=None."
        )
    return os.path.abspath(script)


def _plain(value: Any) -> Any:
    """A value Sumatra's parameter sets accept (numbers, strings, lists, None)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return repr(value)


def parameter_values(traj: Trajectory) -> dict[str, Any]:
    """Every parameter's value by full name; explored parameters with their whole range."""
    if not traj.f_contains("parameters", shortcuts=False):
        return {}
    values = {}
    for name, param in traj.parameters.f_to_dict(fast_access=False).items():
        values[name] = _plain(list(param.f_get_range()) if param.f_has_range()
                              else param.f_get())
    return values


def reason_text(user_reason: str, traj: Trajectory) -> str:
    """pypet's reason: ``<reason> -- Trajectory <name> (`comment`) -- Explored Parameters: [...]``."""
    reason = f"{user_reason} -- " if user_reason else ""
    comment = f" (`{traj.v_comment}`)" if traj.v_comment else ""
    explored = list(traj.f_get_explored_parameters().keys())
    return f"{reason}Trajectory {traj.v_name}{comment} -- Explored Parameters: {explored}"


@dataclass
class SumatraRecord:
    """One Sumatra record around an experiment: :meth:`start`, then :meth:`finish`."""

    project_path: str
    reason: str = ""
    label: str | None = None

    def start(self) -> str:
        """Create the record (saved as running) and return its label."""
        _, programs, _ = _sumatra()
        self._project = project = open_project(self.project_path)
        script = main_script()
        root = os.path.abspath(project.path)
        # Sumatra resolves the main file against the working directory
        main_file = os.path.relpath(script, root) if os.getcwd() == root else script
        from sumatra.versioncontrol import UncommittedModificationsError, VersionControlError

        try:
            record = project.new_record(
                parameters=self._parameter_set({}), main_file=main_file,
                executable=programs.PythonExecutable(path=sys.executable), label=self.label,
                reason=self.reason)
        except UncommittedModificationsError as error:
            raise RuntimeError(
                f"Sumatra project {root}: the code has uncommitted changes and the project's "
                f"policy is on_changed={project.on_changed!r} ({error}). Commit them, pass "
                "git_repository= so that pypet commits them, or run `smt configure "
                "--on-changed=store-diff`."
            ) from error
        except VersionControlError as error:
            raise ValueError(
                f"Sumatra project {root} could not record the version of the code: {error}. "
                f"The main script {script} must be committed in the project's repository "
                "(Sumatra also looks up the repositories of the modules it imports)."
            ) from error
        record.add_tag("_running_")
        project.save_record(record)
        self._record = record
        self._started = time.perf_counter()
        return record.label

    def _parameter_set(self, values: dict[str, Any]) -> Any:
        _, _, parameters = _sumatra()
        return parameters.SimpleParameterSet(values)

    def finish(self, traj: Trajectory, reason: str, outcome: str, status: str,
               output_files: Iterable[str]) -> None:
        """Complete and save the record (``reason`` from :func:`reason_text`).

        ``status`` is Sumatra's: ``'finished'``, ``'failed'`` or ``'killed'``.
        """
        record, project = self._record, self._project
        record.duration = time.perf_counter() - self._started
        record.reason = reason
        record.parameters = self._parameter_set(parameter_values(traj))
        record.outcome = outcome
        record.output_data = self._outputs(record, output_files)
        record.add_tag(f"_{status}_")
        project.save_record(record)
        project.save()

    @staticmethod
    def _outputs(record: Any, output_files: Iterable[str]) -> list[Any]:
        """New files in the project's data store, and the experiment's own output files."""
        keys = list(record.datastore.find_new_data(record.timestamp))
        known = {os.path.normpath(os.path.join(record.datastore.root, key.path)) for key in keys}
        for filename in output_files:
            path = os.path.abspath(filename)
            if os.path.isfile(path) and path not in known:
                keys.extend(record.datastore.generate_keys(path))
                known.add(path)
        return keys
