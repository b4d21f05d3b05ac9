"""Tree behaviour of pypet 0.7 that its own test suite checks (issue #8), one test each."""

from __future__ import annotations

import copy
import pickle
import weakref

import pytest

from pypet import (
    NNGroupNode,
    NotUniqueNodeError,
    Parameter,
    ParameterGroup,
    Result,
    ResultGroup,
    SparseParameter,
    SparseResult,
    Trajectory,
)


def test_standard_branches_appear_on_first_use():
    """A fresh trajectory has no groups; looking a branch up creates it (pypet 0.7)."""
    traj = Trajectory("t")
    assert traj.f_get_children() == {}
    assert "parameters" in traj and list(traj.f_get_children()) == ["parameters"]
    traj.results.z = Result("z", 1)  # natural naming creates the branch on the way
    assert traj.f_get("results.z").f_get() == 1
    assert sorted(traj.f_get_children()) == ["parameters", "results"]
    assert "derived_parameters" not in traj.f_get_children()


def test_wildcard_lookup_falls_back_to_the_dummy_run():
    """``$``/``crun`` in a lookup try the current run, then ``run_ALL``."""
    traj = Trajectory("t")
    traj.f_add_parameter("x", 1)
    traj.f_explore({"x": [1, 2, 3]})
    traj.f_add_result("grp.$.hhh", 333)  # idx -1: results.grp.run_ALL.hhh
    traj.f_add_result("results.other.run_00000001.jjj", 43)
    traj.v_idx = 1
    assert traj.results.grp.crun.hhh == 333
    assert traj.results.other["$"].jjj == 43
    traj.v_idx = 2
    with pytest.raises(AttributeError):
        traj.results.other.crun.jjj  # noqa: B018 - neither run 2 nor run_ALL has it


def test_names_may_be_tuples_or_lists():
    """``traj[('a', 'b')]`` and ``f_get(['a', 'b'])`` look up the joined path."""
    traj = Trajectory("t")
    traj.f_add_parameter("markus.yve", 6)
    assert traj["markus", "yve"] == 6
    assert traj.f_get(["par", "markus", "yve"]).v_full_name == "parameters.markus.yve"


def test_dotted_link_names_create_groups_and_wildcards_translate():
    """``f_add_link('a.b.link', x)`` makes the groups; ``'$'`` names the current run."""
    traj = Trajectory("t")
    res = traj.f_add_result("mytest.test", a="b")
    traj.f_add_link("x.g.h", res)
    assert traj.x.g.h is res and type(traj.f_get("x")) is NNGroupNode
    traj.f_add_parameter("p", 1)
    traj.f_explore({"p": [1, 2]})
    traj.f_start_run(1)
    traj.res.f_add_group("jjj").f_add_link("$", res)
    traj.f_finalize_run(store_meta_data=False, clean_up=False)
    assert traj.f_get("results.jjj.run_00000001") is res


def test_link_errors_are_value_errors():
    """Links: no target, reserved root names and unknown link removal raise ValueError."""
    traj = Trajectory("t")
    group = traj.f_add_parameter_group("test")
    with pytest.raises(ValueError, match="needs a node"):
        traj.f_add_link("v_crun")
    with pytest.raises(ValueError, match="reserved"):
        traj.f_add_link("overview", group)
    traj.par.f_add_link("overview", group)  # reserved only at the root
    with pytest.raises(ValueError, match="no link"):
        group.f_remove_link("nothing")


def test_a_link_and_its_target_at_one_depth_are_ambiguous():
    """A link beside its target's name at the same depth makes a shortcut ambiguous."""
    traj = Trajectory("t")
    traj.f_add_parameter_group("test.test3")
    traj.f_add_parameter_group("test2")
    traj.test2.f_add_link(traj.test3)
    with pytest.raises(NotUniqueNodeError):
        traj.test3  # noqa: B018


def test_get_from_runs_follows_links_and_fills_from_run_all():
    """f_get_from_runs finds links in run groups and gives run_ALL's item to other runs."""
    traj = Trajectory("t")
    traj.f_add_parameter("x", 1.0)
    traj.f_explore({"x": [1.0, 1.1, 1.2, 1.3]})
    traj.f_add_result("results.runs.run_00000000.sub.r", 42)
    first = traj.f_add_result("results.runs.run_00000001.sub.r", 43)
    traj.f_add_result("results.runs.run_00000002.sub.r2", 42)
    traj.res.runs.r_0.f_add_link("r2", first)
    found = traj.f_get_from_runs("r2", use_indices=True)
    assert list(found) == [0, 2] and found[0] is first
    assert len(traj.f_get_from_runs("r2", with_links=False)) == 1
    default = traj.f_add_result("results.runs.run_ALL.sub.r2", 44)
    filled = traj.f_get_from_runs("sub.r2", use_indices=True)
    assert list(filled) == [0, 1, 2, 3] and filled[1] is default and filled[3] is default
    assert list(traj.f_get_from_runs("sub.r2", include_default_run=False)) == ["run_00000002"]


def test_item_assignment_resolves_the_path_first():
    """``traj['a.b'] = leaf`` is ``traj['a'].b = leaf``; a name unlike the key is refused."""
    traj = Trajectory("t")
    traj["r_1"] = NNGroupNode("")
    traj["r_1.new"] = Result("new", 5)
    assert traj.run_00000001.new == 5
    with pytest.raises(AttributeError, match="does not match"):
        traj["r_1.other"] = Result("different", 5)
    with pytest.raises(AttributeError):
        traj["mistake.mistake"]  # noqa: B018


def test_group_classes_go_only_where_they_belong():
    """Standard group classes are refused in other branches; custom subclasses go anywhere."""

    class MyParamGroup(ParameterGroup):
        pass

    traj = Trajectory("t")
    with pytest.raises(TypeError):
        traj.par.jj = NNGroupNode("jj")
    with pytest.raises(TypeError):
        traj.jj = ResultGroup("jj")
    traj.ff = MyParamGroup("ff")
    traj.par.g = MyParamGroup("")
    assert type(traj.f_get("ff")) is MyParamGroup and traj.f_get("parameters.g").v_is_group


def test_removing_a_missing_child_is_a_value_error():
    """f_remove_child of a name that is not a child raises ValueError (pypet 0.7)."""
    traj = Trajectory("t")
    traj.f_add_parameter("new.test.group", 1)
    with pytest.raises(ValueError, match="no child"):
        traj.parameters.new.f_remove_child("group")
    with pytest.raises(TypeError):
        traj.parameters.new.f_remove_child("test")  # has children, not recursive


def test_copies_carry_ranges_only_with_full_copy():
    """f_copy/copy.copy keep explored ranges only with v_full_copy, else the current point."""
    traj = Trajectory("t")
    traj.f_add_parameter("p", 42)
    traj.f_explore({"p": [1, 2, 3, 4]})
    traj.v_idx = 2
    light = copy.copy(traj)
    assert light.f_get("p").v_explored and not light.f_get("p").f_has_range()
    assert light.f_get("p").f_get() == 3
    traj.f_restore_default()
    traj.v_full_copy = True
    assert traj.f_copy().f_get("p").f_get_range() == [1, 2, 3, 4]
    assert traj.f_copy(copy_leaves=False).f_get("p") is traj.f_get("p")


def test_printed_forms_of_groups_and_trajectories():
    """Groups and trajectories print as pypet 0.7 (six children at most, then '...')."""
    traj = Trajectory("tt", comment="hello")
    group = traj.f_add_result_group("g", comment="gc")
    for i in range(5):
        group.f_add_result(f"k{i}", i)
    assert str(group) == ("ResultGroup results.g (`gc`): " + ", ".join(
        f"(k{i}: <class 'pypet.parameter.Result'>)" for i in range(5)))
    group.f_add_result("k5", 5)
    assert str(group).endswith("(k5: <class 'pypet.parameter.Result'>), ...")
    assert repr(group) == f"<{group}>"
    assert str(traj) == ("Trajectory tt (`hello`, len:1): "
                         "(results: <class 'pypet.naturalnaming.ResultGroup'>)")
    import pypet.naturalnaming as nn

    assert nn.ResultGroup is ResultGroup


def test_store_and_to_dict_refuse_conflicting_options():
    """f_store(only_init, recursive) and f_to_dict(short_names, nested) raise ValueError."""
    traj = Trajectory("t")
    with pytest.raises(ValueError):
        traj.f_store(only_init=True, recursive=False)
    with pytest.raises(ValueError):
        traj.f_to_dict(short_names=True, nested=True)


def test_result_items_by_position():
    """``res[0] = v`` sets the item named like the result; ``0 in res`` checks it."""
    res = Result("grp.res")
    res[0] = "Hi"
    res[7] = 7
    assert res.res == "Hi" and res.f_get(7) == 7 and 0 in res and 7 in res and 9 not in res
    del res[0]
    assert 0 not in res


def test_pypet07_private_names_that_cost_nothing():
    """_rename, Result._data, IDENTIFIER, __all_slots__ and weak references exist."""
    param = Parameter("a.b", 1)
    param._rename("x.y.z")
    assert (param.v_name, param.v_location) == ("z", "x.y")
    res = Result("r", 3)
    assert res._data is res.f_to_dict(copy=False)
    assert SparseResult.IDENTIFIER == SparseParameter.IDENTIFIER == "__spsp__"
    assert "_data" in param.__all_slots__ and "__weakref__" in param.__all_slots__
    assert weakref.ref(param)() is param
    assert pickle.loads(pickle.dumps(param)).__all_slots__ == param.__all_slots__


def test_unsupported_values_are_type_errors_in_comparisons():
    """Comparing two values a parameter cannot hold raises TypeError; one alone is unequal."""
    from collections import ChainMap

    param = Parameter("p", 1)
    with pytest.raises(TypeError, match="supports neither"):
        param._values_of_same_type(ChainMap(), ChainMap())
    with pytest.raises(TypeError):
        param._equal_values(ChainMap(), ChainMap())
    assert param._equal_values(1, ChainMap()) is False


def test_pickle_parameters_compare_sparse_matrices():
    """Sparse matrices in a PickleParameter compare by format, shape, dtype and values."""
    import scipy.sparse as sp

    from pypet import PickleParameter

    one, two = sp.lil_matrix((3, 3)), sp.lil_matrix((3, 3))
    one[1, 2] = two[1, 2] = 4.0
    param = PickleParameter("p", one)
    assert param._equal_values(one, two)
    two[0, 0] = 1.0
    assert not param._equal_values(one, two)


def test_sparse_marker_in_an_item_name_is_refused():
    """An item name holding ``__spsp__`` raises ReservedNameError (Value- and AttributeError)."""
    from pypet.errors import ReservedNameError

    with pytest.raises(ReservedNameError):
        SparseResult("r").f_set(**{"val__spsp__": 42})
    assert issubclass(ReservedNameError, ValueError) and issubclass(ReservedNameError,
                                                                     AttributeError)


def test_annotations_behave_as_in_pypet():
    """Annotations: int keys, del [], tuples for several names, str = f_ann_to_str."""
    from pypet.tree.annotations import Annotations

    ann = Annotations()
    with pytest.raises(AttributeError):
        ann.f_get()  # nothing to get
    ann.f_set(*range(3))
    assert ann[0] == 0 and ann.f_get(0, 1, 2) == (0, 1, 2) and ann.annotation_2 == 2
    with pytest.raises(ValueError):
        ann.f_get()  # several: name one
    del ann[1]
    ann[5] = "x"
    assert str(ann) == "annotation=0; annotation_2=2; annotation_5=x"
    assert repr(ann) == f"Annotations({ann})"


def test_adding_without_a_name_is_a_value_error():
    """f_add_result(comment=...) without a name raises ValueError (pypet 0.7)."""
    with pytest.raises(ValueError, match="needs a name"):
        Trajectory("t").f_add_result(comment="55")


def test_pypet07_private_views_of_the_trajectory():
    """_linked_by, _explored_parameters, _parameters, _groups, _leaves, _kids and
    _make_single_run behave as pypet 0.7's (read-only views)."""
    traj = Trajectory("t")
    x = traj.f_add_parameter("g.x", 1)
    traj.f_explore({"x": [1, 2]})
    traj.f_add_link("lx", x)
    assert len(traj._linked_by) == 1 and list(traj._explored_parameters) == ["parameters.g.x"]
    assert traj._parameters == {"parameters.g.x": x} and traj._results == {}
    assert list(traj.par._groups) == ["g"] and traj.f_get("g")._leaves == {"x": x}
    assert set(dir(traj._kids)) == set(traj.f_get_children())
    run = traj._make_single_run()
    assert run is traj and traj.v_is_run
