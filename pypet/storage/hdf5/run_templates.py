"""The names of run results in the run table: templates and column names.

A run result such as ``results.runs.run_00000042.z`` is stored in the run table under its
*template* ``results.runs.$.z``: its full name with the run component replaced by ``$``
(and a ``run_set_*`` bucket before it by ``$set``). Every run's ``z`` shares the template,
and each of the leaf's items gets a column named after it. Pure string functions: no file.
"""

from __future__ import annotations

import re

from pypet.constants import FORMAT_ZEROS
from pypet.runnames import is_set_name, run_name, set_name
from pypet.storage.records import PLAIN_RUN_GROUPS

__all__ = ["column_name", "in_a_run", "name_from_template", "plain_template", "template_of"]

#: a numbered run component (``run_00000042``) anywhere in a dotted name
_RUN_PART = re.compile(rf"(^|\.)run_\d{{{FORMAT_ZEROS}}}(?=\.|$)")


def plain_template(name: str) -> str:
    """The template of the plain run result ``name`` (:attr:`RunOutcome.plain`)."""
    return f"{PLAIN_RUN_GROUPS}.$.{name}"


def template_of(full_name: str) -> str | None:
    """Replace the run (and run-set) component of ``full_name`` by ``$`` (``$set``)."""
    # one regex search instead of testing every component: this runs for every result
    match = _RUN_PART.search(full_name)
    if match is None:
        return None
    start, end = match.span()
    head = full_name[:start]  # the components before the run, without the last dot
    if "run_set_" in head:
        location, dot, before = head.rpartition(".")
        if is_set_name(before):
            head = f"{location}{dot}$set"
    return f"{head}.$" + full_name[end:] if head else "$" + full_name[end:]


def in_a_run(full_name: str) -> bool:
    """Whether ``full_name`` has a numbered run component (:func:`template_of` is not None)."""
    return _RUN_PART.search(full_name) is not None


def name_from_template(template: str, idx: int) -> str:
    """Inverse of :func:`template_of` for run ``idx``."""
    parts = template.split(".")
    return ".".join(run_name(idx) if p == "$" else set_name(idx) if p == "$set" else p
                    for p in parts)


def column_name(template: str, leaf_name: str, item: str) -> str:
    """The column of ``item`` of the leaf ``template`` (last component ``leaf_name``): the
    template itself for the item named like the leaf (a plain result's one item), else
    ``template:item``."""
    return template if item == leaf_name else f"{template}:{item}"
