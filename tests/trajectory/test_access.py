"""Natural naming, shortcuts, f_get and friends, the prefix-free API views."""

from __future__ import annotations

import pytest

from pypet import NotUniqueNodeError, Parameter, Trajectory


def test_natural_naming_paths_and_item_access(traj):
    """Attribute access, item access with dotted names and branch abbreviations agree."""
    assert traj.parameters.sim.dt == 0.1
    assert traj["parameters.sim.dt"] == 0.1
    assert traj.par.sim.dt == 0.1
    assert traj.conf.seed == 42
    assert traj.f_get("sim.dt", fast_access=True) == 0.1


def test_shortcuts_skip_groups(traj):
    """A shortcut finds a node below intermediate groups."""
    assert traj.dt == 0.1
    assert traj.sim.name == "euler"
    assert traj.f_get("dt").v_full_name == "parameters.sim.dt"


def test_shortcuts_off_requires_exact_path(traj):
    """With shortcuts=False only exact paths work; the error names the path."""
    with pytest.raises(AttributeError, match="dt"):
        traj.f_get("dt", shortcuts=False)
    assert traj.f_get("parameters.sim.dt", shortcuts=False).v_name == "dt"


def test_a_misspelt_name_gets_the_closest_names(traj):
    """A name not in the tree raises AttributeError offering the closest names there; hasattr
    and getattr with a default still just say no, and the error pickles (from a worker) as
    the AttributeError it shows."""
    import pickle

    with pytest.raises(AttributeError, match=r"'seeed' was not found .* Did you mean 'seed'\?"):
        traj.seeed  # noqa: B018
    with pytest.raises(AttributeError, match=r"'parametrs.sim.dt' .* Did you mean 'parameters'\?"):
        traj.f_get("parametrs.sim.dt")
    with pytest.raises(AttributeError, match=r"'zzzz' was not found below 'the root'\.$"):
        traj.zzzz  # noqa: B018
    assert not hasattr(traj, "seeed") and getattr(traj, "seeed", 7) == 7
    try:
        traj.seeed  # noqa: B018
    except AttributeError as error:
        sent = pickle.loads(pickle.dumps(error))
    assert type(sent) is AttributeError and "Did you mean 'seed'?" in str(sent)


def test_ambiguous_shortcut_raises_not_unique():
    """Two nodes of one name at the same depth raise NotUniqueNodeError (an AttributeError)."""
    t = Trajectory("t")
    t.f_add_parameter("a.v", 1)
    t.f_add_parameter("b.v", 2)
    with pytest.raises(NotUniqueNodeError, match="parameters.a.v"):
        t.v
    with pytest.raises(AttributeError):
        t.f_get("v")
    assert t.a.v == 1


def test_shallowest_match_wins():
    """The match at the smallest depth is returned when deeper ones exist too."""
    t = Trajectory("t")
    t.f_add_parameter("v", 1)
    t.f_add_parameter("deep.er.v", 2)
    assert t.v == 1


def test_missing_item_raises_attribute_error(traj):
    """A missing name raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="nope"):
        traj.nope
    assert traj.f_get_default("nope", 5) == 5
    assert traj.f_get_default("dt") == 0.1


def test_max_depth_limits_search(traj):
    """max_depth bounds how deep a search goes."""
    with pytest.raises(AttributeError):
        traj.f_get("dt", max_depth=2)
    assert traj.f_get("dt", max_depth=3).v_name == "dt"


def test_fast_access_setting(traj):
    """v_fast_access=False returns the leaf objects."""
    traj.v_fast_access = False
    assert isinstance(traj.x, Parameter)
    traj.vars.fast_access = True
    assert traj.x == 1.0


def test_contains(traj):
    """``in`` and f_contains accept names and instances."""
    assert "parameters.x" in traj
    assert "x" in traj  # `in` uses the v_shortcuts setting
    assert not traj.f_contains("x")  # f_contains defaults to shortcuts=False
    assert traj.f_contains(traj.f_get("x"))
    assert not traj.f_contains(Parameter("x", 1.0))


def test_get_all_finds_every_match():
    """f_get_all returns every node of a name, deepest first."""
    t = Trajectory("t")
    t.f_add_parameter("a.v", 1)
    t.f_add_parameter("b.c.v", 2)
    names = [n.v_full_name for n in t.f_get_all("v")]
    assert names == ["parameters.b.c.v", "parameters.a.v"]
    assert [n.v_full_name for n in t.f_get_all("c.v")] == ["parameters.b.c.v"]


def test_prefix_free_views(traj):
    """func/vars/kids give the API without prefixes."""
    assert traj.func.get("x", fast_access=True) == traj.f_get("x", fast_access=True)
    assert traj.vars.name == "test_traj"
    assert traj.parameters.kids.sim.v_full_name == "parameters.sim"
    with pytest.raises(AttributeError):
        traj.parameters.kids.dt  # kids does not search
    assert "get" in dir(traj.func)


def test_aliases_are_the_same_methods():
    """f_apar/f_ares/... are declared once and behave like the long names."""
    t = Trajectory("t")
    t.f_apar("p", 1)
    t.f_aconf("c", 2)
    t.f_adpar("d", 3)
    t.f_ares("r", 4)
    assert (t.p, t.c, t.d, t.r) == (1, 2, 3, 4)
    assert Trajectory.f_apar is Trajectory.f_add_parameter


def test_node_properties(traj):
    """v_name, v_full_name, v_location, v_depth, v_branch, flags."""
    dt = traj.f_get("dt")
    assert (dt.v_name, dt.v_full_name, dt.v_location) == ("dt", "parameters.sim.dt",
                                                          "parameters.sim")
    assert (dt.v_depth, dt.v_branch, dt.v_is_leaf, dt.v_is_group) == (3, "parameters", True,
                                                                      False)
    assert dt.v_run_branch == "trajectory"
    assert traj.v_is_root and traj.v_depth == 0 and traj.v_full_name == ""
    sim = traj.f_get("sim")
    assert sim.v_root is traj and sim.f_get_parent() is traj.parameters
    assert dt.v_comment == ""
    assert traj.f_get("x").v_comment == "first"


def test_iteration_and_children(traj):
    """Children accessors, counts and iteration (recursive, max_depth, predicate)."""
    params = traj.parameters
    assert set(params.f_get_children()) == {"x", "y", "sim"}
    assert set(params.f_get_leaves()) == {"x", "y"}
    assert set(params.f_get_groups()) == {"sim"}
    assert (params.f_children(), params.f_leaves(), params.f_groups()) == (3, 2, 1)
    assert params.f_has_children() and not params.f_has_links()
    names = [n.v_full_name for n in params.f_iter_nodes()]
    assert names == ["parameters.x", "parameters.y", "parameters.sim", "parameters.sim.dt",
                     "parameters.sim.name"]
    assert [n.v_name for n in params.f_iter_nodes(recursive=False)] == ["x", "y", "sim"]
    assert [n.v_name for n in params.f_iter_nodes(max_depth=1)] == ["x", "y", "sim"]
    only_leaves = params.f_iter_nodes(predicate=lambda n: n.v_name != "sim")
    assert [n.v_name for n in only_leaves] == ["x", "y"]
    assert sorted(n.v_name for n in traj.f_iter_leaves()) == ["dt", "name", "seed", "x", "y"]
    assert [n.v_name for n in params] == ["x", "y", "sim"]  # v_iter_recursive=False


def test_to_dict_variants(traj):
    """f_to_dict with full names, short names, fast access and nesting."""
    flat = traj.parameters.f_to_dict(fast_access=True)
    assert flat["parameters.sim.dt"] == 0.1
    short = traj.parameters.f_to_dict(short_names=True, fast_access=True)
    assert short["dt"] == 0.1
    nested = traj.parameters.f_to_dict(nested=True, fast_access=True)
    assert nested["sim"]["name"] == "euler"
    t = Trajectory("t")
    t.f_add_parameter("a.v", 1)
    t.f_add_parameter("b.v", 2)
    with pytest.raises(ValueError, match="not unique"):
        t.f_to_dict(short_names=True)


def test_typed_dicts(traj):
    """f_get_parameters/config/explored return full-name dicts; fast access without copy fails."""
    assert set(traj.f_get_parameters()) == {"parameters.x", "parameters.y", "parameters.sim.dt",
                                            "parameters.sim.name"}
    assert traj.f_get_config(fast_access=True) == {"config.seed": 42}
    assert set(traj.f_get_explored_parameters()) == {"parameters.x", "parameters.y"}
    with pytest.raises(ValueError):
        traj.f_get_parameters(fast_access=True, copy=False)
