"""The trajectory's run methods: the current run, iterating, finding and collecting runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pypet.storage.run_writer import RunWriter
from pypet.trajectory import runs
from pypet.trajectory.experiment_api import record_outcome
from pypet.trajectory.guards import not_in_run
from pypet.trajectory.single_run import SingleRun

__all__ = ["RunMethods"]


class RunMethods:
    """Mixin of the Trajectory: everything about single runs."""

    @not_in_run
    def f_set_crun(self, name_or_idx: int | str | None) -> None:
        """Make a run current: explored parameters show its values, ``$`` resolves to it."""
        runs.set_crun(self, name_or_idx)

    @not_in_run
    def f_iter_runs(self, start: int = 0, stop: int | None = None, step: int = 1,
                    yields: str = "name") -> Iterator[Any]:
        """Set each run in turn; yield its name, ``'idx'``, ``'self'`` or a ``'copy'``."""
        return runs.iter_runs(self, start, stop, step, yields)

    @not_in_run
    def f_restore_default(self) -> None:
        """Back to no particular run: explored parameters show their defaults."""
        self._idx = -1
        for param in self._explored.values():
            param._restore_default()

    def f_idx_to_run(self, name_or_idx: int | str) -> int | str:
        """Map a run index to its name and a name to its index."""
        return runs.idx_to_run(self, name_or_idx)

    def f_get_run_names(self, sort: bool = True) -> list[str]:
        """Names of all runs."""
        from pypet.tree.names import run_name

        return [run_name(i) for i in range(len(self))]

    def f_find_idx(self, name_list: str | list[str], predicate: Callable[..., bool]) -> Iterator[int]:
        """Yield run indices where ``predicate(*values of name_list)`` holds."""
        return runs.find_idx(self, name_list, predicate)

    @not_in_run
    def f_is_completed(self, name_or_idx: int | str | None = None) -> bool:
        """Whether one run (or, without argument, every run) is completed."""
        table = self._run_table
        if name_or_idx is None:
            return bool(table.completed.all())
        return bool(table.completed[runs._as_idx(self, name_or_idx)])

    def f_get_run_information(self, name_or_idx: int | str | None = None,
                              copy: bool = True) -> dict:
        """Run-information dict of one run, or ``{run name: dict}`` of all runs."""
        if name_or_idx is None:
            return {info["name"]: info for info in
                    (self._run_info(i) for i in range(len(self)))}
        return self._run_info(runs._as_idx(self, name_or_idx))

    def _run_info(self, idx: int) -> dict:
        return self._run_table.info(idx, runs.parameter_summary(self, idx))

    @not_in_run
    def f_get_from_runs(self, name: str, include_default_run: bool = True,
                        use_indices: bool = False, fast_access: bool = False,
                        with_links: bool = True, shortcuts: bool = True,
                        max_depth: int | None = None, auto_load: bool = False,
                        **old: Any) -> Any:
        """Ordered ``{run: item}`` of the item ``name`` in every run that has it.

        ``old`` takes pypet's retired keywords (``backwards_search``, ``where``), ignored
        with a warning.
        """
        if old:
            self._retired_kwargs(old, "f_get_from_runs")
        return runs.get_from_runs(self, name, include_default_run, use_indices, fast_access,
                                  with_links, shortcuts, max_depth, auto_load)

    def f_start_run(self, run_name_or_idx: int | str | None = None,
                    turn_into_run: bool = True) -> None:
        """Start a run by hand (without an Environment); end it with :meth:`f_finalize_run`.

        The run is a :class:`~pypet.trajectory.single_run.SingleRun` (``v_single_run``):
        nodes added until :meth:`f_finalize_run` belong to it. Unlike an Environment's
        runs, nothing is stored automatically: ``traj.f_store()`` inside the run stores
        what the run added so far.
        """
        if run_name_or_idx is not None:
            self.f_set_crun(run_name_or_idx)
        if self._idx == -1:
            raise ValueError("Choose a run first: f_start_run(idx) or set v_idx.")
        SingleRun(self, self._idx, self._environment_hexsha or "",  # type: ignore[arg-type]
                  automatic_store=False, turns_into_run=bool(turn_into_run)).begin()

    def f_finalize_run(self, store_meta_data: bool = True, clean_up: bool = True, *,
                       error: BaseException | None = None) -> None:
        """Finish the run started with :meth:`f_start_run`.

        ``store_meta_data`` writes the run information (completed, timing); ``clean_up``
        removes the nodes the run added from RAM. Pass the exception as ``error`` when the
        run failed: it is then recorded as failed, not completed.
        """
        run = self._run
        if run is None:
            raise ValueError("No run was started (f_start_run first).")
        outcome = run.end(error=error, clean_up=clean_up)
        record_outcome(self, outcome)  # type: ignore[arg-type]
        if store_meta_data and self._stored and self._storage_service is not None:
            writer = RunWriter(self._storage_service, self.v_name, len(self))
            writer.add(outcome)
            writer.flush()
