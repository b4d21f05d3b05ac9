"""Reading run results back from the run table (pypet.storage.hdf5.run_results_reader)."""

from __future__ import annotations

import tables

from pypet.storage.hdf5.ptutil import names_as_given
from pypet.storage.hdf5.run_columns import RunColumns
from pypet.storage.hdf5.run_results_reader import RunResultsReader
from pypet.storage.hdf5.run_templates import plain_template

_Z = plain_template("z")


def _write(path: str, values: dict[int, object], length: int = 10) -> None:
    with tables.open_file(path, "w") as h5, names_as_given():  # as the service writes
        columns = RunColumns(h5, h5.create_group("/", "t"), None, length)
        for idx, value in values.items():
            assert columns.add_plain(idx, "z", value)
        columns.flush()


def test_a_file_without_run_table_reads_as_empty(tmp_path):
    """A trajectory group without ``overview/runs`` gives a reader with no templates."""
    path = str(tmp_path / "f.hdf5")
    with tables.open_file(path, "w") as h5:
        h5.create_group("/", "t")
    with tables.open_file(path, "r") as h5:
        reader = RunResultsReader.of(h5.get_node("/t"))
        assert reader.templates == {}
        assert reader.matching("results", recursive=True) == []


def test_reader_gives_back_what_the_writer_flushed(tmp_path):
    """Templates, present rows, single runs and blocks read back as written, in mode 'r'."""
    path = str(tmp_path / "f.hdf5")
    _write(path, {2: 1.5, 5: -3.0, 7: 0.25})
    with tables.open_file(path, "r") as h5:
        reader = RunResultsReader.of(h5.get_node("/t"))
        assert reader.templates == {_Z: ("Result", "", {"z": _Z})}
        assert reader.present_rows(_Z).tolist() == [2, 5, 7]
        assert reader.read_runs(_Z) == [(2, {"z": 1.5}), (5, {"z": -3.0}), (7, {"z": 0.25})]
        assert reader.read_runs(_Z, [5, 6, 99]) == [(5, {"z": -3.0})]
        assert reader.is_present(_Z, 7) and not reader.is_present(_Z, 6)
        assert reader.matching("results.runs.run_00000005.z", recursive=False) == [(_Z, 5)]
        assert reader.matching("results.runs.run_00000006", recursive=True) == []
        present, values, cells = reader.read_block(_Z, [4, 5])
        assert present.tolist() == [False, True]
        assert values[_Z][1] == -3.0 and cells[_Z].kind == "float"


def test_the_writer_counts_its_buffer_as_present(tmp_path):
    """A result buffered but not flushed is present to the writer, not yet in the file."""
    path = str(tmp_path / "f.hdf5")
    _write(path, {0: 1.0})
    with tables.open_file(path, "a") as h5, names_as_given():
        columns = RunColumns(h5, h5.get_node("/t"), None, 10)
        assert columns.add_plain(3, "z", 2.0)
        assert columns.is_present(_Z, 3) and columns.is_present(_Z, 0)
        assert not RunResultsReader.of(h5.get_node("/t")).is_present(_Z, 3)
        assert columns.matching("results.runs.run_00000003.z", recursive=False) == [(_Z, 3)]
