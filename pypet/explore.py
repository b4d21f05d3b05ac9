"""Building exploration ranges: grids, random and Latin-hypercube samples, unique points.

Every builder returns ``{parameter name: list of Python values}``, ready for
``traj.f_explore``. Values are Python scalars (not numpy ones), because exploration
requires the type of the parameter's default.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["cartesian_product", "find_unique_points", "latin_hypercube", "random_sample",
           "split_exploration"]


def cartesian_product(parameter_dict: Mapping[str, Iterable],
                      combined_parameters: Sequence[str | Sequence[str]] = ()) -> dict[str, list]:
    """Return the cartesian product of ranges as a dict of equally long lists.

    Parameters
    ----------
    parameter_dict : mapping
        ``{parameter name: values}``.
    combined_parameters : sequence of names or tuples of names, optional
        The order of the product: the **last entry varies fastest**. A tuple ties its
        parameters together (their values are zipped, so their lists must be equally long).
        A bare string stands for a 1-tuple. By default every key is its own entry, in the
        order of ``parameter_dict``.

    Examples
    --------
    >>> cartesian_product({'x': [1, 2], 'y': ['a', 'b']})
    {'x': [1, 1, 2, 2], 'y': ['a', 'b', 'a', 'b']}
    """
    if not isinstance(parameter_dict, Mapping):
        raise TypeError(
            f"cartesian_product takes a dict {{parameter name: list of values}}, got "
            f"{parameter_dict!r}."
        )
    for name, given in parameter_dict.items():
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise TypeError(
                f"cartesian_product: the values of {name!r} must be a list (or another "
                f"iterable) of the values to explore, got {given!r}; e.g. {{{name!r}: "
                f"[{given!r}]}} for a single value."
            )
    values = {name: list(v) for name, v in parameter_dict.items()}
    if not combined_parameters:
        combined_parameters = list(values)
    groups = [(g,) if isinstance(g, str) else tuple(g) for g in combined_parameters]
    mentioned = [name for group in groups for name in group]
    unknown = [name for name in mentioned if name not in values]
    if unknown:
        raise ValueError(f"combined_parameters names {unknown}, which are not in the dict.")
    missing = [name for name in values if name not in mentioned]
    if missing:
        raise ValueError(f"The parameters {missing} are not in combined_parameters; add them.")
    group_points = []
    for group in groups:
        lengths = {name: len(values[name]) for name in group}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"Parameters combined in one tuple need equal lengths: {lengths}.")
        group_points.append(list(zip(*(values[name] for name in group), strict=True)))
    result: dict[str, list] = {name: [] for name in mentioned}
    for combination in itertools.product(*group_points):
        for group, point in zip(groups, combination, strict=True):
            for name, value in zip(group, point, strict=True):
                result[name].append(value)
    return result


def _checked_bounds(bounds: Mapping[str, Sequence[float]], n: int) -> dict[str, tuple]:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"The number of points must be a positive int, got {n!r}.")
    checked = {}
    for name, pair in bounds.items():
        if len(pair) != 2 or not pair[0] <= pair[1]:
            raise ValueError(f"Bounds of {name!r} must be (low, high) with low <= high, "
                             f"got {pair!r}.")
        checked[name] = (pair[0], pair[1])
    return checked


def random_sample(bounds: Mapping[str, Sequence[float]], n: int,
                  seed: int | None = None) -> dict[str, list]:
    """Return ``n`` independent uniform random points of a box.

    Parameters
    ----------
    bounds : mapping
        ``{parameter name: (low, high)}``. Two ints give ints in ``low..high`` (both
        included); otherwise floats in ``[low, high)``.
    n : int
        Number of points (runs).
    seed : int, optional
        Seed of the random generator, for a reproducible sample.

    Examples
    --------
    >>> sample = random_sample({'x': (0.0, 1.0), 'k': (1, 3)}, 4, seed=1)
    >>> [len(v) for v in sample.values()], all(1 <= k <= 3 for k in sample['k'])
    ([4, 4], True)
    """
    import numpy as np  # here, so that importing this module stays cheap

    rng = np.random.default_rng(seed)
    sample = {}
    for name, (low, high) in _checked_bounds(bounds, n).items():
        if _both_ints(low, high):
            sample[name] = rng.integers(low, high, endpoint=True, size=n).tolist()
        else:
            sample[name] = rng.uniform(low, high, size=n).tolist()
    return sample


def latin_hypercube(bounds: Mapping[str, Sequence[float]], n: int,
                    seed: int | None = None) -> dict[str, list]:
    """Return a Latin-hypercube sample of ``n`` float points of a box.

    Each parameter's range is cut into ``n`` equal strata and every stratum holds exactly
    one point, so ``n`` runs cover every parameter evenly (unlike a grid, whose size grows
    with the power of the number of parameters).

    Parameters
    ----------
    bounds : mapping
        ``{parameter name: (low, high)}``; values are floats in ``[low, high)``.
    n : int
        Number of points (runs).
    seed : int, optional
        Seed of the random generator, for a reproducible sample.

    Examples
    --------
    >>> sample = latin_hypercube({'x': (0.0, 1.0), 'y': (10.0, 20.0)}, 5, seed=0)
    >>> sorted(int(v * 5) for v in sample['x'])
    [0, 1, 2, 3, 4]
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    sample = {}
    for name, (low, high) in _checked_bounds(bounds, n).items():
        strata = rng.permutation(n) + rng.uniform(size=n)  # one point inside each stratum
        sample[name] = (float(low) + strata / n * (float(high) - float(low))).tolist()
    return sample


def split_exploration(build_dict: Mapping[str, Sequence], n_shards: int,
                      index: int | None = None) -> Any:
    """Cut an exploration into ``n_shards`` consecutive slices (shards), e.g. one per job.

    Each shard is explored and run on its own (its own process, machine or batch job, its
    own file); merging the shard files in shard order (``merge_all_in_folder`` over files
    named ``shard_0000.hdf5``, ``shard_0001.hdf5``, ...) gives the runs in the order of the
    whole exploration, as if one machine had run it. Shard sizes differ by at most one point.

    Parameters
    ----------
    build_dict : mapping
        ``{parameter name: values}`` of one length, as for ``traj.f_explore``.
    n_shards : int
        Number of shards (at most the number of points).
    index : int, optional
        Return only shard ``index`` (0-based; e.g. ``SLURM_ARRAY_TASK_ID``).

    Returns
    -------
    list of dict, or dict
        All shards, or shard ``index``.

    Examples
    --------
    >>> split_exploration({'x': [1, 2, 3, 4, 5]}, 2)
    [{'x': [1, 2, 3]}, {'x': [4, 5]}]
    >>> split_exploration({'x': [1, 2, 3, 4, 5]}, 2, index=1)
    {'x': [4, 5]}
    """
    values = {name: list(v) for name, v in build_dict.items()}
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1:
        raise ValueError(f"All ranges must have one length to be split, got "
                         f"{ {n: len(v) for n, v in values.items()} }.")
    length = lengths.pop()
    if not isinstance(n_shards, int) or isinstance(n_shards, bool) or not 1 <= n_shards <= length:
        raise ValueError(f"n_shards must be an int from 1 to the number of points ({length}), "
                         f"got {n_shards!r}.")
    size, extra = divmod(length, n_shards)  # the first ``extra`` shards get one more point
    bounds = [k * size + min(k, extra) for k in range(n_shards + 1)]
    if index is not None:
        if not isinstance(index, int) or not 0 <= index < n_shards:
            raise ValueError(f"index must be an int from 0 to {n_shards - 1}, got {index!r}.")
        return {n: v[bounds[index]:bounds[index + 1]] for n, v in values.items()}
    return [{n: v[bounds[k]:bounds[k + 1]] for n, v in values.items()} for k in range(n_shards)]


def _both_ints(low: Any, high: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))


def find_unique_points(explored_parameters: Sequence[Any]) -> list[tuple[tuple, list[int]]]:
    """Group the runs by their point in parameter space.

    Parameters
    ----------
    explored_parameters : sequence of explored parameters

    Returns
    -------
    list of ``(tuple of values, [run indices])`` in order of first appearance.
    """
    ranges = [param.f_get_range(copy=False) for param in explored_parameters]
    unique: dict[Any, tuple[tuple, list[int]]] = {}
    unhashable: list[tuple[tuple, list[int]]] = []
    for idx, point in enumerate(zip(*ranges, strict=True)):
        try:
            key = tuple((type(v), v) for v in point)
            hash(key)
        except TypeError:
            for known, positions in unhashable:
                if all(p._equal_values(a, b)
                       for p, a, b in zip(explored_parameters, known, point, strict=True)):
                    positions.append(idx)
                    break
            else:
                unhashable.append((point, [idx]))
            continue
        if key in unique:
            unique[key][1].append(idx)
        else:
            unique[key] = (point, [idx])
    found = list(unique.values()) + unhashable
    found.sort(key=lambda item: item[1][0])
    return found
