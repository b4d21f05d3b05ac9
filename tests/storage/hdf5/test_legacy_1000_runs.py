"""A 1,000-run file written by pypet 0.7: every value as pypet 0.7 loads it, and migrated.

Needs pypet 0.7 in its own interpreter (``PYPET07_PYTHON``, default
``/tmp/pypet-orig/bin/python``) to write the file (about 2 minutes, once per machine: the
file is cached in the temp folder); skipped with the reason otherwise.
"""

from __future__ import annotations

import pytest

from pypet import load_trajectory, migrate_pypet07_file, pypetconstants
from tests.storage.hdf5.pypet07_compare import differences, pypet07_file, same


@pytest.mark.slow
def test_thousand_runs_load_and_migrate(tmp_path):
    """Every value of 1,000 runs equals pypet 0.7's; the migrated file gives the same
    f_to_dataframe()."""
    try:
        old, expected = pypet07_file(1000)
    except FileNotFoundError as missing:
        pytest.skip(f"pypet 0.7 is needed to write the file: {missing}")
    traj = load_trajectory(name="fixture", filename=str(old), load_all=pypetconstants.LOAD_DATA)
    assert len(traj) == 1000
    assert differences(traj, expected["fixture"], skip="config.hdf5") == []
    new = tmp_path / "migrated.hdf5"
    migrate_pypet07_file(old, new)
    migrated = load_trajectory(name="fixture", filename=str(new),
                               load_all=pypetconstants.LOAD_DATA)
    assert differences(migrated, expected["fixture"], skip="config.hdf5") == []
    before, after = traj.f_to_dataframe(), migrated.f_to_dataframe()
    assert list(before.columns) == list(after.columns) and len(after) == 1000
    assert all(same(x, y) for col in before.columns
               for x, y in zip(before[col], after[col], strict=True))
