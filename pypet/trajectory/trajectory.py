"""The Trajectory: root of the tree, the explored parameter space and its runs.

This class is a façade: the work lives in :mod:`pypet.tree` (structure and lookup),
:mod:`.exploration`, :mod:`.runs`, :mod:`.presetting`, :mod:`.copying` and
:mod:`.dynamic_imports`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pypet._version import __version__
from pypet.settings.deprecations import TRAJECTORY_KWARGS, rename_deprecated
from pypet.trajectory import copying, exploration, presetting
from pypet.trajectory.dynamic_imports import DynamicImports
from pypet.trajectory.groups import (
    BRANCH_GROUP_CLASSES,
    ConfigGroup,
    DerivedParameterGroup,
    ParameterGroup,
    ResultGroup,
)
from pypet.trajectory.guards import not_in_run
from pypet.trajectory.internals07 import Pypet07Internals
from pypet.trajectory.merge.methods import MergeMethods
from pypet.trajectory.run_api import RunMethods
from pypet.trajectory.run_table import RunTable, format_time
from pypet.trajectory.single_run import SingleRun
from pypet.trajectory.storage_api import StorageMethods
from pypet.tree import printing
from pypet.tree.group import NNGroupNode
from pypet.tree.node import NNTreeNode
from pypet.tree.prefixed import install_aliases
from pypet.tree.root import TreeRoot

if TYPE_CHECKING:
    from pypet.storage.service import StorageService

__all__ = ["Trajectory"]

#: the group classes pypet places by branch (custom group classes may go anywhere)
_STANDARD_GROUPS = frozenset({NNGroupNode, *BRANCH_GROUP_CLASSES.values()})

#: every ``@not_in_run`` method shares the guard's code object; ``dir()`` uses it to hide them
_GUARDED_CODE = not_in_run(lambda self: None).__code__
#: methods that refuse to work in a run but check it themselves (adding: ``_before_add``)
_CHECKED_NOT_IN_RUN = frozenset({
    "f_add_parameter", "f_add_parameter_group", "f_add_config", "f_add_config_group",
    "f_apar", "f_apar_group", "f_aconf", "f_aconf_group", "f_load", "f_load_skeleton",
})


@install_aliases
class Trajectory(StorageMethods, RunMethods, MergeMethods, Pypet07Internals, TreeRoot,
                 ParameterGroup,
                 DerivedParameterGroup, ConfigGroup, ResultGroup):
    """A tree of config, parameters, derived parameters and results plus explored ranges.

    Parameters
    ----------
    name : str
        Name of the trajectory (no ``.``); ``add_time`` appends the creation time.
    add_time : bool
        Append ``_YYYY_MM_DD_HHhMMmSSs`` to the name.
    comment : str
        Free text stored with the trajectory.
    dynamic_imports : class, str or list of them
        Custom leaf/group classes needed to load data (class objects or dotted paths).
    wildcard_functions : dict
        Extra wildcards ``{('$name', 'alias'): f(run_idx) -> str}``.
    storage_service : object, optional
        A storage service instance, class or dotted path; with ``filename=...`` (and other
        HDF5 keywords) an HDF5StorageService is built. The Environment attaches one if none
        is given.
    """

    #: classes used when f_add_parameter / f_add_result / f_add_leaf get no class
    v_standard_parameter: type | None = None
    v_standard_result: type | None = None
    v_standard_leaf: type | None = None

    def __init__(self, name: str = "my_trajectory", add_time: bool = False, comment: str = "",
                 dynamic_imports: Any = None, wildcard_functions: Any = None,
                 storage_service: Any = None, **storage_kwargs: Any) -> None:
        super().__init__(comment=comment, wildcard_functions=wildcard_functions)
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(f"Invalid trajectory name {name!r}: use a non-empty name without '.'.")
        self._timestamp = time.time()
        self._time = format_time(self._timestamp)
        self._traj_name = f"{name}_{self._time}" if add_time else name
        self._time_in_name = bool(add_time)  # such names are made unique within their file
        self._version = __version__
        self._python = ".".join(str(v) for v in sys.version_info[:3])
        self._explored: dict[str, Any] = {}
        self._explored_names: list[str] = []  # from storage, also those not loaded yet
        self._ranges_changed: set[str] = set()  # explored ranges to rewrite at the next store
        self._run_info_loaded = True  # False after a load without run information
        self._run_table = RunTable(1)
        self._presets: dict[str, tuple[tuple, dict]] = {}
        self._run: SingleRun | None = None  # the active single run (see v_single_run)
        self._dynamic_imports = DynamicImports(dynamic_imports)
        self._full_copy = False
        self._environment_hexsha: str | None = None
        self._environment_name: str | None = None
        self._storage_service = None
        storage_kwargs = rename_deprecated(storage_kwargs, TRAJECTORY_KWARGS, "Trajectory")
        if "dynamic_imports" in storage_kwargs:
            self._dynamic_imports.add(storage_kwargs.pop("dynamic_imports"))
        from pypet.parameters import Parameter
        from pypet.results import Result

        self.v_standard_parameter = Parameter
        self.v_standard_result = Result
        self.v_standard_leaf = Result
        self._set_storage(storage_service, storage_kwargs)
        from pypet.trajectory.naming import make_unique

        make_unique(self)

    def _set_storage(self, storage_service: Any, kwargs: dict[str, Any]) -> None:
        """Build (or take) the storage service; unknown keywords are an error."""
        from pypet.storage.factory import make_service

        service, unused = make_service(storage_service, trajectory=self, **kwargs)
        if unused:
            raise ValueError(
                f"Unknown keyword arguments {sorted(unused)} for the trajectory or its storage "
                "service; check the spelling."
            )
        if service is not None:
            self.v_storage_service = service

    def _get(self, group: NNGroupNode, name: str | int, fast_access: bool, with_links: bool,
             shortcuts: bool, max_depth: int | None, auto_load: bool) -> Any:
        """Lookup with pypet's ``auto_load``: load missing or empty items on demand."""
        if auto_load and not with_links:
            # what is loaded may hang below a link, so auto-loading needs links followed
            raise ValueError("auto_load needs with_links=True (set v_with_links back to True).")
        if not auto_load:
            return super()._get(group, name, fast_access, with_links, shortcuts, max_depth,
                                False)
        from pypet.trajectory.autoload import get_with_auto_load

        return get_with_auto_load(self, group, name, fast_access, with_links, shortcuts,
                                  max_depth)

    # --- what the tree asks of its root ----------------------------------------------------
    def _retired_kwargs(self, kwargs: dict[str, Any], where: str) -> None:
        """Drop pypet's retired keywords (``backwards_search``, ``where``) with a warning."""
        unknown = rename_deprecated(kwargs, TRAJECTORY_KWARGS, where)
        if unknown:
            raise TypeError(f"{where}() got unexpected keyword arguments {sorted(unknown)}.")

    def _group_factory_class(self, branch: str) -> type:
        return BRANCH_GROUP_CLASSES.get(branch, NNGroupNode)

    def _fits_branch(self, group: Any, expected: type) -> bool:
        """A standard group class goes only where it belongs (a ResultGroup below results,
        a plain NNGroupNode outside the four branches, ...); custom group classes go
        anywhere (pypet 0.7's rule)."""
        return type(group) is expected or type(group) not in _STANDARD_GROUPS

    def _leaf_class(self, branch: str) -> type:
        if branch in ("parameters", "derived_parameters", "config"):
            return self.v_standard_parameter
        if branch == "results":
            return self.v_standard_result
        return self.v_standard_leaf

    def _before_add(self, branch: str) -> None:
        if self.v_is_run and branch in ("parameters", "config"):
            raise TypeError(f"Items cannot be added to {branch!r} during a single run.")
        if branch == "overview":
            raise ValueError("'overview' is reserved at the root of a trajectory.")

    def _on_node_added(self, node: NNTreeNode) -> None:
        run = self._run
        if run is not None:
            run.node_added(node)  # the active run collects what it adds (and placed ones)
        if self._presets and node._is_leaf:
            presetting.apply(self, node)

    def _on_node_removed(self, node: NNTreeNode) -> None:
        if node._full_name in self._explored_names:
            self._explored_names.remove(node._full_name)
        if self._explored.pop(node._full_name, None) is not None and not self._explored \
                and not self._stored:
            self._run_table.resize(1)  # a stored trajectory keeps its runs (as pypet)

    # --- properties ------------------------------------------------------------------------
    @property
    def v_name(self) -> str:
        """The trajectory's name."""
        return self._traj_name

    @property
    def v_version(self) -> str:
        """pypet version that created the trajectory."""
        return self._version

    @property
    def v_python(self) -> str:
        """Python version that created the trajectory."""
        return self._python

    @property
    def v_timestamp(self) -> float:
        """Creation time (POSIX timestamp)."""
        return self._timestamp

    @property
    def v_time(self) -> str:
        """Creation time as ``YYYY_MM_DD_HHhMMmSSs``."""
        return self._time

    @property
    def v_comment(self) -> str:
        """The trajectory's comment (not changeable during a run)."""
        return self._comment

    @v_comment.setter
    def v_comment(self, comment: str) -> None:
        if self.v_is_run:
            raise TypeError("The comment cannot be changed during a single run.")
        NNTreeNode.v_comment.fset(self, comment)  # type: ignore[attr-defined]

    @property
    def v_storage_service(self) -> StorageService | None:
        """The storage service (None until the Environment or the user sets one)."""
        return self._storage_service

    @v_storage_service.setter
    def v_storage_service(self, service: StorageService | None) -> None:
        self._storage_service = service
        if service is not None and not self._stored and not self.v_is_run:
            # as pypet: a new trajectory shows its storage settings (config.hdf5.*) at once
            from pypet.trajectory.persistence import sync_storage_config

            sync_storage_config(self, service)

    @property
    def v_is_run(self) -> bool:
        """Whether the trajectory is inside a single run."""
        run = self._run
        return run is not None and run.turns_into_run

    @property
    def v_single_run(self) -> SingleRun | None:
        """The active single run (a :class:`~pypet.trajectory.single_run.SingleRun`), if any.

        It collects every node added to the trajectory until the run ends; see
        :mod:`pypet.trajectory.single_run`.
        """
        return self._run

    @property
    def v_idx(self) -> int:
        """Index of the current run (-1: no particular run)."""
        return self._idx

    @v_idx.setter
    def v_idx(self, idx: int | None) -> None:
        self.f_set_crun(idx)

    @property
    def v_crun(self) -> str | None:
        """Name of the current run, or None."""
        return None if self._idx == -1 else self._run_name()

    @v_crun.setter
    def v_crun(self, name: str | int | None) -> None:
        self.f_set_crun(name)

    @property
    def v_crun_(self) -> str:
        """Name of the current run, or ``'run_ALL'``."""
        return self._run_name()

    @property
    def v_full_copy(self) -> bool:
        """Whether pickling includes every explored point (else only the current one)."""
        return self._full_copy

    @v_full_copy.setter
    def v_full_copy(self, value: bool) -> None:
        if self.v_is_run:
            raise TypeError("v_full_copy cannot be changed during a single run.")
        self._full_copy = bool(value)
        for param in self._explored.values():
            param.v_full_copy = self._full_copy

    @property
    def v_environment_hexsha(self) -> str | None:
        """SHA-1 id of the environment that ran the trajectory."""
        return self._environment_hexsha

    @property
    def v_environment_name(self) -> str | None:
        """Name of the environment that ran the trajectory."""
        return self._environment_name

    def f_set_properties(self, **kwargs: Any) -> None:
        """Set ``v_*`` properties by name, with or without the ``v_`` prefix."""
        for key, value in kwargs.items():
            name = key if key.startswith("v_") else "v_" + key
            if not hasattr(type(self), name):
                raise AttributeError(f"The trajectory has no property {name!r}.")
            setattr(self, name, value)

    def __len__(self) -> int:
        return len(self._run_table)

    def __dir__(self) -> list[str]:
        names = super().__dir__()
        if self.v_is_run:  # as in pypet, hide what a single run must not call
            cls = type(self)
            names = [n for n in names if n not in _CHECKED_NOT_IN_RUN
                     and getattr(getattr(cls, n, None), "__code__", None) is not _GUARDED_CODE]
        return names

    def __str__(self) -> str:
        """pypet's form: ``Trajectory name (`comment`, len:3): (parameters: <class ...>), ...``."""
        comment = f"`{self._comment}`, " if self._comment else ""
        during = " (during single run)" if self.v_is_run else ""
        return (f"{self.f_get_class_name()}{during} {self._traj_name} "
                f"({comment}len:{len(self)}): {printing.children_str(self)}")

    # --- exploration -------------------------------------------------------------------------
    @not_in_run
    def f_explore(self, build_dict: Mapping[str, Iterable]) -> None:
        """Explore parameters: ``{name: values}``, all of one length (see cartesian_product)."""
        exploration.explore(self, build_dict)

    @not_in_run
    def f_expand(self, build_dict: Mapping[str, Iterable], fail_safe: bool = True,
                 skip_explored: bool = False) -> None:
        """Append points to the explored parameters (the keys must be exactly those).

        ``skip_explored=True`` leaves out points the trajectory explores already (the same
        values of every explored parameter, compared by a stable hash of the point).
        """
        exploration.expand(self, build_dict, fail_safe, skip_explored)

    @not_in_run
    def f_shrink(self, force: bool = False) -> None:
        """Remove every explored range (only before storing unless ``force``)."""
        exploration.shrink(self, force)

    # --- presetting ----------------------------------------------------------------------------
    @not_in_run
    def f_preset_parameter(self, param_name: str, *args: Any, **kwargs: Any) -> None:
        """Value for a parameter that is added later (overrides its default then)."""
        presetting.preset(self, "parameters", param_name, args, kwargs)

    @not_in_run
    def f_preset_config(self, config_name: str, *args: Any, **kwargs: Any) -> None:
        """Value for a config entry that is added later."""
        presetting.preset(self, "config", config_name, args, kwargs)

    def _prepare_experiment(self) -> None:
        """Check presets were used and lock all non-empty (derived) parameters."""
        presetting.check_all_used(self)
        self.f_lock_parameters()
        self.f_lock_derived_parameters()

    # --- typed views -----------------------------------------------------------------------------
    def _branch_dict(self, branch: str, fast_access: bool, copy: bool) -> dict[str, Any]:
        if fast_access and not copy:
            raise ValueError("copy=False cannot be combined with fast_access=True.")
        group = self._children.get(branch)
        if group is None:
            return {}
        return group.f_to_dict(fast_access=fast_access, with_links=False)

    def f_get_config(self, fast_access: bool = False, copy: bool = True) -> dict[str, Any]:
        """All config leaves by full name."""
        return self._branch_dict("config", fast_access, copy)

    def f_get_parameters(self, fast_access: bool = False, copy: bool = True) -> dict[str, Any]:
        """All parameters by full name."""
        return self._branch_dict("parameters", fast_access, copy)

    def f_get_derived_parameters(self, fast_access: bool = False,
                                 copy: bool = True) -> dict[str, Any]:
        """All derived parameters by full name."""
        return self._branch_dict("derived_parameters", fast_access, copy)

    def f_get_results(self, fast_access: bool = False, copy: bool = True) -> dict[str, Any]:
        """All results by full name."""
        return self._branch_dict("results", fast_access, copy)

    def f_get_explored_parameters(self, fast_access: bool = False,
                                  copy: bool = True) -> dict[str, Any]:
        """The explored parameters by full name.

        After a partial load every explored name is listed; those whose data is not loaded
        map to ``None`` (as in pypet).
        """
        if fast_access and not copy:
            raise ValueError("copy=False cannot be combined with fast_access=True.")
        found: dict[str, Any] = dict.fromkeys(self._explored_names)
        found.update(self._explored)
        if not fast_access:
            return found if copy or len(found) > len(self._explored) else self._explored
        return {k: None if p is None else p.f_get() for k, p in found.items()}

    def f_to_dict(self, fast_access: bool = False, short_names: bool = False,
                  nested: bool = False, copy: bool = True, with_links: bool = True) -> dict:
        """All leaves as a dict (full names by default)."""
        return super().f_to_dict(fast_access, short_names, nested, with_links)

    # --- locking and state ------------------------------------------------------------------------
    @not_in_run
    def f_lock_parameters(self) -> None:
        """Lock every non-empty parameter."""
        for param in self.f_get_parameters().values():
            if not param.f_is_empty():
                param.f_lock()

    @not_in_run
    def f_lock_derived_parameters(self) -> None:
        """Lock every non-empty derived parameter."""
        for param in self.f_get_derived_parameters().values():
            if not param.f_is_empty():
                param.f_lock()

    @not_in_run
    def f_is_empty(self) -> bool:
        """Whether every parameter, derived parameter and result is empty (config ignored)."""
        return all(leaf.f_is_empty() for branch in ("parameters", "derived_parameters", "results")
                   for leaf in self._branch_dict(branch, False, True).values())

    # --- wildcards and imports ---------------------------------------------------------------------
    def f_get_wildcards(self) -> list[tuple[str, ...]]:
        """The registered wildcards."""
        return self._wildcards.wildcards()

    def f_is_wildcard(self, wildcard: str) -> bool:
        """Whether ``wildcard`` is registered."""
        return self._wildcards.is_wildcard(wildcard)

    def f_wildcard(self, wildcard: str = "$", run_idx: int | None = None) -> str:
        """What ``wildcard`` stands for at ``run_idx`` (default: the current run)."""
        if not self._wildcards.is_wildcard(wildcard):
            raise ValueError(f"{wildcard!r} is not a registered wildcard.")
        return self._wildcards.translate(wildcard, self._idx if run_idx is None else run_idx)

    def f_add_wildcard_functions(self, func_dict: dict) -> None:
        """Register more wildcards ``{('$name', 'alias'): f(idx)}``."""
        self._wildcards.add(func_dict)
        self._translated.clear()  # a cached name may be a wildcard now
        self._found.clear()
        self._plain_names.clear()

    def f_add_to_dynamic_imports(self, dynamic_imports: Any) -> None:
        """Add classes (or dotted paths) that loading may need."""
        self._dynamic_imports.add(dynamic_imports)

    # --- copying and removal -------------------------------------------------------------------------
    def f_copy(self, copy_leaves: bool | str = True, with_links: bool = True) -> Trajectory:
        """A copy of the tree; leaves are copied (``True``), shared (``False``) or only the
        explored ones are copied (``'explored'``)."""
        return copying.copy_trajectory(self, copy_leaves, with_links)

    def __copy__(self) -> Trajectory:
        return self.f_copy()

    def f_remove(self, recursive: bool = True, predicate: Any = None) -> None:
        """Remove every item from RAM (``recursive`` must be True for the root)."""
        if not recursive:
            raise ValueError("Removing the whole trajectory needs recursive=True.")
        for name in list(self._children):
            self.f_remove_child(name, recursive=True, predicate=predicate)

    def f_remove_item(self, item: Any, recursive: bool = False) -> None:
        """Remove one item (a name or a node) from RAM."""
        node = self.f_get(item) if isinstance(item, str) else item
        parent = self.f_get(node.v_location, shortcuts=False) if node.v_location else self
        parent.f_remove_child(node.v_name, recursive=recursive)

    def f_remove_items(self, iterator: Iterable[Any], recursive: bool = False) -> None:
        """Remove several items from RAM."""
        for item in list(iterator):
            self.f_remove_item(item, recursive=recursive)

    # --- pickling ------------------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        if self._unplaced:
            self._place_unplaced()  # a copy sees the tree as it is
        state = self.__dict__.copy()
        state["_run"] = None  # a run belongs to one process; a copy is never inside it
        state["_found"] = {}
        if not self._full_copy:
            # A worker needs only its own point: the run table travels as its length alone.
            state["_run_table"] = RunTable(len(self._run_table))
        return state
