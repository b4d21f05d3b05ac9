"""The naming of run results in the run table (pypet.storage.hdf5.run_templates)."""

from __future__ import annotations

import pytest

from pypet.storage.hdf5.run_templates import (
    column_name,
    in_a_run,
    name_from_template,
    plain_template,
    template_of,
)


@pytest.mark.parametrize(("full_name", "template"), [
    ("results.runs.run_00000042.z", "results.runs.$.z"),
    ("results.runs.run_00000042.grp.q", "results.runs.$.grp.q"),
    ("results.runs.run_set_00000.run_00000042.z", "results.runs.$set.$.z"),
    ("derived_parameters.runs.run_00001042.d", "derived_parameters.runs.$.d"),
    ("run_00000007.z", "$.z"),
    ("results.runs.run_00000007", "results.runs.$"),
])
def test_template_replaces_the_run_and_its_set(full_name, template):
    """template_of puts ``$`` for the run and ``$set`` for its bucket, nothing else."""
    assert template_of(full_name) == template
    assert in_a_run(full_name)


@pytest.mark.parametrize("full_name", [
    "results.z", "results.runs.run_ALL.z", "results.runs.run_0042.z", "results.my_run_00000042x",
    "results.runs.run_set_00000.z",
])
def test_names_outside_a_numbered_run_have_no_template(full_name):
    """A name without a numbered run component has no template and is not in a run."""
    assert template_of(full_name) is None
    assert not in_a_run(full_name)


@pytest.mark.parametrize("full_name", [
    "results.runs.run_00000042.z", "results.runs.run_set_00001.run_00001042.grp.z",
    "run_00000000.x",
])
def test_name_from_template_inverts_template_of(full_name):
    """The run index of a name and its template give the name back."""
    idx = int(full_name.split("run_")[-1].split(".")[0])
    assert name_from_template(template_of(full_name), idx) == full_name


def test_plain_result_template_and_column():
    """A plain result's template names its one column; other items get ``template:item``."""
    template = plain_template("z")
    assert template == template_of("results.runs.run_00000003.z")
    assert column_name(template, "z", "z") == template
    assert column_name(template, "z", "mean") == "results.runs.$.z:mean"
