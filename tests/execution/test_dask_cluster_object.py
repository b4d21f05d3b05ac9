"""A Dask cluster object is an executor (as dask-jobqueue's SLURMCluster/PBSCluster are), and
shards run on it merge into the serial study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster

from pypet import Environment, cartesian_product, merge_all_in_folder, split_exploration
from tests.execution.helpers import TIMING_COLUMNS, leaf_data, load, rich_run
from tests.execution.test_parallel_runners import check_run

pytestmark = pytest.mark.multiproc


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster standing in for a batch-system cluster (same Cluster interface)."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local


def test_a_cluster_object_runs_the_experiment(tmp_path, serial_reference, caplog, cluster):
    """executor=<cluster> connects a client for the run; the data equal the serial run's."""
    check_run(tmp_path, serial_reference, caplog, executor=cluster, ncores=2)
    assert cluster.status.name == "running"  # the cluster is the user's: still up


def test_shards_run_on_a_cluster_merge_into_the_serial_study(tmp_path, serial_reference,
                                                             cluster):
    """Two shards of the grid, each its own Environment and file on the cluster, merged from
    their folder, equal the serial run of the whole grid."""
    grid = cartesian_product({"x": [1.0, 2.0], "y": [3.0, 4.0, 5.0]})
    shards = tmp_path / "shards"
    for index in range(2):
        env = Environment(trajectory="t", filename=str(shards / f"shard_{index}.hdf5"),
                          log_config=None, report_progress=False, executor=cluster)
        traj = env.trajectory
        traj.f_add_parameter("x", 1.0, comment="first")
        traj.f_add_parameter("y", 1.0)
        traj.f_explore(split_exploration(grid, 2, index=index))
        env.run(rich_run, offset=0.5)
    merge_all_in_folder(shards, into=tmp_path / "study.hdf5")
    merged, reference = load(tmp_path / "study.hdf5"), serial_reference[1]
    assert merged.f_is_completed() and len(merged) == len(reference) == 6
    # rich_run also records traj.v_idx ('stats.label', 'info'), which in a shard counts the
    # shard's own runs; everything else must be what the serial run stored
    for name in ("z", "pair", "arr", "dz", "stats"):
        got = merged.f_get_from_runs(name, use_indices=True)
        want = reference.f_get_from_runs(name, use_indices=True)
        assert list(got) == list(want) == list(range(6))
        for idx, leaf in want.items():
            mine = leaf_data(got[idx])
            theirs = leaf_data(leaf)
            for data in (mine, theirs):
                data.pop("label", None)
            np.testing.assert_equal(mine, theirs, err_msg=name)
    drop = [*TIMING_COLUMNS, "stats:label"]
    pd.testing.assert_frame_equal(merged.f_to_dataframe().drop(columns=drop),
                                  reference.f_to_dataframe().drop(columns=drop))
