"""The typed groups of the four standard branches and their ``f_add_*`` methods."""

from __future__ import annotations

from typing import Any

from pypet.tree import adding
from pypet.tree.group import NNGroupNode
from pypet.tree.prefixed import install_aliases

__all__ = ["ConfigGroup", "DerivedParameterGroup", "ParameterGroup", "ResultGroup"]


@install_aliases
class ParameterGroup(NNGroupNode):
    """Group in the ``parameters`` branch."""

    def f_add_parameter(self, *args: Any, **kwargs: Any) -> Any:
        """Add a parameter: ``(name, value, comment=...)``, ``(Class, name, ...)`` or an instance.

        Dotted names create the groups in between. Not allowed during a run.
        """
        root = self._root
        return adding.add_leaf(self, args, kwargs, "parameters", root.v_standard_parameter)

    def f_add_parameter_group(self, *args: Any, **kwargs: Any) -> Any:
        """Add a parameter group: ``(name, comment='')`` or an instance."""
        return adding.add_group(self, args, kwargs, "parameters")


@install_aliases
class DerivedParameterGroup(NNGroupNode):
    """Group in the ``derived_parameters`` branch."""

    def f_add_derived_parameter(self, *args: Any, **kwargs: Any) -> Any:
        """Add a derived parameter (same forms as :meth:`ParameterGroup.f_add_parameter`).

        During a run it lands below ``derived_parameters.runs.<current run>``.
        """
        root = self._root
        return adding.add_leaf(self, args, kwargs, "derived_parameters",
                               root.v_standard_parameter)

    def f_add_derived_parameter_group(self, *args: Any, **kwargs: Any) -> Any:
        """Add a derived-parameter group."""
        return adding.add_group(self, args, kwargs, "derived_parameters")


@install_aliases
class ConfigGroup(NNGroupNode):
    """Group in the ``config`` branch (not explorable)."""

    def f_add_config(self, *args: Any, **kwargs: Any) -> Any:
        """Add a config parameter (same forms as ``f_add_parameter``). Not during a run."""
        root = self._root
        return adding.add_leaf(self, args, kwargs, "config", root.v_standard_parameter)

    def f_add_config_group(self, *args: Any, **kwargs: Any) -> Any:
        """Add a config group."""
        return adding.add_group(self, args, kwargs, "config")


@install_aliases
class ResultGroup(NNGroupNode):
    """Group in the ``results`` branch."""

    def f_add_result(self, *args: Any, **kwargs: Any) -> Any:
        """Add a result: ``(name, *values, comment=..., **named_values)`` or an instance.

        During a run it lands below ``results.runs.<current run>``.
        """
        root = self._root
        run = getattr(root, "_run", None)
        if run is not None:
            node = run.add_result(self, args, kwargs)  # the common add, kept cheap
            if node is not None:
                return node
        return adding.add_leaf(self, args, kwargs, "results", root.v_standard_result)

    def f_add_result_group(self, *args: Any, **kwargs: Any) -> Any:
        """Add a result group."""
        return adding.add_group(self, args, kwargs, "results")


#: branch name -> group class used for every group in that branch
BRANCH_GROUP_CLASSES: dict[str, type] = {
    "parameters": ParameterGroup,
    "derived_parameters": DerivedParameterGroup,
    "config": ConfigGroup,
    "results": ResultGroup,
}
