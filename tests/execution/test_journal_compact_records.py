"""The journal's compact record (codec ``C``) of the usual outcome, next to older codecs."""

from __future__ import annotations

import dataclasses
import os
import pickle
import struct
import subprocess
import sys
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np

from pypet import Environment, Trajectory
from pypet.execution.journal import JournalWriter, read_journal, scan_journal, segments
from pypet.execution.journal_format import as_tuples
from pypet.storage.records import GroupRecord, LeafRecord, RunFailure, RunOutcome
from tests.execution.helpers import kill_when_appended
from tests.execution.kill_harness import REPO

HEXSHA = "0123456789abcdef0123456789abcdef01234567"


@dataclasses.dataclass(frozen=True)
class Point:
    """A value only pickle (not a plain literal) can write: a class of a module."""

    x: float
    label: str


def usual(idx: int, value=None, plain=None, **kwargs) -> RunOutcome:
    """An outcome of the usual shape: no records, no error (plain results or none)."""
    return RunOutcome(idx, value, 10.0 + idx, 10.25 + idx, kwargs.pop("completed", True),
                      kwargs.pop("hexsha", HEXSHA), plain=plain, **kwargs)


def written_and_read(tmp_path: Path, outcomes: list[RunOutcome]) -> dict[int, RunOutcome]:
    writer = JournalWriter(tmp_path)
    for outcome in outcomes:
        writer.append(outcome)
    writer.close()
    return {o.idx: o for o in read_journal(tmp_path)}


def test_a_usual_outcome_is_written_as_a_compact_record(tmp_path):
    """Outcomes without records or error take codec C; the others keep codec T."""
    group = "results.runs.run_00000002"
    leafy = RunOutcome(2, None, 1.0, 2.0, True, HEXSHA,
                       (LeafRecord(f"{group}.a", "Result", "", None, {"a": np.arange(3)}),),
                       (GroupRecord(group, "", "", None),))
    failed = RunOutcome(3, None, 1.0, 2.0, False, HEXSHA,
                        error=RunFailure("ValueError", "bad", "Traceback ..."))
    written_and_read(tmp_path, [usual(0, plain={"z": 1.5}), usual(1), leafy, failed])
    codecs = {idx: ref.codec for idx, ref in scan_journal(tmp_path).items()}
    assert codecs == {0: b"C", 1: b"C", 2: b"T", 3: b"T"}


def test_every_field_of_a_compact_record_reads_back(tmp_path):
    """Index, value, start, finish, completed, the hexsha's seven characters and every
    kind of plain result read back as written, whatever pickle has to do for the value."""
    values = [None, 7, 2**70, -0.0, 1 + 2j, "text", b"\x00raw", (1, [2, {3}]),
              {"k": np.float32(1.5)}, np.arange(6.0).reshape(2, 3), Point(1.0, "p"),
              Fraction(1, 3), frozenset({"a"})]
    plains = [None, {}, {"f": 1.25, "i": -3, "b": True, "c": 2j, "s": "é", "y": b"\x01",
                         "n": None, "big": 10**30}]
    outcomes = [usual(i, value=value, plain=plains[i % len(plains)],
                      completed=bool(i % 2), hexsha=HEXSHA[: 1 + i * 3])
                for i, value in enumerate(values)]
    read = written_and_read(tmp_path, outcomes)
    assert sorted(read) == list(range(len(values)))
    for sent in outcomes:
        got = read[sent.idx]
        assert (got.idx, got.start, got.finish, got.completed) == \
            (sent.idx, sent.start, sent.finish, sent.completed)
        assert got.hexsha == sent.hexsha[:7]  # what the run table keeps (S7)
        assert got.plain == sent.plain and type(got.plain) is type(sent.plain)
        assert (got.leaves, got.groups, got.links, got.error) == ((), (), (), None)
        if isinstance(sent.value, np.ndarray):
            np.testing.assert_array_equal(got.value, sent.value)
        else:
            assert got.value == sent.value and type(got.value) is type(sent.value)
    assert type(read[8].value["k"]) is np.float32


def test_a_value_pickle_cannot_write_goes_through_dill(tmp_path):
    """A usual outcome whose value pickle refuses (a lambda) is written with dill."""
    outcome = usual(0, value=lambda x: x + 1, plain={"z": 2.0})
    read = written_and_read(tmp_path, [outcome])
    assert scan_journal(tmp_path)[0].codec == b"D"
    assert read[0].value(1) == 2 and read[0].plain == {"z": 2.0}


def _torn_states(record: bytes) -> list[bytes]:
    """Every state a kill can leave a record in: its fields, then its payload, then its
    checksum are stored (each a byte at a time at worst) into zeros."""
    order = [*range(24), *range(28, len(record)), *range(24, 28)]  # the checksum last
    states = []
    for written in range(len(order)):
        state = bytearray(len(record))
        for at in order[:written]:
            state[at] = record[at]
        states.append(bytes(state))
    return states


def test_no_torn_compact_record_counts(tmp_path):
    """A compact record stopped at any byte before its checksum is complete never counts;
    the records before it do."""
    writer = JournalWriter(tmp_path)
    for idx in range(3):
        writer.append(usual(idx, plain={"z": idx / 3}))
    writer.close()
    (segment,) = segments(tmp_path)
    whole = segment.read_bytes()
    first = len(whole) // 3  # three records of one length
    good, last = whole[:2 * first], whole[2 * first:]
    assert last[2:3] == b"C" and zlib.crc32(last[28:], zlib.crc32(last[:24])) == \
        struct.unpack_from("<I", last, 24)[0]
    for state in _torn_states(last):
        segment.write_bytes(good + state + bytes(4096))
        assert sorted(scan_journal(tmp_path)) == [0, 1]
    segment.write_bytes(good + last)
    assert sorted(scan_journal(tmp_path)) == [0, 1, 2]


def _record(codec: bytes, idx: int, payload: bytes, completed: bool = True,
            finish: float = 0.0) -> bytes:
    """A record as the documented header and checksum describe it."""
    fields = struct.pack("<2scqBdI", b"PJ", codec, idx, completed, finish, len(payload))
    return fields + struct.pack("<I", zlib.crc32(payload, zlib.crc32(fields))) + payload


def _old_form(outcome: RunOutcome, codec: bytes) -> bytes:
    """``outcome`` as journals before codec C wrote it (P: pickled object; T: tuples)."""
    payload = pickle.dumps(outcome if codec == b"P" else as_tuples(outcome))
    return _record(codec, outcome.idx, payload, outcome.completed, outcome.finish)


def test_one_segment_with_old_and_compact_records_reads_whole(tmp_path):
    """P, T and C records mixed in one segment all read; per run the completed record
    (else the latest) counts, whichever codec holds it."""
    failed_first = usual(3, completed=False, plain=None)
    old = [_old_form(usual(0, value="p", plain={"z": 0.5}), b"P"),
           _old_form(usual(1, value=[1], plain={"z": 1.5}), b"T"),
           _old_form(failed_first, b"T")]
    (tmp_path / "journal-1-1-old.pjl").write_bytes(b"".join(old))
    writer = JournalWriter(tmp_path)
    writer.append(usual(2, plain={"z": 2.5}))
    writer.append(usual(3, value=33, plain={"z": 3.5}))  # its rerun, completed
    writer.close()
    by_idx = {ref.idx: ref.codec for ref in scan_journal(tmp_path).values()}
    assert by_idx == {0: b"P", 1: b"T", 2: b"C", 3: b"C"}
    read = list(read_journal(tmp_path))
    assert {(o.idx, o.completed) for o in read} == {(0, True), (1, True), (2, True),
                                                    (3, False), (3, True)}
    values = {o.idx: (o.value, o.plain) for o in read if o.completed}
    assert values == {0: ("p", {"z": 0.5}), 1: ([1], {"z": 1.5}), 2: (None, {"z": 2.5}),
                      3: (33, {"z": 3.5})}


CRASHING_SWEEP = """
import os, sys
sys.path.insert(0, {repo!r})
from pypet import Environment

def run(traj):
    if traj.v_idx == {die_at} and not os.path.exists({flag!r}):
        open({flag!r}, "w").close()
        os._exit(3)  # the main process dies, as under SIGKILL
    with open({executions!r}, "a") as handle:
        handle.write(f"{{traj.v_idx}}\\n")
    traj.f_add_result("z", traj.x * 2.0)
    return traj.v_idx

env = Environment(trajectory="plain", filename={file!r}, log_config=None,
                  report_progress=False, resumable=True, resume_folder={folder!r})
env.trajectory.f_add_parameter("x", 0.0)
env.trajectory.f_explore({{"x": [float(i) for i in range({runs})]}})
env.run(run)
"""


def test_resume_from_a_journal_of_old_and_compact_records(tmp_path):
    """A crashed sweep whose journal holds records in the old forms and compact ones is
    resumed: every journaled run is taken from the journal, whatever its codec, and
    never runs again."""
    runs, die_at = 8, 6
    paths = {"file": str(tmp_path / "plain.hdf5"), "folder": str(tmp_path / "resume"),
             "executions": str(tmp_path / "executions"), "flag": str(tmp_path / "died")}
    script = CRASHING_SWEEP.format(repo=str(REPO), runs=runs, die_at=die_at, **paths)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=tmp_path)
    assert done.returncode == 3, done.stderr.decode()
    journal = Path(paths["folder"]) / "plain"
    assert b"C" in {ref.codec for ref in scan_journal(journal).values()}
    # rewrite runs 0-3 as journals of earlier versions held them (P, T), keep 4-5 compact
    outcomes = {o.idx: o for o in read_journal(journal)}
    assert sorted(outcomes) == list(range(die_at))
    (segment,) = segments(journal)
    segment.unlink()
    (journal / "journal-1-1-old.pjl").write_bytes(b"".join(
        _old_form(outcomes[idx], b"P" if idx % 2 else b"T") for idx in range(4)))
    writer = JournalWriter(journal)
    for idx in (4, 5):
        writer.append(outcomes[idx])
    writer.close()
    assert sorted(ref.codec for ref in scan_journal(journal).values()) == \
        [b"C", b"C", b"P", b"P", b"T", b"T"]

    env = Environment(trajectory="plain", filename=paths["file"], log_config=None,
                      report_progress=False, resume_folder=paths["folder"])
    results = env.resume()
    assert results == [(idx, idx) for idx in range(runs)]
    executed = [int(line) for line in Path(paths["executions"]).read_text().split()]
    assert executed == [*range(die_at), die_at, die_at + 1]  # 0-5 once, before the crash
    traj = Trajectory(filename=paths["file"])
    traj.f_load(name="plain", load_data=2)
    assert traj.f_is_completed()
    zs = traj.f_get_from_runs("z", fast_access=True, use_indices=True)
    assert zs == {idx: idx * 2.0 for idx in range(runs)}
    assert not os.path.exists(journal)  # completed: the folder is deleted



KILLED_WRITER = """
import sys
sys.path.insert(0, {repo!r})
from tests.execution.test_journal_compact_records import usual
from pypet.execution.journal import JournalWriter

writer = JournalWriter({folder!r}, "batch")
for idx in range({runs}):
    writer.append(usual(idx, plain={{"z": idx / 7}}))
print("appended", flush=True)
sys.stdin.read()  # wait for the SIGKILL
"""


def test_compact_records_of_a_killed_writer_survive(tmp_path, caplog):
    """A writer SIGKILLed right after its appends returned loses no compact record."""
    script = KILLED_WRITER.format(repo=str(REPO), folder=str(tmp_path), runs=1000)
    kill_when_appended(script)
    refs = scan_journal(tmp_path)
    assert sorted(refs) == list(range(1000)) and {r.codec for r in refs.values()} == {b"C"}
    read = sorted(read_journal(tmp_path), key=lambda o: o.idx)
    assert [(o.idx, o.plain, o.hexsha) for o in read] == \
        [(idx, {"z": idx / 7}, HEXSHA[:7]) for idx in range(1000)]
    assert "unfinished record" not in caplog.text
