"""Result: named items, natural-naming access, validation, storage contract."""

from __future__ import annotations

import numpy as np
import pytest

from pypet.results import BaseResult, Result


def test_positional_items_are_named_after_the_result():
    """Positional args become <name>, <name>_1, ...; keywords keep their names."""
    res = Result("grp.z", 1, 2, 3, mean=0.5, comment="c")
    assert list(res) == ["z", "z_1", "z_2", "mean"]
    assert res.f_get(0, 2) == [1, 3]
    assert res.v_comment == "c"
    assert not res.v_is_parameter and res.v_is_leaf
    assert Result.KNOWS_TRAJECTORY is False
    assert isinstance(res, BaseResult)


def test_constructor_with_full_name_alone_gives_empty_result():
    """Result('a.b') is empty."""
    res = Result("a.b")
    assert res.f_is_empty()
    assert list(res) == []
    assert res._store() == {}


def test_none_is_a_storable_item():
    """None is held like any other value."""
    res = Result("r", x=None)
    assert "x" in res
    assert res.x is None
    assert res.f_get() is None


def test_attribute_and_item_access():
    """Items are reachable as attributes and through [], also settable and deletable."""
    res = Result("r")
    res.a = 1
    res["b"] = [1, 2]
    assert res.a == 1
    assert res["b"] == [1, 2]
    assert "a" in res and "b" in res and "c" not in res
    del res.a
    del res["b"]
    assert res.f_is_empty()


def test_f_get_without_names():
    """No name gives the single item; more items raise ValueError, none AttributeError."""
    assert Result("r", 7).f_get() == 7
    with pytest.raises(ValueError, match="holds 2 items"):
        Result("r", a=1, b=2).f_get()
    with pytest.raises(AttributeError, match="`r` is empty"):
        Result("r").f_get()


def test_f_get_several_names_returns_list():
    """Several names give a list in the given order."""
    res = Result("r", a=1, b=2, c=3)
    assert res.f_get("c", "a") == [3, 1]


def test_data_is_alias_of_the_only_item():
    """'data' names the single item (attribute, [] and f_get)."""
    res = Result("r", value=5)
    assert res.data == 5
    assert res["data"] == 5
    assert res.f_get("data") == 5
    with pytest.raises(AttributeError):
        _ = Result("r", a=1, b=2).data


def test_item_named_data_wins_over_the_alias():
    """A real item called 'data' is returned as such."""
    res = Result("r", data=1, other=2)
    assert res.data == 1


def test_unknown_item_raises_attribute_error_listing_items():
    """Reading an unknown item names it and lists the existing ones."""
    res = Result("grp.r", a=1)
    with pytest.raises(AttributeError, match=r"no item 'b'; it holds: a"):
        _ = res.b
    with pytest.raises(AttributeError, match="no item"):
        res["b"]


def test_private_and_dunder_attributes_never_mean_items():
    """Names starting with _ raise AttributeError (safe for pickle and copy)."""
    res = Result("r", a=1)
    with pytest.raises(AttributeError):
        _ = res._missing
    with pytest.raises(AttributeError):
        _ = res.__deepcopy_hook__


def test_f_translate_key():
    """Ints translate to item names; strings pass through."""
    res = Result("grp.z")
    assert res.f_translate_key(0) == "z"
    assert res.f_translate_key(3) == "z_3"
    assert res.f_translate_key("x") == "x"


def test_f_remove_removes_items_and_checks_all_names_first():
    """f_remove deletes several items; an unknown name removes nothing."""
    res = Result("r", 1, a=2, b=3)
    res.f_remove(0, "a")
    assert list(res) == ["b"]
    with pytest.raises(AttributeError, match="no item 'nope'"):
        res.f_remove("b", "nope")
    assert list(res) == ["b"]


def test_f_to_dict_copy_and_view():
    """f_to_dict returns a copy, or the internal dict with copy=False."""
    res = Result("r", a=1)
    res.f_to_dict()["b"] = 2
    assert "b" not in res
    res.f_to_dict(copy=False)["b"] = 2
    assert res.b == 2


def test_f_empty():
    """f_empty removes every item."""
    res = Result("r", a=1, b=2)
    res.f_empty()
    assert res.f_is_empty()


def test_results_never_lock():
    """Results have no locking; reading and setting always work."""
    res = Result("r", a=1)
    res.f_get("a")
    res.a = 2
    assert res.a == 2
    assert not hasattr(Result, "f_lock")


def test_supports_fast_access_only_for_a_single_item_named_like_the_result():
    """Fast access needs exactly one item called like the result."""
    assert Result("g.z", 1).f_supports_fast_access()
    assert not Result("g.z", a=1).f_supports_fast_access()
    assert not Result("g.z", 1, 2).f_supports_fast_access()
    assert not Result("g.z").f_supports_fast_access()


def test_f_val_to_str_is_cut_to_64_characters():
    """f_val_to_str lists k=repr(v) and cuts long text with '...'."""
    assert Result("r", a=1, b="x").f_val_to_str() == "a=1, b='x'"
    long_text = Result("r", a="x" * 100, b=list(range(1000))).f_val_to_str()
    assert len(long_text) == 64
    assert long_text.startswith("a='xxx")
    assert long_text.endswith("...")


def test_str_shows_class_name_comment_and_items():
    """str() reads as in pypet 0.7: `Result full.name (`comment`): items`."""
    assert str(Result("g.r", a=1, comment="c")) == "Result g.r (`c`): a=1"
    assert str(Result("g.r")) == "Result g.r"
    assert repr(Result("g.r", a=1)) == "<Result g.r: a=1>"


def test_val_to_str_cuts_as_pypet_does():
    """f_val_to_str joins `name=repr` and cuts to 64 characters with '...' (pypet 0.7)."""
    res = Result("g.r", a=list(range(10**6)), b="x")
    text = res.f_val_to_str()
    assert len(text) == 64 and text.endswith("...")
    assert text[:-3] == ("a=" + repr(list(range(40))))[:61]
    assert Result("g.s", a="x" * 57).f_val_to_str() == "a=" + repr("x" * 57)  # 61 characters: not cut


@pytest.mark.parametrize("name", ["_x", "a b", "a..b", ".a", "a._b", "", "x$"])
def test_invalid_item_names_raise_value_error(name):
    """Item names must be valid node names."""
    with pytest.raises(ValueError, match="name"):
        Result("r").f_set_single(name, 1)


def test_non_string_item_name_raises_type_error():
    """Item names must be strings."""
    with pytest.raises(TypeError, match="must be a string"):
        Result("r").f_set_single(3, 1)


def test_api_names_cannot_be_set_as_attributes():
    """Assigning to a method name raises instead of shadowing the method."""
    res = Result("r")
    with pytest.raises(AttributeError, match="part of the Result API"):
        res.f_get = 1
    assert callable(res.f_get)


def test_item_named_like_an_api_method_warns_and_stays_reachable_by_item_access():
    """An item shadowing the API is accepted with a SyntaxWarning and reached through []."""
    res = Result("r")
    with pytest.warns(SyntaxWarning, match="f_get"):
        res["f_get"] = 1
    assert res["f_get"] == 1
    assert callable(res.f_get)


def test_properties_are_set_as_properties():
    """v_ properties stay properties under attribute assignment."""
    res = Result("r")
    res.v_comment = "new"
    assert res.v_comment == "new"
    assert "v_comment" not in res


def test_failed_f_set_leaves_result_unchanged():
    """f_set checks all items first: one bad item stores none of them."""
    res = Result("r", a=1)
    with pytest.raises(TypeError):
        res.f_set(2, b=3, c={1, 2})
    assert list(res) == ["a"]


def test_store_and_partial_load():
    """_store returns the items; _load adds a (possibly partial) dict."""
    res = Result("r", a=1, b=np.arange(3))
    stored = res._store()
    assert stored.keys() == {"a", "b"}
    stored["c"] = 3  # a copy
    assert "c" not in res
    clone = Result("r")
    clone._load({"b": stored["b"]})
    assert list(clone) == ["b"]
    clone._load({"a": 1})
    assert clone.a == 1


def test_dir_lists_items():
    """dir() offers item names for tab completion."""
    assert {"alpha", "f_get"} <= set(dir(Result("r", alpha=1)))


def test_dotted_item_names_as_in_pypet(tmp_path):
    """Dotted item names (pypet's nested items) are held, reached by [] and stored."""
    from pypet import Trajectory, load_trajectory

    traj = Trajectory("t", filename=str(tmp_path / "t.hdf5"))
    res = traj.f_add_result("r", 1)
    res["a.b.c"] = 44
    res.f_set(**{"a.d": [1, 2]})
    assert res["a.b.c"] == 44 and res.f_get("a.d") == [1, 2]
    with pytest.raises(AttributeError):
        res.a  # noqa: B018 - only the full dotted name is an item
    traj.f_store()
    loaded = load_trajectory("t", filename=str(tmp_path / "t.hdf5"), load_data=2)
    assert loaded.r.f_to_dict() == {"r": 1, "a.b.c": 44, "a.d": [1, 2]}


def test_positional_item_needs_a_named_result():
    """A positional item of a result without a name raises AttributeError (pypet 0.7)."""
    with pytest.raises(AttributeError, match="without a name"):
        Result("", 5)
