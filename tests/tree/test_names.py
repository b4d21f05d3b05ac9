"""Name validation and translation rules."""

from __future__ import annotations

import pytest

from pypet.tree.names import (
    check_name,
    is_run_name,
    is_set_name,
    run_name,
    set_name,
    split_name,
    translate_component,
)


def test_run_and_set_names_follow_pypet_format():
    """Run names have 8 digits, set names 5 digits of idx // 1000, -1 gives the dummies."""
    assert run_name(42) == "run_00000042"
    assert run_name(-1) == "run_ALL"
    assert set_name(1999) == "run_set_00001"
    assert set_name(-1) == "run_set_ALL"
    assert is_run_name("run_00000042") and is_run_name("run_ALL")
    assert not is_run_name("run_42") and not is_run_name("run_set_00001")
    assert is_set_name("run_set_00001") and is_set_name("run_set_ALL")


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("par", "parameters"),
        ("dpar", "derived_parameters"),
        ("res", "results"),
        ("conf", "config"),
        ("r_3", "run_00000003"),
        ("run_7", "run_00000007"),
        ("r_A", "run_ALL"),
        ("run_A", "run_ALL"),
        ("rts_2500", "run_set_00002"),
        ("runtoset_A", "run_set_ALL"),
        ("plain", "plain"),
    ],
)
def test_translate_component(component, expected):
    """Shortcut components translate to their real names."""
    assert translate_component(component) == expected


@pytest.mark.parametrize("bad", ["", "_hidden", "a b", "x.y", "$", "ü", "a" * 128])
def test_invalid_names_are_rejected_with_the_name_in_the_message(bad):
    """Invalid names raise ValueError naming the offending value."""
    with pytest.raises(ValueError) as info:
        check_name(bad)
    if bad:
        assert repr(bad)[:20] in str(info.value) or bad[:20] in str(info.value)


def test_keyword_name_only_warns():
    """A Python keyword is accepted with a SyntaxWarning."""
    with pytest.warns(SyntaxWarning, match="lambda"):
        check_name("lambda")


def test_split_name_rejects_non_strings():
    """Splitting a non-string raises TypeError."""
    with pytest.raises(TypeError, match="string"):
        split_name(3)  # type: ignore[arg-type]
    assert split_name("") == []
