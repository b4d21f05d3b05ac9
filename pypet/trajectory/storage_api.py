"""The trajectory's storage methods (pypet's ``f_store``, ``f_load``, ``f_*_item(s)`` ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pypet import constants as C
from pypet.settings.deprecations import TRAJECTORY_KWARGS, rename_deprecated
from pypet.trajectory import persistence

__all__ = ["StorageMethods", "load_trajectory"]


def _as_list(items: Any) -> list[Any]:
    """One item (a name or a node) or any iterable of items (``dict_keys`` too) as a list."""
    from pypet.tree.node import NNTreeNode

    if isinstance(items, (str, NNTreeNode)) or not hasattr(items, "__iter__"):
        return [items]
    return list(items)


def _has_own_options(item: Any) -> bool:
    """Whether ``item`` is pypet's ``(msg, item, args, kwargs)`` form with options of its own."""
    return isinstance(item, tuple) and len(item) == 4 and bool(item[3])


class StorageMethods:
    """Mixin of the Trajectory: storing, loading and deleting through the storage service."""

    def f_store(self, only_init: bool = False, store_data: int = C.STORE_DATA,
                max_depth: int | None = None, **old: Any) -> None:
        """Store the trajectory (inside a run: only what the run added).

        ``only_init`` stores metadata and the run table only; ``store_data`` is a store
        mode (``STORE_NOTHING``, ``STORE_DATA_SKIPPING``, ``STORE_DATA``, ``OVERWRITE_DATA``).
        """
        old = rename_deprecated(old, TRAJECTORY_KWARGS, "f_store")
        if "recursive" in old:
            if only_init:
                raise ValueError(
                    "f_store got both only_init and its old name's opposite recursive; pass "
                    "only only_init."
                )
            only_init = not old.pop("recursive")
        if old:
            raise ValueError(f"Unknown keyword arguments for f_store: {sorted(old)}.")
        persistence.store(self, only_init, store_data, max_depth)  # type: ignore[arg-type]

    def f_store_item(self, item: Any, *args: Any, **kwargs: Any) -> None:
        """Store one item (name or node) of an already stored trajectory."""
        self.f_store_items([item], *args, **kwargs)

    def f_store_items(self, iterator: Any, *args: Any, non_empties: bool = False,
                      overwrite: Any = None, store_data: int = C.STORE_DATA,
                      store_flags: Any = None, recursive: bool = False,
                      max_depth: int | None = None, with_links: bool = True,
                      **kwargs: Any) -> None:
        """Store several items; ``overwrite`` may be True or a list of item names.

        ``recursive`` also stores everything below group items (down to ``max_depth``).
        """
        items = _as_list(iterator)
        nodes = []
        for item in items:
            if _has_own_options(item):
                self.f_store_items([item[1]], **{"store_data": store_data, **item[3]})
            elif not non_empties or getattr(item, "f_is_empty", lambda: False)() is False:
                nodes.append(item)
        if items and all(_has_own_options(item) for item in items):
            return
        if isinstance(overwrite, str):  # one item name
            overwrite = [overwrite]
        if overwrite is True:
            store_data = C.OVERWRITE_DATA
        persistence.store_items(self, nodes, store_data, overwrite,  # type: ignore[arg-type]
                                recursive, max_depth, with_links)

    def f_load(self, name: str | None = None, index: int | None = None, as_new: bool = False,
               load_parameters: int = C.LOAD_DATA,
               load_derived_parameters: int = C.LOAD_SKELETON,
               load_results: int = C.LOAD_SKELETON, load_other_data: int = C.LOAD_SKELETON,
               recursive: bool = True, load_data: int | None = None,
               max_depth: int | None = None, force: bool = False, dynamic_imports: Any = None,
               with_run_information: bool = True, with_meta_data: bool = True,
               storage_service: Any = None, **kwargs: Any) -> None:
        """Load a trajectory from storage by ``name`` or ``index`` (see pypet's f_load)."""
        if self.v_is_run:  # type: ignore[attr-defined]
            raise TypeError("f_load is not allowed during a single run.")
        kwargs = rename_deprecated(kwargs, TRAJECTORY_KWARGS, "f_load")
        if "load_data" in kwargs:  # the old name load_all arrives renamed
            load_data = kwargs.pop("load_data")
        if "dynamic_imports" in kwargs:
            dynamic_imports = kwargs.pop("dynamic_imports")
        if dynamic_imports is not None:
            self.f_add_to_dynamic_imports(dynamic_imports)  # type: ignore[attr-defined]
        if storage_service is not None or kwargs:
            self._set_storage(storage_service, kwargs)  # type: ignore[attr-defined]
        persistence.load(self, name, index, as_new, load_parameters,  # type: ignore[arg-type]
                         load_derived_parameters, load_results, load_other_data, recursive,
                         load_data, max_depth, force, with_run_information, with_meta_data)

    def f_load_skeleton(self) -> None:
        """Load every node as an empty skeleton (no data, no run information)."""
        self.f_load(self.v_name, load_data=C.LOAD_SKELETON,  # type: ignore[attr-defined]
                    with_run_information=False)

    def f_load_item(self, item: Any, *args: Any, **kwargs: Any) -> None:
        """(Re)load one item."""
        self.f_load_items([item], *args, **kwargs)

    def f_load_items(self, iterator: Any, *args: Any, only_empties: bool = False,
                     load_only: Any = None, load_except: Any = None,
                     load_data: int = C.LOAD_DATA, load_flags: Any = None,
                     recursive: bool = False, max_depth: int | None = None,
                     with_links: bool = True, **kwargs: Any) -> None:
        """(Re)load several items; ``load_only``/``load_except`` pick items of a leaf;
        ``recursive`` also loads everything below group items (down to ``max_depth``)."""
        items = _as_list(iterator)
        plain = []
        for item in items:
            if _has_own_options(item):
                self.f_load_items([item[1]], **{"only_empties": only_empties,
                                                "load_data": load_data, **item[3]})
            else:
                plain.append(item)
        if not plain:
            return
        items = plain
        persistence.load_items(self, items, load_data, load_only,  # type: ignore[arg-type]
                               load_except, only_empties, recursive, max_depth,
                               with_links=with_links)

    def f_delete_item(self, item: Any, *args: Any, **kwargs: Any) -> None:
        """Delete one item from storage (see :meth:`f_delete_items`)."""
        self.f_delete_items([item], *args, **kwargs)

    def f_delete_items(self, iterator: Any, *args: Any, remove_from_trajectory: bool = False,
                       delete_only: Any = None, remove_from_item: bool = False,
                       recursive: bool = False, **old: Any) -> None:
        """Delete items from storage; links to them are not deleted (delete those first)."""
        old = rename_deprecated(old, TRAJECTORY_KWARGS, "f_delete_items")
        if old:
            raise ValueError(f"Unknown keyword arguments for f_delete_items: {sorted(old)}.")
        persistence.delete_items(self, _as_list(iterator),  # type: ignore[arg-type]
                                 remove_from_trajectory, delete_only, remove_from_item,
                                 recursive)

    def f_delete_link(self, link: Any, remove_from_trajectory: bool = False) -> None:
        """Delete one link from storage (``'a.b.link'`` or ``(group, 'link')``)."""
        self.f_delete_links([link], remove_from_trajectory)

    def f_delete_links(self, iterator_of_links: Iterable[Any],
                       remove_from_trajectory: bool = False) -> None:
        """Delete links from storage."""
        persistence.delete_links(self, list(iterator_of_links),  # type: ignore[arg-type]
                                 remove_from_trajectory)

    def f_backup(self, backup_filename: str | None = None, **old: Any) -> str:
        """Copy the stored trajectory into another file (default ``backup_<name>.hdf5``)."""
        old = rename_deprecated(old, TRAJECTORY_KWARGS, "f_backup")
        if "backup" in old:
            backup_filename = old.pop("backup")
        return persistence.service_of(self).backup(self.v_name,  # type: ignore[arg-type]
                                                    backup_filename)

    def f_migrate(self, new_name: str | None = None, in_store: bool = False,
                  new_storage_service: Any = None, **storage_kwargs: Any) -> None:
        """Rename the trajectory and/or give it another storage (file or service).

        Nothing is written: with ``in_store=False`` the next ``f_store`` writes everything
        under the new name/service; ``in_store=True`` says the target already holds it.
        """
        if new_name is not None:
            if not new_name or "." in new_name:
                raise ValueError(f"Invalid trajectory name {new_name!r}.")
            self._traj_name = new_name  # type: ignore[attr-defined]
        if new_storage_service is not None or storage_kwargs:
            self._set_storage(new_storage_service, storage_kwargs)  # type: ignore[attr-defined]
        persistence.mark_stored(self, in_store)  # type: ignore[arg-type]

    def f_to_dataframe(self, results: Any = None, with_run_info: bool = True,
                       all_parameters: bool = False, point_hash: bool = True) -> Any:
        """One row per run: explored parameters, run-table results, the point hash and run
        information (see :func:`pypet.trajectory.dataframe.to_dataframe`).

        Read from the file's run table (no leaf is created), or from memory when the
        trajectory was never stored. ``results`` chooses result columns by (short) name;
        ``all_parameters`` adds the parameters that are not explored.
        """
        from pypet.trajectory.dataframe import to_dataframe

        return to_dataframe(self, results, with_run_info, all_parameters, point_hash)

    # --- hooks for groups (f_store_child / f_load_child on any group) ---------------------
    def _store_node(self, node: Any, recursive: bool, store_data: int,
                    max_depth: int | None) -> None:
        if node is self:
            persistence.store(self, False, store_data, max_depth)  # type: ignore[arg-type]
            return
        persistence.store_items(self, [node], store_data, None,  # type: ignore[arg-type]
                                recursive, max_depth)

    def _load_node(self, full_name: str | list[str], recursive: bool, load_data: int,
                   max_depth: int | None) -> int:
        names = [full_name] if isinstance(full_name, str) else full_name
        return persistence.load_items(self, names, load_data,  # type: ignore[arg-type]
                                      recursive=recursive, max_depth=max_depth,
                                      warn_missing=isinstance(full_name, str))


def load_trajectory(name: str | None = None, index: int | None = None, as_new: bool = False,
                    load_all: int | None = None, load_parameters: int = C.LOAD_DATA,
                    load_derived_parameters: int = C.LOAD_SKELETON,
                    load_results: int = C.LOAD_SKELETON,
                    load_other_data: int = C.LOAD_SKELETON, recursive: bool = True,
                    load_data: int | None = None, max_depth: int | None = None,
                    force: bool = False, dynamic_imports: Any = None,
                    new_name: str = "my_trajectory", add_time: bool = True,
                    wildcard_functions: Any = None, with_run_information: bool = True,
                    storage_service: Any = None, **storage_kwargs: Any) -> Any:
    """Create a new trajectory and load ``name`` (or ``index``) into it; exactly one of them."""
    from pypet.trajectory.trajectory import Trajectory

    if (name is None) == (index is None):
        raise ValueError("Pass exactly one of name= or index=.")
    if load_all is not None:
        load_data = load_all
    traj = Trajectory(new_name, add_time=add_time, dynamic_imports=dynamic_imports,
                      wildcard_functions=wildcard_functions, storage_service=storage_service,
                      **storage_kwargs)
    traj.f_load(name=name, index=index, as_new=as_new, load_parameters=load_parameters,
                load_derived_parameters=load_derived_parameters, load_results=load_results,
                load_other_data=load_other_data, recursive=recursive, load_data=load_data,
                max_depth=max_depth, force=force, with_run_information=with_run_information)
    return traj
