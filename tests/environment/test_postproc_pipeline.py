"""Post-processing (with expansion, for adaptive searches) and pipelines."""

from __future__ import annotations

import logging

import pytest

from pypet import Environment, Trajectory


def square(traj, offset=0):
    """Store and return x**2 + offset."""
    value = traj.x ** 2 + offset
    traj.f_add_result("y", value)
    return value


def make_env(tmp_path, **kwargs):
    env = Environment(trajectory="pp", filename=str(tmp_path / "pp.hdf5"), log_config=None,
                      report_progress=False, **kwargs)
    env.trajectory.f_add_parameter("x", 0)
    env.trajectory.f_explore({"x": [1, 2, 3]})
    return env


def reload(tmp_path):
    traj = Trajectory(filename=str(tmp_path / "pp.hdf5"))
    traj.f_load(index=-1, load_data=2)
    return traj


def test_postproc_gets_sorted_results_and_arguments(tmp_path):
    """postproc(traj, results, *args, **kwargs) runs once after the runs, at idx -1."""
    calls = []

    def post(traj, results, tag, scale=1):
        calls.append((traj.v_idx, list(results), tag, scale))

    env = make_env(tmp_path)
    env.add_postprocessing(post, "t", scale=2)
    assert env.run(square) == [(0, 1), (1, 4), (2, 9)]
    assert calls == [(-1, [(0, 1), (1, 4), (2, 9)], "t", 2)]


def test_postproc_expansion_runs_new_points_until_done(tmp_path):
    """A dict returned by postproc expands the trajectory; new runs execute; it repeats."""
    rounds = []

    def refine(traj, results):
        rounds.append(len(results))
        if len(traj) < 7:
            best = max(value for _, value in results)
            return {"x": [int(best ** 0.5) + 1, int(best ** 0.5) + 2]}
        return None

    env = make_env(tmp_path)
    env.add_postprocessing(refine)
    results = env.run(square)
    assert [value for _, value in results] == [1, 4, 9, 16, 25, 36, 49]
    assert rounds == [3, 5, 7]
    traj = reload(tmp_path)
    assert len(traj) == 7 and traj.f_is_completed()
    assert traj.f_get_from_runs("y", fast_access=True)["run_00000006"] == 49
    assert traj.f_get(f"config.environment.{env.name}.postproc_expand", fast_access=True)


def test_postproc_tuple_return_changes_arguments(tmp_path):
    """A tuple return gives new run args/kwargs and postproc args for the next round."""
    seen = []

    def post(traj, results, marker):
        seen.append(marker)
        if marker == "first":
            return ({"x": [10]}, (), {"offset": 1000}, ("second",))
        return None

    env = make_env(tmp_path)
    env.add_postprocessing(post, "first")
    assert env.run(square)[-1] == (3, 1100)
    assert seen == ["first", "second"]


def test_postproc_junk_return_is_logged_and_ignored(tmp_path, caplog):
    """Like pypet, an unknown return value is logged as an error, not raised."""
    env = make_env(tmp_path)
    env.add_postprocessing(lambda traj, results: 42)
    with caplog.at_level(logging.ERROR):
        assert len(env.run(square)) == 3
    assert any("It is ignored" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "returned",
    [
        lambda: square,
        lambda: (square,),
        lambda: (square, (5,)),
        lambda: (square, (), {"offset": 5}),
    ],
    ids=["bare", "1-tuple", "args", "kwargs"],
)
def test_pipeline_return_forms(tmp_path, returned):
    """Every documented pipeline return form works (a bare function too)."""
    def pipeline(traj):
        traj.f_add_parameter("x", 0)
        traj.f_explore({"x": [1, 2]})
        return returned()

    env = Environment(trajectory="pl", filename=str(tmp_path / "pl.hdf5"), log_config=None,
                      report_progress=False)
    offset = 0 if returned() is square or len(returned()) == 1 else 5
    assert env.pipeline(pipeline) == [(0, 1 + offset), (1, 4 + offset)]


def test_pipeline_with_postprocessing_and_map(tmp_path):
    """((run, args, kwargs), (postproc, args, kwargs)) and pipeline_map work."""
    got = []

    def pipeline(traj):
        traj.f_add_parameter("x", 0)
        traj.f_explore({"x": [1, 2, 3]})
        return ((square, ([10, 20, 30],)), (lambda t, r, k: got.append((k, r)), ("done",)))

    env = Environment(trajectory="pm", filename=str(tmp_path / "pm.hdf5"), log_config=None,
                      report_progress=False)
    assert env.pipeline_map(pipeline) == [(0, 11), (1, 24), (2, 39)]
    assert got == [("done", [(0, 11), (1, 24), (2, 39)])]


def test_pipeline_without_runs(tmp_path):
    """With do_single_runs=False a pipeline may return None; otherwise that is an error."""
    def build(traj):
        traj.f_add_parameter("x", 3)

    env = Environment(trajectory="n", filename=str(tmp_path / "n.hdf5"), log_config=None,
                      do_single_runs=False)
    assert env.pipeline(build) == []
    loaded = Trajectory(filename=str(tmp_path / "n.hdf5"))
    loaded.f_load(index=-1)
    assert loaded.x == 3
    other = Environment(trajectory="m", filename=str(tmp_path / "m.hdf5"), log_config=None)
    with pytest.raises(ValueError, match="do_single_runs=False"):
        other.pipeline(build)


@pytest.mark.multiproc
def test_postproc_expansion_with_a_pool(tmp_path):
    """Expansion works with multiprocessing too."""
    def refine(traj, results):
        return {"x": [4]} if len(traj) == 3 else None

    env = make_env(tmp_path, multiproc=True, ncores=2, use_pool=True, wrap_mode="QUEUE")
    env.add_postprocessing(refine)
    assert env.run(square) == [(0, 1), (1, 4), (2, 9), (3, 16)]
