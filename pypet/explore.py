"""Building exploration ranges: the cartesian product and finding unique points."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["cartesian_product", "find_unique_points"]


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
