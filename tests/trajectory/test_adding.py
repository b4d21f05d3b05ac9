"""Adding groups, leaves and links; assignment; removal."""

from __future__ import annotations

import pytest

from pypet import (
    ArrayParameter,
    NotUniqueNodeError,
    Parameter,
    ParameterGroup,
    Result,
    ResultGroup,
    Trajectory,
)


def test_add_forms():
    """Name+args, Class+name, instance and name= forms all add a leaf."""
    t = Trajectory("t")
    a = t.f_add_parameter("a", 1, comment="c")
    b = t.f_add_parameter(ArrayParameter, "b", (1, 2))
    c = t.f_add_parameter(Parameter("g.c", "x"))
    d = t.f_add_parameter(name="d", data=2.5)
    assert (a.v_full_name, b.v_full_name, c.v_full_name, d.v_full_name) == (
        "parameters.a", "parameters.b", "parameters.g.c", "parameters.d")
    assert isinstance(b, ArrayParameter) and a.v_comment == "c"
    assert isinstance(t.f_get("g"), ParameterGroup)


def test_branch_prefix_added_once():
    """A full 'parameters.x' name is not prefixed again; groups get typed classes."""
    t = Trajectory("t")
    t.f_add_parameter("parameters.x", 1)
    t.f_add_result("results.r", 1)
    assert t.f_contains("parameters.x") and t.f_contains("results.r")
    grp = t.f_add_result_group("grp", comment="a group")
    assert isinstance(grp, ResultGroup) and grp.v_comment == "a group"
    assert grp.f_add_result("q", 3).v_full_name == "results.grp.q"


def test_adding_on_groups_and_generic_leaves():
    """Adding from a subgroup is relative; f_add_group/f_add_leaf infer the branch."""
    t = Trajectory("t")
    grp = t.f_add_parameter_group("physics")
    grp.f_add_parameter("mass", 1.0)
    assert t.physics.mass == 1.0
    other = t.f_add_group("custom")
    leaf = other.f_add_leaf("thing", 5)
    assert isinstance(leaf, Result) and t.custom.thing == 5
    assert isinstance(t.parameters.f_add_leaf("p", 3), Parameter)


def test_duplicate_name_raises_and_no_clobber_warns():
    """Adding an existing name raises AttributeError; v_no_clobber turns it into a warning."""
    t = Trajectory("t")
    t.f_add_parameter("x", 1)
    with pytest.raises(AttributeError, match="already exists"):
        t.f_add_parameter("x", 2)
    t.v_no_clobber = True
    with pytest.warns(UserWarning, match="already exists"):
        assert t.f_add_parameter("x", 2).f_get() == 1


@pytest.mark.parametrize("bad", ["_x", "a b", "x..y", "ä"])
def test_invalid_names_raise(bad):
    """Invalid names are rejected with ValueError naming the component."""
    t = Trajectory("t")
    with pytest.raises(ValueError, match="name"):
        t.f_add_parameter(bad, 1)


def test_api_name_clash_warns_and_is_reachable_by_item():
    """A name shadowing the API is accepted with a warning and reachable with []."""
    t = Trajectory("t")
    with pytest.warns(SyntaxWarning):
        t.f_add_parameter("kids", 1)
    assert t["parameters.kids"] == 1


def test_wrong_group_type_raises():
    """A group instance of another branch's type cannot be added."""
    t = Trajectory("t")
    with pytest.raises(TypeError, match="ParameterGroup"):
        t.f_add_parameter_group(ResultGroup("wrong"))


def test_overview_is_reserved():
    """The root name 'overview' is reserved."""
    t = Trajectory("t")
    with pytest.raises(ValueError, match="reserved"):
        t.f_add_group("overview")


def test_assignment_adds_renames_and_sets():
    """Assigning leaves adds them (empty names renamed, key-prefixed names nested); values set."""
    t = Trajectory("t")
    t.parameters.y = Parameter("y", 1)
    t.parameters.t = Parameter("", 2)
    t.parameters.subgroup = Parameter("subgroup.subsub.w", 4)
    with pytest.raises(AttributeError, match="does not match the key"):
        t.parameters.other = Parameter("v", 3)  # pypet 0.7 refuses a name unlike the key
    t.y = 10  # a plain value sets an unlocked parameter
    assert (t.y, t.t, t.subsub.w) == (10, 2, 4)
    assert "parameters.other" not in t and "parameters.other.v" not in t
    with pytest.raises(TypeError, match="locked"):
        t.y = 11  # reading locked it, as in pypet
    t.f_add_result("r", 1)
    t.r = 5
    assert t.r == 5
    with pytest.raises(AttributeError, match="does not exist"):
        t.results.nothing = 3


def test_lazy_adding():
    """With v_lazy_adding, assigning a value (or value, comment tuple) adds a leaf."""
    t = Trajectory("t")
    t.v_lazy_adding = True
    t.parameters.u = 1, "a comment"
    assert t.u == 1 and t.f_get("u").v_comment == "a comment"
    with pytest.raises(AttributeError):
        t.parameters.u = 2
    t.v_lazy_adding = False
    t.f_get("u").f_unlock()
    t.parameters.u = 3
    assert t.u == 3


def test_links_by_call_and_assignment():
    """Links resolve like children; assigning an existing node makes a link."""
    t = Trajectory("t")
    x = t.f_add_parameter("x", 1)
    t.f_add_result_group("grp")
    t.results.grp.f_add_link("xlink", x)
    t.mylink = x
    t.f_add_link(t.f_get("grp"))
    assert t.results.grp.xlink == 1 and t.mylink == 1
    assert t.f_get("results.grp.xlink") is x
    assert t.f_links() == 2 and t.f_get_links()["grp"] is t.f_get("results.grp")
    assert t.xlink == 1  # search walks through links
    with pytest.raises(ValueError, match="reserved"):
        t.f_add_link("parameters", x)
    t.results.f_add_link("a.b", x)  # a dotted name creates the groups on the way (pypet 0.7)
    assert t.f_get("results.a").v_is_group and t.f_get("results.a.b") is x
    with pytest.raises(AttributeError):
        t.results.grp.xlink.f_add_parameter  # a leaf has no such method
    t.results.grp.f_remove_link("xlink")
    assert not t.results.grp.f_has_links()


def test_link_lookup_respects_with_links():
    """with_links=False ignores links."""
    t = Trajectory("t")
    x = t.f_add_parameter("x", 1)
    t.f_add_link("lnk", x)
    with pytest.raises(AttributeError):
        t.f_get("lnk", with_links=False)


def test_removal_removes_links_to_node():
    """Removing a node also removes links to it; groups need recursive=True."""
    t = Trajectory("t")
    x = t.f_add_parameter("g.x", 1)
    t.f_add_link("lnk", x)
    with pytest.raises(TypeError, match="recursive"):
        t.parameters.f_remove_child("g")
    t.parameters.f_remove_child("g", recursive=True)
    assert not t.f_contains("lnk") and not t.f_contains("parameters.g")
    with pytest.raises(AttributeError):
        t.x
    t.f_add_parameter("y", 2)
    t.f_remove_item("y")
    assert not t.f_contains("parameters.y")


def test_remove_whole_trajectory_and_del():
    """f_remove empties the trajectory; ``del group.child`` removes a child."""
    t = Trajectory("t")
    t.f_add_parameter("a.b", 1)
    t.f_add_result("r", 2)
    del t.results.r
    assert not t.f_contains("results.r")
    t.f_remove(recursive=True)
    assert t.f_children() == 0 and not t.f_contains("parameters.a.b")
    with pytest.raises(ValueError):
        t.f_remove(recursive=False)


def test_index_stays_consistent_after_removal():
    """After removal a shortcut that was ambiguous becomes unique again."""
    t = Trajectory("t")
    t.f_add_parameter("a.v", 1)
    t.f_add_parameter("b.v", 2)
    with pytest.raises(NotUniqueNodeError):
        t.v
    t.parameters.f_remove_child("a", recursive=True)
    assert t.v == 2


def test_annotations_and_comments():
    """Annotations behave like a small dict; every node has a comment."""
    t = Trajectory("t")
    x = t.f_add_parameter("x", 1, comment="hello")
    x.v_annotations.unit = "m"
    x.f_set_annotations(5, source="me")
    assert x.f_get_annotations("unit") == "m"
    assert x.v_annotations.annotation == 5 and x.v_annotations["source"] == "me"
    assert x.f_ann_to_str() == "annotation=5; source=me; unit=m"
    x.v_annotations.f_remove("unit")
    assert "unit" not in x.v_annotations
    with pytest.raises(TypeError):
        x.v_comment = 3
