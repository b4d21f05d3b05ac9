"""Files written by pypet 0.7: loading them, refusing to write into them, migrating them.

The fixture ``tests/data/pypet07/fixture.hdf5`` was written by pypet 0.7 itself and
``fixture_expected.pkl`` holds what pypet 0.7 loads from it (both made by
``tests/data/make_pypet07_fixtures.py``); every value we load must equal pypet 0.7's.
``config.hdf5`` is left out of the comparison: pypet 0.7 shows its loading service's
defaults there, we show the settings the file was written with (decision 0005).
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import tables

import pypet
from pypet import DataNotInStorageError, Trajectory, load_trajectory, pypetconstants
from tests.storage.hdf5.pypet07_compare import differences, same

DATA = Path(__file__).resolve().parents[2] / "data" / "pypet07"


@pytest.fixture
def old_file(tmp_path: Path) -> str:
    """A private copy of the pypet 0.7 fixture file (tests never touch the original)."""
    target = tmp_path / "old.hdf5"
    shutil.copy(DATA / "fixture.hdf5", target)
    return str(target)


@pytest.fixture(scope="module")
def expected() -> dict:
    """What pypet 0.7 loads from the fixture file."""
    with open(DATA / "fixture_expected.pkl", "rb") as handle:
        return pickle.load(handle)


@pytest.mark.parametrize("name", ["fixture", "second"])
def test_every_value_equals_pypet07s(old_file, expected, name):
    """Parameters (every class), ranges, results (every class), derived parameters, runs,
    links, comments and annotations load exactly as pypet 0.7 loads them."""
    traj = load_trajectory(name=name, filename=old_file, load_all=pypetconstants.LOAD_DATA)
    assert differences(traj, expected[name], skip="config.hdf5") == []


def test_index_and_trajectory_constructor(old_file, expected):
    """Trajectories are chosen by index (oldest first) and Trajectory(filename=).f_load works."""
    assert load_trajectory(index=0, filename=old_file).v_name == "fixture"
    assert load_trajectory(index=-1, filename=old_file).v_name == "second"
    traj = Trajectory(filename=old_file)
    traj.f_load(name="fixture", load_data=pypetconstants.LOAD_DATA)
    assert traj.f_get("numbers.i").f_get_range() == [1, 2]
    assert traj.config.hdf5.complevel == 9  # the file's own settings


def test_partial_loading_and_auto_load(old_file):
    """A skeleton loads empty leaves; items, children and auto-loading fill them later."""
    traj = load_trajectory(name="fixture", filename=old_file,
                           load_all=pypetconstants.LOAD_SKELETON)
    many = traj.f_get("results.runs.run_00000001.many")
    assert many.f_is_empty() and many.v_comment == "many kinds"
    traj.f_load_item(many, load_only=["d", "tup"])
    assert many.f_to_dict() == {"d": {"a": 2, "b": "x"}, "tup": (1, 2)}
    traj.v_auto_load = True
    traj.v_idx = 1
    assert traj.res.runs.crun.z == 4 and traj.par.numbers.i == 2
    assert np.array_equal(traj.results.run_set_00000.crun.w, [0, 1])
    with pytest.raises(DataNotInStorageError):
        traj.results.nothing_here  # noqa: B018


def test_writing_into_a_pypet07_file_is_refused(old_file):
    """Storing into the old file raises a ValueError naming the migration; nothing changes."""
    before = Path(old_file).read_bytes()
    traj = load_trajectory(name="fixture", filename=old_file,
                           load_all=pypetconstants.LOAD_DATA)
    traj.f_add_result("new", 1)
    with pytest.raises(ValueError, match="migrate_pypet07_file"):
        traj.f_store()
    with pytest.raises(ValueError, match="pypet 0.7"):
        traj.f_store_item("new")
    with tables.open_file(old_file) as h5:
        assert "new" not in h5.root.fixture.results
    assert Path(old_file).read_bytes() == before


def test_migrated_file_holds_the_same_trajectories(old_file, expected, tmp_path):
    """migrate_pypet07_file writes our format; loading it gives pypet 0.7's values and the
    same f_to_dataframe() as the old file."""
    new = str(tmp_path / "new.hdf5")
    assert pypet.migrate_pypet07_file(old_file, new) == ["fixture", "second"]
    for name in ("fixture", "second"):
        migrated = load_trajectory(name=name, filename=new, load_all=pypetconstants.LOAD_DATA)
        assert differences(migrated, expected[name], skip="config.hdf5") == []
    before = load_trajectory(name="fixture", filename=old_file).f_to_dataframe()
    after = load_trajectory(name="fixture", filename=new).f_to_dataframe()
    assert list(before.columns) == list(after.columns)
    assert all(same(x, y) for col in before.columns
               for x, y in zip(before[col], after[col], strict=True))
    with tables.open_file(new) as h5:
        assert "pypet_format" in h5.root.fixture._v_attrs  # our format
    with pytest.raises(ValueError, match="already in this pypet's format"):
        pypet.migrate_pypet07_file(new, str(tmp_path / "again.hdf5"))


class _Touch:
    """Unpickling this creates ``path``: a pickle that runs code, as a hostile file's would."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


def _plant_code(old_file: str, node: str, marker: Path) -> None:
    """Replace the pickle item ``node`` of the pypet 0.7 file by one that creates ``marker``."""
    with tables.open_file(old_file, "r+") as h5:
        old = h5.get_node("/" + node)
        attrs = {name: old._v_attrs[name] for name in old._v_attrs._v_attrnamesuser}
        parent, name = old._v_parent, old._v_name
        old._f_remove()
        new = h5.create_array(parent, name, obj=np.bytes_(pickle.dumps(_Touch(str(marker)),
                                                                       protocol=2)))
        for key, value in attrs.items():
            new._v_attrs[key] = value


@pytest.mark.parametrize("node", ["fixture/results/runs/run_00000000/pickled/obj",
                                  "fixture/parameters/special/pp/data"])
def test_allow_pickle_false_unpickles_nothing_of_a_pypet07_file(old_file, tmp_path, node):
    """With allow_pickle=False the pickle leaves of a pypet 0.7 file are refused with
    UnsafeDataError naming the leaf, skeletons and the run table load, and no code from the
    file runs; by default (trusting the file) they load, as in pypet."""
    marker = tmp_path / "code_ran"
    _plant_code(old_file, node, marker)
    leaf = ".".join(node.split("/")[1:-1])
    with pytest.raises(pypet.UnsafeDataError, match="holds pickled data"):
        load_trajectory(name="fixture", filename=old_file, allow_pickle=False,
                        load_all=pypetconstants.LOAD_DATA)
    skeleton = load_trajectory(name="fixture", filename=old_file, allow_pickle=False,
                               load_all=pypetconstants.LOAD_SKELETON)
    assert len(skeleton.f_to_dataframe()) == 2
    with pytest.raises(pypet.UnsafeDataError, match=f"'{leaf}' holds pickled data"):
        skeleton.f_load_item(leaf)
    assert not marker.exists()
    load_trajectory(name="fixture", filename=old_file, load_all=pypetconstants.LOAD_DATA)
    assert marker.exists()  # the planted pickle does run code when the file is trusted
