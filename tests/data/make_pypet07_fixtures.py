"""Write the pypet 0.7 fixture files of ``tests/data/pypet07/`` (run with pypet 0.7 itself).

    /tmp/pypet-orig/bin/python tests/data/make_pypet07_fixtures.py [OUTPUT_DIR] [N_RUNS]

Writes ``fixture.hdf5`` (a trajectory ``fixture`` with every parameter and result class of
pypet 0.7, explored ranges, derived parameters and results in runs (run by hand, as with
``f_start_run``), ``$set`` buckets, links, comments, annotations and config, plus a second,
tiny trajectory ``second``), and
``fixture_expected.pkl``: what pypet 0.7 itself loads from that file, as plain values
(``expected`` below), so that tests compare our reader with pypet 0.7's, value by value.
With N_RUNS the main trajectory gets that many runs (the 1,000-run comparison uses this;
above 10 runs each run adds only a scalar, an array and a derived parameter).

This script needs pypet 0.7 (``pip install pypet==0.7.0``); the project's tests only read
the files it writes.
"""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pypet import (
    ArrayParameter,
    ObjectTable,
    PickleParameter,
    PickleResult,
    SparseParameter,
    SparseResult,
    Trajectory,
    cartesian_product,
    load_trajectory,
)


def add_parameters(traj: Trajectory, n_runs: int) -> None:
    """Parameters of every class and many value types, some of them explored."""
    traj.f_add_config("sim.seed", 42, comment="the seed")
    traj.f_add_config("sim.tag", "fixture")
    traj.f_add_parameter("numbers.i", 1, comment="an int")
    traj.f_add_parameter("numbers.f", 1.5)
    traj.f_add_parameter("numbers.b", True)
    traj.f_add_parameter("numbers.c", 1.0 + 2.0j)
    traj.f_add_parameter("numbers.np_i32", np.int32(7))
    traj.f_add_parameter("numbers.np_f32", np.float32(0.25))
    traj.f_add_parameter("numbers.np_u8", np.uint8(200))
    traj.f_add_parameter("numbers.np_c64", np.complex64(1 - 1j))
    traj.f_add_parameter("text.s", "hello")
    traj.f_add_parameter("text.by", b"bytes")
    traj.f_add_parameter("seq.ints", [1, 2, 3])
    traj.f_add_parameter("seq.floats", (1.0, 2.5))
    traj.f_add_parameter("seq.strs", ["a", "bc"])
    traj.f_add_parameter("arrays.a1", np.arange(4))
    traj.f_add_parameter("arrays.a2", np.ones((2, 3)))
    traj.f_add_parameter("arrays.ab", np.array([True, False]))
    traj.f_add_parameter("arrays.astr", np.array(["x", "yz"]))
    traj.f_add_parameter(ArrayParameter, "special.ap", np.zeros((2, 2)), comment="arrays")
    traj.f_add_parameter(SparseParameter, "special.csr", sp.csr_matrix(np.eye(3)))
    traj.f_add_parameter(SparseParameter, "special.csc", sp.csc_matrix(np.eye(2)))
    traj.f_add_parameter(SparseParameter, "special.bsr", sp.bsr_matrix(np.eye(2)))
    traj.f_add_parameter(SparseParameter, "special.dia", sp.dia_matrix(np.eye(2)))
    traj.f_add_parameter(PickleParameter, "special.pp", {"key": [1, 2]})
    traj.parameters.special.v_comment = "special parameters"
    traj.parameters.special.v_annotations.f_set(purpose="fixture", level=3)
    traj.f_get("numbers.i").v_annotations.f_set(unit="m")
    values = list(range(1, n_runs + 1))
    spmat = [sp.csr_matrix(np.eye(3) * v) for v in values]
    traj.f_explore({
        "numbers.i": values,
        "text.s": [f"s{v}" for v in values],
        "special.ap": [np.arange(v, dtype=float) for v in values],
        "special.csr": spmat,
        "special.pp": [{"run": v} for v in values],
    })


def run(traj: Trajectory) -> int:
    """Results and derived parameters of every class, in runs and in $set buckets."""
    i = traj.numbers.i
    traj.f_add_result("z", i * 2, comment="twice i")
    traj.f_add_result("$set.$.w", np.arange(i))
    traj.f_add_derived_parameter("dp", i + 0.5, comment="derived")
    traj.f_add_result(SparseResult, "sparse", csr=sp.csr_matrix(np.eye(2) * i),
                      dia=sp.dia_matrix(np.eye(2)))
    traj.f_add_result(PickleResult, "pickled", obj={"i": i, "list": [1, "a"]}, protocol=2)
    many = traj.f_add_result(
        "many", i, 2.5, d={"a": i, "b": "x"}, lst=[1.0, 2.0], tup=(1, 2), arr=np.arange(3.0),
        frame=pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}), series=pd.Series([1.0, 2.0]),
        table=ObjectTable(data={"c": [i, 2], "s": ["x", "yy"]}), empty_list=[],
        comment="many kinds")
    many["nested.deep.item"] = i
    many.v_annotations.f_set(run=i)
    traj.res.runs.crun.f_add_link("zlink", traj.f_get("z"))
    return i


def light_run(traj: Trajectory) -> int:
    """The run of the many-run files: a scalar, an array in a $set bucket, a derived value."""
    i = traj.numbers.i
    traj.f_add_result("z", i * 2, comment="twice i")
    traj.f_add_result("$set.$.w", np.arange(i % 5))
    traj.f_add_derived_parameter("dp", i + 0.5)
    return i


def leaf_state(leaf) -> dict:
    """Plain values describing a leaf as pypet 0.7 loaded it."""
    state = {"class": leaf.f_get_class_name(), "comment": leaf.v_comment,
             "annotations": leaf.v_annotations.f_to_dict()}
    if leaf.v_is_parameter:
        state["value"] = None if leaf.f_is_empty() else leaf.f_get_default()
        state["range"] = leaf.f_get_range() if leaf.f_has_range() else None
    else:
        state["items"] = dict(leaf.f_to_dict())
    return state


def expected(filename: str, name: str) -> dict:
    """Everything pypet 0.7 loads from ``filename``'s trajectory ``name``, as plain values."""
    traj = load_trajectory(name=name, filename=filename, load_all=2)
    leaves = {leaf.v_full_name: leaf_state(leaf) for leaf in traj.f_iter_leaves(
        with_links=False)}
    groups = {node.v_full_name: {"comment": node.v_comment,
                                 "annotations": node.v_annotations.f_to_dict()}
              for node in traj.f_iter_nodes(with_links=False) if node.v_is_group}
    links = {}
    for node in [traj, *traj.f_iter_nodes(with_links=False)]:
        if node.v_is_group:
            for link, target in node.f_get_links().items():
                links[f"{node.v_full_name}.{link}".lstrip(".")] = target.v_full_name
    info = traj.f_get_run_information()
    return {"name": traj.v_name, "comment": traj.v_comment, "length": len(traj),
            "timestamp": traj.v_timestamp, "time": traj.v_time,
            "explored": sorted(traj.f_get_explored_parameters()), "leaves": leaves,
            "groups": groups, "links": links,
            "runs": {run: {k: info[run][k] for k in ("idx", "completed", "timestamp",
                                                      "finish_timestamp", "runtime",
                                                      "short_environment_hexsha")}
                     for run in info}}


def main(out_dir: str, n_runs: int = 2) -> None:
    os.makedirs(out_dir, exist_ok=True)
    filename = os.path.join(out_dir, "fixture.hdf5")
    # Runs are started by hand (f_start_run/f_finalize_run, as pypet's manual runs): an
    # Environment would add ~60 config nodes (versions, wildcards) and the overview tables,
    # tripling the file for nothing the reader needs.
    traj = Trajectory("fixture", filename=filename, overwrite_file=True,
                      comment="made by pypet 0.7", small_overview_tables=False,
                      summary_tables=False, purge_duplicate_comments=False)
    add_parameters(traj, n_runs)
    traj.f_store()
    for idx in range(len(traj)):
        traj.f_start_run(idx)
        (run if n_runs <= 10 else light_run)(traj)
        traj.f_store()
        traj.f_finalize_run()
    traj.f_add_result("top.level", 42, comment="after the runs")
    traj.f_add_link("top_link", traj.f_get("numbers.f"))
    traj.results.v_annotations.f_set(note="results annotated")
    traj.f_store()
    second = Trajectory("second", filename=filename, small_overview_tables=False,
                        summary_tables=False, purge_duplicate_comments=False)
    second.f_remove_child("config", recursive=True)  # the first one has config.hdf5 already
    second.f_add_parameter("x", 1)
    second.f_explore(cartesian_product({"x": [1, 2]}))
    second.f_add_result("y", 3)
    second.f_store()
    with open(os.path.join(out_dir, "fixture_expected.pkl"), "wb") as handle:
        pickle.dump({name: expected(filename, name) for name in ("fixture", "second")},
                    handle, protocol=4)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                            "pypet07"),
         int(sys.argv[2]) if len(sys.argv) > 2 else 2)
