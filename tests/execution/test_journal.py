"""The resume journal's segments: what survives a killed writer, torn tails, old formats."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from pypet.execution import journal_writer
from pypet.execution.journal import JournalWriter, read_journal, scan_journal, segments
from pypet.execution.procs.start import check_fork_is_safe, fork_warning_silenced
from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunFailure, RunOutcome
from tests.execution.helpers import kill_when_appended
from tests.execution.kill_harness import REPO


def outcome(idx: int, value=None, data: object = 1.5, **kwargs) -> RunOutcome:
    """A run's outcome shaped like a real one: one result in the run's group."""
    group = f"results.runs.run_{idx:08d}"
    return RunOutcome(idx, value, 100.0 + idx, 100.5 + idx, True, "0b43542",
                      (LeafRecord(f"{group}.z", "Result", "", None, {"z": data}),),
                      (GroupRecord(group, "", "", None),), **kwargs)


def test_records_read_back_as_the_outcomes_written(tmp_path):
    """Every shape of outcome (several leaves, links, errors, arrays) reads back equal."""
    np = pytest.importorskip("numpy")
    group = "results.runs.run_00000003"
    many = RunOutcome(3, {"r": 1}, 1.0, 2.0, True, "abc",
                      (LeafRecord(f"{group}.a", "Result", "c", {"u": "m"}, {"a": 1}),
                       LeafRecord(f"{group}.b", "Result", "", None, {"b": "text"},
                                  flags={"b": "scalar"})),
                      (GroupRecord(group, "", "", None), GroupRecord(f"{group}.g", "X", "", None)),
                      (LinkRecord(group, "l", f"{group}.a"),))
    failed = RunOutcome(4, None, 1.0, 2.0, False, "abc",
                        error=RunFailure("ValueError", "bad", "Traceback ..."))
    written = [outcome(0), outcome(1, value=7.5), many, failed, RunOutcome(5, None, 1.0, 2.0, True)]
    writer = JournalWriter(tmp_path)
    for item in written:
        writer.append(item)
    array = outcome(2, data=np.arange(5.0))
    writer.append(array)
    writer.close()
    read = {o.idx: o for o in read_journal(tmp_path)}
    assert [read[o.idx] for o in written] == written
    assert read[2].leaves[0].data["z"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_close_cuts_the_reserved_tail(tmp_path):
    """A closed segment is exactly as long as its records; nothing reserved is left."""
    writer = JournalWriter(tmp_path)
    writer.append(outcome(0))
    (segment,) = segments(tmp_path)
    assert segment.stat().st_size >= 64 << 10  # the first window is reserved
    writer.close()
    data = segment.read_bytes()
    assert len(data) < 1000 and data.startswith(b"PJT") and not data.endswith(b"\0")
    assert list(scan_journal(tmp_path)) == [0]


def test_a_segment_grows_across_windows(tmp_path, monkeypatch):
    """Records beyond the first window, and one larger than any window, all read back."""
    monkeypatch.setattr(journal_writer, "_FIRST_WINDOW", 8192)
    monkeypatch.setattr(journal_writer, "_MAX_WINDOW", 16384)
    big = outcome(500, data="x" * 50_000)
    writer = JournalWriter(tmp_path, "batch")
    for idx in range(400):
        writer.append(outcome(idx))
        if idx == 200:
            writer.append(big)
            writer.sync()
    writer.close()
    read = {o.idx: o for o in read_journal(tmp_path)}
    assert sorted(read) == [*range(400), 500]
    assert read[500] == big and read[399] == outcome(399)


def test_close_without_flush_keeps_every_record(tmp_path, monkeypatch):
    """close(flush=False) flushes nothing to the disk, and the segment is cut and whole."""
    flushes = []
    flush = JournalWriter._flush
    monkeypatch.setattr(JournalWriter, "_flush", lambda self: flushes.append(1) or flush(self))
    writer = JournalWriter(tmp_path, "batch")
    for idx in range(20):
        writer.append(outcome(idx))
    writer.close(flush=False)
    assert flushes == []
    assert sorted(scan_journal(tmp_path)) == list(range(20))
    assert not segments(tmp_path)[0].read_bytes().endswith(b"\0")


@pytest.mark.parametrize("policy", ["always", "batch", "never"])
def test_every_fsync_policy_writes_readable_segments(tmp_path, policy):
    """Each resume_fsync policy gives the same records (flushing differs, not content)."""
    writer = JournalWriter(tmp_path, policy)
    for idx in range(50):
        writer.append(outcome(idx))
    writer.sync()
    writer.append(outcome(50))
    writer.close()
    assert sorted(scan_journal(tmp_path)) == list(range(51))


KILLED_WRITER = """
import sys
sys.path.insert(0, {repo!r})
from tests.execution.test_journal import outcome
from pypet.execution.journal import JournalWriter

writer = JournalWriter({folder!r}, {policy!r})
for idx in range({runs}):
    writer.append(outcome(idx))
print("appended", flush=True)
sys.stdin.read()  # wait for the SIGKILL
"""


@pytest.mark.parametrize("policy", ["never", "batch"])
def test_records_of_a_killed_writer_survive(tmp_path, caplog, policy):
    """A writer SIGKILLed right after append returned loses no record; its zeroed reserved
    tail is taken for the end of the segment, without a warning."""
    script = KILLED_WRITER.format(repo=str(REPO), folder=str(tmp_path), policy=policy,
                                  runs=1000)
    kill_when_appended(script)
    (segment,) = segments(tmp_path)
    assert segment.read_bytes().endswith(b"\0" * 1000)  # never cut: its writer was killed
    read = list(read_journal(tmp_path))
    assert read == [outcome(idx) for idx in range(1000)]
    assert "unfinished record" not in caplog.text


def test_a_torn_record_in_the_reserved_tail_is_ignored(tmp_path, caplog):
    """A record cut short in the reserved tail (header, part of the payload, no checksum
    yet: it is stored last) does not count, and is reported; the records before it do."""
    writer = JournalWriter(tmp_path)
    writer.append(outcome(0))
    writer.append(outcome(1))
    writer.close()
    (segment,) = segments(tmp_path)
    whole = segment.read_bytes()
    torn = bytearray(whole[:60])
    torn[22:26] = b"\0\0\0\0"
    with open(segment, "ab") as handle:  # as a killed writer leaves it: torn, then zeros
        handle.write(bytes(torn) + b"\0" * 5000)
    assert sorted(scan_journal(tmp_path)) == [0, 1]
    written = len(bytes(torn).rstrip(b"\0"))  # the zeros after it are the reserved tail
    assert f"Ignoring {written} bytes of an unfinished record" in caplog.text


def _old_record(codec: bytes, idx: int, payload: bytes) -> bytes:
    """A record as 0.8.0.dev0 journals wrote it (header, CRC-32 of fields and payload)."""
    fields = struct.pack("<2scqBdI", b"PJ", codec, idx, 1, 100.5 + idx, len(payload))
    crc = zlib.crc32(payload, zlib.crc32(fields))
    return fields + struct.pack("<I", crc) + payload


def test_segments_of_earlier_versions_still_read(tmp_path):
    """Old records (codec P: the pickled outcome; T: pickled field tuples as lists) read."""
    first, second = outcome(0), outcome(1)
    as_lists = (1, None, second.start, second.finish, True, second.hexsha,
                [tuple(vars_of(leaf)) for leaf in second.leaves],
                [tuple(vars_of(group)) for group in second.groups], [], None)
    (tmp_path / "journal-1-2-aa.pjl").write_bytes(
        _old_record(b"P", 0, pickle.dumps(first)) + _old_record(b"T", 1, pickle.dumps(as_lists)))
    assert list(read_journal(tmp_path)) == [first, second]


def vars_of(record) -> list:
    return [getattr(record, name) for name in record.__dataclass_fields__]


def _append_in_child(writer: JournalWriter, idx: int) -> None:
    writer.append(outcome(idx))  # the inherited writer: must not touch the parent's segment


def test_a_forked_child_writes_its_own_segment(tmp_path):
    """A writer inherited through fork opens the child's own segment; the parent's segment
    keeps its records and goes on after the child is gone."""
    writer = JournalWriter(tmp_path)
    writer.append(outcome(0))
    child = multiprocessing.get_context("fork").Process(target=_append_in_child,
                                                        args=(writer, 1))
    # pypet's own rule for a fork while only idle C pools (numexpr, OpenBLAS) run
    check_fork_is_safe("the test's child")
    with fork_warning_silenced(True):
        child.start()
    child.join()
    assert child.exitcode == 0
    writer.append(outcome(2))
    writer.close()
    by_segment = {path: [o.idx for o in read_journal_segment(path)] for path in
                  segments(tmp_path)}
    assert sorted(by_segment.values()) == [[0, 2], [1]]
    for path in segments(tmp_path):  # the child's segment was cut at its exit
        assert not path.read_bytes().endswith(b"\0")


def read_journal_segment(path: Path) -> list[RunOutcome]:
    from pypet.execution.journal import load_records, scan_segments

    return sorted(load_records(scan_segments([path])), key=lambda o: o.idx)


EXITING_WRITER = """
import sys
sys.path.insert(0, {repo!r})
from tests.execution.test_journal import outcome
from pypet.execution.journal import JournalWriter

writer = JournalWriter({folder!r})
writer.append(outcome(0))
"""


def test_a_writer_left_open_is_cut_when_its_process_exits(tmp_path):
    """A process that ends without closing its writer leaves no reserved tail."""
    script = EXITING_WRITER.format(repo=str(REPO), folder=str(tmp_path))
    subprocess.run([sys.executable, "-c", script], check=True)
    (segment,) = segments(tmp_path)
    assert not segment.read_bytes().endswith(b"\0")
    assert list(scan_journal(tmp_path)) == [0]


FULL_DISK = """
import resource, signal, sys
sys.path.insert(0, {repo!r})
from tests.execution.test_journal import outcome
from pypet.execution.journal import JournalWriter

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file size limit stands for a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
writer = JournalWriter({folder!r})
for attempt in range(2):
    try:
        writer.append(outcome(0))
    except OSError as error:
        print(error)
"""


def test_no_room_for_the_journal_is_an_oserror_naming_the_segment(tmp_path):
    """Space is reserved before a record is stored: no room is an OSError that names
    the segment and says what to do (never a SIGBUS in the middle of a store)."""
    script = FULL_DISK.format(repo=str(REPO), folder=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Cannot reserve" in done.stdout and "journal-" in done.stdout
    assert "Free disk space" in done.stdout and done.stdout.count("Cannot reserve") == 2
    (segment,) = segments(tmp_path)  # a second attempt uses the same segment
    assert segment.stat().st_size == 0 and list(scan_journal(tmp_path)) == []


FULL_LATER = """
import resource, signal, sys
sys.path.insert(0, {repo!r})
from tests.execution.test_journal import outcome
from pypet.execution.journal import JournalWriter

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))  # room for the first window only
writer = JournalWriter({folder!r})
done = 0
try:
    for idx in range(100000):
        writer.append(outcome(idx))
        done += 1
except OSError as error:
    print(done, error)
try:
    writer.append(outcome(done))
except OSError:
    print("again")
"""


def test_no_room_for_a_later_window_keeps_the_records_before(tmp_path):
    """When the segment cannot grow, append raises (again on retry) and every record
    stored before stays readable."""
    script = FULL_LATER.format(repo=str(REPO), folder=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    count = int(done.stdout.split()[0])
    assert count > 100 and "Cannot reserve" in done.stdout and "again" in done.stdout
    assert sorted(scan_journal(tmp_path)) == list(range(count))


def test_a_pickled_writer_starts_a_segment_of_its_own(tmp_path):
    """A writer that travelled (pickled) to another process never shares a segment."""
    writer = JournalWriter(tmp_path, "never")
    writer.append(outcome(0))
    copy = pickle.loads(pickle.dumps(writer))
    assert copy.path is None and copy.fsync == "never"
    copy.append(outcome(1))
    copy.close()
    writer.close()
    assert len(segments(tmp_path)) == 2
    assert sorted(scan_journal(tmp_path)) == [0, 1]
    assert os.path.getsize(copy.path) > 0


def test_the_checksum_is_zlibs_crc32():
    """Whichever implementation computes it (zlib-ng or zlib), the checksum is CRC-32."""
    from pypet.execution.journal_format import crc32

    data = bytes(range(256)) * 3
    assert crc32(data) == zlib.crc32(data)
    assert crc32(data[100:], crc32(data[:100])) == zlib.crc32(data)
