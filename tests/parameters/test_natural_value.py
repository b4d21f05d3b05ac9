"""Natural naming with fast access: a parameter's value (locked), else the node itself.

Each lookup is made several times: the first finds the node, later ones reuse the found
node and read its value in one step; both must give the same answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from pypet import Parameter, Trajectory

REPEATS = 3


def _traj() -> Trajectory:
    traj = Trajectory("natural")
    traj.f_add_parameter("x", 3, comment="a plain parameter")
    traj.f_add_parameter("grp.y", "text")
    traj.f_add_parameter("none", None)
    return traj


def _repeated(read: Any) -> list[Any]:
    return [read() for _ in range(REPEATS)]


@pytest.mark.parametrize(("path", "value"), [
    (("x",), 3), (("par", "x"), 3), (("parameters", "x"), 3), (("y",), "text"),
    (("par", "grp", "y"), "text"), (("none",), None),
])
def test_natural_naming_gives_the_value(path: tuple[str, ...], value: Any) -> None:
    """traj.x, traj.par.x, traj.par.grp.y give the value every time (None is a value)."""
    traj = _traj()

    def read() -> Any:
        node: Any = traj
        for part in path:
            node = getattr(node, part)
        return node

    assert _repeated(read) == [value] * REPEATS


def test_natural_naming_locks_the_parameter_on_every_read() -> None:
    """Every read through natural naming locks the parameter, also a repeated one."""
    traj = _traj()
    param = traj.f_get("x")
    for _ in range(REPEATS):
        param.f_unlock()
        assert not param.v_locked
        assert traj.x == 3
        assert param.v_locked
        param.f_unlock()
        assert traj.par.x == 3
        assert param.v_locked


def test_a_locked_parameter_refuses_changes_after_a_natural_read() -> None:
    """After traj.x, f_set raises as after f_get."""
    traj = _traj()
    assert traj.x == 3 and traj.x == 3
    with pytest.raises(Exception, match="locked"):
        traj.f_get("x").f_set(4)


def test_an_explored_parameter_gives_the_current_point() -> None:
    """Reading traj.x at each run index gives that run's value, not an earlier one."""
    traj = _traj()
    traj.f_explore({"x": [10, 20, 30]})
    for idx, expected in enumerate([10, 20, 30]):
        traj.v_idx = idx
        assert _repeated(lambda: traj.x) == [expected] * REPEATS
        assert traj.par.x == expected
    traj.v_idx = -1
    assert traj.x == 3


def test_an_empty_parameter_gives_the_node() -> None:
    """A parameter without a value stands for itself, every time, and is not locked."""
    traj = _traj()
    empty = traj.f_add_parameter(Parameter("e"))
    assert empty.f_is_empty()
    assert all(got is empty for got in _repeated(lambda: traj.e))
    assert traj.par.e is empty
    assert not empty.v_locked


def test_a_parameter_that_gets_a_value_later_gives_the_value() -> None:
    """An empty parameter read by name, then set, gives its value on the next read."""
    traj = _traj()
    empty = traj.f_add_parameter(Parameter("later"))
    assert traj.later is empty
    empty.f_set(7)
    assert _repeated(lambda: traj.later) == [7] * REPEATS


def test_without_fast_access_natural_naming_gives_the_node() -> None:
    """v_fast_access=False: traj.x is the Parameter, unlocked; switching back gives values."""
    traj = _traj()
    param = traj.f_get("x")
    assert traj.x == 3  # remembered lookup from here on
    param.f_unlock()
    traj.v_fast_access = False
    assert all(got is param for got in _repeated(lambda: traj.x))
    assert traj.par.x is param
    assert not param.v_locked
    traj.v_fast_access = True
    assert traj.x == 3


class DoubledParameter(Parameter):
    """A user parameter whose value reads twice what it holds."""

    def f_get(self) -> Any:
        return super().f_get() * 2


class NodeOnlyParameter(Parameter):
    """A user parameter that never stands for its value."""

    def f_supports_fast_access(self) -> bool:
        return False


class AlwaysEmptyParameter(Parameter):
    """A user parameter that calls itself empty whatever it holds."""

    def f_is_empty(self) -> bool:
        return True


class TripledFromDoubled(DoubledParameter):
    """A subclass of a user subclass, overriding nothing itself."""


def test_a_subclass_overriding_f_get_is_asked() -> None:
    """Natural naming reads a parameter through its own f_get (here: doubled)."""
    traj = _traj()
    traj.f_add_parameter(DoubledParameter, "d", 21)
    assert _repeated(lambda: traj.d) == [42] * REPEATS
    assert _repeated(lambda: traj.par.d) == [42] * REPEATS
    assert traj.f_get("d", fast_access=True) == 42


def test_a_subclass_of_a_subclass_keeps_the_override() -> None:
    """A class deriving from a user subclass inherits its f_get for natural naming."""
    traj = _traj()
    traj.f_add_parameter(TripledFromDoubled, "t", 5)
    assert _repeated(lambda: traj.t) == [10] * REPEATS


def test_a_subclass_refusing_fast_access_gives_the_node() -> None:
    """f_supports_fast_access returning False makes natural naming give the node."""
    traj = _traj()
    node = traj.f_add_parameter(NodeOnlyParameter, "n", 1)
    assert all(got is node for got in _repeated(lambda: traj.n))
    assert traj.par.n is node
    assert not node.v_locked


def test_a_subclass_calling_itself_empty_gives_the_node() -> None:
    """f_is_empty returning True makes natural naming give the node, as for empty ones."""
    traj = _traj()
    node = traj.f_add_parameter(AlwaysEmptyParameter, "a", 1)
    assert all(got is node for got in _repeated(lambda: traj.a))


def test_plain_parameters_are_unaffected_by_subclasses() -> None:
    """Defining user subclasses leaves plain Parameters read in one step as before."""
    traj = _traj()
    traj.f_add_parameter(DoubledParameter, "d", 1)
    assert _repeated(lambda: traj.x) == [3] * REPEATS
    assert type(traj.f_get("x")) is Parameter
