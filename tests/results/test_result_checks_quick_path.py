"""The quick path of Result.f_set (scalars under names checked before) never skips the
checks a subclass adds."""

import pytest

from pypet import Result, SparseResult


def test_a_sparse_result_refuses_its_marker_in_a_name_every_time():
    """SparseResult forbids its storage marker in item names, also for a scalar whose name
    passed the general name check before (as in pypet 0.7's test_illegal_naming)."""
    name = "val" + SparseResult.IDENTIFIER
    for _ in range(3):
        with pytest.raises(AttributeError, match="must not contain"):
            SparseResult("test.res.sparse").f_set(**{name: 42})


def test_a_plain_result_still_takes_any_valid_scalar_name():
    """The quick path still stores scalars under valid names on Result."""
    for value in (1, 2.5, "x"):
        res = Result("test.res.plain")
        res.f_set(value=value)
        assert res.value == value
