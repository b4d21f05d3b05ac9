"""Loading defers run results kept in the run table: the tree looks exactly as if every
run's nodes had been made at load time, but a run's nodes are made when first touched."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pypet import NotUniqueNodeError, Trajectory, load_trajectory

RUNS = 12


def _made(traj: Trajectory) -> set[str]:
    """Full names of the run nodes that exist in memory (without making any)."""
    return {full for name, nodes in traj._index.items() if name.startswith("run_")
            for full in nodes}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A file with 12 runs, each with a result ``z``, a result ``grp.w`` and a derived
    parameter ``dz``, all kept in the run table."""
    filename = str(tmp_path_factory.mktemp("deferred") / "runs.hdf5")
    traj = Trajectory("t", filename=filename)
    traj.f_add_parameter("x", 0)
    traj.f_explore({"x": list(range(RUNS))})
    traj.f_store()
    for idx in range(RUNS):
        traj.f_start_run(idx)
        traj.f_add_result("z", idx * 2, comment="twice x")
        traj.f_add_result("grp.w", idx + 0.5)
        traj.f_add_derived_parameter("dz", idx)
        traj.f_finalize_run(clean_up=False)
    traj.f_store()
    return filename


def _load(filename: str, **kwargs: object) -> Trajectory:
    return load_trajectory(filename=filename, index=-1, **kwargs)


def _all_run_leaves() -> set[str]:
    names = set()
    for idx in range(RUNS):
        run = f"run_{idx:08d}"
        names |= {f"results.runs.{run}.z", f"results.runs.{run}.grp.w",
                  f"derived_parameters.runs.{run}.dz"}
    return names


def test_default_load_makes_no_run_nodes(stored: str) -> None:
    """A default load knows the runs but has made none of their nodes."""
    traj = _load(stored)
    assert len(traj) == RUNS
    assert _made(traj) == set()
    assert "runs" in traj.results.f_get_children()  # the groups above the runs exist


def test_one_run_is_made_on_access(stored: str) -> None:
    """``traj.results.runs.run_00000005.z`` makes run 5 alone, as a stored skeleton."""
    traj = _load(stored)
    z = traj.results.runs.run_00000005.z
    assert z.v_comment == "twice x" and z.f_is_empty() and z._stored
    assert {n.rpartition(".")[2] for n in _made(traj)} == {"run_00000005"}
    assert traj.f_get("derived_parameters.runs.run_00000005.dz").v_full_name.endswith("dz")


def test_auto_load_and_full_load_give_values(stored: str) -> None:
    """With ``v_auto_load`` a deferred skeleton fills itself; a full load has the values."""
    traj = _load(stored)
    traj.v_auto_load = True
    assert traj.results.runs.run_00000007.z == 14
    full = _load(stored, load_results=2)
    assert full.results.runs.run_00000007.z == 14
    assert full.results.runs.run_00000003.grp.w == 3.5


def test_current_run_lookups(stored: str) -> None:
    """``crun`` and the current run's shortcuts work on deferred runs."""
    traj = _load(stored)
    traj.v_idx = 4
    assert traj.f_get("crun.z").v_full_name == "results.runs.run_00000004.z"
    assert traj.f_get("z").v_full_name == "results.runs.run_00000004.z"
    traj.v_auto_load = True
    assert traj.results.crun.grp.w == 4.5
    traj.v_idx = -1
    with pytest.raises(NotUniqueNodeError):
        traj.f_get("z")  # every run has one, as with all nodes made


def test_walks_and_searches_see_every_run(stored: str) -> None:
    """Walking, listing and collecting over runs give the same nodes as an eager load."""
    traj = _load(stored)
    leaves = {n.v_full_name for n in traj.f_iter_leaves() if ".runs." in n.v_full_name}
    assert leaves == _all_run_leaves()
    traj = _load(stored)
    assert len(traj.results.runs.f_get_children()) == RUNS
    traj = _load(stored)
    values = traj.f_get_from_runs("z", fast_access=True, use_indices=True, auto_load=True)
    assert dict(values) == {idx: 2 * idx for idx in range(RUNS)}
    traj = _load(stored)
    assert len(traj.f_get_all("w")) == RUNS
    traj = _load(stored)
    assert "run_00000011" in traj.results.runs
    assert "run_00000012" not in traj.results.runs


def test_adding_to_a_deferred_run(stored: str) -> None:
    """A run's stored results are there when something is added to that run after loading."""
    traj = _load(stored)
    traj.f_add_result("runs.run_00000002.extra", 1)
    assert traj.results.runs.run_00000002.z.v_comment == "twice x"
    with pytest.raises(AttributeError):
        traj.f_add_result("runs.run_00000003.z", 1)  # exists already, deferred or not


def test_removal(stored: str) -> None:
    """Removing the runs group drops deferred runs for good; it needs ``recursive``."""
    traj = _load(stored)
    with pytest.raises(TypeError):
        traj.results.f_remove_child("runs")
    traj = _load(stored)
    traj.results.f_remove_child("runs", recursive=True)
    assert "runs" not in traj.results.f_get_children()
    assert not [n for n in traj.f_iter_leaves() if n.v_full_name.startswith("results.runs")]
    assert len(traj.f_get_all("dz")) == RUNS  # the other branch keeps its runs


def test_copy_pickle_and_reload(stored: str) -> None:
    """Copies, pickles and a second load keep every deferred run reachable."""
    traj = _load(stored)
    traj.results.runs.run_00000001.z  # one run made before
    copied = traj.f_copy()
    assert {n.v_full_name for n in copied.f_iter_leaves() if ".runs." in n.v_full_name} \
        == _all_run_leaves()
    traj = _load(stored)
    clone = pickle.loads(pickle.dumps(traj))
    assert clone.results.runs.run_00000009.grp.w.v_full_name.endswith("run_00000009.grp.w")
    traj = _load(stored)
    traj.results.runs.run_00000001.z
    traj.f_load(load_results=1)
    assert traj.results.runs.run_00000001.z._stored
    assert traj.results.runs.run_00000010.z._stored


def test_shrink_forgets_deferred_runs(tmp_path: Path, stored: str) -> None:
    """``f_shrink(force=True)`` on a loaded trajectory drops runs never made, too."""
    traj = _load(stored)
    traj.f_shrink(force=True)
    assert not [n for n in traj.f_iter_leaves() if ".runs.run_0000000" in n.v_full_name
                and "run_00000000" not in n.v_full_name]
