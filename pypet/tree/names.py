"""Name rules of the tree: validation and shortcut components (run names: :mod:`pypet.runnames`).

Everything here is a pure function of strings, so the rules live in one place and the
node classes only call them.
"""

from __future__ import annotations

import keyword
import re
import warnings

from pypet import constants as C
from pypet.runnames import is_run_name, is_set_name, run_index_of, run_name, set_name

__all__ = [
    "BRANCHES",
    "PLAIN_NAMES",
    "SHORTCUTS",
    "check_name",
    "is_run_name",
    "is_set_name",
    "run_index_of",
    "run_name",
    "set_name",
    "split_name",
    "translate_component",
]

BRANCHES = ("config", "parameters", "derived_parameters", "results")
SHORTCUTS = {"par": "parameters", "dpar": "derived_parameters", "res": "results", "conf": "config"}
RESERVED_ROOT_NAMES = frozenset({"overview"})

_VALID = re.compile(r"^[A-Za-z0-9_-]+$")
_RUN_SHORT = re.compile(r"^(?:run|r)_(\d+|A)$")
_SET_SHORT = re.compile(r"^(?:runtoset|rts)_(\d+|A)$")


def split_name(name: str) -> list[str]:
    """Split a dotted name into components; an empty name gives no components."""
    if not isinstance(name, str):
        raise TypeError(f"A node name must be a string, not {type(name).__name__} ({name!r}).")
    return name.split(".") if name else []


def translate_component(component: str) -> str:
    """Translate a shortcut component (``par``, ``r_3``, ``rts_7``) into its real name.

    Wildcards (``$``, ``crun``, ...) are resolved by the trajectory, not here, because they
    depend on the current run.
    """
    full = SHORTCUTS.get(component)
    if full is not None:
        return full
    match = _RUN_SHORT.match(component)
    if match is not None:
        value = match.group(1)
        return C.RUN_NAME_DUMMY if value == "A" else run_name(int(value))
    match = _SET_SHORT.match(component)
    if match is not None:
        value = match.group(1)
        return C.SET_NAME_DUMMY if value == "A" else set_name(int(value))
    return component


#: names already found valid and not shadowing anything (runs add the same names again)
PLAIN_NAMES: set[str] = set()


def check_name(component: str, reserved: frozenset[str] | set[str] = frozenset()) -> None:
    """Raise ``ValueError`` if ``component`` is not a valid node name.

    A name that shadows an API attribute (``reserved``) or a Python keyword is accepted with
    a ``SyntaxWarning``: such a node is reachable only through item access (``traj['name']``).
    """
    if component in PLAIN_NAMES and component not in reserved:
        return
    if not component:
        raise ValueError("A node name must not be empty (did a dotted name contain '..'?).")
    if component.startswith("_"):
        raise ValueError(f"Invalid name {component!r}: names must not start with an underscore.")
    if not _VALID.match(component):
        raise ValueError(
            f"Invalid name {component!r}: use only letters, digits, '_' and '-' "
            "(a '$' is allowed only as a registered wildcard)."
        )
    if len(component) >= C.MAX_NAME_LENGTH:
        raise ValueError(
            f"Invalid name {component!r}: names must be shorter than {C.MAX_NAME_LENGTH} characters."
        )
    if not keyword.iskeyword(component) and component not in reserved:
        if len(PLAIN_NAMES) < 100_000 and not is_run_name(component):  # bounded memory
            PLAIN_NAMES.add(component)
        return
    warnings.warn(
        f"The name {component!r} shadows a Python keyword or an attribute of the tree API; "
        f"reach it with item access, e.g. traj[{component!r}].",
        SyntaxWarning,
        stacklevel=4,
    )
