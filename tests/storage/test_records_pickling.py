"""Records pickle as tuples, and pickles of the earlier frozen records still load."""

from __future__ import annotations

import base64
import pickle

from pypet.storage.records import GroupRecord, LeafRecord, LinkRecord, RunFailure, RunOutcome

#: a RunOutcome pickled by 0.8.0.dev0 before the records stopped being frozen dataclasses
#: (as an older resume journal holds it: codec ``P``)
FROZEN_OUTCOME = base64.b64decode(
    "gAWVtAAAAAAAAACMFXB5cGV0LnN0b3JhZ2UucmVjb3Jkc5SMClJ1bk91dGNvbWWUk5QpgZRdlChLBU5HP/AAAAAA"
    "AABHQAAAAAAAAACIjANhYmOUaACMCkxlYWZSZWNvcmSUk5QpgZRdlCiMA2EuepSMBlJlc3VsdJSMAJROfZSMAXqU"
    "Rz/4AAAAAAAAc4l9lGVihZRoAIwLR3JvdXBSZWNvcmSUk5QpgZRdlCiMAWGUaAxoDE5lYoWUKU5lYi4=")


def test_an_outcome_round_trips_through_pickle():
    """Every field of an outcome and of its records survives pickling."""
    outcome = RunOutcome(3, {"v": [1, 2]}, 1.0, 2.0, True, "abcdef0",
                         (LeafRecord("results.runs.run_00000003.z", "Result", "c", None,
                                     {"z": 1.5}, False, {}),),
                         (GroupRecord("results.runs.run_00000003", "", "", None),),
                         (LinkRecord("results", "l", "results.runs.run_00000003.z"),),
                         RunFailure("ValueError", "no", "tb"))
    assert pickle.loads(pickle.dumps(outcome)) == outcome


def test_a_pickle_of_the_frozen_records_still_loads():
    """An outcome pickled when records were frozen dataclasses loads with its fields."""
    outcome = pickle.loads(FROZEN_OUTCOME)
    assert (outcome.idx, outcome.value, outcome.start, outcome.finish, outcome.hexsha) == \
        (5, None, 1.0, 2.0, "abc")
    assert outcome.leaves == (LeafRecord("a.z", "Result", "", None, {"z": 1.5}, False, {}),)
    assert outcome.groups == (GroupRecord("a", "", "", None),) and outcome.error is None
