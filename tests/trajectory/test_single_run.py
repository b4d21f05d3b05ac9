"""The single-run lifecycle: entering, collecting, leaving with a picklable outcome."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pypet import Trajectory
from pypet.storage.records import RunOutcome
from pypet.trajectory.single_run import SingleRun


def make_traj(tmp_path=None, n=3):
    kwargs = {} if tmp_path is None else {"filename": str(tmp_path / "s.hdf5")}
    traj = Trajectory("s", **kwargs)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(10, 10 + n))})
    return traj


def add_two(traj, factor=1):
    traj.f_add_result("z", traj.x * factor)
    traj.f_add_result("grp.w", np.arange(3) + traj.x)
    return traj.x * factor


def test_entering_fixes_the_point_and_the_trajectory_collects_into_the_run():
    """Inside the run: the explored point is set, v_single_run is the run, adds collect."""
    traj = make_traj()
    SingleRun(traj, 0).execute(lambda t: t.f_add_result("z", 0))  # 'z' is validated once
    run = SingleRun(traj, 2, "abc").begin()
    assert traj.v_single_run is run and traj.v_is_run and traj.x == 12
    traj.f_add_result("z", 1)
    assert run.added[-1].v_full_name == "results.runs.run_00000002.z"
    outcome = run.end(5)
    assert traj.v_single_run is None and not traj.v_is_run and traj.v_idx == -1
    assert outcome.completed and outcome.value == 5 and outcome.hexsha == "abc"
    assert outcome.plain == {"z": 1}  # a plain result: its leaf record made on demand
    assert "results.runs.run_00000002.z" in [leaf.full_name
                                             for leaf in outcome.expanded().leaves]


def test_execute_returns_records_of_what_the_run_added_and_cleans_up():
    """execute() yields value, timing and leaf records; the added nodes leave the tree."""
    traj = make_traj()
    outcome = SingleRun(traj, 1).execute(add_two, (2,))
    assert outcome.value == 22 and outcome.start <= outcome.finish and outcome.error is None
    names = sorted(leaf.full_name for leaf in outcome.leaves)
    assert names == ["results.runs.run_00000001.grp.w", "results.runs.run_00000001.z"]
    assert not traj.f_contains("results.runs.run_00000001", shortcuts=False)
    assert pickle.loads(pickle.dumps(outcome)).leaves[0].full_name in names


def test_a_raising_run_gives_a_failed_outcome_and_leaves_nothing_behind():
    """An Exception is captured (type, message, traceback, note naming the run)."""
    def bad(traj):
        traj.f_add_result("z", 1)
        raise KeyError("broken")

    traj = make_traj()
    outcome = SingleRun(traj, 0).execute(bad)
    assert not outcome.completed and outcome.leaves == ()
    error = outcome.error
    assert error.type_name == "KeyError" and "broken" in error.summary
    assert "raise KeyError" in error.traceback
    assert any("run 0" in note for note in error.exception.__notes__)
    assert not traj.f_contains("results.runs.run_00000000", shortcuts=False)
    assert traj.v_single_run is None


def test_keyboard_interrupt_leaves_the_run_and_propagates():
    """Ctrl+C inside a run is not a failure to record: the trajectory is left clean."""
    def interrupted(traj):
        traj.f_add_result("z", 1)
        raise KeyboardInterrupt

    traj = make_traj()
    with pytest.raises(KeyboardInterrupt):
        SingleRun(traj, 0).execute(interrupted)
    assert traj.v_single_run is None and traj.v_idx == -1


def test_an_unpicklable_error_still_travels_as_text():
    """portable() drops an exception that does not pickle, keeping its type and text."""
    class Local(Exception):
        pass

    def bad(traj):
        raise Local("no pickle for me")

    outcome = SingleRun(make_traj(), 0).execute(bad).portable()
    copy = pickle.loads(pickle.dumps(outcome))
    assert copy.error.exception is None and copy.error.type_name.endswith("Local")
    assert "no pickle for me" in copy.error.traceback


def test_deferred_stores_are_recorded_when_the_run_stores_them():
    """defer_stores: f_store() inside the run snapshots records at once; later changes of
    the leaf do not alter what travels."""
    def store_then_empty(traj):
        result = traj.f_add_result("big", np.ones(4))
        traj.f_store()
        result.f_empty()
        return None

    traj = make_traj()
    outcome = SingleRun(traj, 0, automatic_store=False, defer_stores=True).execute(
        store_then_empty)
    (leaf,) = outcome.leaves
    np.testing.assert_array_equal(leaf.data["big"], np.ones(4))


def test_store_inside_a_run_writes_at_once_without_deferring(tmp_path):
    """Without defer_stores a run's f_store() writes its new items to the file right away."""
    traj = make_traj(tmp_path)
    traj.f_store()
    run = SingleRun(traj, 1, automatic_store=False).begin()
    traj.f_add_result("kept", 7)
    traj.f_store()
    outcome = run.end()
    assert outcome.leaves == ()
    loaded = Trajectory(filename=str(tmp_path / "s.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    assert loaded.f_get("results.runs.run_00000001.kept", fast_access=True) == 7


def test_a_second_run_cannot_start_while_one_is_active():
    """Runs do not nest: starting another run names the active one."""
    traj = make_traj()
    SingleRun(traj, 0).begin()
    with pytest.raises(RuntimeError, match="run_00000000 .* still active"):
        SingleRun(traj, 1).begin()


def test_one_run_object_serves_run_after_run_as_fresh_ones_would():
    """again(idx) gives the outcomes separate run objects give, run after run, including
    after a run that added a node the usual way and after a failed run."""
    def sweep(make_run):
        traj = make_traj(n=4)
        funcs = [add_two, lambda t: t.f_add_result("z", t.x).v_name, lambda t: 1 / 0, add_two]
        outcomes = [make_run(traj, idx).execute(func) for idx, func in enumerate(funcs)]
        return [(o.idx, o.value, o.completed, o.plain, [leaf.full_name for leaf in o.leaves],
                 [g.full_name for g in o.groups], o.error and o.error.type_name)
                for o in outcomes]

    reused = SingleRun(make_traj(n=1), 0)  # rebound below: one object, any trajectory
    def again(traj, idx):
        reused.traj = traj
        return reused.again(idx)

    assert sweep(again) == sweep(lambda traj, idx: SingleRun(traj, idx))


def test_a_run_object_cannot_start_again_while_active():
    """again() refuses while the run is still active (it would lose what it collected)."""
    traj = make_traj()
    run = SingleRun(traj, 0).begin()
    with pytest.raises(RuntimeError, match="still active"):
        run.again(1)


def test_start_and_finalize_run_record_a_failure(tmp_path):
    """f_finalize_run(error=...) records the run as failed, with the error's summary."""
    traj = make_traj(tmp_path)
    traj.f_store()
    traj.f_start_run(2)
    traj.f_finalize_run(error=ValueError("nope"))
    info = traj.f_get_run_information(2)
    assert info["failed"] == 1 and info["completed"] == 0 and "ValueError: nope" in \
        info["error"]
    loaded = Trajectory(filename=str(tmp_path / "s.hdf5"))
    loaded.f_load(index=-1, load_parameters=0)
    assert loaded.f_get_run_information(2)["error"] == "ValueError: nope"


def test_run_outcome_positional_fields_are_stable():
    """RunOutcome keeps its positional fields (idx, value, start, finish, completed...)."""
    outcome = RunOutcome(3, "v", 1.0, 2.0, True, "hex")
    assert (outcome.idx, outcome.value, outcome.completed, outcome.error) == (3, "v", True,
                                                                            None)
    assert outcome.without_data() == outcome
