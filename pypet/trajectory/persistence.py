"""Storing and loading a trajectory through its storage service.

The trajectory's ``f_store``/``f_load``/``f_*_item(s)`` methods delegate here. Nodes are
turned into records (:mod:`pypet.storage.records`) on the way out and rebuilt by the
:class:`~pypet.trajectory.loader.TreeLoader` on the way in.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pypet import constants as C
from pypet.errors import ParameterLockedException
from pypet.storage.modes import LoadMode, LoadModes, Overwrite, StoreMode
from pypet.storage.records import (
    LinkRecord,
    TrajectoryImage,
)
from pypet.trajectory.loader import TreeLoader
from pypet.trajectory.to_records import group_record, leaf_record
from pypet.tree import edit, walk

if TYPE_CHECKING:
    from pypet.storage.service import StorageService
    from pypet.trajectory.trajectory import Trajectory

__all__ = ["image_of", "load", "load_items", "records_of", "store", "store_items"]

_log = logging.getLogger("pypet.trajectory.storage")


def service_of(traj: Trajectory) -> StorageService:
    """The trajectory's storage service, or a clear error."""
    service = traj._storage_service
    if service is None:
        raise TypeError(
            "This trajectory has no storage service: create it with Trajectory(filename=...) "
            "or run it in an Environment."
        )
    return service


def records_of(nodes: Iterable[Any], recursive: bool = False,
               max_depth: int | None = None, with_links: bool = True) -> Iterator[Any]:
    """Records of ``nodes`` (and, if recursive, everything below them), parents first."""
    for node in nodes:
        yield leaf_record(node) if node._is_leaf else group_record(node)
        if recursive and not node._is_leaf:
            if with_links:
                for name, target in node._links.items():
                    yield LinkRecord(node._full_name, name, target._full_name)
            for child in walk.iter_nodes(node, with_links=False, max_depth=max_depth):
                yield leaf_record(child) if child._is_leaf else group_record(child)
                if with_links and not child._is_leaf:
                    for name, target in child._links.items():
                        yield LinkRecord(child._full_name, name, target._full_name)


def image_of(traj: Trajectory, max_depth: int | None = None) -> TrajectoryImage:
    """Everything to store about ``traj`` (records are produced lazily)."""
    table = traj._run_table
    names = list(dict.fromkeys([*traj._explored_names, *traj._explored]))
    changed = [edit._lookup_exact(traj, name) for name in sorted(traj._ranges_changed)]
    return TrajectoryImage(
        name=traj.v_name,
        meta={"name": traj.v_name, "timestamp": traj.v_timestamp, "time": traj.v_time,
              "comment": traj.v_comment, "pypet_version": traj.v_version,
              "python_version": traj.v_python},
        length=len(traj),
        explored={name: param.f_get_range(copy=False)
                  for name, param in traj._explored.items() if param.f_has_range()},
        run_info=table.as_info() if traj._run_info_loaded else None,
        records=records_of([traj], recursive=True, max_depth=max_depth),
        is_new=not traj._stored,
        explored_names=names,
        # only leaves already in the file are rewritten here; new ones come with the records
        changed=[leaf_record(node) for node in changed if node is not None and node._stored],
        ranges_changed=bool(traj._ranges_changed),
    )


def _mark_stored(nodes: Iterable[Any]) -> None:
    for node in nodes:
        node._stored = True


def store(traj: Trajectory, only_init: bool = False, store_data: Any = C.STORE_DATA,
          max_depth: int | None = None) -> None:
    """``f_store``: the whole trajectory, or inside a run only what the run added."""
    store_data = StoreMode.of(store_data)
    run = traj.v_single_run
    if run is not None and run.turns_into_run:
        run.store_added(store_data)
        return
    service = service_of(traj)
    sync_storage_config(traj, service)
    service.store_trajectory(image_of(traj, max_depth), only_init=only_init,
                             store_data=store_data)
    traj._stored = True
    traj._ranges_changed.clear()
    if not only_init:
        _mark_stored(walk.iter_nodes(traj, with_links=False, max_depth=max_depth))


def mark_stored(traj: Trajectory, stored: bool) -> None:
    """Mark the trajectory and every node as stored (or not)."""
    traj._stored = stored
    for node in walk.iter_nodes(traj, with_links=False):
        node._stored = stored


def sync_storage_config(traj: Trajectory, service: StorageService) -> None:
    """Keep the service's settings and ``config.<service>`` in the tree in step.

    Settings already in the tree win (they were loaded, or the user changed them, as in
    pypet); missing ones are added from the service.
    """
    group_name = service.config_group
    if group_name is None:
        return
    group = edit._lookup_exact(traj, group_name)
    prefix = len(group_name) + 1
    leaves = {} if group is None else {leaf.v_full_name[prefix:]: leaf
                                       for leaf in group.f_iter_leaves(with_links=False)}
    present = {name: _peek(leaf) for name, leaf in leaves.items() if not leaf.f_is_empty()}
    if present:
        service.adopt_config(present)
    for key, value in service.config_entries().items():
        if key not in leaves:
            traj.f_add_config(f"{group_name}.{key}", value,
                              comment=_CONFIG_COMMENTS.get(key.rpartition(".")[0] or key, ""))


def _peek(leaf: Any) -> Any:
    """A config value read without locking it (the user may still change the setting)."""
    locked = leaf.v_locked
    value = leaf.f_get()
    if not locked:
        leaf.f_unlock()
    return value


#: comments of the storage settings in the config (a setting's name says the rest)
_CONFIG_COMMENTS = {
    "overview": "Whether or not to have an overview table with that name",
    "complevel": "Compression level (0 no compression to 9 highest compression)",
    "complib": "Compression library",
    "encoding": "Encoding for unicode characters",
    "fletcher32": "Whether to use the fletcher32 checksum",
    "shuffle": "Whether to use the shuffle filter",
    "pandas_format": "How to store pandas data frames ('fixed' or 'table')",
    "purge_duplicate_comments": "Whether comments of results and derived parameters are "
                                "stored only for the very first instance",
    "results_per_run": "Expected number of results per run",
    "derived_parameters_per_run": "Expected number of derived parameters per run",
}


def _from_message(item: tuple) -> Any:
    """The node of pypet's ``(msg, item[, args[, kwargs]])`` item form."""
    if not 2 <= len(item) <= 4:
        raise ValueError(
            f"An item tuple must be (msg, item[, args[, kwargs]]), got {len(item)} entries: "
            f"{item!r}."
        )
    return item[1]


def _resolve(traj: Trajectory, items: Iterable[Any]) -> list[Any]:
    nodes = []
    for item in items:
        if isinstance(item, str):
            nodes.append(traj.f_get(item, shortcuts=True))
        elif isinstance(item, tuple):  # pypet's (msg, item[, args[, kwargs]]) form
            nodes.append(_from_message(item))
        else:
            nodes.append(item)
    return nodes


def store_items(traj: Trajectory, items: Iterable[Any], store_data: Any = C.STORE_DATA,
                overwrite: Any = None, recursive: bool = False,
                max_depth: int | None = None, with_links: bool = True) -> None:
    """``f_store_items``: store chosen nodes of an already stored trajectory."""
    store_data, overwrite = StoreMode.of(store_data), Overwrite.of(overwrite)
    if not traj._stored:
        raise TypeError("Store the trajectory once with traj.f_store() before storing items.")
    nodes = _resolve(traj, items)
    if not nodes:
        raise ValueError("f_store_items got no items to store.")
    path = _unstored_ancestors(traj, nodes)
    service_of(traj).store_records(
        traj.v_name, itertools.chain(map(group_record, path),
                                     records_of(nodes, recursive, max_depth, with_links)),
        store_data, overwrite)
    _mark_stored(nodes)
    _mark_stored(path)


def _unstored_ancestors(traj: Trajectory, nodes: list[Any]) -> list[Any]:
    """Groups above ``nodes`` that were never stored, parents first: as in pypet, storing an
    item stores the groups on its path with their comments and annotations."""
    found: dict[str, Any] = {}
    for node in nodes:
        location = node.v_location
        chain = []
        while location and location not in found:
            group = edit._lookup_exact(traj, location)
            if group is None or group._stored:
                break
            chain.append((location, group))
            location = location.rpartition(".")[0]
        found.update(reversed(chain))
    return sorted(found.values(), key=lambda g: g.v_depth)


def load(traj: Trajectory, name: str | None = None, index: int | None = None,
         as_new: bool = False, load_parameters: int = C.LOAD_DATA,
         load_derived_parameters: int = C.LOAD_SKELETON, load_results: int = C.LOAD_SKELETON,
         load_other_data: int = C.LOAD_SKELETON, recursive: bool = True,
         load_data: int | None = None, max_depth: int | None = None, force: bool = False,
         with_run_information: bool = True, with_meta_data: bool = True) -> None:
    """``f_load``: load a trajectory by name or index into ``traj``."""
    if as_new:  # as pypet: a new trajectory from the file's parameters only
        load_parameters, load_derived_parameters = C.LOAD_DATA, C.LOAD_NOTHING
        load_results = load_other_data = C.LOAD_NOTHING
    if load_data is not None:
        load_parameters = load_derived_parameters = load_results = load_other_data = load_data
    modes = LoadModes.of(load_parameters, load_derived_parameters, load_results,
                         load_other_data)
    if as_new:
        if load_parameters not in (C.LOAD_DATA, C.OVERWRITE_DATA) or any(modes[1:]):
            raise ValueError(
                "as_new=True loads only parameters: use load_parameters=LOAD_DATA and "
                "LOAD_NOTHING for derived parameters, results and other data."
            )
    if name is None and index is None:
        name = traj.v_name
    if not recursive:
        max_depth = 1
    service = service_of(traj)
    if not as_new and not traj._stored:
        # The storage settings of a never stored trajectory are its service's defaults;
        # the file's own settings replace them (and the service adopts them below).
        group = edit._lookup_exact(traj, getattr(service, "config_group", None) or "")
        if group is not None and group is not traj:
            group.f_remove(recursive=True)
    loader = TreeLoader(traj, as_new=as_new)
    service.load_trajectory(loader, name, index, modes, max_depth,
                                     with_run_information, with_meta_data, force)
    loader.finish()
    if as_new:
        _make_new(traj)
    else:
        traj._stored = True
        sync_storage_config(traj, service_of(traj))
    traj.f_restore_default()


def _make_new(traj: Trajectory) -> None:
    """After an ``as_new`` load: parameters unlocked and unstored, fresh run table."""
    from pypet.trajectory.run_table import RunTable

    traj._run_table = RunTable(len(traj._run_table))
    for node in walk.iter_nodes(traj, with_links=False):
        node._stored = False
        if node._is_leaf and node.v_is_parameter:
            node.f_unlock()


def load_items(traj: Trajectory, items: Iterable[Any], load_data: Any = C.LOAD_DATA,
               load_only: Any = None, load_except: Any = None, only_empties: bool = False,
               recursive: bool = False, max_depth: int | None = None,
               warn_missing: bool = True, with_links: bool = True) -> int:
    """``f_load_items`` / ``f_load_child``: (re)load chosen nodes; return how many.

    ``warn_missing=False`` is for callers that probe (auto-loading tries several paths).
    """
    load_data = LoadMode.of(load_data)
    if not traj._stored:
        raise TypeError("The trajectory was never stored or loaded; nothing to load items from.")
    if isinstance(load_only, str):
        load_only = [load_only]
    if isinstance(load_except, str):
        load_except = [load_except]
    if load_only is not None and load_except is not None:
        raise ValueError("Pass either load_only or load_except, not both.")
    names = []
    for item in items:
        if isinstance(item, str):
            node = traj.f_get_default(item, None, fast_access=False)
            if node is None:  # not in RAM: load it by its exact name (shortcuts translated)
                names.append(".".join(traj._translate(item)))
                continue
        else:
            node = _from_message(item) if isinstance(item, tuple) else item
        if only_empties and node._is_leaf and not node.f_is_empty():
            continue
        if load_only is not None and node._is_leaf and node.v_is_parameter and node.v_locked:
            raise ParameterLockedException(
                f"{node.v_full_name!r} is locked; f_unlock() it before loading parts of it "
                "with load_only."
            )
        names.append(node.v_full_name)
    if not names:  # everything was skipped (only_empties)
        return 0
    loader = TreeLoader(traj, with_links=with_links)
    found = service_of(traj).load_records(loader, traj.v_name, names, load_data, recursive,
                                          max_depth, load_only, load_except)
    if not found and warn_missing:
        _log.warning("None of %s was found in the storage.", names)
    loader.finish()
    return found


def delete_items(traj: Trajectory, items: Iterable[Any], remove_from_trajectory: bool = False,
                 delete_only: Any = None, remove_from_item: bool = False,
                 recursive: bool = False) -> None:
    """``f_delete_items``: remove nodes (or some of their items) from storage."""
    nodes = _resolve(traj, items)
    if isinstance(delete_only, str):
        delete_only = [delete_only]
    service_of(traj).delete_nodes(traj.v_name, [n.v_full_name for n in nodes], recursive,
                                  delete_only)
    explored = set(traj._explored_names)
    for node in nodes:
        if delete_only and remove_from_item and node._is_leaf:
            node.f_remove(*delete_only)
        elif not delete_only:
            node._stored = False
            if remove_from_trajectory:
                parent = edit._lookup_exact(traj, node.v_location)
                parent.f_remove_child(node.v_name, recursive=True)
    if remove_from_trajectory and not delete_only and explored - set(traj._explored_names):
        # an explored parameter left disk and RAM: the file's list of explored parameters
        # and its run-table columns follow (the runs and their results stay)
        service_of(traj).store_trajectory(image_of(traj), only_init=True)


def delete_links(traj: Trajectory, links: Iterable[Any],
                 remove_from_trajectory: bool = False) -> None:
    """``f_delete_links``: remove links (``'a.b.link'`` or ``(group, 'link')``) from storage."""
    records = []
    for link in links:
        if isinstance(link, tuple):
            group, name = link
        else:
            location, _, name = link.rpartition(".")
            group = edit._lookup_exact(traj, location) if location else traj
            if group is None:
                group = traj.f_get(location)
        target = group._links.get(name)
        if target is None:
            raise ValueError(f"{group.v_full_name or 'the root'!r} has no link {name!r}.")
        records.append(LinkRecord(group.v_full_name, name, target.v_full_name))
        if remove_from_trajectory:
            group.f_remove_link(name)
    service_of(traj).delete_links(traj.v_name, records)
