"""Lookup and node API details of pypet_api.md §2/§3: the run view narrows tied shortcuts,
membership tests, auto-loading, ``dir`` during a run, retired keywords, the ``vars`` view,
``KnowsTrajectory``, container subclasses and links by shortcut.

Each test names the inventory section (or users_voice item) whose behaviour it pins down.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict, namedtuple

import pytest

from pypet import (
    NotUniqueNodeError,
    Result,
    Trajectory,
)
from pypet.tree.node import KnowsTrajectory


@pytest.fixture
def ran() -> Trajectory:
    """Three runs that each added a result ``z`` below ``results.runs.run_XXXXXXXX``."""
    t = Trajectory("ran")
    t.f_add_parameter("x", 1)
    t.f_explore({"x": [10, 20, 30]})
    for idx in range(3):
        t.f_start_run(idx)
        t.f_add_result("z", idx * 100)
        t.f_finalize_run(clean_up=False)
    return t


# --- §2.4 / §2.6 / users_voice P9: the run view narrows a tied shortcut ------------------------
def test_current_run_resolves_tied_shortcut(ran):
    """§2.6/P9: with a current run set, ``traj.z`` is that run's z, as f_set_crun promises."""
    ran.f_set_crun(1)
    assert ran.z == 100 and ran.results.z == 100
    assert [ran.z for _ in ran.f_iter_runs()] == [0, 100, 200]


def test_tied_shortcut_without_current_run_stays_ambiguous(ran):
    """§2.4: at index -1 a name found in several runs still raises NotUniqueNodeError."""
    with pytest.raises(NotUniqueNodeError):
        ran.z


def test_narrowing_never_picks_another_run(ran):
    """§2.4: if the current run has no ``z``, other runs' ``z`` remain ambiguous."""
    ran.f_remove_item("results.runs.run_00000001.z")
    ran.v_idx = 1
    with pytest.raises(NotUniqueNodeError):
        ran.z


# --- §2.4 f_contains ----------------------------------------------------------------------
def test_contains_empty_name_is_false(ran):
    """§2.4: the empty name is never contained (pypet returns False)."""
    assert not ran.f_contains("")
    assert not ran.parameters.f_contains("", shortcuts=True)


def test_contains_instance_outside_group_is_false(ran):
    """§2.4: an instance is contained only below the group it is asked of."""
    x = ran.f_get("x")
    assert ran.parameters.f_contains(x) and ran.f_contains(x)
    assert not ran.results.f_contains(x)
    assert not ran.parameters.f_contains(ran.parameters)


# --- §2.4 auto_load needs links ------------------------------------------------------------
def test_auto_load_without_links_raises():
    """§2.4: auto_load requires with_links=True (ValueError otherwise)."""
    t = Trajectory("t")
    t.f_add_parameter("x", 1)
    with pytest.raises(ValueError, match="with_links"):
        t.f_get("x", auto_load=True, with_links=False)
    t.v_auto_load, t.v_with_links = True, False
    with pytest.raises(ValueError, match="with_links"):
        t.x


# --- §2.6 dir() in a run ----------------------------------------------------------------------
def test_dir_hides_not_in_run_methods_during_a_run(ran):
    """§2.6: during a run dir(traj) hides the methods a run must not call."""
    assert {"f_explore", "f_set_crun", "f_add_parameter"} <= set(dir(ran))
    ran.f_start_run(0)
    names = set(dir(ran))
    assert not names & {"f_explore", "f_expand", "f_set_crun", "f_iter_runs", "f_load",
                        "f_get_from_runs", "f_add_parameter", "f_apar", "f_add_config"}
    assert {"f_add_result", "f_get", "v_idx"} <= names
    ran.f_finalize_run()
    assert "f_explore" in dir(ran)


# --- §2.13 retired keywords and the vars view ---------------------------------------------------
def test_retired_lookup_keywords_are_ignored_with_a_warning(ran):
    """§2.13: backwards_search (f_get, f_get_default, f_contains) and where are still accepted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ran.f_get("x", backwards_search=True).v_name == "x"
        assert ran.f_get_default("nothing", 5, backwards_search=False) == 5
        assert ran.f_contains("parameters.x", backwards_search=True)
        runs = ran.f_get_from_runs("z", fast_access=True, where="x", backwards_search=True)
    assert list(runs.values()) == [0, 100, 200]
    assert len(caught) == 5
    assert all(issubclass(w.category, DeprecationWarning) for w in caught)
    with pytest.raises(TypeError, match="unexpected"):
        ran.f_get("x", no_such_option=1)


def test_vars_view_refuses_unknown_properties(ran):
    """§2.13: node.vars.<name> sets only existing v_ properties (AttributeError otherwise)."""
    ran.vars.max_depth = 3
    assert ran.v_max_depth == 3
    result = ran.f_get("results.runs.run_00000000.z")
    result.vars.comment = "set through vars"
    assert result.v_comment == "set through vars"
    with pytest.raises(AttributeError, match="v_nope"):
        ran.vars.nope = 1
    with pytest.raises(AttributeError, match="v_nope"):
        result.vars.nope = 1
    assert "v_nope" not in result.f_to_dict()


# --- §2.4: f_get_default and ambiguity (deliberate difference) ---------------------------------
def test_get_default_still_raises_on_ambiguity(ran):
    """§2.4 (deliberate): f_get_default returns the default for a missing name only."""
    assert ran.f_get_default("missing", "fallback") == "fallback"
    with pytest.raises(NotUniqueNodeError):
        ran.f_get_default("z", "fallback")


# --- §2.8 group f_load returns the group --------------------------------------------------------
def test_group_f_load_returns_the_group(tmp_path):
    """§2.8: group.f_load(...) returns the group itself, as in pypet."""
    t = Trajectory("t", filename=str(tmp_path / "t.h5"))
    t.f_add_parameter("g.x", 1)
    t.f_store()
    group = t.parameters.g
    assert group.f_load(recursive=True, load_data=2) is group


# --- §3.4 / §10 KnowsTrajectory ------------------------------------------------------------------
def test_knows_trajectory_mixin_gets_the_trajectory():
    """§3.4: a leaf class with the KnowsTrajectory mixin is built as Cls(full_name, traj, ...)."""

    class TrajAwareResult(KnowsTrajectory, Result):
        __slots__ = ("_origin",)

        def __init__(self, full_name, trajectory=None, *args, **kwargs):
            super().__init__(full_name, *args, **kwargs)
            self._origin = None if trajectory is None else trajectory.v_name

    t = Trajectory("origin")
    leaf = t.f_add_result(TrajAwareResult, "aware", 7)
    assert TrajAwareResult.KNOWS_TRAJECTORY and leaf._origin == "origin" and t.aware == 7


# --- users_voice P8: subclasses of supported containers ----------------------------------------
@pytest.mark.parametrize(("value", "hint"), [
    (OrderedDict(a=1), "dict(value)"),
    (namedtuple("Point", "x y")(1, 2), "tuple(value)"),
])
def test_container_subclasses_are_refused_with_a_hint(value, hint):
    """P8: a dict/tuple subclass is refused (it would come back as the plain type) with a hint."""
    with pytest.raises(TypeError, match=r"subclass; store " + hint.replace("(", r"\(")
                       .replace(")", r"\)")):
        Result("r", value)
    assert Result("r", dict(value) if isinstance(value, dict) else tuple(value)).r == value


# --- §2.3 links by name -------------------------------------------------------------------------
def test_link_target_may_be_given_by_shortcut():
    """§2.3: f_add_link(name, full_name) resolves the target like f_get (shortcuts allowed)."""
    t = Trajectory("t")
    x = t.f_add_parameter("grp.x", 1)
    t.results.f_add_link("by_full_name", "parameters.grp.x")
    t.results.f_add_link("by_shortcut", "x")
    assert t.results.f_get_links() == {"by_full_name": x, "by_shortcut": x}
