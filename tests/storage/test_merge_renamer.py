"""RunRenamer: how a merge renames the other trajectory's run-scoped names."""

from __future__ import annotations

import pytest

from pypet.storage.merging import RunRenamer


def test_runs_are_renumbered_and_dropped_runs_vanish():
    """Kept runs follow the target's runs in order; names in dropped runs map to None."""
    renamer = RunRenamer([0, 2, 3], start=10)
    assert renamer.rename("results.runs.run_00000002.z") == "results.runs.run_00000011.z"
    assert renamer.rename("results.runs.run_00000001.z") is None
    assert renamer.new_index(3) == 12 and renamer.new_index(1) is None
    assert renamer.rename("results.summary") == "results.summary"
    assert renamer.rename("results.runs.run_ALL.z") == "results.runs.run_ALL.z"
    assert renamer.rename("results.run_set_ALL.run_ALL.z") == "results.run_set_ALL.run_ALL.z"


def test_a_run_set_follows_the_run_below_it_across_a_set_boundary():
    """Runs renumbered past index 999 move to the next run set, one by one."""
    renamer = RunRenamer([0, 1, 2], start=999)
    assert renamer.rename("results.run_set_00000.run_00000000.w") == \
        "results.run_set_00000.run_00000999.w"
    assert renamer.rename("results.run_set_00000.run_00000001.w") == \
        "results.run_set_00001.run_00001000.w"


def test_a_run_set_without_a_run_below_takes_its_first_kept_run():
    """A name with a run set but no run (a per-set item) goes where its first kept run went;
    a set none of whose runs is kept is dropped."""
    renamer = RunRenamer([1500, 1700], start=3)
    assert renamer.rename("results.run_set_00001.summary") == "results.run_set_00000.summary"
    assert renamer.rename("results.run_set_00000.summary") is None


def test_user_wildcard_names_are_renamed_by_table():
    """Names made by user wildcards map through the table the plan computed."""
    renamer = RunRenamer([0, 1], start=2, custom={"hello_0": "hello_2", "hello_1": "hello_3",
                                                  "hello_5": None})
    assert renamer.rename("results.per.hello_1") == "results.per.hello_3"
    assert renamer.rename("results.per.hello_5") is None
    assert renamer.is_run_component("hello_0") and not renamer.is_run_component("hello")


def test_run_indices_must_be_sorted_and_unique():
    """The kept runs are given in order (the plan keeps the other's order)."""
    with pytest.raises(ValueError, match="sorted"):
        RunRenamer([2, 1], start=0)
