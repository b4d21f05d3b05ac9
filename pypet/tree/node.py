"""Base classes of every tree node: identity, comment, annotations, the ``v_`` properties.

A node knows its full dotted name; leaves know nothing else about the tree (so a single
leaf pickles small and travels alone to a worker), while groups know their parent and root
(see :mod:`pypet.tree.group`).
"""

from __future__ import annotations

from typing import Any

from pypet.tree.annotations import Annotations
from pypet.tree.names import is_run_name
from pypet.tree.prefixed import FuncProxy, VarsProxy

__all__ = ["KnowsTrajectory", "NNLeafNode", "NNTreeNode"]


class NNTreeNode:
    """Base of groups and leaves: name, full name, comment and annotations."""

    # instance attributes, written to __dict__ in __init__ (declared for type checkers)
    _full_name: str
    _name: str
    _comment: str
    _annotations: Annotations | None
    _stored: bool
    _is_leaf: bool

    def __init__(self, full_name: str = "", comment: str = "", is_leaf: bool = False) -> None:
        if not isinstance(comment, str):
            raise TypeError(f"A comment must be a string, not {type(comment).__name__}.")
        # Written to __dict__ directly: nodes are created in every run, and groups and
        # results route attribute writes through natural naming.
        self.__dict__.update(_full_name=full_name, _name=full_name.rpartition(".")[2],
                             _comment=comment, _annotations=None, _stored=False,
                             _is_leaf=is_leaf)

    def _set_full_name(self, full_name: str) -> None:
        state = self.__dict__
        state["_full_name"] = full_name
        state["_name"] = full_name.rpartition(".")[2]

    #: pypet 0.7's name of the same method (custom leaves and scripts call it)
    _rename = _set_full_name

    # --- prefix-free API views -------------------------------------------------------------
    @property
    def func(self) -> FuncProxy:
        """The ``f_`` methods without prefix: ``node.func.get(...)``."""
        return FuncProxy(self)

    @property
    def vars(self) -> VarsProxy:
        """The ``v_`` properties without prefix: ``node.vars.name``."""
        return VarsProxy(self)

    # --- identity ----------------------------------------------------------------------------
    @property
    def v_name(self) -> str:
        """The last component of the full name."""
        return self._name

    @property
    def v_full_name(self) -> str:
        """The dotted path from the root (``''`` for the root)."""
        return self._full_name

    @property
    def v_location(self) -> str:
        """The full name of the parent group."""
        return self._full_name.rpartition(".")[0]

    @property
    def v_depth(self) -> int:
        """Number of components of the full name (0 for the root)."""
        return self._full_name.count(".") + 1 if self._full_name else 0

    @property
    def v_branch(self) -> str:
        """The first component below the root (``''`` for the root)."""
        return self._full_name.partition(".")[0]

    @property
    def v_run_branch(self) -> str:
        """The run name this node lives under, or ``'trajectory'``."""
        for component in self._full_name.split("."):
            if is_run_name(component):
                return component
        return "trajectory"

    @property
    def v_is_leaf(self) -> bool:
        """True for parameters and results."""
        return self._is_leaf

    @property
    def v_is_group(self) -> bool:
        """True for groups (and the trajectory)."""
        return not self._is_leaf

    @property
    def v_is_root(self) -> bool:
        """True only for the trajectory."""
        return not self._full_name and not self._is_leaf

    @property
    def v_stored(self) -> bool:
        """Whether the node has been stored (or was loaded from storage)."""
        return self._stored

    @property
    def v_comment(self) -> str:
        """A free-text comment (stored with the node)."""
        return self._comment

    @v_comment.setter
    def v_comment(self, comment: str) -> None:
        if not isinstance(comment, str):
            raise TypeError(f"A comment must be a string, not {type(comment).__name__}.")
        self._comment = comment

    @property
    def v_annotations(self) -> Annotations:
        """The node's annotations (created on first access)."""
        if self._annotations is None:
            self._annotations = Annotations()
        return self._annotations

    def f_get_class_name(self) -> str:
        """Return the name of the node's class (stored so loading can rebuild it)."""
        return type(self).__name__

    def f_set_annotations(self, *args: Any, **kwargs: Any) -> None:
        """Shortcut for ``v_annotations.f_set``."""
        self.v_annotations.f_set(*args, **kwargs)

    def f_get_annotations(self, *names: str) -> Any:
        """Shortcut for ``v_annotations.f_get``."""
        return self.v_annotations.f_get(*names)

    def f_ann_to_str(self) -> str:
        """Shortcut for ``v_annotations.f_ann_to_str``."""
        return "" if self._annotations is None else self._annotations.f_ann_to_str()

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class NNLeafNode(NNTreeNode):
    """Base of parameters and results.

    Storage contract (pypet's, kept so custom leaves keep working): ``_store()`` returns a
    dict ``{item name: storable value}`` and ``_load(dict)`` receives the same keys back
    (a subset with partial loading). The constructor must accept the full name alone.
    """

    _is_parameter: bool

    def __init__(self, full_name: str = "", comment: str = "", is_parameter: bool = False) -> None:
        super().__init__(full_name, comment, is_leaf=True)
        self.__dict__["_is_parameter"] = is_parameter  # past subclasses' __setattr__

    @property
    def v_is_parameter(self) -> bool:
        """True for parameters (and derived parameters and config)."""
        return self._is_parameter

    def f_supports_fast_access(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _natural_value(self) -> Any:
        """What natural naming with fast access gives: the value if the leaf stands for
        one (``f_get()``), else the leaf itself."""
        return self.f_get() if self.f_supports_fast_access() else self  # type: ignore[attr-defined]

    def f_val_to_str(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_is_empty(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def f_empty(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _store(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load(self, load_dict: dict[str, Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _store_flags(self) -> dict[str, str]:
        """Per-item storage flags (``ARRAY``, ``TABLE``, ...); none by default."""
        return {}

    def _load_flags(self) -> dict[str, str]:
        """Per-item load flags; none by default."""
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._full_name}>"


class KnowsTrajectory:
    """Mixin for leaf classes built as ``Cls(full_name, trajectory, *args, **kwargs)``.

    Adding and loading pass the trajectory to a class whose ``KNOWS_TRAJECTORY`` is true.
    Put the mixin first: ``class MyResult(KnowsTrajectory, Result)``.
    """

    __slots__ = ()
    KNOWS_TRAJECTORY = True
