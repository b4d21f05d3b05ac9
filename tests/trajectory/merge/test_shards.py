"""Shards: slices of one exploration run apart, each into its own file, merge into the whole."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest
from merge_helpers import digest, load_all, make_study

from pypet import cartesian_product, merge_all_in_folder, split_exploration
from pypet.utils.trajectory_utils import merge_all_in_folder as pypet07_path

GRID = cartesian_product({"x": [float(v) for v in range(8)], "y": [0.5, 1.5, 2.5, 3.5, 4.5]})
#: run-table columns that say when and where a run ran, not what it computed
_WHEN = ["start", "finish", "runtime", "hexsha", "environment"]


def _run_shard(folder: str, index: int, count: int) -> str:
    """One batch job: explore shard ``index`` of ``count`` and run it into its own file."""
    path = os.path.join(folder, f"shard_{index:04d}.hdf5")
    make_study(path, "study", split_exploration(GRID, count, index=index))
    return path


def _assert_equal_studies(merged, single):
    """Same runs, parameters, run-table results and node results, in the same order."""
    assert len(merged) == len(single) == 40
    assert merged.f_get_explored_parameters().keys() == single.f_get_explored_parameters().keys()
    for name in single.f_get_explored_parameters():
        assert merged.f_get(name).f_get_range() == single.f_get(name).f_get_range()
    pd.testing.assert_frame_equal(merged.f_to_dataframe().drop(columns=_WHEN),
                                  single.f_to_dataframe().drop(columns=_WHEN))
    for item in ("big", "w", "twice"):
        ours = merged.f_get_from_runs(item, fast_access=True)
        theirs = single.f_get_from_runs(item, fast_access=True)
        assert list(ours) == list(theirs) and len(ours) == 40
        for run in theirs:
            np.testing.assert_array_equal(ours[run], theirs[run])
    for run in merged.f_get_run_names():  # the link inside each run points into that run
        assert merged.f_get(f"results.runs.{run}.to_big") is \
            merged.f_get(f"results.runs.{run}.big")
    assert merged.f_is_completed()


def test_split_exploration_cuts_consecutive_slices():
    """Shards are consecutive, cover every point once and differ in size by at most one."""
    shards = split_exploration(GRID, 7)
    assert [len(s["x"]) for s in shards] == [6, 6, 6, 6, 6, 5, 5]
    assert sum((s["x"] for s in shards), []) == GRID["x"]
    assert split_exploration(GRID, 7, index=6) == shards[6]
    with pytest.raises(ValueError, match="n_shards"):
        split_exploration(GRID, 41)
    with pytest.raises(ValueError, match="index"):
        split_exploration(GRID, 4, index=4)
    with pytest.raises(ValueError, match="one length"):
        split_exploration({"x": [1, 2], "y": [1]}, 2)


def test_twenty_shard_files_merge_into_the_single_machine_study(tmp_path):
    """20 shards, each in its own file, merged from their folder equal one run of the grid."""
    single = make_study(tmp_path / "single.hdf5", "study", GRID)
    shards = tmp_path / "shards"
    shards.mkdir()
    for index in range(20):
        _run_shard(str(shards), index, 20)
    before = {p.name: digest(p) for p in shards.iterdir()}
    merged = merge_all_in_folder(shards, into=tmp_path / "merged.hdf5")
    assert {p.name: digest(p) for p in shards.iterdir()} == before  # inputs untouched
    _assert_equal_studies(load_all(tmp_path / "merged.hdf5"), load_all(tmp_path / "single.hdf5"))
    assert len(merged) == 40 and len(single) == 40
    # shard 0 is copied into the new file, the 19 others are merged into it
    assert len(load_all(tmp_path / "merged.hdf5").f_get("config.merge").f_get_children()) == 19


@pytest.mark.multiproc
def test_shards_run_by_independent_processes_merge_into_the_whole(tmp_path):
    """Each shard runs in its own process (as batch jobs would); pypet's in-place merge into
    the first file, deleting the others, gives the whole study."""
    make_study(tmp_path / "single.hdf5", "study", GRID)
    shards = tmp_path / "shards"
    shards.mkdir()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        paths = list(pool.map(_run_shard, [str(shards)] * 4, range(4), [4] * 4))
    assert [os.path.basename(p) for p in paths] == [f"shard_{i:04d}.hdf5" for i in range(4)]
    merged = pypet07_path(str(shards), delete_other_files=True)
    assert sorted(p.name for p in shards.iterdir()) == ["backup_study.hdf5", "shard_0000.hdf5"]
    assert len(merged) == 40
    _assert_equal_studies(load_all(shards / "shard_0000.hdf5"),
                          load_all(tmp_path / "single.hdf5"))


def test_overlapping_shards_merge_without_duplicates(tmp_path):
    """Shards that share points (a rerun batch) merge once with remove_duplicates=True."""
    shards = tmp_path / "shards"
    shards.mkdir()
    halves = split_exploration(GRID, 2)
    overlap = {k: v[15:25] for k, v in GRID.items()}  # straddles both halves
    make_study(shards / "a.hdf5", "study", halves[0])
    make_study(shards / "b.hdf5", "study", overlap)
    make_study(shards / "c.hdf5", "study", halves[1])
    merged = merge_all_in_folder(shards, into=tmp_path / "merged.hdf5", remove_duplicates=True)
    assert len(merged) == 40
    loaded = load_all(tmp_path / "merged.hdf5")
    found = set(zip(loaded.f_get("x").f_get_range(), loaded.f_get("y").f_get_range(),
                    strict=True))
    assert found == set(zip(GRID["x"], GRID["y"], strict=True))


def test_merge_all_in_folder_needs_files_and_a_new_target(tmp_path):
    """An empty folder and an existing into= file are refused; a failed merge into a new
    file leaves no half-made file."""
    with pytest.raises(ValueError, match="No \\*.hdf5 files"):
        merge_all_in_folder(tmp_path)
    make_study(tmp_path / "a.hdf5", "study")
    make_study(tmp_path / "b.hdf5", "other", extra=lambda t: t.f_add_parameter("z", 1))
    with pytest.raises(FileExistsError):
        merge_all_in_folder(tmp_path, into=tmp_path / "a.hdf5")
    with pytest.raises(TypeError, match="same space"):
        merge_all_in_folder(tmp_path, into=tmp_path / "merged.h5")
    assert not (tmp_path / "merged.h5").exists()
